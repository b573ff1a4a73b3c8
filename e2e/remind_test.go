package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"zhucun/policy"
	"zhucun/workflows"
)

// 催办 of an overdue absence explanation, end to end. No request makes an
// explanation overdue in a test's time (its deadline is days away), so the
// test starts an absence workflow as the server would, with the facts of
// one recorded through the API but a due instant seconds away, in a cycle
// no other test reads (2099-02); the workflow's own alarm makes it overdue.
// Then: the member and another county's bureau may not remind; the
// county's bureau does, the timeline shows it; a second within 24 hours
// is refused in Chinese; the city bureau may still remind.
func TestRemindOverdueAbsence(t *testing.T) {
	bureau, member := H.Login(t, "shangcai-bureau"), H.Login(t, "m25")
	rec := bureau.JSON(t, "POST", "/api/v1/absences", absenceBody("m25", time.Now().Add(-20*time.Minute)), 201)
	var facts workflows.AbsenceFacts
	raw, _ := json.Marshal(rec)
	if err := json.Unmarshal(raw, &facts); err != nil {
		t.Fatal(err)
	}
	defer bureau.JSON(t, "POST", "/api/v1/absences/"+facts.ID+"/close", map[string]any{"reason": "催办测试"}, 200)
	facts.ID = uuid.NewString()
	rules := policy.Default().Absence
	in := workflows.AbsenceInput{
		AbsenceFacts: facts,
		RecordedBy:   workflows.Actor{UserID: "shangcai-bureau", Name: "上蔡县乡村振兴局", Party: workflows.Party{Role: policy.RoleCountyBureau, OfficeID: "shangcai-bureau"}},
		CycleMonth:   "2099-02", DueAt: time.Now().Add(3 * time.Second).In(policy.China), PolicyVersion: rec["policy_version"].(string), Rules: rules,
		CountyOffices: []workflows.Party{{Role: policy.RoleCountyOrgDept, OfficeID: "shangcai-org"}, {Role: policy.RoleCountyBureau, OfficeID: "shangcai-bureau"}},
		UnitHead:      workflows.Party{Role: policy.RoleUnitHead, UnitID: facts.UnitID},
	}
	// Signed as the API signs its starts: the worker refuses any other (seal).
	ctx, err := H.App.Keys.SignStart(context.Background(), workflows.AbsenceWorkflowID(facts.ID), in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := H.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.AbsenceWorkflowID(facts.ID),
		TaskQueue: workflows.TaskQueue}, workflows.AbsenceWorkflow, in); err != nil {
		t.Fatal(err)
	}
	defer bureau.JSON(t, "POST", "/api/v1/absences/"+facts.ID+"/close", map[string]any{"reason": "催办测试"}, 200)
	remind := "/api/v1/processes/" + facts.ID + "/remind"
	pollUntil(t, 30*time.Second, "the explanation overdue", func() (bool, string) {
		st, out := bureau.Do(t, "GET", "/api/v1/absences/"+facts.ID, nil)
		return st == 200 && strings.Contains(string(out), `"overdue":true`), string(out)
	})

	member.JSON(t, "POST", remind, map[string]any{"comment": "自己催自己"}, 403)
	H.Login(t, "xiping-bureau").JSON(t, "POST", remind, nil, 403)
	bureau.JSON(t, "POST", remind, map[string]any{"comment": "请尽快补交情况说明"}, 200)
	st, out := bureau.Do(t, "POST", remind, nil)
	if st != 409 || !strings.Contains(string(out), "24小时内不能再次催办") {
		t.Errorf("a second 催办 within 24 h: %d %s", st, out)
	}
	H.Login(t, "zhumadian-bureau").JSON(t, "POST", remind, nil, 200)

	var urged []string
	for _, e := range items(t, bureau.JSON(t, "GET", "/api/v1/processes/"+facts.ID+"/timeline", nil, 200)) {
		if e["action"] == "urged" {
			urged = append(urged, fmt.Sprint(e["actor"], "|", e["step"], "|", e["comment"]))
		}
	}
	if len(urged) != 2 || !strings.Contains(urged[0], "请尽快补交情况说明") || !strings.Contains(urged[1], "|"+workflows.StepExplanation+"|") {
		t.Errorf("the timeline's 催办: %v", urged)
	}
}
