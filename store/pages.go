package store

// The approvers' pages' queries: what waits on a party with the facts a
// person recognises each item by (待办, 备案), what a user did (已办), and
// the members a recorder of absences may pick (查岗).

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"zhucun/policy"
)

// ItemFacts are what a person recognises a process by, read from its
// detail: who, and the dates, instant or change it is about. Fields that
// do not apply to its kind are empty.
type ItemFacts struct {
	MemberName   string     `json:"member_name,omitempty"`
	LeaveKind    string     `json:"leave_kind,omitempty"` // personal | sick
	StartDate    string     `json:"start_date,omitempty"`
	EndDate      string     `json:"end_date,omitempty"`
	Days         string     `json:"days,omitempty"`
	ExtendTo     string     `json:"extend_to,omitempty"` // the end a pending extension asks for
	FoundAt      *time.Time `json:"found_at,omitempty"`
	Method       string     `json:"method,omitempty"` // online | onsite
	Change       string     `json:"change,omitempty"` // join | leave | replace | leader
	Replaces     string     `json:"replaces,omitempty"`
	TeamName     string     `json:"team_name,omitempty"`
	EffectiveOn  string     `json:"effective_on,omitempty"`
	Month        string     `json:"month,omitempty"`
	CountyName   string     `json:"county_name,omitempty"`
	TownshipName string     `json:"township_name,omitempty"`
}

// sqlFacts reads ItemFacts out of d, the columns sqlFactsFrom takes out
// of p.detail; scanFacts takes them. jsonb_to_record reads the detail
// once per row: an operator per field would read (and decompress) it
// once per field, which measured twenty times slower on a page of 100.
const sqlFacts = `COALESCE(d.member_name,''), COALESCE(d.kind,''), COALESCE(d.start_date,''), COALESCE(d.end_date,''),
	COALESCE(d.days,''), COALESCE(d.extensions->-1->>'end_date',''), COALESCE(d.found_at,''), COALESCE(d.method,''),
	COALESCE(d.change,''), COALESCE(d.replaces_member_name,''), COALESCE(d.team_name,''), COALESCE(d.effective_on,''),
	COALESCE(d.month,''), COALESCE(d.county_name,''), COALESCE(d.township_name,'')`

const sqlFactsFrom = ` CROSS JOIN LATERAL jsonb_to_record(p.detail) AS d(member_name text, kind text, start_date text,
	end_date text, days text, extensions jsonb, found_at text, method text, change text, replaces_member_name text,
	team_name text, effective_on text, month text, county_name text, township_name text)`

// sqlPageProcess is processCols for a query that joins processes as p.
const sqlPageProcess = `p.id, p.kind, p.subject, COALESCE(p.member_id,''), p.county_id, COALESCE(p.township_id,''),
	COALESCE(p.unit_id,''), p.status, p.step, p.waiting_on, p.due_at, p.overdue, p.opened_at, p.closed_at`

// factsDest is where a row's facts scan to; done finishes them.
type factsDest struct {
	f       *ItemFacts
	foundAt string
}

func (d *factsDest) targets() []any {
	f := d.f
	return []any{&f.MemberName, &f.LeaveKind, &f.StartDate, &f.EndDate, &f.Days, &f.ExtendTo, &d.foundAt,
		&f.Method, &f.Change, &f.Replaces, &f.TeamName, &f.EffectiveOn, &f.Month, &f.CountyName, &f.TownshipName}
}

func (d *factsDest) done() {
	if t, err := time.Parse(time.RFC3339Nano, d.foundAt); err == nil {
		t = t.In(policy.China)
		d.f.FoundAt = &t
	}
}

func processTargets(p *Process) []any {
	return []any{&p.ID, &p.Kind, &p.Subject, &p.MemberID, &p.CountyID, &p.TownshipID, &p.UnitID,
		&p.Status, &p.Step, &p.WaitingOn, &p.DueAt, &p.Overdue, &p.OpenedAt, &p.ClosedAt}
}

// WorkItem is one process waiting on a party: the process, the step that
// waits on the party and its due time (which may differ from the
// process's own earliest), whether it reached the party by escalation
// (督办), and its facts.
type WorkItem struct {
	Process
	WaitStep  string     `json:"wait_step"`
	WaitDueAt *time.Time `json:"wait_due_at"`
	Escalated bool       `json:"escalated"`
	Facts     ItemFacts  `json:"facts"`
}

// WaitingFilter picks a party's waiting items: one step only (Step, "" for
// all), from a cursor, at most Limit (1-200, default 100).
type WaitingFilter struct {
	Party string
	// Parties, when set, replaces Party: the caller's office, its own
	// account and the accounts it is deputy for (issue 20).
	Parties []string
	Step    string
	Cursor  string
	Limit   int
}

// Waiting lists what waits on a party, soonest due first (no due time
// last), paged by a cursor over (due, process, step): the (party, due_at)
// index yields the rows in order and the limit stops the scan.
func (s *Store) Waiting(ctx context.Context, f WaitingFilter) ([]WorkItem, string, error) {
	q, args, limit, err := waitingQuery(f)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.Pool.Query(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []WorkItem{}
	for rows.Next() {
		var it WorkItem
		fd := factsDest{f: &it.Facts}
		dest := append(processTargets(&it.Process), &it.WaitStep, &it.WaitDueAt, &it.Escalated)
		if err := rows.Scan(append(dest, fd.targets()...)...); err != nil {
			return nil, "", err
		}
		fd.done()
		it.inChina()
		if it.WaitDueAt != nil {
			*it.WaitDueAt = it.WaitDueAt.In(policy.China)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = encodeWaitCursor(last.WaitDueAt, last.ID, last.WaitStep)
	}
	return out, next, nil
}

func waitingQuery(f WaitingFilter) (string, []any, int, error) {
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	var w where
	if len(f.Parties) > 0 {
		w.add("w.party = ANY(?)", f.Parties)
	} else {
		w.add("w.party = ?", f.Party)
	}
	if f.Step != "" {
		w.add("w.step = ?", f.Step)
	}
	if err := w.afterWaitCursor(f.Cursor); err != nil {
		return "", nil, 0, err
	}
	q := `SELECT ` + sqlPageProcess + `, w.step, w.due_at, w.escalated, ` + sqlFacts + `
		FROM process_waiting w JOIN processes p ON p.id = w.process_id` + sqlFactsFrom + w.sql() +
		fmt.Sprintf(` ORDER BY w.due_at ASC NULLS LAST, w.process_id, w.step LIMIT %d`, limit+1)
	return q, w.args, limit, nil
}

// afterWaitCursor keeps the waiting rows (w) after a cursor of
// encodeWaitCursor's in the order (due_at NULLS LAST, process_id, step):
// keyset paging, so rows added meanwhile neither repeat nor hide others.
func (w *where) afterWaitCursor(cursor string) error {
	if cursor == "" {
		return nil
	}
	due, id, step, err := decodeWaitCursor(cursor)
	if err != nil {
		return err
	}
	n := len(w.args)
	if due != nil {
		w.args = append(w.args, *due, id, step)
		w.conds = append(w.conds, fmt.Sprintf("((w.due_at, w.process_id, w.step) > ($%d, $%d::uuid, $%d) OR w.due_at IS NULL)", n+1, n+2, n+3))
	} else {
		w.args = append(w.args, id, step)
		w.conds = append(w.conds, fmt.Sprintf("(w.due_at IS NULL AND (w.process_id, w.step) > ($%d::uuid, $%d))", n+1, n+2))
	}
	return nil
}

// WaitingCount counts what waits on a party (at one step, "" for all), and
// how many of those are past due at now.
func (s *Store) WaitingCount(ctx context.Context, party, step string, now time.Time) (total, overdue int, err error) {
	err = s.Pool.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE due_at < $3)
		FROM process_waiting WHERE party = $1 AND ($2 = '' OR step = $2)`, party, step, now).Scan(&total, &overdue)
	return total, overdue, err
}

// ExplainWaiting shows the plan of the first page of Waiting, for the
// benchmarks.
func (s *Store) ExplainWaiting(ctx context.Context, f WaitingFilter) (string, error) {
	q, args, _, err := waitingQuery(f)
	if err != nil {
		return "", err
	}
	return s.explain(ctx, q, args...)
}

func encodeWaitCursor(due *time.Time, id, step string) string {
	d := "-"
	if due != nil {
		d = due.UTC().Format(time.RFC3339Nano)
	}
	return base64.RawURLEncoding.EncodeToString([]byte(d + "|" + id + "|" + step))
}

func decodeWaitCursor(c string) (*time.Time, string, string, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	parts := strings.Split(string(b), "|")
	if err != nil || len(parts) != 3 || !looksLikeUUID(parts[1]) || parts[2] == "" {
		return nil, "", "", ErrBadCursor
	}
	if parts[0] == "-" {
		return nil, parts[1], parts[2], nil
	}
	t, err := time.Parse(time.RFC3339Nano, parts[0])
	if err != nil {
		return nil, "", "", ErrBadCursor
	}
	return &t, parts[1], parts[2], nil
}

// DecidedItem is one thing a user did to a process (approved, refused,
// filed, signed, sent back, submitted...), with the process as it stands
// now.
type DecidedItem struct {
	At      time.Time `json:"at"`
	Action  string    `json:"action"`
	Step    string    `json:"step"` // the step acted at
	Comment string    `json:"comment,omitempty"`
	Seq     int       `json:"-"`
	Process Process   `json:"process"`
	Facts   ItemFacts `json:"facts"`
}

// sqlDecided: the user's own events, newest first, off the partial
// (actor_id, at, process_id, seq) index that leaves the system's
// reminders and overdue marks out (migrations/010_pages.sql).
const sqlDecided = `SELECT e.at, e.action, e.step, e.comment, e.seq, ` + sqlPageProcess + `, ` + sqlFacts + `
	FROM process_events e JOIN processes p ON p.id = e.process_id` + sqlFactsFrom + `
	WHERE e.actor_id = $1 AND e.actor_id <> 'system'`

// Decided lists what the user (by id, as the timeline records the actor)
// did, newest first, paged by a cursor over (at, process, seq).
func (s *Store) Decided(ctx context.Context, actorID, cursor string, limit int) ([]DecidedItem, string, error) {
	q, args, limit, err := decidedQuery(actorID, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.Pool.Query(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	out := []DecidedItem{}
	for rows.Next() {
		var it DecidedItem
		fd := factsDest{f: &it.Facts}
		dest := append([]any{&it.At, &it.Action, &it.Step, &it.Comment, &it.Seq}, processTargets(&it.Process)...)
		if err := rows.Scan(append(dest, fd.targets()...)...); err != nil {
			return nil, "", err
		}
		fd.done()
		it.At = it.At.In(policy.China)
		it.Process.inChina()
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s|%s|%d",
			last.At.UTC().Format(time.RFC3339Nano), last.Process.ID, last.Seq))
	}
	return out, next, nil
}

func decidedQuery(actorID, cursor string, limit int) (string, []any, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	q, args := sqlDecided, []any{actorID}
	if cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(cursor)
		parts := strings.Split(string(b), "|")
		if err != nil || len(parts) != 3 || !looksLikeUUID(parts[1]) {
			return "", nil, 0, ErrBadCursor
		}
		at, err := time.Parse(time.RFC3339Nano, parts[0])
		var seq int
		if _, serr := fmt.Sscan(parts[2], &seq); err != nil || serr != nil {
			return "", nil, 0, ErrBadCursor
		}
		q += ` AND (e.at, e.process_id, e.seq) < ($2, $3::uuid, $4)`
		args = append(args, at, parts[1], seq)
	}
	q += fmt.Sprintf(` ORDER BY e.at DESC, e.process_id DESC, e.seq DESC LIMIT %d`, limit+1)
	return q, args, limit, nil
}

// ExplainDecided shows the plan of the first page of Decided.
func (s *Store) ExplainDecided(ctx context.Context, actorID string) (string, error) {
	q, args, _, err := decidedQuery(actorID, "", 0)
	if err != nil {
		return "", err
	}
	return s.explain(ctx, q, args...)
}

// ProcessFacts reads the given processes' rows and facts, by id; unknown
// ids are left out.
func (s *Store) ProcessFacts(ctx context.Context, ids []string) (map[string]WorkItem, error) {
	var uuids []string
	for _, id := range ids {
		if looksLikeUUID(id) {
			uuids = append(uuids, id)
		}
	}
	out := map[string]WorkItem{}
	if len(uuids) == 0 {
		return out, nil
	}
	rows, err := s.Pool.Query(ctx, `SELECT `+sqlPageProcess+`, `+sqlFacts+`
		FROM processes p`+sqlFactsFrom+` WHERE p.id = ANY($1::uuid[])`, uuids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it WorkItem
		fd := factsDest{f: &it.Facts}
		if err := rows.Scan(append(processTargets(&it.Process), fd.targets()...)...); err != nil {
			return nil, err
		}
		fd.done()
		it.inChina()
		out[it.ID] = it
	}
	return out, rows.Err()
}

// MemberMatch is a member found by a search, placed by the membership in
// force on the day searched.
type MemberMatch struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	UnitName     string `json:"unit_name"`
	TeamName     string `json:"team_name"`
	VillageName  string `json:"village_name"`
	TownshipName string `json:"township_name"`
	CountyName   string `json:"county_name"`
}

// SearchMembers finds members serving on a team on date on, within the
// scope, whose name contains q or whose id is q: names that begin with q
// first, then by name, at most limit (1-50). The scope limits by the
// team's county or township, or the member's unit or id.
func (s *Store) SearchMembers(ctx context.Context, sc Scope, q string, on time.Time, limit int) ([]MemberMatch, error) {
	if limit <= 0 || limit > 50 {
		limit = 20
	}
	like := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
	w := where{conds: []string{"ms.from_date <= $1::date", "(ms.to_date IS NULL OR ms.to_date >= $1::date)",
		"(m.name LIKE '%' || $2 || '%' OR m.id = $3)"}, args: []any{sqlDate(on), like, q}}
	w.scopeOn(sc, "m.id", "m.unit_id", "tw.id", "tw.county_id")
	rows, err := s.Pool.Query(ctx, `SELECT m.id, m.name, u.name, t.name, v.name, tw.name, co.name
		FROM members m
		JOIN units u ON u.id = m.unit_id
		JOIN memberships ms ON ms.member_id = m.id
		JOIN teams t ON t.id = ms.team_id
		JOIN villages v ON v.id = t.village_id
		JOIN townships tw ON tw.id = v.township_id
		JOIN counties co ON co.id = tw.county_id`+w.sql()+
		fmt.Sprintf(` ORDER BY (m.name LIKE $2 || '%%') DESC, m.name, m.id LIMIT %d`, limit), w.args...)
	if err != nil {
		return nil, fmt.Errorf("search members: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (MemberMatch, error) {
		var m MemberMatch
		err := r.Scan(&m.ID, &m.Name, &m.UnitName, &m.TeamName, &m.VillageName, &m.TownshipName, &m.CountyName)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("search members: %w", err)
	}
	return out, nil
}

// GenerateBenchDecisions gives the scale bench's county a history for
// 已办: for every leave of the county, a system reminder (which 已办's
// index leaves out) and the actor's approval. Idempotent.
func (s *Store) GenerateBenchDecisions(ctx context.Context, actorID, countyID string) error {
	if _, err := s.Pool.Exec(ctx, `INSERT INTO process_events (process_id, seq, at, actor_id, actor, role, action, step, comment)
		SELECT p.id, x.seq, p.opened_at + x.after, CASE x.seq WHEN 1 THEN 'system' ELSE $1 END,
		       CASE x.seq WHEN 1 THEN '系统' ELSE '县乡村振兴局' END, CASE x.seq WHEN 1 THEN 'system' ELSE 'county_bureau' END,
		       CASE x.seq WHEN 1 THEN 'reminded' ELSE 'approved' END, 'approval', CASE x.seq WHEN 1 THEN '' ELSE '同意' END
		FROM processes p, (VALUES (1, interval '1 hour'), (2, interval '2 hours')) AS x(seq, after)
		WHERE p.county_id = $2 AND p.kind = 'leave'
		ON CONFLICT DO NOTHING`, actorID, countyID); err != nil {
		return fmt.Errorf("bench decisions: %w", err)
	}
	_, err := s.Pool.Exec(ctx, `ANALYZE process_events`)
	return err
}
