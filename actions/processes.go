package actions

// The read model's lists: every process in scope, what waits on me, one
// kind's resources, and a process's timeline.

import (
	"context"
	"encoding/json"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// Query is a list's filter as a client sends it (URL query or form).
type Query = url.Values

// List is one page of a list; Next is the cursor of the next page, "" at
// the end.
type List[T any] struct {
	Items []T    `json:"items"`
	Next  string `json:"next"`
}

// processParams are the filters of every process list; a parameter not
// here is refused rather than silently ignored.
var processParams = []string{"kind", "status", "county", "township", "unit", "waiting_on", "member_id", "overdue",
	"due_before", "limit", "cursor"}

// checkParams refuses a parameter not in allowed, and one given twice.
func checkParams(q Query, allowed ...string) error {
	f := errs.Fields{}
	for k, vs := range q {
		known := false
		for _, a := range allowed {
			known = known || a == k
		}
		if k == "" {
			k = "query"
		}
		f.Check(known, k, errs.MsgQueryUnknown)
		f.Check(len(vs) <= 1, k, errs.MsgQueryRepeated)
	}
	return f.Err()
}

// ProcessFilter reads the query of a list, naming any bad parameter.
func ProcessFilter(q Query) (store.ProcessFilter, error) {
	if err := checkParams(q, processParams...); err != nil {
		return store.ProcessFilter{}, err
	}
	f := store.ProcessFilter{Kind: q.Get("kind"), Status: q.Get("status"), CountyID: q.Get("county"),
		TownshipID: q.Get("township"), UnitID: q.Get("unit"), WaitingOn: q.Get("waiting_on"), Cursor: q.Get("cursor"), MemberID: q.Get("member_id")}
	bad := errs.Fields{}
	names := workflows.KindNames()
	sort.Strings(names)
	_, known := workflows.KindByName(f.Kind)
	bad.Check(f.Kind == "" || known, "kind", errs.MsgOneOf, strings.Join(names, ", "))
	if v := q.Get("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		bad.Check(err == nil, "overdue", errs.MsgBool)
		f.Overdue = &b
	}
	if v := q.Get("due_before"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		bad.Check(err == nil, "due_before", errs.MsgInstant)
		f.DueBefore = &t
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		bad.Check(err == nil && n > 0 && n <= 200, "limit", errs.MsgLimit, 200)
		f.Limit = n
	}
	return f, bad.Err()
}

// ListProcesses is the read model in the caller's scope, filtered and paged.
func (a *Actions) ListProcesses(ctx context.Context, u User, q Query) (List[store.Process], error) {
	f, err := ProcessFilter(q)
	if err != nil {
		return List[store.Process]{}, err
	}
	items, next, err := a.store.ListProcesses(ctx, scopeOf(u), f)
	return List[store.Process]{Items: items, Next: next}, err
}

// listKind lists one kind's resources (their details), within scope.
func (a *Actions) listKind(ctx context.Context, u User, q Query, kind string) (List[json.RawMessage], error) {
	f, err := ProcessFilter(q)
	if err != nil {
		return List[json.RawMessage]{}, err
	}
	f.Kind, f.WithDetail = kind, true
	items, next, err := a.store.ListProcesses(ctx, scopeOf(u), f)
	if err != nil {
		return List[json.RawMessage]{}, err
	}
	out := make([]json.RawMessage, 0, len(items))
	for _, p := range items {
		out = append(out, p.Detail)
	}
	return List[json.RawMessage]{Items: out, Next: next}, nil
}

// ListLeaves is the leaves in scope, filtered as the processes are.
func (a *Actions) ListLeaves(ctx context.Context, u User, q Query) (List[json.RawMessage], error) {
	return a.listKind(ctx, u, q, workflows.KindLeave)
}

// ListRosterChanges is the roster changes in scope.
func (a *Actions) ListRosterChanges(ctx context.Context, u User, q Query) (List[json.RawMessage], error) {
	return a.listKind(ctx, u, q, workflows.KindRosterChange)
}

// Inbox is what waits on the caller (待办), soonest due first, a page at a
// time (limit, default 100; cursor, the previous page's next), so that
// nothing one member floods it with can push another's item out of reach.
func (a *Actions) Inbox(ctx context.Context, u User, q Query) (List[store.InboxItem], error) {
	if err := checkParams(q, "limit", "cursor"); err != nil {
		return List[store.InboxItem]{}, err
	}
	limit, err := limitOf(q)
	if err != nil {
		return List[store.InboxItem]{}, err
	}
	parties, err := a.inboxParties(ctx, u)
	if err != nil {
		return List[store.InboxItem]{}, err
	}
	items, next, err := a.store.InboxOf(ctx, parties, q.Get("cursor"), limit)
	return List[store.InboxItem]{Items: items, Next: next}, err
}

// limitOf is a list's page size from its query, 0 for the default.
func limitOf(q Query) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > 200 {
		return 0, errs.Field("limit", errs.MsgLimit, 200)
	}
	return n, nil
}

// processOf loads a process of kind (any kind for "") that the caller may
// see; outside their scope is outOfScope's 403.
func (a *Actions) processOf(ctx context.Context, u User, id, kind string, outOfScope errs.Msg) (store.Process, error) {
	p, err := a.loadProcess(ctx, id, kind)
	if err == nil && !canSee(u, processTarget(p)) {
		err = errs.New(errs.Forbidden, outOfScope)
	}
	return p, err
}

// loadProcess reads a process of kind (any kind for "") by its id, before
// anyone's scope is asked: an id that is no canonical UUID, or names a
// process of another kind, is not found.
func (a *Actions) loadProcess(ctx context.Context, id, kind string) (store.Process, error) {
	id, err := canonicalID(id)
	if err != nil {
		return store.Process{}, err
	}
	p, err := a.store.GetProcess(ctx, id)
	if err == nil && kind != "" && p.Kind != kind {
		err = store.ErrNotFound
	}
	return p, err
}

// Timeline is every event of a process the caller may see, in order.
func (a *Actions) Timeline(ctx context.Context, u User, id string) (List[store.TimelineEvent], error) {
	p, err := a.processOf(ctx, u, id, "", errs.MsgProcessOutOfView)
	if err != nil {
		return List[store.TimelineEvent]{}, err
	}
	events, err := a.store.Timeline(ctx, p.ID)
	for i := range events {
		e := &events[i]
		if e.Role != "system" {
			e.RoleName = errs.AccountRoleName(e.Role)
		}
		if u.Role == policy.RoleMember && e.ActorID != "system" {
			// Members read who by name and role; the accounts' internal
			// ids are the offices' business, not a member's to collect.
			e.ActorID = ""
		}
	}
	return List[store.TimelineEvent]{Items: events}, err
}
