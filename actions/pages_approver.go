package actions

// The approvers' pages' own use cases: 待办 with the facts a person
// recognises each item by and how many wait in all; 备案, the filings that
// wait on a county office, and acknowledging many at once through the
// very actions (and so the workflows' validators) one filing goes
// through; 已办, what the caller did; and finding a member to record an
// absence for (查岗).

import (
	"context"
	"strings"
	"sync"
	"unicode/utf8"

	"go.uber.org/zap"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// WorkList is one page of what waits on the caller: Total waiting in all
// (Overdue of them past due), Next the cursor of the next page.
type WorkList struct {
	Items   []store.WorkItem `json:"items"`
	Next    string           `json:"next"`
	Total   int              `json:"total"`
	Overdue int              `json:"overdue"`
}

// WorkQueue is 待办 as the pages show it: what waits on the caller,
// soonest due first, 100 a page, with each item's facts and the count of
// all.
func (a *Actions) WorkQueue(ctx context.Context, u User, q Query) (WorkList, error) {
	if err := checkParams(q, "cursor"); err != nil {
		return WorkList{}, err
	}
	return a.waiting(ctx, u, "", q.Get("cursor"))
}

// WaitingTotal is how many items wait on the caller: the header's badge.
func (a *Actions) WaitingTotal(ctx context.Context, u User) (int, error) {
	parties, err := a.inboxParties(ctx, u)
	if err != nil {
		return 0, err
	}
	n, _, err := a.store.WaitingCountOf(ctx, parties, "", a.now())
	return n, err
}

// waiting reads a page and counts the whole list at once, on two
// connections: the page's time is the slower query's, not their sum.
func (a *Actions) waiting(ctx context.Context, u User, step, cursor string) (WorkList, error) {
	var l WorkList
	parties, err := a.inboxParties(ctx, u)
	if err != nil {
		return l, err
	}
	var countErr error
	counted := make(chan struct{})
	go func() {
		defer close(counted)
		l.Total, l.Overdue, countErr = a.store.WaitingCountOf(ctx, parties, step, a.now())
	}()
	l.Items, l.Next, err = a.store.Waiting(ctx, store.WaitingFilter{Party: parties[0], Parties: parties, Step: step, Cursor: cursor, Limit: 100})
	<-counted
	if err == nil {
		err = countErr
	}
	return l, err
}

func isCountyOffice(u User) bool {
	return u.Role == policy.RoleCountyOrgDept || u.Role == policy.RoleCountyBureau
}

// Filings is 备案: the leaves and roster changes waiting on a county
// office's acknowledgement, soonest due first.
func (a *Actions) Filings(ctx context.Context, u User, q Query) (WorkList, error) {
	if !isCountyOffice(u) {
		return WorkList{}, errs.New(errs.Forbidden, errs.MsgFilingsOffices)
	}
	if err := checkParams(q, "cursor"); err != nil {
		return WorkList{}, err
	}
	return a.waiting(ctx, u, workflows.StepFiling, q.Get("cursor"))
}

// DecidedItem is one thing the caller did, with the process as it stands.
type DecidedItem = store.DecidedItem

// Decided is 已办: what the caller did (approved, refused, filed, signed,
// sent back, submitted, recorded...), newest first, 50 a page. Every row
// is the caller's own act, so it needs no scope beyond the caller.
func (a *Actions) Decided(ctx context.Context, u User, q Query) (List[DecidedItem], error) {
	if err := checkParams(q, "cursor"); err != nil {
		return List[DecidedItem]{}, err
	}
	items, next, err := a.store.Decided(ctx, u.ID.String(), q.Get("cursor"), 50)
	return List[DecidedItem]{Items: items, Next: next}, err
}

// FileResult is one filing of a batch: the item as the read model holds
// it (nil when the caller may not see it or it does not exist) and the
// error that stopped it, nil when acknowledged.
type FileResult struct {
	ID    string          `json:"id"`
	Item  *store.WorkItem `json:"item,omitempty"`
	Error *errs.Error     `json:"error,omitempty"`
}

// MaxBatch is the most filings FileMany acknowledges at once.
const MaxBatch = 200

// batchWorkers is how many acknowledgements of a batch run at once.
const batchWorkers = 4

// FileMany acknowledges many filings (备案) at once: each through
// FileLeave or FileRosterChange, as if sent one by one, so each meets its
// workflow's validator. One that fails (acknowledged by someone first, no
// longer at filing) does not stop the others; the answer lists every id
// in the order given, with its error.
func (a *Actions) FileMany(ctx context.Context, u User, ids []string) ([]FileResult, error) {
	if !isCountyOffice(u) {
		return nil, errs.New(errs.Forbidden, errs.MsgFilingsOffices)
	}
	ids = distinct(ids)
	if len(ids) == 0 {
		return nil, errs.Field("id", errs.MsgFilingsPick)
	}
	if len(ids) > MaxBatch {
		return nil, errs.Field("id", errs.MsgFilingsTooMany, MaxBatch)
	}
	known, err := a.store.ProcessFacts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]FileResult, len(ids))
	sem := make(chan struct{}, batchWorkers)
	var wg sync.WaitGroup
	for i, id := range ids {
		it, ok := known[id]
		out[i].ID = id
		if ok && canSee(u, processTarget(it.Process)) {
			out[i].Item = &it
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i].Error = a.fileOne(ctx, u, id, it.Kind)
		}()
	}
	wg.Wait()
	return out, nil
}

// fileOne acknowledges one filing of kind ("" for an id the read model
// does not hold) and explains its failure.
func (a *Actions) fileOne(ctx context.Context, u User, id, kind string) *errs.Error {
	req := CommentRequest{Ref: Ref{ID: id}}
	var err error
	switch kind {
	case workflows.KindLeave:
		_, err = a.FileLeave(ctx, u, req)
	case workflows.KindRosterChange:
		_, err = a.FileRosterChange(ctx, u, req)
	case "":
		err = store.ErrNotFound
	default:
		err = errs.New(errs.Conflict, errs.MsgFilingsNotFiling)
	}
	if err == nil {
		return nil
	}
	e, known := Explain(err)
	if !known {
		a.log.Error("batch filing", zap.String("process_id", id), zap.Error(err))
	}
	return e
}

// distinct drops empty and repeated ids, keeping the first of each.
func distinct(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		id = strings.TrimSpace(id)
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// MaxSearch is the longest member search, in characters; SearchLimit the
// most members it finds.
const (
	MaxSearch   = 20
	SearchLimit = 20
)

// SearchMembers finds the members a recorder of absences (a county bureau
// for its county, the city bureau for all) may record one for: serving on
// a team today, within the caller's scope, by name (or id), at most
// SearchLimit.
// An empty search finds no one.
func (a *Actions) SearchMembers(ctx context.Context, u User, q string) ([]store.MemberMatch, error) {
	if u.Role != policy.RoleCityBureau && u.Role != policy.RoleCountyBureau {
		return nil, errs.New(errs.Forbidden, errs.MsgAbsenceRecorders)
	}
	q = strings.TrimSpace(q)
	f := errs.Fields{}
	f.Check(utf8.ValidString(q) && !strings.ContainsRune(q, 0), "q", errs.MsgTextNotStorable)
	f.Check(utf8.RuneCountInString(q) <= MaxSearch, "q", errs.MsgSearchTooLong, MaxSearch)
	if err := f.Err(); err != nil || q == "" {
		return []store.MemberMatch{}, err
	}
	return a.store.SearchMembers(ctx, scopeOf(u), q, policy.DayOf(a.now()), SearchLimit)
}
