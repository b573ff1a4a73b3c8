package actions

import (
	"strings"
	"testing"

	"zhucun/policy"
)

// The rules read as sentences, and a changed threshold is the one line
// the diff shows (the township line and the joint line both name it).
func TestRulesTextAndDiff(t *testing.T) {
	def := policy.Default()
	var joint string
	for _, l := range RulesText(def) {
		if l.Key == "leave.joint" {
			joint = l.Text
		}
		if strings.ContainsAny(l.Text, "{}\"") || strings.Contains(l.Text, "%!") {
			t.Errorf("line %s is not words: %q", l.Key, l.Text)
		}
	}
	if joint != "请假超过7天需县委组织部、县乡村振兴局和派出单位共同批准" {
		t.Errorf("joint line: %q", joint)
	}
	if d := RulesDiff(def, def); len(d) != 0 {
		t.Errorf("no change, diff %v", d)
	}
	next := policy.Default()
	next.Leave.ThresholdDays = 3
	next.Leave.MaxDaysByKind = map[string]int{policy.KindPersonal: 30, policy.KindSick: 90}
	d := RulesDiff(def, next)
	if len(d) != 3 || !strings.Contains(d[1].Old, "超过7天") || !strings.Contains(d[1].New, "超过3天") || d[2].Old != "" || d[2].New != "病假最长90天" {
		t.Errorf("diff: %+v", d)
	}
}
