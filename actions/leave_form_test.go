package actions

import (
	"bytes"
	"testing"
	"time"

	"zhucun/store"
	"zhucun/workflows"
)

// BenchmarkLeaveForm draws a joint leave's form with the default font
// (parsed and subset on every call, as the handler does).
func BenchmarkLeaveForm(b *testing.B) {
	_, font, err := pdfFont()
	if err != nil {
		b.Skipf("no font: %v", err)
	}
	at := time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)
	lp := LeavePage{Place: store.MemberContext{MemberName: "张三", UnitName: "市农业农村局", TeamName: "赵楼村驻村工作队"},
		Leave: workflows.Leave{ID: "x", MemberName: "张三", Kind: "sick", StartDate: "2026-12-03", EndDate: "2026-12-12", Days: 10,
			Reason: "住院手术，需术后休养", RouteReason: "10天，超过7天，由县委组织部、县乡村振兴局和派出单位共同审批", Status: "approved",
			SubmittedAt: at, Steps: []workflows.Step{{Name: workflows.StepApproval, Decisions: []workflows.Decision{
				{ByName: "西平县委组织部", Party: "office:x", Decision: "approve", Comment: "同意", At: at},
				{ByName: "西平县乡村振兴局", Party: "office:y", Decision: "approve", Comment: "同意，注意休养", At: at},
				{ByName: "陈国庆（市农业农村局负责人）", Party: "unit:z", Decision: "approve", At: at}}}}}}
	b.ReportAllocs()
	for b.Loop() {
		out, err := drawLeaveForm(lp, font, at)
		if err != nil || !bytes.HasPrefix(out, []byte("%PDF-")) {
			b.Fatalf("%v", err)
		}
	}
}
