package e2e

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"zhucun/workflows"
)

func init() {
	pageAccess["GET /circulations/{month}"] = "GET /circulations/{month}"
	pageAccess["GET /circulations/{month}/xlsx"] = "GET /circulations/{month}"
	pageAccess["POST /circulations/{month}/issue"] = "POST /circulations/{month}/issue"
	pageAccess["GET /interviews"] = "GET /interviews"
	pageAccess["GET /interviews/{id}"] = "GET /interviews/{id}"
	pageAccess["POST /interviews/{id}/schedule"] = "POST /interviews/{id}/schedule"
	pageAccess["POST /interviews/{id}/held"] = "POST /interviews/{id}/held"
	pageAccess["GET /recalls/new"] = "POST /recalls"
	pageAccess["POST /recalls"] = "POST /recalls"
}

// The pages: the city bureau reviews and issues a drafted circulation
// (a county office sees it without the issue form); the county bureau
// schedules and records an interview; a unit head's recall form answers
// a missing reason beside the field.
func TestPagesAccountability(t *testing.T) {
	// A month far ahead has nothing in it: its circulation is drafted empty.
	month := time.Now().AddDate(1, 0, 0).Format("2006-01")
	accountabilityJob(t, month)

	county := pageLogin(t, "shangcai-bureau", true)
	if st := county.open("/circulations/" + month); st != http.StatusOK || county.has("#circulation-issue") {
		t.Fatalf("county office: status %d, issue form shown %v", st, county.has("#circulation-issue"))
	}
	city := pageLogin(t, "zhumadian-bureau", true)
	if st := city.open("/circulations/" + month); st != http.StatusOK {
		t.Fatalf("city bureau: status %d", st)
	}
	city.mustSee("draft", "待印发", "本月没有查出离岗")
	city.write("#foreword", "各县（区）本月均无离岗，予以通报表扬")
	city.step("#circulation-issue", http.StatusOK, "已印发")
	city.mustSee("issued", "已印发", "予以通报表扬")
	if city.has("#circulation-issue") {
		t.Errorf("the issue form is still shown after issuing")
	}
	city.look("circulation")

	body := map[string]any{"unit_id": "shangcai-health", "reason": "队员驻村工作不实"}
	iv := doWithHeader(t, H.Login(t, "shangcai-org"), "POST", "/api/v1/interviews", body, "Idempotency-Key", fmt.Sprintf("page-%d", time.Now().UnixNano()))
	id, _ := iv["id"].(string)
	if id == "" {
		t.Fatalf("interview: %v", iv)
	}
	county.open("/interviews/" + id)
	county.unrequire("#place")
	county.setDate("#date", "2027-01-05")
	county.fill("#place", "")
	county.step("#interview-schedule", http.StatusBadRequest, "")
	county.mustSee("place error", "必填")
	county.fill("#place", "县乡村振兴局三楼会议室")
	county.step("#interview-schedule", http.StatusOK, "已保存约谈记录")
	county.write("#note", "已约谈孙立新同志，单位承诺加强管理")
	county.step("#interview-held", http.StatusOK, "已保存约谈记录")
	county.mustSee("held", "已约谈", "单位承诺加强管理")
	county.look("interview")
	if got := H.Login(t, "shangcai-bureau").JSON(t, "GET", "/api/v1/interviews/"+id, nil, 200); got["status"] != workflows.InterviewHeld {
		t.Errorf("interview after the pages: %v", got)
	}

	head := pageLogin(t, "shangcai-health-head", true)
	if st := head.open("/recalls/new"); st != http.StatusOK {
		t.Fatalf("recall form: %d", st)
	}
	head.fill("#member_id", "m16")
	head.unrequire("#reason")
	head.step("#recall-save", http.StatusBadRequest, "")
	head.mustSee("reason error", "必填")
	head.look("recall")
	if st := pageLogin(t, "m16", true).open("/recalls/new"); st != http.StatusForbidden && st != http.StatusNotFound {
		t.Errorf("a member opens the recall form: %d", st)
	}
}
