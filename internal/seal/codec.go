package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

// Metadata of an encrypted payload: its encoding, and the id of the data
// key it was sealed with.
const (
	EncodingEncrypted = "binary/zhucun-aes256gcm"
	MetaKeyID         = "zhucun-key-id"
)

// Codec encrypts every payload with the current data key (AES-256-GCM) and
// decrypts with whichever known key a payload names. A payload that is not
// encrypted (written before issue 18) passes through, so old processes
// stay readable.
func (k *Keys) Codec() converter.PayloadCodec { return codec{k} }

// DataConverter is Temporal's JSON converter with the codec: what every
// client and worker zhucun creates uses, so inputs, results, update
// arguments and activity payloads reach Temporal's store encrypted.
func (k *Keys) DataConverter() converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), k.Codec())
}

type codec struct{ k *Keys }

func (c codec) aead(id string) (cipher.AEAD, error) {
	key, ok := c.k.Data[id]
	if !ok {
		return nil, fmt.Errorf("payload sealed with unknown key %q", id)
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func (c codec) Encode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	g, err := c.aead(c.k.Current)
	if err != nil {
		return nil, err
	}
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		plain, err := p.Marshal()
		if err != nil {
			return nil, err
		}
		nonce := make([]byte, g.NonceSize())
		if _, err := rand.Read(nonce); err != nil {
			return nil, err
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{converter.MetadataEncoding: []byte(EncodingEncrypted), MetaKeyID: []byte(c.k.Current)},
			// The key id is bound in as associated data: a payload cannot
			// be passed off as sealed by another key.
			Data: g.Seal(nonce, nonce, plain, []byte(c.k.Current)),
		}
	}
	return out, nil
}

func (c codec) Decode(ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(ps))
	for i, p := range ps {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != EncodingEncrypted {
			out[i] = p
			continue
		}
		id := string(p.Metadata[MetaKeyID])
		g, err := c.aead(id)
		if err != nil {
			return nil, err
		}
		if len(p.Data) < g.NonceSize() {
			return nil, errors.New("encrypted payload too short")
		}
		plain, err := g.Open(nil, p.Data[:g.NonceSize()], p.Data[g.NonceSize():], []byte(id))
		if err != nil {
			return nil, fmt.Errorf("payload sealed with key %q does not open: %w", id, err)
		}
		out[i] = &commonpb.Payload{}
		if err := out[i].Unmarshal(plain); err != nil {
			return nil, err
		}
	}
	return out, nil
}
