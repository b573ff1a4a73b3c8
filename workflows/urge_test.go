package workflows_test

import (
	"errors"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"zhucun/errs"
	"zhucun/workflows"
)

func urgeBy(a workflows.Actor, county string) workflows.UrgeArgs {
	return workflows.UrgeArgs{Actor: a, CountyID: county, Comment: "请尽快说明"}
}

// 催办 of an overdue absence explanation: only a county office of its
// county or a city office, only once it is overdue, once a day per office;
// each is in the timeline and told to the member.
func TestUrgeOverdueExplanation(t *testing.T) {
	h := newAbsHarness(t, at(t, "2026-03-03T11:00"))
	in := absenceInput(t, at(t, "2026-03-03T10:00")) // due 03-25T00:00
	h.reject(at(t, "2026-03-10T09:00"), workflows.ProcessUrge, urgeBy(bureauActor, "xiping"), workflows.ErrConflict)
	// The member may urge their own process since issue 20, but the
	// explanation waits on the member: no one else to urge.
	h.reject(at(t, "2026-03-26T08:00"), workflows.ProcessUrge, urgeBy(memberActor, ""), workflows.ErrForbidden)
	h.reject(at(t, "2026-03-26T08:00"), workflows.ProcessUrge, urgeBy(otherMemberActor, ""), workflows.ErrForbidden)
	h.reject(at(t, "2026-03-26T08:00"), workflows.ProcessUrge, urgeBy(absOtherBureauAct, "shangcai"), workflows.ErrForbidden)
	h.reject(at(t, "2026-03-26T08:00"), workflows.ProcessUrge, urgeBy(bureauActor, ""), workflows.ErrForbidden)
	h.ok(at(t, "2026-03-26T09:00"), workflows.ProcessUrge, urgeBy(bureauActor, "xiping"))
	var again error
	h.do(at(t, "2026-03-27T08:59"), func() { // within 24 h: refused, in words
		h.env.UpdateWorkflow(workflows.ProcessUrge, "again", &testsuite.TestUpdateCallback{
			OnReject:   func(err error) { again = err },
			OnAccept:   func() { t.Error("a second 催办 within 24 h was accepted") },
			OnComplete: func(any, error) {},
		}, urgeBy(bureauActor, "xiping"))
	})
	h.ok(at(t, "2026-03-27T08:59"), workflows.ProcessUrge, urgeBy(orgDeptActor, "xiping")) // another office
	h.ok(at(t, "2026-03-27T09:00"), workflows.ProcessUrge, urgeBy(bureauActor, "xiping"))  // a day on
	h.ok(at(t, "2026-03-27T10:00"), workflows.ProcessUrge, urgeBy(absCityBureauActor, ""))
	h.okThen(at(t, "2026-04-10T10:00"), workflows.AbsenceClose,
		workflows.CloseArgs{Actor: bureauActor, Reason: "本人已调离，无法补交"}, nil)
	h.execute(workflows.AbsenceWorkflow, in, workflows.KindAbsence)

	var ae *temporal.ApplicationError
	if !errors.As(again, &ae) || ae.Type() != workflows.ErrConflict || ae.Message() != string(errs.MsgUrgedRecently) {
		t.Fatalf("second 催办 within 24 h: %v", again)
	}
	if msg := errs.Text(errs.MsgUrgedRecently, "2026-03-26 09:00"); !strings.Contains(msg, "24小时内不能再次催办") {
		t.Errorf("the refusal reads %q", msg)
	}
	var urged []string
	for _, e := range h.events() {
		if e.Action == "urged" {
			urged = append(urged, e.ActorID+"@"+e.At.In(cst).Format("01-02T15:04")+"/"+e.Step)
		}
	}
	want := []string{"u-bureau@03-26T09:00/" + workflows.StepExplanation, "u-org@03-27T08:59/" + workflows.StepExplanation,
		"u-bureau@03-27T09:00/" + workflows.StepExplanation, "u-city-bureau@03-27T10:00/" + workflows.StepExplanation}
	if strings.Join(urged, " ") != strings.Join(want, " ") {
		t.Errorf("urged events\n got %v\nwant %v", urged, want)
	}
	if n := countPrefixed(h.notices(), memberParty, "催办"); n != 4 {
		t.Errorf("%d 催办 notices to the member, want 4", n)
	}
}
