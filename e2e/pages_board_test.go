package e2e

// The 督查 board in a real browser: a county bureau's counts and charts
// against the read model, a count clicked through to its list, the list
// downloaded as xlsx, and 催办 from the list. m10-m12 (xiping) take leaves
// 500+ days ahead, which no other test uses.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhucun/actions"
	"zhucun/policy"
	"zhucun/store"
)

func init() {
	pageAccess["GET /board"] = "GET /board"
	pageAccess["GET /board/list"] = "GET /board"
	pageAccess["GET /board/items/{id}"] = "GET /board"
	pageAccess["POST /board/items/{id}/remind"] = "POST /processes/{id}/remind"
}

// boardFigures reads a count table's rows as "key open overdue due_soon escalated".
func boardFigures(b *browser, table string) map[string]string {
	rows := evalStrings(b, `Array.from(document.querySelectorAll("`+table+` tbody tr[data-key]")).map(r =>
		r.dataset.key + " " + Array.from(r.querySelectorAll("td")).map(td => td.textContent.trim()).join(" "))`)
	out := map[string]string{}
	for _, r := range rows {
		k, v, _ := strings.Cut(r, " ")
		out[k] = v
	}
	return out
}

func figures(c store.BoardCounts) string {
	return fmt.Sprintf("%d %d %d %d", c.Open, c.Overdue, c.DueSoon, c.Escalated)
}

func TestPagesBoard(t *testing.T) {
	ctx := context.Background()
	st := store.New(H.Pool)
	var ids []string
	for i, m := range []string{"m10", "m11", "m12"} {
		ids = append(ids, leaveFor(t, m, "personal", day(501+3*i), day(502+3*i), "看板测试"))
	}
	// An absence this month, for the monthly series; confirmed, since in
	// the whole package's run another test may have given m13 a leave
	// covering today.
	body := absenceBody("m13", time.Now().Add(-time.Hour))
	body["confirm"] = true
	H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/absences", body, 201)
	// The 72 hours before a step is overdue cannot be waited for here: the
	// read model marks one leave overdue, as the workflow's alarm would.
	if _, err := H.Pool.Exec(ctx, `UPDATE processes SET overdue = true WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	b.noScript()
	b.login("xiping-bureau")
	if st := b.open("/board"); st != http.StatusOK {
		t.Fatalf("/board: %d: %s", st, b.text("main"))
	}
	want, err := st.BoardCounts(ctx, store.BoardQuery{CountyID: "xiping", Now: time.Now(), SoonWithin: actions.BoardSoon})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join([]string{b.text("#total-open strong"), b.text("#total-overdue strong"),
		b.text("#total-due_soon strong"), b.text("#total-escalated strong")}, " ")
	if got != figures(want.Total) || want.Total.Open < 3 || want.Total.Overdue < 1 {
		t.Errorf("totals on the page %q, read model %q", got, figures(want.Total))
	}
	kinds := boardFigures(b, "#kinds")
	for _, k := range want.Kinds {
		if kinds[k.Key] != figures(k.BoardCounts) {
			t.Errorf("kind %s: page %q, read model %q", k.Key, kinds[k.Key], figures(k.BoardCounts))
		}
	}
	places := boardFigures(b, "#places")
	for _, p := range want.Places {
		if places[p.Key] != figures(p.BoardCounts) {
			t.Errorf("township %s: page %q, read model %q", p.Key, places[p.Key], figures(p.BoardCounts))
		}
	}
	checkBoardCharts(t, b, st, want)
	b.shot("board")

	// The overdue total, clicked, is the list of the overdue.
	if st := b.submit("#total-overdue"); st != http.StatusOK || !strings.HasPrefix(b.path(), "/board/list?") {
		t.Fatalf("the overdue count leads to %s (%d)", b.path(), st)
	}
	rows := evalStrings(b, `Array.from(document.querySelectorAll("#board-list tbody tr")).map(r => r.dataset.id)`)
	if len(rows) != want.Total.Overdue || indexOf(rows, ids[0]) < 0 || indexOf(rows, ids[1]) >= 0 {
		t.Errorf("the overdue list holds %v; the board counts %d overdue, among them %s", rows, want.Total.Overdue, ids[0])
	}
	b.shot("board-list")
	checkBoardXLSX(t, hrefs(b, "#download")[0], want.Total.Overdue, ids[0])

	// 催办 from the list: the read model says overdue, but the workflow,
	// whose step is not (its alarm has not fired), refuses and says so;
	// the timeline gains nothing. (An overdue 催办 accepted, and a second
	// within 24 hours refused, is workflows' TestUrgeOverdueExplanation,
	// with the test environment's time skipping.)
	before, err := st.Timeline(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if st := b.submit(`tr[data-id="` + ids[0] + `"] form button`); st != http.StatusOK || !strings.HasPrefix(b.path(), "/board/items/"+ids[0]) {
		t.Fatalf("remind: %d at %s", st, b.path())
	}
	if msg := b.text(".error"); !strings.Contains(msg, "只有已逾期的事项可以催办") {
		t.Errorf("remind of a step not overdue in its workflow says %q", msg)
	}
	after, _ := st.Timeline(ctx, ids[0])
	if len(after) != len(before) || !strings.Contains(b.text("#main"), "办理经过") {
		t.Errorf("the refused remind changed the timeline: %d → %d events", len(before), len(after))
	}

	// The city sees every county, xiping's row as xiping's own board says.
	c := newBrowser(t)
	c.noScript()
	c.login("zhumadian-bureau")
	c.open("/board?sort=overdue")
	if row := boardFigures(c, "#places")["xiping"]; row != figures(want.Total) {
		t.Errorf("the city's row for xiping %q, xiping's board %q", row, figures(want.Total))
	}
	if resp, err := pageClient(t, "m01").Get(H.URL + "/board"); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("a member opens the board: %v %v", resp.StatusCode, err)
	}
}

// checkBoardCharts: every bar is its township's overdue count; the line
// charts' points are the read model's monthly series.
func checkBoardCharts(t *testing.T, b *browser, st *store.Store, want store.BoardCountsResult) {
	t.Helper()
	overdue := map[string]int{}
	places, err := st.BoardPlaces(context.Background(), store.BoardQuery{CountyID: "xiping"})
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]string{}
	for _, p := range places {
		names[p.ID] = p.Name
	}
	sum := 0
	for _, p := range want.Places {
		overdue[names[p.Key]] = p.Overdue
	}
	for _, bar := range evalStrings(b, `Array.from(document.querySelectorAll("#overdue-chart g.bar")).map(g => g.dataset.label + "|" + g.dataset.value)`) {
		label, v, _ := strings.Cut(bar, "|")
		n, _ := strconv.Atoi(v)
		sum += n
		if overdue[label] != n {
			t.Errorf("bar %s: %d, read model %d", label, n, overdue[label])
		}
	}
	if sum != want.Total.Overdue {
		t.Errorf("the bars add up to %d, %d overdue", sum, want.Total.Overdue)
	}
	now := time.Now().In(policy.China)
	first := time.Date(now.Year(), now.Month()-11, 1, 0, 0, 0, 0, policy.China).Format("2006-01")
	months, err := st.BoardMonths(context.Background(), "xiping", first, now.Format("2006-01"))
	if err != nil {
		t.Fatal(err)
	}
	series := map[string]store.BoardMonth{}
	for _, m := range months {
		series[m.Month] = m
	}
	points := evalStrings(b, `Array.from(document.querySelectorAll("#months tbody tr")).map(r => r.dataset.month + " " +
		Array.from(r.querySelectorAll("td")).map(td => td.textContent.trim()).join(" "))`)
	if len(points) != 12 || series[now.Format("2006-01")].Absences < 1 {
		t.Fatalf("%d months in the table; this month's absences %+v", len(points), series[now.Format("2006-01")])
	}
	for _, p := range points {
		m := series[p[:7]]
		if w := fmt.Sprintf("%s %d %d %d", p[:7], m.Absences, m.Late, m.LeaveDays); p != w {
			t.Errorf("month %q, read model %q", p, w)
		}
	}
	circles := evalStrings(b, `Array.from(document.querySelectorAll("#leave-chart circle")).map(c => c.dataset.value)`)
	for i, p := range points {
		if f := strings.Fields(p); i >= len(circles) || len(f) != 4 || circles[i] != f[3] {
			t.Errorf("leave days chart point %d: %v, table %q", i, circles, p)
			break
		}
	}
}

// checkBoardXLSX downloads the list and opens it: Chinese headers, one row
// per item.
func checkBoardXLSX(t *testing.T, href string, n int, id string) {
	t.Helper()
	resp, err := pageClient(t, "xiping-bureau").Get(H.URL + href)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), ".xlsx") {
		t.Fatalf("download: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the xlsx does not open: %v", err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || len(rows) != n+1 {
		t.Fatalf("xlsx: %d rows for %d items (%v)", len(rows), n, err)
	}
	if strings.Join(rows[0], ",") != strings.Join(actions.BoardHeaders, ",") {
		t.Errorf("headers %v", rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		found = found || (len(r) > 9 && r[0] == "请假" && r[9] == "是")
	}
	if !found {
		t.Errorf("no overdue leave row in %v (%s)", rows, id)
	}
}
