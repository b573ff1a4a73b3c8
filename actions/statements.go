package actions

// The monthly presence statement (article 13): read, started for a past
// month by an office (the Schedule starts it on the 1st), and the county
// bureau's decision on each shortfall item.

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"zhucun/activities"
	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// StatementRequest starts a county's statement for a month that has ended.
type StatementRequest struct {
	CountyID string `json:"county_id"`
	Month    string `json:"month"`
}

// StartStatement starts (or finds) a county's statement for a past month:
// the Schedule does it on the 1st; an office may do it for a month the
// Schedule missed. County offices their own county, city offices any.
func (a *Actions) StartStatement(ctx context.Context, u User, req StatementRequest) (workflows.Statement, error) {
	if u.Role == policy.RoleAdmin || (!canSeeCounty(u, req.CountyID) && !isCityOffice(u)) {
		return workflows.Statement{}, errs.New(errs.Forbidden, errs.MsgPresenceScope)
	}
	f := errs.Fields{}
	f.Check(req.CountyID != "", "county_id", errs.MsgRequired)
	first, err := time.ParseInLocation("2006-01", req.Month, policy.China)
	f.Check(err == nil, "month", errs.MsgMonth)
	if err == nil {
		f.Check(!first.AddDate(0, 1, 0).After(a.now()), "month", errs.MsgStatementNotEnded, req.Month)
	}
	if err := f.Err(); err != nil {
		return workflows.Statement{}, err
	}
	if !canSeeCounty(u, req.CountyID) || u.Role == policy.RoleAdmin {
		return workflows.Statement{}, errs.New(errs.Forbidden, errs.MsgPresenceScope)
	}
	if err := activities.StartStatement(ctx, a.tc, a.keys, a.store, req.CountyID, req.Month); err != nil {
		return workflows.Statement{}, err
	}
	in, err := a.store.StatementInput(ctx, req.CountyID, req.Month)
	if err != nil {
		return workflows.Statement{}, err
	}
	return a.awaitStatement(ctx, u, in.ID)
}

// awaitStatement reads a statement just started once its first record
// (after the count) is in the read model.
func (a *Actions) awaitStatement(ctx context.Context, u User, id string) (workflows.Statement, error) {
	ctx, cancel := context.WithTimeout(ctx, updateWait)
	defer cancel()
	for {
		st, err := a.GetStatement(ctx, u, id)
		if !errors.Is(err, store.ErrNotFound) {
			return st, err
		}
		select {
		case <-ctx.Done():
			return st, errs.New(errs.Unavailable, errs.MsgUpdateUnknown)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// GetStatement is one statement, for county and city offices in scope.
func (a *Actions) GetStatement(ctx context.Context, u User, id string) (workflows.Statement, error) {
	var st workflows.Statement
	p, err := a.processOf(ctx, u, id, workflows.KindPresenceStatement, errs.MsgStatementOutOfScope)
	if err == nil && !canSeeCounty(u, p.CountyID) {
		err = errs.New(errs.Forbidden, errs.MsgStatementOutOfScope)
	}
	if err == nil {
		err = json.Unmarshal(p.Detail, &st)
	}
	return st, err
}

// ListStatements is the processes' filter over statements, within scope.
func (a *Actions) ListStatements(ctx context.Context, u User, q Query) (List[workflows.Statement], error) {
	if c := q.Get("county"); !canSeeCounty(u, u.CountyID) || (c != "" && !canSeeCounty(u, c)) {
		return List[workflows.Statement]{}, errs.New(errs.Forbidden, errs.MsgPresenceScope)
	}
	f, err := ProcessFilter(q)
	if err != nil {
		return List[workflows.Statement]{}, err
	}
	f.Kind, f.WithDetail = workflows.KindPresenceStatement, true
	rows, next, err := a.store.ListProcesses(ctx, scopeOf(u), f)
	if err != nil {
		return List[workflows.Statement]{}, err
	}
	list := make([]workflows.Statement, len(rows))
	for i, p := range rows {
		if err := json.Unmarshal(p.Detail, &list[i]); err != nil {
			return List[workflows.Statement]{}, err
		}
	}
	return List[workflows.Statement]{Items: list, Next: next}, nil
}

// StatementMembers is every member's figures of a statement, by team and
// name (never ranked).
func (a *Actions) StatementMembers(ctx context.Context, u User, id string) (List[workflows.StatementFigures], error) {
	st, err := a.GetStatement(ctx, u, id)
	if err != nil {
		return List[workflows.StatementFigures]{}, err
	}
	rows, err := a.store.StatementFigures(ctx, st.CountyID, st.Month)
	return List[workflows.StatementFigures]{Items: rows}, err
}

// ShortfallRequest is the county bureau's decision on one item.
type ShortfallRequest struct {
	Ref
	MemberID string `json:"member_id"`
	Decision string `json:"decision"` // excuse | explain
	Reason   string `json:"reason"`
}

// Check validates the request's own fields.
func (req ShortfallRequest) Check() error {
	f := errs.Fields{}
	f.Check(req.MemberID != "", "member_id", errs.MsgRequired)
	f.Check(req.Decision == "excuse" || req.Decision == "explain", "decision", errs.MsgShortfallDecision)
	checkText(f, "reason", req.Reason, req.Decision == "excuse")
	return f.Err()
}

// DecideShortfall excuses an item with a reason, or asks the member for an
// explanation: the absence (article 18) is opened, found at the end of
// the statement's month, and linked to the item. The item is decided
// first (the workflow refuses a second decision), then the absence
// starts, so no member is asked twice.
func (a *Actions) DecideShortfall(ctx context.Context, u User, req ShortfallRequest) (workflows.Statement, error) {
	st, err := a.GetStatement(ctx, u, req.ID)
	if err == nil {
		err = req.Check()
	}
	if err != nil {
		return st, err
	}
	args := workflows.ShortfallArgs{Actor: actorOf(u), MemberID: req.MemberID, Decision: req.Decision, Reason: req.Reason}
	var absence *workflows.AbsenceInput
	if req.Decision == "explain" {
		in, err := a.shortfallAbsence(ctx, u, st, req)
		if err != nil {
			return st, err
		}
		absence, args.AbsenceID = &in, in.ID
	}
	var out workflows.Statement
	err = a.send(ctx, workflows.StatementWorkflowID(st.CountyID, st.Month), workflows.StatementDecide, args, &out,
		closed(errs.MsgStatementClosed, errs.StatusName(st.Status)))
	if err != nil || absence == nil {
		return out, err
	}
	_, err = a.startAbsence(ctx, *absence)
	return out, err
}

// shortfallAbsence builds the absence an explanation is asked for by: the
// month's last instant, the bureau recording, the reason as its note.
func (a *Actions) shortfallAbsence(ctx context.Context, u User, st workflows.Statement, req ShortfallRequest) (workflows.AbsenceInput, error) {
	first, err := time.ParseInLocation("2006-01", st.Month, policy.China)
	if err != nil {
		return workflows.AbsenceInput{}, err
	}
	found := first.AddDate(0, 1, 0).Add(-time.Second)
	note := st.Month + "在岗天数不足"
	if req.Reason != "" {
		note += "：" + req.Reason
	}
	ar := AbsenceRequest{MemberID: req.MemberID, FoundAt: found.Format(time.RFC3339), Method: "online", Note: note, Confirm: true}
	return a.absenceInput(ctx, u, ar, found)
}
