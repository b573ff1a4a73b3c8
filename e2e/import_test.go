package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"zhucun/orgimport"
	"zhucun/policy"
	"zhucun/store"
)

func init() {
	// The import pages call actions that have no API route; each checks
	// its caller is an administrator or a city bureau itself.
	for _, r := range []string{"GET /admin/import", "POST /admin/import", "GET /admin/import/{id}",
		"POST /admin/import/{id}/confirm", "GET /admin/import/{id}/accounts.xlsx"} {
		pageAccess[r] = "session"
	}
}

// importOrg is a small generated organisation of two counties of its own
// city, beside the demo's: prefix e, counties ec1 and ec2.
func importOrg() *store.OrgImport {
	return orgimport.Generate(orgimport.Spec{Prefix: "e", Counties: 2, TownshipsPer: 1, VillagesPer: 2,
		MembersPerTeam: 3, UnitsPerCounty: 1, CityUnits: 1})
}

func xlsxOf(t *testing.T, o *store.OrgImport) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := orgimport.Write(&buf, o); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadPage posts a file to the import page and answers the page shown.
func uploadPage(t *testing.T, c *http.Client, name string, content []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	resp, err := c.Post(H.URL+"/admin/import", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, readAll(t, resp)
}

var importID = regexp.MustCompile(`/admin/import/([0-9a-f-]{36})/confirm`)

// confirmPage confirms an upload and answers the result page.
func confirmPage(t *testing.T, c *http.Client, page string) (string, string) {
	t.Helper()
	m := importID.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no confirm form on the report:\n%.3000s", page)
	}
	resp, err := c.Post(H.URL+"/admin/import/"+m[1]+"/confirm", "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	return m[1], readAll(t, resp)
}

func dbCount(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := H.Pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// accountsSheet downloads an import's accounts sheet: username → password.
func accountsSheet(t *testing.T, c *http.Client, id string) map[string]string {
	t.Helper()
	resp, err := c.Get(H.URL + "/admin/import/" + id + "/accounts.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	b := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("accounts sheet: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f, err := excelize.OpenReader(strings.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("账号")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows[1:] {
		out[r[0]] = r[4]
	}
	return out
}

func TestImportPageAndFirstLogin(t *testing.T) {
	admin := pageClient(t, "admin")
	o := importOrg()

	// The dry run: a report, nothing written.
	resp, page := uploadPage(t, admin, "台账.xlsx", xlsxOf(t, o))
	if resp.StatusCode != 200 || !strings.Contains(page, "检查结果") || !strings.Contains(page, "确认导入") {
		t.Fatalf("dry run page %d:\n%.3000s", resp.StatusCode, page)
	}
	if n := dbCount(t, `SELECT count(*) FROM members WHERE id LIKE 'ec%'`); n != 0 {
		t.Fatalf("the dry run wrote %d members", n)
	}
	id, page := confirmPage(t, admin, page)
	if !strings.Contains(page, "导入结果") || !strings.Contains(page, "下载账号表") {
		t.Fatalf("result page:\n%.3000s", page)
	}
	for _, m := range o.Members {
		if n := dbCount(t, `SELECT count(*) FROM memberships WHERE member_id = $1 AND team_id = $2 AND to_date IS NULL`, m.ID, m.TeamID); n != 1 {
			t.Errorf("member %s is not on %s", m.ID, m.TeamID)
		}
	}
	if _, again := confirmPage(t, admin, "/admin/import/"+id+"/confirm"); !strings.Contains(again, "已经导入过") {
		t.Errorf("a second confirmation was not refused:\n%.2000s", again)
	}

	// The accounts sheet: every new account of the two counties and the
	// city, once.
	accounts := accountsSheet(t, admin, id)
	want := len(o.Members) + len(o.Units) + 2 + 2*2 + 2
	if len(accounts) != want {
		t.Errorf("accounts sheet has %d accounts, want %d", len(accounts), want)
	}
	if again := accountsSheet(t, admin, id); len(again) != 0 {
		t.Errorf("a second download handed out %d passwords again", len(again))
	}

	// The first login must change the password before anything else.
	member := o.Members[1].ID
	anon := H.Anonymous()
	s := anon.JSON(t, "POST", "/api/v1/login", map[string]string{"username": member, "password": accounts[member]}, 200)
	if s["must_change_password"] != true {
		t.Errorf("login with a one-time password: %v", s)
	}
	c := &Client{Username: member, Token: s["token"].(string)}
	st, body := c.Do(t, "GET", "/api/v1/inbox", nil)
	if st != 403 || !strings.Contains(string(body), "修改密码") {
		t.Errorf("a one-time password's token reached the inbox: %d %s", st, body)
	}
	if st, _ := c.Do(t, "GET", "/api/v1/me", nil); st != 200 {
		t.Errorf("GET /me with a one-time password: %d", st)
	}
	newPW := "Huaihe-" + time.Now().Format("150405") + "-river"
	if st, body := c.Do(t, "POST", "/api/v1/password", map[string]string{"current_password": accounts[member],
		"new_password": newPW, "repeat_password": newPW}); st != 204 {
		t.Fatalf("change password: %d %s", st, body)
	}
	s = anon.JSON(t, "POST", "/api/v1/login", map[string]string{"username": member, "password": newPW}, 200)
	c = &Client{Username: member, Token: s["token"].(string)}
	if st, body := c.Do(t, "GET", "/api/v1/inbox", nil); st != 200 {
		t.Errorf("inbox after the change: %d %s", st, body)
	}

	// The pages send a one-time password to the password page.
	other := o.Members[2].ID
	pc := oneTimeLogin(t, other, accounts[other])
	resp, err := pc.Get(H.URL + "/inbox")
	if err != nil {
		t.Fatal(err)
	}
	if p := readAll(t, resp); resp.Request.URL.Path != "/password" || !strings.Contains(p, "一次性密码") {
		t.Errorf("a one-time password's page session opened %s", resp.Request.URL.Path)
	}

	// A disabled account cannot log in, and its token stops.
	adminAPI := H.Login(t, "admin")
	if st, body := adminAPI.Do(t, "POST", "/api/v1/accounts/"+member+"/disable", nil); st != 204 {
		t.Fatalf("disable: %d %s", st, body)
	}
	if st, _ := c.Do(t, "GET", "/api/v1/me", nil); st != 401 {
		t.Errorf("a disabled account's token answered %d", st)
	}
	anon.JSON(t, "POST", "/api/v1/login", map[string]string{"username": member, "password": newPW}, 401)
}

// oneTimeLogin logs in on the login page with any password.
func oneTimeLogin(t *testing.T, username, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	jarClient := &http.Client{Jar: jar}
	resp, err := jarClient.PostForm(H.URL+"/login", map[string][]string{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return jarClient
}

func TestImportChangedWorkbookOpensRosterChanges(t *testing.T) {
	admin := pageClient(t, "admin")
	o := orgimport.Generate(orgimport.Spec{Prefix: "f", Counties: 1, TownshipsPer: 1, VillagesPer: 2,
		MembersPerTeam: 3, UnitsPerCounty: 1, CityUnits: 1})
	_, page := uploadPage(t, admin, "台账.xlsx", xlsxOf(t, o))
	confirmPage(t, admin, page)

	today := policy.DayOf(time.Now())
	o.Members[0].Name = "改过名"
	left := o.Members[2]
	newcomer := o.Members[1]
	newcomer.ID, newcomer.Name, newcomer.Leader, newcomer.Joined = "f-newcomer", "新来的", false, today
	o.Members = append(o.Members[:2], append([]store.ImportMember{newcomer}, o.Members[3:]...)...)
	_, page = uploadPage(t, admin, "台账-改.xlsx", xlsxOf(t, o))
	if !strings.Contains(page, "确认后将发起 2 项动态备案") {
		t.Errorf("dry run of the changed workbook:\n%.4000s", page)
	}
	_, page = confirmPage(t, admin, page)
	if strings.Contains(page, "未能发起") || strings.Count(page, "已发起动态备案") != 2 {
		t.Errorf("result of the changed workbook:\n%.4000s", page)
	}
	if n := dbCount(t, `SELECT count(*) FROM members WHERE id = $1 AND name = '改过名'`, o.Members[0].ID); n != 1 {
		t.Error("the new name did not land")
	}
	// Recorded by the county bureau, through the roster workflow.
	for change, member := range map[string]string{"leave": left.ID, "join": "f-newcomer"} {
		if n := dbCount(t, `SELECT count(*) FROM roster_changes rc JOIN users u ON u.role = 'county_bureau' AND u.county_id = rc.county_id
			WHERE rc.change = $1 AND rc.member_id = $2 AND rc.state = 'pending' AND rc.county_id = 'fc1'`, change, member); n != 1 {
			t.Errorf("%d pending %s of %s in fc1, want 1", n, change, member)
		}
	}
	if n := dbCount(t, `SELECT count(*) FROM memberships WHERE member_id = 'f-newcomer'`); n != 0 {
		t.Error("the newcomer was written into the ledger without the roster change")
	}
}

func TestImportUploadRefusesBadFiles(t *testing.T) {
	admin := pageClient(t, "admin")
	for name, c := range map[string]struct {
		content []byte
		says    string
	}{
		"text renamed": {[]byte("县区编号,县区名称\nxiping,西平县\n"), "不是有效的 Excel"},
		"zip bomb":     {declaredBomb(t), "压缩炸弹"},
	} {
		resp, page := uploadPage(t, admin, "台账.xlsx", c.content)
		if resp.StatusCode != 400 || !strings.Contains(page, c.says) {
			t.Errorf("%s: %d, want 400 saying %s:\n%.2000s", name, resp.StatusCode, c.says, page)
		}
	}
	// One error of each kind: each reported with sheet, row and column.
	_, page := uploadPage(t, admin, "错.xlsx", orgimport.ErrorSample())
	for _, p := range orgimport.ErrorCases {
		where := "第 " + strconv.Itoa(p.Row) + " 行 " + p.Column + " 列"
		if !strings.Contains(page, "“"+p.Sheet+"”表"+where) {
			t.Errorf("the report does not name %s %s:\n%.3000s", p.Sheet, where, page)
		}
	}
	if strings.Contains(page, "确认导入") {
		t.Error("a workbook with problems can be confirmed")
	}
	// Only an administrator or a city bureau imports.
	bureau := pageClient(t, "xiping-bureau")
	resp, _ := uploadPage(t, bureau, "台账.xlsx", xlsxOf(t, importOrg()))
	if resp.StatusCode != 403 {
		t.Errorf("a county bureau's upload: %d", resp.StatusCode)
	}
}

// declaredBomb is a zip whose workbook parts say they unzip to 4 GB: what
// the check reads before inflating anything.
func declaredBomb(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, _ := zw.Create(name)
		io.WriteString(w, "<x/>")
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
		CompressedSize64: 4, UncompressedSize64: 4 << 30})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{3, 0, 0, 0})
	zw.Close()
	return buf.Bytes()
}

func TestImportPageBrowser(t *testing.T) {
	b := newBrowser(t)
	b.login("admin")
	b.open("/admin/import")
	o := orgimport.Generate(orgimport.Spec{Prefix: "h", Counties: 1, TownshipsPer: 2, VillagesPer: 2,
		MembersPerTeam: 3, UnitsPerCounty: 2, CityUnits: 1})
	file := filepath.Join(t.TempDir(), "台账.xlsx")
	if err := os.WriteFile(file, xlsxOf(t, o), 0o644); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}))
	b.submit("form button[type=submit].primary")
	if !strings.Contains(b.text("main"), "检查结果") {
		t.Fatalf("after the upload: %s", b.text("main"))
	}
	b.shot("admin-import")
	b.submit("form[action$=confirm] button")
	if !strings.Contains(b.text("main"), "导入结果") || b.text("a.button") == "" {
		t.Fatalf("after confirming: %s", b.text("main"))
	}
	if n := dbCount(t, `SELECT count(*) FROM members WHERE id LIKE 'hc1-%'`); n != len(o.Members) {
		t.Errorf("%d members landed, want %d", n, len(o.Members))
	}
}
