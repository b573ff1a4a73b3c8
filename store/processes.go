package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zhucun/policy"
)

// Process is one row of the read model, as the API shows it.
type Process struct {
	ID         string          `json:"id"`
	Kind       string          `json:"kind"`
	Subject    string          `json:"subject"`
	MemberID   string          `json:"member_id,omitempty"`
	CountyID   string          `json:"county_id"`
	TownshipID string          `json:"township_id,omitempty"`
	UnitID     string          `json:"unit_id,omitempty"`
	Status     string          `json:"status"`
	Step       string          `json:"step"`
	WaitingOn  json.RawMessage `json:"waiting_on"`
	DueAt      *time.Time      `json:"due_at"`
	Overdue    bool            `json:"overdue"`
	OpenedAt   time.Time       `json:"opened_at"`
	ClosedAt   *time.Time      `json:"closed_at"`
	// Detail is the kind's own resource; not part of list rows.
	Detail json.RawMessage `json:"-"`
}

// Scope limits what a caller sees; empty fields do not limit. A caller
// with Parties also sees what waits on them.
type Scope struct {
	All        bool
	CountyID   string
	TownshipID string
	UnitID     string
	MemberID   string
}

// ProcessFilter is the query of GET /processes.
type ProcessFilter struct {
	Kind, Status, CountyID, UnitID, WaitingOn, MemberID string
	Overdue                                             *bool
	// The board's lists (issue 13) narrow further: a township, a team (read
	// from the resource), a step, open ones only, escalated ones only.
	TownshipID, TeamID, Step string
	Open, Escalated          bool
	DueAfter                 *time.Time
	// WithDetail adds each row's resource (for kind lists).
	WithDetail bool
	DueBefore  *time.Time
	Cursor     string
	Limit      int
}

const processCols = `id, kind, subject, COALESCE(member_id,''), county_id, COALESCE(township_id,''),
	COALESCE(unit_id,''), status, step, waiting_on, due_at, overdue, opened_at, closed_at`

func scanProcess(row pgx.Row, withDetail bool) (Process, error) {
	var p Process
	dest := []any{&p.ID, &p.Kind, &p.Subject, &p.MemberID, &p.CountyID, &p.TownshipID, &p.UnitID,
		&p.Status, &p.Step, &p.WaitingOn, &p.DueAt, &p.Overdue, &p.OpenedAt, &p.ClosedAt}
	if withDetail {
		dest = append(dest, &p.Detail)
	}
	err := row.Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return p, ErrNotFound
	}
	p.inChina()
	return p, err
}

// inChina shows instants with the +08:00 offset people read.
func (p *Process) inChina() {
	p.OpenedAt = p.OpenedAt.In(policy.China)
	for _, t := range []*time.Time{p.DueAt, p.ClosedAt} {
		if t != nil {
			*t = t.In(policy.China)
		}
	}
}

// GetProcess reads one process with its detail.
func (s *Store) GetProcess(ctx context.Context, id string) (Process, error) {
	if !looksLikeUUID(id) {
		return Process{}, ErrNotFound
	}
	return scanProcess(s.Pool.QueryRow(ctx, `SELECT `+processCols+`, detail FROM processes WHERE id = $1`, id), true)
}

// where builds the scope and filter conditions.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, arg any) {
	w.args = append(w.args, arg)
	w.conds = append(w.conds, strings.ReplaceAll(cond, "?", fmt.Sprintf("$%d", len(w.args))))
}

func (w *where) scope(sc Scope) {
	w.scopeOn(sc, "member_id", "unit_id", "township_id", "county_id")
}

// scopeOn is scope over the columns a query names them by: one rule for
// every list, whatever its joins.
func (w *where) scopeOn(sc Scope, member, unit, township, county string) {
	switch {
	case sc.All:
	case sc.MemberID != "":
		w.add(member+" = ?", sc.MemberID)
	case sc.UnitID != "":
		w.add(unit+" = ?", sc.UnitID)
	case sc.TownshipID != "":
		w.add(township+" = ?", sc.TownshipID)
	case sc.CountyID != "":
		w.add(county+" = ?", sc.CountyID)
	default:
		w.conds = append(w.conds, "false")
	}
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// ListProcesses answers GET /processes within a scope, newest first, paged
// by an opaque cursor.
func (s *Store) ListProcesses(ctx context.Context, sc Scope, f ProcessFilter) ([]Process, string, error) {
	q, args, limit, err := listQuery(sc, f)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.Pool.Query(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []Process{}
	for rows.Next() {
		p, err := scanProcess(rows, f.WithDetail)
		if err != nil {
			return nil, "", err
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeCursor(last.OpenedAt, last.ID)
	}
	return out, next, nil
}

// ExplainListProcesses shows the plan of a list query, for the benchmarks.
func (s *Store) ExplainListProcesses(ctx context.Context, sc Scope, f ProcessFilter) (string, error) {
	q, args, _, err := listQuery(sc, f)
	if err != nil {
		return "", err
	}
	return s.explain(ctx, q, args...)
}

// ExplainInbox shows the plan of the inbox query.
func (s *Store) ExplainInbox(ctx context.Context, party string) (string, error) {
	q, args, err := inboxQuery(party, "", 100)
	if err != nil {
		return "", err
	}
	return s.explain(ctx, q, args...)
}

func (s *Store) explain(ctx context.Context, q string, args ...any) (string, error) {
	rows, err := s.Pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "+q, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		b.WriteString(line + "\n")
	}
	return b.String(), rows.Err()
}

func listQuery(sc Scope, f ProcessFilter) (string, []any, int, error) {
	var w where
	w.scope(sc)
	if f.Kind != "" {
		w.add("kind = ?", f.Kind)
	}
	if f.Status != "" {
		w.add("status = ?", f.Status)
	}
	if f.CountyID != "" {
		w.add("county_id = ?", f.CountyID)
	}
	if f.UnitID != "" {
		w.add("unit_id = ?", f.UnitID)
	}
	if f.MemberID != "" {
		w.add("member_id = ?", f.MemberID)
	}
	boardFilter(&w, f)
	if f.Overdue != nil {
		w.add("overdue = ?", *f.Overdue)
	}
	if f.DueBefore != nil {
		w.add("due_at < ?", *f.DueBefore)
	}
	if f.WaitingOn != "" {
		w.add("id IN (SELECT process_id FROM process_waiting WHERE party = ?)", f.WaitingOn)
	}
	if f.Cursor != "" {
		at, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, 0, err
		}
		w.args = append(w.args, at, id)
		w.conds = append(w.conds, fmt.Sprintf("(opened_at, id) < ($%d, $%d)", len(w.args)-1, len(w.args)))
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	cols := processCols
	if f.WithDetail {
		cols += ", detail"
	}
	q := `SELECT ` + cols + ` FROM processes` + w.sql() + fmt.Sprintf(` ORDER BY opened_at DESC, id DESC LIMIT %d`, limit+1)
	return q, w.args, limit, nil
}

// InboxItem is a process waiting on the caller, with the step it waits at.
// Its Step is the step that waits on the party (a process may wait on
// others at other steps); Escalated marks an item that reached the party
// because the one it waits on stayed silent (督办).
type InboxItem struct {
	Process
	Escalated bool `json:"escalated"`
}

const sqlInbox = `SELECT p.id, p.kind, p.subject, COALESCE(p.member_id,''), p.county_id, COALESCE(p.township_id,''),
		COALESCE(p.unit_id,''), p.status, w.step, p.waiting_on, p.due_at, p.overdue, p.opened_at, p.closed_at, w.escalated,
		w.due_at
		FROM process_waiting w JOIN processes p ON p.id = w.process_id`

// inboxQuery is a page of a party's inbox, soonest due first, after cursor.
func inboxQuery(party, cursor string, limit int) (string, []any, error) {
	return inboxQueryWhere("w.party = ?", party, cursor, limit)
}

// inboxQueryWhere is the inbox query for the waiting rows that cond (one
// placeholder, arg) picks.
func inboxQueryWhere(cond string, arg any, cursor string, limit int) (string, []any, error) {
	var w where
	w.add(cond, arg)
	if err := w.afterWaitCursor(cursor); err != nil {
		return "", nil, err
	}
	return sqlInbox + w.sql() + fmt.Sprintf(` ORDER BY w.due_at ASC NULLS LAST, w.process_id, w.step LIMIT %d`, limit+1),
		w.args, nil
}

// Inbox lists what waits on a party, soonest due first, limit a page
// (1-200, default 100) after cursor (the previous page's next): one
// party, so the (party, due_at) index yields rows in order and the limit
// stops the scan. Paged by keyset over (due, process, step), the cursor
// of the pages' 待办, so items added meanwhile do not shift the pages.
func (s *Store) Inbox(ctx context.Context, party, cursor string, limit int) ([]InboxItem, string, error) {
	return s.inbox(ctx, "w.party = ?", party, cursor, limit)
}

// InboxOf is Inbox over several parties at once (the caller's office, its
// own account, the accounts it is deputy for), soonest due first.
func (s *Store) InboxOf(ctx context.Context, parties []string, cursor string, limit int) ([]InboxItem, string, error) {
	if len(parties) == 1 {
		return s.Inbox(ctx, parties[0], cursor, limit)
	}
	return s.inbox(ctx, "w.party = ANY(?)", parties, cursor, limit)
}

// inbox reads one page of the waiting rows cond picks: one line per
// process and step, even when it waits on two of the caller's parties.
func (s *Store) inbox(ctx context.Context, cond string, arg any, cursor string, limit int) ([]InboxItem, string, error) {
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	q, args, err := inboxQueryWhere(cond, arg, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.Pool.Query(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out, dues := []InboxItem{}, []*time.Time{}
	seen := map[string]bool{}
	for rows.Next() {
		var it InboxItem
		var waitDue *time.Time
		p := &it.Process
		if err := rows.Scan(&p.ID, &p.Kind, &p.Subject, &p.MemberID, &p.CountyID, &p.TownshipID, &p.UnitID,
			&p.Status, &p.Step, &p.WaitingOn, &p.DueAt, &p.Overdue, &p.OpenedAt, &p.ClosedAt,
			&it.Escalated, &waitDue); err != nil {
			return nil, "", err
		}
		p.inChina()
		if k := p.ID + "|" + p.Step; !seen[k] {
			seen[k] = true
			out, dues = append(out, it), append(dues, waitDue)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = encodeWaitCursor(dues[limit-1], out[limit-1].ID, out[limit-1].Step)
	}
	return out, next, nil
}

// TimelineEvent is one row of a process's timeline.
type TimelineEvent struct {
	Seq     int       `json:"seq"`
	At      time.Time `json:"at"`
	ActorID string    `json:"actor_id"`
	Actor   string    `json:"actor"`
	Role    string    `json:"role"`
	// RoleName is the role as people read it (乡镇党委, 队员...).
	RoleName string `json:"role_name,omitempty"`
	Action   string `json:"action"`
	Step     string `json:"step,omitempty"`
	Comment  string `json:"comment,omitempty"`
}

// Timeline lists a process's events in order.
func (s *Store) Timeline(ctx context.Context, id string) ([]TimelineEvent, error) {
	rows, err := s.Pool.Query(ctx, `SELECT seq, at, actor_id, actor, role, action, step, comment
		FROM process_events WHERE process_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []TimelineEvent{}
	for rows.Next() {
		var e TimelineEvent
		if err := rows.Scan(&e.Seq, &e.At, &e.ActorID, &e.Actor, &e.Role, &e.Action, &e.Step, &e.Comment); err != nil {
			return nil, err
		}
		e.At = e.At.In(policy.China)
		out = append(out, e)
	}
	return out, rows.Err()
}

func encodeCursor(at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(at.UTC().Format(time.RFC3339Nano) + "|" + id))
}

// ErrBadCursor is returned for a cursor this server did not issue.
var ErrBadCursor = errors.New("bad cursor")

func decodeCursor(c string) (time.Time, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return time.Time{}, "", ErrBadCursor
	}
	ts, id, ok := strings.Cut(string(b), "|")
	at, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil || !looksLikeUUID(id) {
		return time.Time{}, "", ErrBadCursor
	}
	return at, id, nil
}

func looksLikeUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F'):
		default:
			return false
		}
	}
	return true
}
