package seal

import (
	"strings"
	"testing"
)

func TestSealText(t *testing.T) {
	k, err := NewKeys()
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := k.SealText("SECabc123", "robot:team:t1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "SECabc123") || !strings.HasPrefix(sealed, k.Current+":") {
		t.Fatalf("sealed = %q: want keyid:ciphertext without the secret", sealed)
	}
	if got, err := k.OpenText(sealed, "robot:team:t1"); err != nil || got != "SECabc123" {
		t.Fatalf("OpenText = %q, %v", got, err)
	}
	if _, err := k.OpenText(sealed, "robot:team:t2"); err == nil {
		t.Errorf("opened under another bind")
	}
	other, _ := NewKeys()
	if _, err := other.OpenText(sealed, "robot:team:t1"); err == nil {
		t.Errorf("opened without the key")
	}
	if again, _ := k.SealText("SECabc123", "robot:team:t1"); again == sealed {
		t.Errorf("two seals of one secret are equal: the nonce is not fresh")
	}
}
