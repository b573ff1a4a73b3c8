package seal

import (
	"context"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
)

// BenchmarkSignVerify is what one update costs for its proof: signed in
// the API, checked in the worker.
func BenchmarkSignVerify(b *testing.B) {
	k, _ := NewKeys()
	var a args
	a.Actor.UserID, a.Decision = "u1", strings.Repeat("同意", 50)
	for b.Loop() {
		ctx, _ := k.SignUpdate(context.Background(), "leave/1", "decide", "upd-1", a)
		if err := k.verify(header(b, ctx), UpdateHeader, "update", "leave/1", "decide", "upd-1", []any{a}, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCodec encrypts and decrypts a 2 KB payload (a leave's input).
func BenchmarkCodec(b *testing.B) {
	k, _ := NewKeys()
	p, _ := converter.GetDefaultDataConverter().ToPayload(strings.Repeat("住院治疗", 170))
	c := k.Codec()
	for b.Loop() {
		s, _ := c.Encode([]*commonpb.Payload{p})
		if _, err := c.Decode(s); err != nil {
			b.Fatal(err)
		}
	}
}
