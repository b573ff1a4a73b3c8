package web

// What the member's pages show besides the resource itself: the words for
// the codes a leave or an absence holds (all from the catalogue), the
// notice when a step was refused, and the small helpers their handlers
// share.

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"zhucun/actions"
	"zhucun/errs"
	"zhucun/policy"
	"zhucun/workflows"
)

// words turns the codes of a leave or an absence into Chinese; the member's
// views embed it, so a template says {{$v.Kind .Kind}}.
type words struct{}

var kindWords = map[string]errs.Msg{"personal": errs.MsgKindPersonal, "sick": errs.MsgKindSick}

// Kind is a kind of leave (事假, 病假).
func (words) Kind(k string) string { return word(kindWords, k) }

var routeWords = map[string]errs.Msg{policy.RouteTownship: errs.MsgRouteTownshipName, policy.RouteJoint: errs.MsgRouteJointName}

// RouteName is a leave's route (乡镇审批, 联合审批).
func (words) RouteName(r string) string { return word(routeWords, r) }

var methodWords = map[string]errs.Msg{"online": errs.MsgMethodOnline, "onsite": errs.MsgMethodOnsite}

// Method is how a spot check found an absence (线上查岗, 实地查岗).
func (words) Method(m string) string { return word(methodWords, m) }

var didWords = map[string]errs.Msg{
	"approve": errs.MsgDidApprove, "refuse": errs.MsgDidRefuse, "filed": errs.MsgDidFile, "returned": errs.MsgDidReturn,
	"explained": errs.MsgDidExplain, "sign": errs.MsgDidSign, "return": errs.MsgDidSendBack, "closed": errs.MsgDidClose,
}

// Did is what a party did at a step (批准, 确认备案, 退回重写...).
func (words) Did(d string) string { return word(didWords, d) }

// Timeline events: an action's words depend on the kind ("returned" is a
// leave's 销假 and an explanation sent back; "submitted" is a leave
// submitted and a signed explanation forwarded to the county).
var eventWords = map[string]errs.Msg{
	"submitted": errs.MsgEvSubmitted, "approved": errs.MsgEvApproved, "refused": errs.MsgEvRefused,
	"filed": errs.MsgEvFiled, "withdrawn": errs.MsgEvWithdrawn, "extension_requested": errs.MsgEvExtension,
	"returned": errs.MsgEvReturned, "reminded": errs.MsgEvReminded, "escalated": errs.MsgEvEscalated,
	"overdue": errs.MsgEvOverdue, "recorded": errs.MsgEvRecorded, "explained": errs.MsgEvExplained,
	"signed": errs.MsgEvSigned, "closed": errs.MsgEvClosed, "urged": errs.MsgEvUrged,
	"absence/returned": errs.MsgEvSentBack, "absence/submitted": errs.MsgEvForwarded,
}

// Event is a timeline event of a process of kind as people read it.
func (words) Event(kind, action string) string {
	if m, ok := eventWords[kind+"/"+action]; ok {
		return errs.Text(m)
	}
	return word(eventWords, action)
}

// EventNote is what a timeline shows under an event: its comment, except
// a leave's report back, whose comment is the day returned in English.
func (words) EventNote(kind, action, comment string) string {
	if kind == workflows.KindLeave && action == "returned" {
		return ""
	}
	return comment
}

// Days is a count of leave days as the county counts them ("8天", "6个工作日").
func (words) Days(n int, counting string) string {
	if counting == policy.CountWorking {
		return errs.Text(errs.MsgDaysWorking, n)
	}
	return errs.Text(errs.MsgDaysCalendar, n)
}

// Counting says how the days are counted.
func (words) Counting(counting string) string {
	if counting == policy.CountWorking {
		return errs.Text(errs.MsgLeaveCountsWorking)
	}
	return errs.Text(errs.MsgLeaveCountsCalendar)
}

// Policy names the rules a process follows: "全市统一规则 第1版", "西平县规则 第3版".
func (words) Policy(ref, countyName string) string {
	scope, version, ok := strings.Cut(ref, "@")
	switch {
	case !ok:
		return ref
	case scope == policy.CityScope:
		return errs.Text(errs.MsgPolicyCityVersion, version, ref)
	}
	return errs.Text(errs.MsgPolicyCountyVersion, countyName, version, ref)
}

// Weekday is a date with its day of the week ("2026-12-05（周六）").
func (words) Weekday(date string) string {
	d, err := policy.ParseDate(date)
	if err != nil {
		return date
	}
	return date + "（周" + string([]rune("日一二三四五六")[d.Weekday()]) + "）"
}

func word(m map[string]errs.Msg, code string) string {
	if k, ok := m[code]; ok {
		return errs.Text(k)
	}
	return code
}

// decidedNotice says who took a step first, and what, when the step the
// viewer tried was refused because it had been taken ("已由 西平县委组织部
// 于 12-01 10:30 不批准"): the decision of the viewer's own office if
// there is one (a colleague, or another tab), else the latest at those
// steps. "" when nobody decided there.
func decidedNotice(steps []workflows.Step, me workflows.Party, by func(workflows.Decision) string, names ...string) string {
	var mine, last *workflows.Decision
	for i := range steps {
		if !contains(names, steps[i].Name) {
			continue
		}
		for j := range steps[i].Decisions {
			d := &steps[i].Decisions[j]
			if d.Party == me.Key() && (mine == nil || !d.At.Before(mine.At)) {
				mine = d
			}
			if last == nil || !d.At.Before(last.At) {
				last = d
			}
		}
	}
	if mine == nil {
		mine = last
	}
	if mine == nil {
		return ""
	}
	return errs.Text(errs.MsgDecidedBy, by(*mine), mine.At.In(policy.China).Format("01-02 15:04"), words{}.Did(mine.Decision))
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// stepRefusal is the answer to a step the process refused, when it is one
// a person can act on: the page again with the reason (409 "someone
// decided first", 403 "not yours", 400 a field), keeping what was typed.
// ok is false for any other error, which the caller returns to fail.
type stepRefusal struct {
	status int
	notice string
	form   url.Values
	fields map[string]string
}

func refusalOf(err error, r *http.Request, form string) (stepRefusal, *errs.Error, bool) {
	e, _ := actions.Explain(err)
	switch e.Code {
	case errs.Invalid, errs.Conflict, errs.Forbidden:
	default:
		return stepRefusal{}, e, false
	}
	vals := url.Values{}
	for k, v := range r.PostForm {
		vals[k] = v
	}
	vals.Set("form", form)
	s := stepRefusal{status: errs.Status(e.Code), notice: e.Message, form: vals, fields: e.Fields}
	if e.Code == errs.Invalid && len(e.Fields) > 0 {
		s.notice = errs.Text(errs.MsgCheckFields)
	}
	return s, e, true
}

// unseen: a process the user may not see is one that does not exist, for
// a form's POST as for a GET (fail turns a GET's 403 into a 404 itself).
func unseen(err error) error {
	if e, ok := errs.As(err); ok && e.Code == errs.Forbidden {
		return errs.Generic(errs.NotFound)
	}
	return err
}

// today is the China date of now.
func today(now time.Time) string { return policy.FormatDate(now) }
