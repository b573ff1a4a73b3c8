package seal

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

type args struct {
	Actor struct {
		UserID string `json:"user_id"`
	} `json:"actor"`
	Decision string `json:"decision"`
}

func header(t testing.TB, ctx context.Context) map[string]*commonpb.Payload {
	t.Helper()
	h := &commonpb.Header{Fields: map[string]*commonpb.Payload{}}
	if err := Propagator().Inject(ctx, headerWriter{h}); err != nil {
		t.Fatal(err)
	}
	return h.Fields
}

type headerWriter struct{ h *commonpb.Header }

func (w headerWriter) Set(k string, v *commonpb.Payload) { w.h.Fields[k] = v }

func TestProofBindsWhatWasSigned(t *testing.T) {
	k, _ := NewKeys()
	var a args
	a.Actor.UserID, a.Decision = "u1", "approve"
	ctx, err := k.SignUpdate(context.Background(), "leave/1", "decide", "upd-1", a)
	if err != nil {
		t.Fatal(err)
	}
	h := header(t, ctx)
	now := time.Now()
	if err := k.verify(h, UpdateHeader, "update", "leave/1", "decide", "upd-1", []any{a}, now); err != nil {
		t.Fatalf("the signed update: %v", err)
	}
	other := a
	other.Actor.UserID = "u2"
	other2, _ := NewKeys()
	for name, err := range map[string]error{
		"another actor":    k.verify(h, UpdateHeader, "update", "leave/1", "decide", "upd-1", []any{other}, now),
		"another workflow": k.verify(h, UpdateHeader, "update", "leave/2", "decide", "upd-1", []any{a}, now),
		"another update":   k.verify(h, UpdateHeader, "update", "leave/1", "withdraw", "upd-1", []any{a}, now),
		"another id":       k.verify(h, UpdateHeader, "update", "leave/1", "decide", "upd-2", []any{a}, now),
		"another key":      other2.verify(h, UpdateHeader, "update", "leave/1", "decide", "upd-1", []any{a}, now),
		"as a start":       k.verify(h, StartHeader, "start", "leave/1", "", "", []any{a}, now),
	} {
		if err == nil || !IsRefusal(err) {
			t.Errorf("%s: %v, want refused", name, err)
		}
	}
	if err := k.verify(h, UpdateHeader, "update", "leave/1", "decide", "upd-1", []any{a}, now.Add(MaxAge+time.Minute)); err == nil || !strings.Contains(err.Error(), "seal.stale") {
		t.Errorf("stale: %v", err)
	}
}

func TestCodecRotates(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, KeysFile)
	k, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreate(path)
	if err != nil || again.Current != k.Current || !bytes.Equal(again.Signing, k.Signing) {
		t.Fatalf("second load: %v", err)
	}
	p, _ := converter.GetDefaultDataConverter().ToPayload("住院治疗")
	sealed, err := k.Codec().Encode([]*commonpb.Payload{p})
	if err != nil || bytes.Contains(sealed[0].Data, []byte("住院治疗")) || string(sealed[0].Metadata[MetaKeyID]) != k.Current {
		t.Fatalf("encode: %v", err)
	}
	// A new current key: old payloads still open, new ones use it.
	fresh, _ := NewKeys()
	for id, key := range fresh.Data {
		k.Data[id], k.Current = key, id
	}
	open, err := k.Codec().Decode(sealed)
	if err != nil || !bytes.Equal(open[0].Data, p.Data) {
		t.Fatalf("decode with the old key after rotation: %v", err)
	}
	newer, _ := k.Codec().Encode([]*commonpb.Payload{p})
	if string(newer[0].Metadata[MetaKeyID]) != fresh.Current {
		t.Errorf("encoded with %s, want the new current key", newer[0].Metadata[MetaKeyID])
	}
	// Tampered: refused, not passed off.
	sealed[0].Data[len(sealed[0].Data)-1] ^= 1
	if _, err := k.Codec().Decode(sealed); err == nil {
		t.Error("a tampered payload opened")
	}
	// Unencrypted payloads (from before) pass through.
	if out, err := k.Codec().Decode([]*commonpb.Payload{p}); err != nil || out[0] != p {
		t.Errorf("plain payload: %v", err)
	}
}
