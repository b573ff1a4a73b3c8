package e2e

// The member's pages in a real browser, as the demo users: 请假 with the
// route shown before it is sent, the leave's page as the member and as
// each approver and filing office, 销假 and 续假, the absence's
// explanation with a send-back, two approvers racing, the whole leave
// journey without JavaScript, and what must never show (another member's
// leave, a typed <script>).
//
// Members and dates no other test uses for leaves: m06 (赵楼村, 专探乡,
// 市农业农村局) days -20..-18; m07 (赵楼村, 西平县教育局) days 150..161;
// m12 (焦庄村, 出山镇, 西平县教育局) days 170..179 and 190..191; m21 (后湖村, 邵店镇)
// days -25..-23; m22 (张庄村, 黄埠镇) days 180..181; m19 (后湖村, 上蔡县
// 卫生健康委员会) an absence found an hour ago.

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func init() {
	for page, api := range map[string]string{
		"GET /leaves/new":                 "POST /leaves", // PreviewLeave: members only, as submitting
		"POST /leaves":                    "POST /leaves",
		"GET /leaves/{id}":                "GET /leaves/{id}",
		"POST /leaves/{id}/withdraw":      "POST /leaves/{id}/withdraw",
		"POST /leaves/{id}/extension":     "POST /leaves/{id}/extension",
		"POST /leaves/{id}/return":        "POST /leaves/{id}/return",
		"POST /leaves/{id}/decision":      "POST /leaves/{id}/decision",
		"POST /leaves/{id}/filing":        "POST /leaves/{id}/filing",
		"GET /absences/{id}":              "GET /absences/{id}",
		"POST /absences/{id}/explanation": "POST /absences/{id}/explanation",
		"POST /absences/{id}/signature":   "POST /absences/{id}/signature",
	} {
		pageAccess[page] = api
	}
}

// setDate sets a date field as the phone's date picker would.
func (b *browser) setDate(sel, date string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.CSS(sel), date))
}

// write puts text in a text area (or field), replacing what it held.
// (chromedp's SetValue cannot set "" to clear a field before SendKeys: the
// empty argument is dropped and the field reads "undefined".)
func (b *browser) write(sel, text string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.CSS(sel), text))
}

// unrequire drops a field's required attribute, as a browser that does not
// check forms would, so that the server's own check answers.
func (b *browser) unrequire(sel string) {
	b.t.Helper()
	b.do(chromedp.RemoveAttribute(chromedp.CSS(sel), "required"))
}

// click clicks an element that does not navigate.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel)))
}

// has reports whether an element matching sel is on the page.
func (b *browser) has(sel string) bool {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		b.t.Fatalf("count %s: %v", sel, err)
	}
	return n > 0
}

// mustSee fails unless the page's main part says each of want.
func (b *browser) mustSee(what string, want ...string) {
	b.t.Helper()
	main := b.text("main")
	for _, w := range want {
		if !strings.Contains(main, w) {
			b.t.Fatalf("%s: the page does not say %q; it says:\n%s", what, w, main)
		}
	}
}

// smallTargets lists the page's controls less than 44 px high (buttons,
// fields, links that stand alone, the kind's choices) at this width.
func (b *browser) smallTargets() []string {
	b.t.Helper()
	small, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`(() => {
		const all = Array.from(document.querySelectorAll('main button, main input:not([type=hidden]):not([type=radio]), ' +
			'main textarea, main .row > a, .m-choice label, nav a, nav button'));
		if (all.length < 3) return ['only ' + all.length + ' controls found'];
		return all.filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80));
	})()`))
	if err != nil {
		b.t.Fatalf("measure tap targets: %v", err)
	}
	return small
}

// look takes the page's screenshots (docs/screenshots/NAME-360.png and
// -1280.png) after checking its tap targets at both widths.
func (b *browser) look(name string) {
	b.t.Helper()
	for _, w := range []int64{360, 1280} {
		b.do(chromedp.EmulateViewport(w, 800))
		if small := b.smallTargets(); len(small) > 0 {
			b.t.Errorf("%s at %d px: tap targets under 44 px: %v", name, w, small)
		}
	}
	b.shot(name)
}

// step clicks a form's button on the item page and checks the status and
// the notice it came back with.
func (b *browser) step(button string, status int, notice string) {
	b.t.Helper()
	if st := b.submit(button); st != status {
		b.t.Fatalf("%s: status %d, want %d: %s", button, st, status, b.text("main"))
	}
	if notice != "" {
		if got := b.text(".flash") + b.text(".m-notice"); !strings.Contains(got, notice) {
			b.t.Fatalf("%s: notice %q, want %q; page:\n%s", button, got, notice, b.text("main"))
		}
	}
}

var leavePath = regexp.MustCompile(`^/leaves/([0-9a-f-]{36})$`)

// submitLeaveForm fills 请假 as a member does: kind, dates, reason; 预览
// shows the route; 提交 goes to the new leave's page. It returns the id.
func submitLeaveForm(t *testing.T, b *browser, kind, start, end, reason string, route ...string) string {
	t.Helper()
	if st := b.open("/leaves/new"); st != http.StatusOK {
		t.Fatalf("GET /leaves/new: %d", st)
	}
	b.mustSee("the empty form", "类别", "开始日期", "结束日期", "事由", "预览")
	b.click("input[name=kind][value=" + kind + "]")
	b.setDate("#start_date", start)
	b.setDate("#end_date", end)
	b.write("#reason", reason)
	if st := b.submit("button[name=preview]"); st != http.StatusOK || !strings.HasPrefix(b.path(), "/leaves/new?") {
		t.Fatalf("预览: %d at %s", st, b.path())
	}
	b.mustSee("the preview", route...)
	if v, _ := chromedpValue(b, "#reason"); v != reason {
		t.Fatalf("the reason typed is lost on preview: %q", v)
	}
	if v, _ := chromedpValue(b, "#start_date"); v != start {
		t.Fatalf("the start typed is lost on preview: %q", v)
	}
	if st := b.submit("#submit-leave"); st != http.StatusOK {
		t.Fatalf("提交: %d: %s", st, b.text("main"))
	}
	m := leavePath.FindStringSubmatch(b.path())
	if m == nil {
		t.Fatalf("after 提交 the browser is at %s: %s", b.path(), b.text("main"))
	}
	if !strings.Contains(b.text(".flash"), "请假已提交") {
		t.Errorf("after 提交 the notice says %q", b.text(".flash"))
	}
	return m[1]
}

// pageLogin is a browser window logged in as username, without
// JavaScript when noScript.
func pageLogin(t *testing.T, username string, noScript bool) *browser {
	t.Helper()
	b := newBrowser(t)
	if noScript {
		b.noScript()
	}
	b.login(username)
	return b
}

// townshipJourney is a 3-day leave from the form to 销假: the member
// submits it (a mistake first: the end before the start), the township
// committee approves it on its page, both county offices acknowledge the
// filing, the member reports back. The leave started days ago, so it can.
func townshipJourney(t *testing.T, member, committee, org, bureau string, startDay int, noScript, shots bool) {
	m := pageLogin(t, member, noScript)
	start, end := day(startDay), day(startDay+2)

	// A mistake: what was typed stays, the message is beside the field.
	m.open("/leaves/new")
	m.click("input[name=kind][value=sick]")
	m.setDate("#start_date", end)
	m.setDate("#end_date", start)
	m.write("#reason", "发烧，在县医院输液")
	if st := m.submit("#submit-leave"); st != http.StatusBadRequest {
		t.Fatalf("end before start: status %d", st)
	}
	if got := m.text("#end_date-error"); got != "不能早于开始日期" {
		t.Errorf("beside the end date: %q", got)
	}
	if v, _ := chromedpValue(m, "#reason"); v != "发烧，在县医院输液" {
		t.Errorf("the reason typed is lost: %q", v)
	}
	if !m.has("input[name=kind][value=sick]:checked") {
		t.Error("the kind chosen is lost")
	}

	id := submitLeaveForm(t, m, "sick", start, end, "发烧，在县医院输液",
		"3天，未超过7天，由乡镇党委审批，报县委组织部和县乡村振兴局备案")
	m.mustSee("the new leave as its member", "我的请假", "审批中", "病假", "发烧，在县医院输液", "撤回请假")
	if m.has("form[action$='/decision']") || m.has("form[action$='/return']") {
		t.Error("the member is offered a decision or 销假 on a pending leave")
	}

	// The committee: the leave is in its 待办 and it decides on the page.
	c := pageLogin(t, committee, noScript)
	if st := c.open("/leaves/" + id); st != http.StatusOK {
		t.Fatalf("the committee opens the leave: %d", st)
	}
	c.mustSee("the leave as its approver", "审批这条请假", "批准", "不批准", "等待")
	if c.has("form[action$='/withdraw']") || c.has("form[action$='/filing']") {
		t.Error("the committee is offered a member's step or a filing")
	}
	if shots {
		c.look("member-leave-as-approver")
	}
	c.write("#decision-comment", "同意，注意休息")
	c.step("form[action$='/decision'] button[value=approve]", http.StatusOK, "您已批准这条请假")
	c.mustSee("approved", "已批准", "同意，注意休息")
	if c.has("form[action$='/decision']") {
		t.Error("the decision form stays after deciding")
	}

	// Both county offices acknowledge the filing (备案), each once.
	for _, office := range []string{org, bureau} {
		o := pageLogin(t, office, noScript)
		o.open("/leaves/" + id)
		o.mustSee("the filing step as "+office, "备案", "确认备案")
		if o.has("form[action$='/decision']") {
			t.Errorf("%s is offered a decision on a township leave", office)
		}
		o.step("form[action$='/filing'] button", http.StatusOK, "已确认备案")
		if o.has("form[action$='/filing']") {
			t.Errorf("%s is offered the filing again", office)
		}
	}

	// The member reports back (销假) today.
	m.open("/leaves/" + id)
	if m.has("form[action$='/withdraw']") {
		t.Error("an approved leave offers 撤回")
	}
	m.mustSee("the approved leave as its member", "销假", "返岗日期")
	m.step("form[action$='/return'] button", http.StatusOK, "已销假")
	m.mustSee("returned", "已销假", day(0)+" 返岗", "确认备案", "批准")
	if m.has("form.m-act") {
		t.Error("a returned leave still offers a step")
	}
	tl := m.text(".m-timeline")
	for _, want := range []string{"提交请假", "批准", "确认备案", "销假"} {
		if !strings.Contains(tl, want) {
			t.Errorf("the timeline lacks %q: %s", want, tl)
		}
	}
	if strings.Contains(tl, "returned on") {
		t.Errorf("the timeline shows English: %s", tl)
	}
	if shots {
		m.look("member-leave-returned")
		m.open("/")
		m.mustSee("the member's home", "我的事项", "请假", "已销假")
		m.look("member-home")
	}
}

// TestPagesMemberLeaveTownship: a 3-day leave through the pages, from the
// form to 销假, as m06 (专探乡: the committee approves, 西平县's two
// offices file).
func TestPagesMemberLeaveTownship(t *testing.T) {
	townshipJourney(t, "m06", "zhuantan-committee", "xiping-org", "xiping-bureau", -2, false, true)
}

// TestPagesMemberLeaveNoScript: the same journey with JavaScript off in
// every window, as m21 (邵店镇, 上蔡县).
func TestPagesMemberLeaveNoScript(t *testing.T) {
	townshipJourney(t, "m21", "shaodian-committee", "shangcai-org", "shangcai-bureau", -3, true, false)
}

// TestPagesMemberLeaveJoint: a 10-day leave shows the joint route before it
// is sent; the county org dept, the county bureau and the unit head each
// approve on its page (the leave stays pending until the third); the
// member asks for two more days, which the three approve again.
func TestPagesMemberLeaveJoint(t *testing.T) {
	m := pageLogin(t, "m07", false)
	start, end := day(150), day(159)

	m.open("/leaves/new")
	m.click("input[name=kind][value=personal]")
	m.setDate("#start_date", start)
	m.setDate("#end_date", end)
	m.write("#reason", "母亲手术，需回家照顾")
	m.submit("button[name=preview]")
	m.mustSee("the joint route before sending", "10天，超过7天，需县委组织部、县乡村振兴局和派出单位共同批准",
		"西平县委组织部、西平县乡村振兴局、西平县教育局负责人")
	m.look("member-leave-new")
	id := submitLeaveForm(t, m, "personal", start, end, "母亲手术，需回家照顾",
		"10天，超过7天，需县委组织部、县乡村振兴局和派出单位共同批准")
	m.mustSee("the joint leave", "联合审批（会签）", "西平县委组织部、西平县乡村振兴局、西平县教育局负责人")

	approveAll := func(what, status string) {
		t.Helper()
		for i, who := range []string{"xiping-org", "xiping-bureau", "xiping-edu-head"} {
			a := pageLogin(t, who, false)
			a.open("/leaves/" + id)
			a.mustSee(what+" as "+who, "批准")
			a.write("#decision-comment", "同意")
			a.step("form[action$='/decision'] button[value=approve]", http.StatusOK, "您已批准这条请假")
			if i < 2 && !strings.Contains(a.text(".m-card-title"), status) {
				t.Errorf("%s after %d of 3 approvals: %q, want %q", what, i+1, a.text(".m-card-title"), status)
			}
			if a.has("form[action$='/decision']") {
				t.Errorf("%s: %s is offered a second decision", what, who)
			}
		}
	}
	approveAll("the leave", "审批中")
	m.open("/leaves/" + id)
	m.mustSee("the approved joint leave", "已批准", "续假")
	if m.has("form[action$='/filing']") {
		t.Error("a joint leave has a filing step")
	}

	// 续假: two more days, routed on the new total (12 days, joint).
	m.setDate("#extension-end_date", day(161))
	m.write("#extension-reason", "术后需多观察两天")
	m.step("form[action$='/extension'] button", http.StatusOK, "续假申请已提交")
	m.mustSee("the extension pending", "续至", "术后需多观察两天", "续假审批")
	m.look("member-leave-as-member")
	if m.has("form[action$='/extension']") {
		t.Error("a second extension is offered while one waits")
	}
	approveAll("the extension", "已批准")
	m.open("/leaves/" + id)
	m.mustSee("the extended leave", day(161), "12天")
}

// TestPagesMemberDecidedFirst: two approvers have one leave open; the
// county org dept refuses (a refusal needs a comment), then the county
// bureau, on its page as it was, approves: it is told who decided what
// and when (409), and sees the leave as it now stands. Likewise a
// committee approving a leave its member has just withdrawn.
func TestPagesMemberDecidedFirst(t *testing.T) {
	leave := H.Login(t, "m12").JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": day(170), "end_date": day(179), "reason": "外出培训"}, 201)
	id := leave["id"].(string)

	org, bureau := pageLogin(t, "xiping-org", false), pageLogin(t, "xiping-bureau", false)
	org.open("/leaves/" + id)
	bureau.open("/leaves/" + id)

	org.step("form[action$='/decision'] button[value=refuse]", http.StatusBadRequest, "请按标出的提示修改")
	if got := org.text("#decision-comment-error"); got != "必填" {
		t.Errorf("a refusal without a comment says %q beside it", got)
	}
	org.write("#decision-comment", "与防汛值班冲突，请改期")
	org.step("form[action$='/decision'] button[value=refuse]", http.StatusOK, "您已不批准这条请假")

	bureau.write("#decision-comment", "同意")
	bureau.step("form[action$='/decision'] button[value=approve]", http.StatusConflict, "")
	notice := bureau.text(".m-notice")
	if !regexp.MustCompile(`已由 西平县委组织部 于 \d\d-\d\d \d\d:\d\d 不批准`).MatchString(notice) || !strings.Contains(notice, "未批准") {
		t.Errorf("the second approver is told %q", notice)
	}
	bureau.mustSee("the leave as it now stands", "未批准", "与防汛值班冲突，请改期")
	if bureau.has("form[action$='/decision']") {
		t.Error("the refused leave still offers a decision")
	}
	bureau.look("member-leave-decided-first")

	// The member withdraws while the committee has the leave open: its
	// approval is refused, and it is told the leave is withdrawn.
	short := H.Login(t, "m12").JSON(t, "POST", "/api/v1/leaves", map[string]any{
		"kind": "personal", "start_date": day(190), "end_date": day(191), "reason": "办理证件"}, 201)["id"].(string)
	committee := pageLogin(t, "chushan-committee", false)
	committee.open("/leaves/" + short)
	H.Login(t, "m12").JSON(t, "POST", "/api/v1/leaves/"+short+"/withdraw", nil, 200)
	committee.step("form[action$='/decision'] button[value=approve]", http.StatusConflict, "已撤回")
	if committee.has("form.m-act") {
		t.Error("a withdrawn leave still offers a step")
	}
}

// TestPagesMemberAbsence: the county bureau records an absence (through
// the API: its form is the approvers' pages'); the member explains on the
// page, the unit head sends it back with a comment, the member sees the
// comment and rewrites, the head signs.
func TestPagesMemberAbsence(t *testing.T) {
	ab := H.Login(t, "shangcai-bureau").JSON(t, "POST", "/api/v1/absences", map[string]any{
		"member_id": "m19", "found_at": time.Now().Add(-time.Hour).Format(time.RFC3339), "method": "onsite",
		"note": "上午十点到村，本人不在村委会，电话未接"}, 201)
	id := ab["id"].(string)

	m := pageLogin(t, "m19", false)
	if st := m.open("/absences/" + id); st != http.StatusOK {
		t.Fatalf("the member opens the absence: %d", st)
	}
	m.mustSee("the absence as its member", "我的情况说明", "待写情况说明", "实地查岗", "上午十点到村", "写情况说明")
	m.unrequire("#explanation-text")
	m.step("form[action$='/explanation'] button", http.StatusBadRequest, "")
	if got := m.text("#explanation-text-error"); got != "必填" {
		t.Errorf("an empty explanation says %q beside it", got)
	}
	m.write("#explanation-text", "当天在乡里参加培训")
	m.step("form[action$='/explanation'] button", http.StatusOK, "情况说明已提交")
	m.mustSee("explained", "待签字", "第 1 稿", "当天在乡里参加培训")
	if m.has("form.m-act") {
		t.Error("the member is offered a step while the head signs")
	}

	h := pageLogin(t, "shangcai-health-head", false)
	h.open("/absences/" + id)
	h.mustSee("the absence as the unit head", "林娜", "负责人签字", "当天在乡里参加培训")
	h.step("form[action$='/signature'] button[value=return]", http.StatusBadRequest, "")
	if h.text("#signature-comment-error") == "" {
		t.Error("a send-back without a comment is not marked beside the comment")
	}
	h.write("#signature-comment", "请写明培训名称和时间")
	h.step("form[action$='/signature'] button[value=return]", http.StatusOK, "已退回")

	m.open("/absences/" + id)
	m.mustSee("sent back", "待写情况说明", "已退回", "请写明培训名称和时间", "重写情况说明")
	if v, _ := chromedpValue(m, "#explanation-text"); v != "当天在乡里参加培训" {
		t.Errorf("the rewrite does not start from the last draft: %q", v)
	}
	m.look("member-absence")
	m.write("#explanation-text", "当天在乡里参加乡村振兴业务培训（上午9点至12点），未及时请假")
	m.step("form[action$='/explanation'] button", http.StatusOK, "情况说明已提交")

	h.open("/absences/" + id)
	h.step("form[action$='/signature'] button[value=sign]", http.StatusOK, "已签字")
	h.mustSee("signed", "已签字", "第 2 稿", "请写明培训名称和时间", "报送县委组织部和县乡村振兴局")
	h.look("member-absence-signed")
}

// TestPagesMemberPrivacy: a <script> typed into a reason shows as those
// characters and runs nowhere; another member's leave, and another
// county's, are not found, by GET or by a form's POST; so is a leave that
// does not exist.
func TestPagesMemberPrivacy(t *testing.T) {
	m := pageLogin(t, "m22", false)
	reason := `<script>document.title="x"</script>家里有事`
	id := submitLeaveForm(t, m, "personal", day(180), day(181), reason, "2天，未超过7天")
	if got := m.text("dd.m-usertext"); got != reason {
		t.Errorf("the reason shows as %q, want %q", got, reason)
	}
	if m.has("main script") {
		t.Error("the reason became a script element")
	}

	other := pageLogin(t, "m21", false)
	if st := other.open("/leaves/" + id); st != http.StatusNotFound || strings.Contains(other.text("main"), "家里有事") {
		t.Errorf("another member opens the leave: %d %s", st, other.text("main"))
	}
	if st := other.open("/leaves/00000000-0000-4000-8000-000000000000"); st != http.StatusNotFound {
		t.Errorf("a leave that does not exist: %d", st)
	}
	far := pageLogin(t, "xiping-org", false)
	if st := far.open("/leaves/" + id); st != http.StatusNotFound {
		t.Errorf("another county's office opens the leave: %d", st)
	}

	posts := []struct{ who, path string }{
		{"m21", "/withdraw"}, {"m21", "/return"}, {"xiping-org", "/decision"}, {"xiping-org", "/filing"},
		{"shaodian-committee", "/decision"},
	}
	for _, p := range posts {
		c := pageClient(t, p.who)
		resp, err := c.PostForm(H.URL+"/leaves/"+id+p.path, url.Values{"decision": {"approve"}, "comment": {"x"}, "returned_on": {day(0)}})
		if err != nil {
			t.Fatal(err)
		}
		body := readAll(t, resp)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "家里有事") {
			t.Errorf("POST %s as %s: %d, want 404", p.path, p.who, resp.StatusCode)
		}
	}
	m.open("/leaves/" + id)
	m.mustSee("untouched", "审批中")
}
