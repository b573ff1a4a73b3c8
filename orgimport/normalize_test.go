package orgimport

import "testing"

// The loops that replaced the regexps accept exactly what these did:
// ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$ and ^[0-9+][0-9-]{4,19}$.
func TestValidIDAndPhone(t *testing.T) {
	long := "a"
	for len(long) < 64 {
		long += "b"
	}
	for id, want := range map[string]bool{"m01": true, "xc1-t2.v_3": true, "A": true, long: true, long + "c": false,
		"": false, "-a": false, ".a": false, "a b": false, "a/b": false, "队员": false, "a+b": false} {
		if validID(id) != want {
			t.Errorf("validID(%q) = %v", id, !want)
		}
	}
	for p, want := range map[string]bool{"13800138000": true, "+8613800138000": true, "0396-1234567": true,
		"12345": true, "1234": false, "-12345": false, "1380013800a": false, "123456789012345678901": false, "": false} {
		if validPhone(p) != want {
			t.Errorf("validPhone(%q) = %v", p, !want)
		}
	}
}
