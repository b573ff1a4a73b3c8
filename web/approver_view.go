package web

// What the approvers' lists show of an item: who, what, and (已办) what
// the viewer did, in the words people use.

import (
	"net/http"
	"time"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// workRow is an item of 待办 or 备案 as a row shows it, every text made
// here: a list of a hundred rows renders without a function call per
// cell.
type workRow struct {
	ID        string
	Kind      string // its title: 请假...
	URL       string
	Who       string // the member, or the county of a monthly report
	What      string // the dates, the instant found, the change
	Step      string // the title of the step that waits on the viewer
	StepName  string
	Due       string // "" for none
	Late      string // "逾期 2 天 3 小时", "" when not past due
	Escalated bool
}

func workRowOf(it store.WorkItem, now time.Time) workRow {
	due := it.WaitDueAt
	if due == nil {
		due = it.DueAt
	}
	return workRow{ID: it.ID, Kind: titles.kind(it.Kind), URL: processURL(it.Kind, it.ID), Who: who(it.Kind, it.Facts),
		What: what(it.Kind, it.WaitStep, it.Facts), Step: titles.step(it.WaitStep), StepName: it.WaitStep,
		Due: when(due), Late: late(due, now), Escalated: it.Escalated}
}

// titles are the kinds' and steps' titles, read once from the kinds'
// descriptions.
var titles = func() titleMaps {
	t := titleMaps{kinds: map[string]string{}, steps: map[string]string{}}
	for _, k := range workflows.Kinds() {
		t.kinds[k.Name] = k.Title
		for _, s := range k.Steps {
			t.steps[s.Name] = workflows.StepTitle(s.Name)
		}
	}
	return t
}()

type titleMaps struct{ kinds, steps map[string]string }

func (t titleMaps) kind(name string) string {
	if s, ok := t.kinds[name]; ok {
		return s
	}
	return name
}

func (t titleMaps) step(name string) string {
	if s, ok := t.steps[name]; ok {
		return s
	}
	return name
}

func workRows(items []store.WorkItem, now time.Time) []workRow {
	out := make([]workRow, len(items))
	for i, it := range items {
		out[i] = workRowOf(it, now)
	}
	return out
}

// who is whom an item is about.
func who(kind string, f store.ItemFacts) string {
	if kind == workflows.KindAbsenceReport {
		return f.CountyName
	}
	return f.MemberName
}

var (
	leaveKinds  = map[string]string{"personal": "事假", "sick": "病假"}
	methods     = map[string]string{"online": "线上查岗", "onsite": "现场查岗"}
	changeVerbs = map[string]string{workflows.ChangeJoin: "加入", workflows.ChangeLeave: "离开",
		workflows.ChangeReplace: "替换", workflows.ChangeLeader: "任队长："}
)

// what is an item's facts in a line: a leave's dates, an absence's
// instant, a roster change, a report's month.
func what(kind, step string, f store.ItemFacts) string {
	switch kind {
	case workflows.KindLeave:
		s := f.StartDate
		if f.EndDate != f.StartDate {
			s += " 至 " + f.EndDate
		}
		if f.Days != "" {
			s += "，" + f.Days + "\u00a0天" // a number and its unit on one line
		}
		if k := leaveKinds[f.LeaveKind]; k != "" {
			s += "，" + k
		}
		if step == workflows.StepExtensionApproval && f.ExtendTo != "" {
			s += "；续假至 " + f.ExtendTo
		}
		return s
	case workflows.KindAbsence:
		s := ""
		if f.FoundAt != nil {
			s = "发现于 " + when(f.FoundAt)
		}
		if m := methods[f.Method]; m != "" {
			s += "，" + m
		}
		return s
	case workflows.KindRosterChange:
		s := changeVerbs[f.Change] + f.TeamName
		if f.Change == workflows.ChangeReplace && f.Replaces != "" {
			s = f.TeamName + "：替换 " + f.Replaces
		}
		if f.EffectiveOn != "" {
			s += "，" + f.EffectiveOn + " 生效"
		}
		return s
	case workflows.KindAbsenceReport:
		return f.Month + " 月度汇总"
	}
	return ""
}

// doneRow is an item of 已办: what the viewer did, when, and where the
// item stands now.
type doneRow struct {
	workRow
	At      string
	Did     string
	Comment string
	Status  string // the status's name, for its colour
	StatusT string // its title
	Open    bool   // the process still waits on someone (at Step)
}

func doneRows(items []store.DecidedItem) []doneRow {
	out := make([]doneRow, len(items))
	for i, it := range items {
		p := it.Process
		if it.Action == "returned" && it.Step == workflows.StepReturn {
			it.Comment = "" // the workflow's own note of the day, not the member's words
		}
		out[i] = doneRow{
			workRow: workRow{ID: p.ID, Kind: titles.kind(p.Kind), URL: processURL(p.Kind, p.ID), Who: who(p.Kind, it.Facts),
				What: what(p.Kind, it.Step, it.Facts), Step: titles.step(p.Step), StepName: p.Step},
			At: when(it.At), Did: didName(it.Action, it.Step), Comment: it.Comment, Status: p.Status,
			StatusT: errs.StatusName(p.Status), Open: p.ClosedAt == nil && p.Step != "",
		}
	}
	return out
}

// didName is a timeline action as the one who took it says it.
func didName(action, step string) string {
	switch action {
	case "approved":
		if step == workflows.StepExtensionApproval {
			return "同意续假"
		}
		return "同意"
	case "refused":
		if step == workflows.StepExtensionApproval {
			return "不同意续假"
		}
		return "不同意"
	case "returned":
		if step == workflows.StepSignature {
			return "退回重写"
		}
		return "销假"
	case "submitted":
		if step == workflows.StepSubmission {
			return "报送月度汇总"
		}
		return "提交"
	case "recorded":
		if step == workflows.StepFiling {
			return "登记人员变动"
		}
		return "登记离岗"
	}
	if s, ok := didNames[action]; ok {
		return s
	}
	return action
}

var didNames = map[string]string{
	"filed": "确认备案", "signed": "签字", "reported": "上报台账", "closed": "关闭",
	"withdrawn": "撤回", "explained": "提交情况说明", "extension_requested": "申请续假",
}

// withBadge fills the header of an approver's page: the badge counts all
// that waits on the viewer (total), not only the first page.
func withBadge(r *http.Request, pg *page, total int) {
	me := actions.MeOf(mustUser(r))
	pg.User, pg.Waiting = &me, total
}

// badge is withBadge for a page that has not counted: a failure to count
// leaves the header without a badge rather than failing the page.
func (p *Pages) badge(r *http.Request, pg *page) {
	n, err := p.act.WaitingTotal(r.Context(), mustUser(r))
	if err != nil {
		p.log.Warn("waiting count", zapErr(err))
	}
	withBadge(r, pg, n)
}

// chinaLocal is the layout of a datetime-local field, read in China time.
const chinaLocal = "2006-01-02T15:04"

func localValue(t time.Time) string { return t.In(policy.China).Format(chinaLocal) }
