package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// SealText encrypts a short secret that zhucun must read back in plaintext
// (a group robot's webhook key or DingTalk signing secret, which sign each
// call and so cannot be hashed like a password) with the current data key,
// AES-256-GCM. The answer is "keyid:base64(nonce|ciphertext)". bind is
// sealed in as associated data (e.g. "robot:team:t1"), so a sealed value
// copied to another row does not open there.
func (k *Keys) SealText(plain, bind string) (string, error) {
	g, err := k.gcm(k.Current)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	ct := g.Seal(nonce, nonce, []byte(plain), []byte(k.Current+"\x00"+bind))
	return k.Current + ":" + base64.RawStdEncoding.EncodeToString(ct), nil
}

// OpenText reverses SealText with whichever known key sealed the value and
// the same bind. Its errors never quote the value.
func (k *Keys) OpenText(sealed, bind string) (string, error) {
	id, b64, ok := strings.Cut(sealed, ":")
	if !ok {
		return "", errors.New("sealed text: malformed")
	}
	g, err := k.gcm(id)
	if err != nil {
		return "", err
	}
	ct, err := base64.RawStdEncoding.DecodeString(b64)
	if err != nil || len(ct) < g.NonceSize() {
		return "", errors.New("sealed text: malformed")
	}
	plain, err := g.Open(nil, ct[:g.NonceSize()], ct[g.NonceSize():], []byte(id+"\x00"+bind))
	if err != nil {
		return "", fmt.Errorf("sealed text under key %q does not open", id)
	}
	return string(plain), nil
}

func (k *Keys) gcm(id string) (cipher.AEAD, error) {
	key, ok := k.Data[id]
	if !ok {
		return nil, fmt.Errorf("sealed with unknown key %q", id)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}
