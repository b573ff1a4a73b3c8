// Package seal keeps what zhucun sends through Temporal honest and private:
// the API signs every start and update it sends into a workflow (so the
// worker refuses one forged by anyone else who reaches Temporal's port),
// workflow inputs and results are encrypted before they reach Temporal's
// store, and `zhucun certs` makes the certificates for mutual TLS between
// a split deployment's processes. The keys are shared only by api and
// worker processes; the Temporal server never holds them.
package seal

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Keys are the signing key and the data keys. A data key has an id that
// travels in each encrypted payload's metadata, so keys can rotate: add a
// new key, make it Current, keep the old ones while payloads sealed with
// them live on.
type Keys struct {
	Signing []byte
	Data    map[string][]byte
	Current string
}

// file is keys.json as written and read.
type file struct {
	Signing string    `json:"signing_key"`
	Data    []dataKey `json:"data_keys"`
	Current string    `json:"current"`
}

type dataKey struct {
	ID  string `json:"id"`
	Key string `json:"key"`
}

// NewKeys makes a fresh signing key and one data key.
func NewKeys() (*Keys, error) {
	sig, dk := make([]byte, 32), make([]byte, 32)
	if _, err := rand.Read(sig); err != nil {
		return nil, err
	}
	if _, err := rand.Read(dk); err != nil {
		return nil, err
	}
	id := fmt.Sprintf("k%x", dk[:4]) // names the key, reveals nothing useful
	return &Keys{Signing: sig, Data: map[string][]byte{id: dk}, Current: id}, nil
}

// Load reads a keys file.
func Load(path string) (*Keys, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("keys %s: %w", path, err)
	}
	k := &Keys{Data: map[string][]byte{}, Current: f.Current}
	if k.Signing, err = base64.StdEncoding.DecodeString(f.Signing); err != nil || len(k.Signing) < 32 {
		return nil, fmt.Errorf("keys %s: signing_key must be 32 bytes or more, base64", path)
	}
	for _, d := range f.Data {
		key, err := base64.StdEncoding.DecodeString(d.Key)
		if err != nil || len(key) != 32 || d.ID == "" {
			return nil, fmt.Errorf("keys %s: data key %q must have an id and 32 bytes, base64", path, d.ID)
		}
		k.Data[d.ID] = key
	}
	if _, ok := k.Data[k.Current]; !ok {
		return nil, fmt.Errorf("keys %s: current data key %q is not among data_keys", path, k.Current)
	}
	return k, nil
}

// Save writes k to path, readable by its owner only. It fails if path
// exists: keys are never overwritten.
func (k *Keys) Save(path string) error {
	f := file{Signing: base64.StdEncoding.EncodeToString(k.Signing), Current: k.Current}
	for id, key := range k.Data {
		f.Data = append(f.Data, dataKey{ID: id, Key: base64.StdEncoding.EncodeToString(key)})
	}
	b, _ := json.MarshalIndent(f, "", "  ")
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	// Written aside and linked into place: two processes starting on one
	// data folder end up with the same keys, never half a file.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".keys-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}

// LoadOrCreate reads path, or creates it with fresh keys when it does not
// exist (an all-in-one `serve` keeps its keys in its data folder).
func LoadOrCreate(path string) (*Keys, error) {
	k, err := Load(path)
	if err == nil || !errors.Is(err, os.ErrNotExist) {
		return k, err
	}
	if k, err = NewKeys(); err != nil {
		return nil, err
	}
	if err := k.Save(path); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("keys: %w", err)
	}
	return Load(path) // the one that won, if another process was first
}

// Merge adds k's data keys to the keys file at path, or writes k there when
// there is none: after a restore, payloads sealed under the copied system's
// keys stay readable. The file's own signing key and current data key stay
// as they are.
func Merge(path string, k *Keys) error {
	have, err := Load(path)
	if errors.Is(err, os.ErrNotExist) {
		return k.Save(path)
	}
	if err != nil {
		return err
	}
	added := false
	for id, key := range k.Data {
		if _, ok := have.Data[id]; !ok {
			have.Data[id], added = key, true
		}
	}
	if !added {
		return nil
	}
	tmp := path + ".merged"
	_ = os.Remove(tmp)
	if err := have.Save(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
