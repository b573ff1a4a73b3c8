package e2e

import (
	"fmt"
	"sort"
	"testing"
	"time"
)

// BenchmarkLeaveSubmitAndDecide measures the HTTP latency of the two
// commonest requests, one after the other from one client: submitting a
// leave (auth, policy, workflow start, first read-model write) and the
// township committee approving it (an Update that records before it
// answers). Run: go test ./e2e -run '^$' -bench LeaveSubmit -benchtime 200x
func BenchmarkLeaveSubmitAndDecide(b *testing.B) {
	members := []string{"m15", "m16", "m17", "m18", "m19", "m20", "m21", "m22"} // shangcai: no other test uses them
	var submit, decide []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := H.Login(b, members[i%len(members)])
		dec := H.Login(b, m.User["township_id"].(string)+"-committee")
		benchSeq++ // leaves of one member must not overlap, across runs too
		start := day(200 + benchSeq)
		t0 := time.Now()
		leave := m.JSON(b, "POST", "/api/v1/leaves", map[string]any{
			"kind": "personal", "start_date": start, "end_date": start, "reason": fmt.Sprint("bench ", i)}, 201)
		t1 := time.Now()
		dec.JSON(b, "POST", "/api/v1/leaves/"+leave["id"].(string)+"/decision", map[string]any{"decision": "approve"}, 200)
		submit = append(submit, t1.Sub(t0))
		decide = append(decide, time.Since(t1))
	}
	b.StopTimer()
	for name, d := range map[string][]time.Duration{"submit": submit, "decide": decide} {
		b.ReportMetric(ms(pct(d, 50)), name+"-p50-ms")
		b.ReportMetric(ms(pct(d, 99)), name+"-p99-ms")
	}
}

var benchSeq int

func pct(d []time.Duration, p int) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[(len(s)-1)*p/100]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
