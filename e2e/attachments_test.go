package e2e

// Issue 20's attachments (附件) and printable leave form (请假审批表), over
// the API and the pages without a browser. Members of their own: a team
// beside the demo one (附件村, in 专探乡 of 西平县) with f01..f03.

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"zhucun/demo"
	"zhucun/store"
)

func init() {
	for page, api := range map[string]string{
		"GET /attachments/{id}":           "GET /attachments/{id}",
		"POST /leaves/{id}/attachments":   "POST /processes/{id}/attachments",
		"POST /absences/{id}/attachments": "POST /processes/{id}/attachments",
		"GET /leaves/{id}/form.pdf":       "GET /leaves/{id}/form.pdf",
	} {
		pageAccess[page] = api
	}
}

var attachOnce sync.Once

// attachOrg seeds the attachments' own members and accounts, once.
func attachOrg(t *testing.T) {
	t.Helper()
	var err error
	attachOnce.Do(func() {
		ctx := context.Background()
		st := store.New(H.Pool)
		members := []store.SeedMember{
			{ID: "f01", Name: "附件一", UnitID: "city-agri", FirstSecretary: true},
			{ID: "f02", Name: "附件二", UnitID: "city-finance"},
			{ID: "f03", Name: "附件三", UnitID: "xiping-edu"},
		}
		err = st.SeedOrg(ctx, store.OrgSeed{
			City:      store.SeedPlace{ID: demo.Org.City.ID, Name: demo.Org.City.Name},
			Counties:  []store.SeedPlace{{ID: "xiping", Name: "西平县"}},
			Townships: []store.SeedTownship{{ID: "zhuantan", CountyID: "xiping", Name: "专探乡"}},
			Villages:  []store.SeedVillage{{ID: "zhuantan-fujian", TownshipID: "zhuantan", Name: "附件村"}},
			Members:   members,
			Teams: []store.SeedTeam{{ID: "zhuantan-fujian-team", VillageID: "zhuantan-fujian", Name: "附件村驻村工作队",
				Leader: "f01", Others: []string{"f02", "f03"}}},
			MembershipsFrom: demo.MembershipsFrom,
		})
		for _, m := range members {
			if err == nil {
				err = st.UpsertUser(ctx, store.User{Username: m.ID, DisplayName: m.Name, Role: "member", MemberID: m.ID,
					UnitID: m.UnitID, TeamID: "zhuantan-fujian-team", TownshipID: "zhuantan", CountyID: "xiping"}, demo.Password)
			}
		}
	})
	if err != nil {
		t.Fatalf("attachments fixture: %v", err)
	}
}

// tinyJPEG, tinyPNG and tinyPDF are the smallest valid files of each type.
func tinyJPEG(t *testing.T) []byte {
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	img.Set(1, 1, color.RGBA{200, 10, 10, 255})
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func tinyPNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 3, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const tinyPDF = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n" +
	"trailer\n<< /Root 1 0 R >>\n%%EOF\n"

// upload posts files (name → content) as a multipart form to path.
func upload(t *testing.T, c *Client, path string, files ...any) (int, http.Header, []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for i := 0; i+1 < len(files); i += 2 {
		part, err := w.CreateFormFile("file", files[i].(string))
		if err != nil {
			t.Fatal(err)
		}
		part.Write(files[i+1].([]byte))
	}
	w.Close()
	status, hdr, out, err := request(http.DefaultClient, H.URL, "POST", path, c.Token, body.Bytes(), "Content-Type", w.FormDataContentType())
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	return status, hdr, out
}

func errCode(t *testing.T, out []byte) string {
	t.Helper()
	m := map[string]any{}
	if err := json.Unmarshal(out, &m); err != nil {
		t.Fatalf("not JSON: %s", out)
	}
	e, _ := m["error"].(map[string]any)
	s, _ := e["code"].(string)
	return s
}

// TestAttachments: a member's sick note in each allowed type is kept and
// read back as it was, with headers that cannot run script; a renamed
// executable, a fake JPEG, a file too big and a sixth file are refused;
// another member, and an office out of scope, find nothing there.
func TestAttachments(t *testing.T) {
	attachOrg(t)
	f01, f02 := H.Login(t, "f01"), H.Login(t, "f02")
	l := f01.JSON(t, "POST", "/api/v1/leaves", leaveBody("sick", 40, 42, "发烧住院"), 201)
	id := l["id"].(string)
	path := "/api/v1/processes/" + id + "/attachments"

	jpg, pngb := tinyJPEG(t), tinyPNG(t)
	st, _, out := upload(t, f01, path, "病假条.jpg", jpg, "化验单.png", pngb, "诊断证明.pdf", []byte(tinyPDF))
	if st != 201 {
		t.Fatalf("three valid files: %d %s", st, out)
	}
	var added struct {
		Items []struct {
			ID          string `json:"id"`
			Filename    string `json:"filename"`
			ContentType string `json:"content_type"`
		} `json:"items"`
	}
	if err := json.Unmarshal(out, &added); err != nil || len(added.Items) != 3 {
		t.Fatalf("added: %s", out)
	}
	want := map[string][]byte{"image/jpeg": jpg, "image/png": pngb, "application/pdf": []byte(tinyPDF)}
	for _, a := range added.Items {
		st, hdr, body, err := request(http.DefaultClient, H.URL, "GET", "/api/v1/attachments/"+a.ID, f01.Token, nil)
		if err != nil || st != 200 {
			t.Fatalf("GET %s: %d %v", a.Filename, st, err)
		}
		if hdr.Get("Content-Type") != a.ContentType || !bytes.Equal(body, want[a.ContentType]) {
			t.Errorf("%s: served as %q, %d bytes", a.Filename, hdr.Get("Content-Type"), len(body))
		}
		if hdr.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(hdr.Get("Content-Security-Policy"), "sandbox") ||
			!strings.Contains(hdr.Get("Content-Disposition"), "filename") {
			t.Errorf("%s: headers %v", a.Filename, hdr)
		}
		// Another member, and a county outside the leave's, are told it does not exist.
		for _, other := range []*Client{f02, H.Login(t, "shangcai-bureau")} {
			if st, _ := other.Do(t, "GET", "/api/v1/attachments/"+a.ID, nil); st != 404 {
				t.Errorf("%s reads %s: %d, want 404", other.Username, a.Filename, st)
			}
		}
		if st, _ := H.Login(t, committeeZ).Do(t, "GET", "/api/v1/attachments/"+a.ID, nil); st != 200 {
			t.Errorf("the approving committee reads %s: %d", a.Filename, st)
		}
	}

	elf := append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 200)...)
	mz := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 200)...)
	fakeJPEG := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte("not a jpeg"), 20)...)
	for name, content := range map[string][]byte{"photo.jpg": elf, "scan.pdf": mz, "假照片.jpg": fakeJPEG} {
		if st, _, out := upload(t, f01, path, name, content); st != 415 || errCode(t, out) != "unsupported_media_type" {
			t.Errorf("%s refused with %d %s, want 415", name, st, out)
		}
	}
	big := append(append([]byte{}, jpg...), make([]byte, 5<<20)...)
	if st, _, out := upload(t, f01, path, "大图.jpg", big); st != 413 {
		t.Errorf("a file over 5 MB: %d %s", st, out)
	}
	if st, _, out := upload(t, f02, path, "x.png", pngb); st != 404 {
		t.Errorf("another member uploads to the leave: %d %s", st, out)
	}
	if st, _, out := upload(t, H.Login(t, committeeZ), path, "x.png", pngb); st != 403 {
		t.Errorf("the approver uploads to the member's leave: %d %s", st, out)
	}
	if st, _, out := upload(t, f01, path, "4.png", pngb, "5.jpg", jpg); st != 201 {
		t.Fatalf("the 4th and 5th file: %d %s", st, out)
	}
	if st, _, out := upload(t, f01, path, "6.png", pngb); st != 409 || !strings.Contains(string(out), "最多 5 个") {
		t.Errorf("a 6th file: %d %s, want 409", st, out)
	}
	list := f01.JSON(t, "GET", path, nil, 200)
	if n := len(items(t, list)); n != 5 {
		t.Errorf("the leave lists %d files, want 5", n)
	}
	if st, _ := f02.Do(t, "GET", path, nil); st != 404 {
		t.Errorf("another member lists the files: %d, want 404", st)
	}
}

// TestAttachmentOnExplanation: the absent member's explanation carries a
// photo; the unit's head reads it, another member does not.
func TestAttachmentOnExplanation(t *testing.T) {
	attachOrg(t)
	ab := H.Login(t, "xiping-bureau").JSON(t, "POST", "/api/v1/absences", absenceBody("f02", time.Now().Add(-time.Hour)), 201)
	id := ab["id"].(string)
	f02 := H.Login(t, "f02")
	f02.JSON(t, "POST", "/api/v1/absences/"+id+"/explanation", map[string]any{"text": "当天在县医院陪护"}, 200)
	st, _, out := upload(t, f02, "/api/v1/processes/"+id+"/attachments", "陪护证明.png", tinyPNG(t))
	if st != 201 {
		t.Fatalf("explanation's file: %d %s", st, out)
	}
	var added struct {
		Items []struct{ ID string } `json:"items"`
	}
	json.Unmarshal(out, &added)
	if st, _ := H.Login(t, "f01").Do(t, "GET", "/api/v1/attachments/"+added.Items[0].ID, nil); st != 404 {
		t.Errorf("another member reads the explanation's file: %d", st)
	}
	if st, _ := H.Login(t, "xiping-org").Do(t, "GET", "/api/v1/attachments/"+added.Items[0].ID, nil); st != 200 {
		t.Errorf("the county org dept reads it: %d", st)
	}
}

// TestLeaveFormPDF: the printed form names the member, the approver's
// comment and the filing, as pdftotext reads it; only those who may see
// the leave get it.
func TestLeaveFormPDF(t *testing.T) {
	attachOrg(t)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is missing: apt-get install poppler-utils")
	}
	f03 := H.Login(t, "f03")
	l := f03.JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 60, 62, "回家处理房屋修缮"), 201)
	id := l["id"].(string)
	H.Login(t, committeeZ).JSON(t, "POST", "/api/v1/leaves/"+id+"/decision",
		map[string]any{"decision": "approve", "comment": "同意，注意安全按时返岗"}, 200)
	H.Login(t, "xiping-org").JSON(t, "POST", "/api/v1/leaves/"+id+"/filing", nil, 200)
	st, hdr, pdf, err := request(http.DefaultClient, H.URL, "GET", "/api/v1/leaves/"+id+"/form.pdf", f03.Token, nil)
	if err != nil || st != 200 || hdr.Get("Content-Type") != "application/pdf" {
		t.Fatalf("form.pdf: %d %v %s", st, err, hdr.Get("Content-Type"))
	}
	text := pdfText(t, pdf)
	t.Logf("the form as pdftotext reads it (%d bytes):\n%s", len(pdf), text)
	for _, want := range []string{"请假审批表", "附件三", "附件村驻村工作队", "回家处理房屋修缮", "同意，注意安全按时返岗", "确认备案"} {
		if !strings.Contains(text, want) {
			t.Errorf("the form lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "\f"); n > 1 {
		t.Errorf("the form runs to %d pages", n)
	}
	for _, other := range []string{"f01", "shangcai-org"} {
		if st, _ := H.Login(t, other).Do(t, "GET", "/api/v1/leaves/"+id+"/form.pdf", nil); st != 403 {
			t.Errorf("%s gets the form: %d, want 403", other, st)
		}
	}
}

// TestLeaveFormFontMissing: without its font the form is a Chinese 503
// naming what to install, not a panic.
func TestLeaveFormFontMissing(t *testing.T) {
	attachOrg(t)
	l := H.Login(t, "f03").JSON(t, "POST", "/api/v1/leaves", leaveBody("personal", 66, 66, "办理证件"), 201)
	t.Setenv("ZHUCUN_PDF_FONT", filepath.Join(t.TempDir(), "none.ttf"))
	st, out := H.Login(t, "f03").Do(t, "GET", "/api/v1/leaves/"+l["id"].(string)+"/form.pdf", nil)
	if st != 503 || !strings.Contains(string(out), "fonts-arphic-gbsn00lp") || !strings.Contains(string(out), "字体") {
		t.Errorf("without the font: %d %s", st, out)
	}
}

func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "form.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", f, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, out)
	}
	return string(out)
}

// TestAttachmentPages: without JavaScript, a sick leave is sent from the
// form with its note; the leave's page lists it and links to it; another
// member's session finds neither the file nor the form.
func TestAttachmentPages(t *testing.T) {
	attachOrg(t)
	c := pageClient(t, "f02")
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range map[string]string{"kind": "sick", "start_date": day(80), "end_date": day(81), "reason": "牙痛就医", "key": "attach-page-1"} {
		w.WriteField(k, v)
	}
	part, _ := w.CreateFormFile("file", "牙科病历.jpg")
	part.Write(tinyJPEG(t))
	w.Close()
	resp, err := c.Post(H.URL+"/leaves", w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	page := readAll(t, resp)
	if !strings.HasPrefix(resp.Request.URL.Path, "/leaves/") || !strings.Contains(page, "牙科病历.jpg") {
		t.Fatalf("after the form: %s %d\n%s", resp.Request.URL, resp.StatusCode, page)
	}
	leavePath := resp.Request.URL.Path
	m := regexp.MustCompile(`href="(/attachments/[0-9a-f-]{36})"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "/form.pdf") {
		t.Fatalf("no link to the file or the form on the page")
	}
	resp, err = c.Get(H.URL + m[1])
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("the file from the page: %v %v", err, resp)
	}
	resp.Body.Close()
	other := pageClient(t, "f01")
	for _, p := range []string{m[1], leavePath, leavePath + "/form.pdf"} {
		r, err := other.Get(H.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 404 {
			t.Errorf("another member opens %s: %d, want 404", p, r.StatusCode)
		}
	}
	// A renamed executable on the form: the form again, the message beside
	// the file input, no leave sent.
	body.Reset()
	w = multipart.NewWriter(&body)
	for k, v := range map[string]string{"kind": "sick", "start_date": day(85), "end_date": day(85), "reason": "复诊", "key": "attach-page-2"} {
		w.WriteField(k, v)
	}
	part, _ = w.CreateFormFile("file", "photo.jpg")
	part.Write(append([]byte("\x7fELF\x02\x01\x01\x00"), make([]byte, 100)...))
	w.Close()
	resp, err = c.Post(H.URL+"/leaves", w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	page = readAll(t, resp)
	if resp.StatusCode != 400 || !strings.Contains(page, "file-error") || !strings.Contains(page, "复诊") {
		t.Errorf("a renamed executable on the form: %d\n%s", resp.StatusCode, page)
	}
}
