package e2e

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"zhucun/demo"
	"zhucun/orgimport"
)

// TestImportedMemberWhoLeftReadsButCannotSubmit: a member of an imported
// county (prefix q, its own organisation, so no demo member's team
// changes) submits a leave; the county bureau takes them off their team
// (a roster change, filed by both county offices). Then a new leave is
// refused with a Chinese reason, and their record and the past leave are
// still theirs to read.
func TestImportedMemberWhoLeftReadsButCannotSubmit(t *testing.T) {
	ctx := context.Background()
	o := orgimport.Generate(orgimport.Spec{Prefix: "q", Counties: 1, TownshipsPer: 1, VillagesPer: 1,
		MembersPerTeam: 4, UnitsPerCounty: 1, CityUnits: 1})
	admin := pageClient(t, "admin")
	_, page := uploadPage(t, admin, "台账.xlsx", xlsxOf(t, o))
	confirmPage(t, admin, page)

	var leaver = o.Members[len(o.Members)-1]
	if leaver.Leader {
		t.Fatal("the generated team's last member is its leader")
	}
	county := "qc1"
	// Handing out one-time passwords is tested elsewhere; here the three
	// accounts (the member, the county's offices, the township's
	// committee) get the demo password, already changed.
	h, err := bcrypt.GenerateFromPassword([]byte(demo.Password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	tag, err := H.Pool.Exec(ctx, `UPDATE users SET password_hash = $1, must_change_password = false, issue_pending = false
		WHERE username = ANY($2)`, string(h), []string{leaver.ID, county + "-org", county + "-bureau", o.Townships[0].ID + "-committee"})
	if err != nil || tag.RowsAffected() != 4 {
		t.Fatalf("accounts of %s and %s's offices: %v, %d rows", leaver.ID, county, err, tag.RowsAffected())
	}
	// The rest count as handed out: an accounts sheet another test
	// issues for the city level would list this city's too.
	if _, err := H.Pool.Exec(ctx, `UPDATE users SET issue_pending = false WHERE issue_pending AND username LIKE 'q%'`); err != nil {
		t.Fatal(err)
	}

	m := H.Login(t, leaver.ID)
	past := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "sick", "start_date": day(-1), "end_date": day(2), "reason": "发烧就医"}, 201)
	pastID := past["id"].(string)
	H.Login(t, o.Townships[0].ID+"-committee").JSON(t, "POST", "/api/v1/leaves/"+pastID+"/decision",
		map[string]any{"decision": "approve", "comment": "同意"}, 200)

	bureau := H.Login(t, county+"-bureau")
	rc := rosterPost(t, bureau, "roster-leave-"+leaver.ID, map[string]any{
		"team_id": leaver.TeamID, "change": "leave", "member_id": leaver.ID, "effective_on": day(0), "reason": "调回原单位"})
	id := rc["id"].(string)
	// Recorded, not yet filed: still on the team, still may submit.
	if st, body := m.Do(t, "GET", "/api/v1/members/"+leaver.ID+"/record", nil); st != 200 {
		t.Fatalf("own record before filing: %d %s", st, body)
	}
	H.Login(t, county+"-org").JSON(t, "POST", "/api/v1/roster-changes/"+id+"/filing", nil, 200)
	if filed := bureau.JSON(t, "POST", "/api/v1/roster-changes/"+id+"/filing", nil, 200); filed["status"] != "filed" {
		t.Fatalf("roster change after both filings: %v", filed)
	}

	refused := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": day(3), "end_date": day(3), "reason": "家中有事"}, 409)
	msg, _ := refused["error"].(map[string]any)["message"].(string)
	if !strings.Contains(msg, "离开") || !strings.Contains(msg, "不能请假") {
		t.Errorf("a new leave after leaving the team: %q, want the Chinese reason (left the team, no leave)", msg)
	}

	ext := m.JSON(t, "POST", "/api/v1/leaves/"+pastID+"/extension", map[string]any{"end_date": day(4), "reason": "病情未愈"}, 409)
	if msg, _ := ext["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "离开") {
		t.Errorf("an extension after leaving the team: %q, want the Chinese reason", msg)
	}

	// Read access to their own history stays.
	if got := m.JSON(t, "GET", "/api/v1/leaves/"+pastID, nil, 200); got["id"] != pastID {
		t.Errorf("own past leave: %v", got)
	}
	m.JSON(t, "GET", "/api/v1/members/"+leaver.ID+"/record", nil, 200)
	found := false
	for _, p := range items(t, m.JSON(t, "GET", "/api/v1/processes", nil, 200)) {
		found = found || p["id"] == pastID
	}
	if !found {
		t.Errorf("own process list after leaving the team has no %s", pastID)
	}
	// Their own leave's timeline too.
	m.JSON(t, "GET", "/api/v1/processes/"+pastID+"/timeline", nil, 200)
}
