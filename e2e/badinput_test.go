package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhucun/demo"
	"zhucun/store"
	"zhucun/workflows"
)

// Bad input over HTTP: bodies too large, of the wrong type, not UTF-8, not
// one JSON object, with keys twice or values of the wrong type, and text
// that looks like SQL or HTML, which must be kept and given back as text.
// Processes are created only for m27 and m28 (刘营村, 黄埠镇, 上蔡县) with
// dates in 2029, and each is ended or cancelled before the test returns.

// hostile is a text field an attacker might send: SQL, HTML, a format
// verb, a template, quotes, a line separator, a right-to-left override,
// an emoji and Chinese.
const hostile = `'); DROP TABLE processes;-- <script>alert(1)</script> 你好 ` +
	`" OR 1=1 -- %s %n ${jndi:ldap://x} {{.}} \ ` + "\u2028 \u202e 😀 \t end"

// rawDo sends body as it is with the content type given ("" sends none)
// and any extra header pairs, and returns the status, headers and body.
func rawDo(t *testing.T, c *Client, method, path, ctype string, body []byte, hdr ...string) (int, http.Header, []byte) {
	t.Helper()
	token := ""
	if c != nil {
		token = c.Token
	}
	if body == nil {
		body = []byte{}
	}
	status, header, out, err := request(http.DefaultClient, H.URL, method, path, token, body,
		append([]string{"Content-Type", ctype}, hdr...)...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return status, header, out
}

// wantAPIError checks an answer is the API's error shape with the status
// and code given, naming field when field is not empty.
func wantAPIError(t *testing.T, what string, status int, hdr http.Header, body []byte, wantStatus int, code, field string) {
	t.Helper()
	if status != wantStatus {
		t.Errorf("%s: status %d, want %d: %s", what, status, wantStatus, body)
		return
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q", what, ct)
	}
	var e struct {
		Error *struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error == nil || e.Error.Message == "" {
		t.Errorf("%s: not the error shape (%v): %s", what, err, body)
		return
	}
	if e.Error.Code != code {
		t.Errorf("%s: code %q, want %q: %s", what, e.Error.Code, code, body)
	}
	if field != "" && e.Error.Fields[field] == "" {
		t.Errorf("%s: the field %q is not named: %s", what, field, body)
	}
}

func TestBadInputBodies(t *testing.T) {
	const jsonCT = "application/json"
	login := func(username, password string) []byte {
		b, _ := json.Marshal(map[string]string{"username": username, "password": password})
		return b
	}
	good := login("m27", demo.Password)
	anon := H.Anonymous()
	post := func(what string, c *Client, path, ctype string, body []byte, wantStatus int, code, field string) {
		t.Helper()
		status, hdr, out := rawDo(t, c, "POST", path, ctype, body)
		wantAPIError(t, what, status, hdr, out, wantStatus, code, field)
	}

	// The good body logs in, so each refusal below is the body's fault.
	if status, _, out := rawDo(t, anon, "POST", "/api/v1/login", "application/json; charset=utf-8", good); status != 200 {
		t.Fatalf("login with a good body: %d %s", status, out)
	}

	t.Run("oversized", func(t *testing.T) {
		big := login("m27", strings.Repeat("密", 70<<10/3))
		post("login of 70 KiB", anon, "/api/v1/login", jsonCT, big, 413, "payload_too_large", "")
		m := H.Login(t, "m27")
		leaveOf := func(n int) []byte {
			const prefix, suffix = `{"kind":"personal","start_date":"2029-10-08","end_date":"2029-10-09","reason":"`, `"}`
			return []byte(prefix + strings.Repeat("a", n-len(prefix)-len(suffix)) + suffix)
		}
		post("leave of 64 KiB + 1", m, "/api/v1/leaves", jsonCT, leaveOf(64<<10+1), 413, "payload_too_large", "")
		// Exactly the limit is read, and refused for what it says.
		leave := leaveOf(64 << 10)
		post("leave of 64 KiB", m, "/api/v1/leaves", jsonCT, leave, 400, "invalid_argument", "reason")
	})

	t.Run("content types", func(t *testing.T) {
		for _, ct := range []string{"text/plain", "application/xml", "text/html; charset=utf-8",
			"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json-patch+json",
			"application/json;;", "application/jsonx"} {
			post("Content-Type "+ct, anon, "/api/v1/login", ct, good, 415, "unsupported_media_type", "")
		}
		post("an XML body", anon, "/api/v1/login", "application/xml",
			[]byte(`<login><username>m27</username><password>zhucun-demo</password></login>`), 415, "unsupported_media_type", "")
	})

	t.Run("invalid UTF-8", func(t *testing.T) {
		for what, b := range map[string]string{
			"a stray byte":      "{\"username\":\"m27\xff\",\"password\":\"zhucun-demo\"}",
			"an overlong slash": "{\"username\":\"m27\xc0\xaf\",\"password\":\"zhucun-demo\"}",
			"a UTF-8 surrogate": "{\"username\":\"m27\xed\xa0\x80\",\"password\":\"zhucun-demo\"}",
			"a cut-off 你":       "{\"username\":\"m27\xe4\xbd\",\"password\":\"zhucun-demo\"}",
			"GBK, not UTF-8":    "{\"username\":\"m27\",\"password\":\"zhucun-demo\",\"x\":\"\xc4\xe3\xba\xc3\"}",
			"UTF-16 with a BOM": "\xff\xfe{\x00}\x00",
		} {
			post(what, anon, "/api/v1/login", jsonCT, []byte(b), 400, "invalid_argument", "")
		}
	})

	t.Run("not one JSON object", func(t *testing.T) {
		g := string(good)
		for what, b := range map[string]string{
			"an array":                "[" + g + "]",
			"a string":                `"m27"`,
			"null":                    "null",
			"a number":                "27",
			"nothing":                 "",
			"white space":             " \n\t ",
			"trailing garbage":        g + "x",
			"a trailing brace":        g + "}",
			"a trailing bracket":      g + "]",
			"two objects":             g + g,
			"a trailing comma":        strings.TrimSuffix(g, "}") + ",}",
			"single quotes":           `{'username':'m27','password':'zhucun-demo'}`,
			"a comment":               `{"username":"m27", /* x */ "password":"zhucun-demo"}`,
			"cut off":                 g[:len(g)-3],
			"nested 20000 deep":       `{"username":` + strings.Repeat("[", 20000),
			"a JavaScript NaN":        `{"username":"m27","password":"zhucun-demo","x":NaN}`,
			"an unquoted key":         `{username:"m27","password":"zhucun-demo"}`,
			"a byte-order mark first": "\ufeff" + g,
		} {
			post(what, anon, "/api/v1/login", jsonCT, []byte(b), 400, "invalid_argument", "")
		}
	})

	t.Run("fields", func(t *testing.T) {
		for _, c := range []struct{ what, body, field string }{
			{"an unknown field", `{"username":"m27","password":"zhucun-demo","role":"admin"}`, "role"},
			{"a key twice", `{"username":"m27","password":"wrong","password":"zhucun-demo"}`, "password"},
			{"a key twice in another case", `{"Username":"m26","username":"m27","password":"zhucun-demo"}`, "username"},
			{"a number for a string", `{"username":27,"password":"zhucun-demo"}`, "username"},
			{"a list for a string", `{"username":"m27","password":["zhucun-demo"]}`, "password"},
			{"an object for a string", `{"username":{"$ne":null},"password":"zhucun-demo"}`, "username"},
			{"true for a string", `{"username":"m27","password":true}`, "password"},
			{"a NUL in a string", `{"username":"m27\u0000","password":"zhucun-demo"}`, "username"},
			{"an empty object", `{}`, "username"},
		} {
			post(c.what, anon, "/api/v1/login", jsonCT, []byte(c.body), 400, "invalid_argument", c.field)
		}

		m := H.Login(t, "m27")
		for _, c := range []struct{ what, body, field string }{
			{"a number for a date", `{"kind":"sick","start_date":20291008,"end_date":"2029-10-09","reason":"病"}`, "start_date"},
			{"a number for the kind", `{"kind":1,"start_date":"2029-10-08","end_date":"2029-10-09","reason":"病"}`, "kind"},
			{"the year 9999", `{"kind":"sick","start_date":"9999-12-30","end_date":"9999-12-31","reason":"病"}`, "start_date"},
			{"the year 1", `{"kind":"sick","start_date":"0001-01-01","end_date":"0001-01-02","reason":"病"}`, "start_date"},
			{"millennia of leave", `{"kind":"sick","start_date":"2029-10-08","end_date":"9999-12-31","reason":"病"}`, "end_date"},
			{"a NUL in the reason", `{"kind":"sick","start_date":"2029-10-08","end_date":"2029-10-09","reason":"病\u0000"}`, "reason"},
			{"the kind twice", `{"kind":"sick","kind":"personal","start_date":"2029-10-08","end_date":"2029-10-09","reason":"病"}`, "kind"},
		} {
			post(c.what, m, "/api/v1/leaves", jsonCT, []byte(c.body), 400, "invalid_argument", c.field)
		}

		// Policies: refused at decoding, before anything is stored.
		city := H.Login(t, "zhumadian-org")
		for _, c := range []struct{ what, body, field string }{
			{"a duration in words", `{"rules":{"leave":{"reminder_every":"1 day"}}}`, "rules.leave.reminder_every"},
			{"a number for a duration", `{"rules":{"leave":{"reminder_every":86400}}}`, "rules.leave.reminder_every"},
			{"a string for days", `{"rules":{"leave":{"max_days":"90"}}}`, "rules.leave.max_days"},
			{"days beyond int", `{"rules":{"leave":{"max_days":1e400}}}`, "rules.leave.max_days"},
			{"a key twice, nested", `{"rules":{"leave":{"max_days":90,"max_days":9000}}}`, "rules.leave.max_days"},
		} {
			status, hdr, out := rawDo(t, city, "PUT", "/api/v1/policies/shangcai", jsonCT, []byte(c.body))
			wantAPIError(t, c.what, status, hdr, out, 400, "invalid_argument", c.field)
		}
	})

	// Paths, queries and headers that no row can hold are refused or not
	// found, never a 500.
	t.Run("paths and headers", func(t *testing.T) {
		bureau := H.Login(t, "shangcai-bureau")
		for _, path := range []string{
			"/api/v1/teams/%00/roster", "/api/v1/teams/%FF/roster", "/api/v1/members/%00/record",
			"/api/v1/policies/%00", "/api/v1/policies/%C0%AF", "/api/v1/leaves/%00", "/api/v1/absences/%FF",
			"/api/v1/processes?status=%00", "/api/v1/processes?county=%FF", "/api/v1/processes?cursor=%00",
			"/api/v1/processes?waiting_on=%00", "/api/v1/processes?member_id=%FF", "/api/v1/ledger?county=%00",
			"/api/v1/teams/huangbu-liuying-team/roster?on=9999-12-31", "/api/v1/reports/absences?county=%00&month=2029-01",
			"/api/v1/reports/absences?county=shangcai&month=%00",
		} {
			status, _, out := rawDo(t, bureau, "GET", path, "", nil)
			if status != 400 && status != 404 && status != 403 {
				t.Errorf("GET %s: %d %s", path, status, out)
			}
		}
		m := H.Login(t, "m27")
		body := []byte(`{"kind":"personal","start_date":"2029-10-20","end_date":"2029-10-21","reason":"家中有事"}`)
		for _, key := range []string{"k\xff", "\xc0\xaf"} {
			status, hdr, out := rawDo(t, m, "POST", "/api/v1/leaves", jsonCT, body, "Idempotency-Key", key)
			wantAPIError(t, "Idempotency-Key "+key, status, hdr, out, 400, "invalid_argument", "Idempotency-Key")
		}
	})
}

// TestBadInputTextStoredAsText: SQL and HTML in a leave's reason, a
// withdrawal comment, an absence's note, explanation and closing reason
// and a roster change's reason are kept byte for byte and given back as
// JSON text; the tables they name are still there.
func TestBadInputTextStoredAsText(t *testing.T) {
	ctx := context.Background()
	checkJSON := func(what string, hdr http.Header) {
		t.Helper()
		if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || hdr.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: Content-Type %q, X-Content-Type-Options %q", what, ct, hdr.Get("X-Content-Type-Options"))
		}
	}
	get := func(c *Client, path string) map[string]any {
		t.Helper()
		status, hdr, out := rawDo(t, c, "GET", path, "", nil)
		if status != 200 {
			t.Fatalf("GET %s: %d %s", path, status, out)
		}
		checkJSON("GET "+path, hdr)
		m := map[string]any{}
		if err := json.Unmarshal(out, &m); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return m
	}
	same := func(what string, got any) {
		t.Helper()
		if got != hostile {
			t.Errorf("%s came back as %q, want %q", what, got, hostile)
		}
	}

	// A leave, its withdrawal and the timeline.
	m := H.Login(t, "m27")
	leave := m.JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": "2029-10-08", "end_date": "2029-10-09", "reason": hostile}, 201)
	id := leave["id"].(string)
	same("the reason answered", leave["reason"])
	same("the reason read back", get(m, "/api/v1/leaves/"+id)["reason"])
	for _, it := range items(t, get(m, "/api/v1/leaves?member_id=m27&limit=200")) {
		if it["id"] == id {
			same("the reason listed", it["reason"])
		}
	}
	// A decision with the decision twice is refused, not taken as either.
	committee := H.Login(t, "huangbu-committee")
	status, hdr, out := rawDo(t, committee, "POST", "/api/v1/leaves/"+id+"/decision", "application/json",
		[]byte(`{"decision":"refuse","decision":"approve","comment":"x"}`))
	wantAPIError(t, "a decision given twice", status, hdr, out, 400, "invalid_argument", "decision")
	m.JSON(t, "POST", "/api/v1/leaves/"+id+"/withdraw", map[string]any{"comment": hostile}, 200)
	found := false
	for _, e := range items(t, get(m, "/api/v1/processes/"+id+"/timeline")) {
		if e["comment"] == hostile {
			found = true
		}
	}
	if !found {
		t.Errorf("no timeline event of %s keeps the withdrawal comment", id)
	}
	var stored string
	if err := H.Pool.QueryRow(ctx, `SELECT detail->>'reason' FROM processes WHERE id = $1`, id).Scan(&stored); err != nil || stored != hostile {
		t.Errorf("the read model holds %q (%v)", stored, err)
	}

	// An absence: note, explanation, closing reason.
	bureau := H.Login(t, "shangcai-bureau")
	ab := bureau.JSON(t, "POST", "/api/v1/absences", map[string]any{"member_id": "m28",
		"found_at": time.Now().Add(-time.Hour).Format(time.RFC3339), "method": "online", "note": hostile, "confirm": true}, 201)
	abID := ab["id"].(string)
	same("the note answered", ab["note"])
	H.Login(t, "m28").JSON(t, "POST", "/api/v1/absences/"+abID+"/explanation", map[string]any{"text": hostile}, 200)
	got := get(bureau, "/api/v1/absences/"+abID)
	same("the note read back", got["note"])
	if ex, _ := got["explanations"].([]any); len(ex) != 1 {
		t.Errorf("explanations %v", got["explanations"])
	} else {
		same("the explanation read back", ex[0].(map[string]any)["text"])
	}
	H.Login(t, "shangcai-org").JSON(t, "POST", "/api/v1/absences/"+abID+"/close", map[string]any{"reason": hostile}, 200)
	same("the closing reason read back", get(bureau, "/api/v1/absences/"+abID)["closed_reason"])

	// A roster change's reason; the change is cancelled afterwards so it
	// holds nothing on the ledger for other tests.
	rc := bureau.JSON(t, "POST", "/api/v1/roster-changes", map[string]any{"team_id": "huangbu-liuying-team",
		"change": "leader", "member_id": "m27", "effective_on": day(300), "reason": hostile}, 201)
	rcID := rc["id"].(string)
	t.Cleanup(func() {
		_ = H.Temporal.TerminateWorkflow(ctx, workflows.RosterChangeWorkflowID(rcID), "", "test: bad input, not a real change")
		if err := store.New(H.Pool).CancelRosterChange(ctx, rcID); err != nil {
			t.Errorf("cancel roster change: %v", err)
		}
	})
	same("the roster reason answered", rc["reason"])
	same("the roster reason read back", get(bureau, "/api/v1/roster-changes/"+rcID)["reason"])

	var tables int
	if err := H.Pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'
		AND tablename IN ('processes', 'process_events', 'roster_changes', 'users')`).Scan(&tables); err != nil || tables != 4 {
		t.Errorf("tables left: %d (%v)", tables, err)
	}
	var n int
	if err := H.Pool.QueryRow(ctx, `SELECT count(*) FROM processes`).Scan(&n); err != nil || n == 0 {
		t.Errorf("processes: %d rows (%v)", n, err)
	}
}
