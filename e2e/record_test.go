package e2e

import (
	"strconv"
	"testing"
	"time"

	"zhucun/policy"
)

// TestMemberRecord: the yearly tally counts the leaves and absences the
// other tests left (m01's returned leave, m08's signed absence), and is
// readable only by the member, their unit head and county/city offices.
func TestMemberRecord(t *testing.T) {
	year := strconv.Itoa(time.Now().In(policy.China).Year())
	m01 := H.Login(t, "m01")
	rec := m01.JSON(t, "GET", "/api/v1/members/m01/record?year="+year, nil, 200)
	if len(rec["leaves"].([]any)) == 0 || rec["tally"].(map[string]any)["leaves"] == nil {
		t.Errorf("m01's record holds no leave: %v", rec)
	}
	rec = H.Login(t, "zhumadian-org").JSON(t, "GET", "/api/v1/members/m08/record?year="+year, nil, 200)
	if rec["tally"].(map[string]any)["absences"] == nil {
		t.Errorf("m08's record holds no absence: %v", rec)
	}
	head := m01.User["unit_id"].(string) + "-head"
	H.Login(t, head).JSON(t, "GET", "/api/v1/members/m01/record", nil, 200)
	for _, who := range []string{"m02", "shangcai-bureau", "zhuantan-committee"} {
		H.Login(t, who).JSON(t, "GET", "/api/v1/members/m01/record", nil, 403)
	}
	m01.JSON(t, "GET", "/api/v1/members/m01/record?year=20x6", nil, 400)
	H.Login(t, "admin").JSON(t, "GET", "/api/v1/members/nobody/record", nil, 404)
}
