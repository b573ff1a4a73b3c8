package store

import (
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// BenchmarkOneTimeHash: what handing out one account's one-time password
// costs, stored as now (salted SHA-256) and as before (bcrypt, cost 6).
// Times 560,000 (a country) over 2 cores for the whole issue.
func BenchmarkOneTimeHash(b *testing.B) {
	pw := NewOneTimePassword()
	b.Run("sha256", func(b *testing.B) {
		for range b.N {
			if !oneTimeMatches(hashOneTime(pw), pw) {
				b.Fatal("no match")
			}
		}
	})
	b.Run("bcrypt-6", func(b *testing.B) {
		for range b.N {
			if _, err := bcrypt.GenerateFromPassword([]byte(pw), 6); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func TestOneTimePasswords(t *testing.T) {
	seen := map[rune]bool{}
	for range 200 {
		pw := NewOneTimePassword()
		if len(pw) != OneTimeLen {
			t.Fatalf("%q: %d characters", pw, len(pw))
		}
		for _, r := range pw {
			seen[r] = true
		}
		h := hashOneTime(pw)
		if !isOneTimeHash(h) || !oneTimeMatches(h, pw) || oneTimeMatches(h, pw+"x") || passwordMatches(h, pw[1:]) {
			t.Fatalf("hash %q of %q", h, pw)
		}
		if h == hashOneTime(pw) {
			t.Fatal("the same password hashed alike twice: no salt")
		}
	}
	if len(seen) != len(oneTimeAlphabet) {
		t.Errorf("%d letters seen in 200 passwords, want all %d", len(seen), len(oneTimeAlphabet))
	}
}
