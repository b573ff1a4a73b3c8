package store

import (
	"zhucun/errs"

	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// The ledger (台账) side of roster changes (article 17): checking a change
// against the ledger, reserving it, applying it once filed, and reading
// the ledger on a date. Every check and write takes one lock, so a check
// and the write it allows cannot interleave with another change's.

// Team is a team and the places it sits in.
type Team struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	VillageID    string `json:"village_id"`
	VillageName  string `json:"village_name"`
	TownshipID   string `json:"township_id"`
	TownshipName string `json:"township_name"`
	CountyID     string `json:"county_id"`
	CountyName   string `json:"county_name"`
}

// Team returns a team with its village, township and county; ErrNotFound
// if none.
func (s *Store) Team(ctx context.Context, id string) (Team, error) {
	var t Team
	err := s.Pool.QueryRow(ctx, `
		SELECT t.id, t.name, v.id, v.name, tw.id, tw.name, co.id, co.name
		FROM teams t JOIN villages v ON v.id = t.village_id
		JOIN townships tw ON tw.id = v.township_id JOIN counties co ON co.id = tw.county_id
		WHERE t.id = $1`, id).Scan(&t.ID, &t.Name, &t.VillageID, &t.VillageName,
		&t.TownshipID, &t.TownshipName, &t.CountyID, &t.CountyName)
	if errors.Is(err, pgx.ErrNoRows) {
		return Team{}, ErrNotFound
	}
	if err != nil {
		return Team{}, fmt.Errorf("team %s: %w", id, err)
	}
	return t, nil
}

// ServedOnTeam reports whether the member, or any member of the unit, has
// ever been on the team: who may read that team's roster besides offices.
func (s *Store) ServedOnTeam(ctx context.Context, teamID, memberID, unitID string) (bool, error) {
	var ok bool
	err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM memberships ms JOIN members m ON m.id = ms.member_id
		WHERE ms.team_id = $1 AND ((m.id = $2 AND $2 <> '') OR (m.unit_id = $3 AND $3 <> '')))`,
		teamID, memberID, unitID).Scan(&ok)
	return ok, err
}

// RosterChange is one change to a team as the ledger applies it.
// EffectiveOn is the first day the change holds (a leaving member's last
// day is the day before).
type RosterChange struct {
	ID               string
	TeamID           string
	Change           string // join | leave | replace | leader
	MemberID         string
	ReplacesMemberID string
	EffectiveOn      time.Time
}

// RosterConflict: the change contradicts the ledger or a change still
// awaiting filing. Key and Args say how, for the person recording it.
type RosterConflict struct {
	Key  errs.Msg
	Args []any
}

func (e *RosterConflict) Error() string { return fmt.Sprint("roster conflict: ", e.Key, e.Args) }

// Message is the conflict in Chinese, as the recorder reads it.
func (e *RosterConflict) Message() string { return errs.Text(e.Key, e.Args...) }

func conflictf(key errs.Msg, a ...any) error {
	return &RosterConflict{Key: key, Args: a}
}

// Tenure is a member's unbroken time on a team, from Since (leader
// changes split rows but not tenure).
type Tenure struct {
	MemberID   string
	MemberName string
	Since      time.Time
}

// RosterFacts are what article 8's checks need, read with the ledger
// check: the server turns them into flags.
type RosterFacts struct {
	Effective     time.Time
	TeamSizeAfter int
	// NewLeader: who leads from Effective, when the change makes a leader.
	NewLeader               *Member
	LeaderLeavesWithoutHeir *Member
	// Leaving: the member leaving the team, with their tenure.
	Leaving *Tenure
}

// RosterReservation is a checked change to reserve before its workflow
// starts; IdempotencyKey, if set, maps to it for UserID.
type RosterReservation struct {
	Change         RosterChange
	UserID         uuid.UUID
	IdempotencyKey string
}

// ReserveRosterChange checks the change against the ledger and the changes
// awaiting filing and reserves it. With an Idempotency-Key already used it
// returns that change's id and reserves nothing. A *RosterConflict says
// why a change is refused.
func (s *Store) ReserveRosterChange(ctx context.Context, r RosterReservation) (existing string, facts RosterFacts, err error) {
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return "", facts, err
	}
	defer tx.Rollback(ctx)
	if err := lockRoster(ctx, tx); err != nil {
		return "", facts, err
	}
	if r.IdempotencyKey != "" {
		err := tx.QueryRow(ctx, `SELECT process_id::text FROM idempotency_keys WHERE user_id=$1 AND key=$2 AND route='roster-changes'`,
			r.UserID, r.IdempotencyKey).Scan(&existing)
		if err == nil {
			return existing, facts, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return "", facts, err
		}
	}
	p, err := checkChange(ctx, tx, r.Change)
	if err != nil {
		return "", facts, err
	}
	if err := insertChange(ctx, tx, r.Change); err != nil {
		return "", facts, err
	}
	if r.IdempotencyKey != "" {
		if _, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (user_id, key, route, process_id) VALUES ($1,$2,'roster-changes',$3)`,
			r.UserID, r.IdempotencyKey, r.Change.ID); err != nil {
			return "", facts, err
		}
	}
	return "", p.facts, tx.Commit(ctx)
}

// CancelRosterChange releases a reservation whose workflow never started.
func (s *Store) CancelRosterChange(ctx context.Context, id string) error {
	_, err := s.Pool.Exec(ctx, `UPDATE roster_changes SET state = 'cancelled' WHERE id = $1 AND state = 'pending'`, id)
	return err
}

// ApplyRosterChange writes a filed change into the ledger. It is
// idempotent, keyed by the change id: a change applied already is not
// applied again (applied reports false). The change is checked again, as
// the ledger may have moved since it was recorded; a *RosterConflict
// marks it so and leaves the ledger untouched.
func (s *Store) ApplyRosterChange(ctx context.Context, c RosterChange) (applied bool, err error) {
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback(ctx)
	if err := lockRoster(ctx, tx); err != nil {
		return false, err
	}
	if err := insertChange(ctx, tx, c); err != nil {
		return false, err
	}
	var state string
	if err := tx.QueryRow(ctx, `SELECT state FROM roster_changes WHERE id = $1`, c.ID).Scan(&state); err != nil {
		return false, err
	}
	if state == "applied" {
		return false, nil
	}
	p, err := checkChange(ctx, tx, c)
	var rc *RosterConflict
	if errors.As(err, &rc) {
		tx.Rollback(ctx)
		_, uerr := s.Pool.Exec(ctx, `UPDATE roster_changes SET state = 'conflict', note = $2 WHERE id = $1 AND state <> 'applied'`, c.ID, rc.Message())
		return false, errors.Join(err, uerr)
	}
	if err != nil {
		return false, err
	}
	if err := p.execute(ctx, tx, c); err != nil {
		return false, err
	}
	if _, err := tx.Exec(ctx, `UPDATE roster_changes SET state = 'applied', applied_at = now() WHERE id = $1`, c.ID); err != nil {
		return false, err
	}
	return true, tx.Commit(ctx)
}

// lockRoster serialises every check and write of the ledger. Roster
// changes are few (a county files a handful a month), so one lock is simple
// and costs nothing.
func lockRoster(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('zhucun:roster'))`)
	return err
}

// insertChange reserves the change's row if it is not there yet; the
// county comes from the team.
func insertChange(ctx context.Context, tx pgx.Tx, c RosterChange) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO roster_changes (id, team_id, county_id, change, member_id, replaces_member_id, effective_on)
		SELECT $1, t.id, tw.county_id, $3, $4, NULLIF($5, ''), $6::date
		FROM teams t JOIN villages v ON v.id = t.village_id JOIN townships tw ON tw.id = v.township_id
		WHERE t.id = $2
		ON CONFLICT (id) DO NOTHING`, c.ID, c.TeamID, c.Change, c.MemberID, c.ReplacesMemberID, sqlDate(c.EffectiveOn))
	if err != nil {
		return fmt.Errorf("roster change %s: %w", c.ID, err)
	}
	return nil
}

// LedgerRow is one membership, placed in its county, township and village.
type LedgerRow struct {
	CountyID     string     `json:"county_id"`
	CountyName   string     `json:"county_name"`
	TownshipID   string     `json:"township_id"`
	TownshipName string     `json:"township_name"`
	VillageID    string     `json:"village_id"`
	VillageName  string     `json:"village_name"`
	TeamID       string     `json:"team_id"`
	TeamName     string     `json:"team_name"`
	MemberID     string     `json:"member_id"`
	MemberName   string     `json:"member_name"`
	UnitID       string     `json:"unit_id"`
	UnitName     string     `json:"unit_name"`
	IsLeader     bool       `json:"is_leader"`
	From         time.Time  `json:"from"`
	To           *time.Time `json:"to"`
}

// Ledger lists memberships of a county (every county when countyID is
// empty): those in force on *on, or the whole history when on is nil; by
// county, township and village, then leader rows first and by start date.
func (s *Store) Ledger(ctx context.Context, countyID string, on *time.Time) ([]LedgerRow, error) {
	var day *string
	if on != nil {
		d := sqlDate(*on)
		day = &d
	}
	rows, err := s.Pool.Query(ctx, ledgerSelect+`
		WHERE ($1 = '' OR co.id = $1)
		  AND ($2::date IS NULL OR (ms.from_date <= $2::date AND (ms.to_date IS NULL OR ms.to_date >= $2::date)))
		ORDER BY co.id, tw.id, v.id, ms.is_leader DESC, ms.from_date, m.id, ms.id`, countyID, day)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanLedgerRow)
	if err != nil {
		return nil, fmt.Errorf("ledger: %w", err)
	}
	return out, nil
}

// membership is one ledger row as the check reads it.
type membership struct {
	ID       int64
	MemberID string
	TeamID   string
	TeamName string
	IsLeader bool
	From     time.Time
	To       *time.Time
}

// rosterPlan is what a checked change does to the ledger: rows to end the
// day before the effective date, same-day rows whose leadership flips (a
// row that starts on the effective date has no earlier history to keep),
// and rows to open.
type rosterPlan struct {
	end   []int64
	flip  map[int64]bool
	open  []openRow
	facts RosterFacts
}

type openRow struct {
	memberID string
	leader   bool
}

// civil is the calendar date of t in t's own location, as midnight UTC,
// the form dates are read back from PostgreSQL in.
func civil(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func fmtDay(t time.Time) string { return t.Format(time.DateOnly) }

// checkChange validates c against the ledger and against other changes
// still awaiting filing, and plans its rows. Conflicts are *RosterConflict.
func checkChange(ctx context.Context, tx pgx.Tx, c RosterChange) (rosterPlan, error) {
	p := rosterPlan{flip: map[int64]bool{}}
	eff := civil(c.EffectiveOn)
	p.facts.Effective = eff
	member, err := memberIn(ctx, tx, c.MemberID)
	if err != nil {
		return p, err
	}
	if err := noPendingChange(ctx, tx, c); err != nil {
		return p, err
	}
	switch c.Change {
	case "join":
		err = planJoin(ctx, tx, &p, member, false, eff)
	case "leave":
		err = planLeave(ctx, tx, &p, c.TeamID, member, eff)
	case "replace":
		err = planReplace(ctx, tx, &p, c, member, eff)
	case "leader":
		err = planLeader(ctx, tx, &p, c.TeamID, member, eff)
	default:
		err = fmt.Errorf("roster change %s: unknown kind %q", c.ID, c.Change)
	}
	if err != nil {
		return p, err
	}
	size, err := teamSize(ctx, tx, c.TeamID, eff)
	delta := map[string]int{"join": 1, "leave": -1}[c.Change]
	p.facts.TeamSizeAfter = size + delta
	return p, err
}

func memberIn(ctx context.Context, tx pgx.Tx, id string) (Member, error) {
	var m Member
	err := tx.QueryRow(ctx, `SELECT id, name, unit_id, first_secretary FROM members WHERE id = $1`, id).
		Scan(&m.ID, &m.Name, &m.UnitID, &m.FirstSecretary)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, ErrNotFound
	}
	return m, err
}

// noPendingChange: a member with a change awaiting filing gets no other
// change until it is filed, so two changes never pass the check on the
// same ledger state.
func noPendingChange(ctx context.Context, tx pgx.Tx, c RosterChange) error {
	var id, who string
	err := tx.QueryRow(ctx, `SELECT rc.id::text, m.name FROM roster_changes rc JOIN members m
		ON m.id IN (rc.member_id, rc.replaces_member_id)
		WHERE rc.state = 'pending' AND rc.id::text <> $1
		  AND m.id IN ($2, NULLIF($3, '')) LIMIT 1`, c.ID, c.MemberID, c.ReplacesMemberID).Scan(&id, &who)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return conflictf(errs.MsgRosterAwaitingFiling, who, id)
}

// planJoin: the member must be on no team on or after the effective date.
func planJoin(ctx context.Context, tx pgx.Tx, p *rosterPlan, m Member, leader bool, eff time.Time) error {
	rows, err := memberships(ctx, tx, `ms.member_id = $1 AND (ms.to_date IS NULL OR ms.to_date >= $2::date)`, m.ID, fmtDay(eff))
	if err != nil {
		return err
	}
	if len(rows) > 0 {
		r := rows[0]
		until := "，未定结束日期"
		if r.To != nil {
			until = "，至" + fmtDay(*r.To)
		}
		return conflictf(errs.MsgRosterOnOtherTeam,
			m.Name, m.ID, r.TeamName, fmtDay(r.From), until)
	}
	p.open = append(p.open, openRow{memberID: m.ID, leader: leader})
	return nil
}

// onTeam returns the member's current (open-ended) row on the team. With
// strict the row must start before the effective date (a member leaves
// after at least one day on the team); otherwise on or before it.
func onTeam(ctx context.Context, tx pgx.Tx, teamID string, m Member, eff time.Time, strict bool) (membership, error) {
	rows, err := memberships(ctx, tx, `ms.member_id = $1 AND ms.team_id = $2 AND (ms.to_date IS NULL OR ms.to_date >= $3::date)`,
		m.ID, teamID, fmtDay(eff))
	if err != nil {
		return membership{}, err
	}
	team := teamName(ctx, tx, teamID)
	if len(rows) == 0 {
		return membership{}, conflictf(errs.MsgRosterNotOnTeam, m.Name, m.ID, team, fmtDay(eff))
	}
	r := rows[len(rows)-1]
	switch {
	case r.To != nil:
		return r, conflictf(errs.MsgRosterAlreadyLeaves, m.Name, m.ID, team, fmtDay(*r.To))
	case strict && !r.From.Before(eff), !strict && r.From.After(eff):
		return r, conflictf(errs.MsgRosterOnlyFrom, m.Name, m.ID, team, fmtDay(r.From))
	}
	return r, nil
}

func planLeave(ctx context.Context, tx pgx.Tx, p *rosterPlan, teamID string, m Member, eff time.Time) error {
	r, err := onTeam(ctx, tx, teamID, m, eff, true)
	if err != nil {
		return err
	}
	p.end = append(p.end, r.ID)
	if r.IsLeader {
		p.facts.LeaderLeavesWithoutHeir = &m
	}
	p.facts.Leaving, err = tenure(ctx, tx, teamID, m, r)
	return err
}

// planReplace: the replaced member leaves and the new one joins on the same
// day, taking over the leadership if the replaced member led the team.
func planReplace(ctx context.Context, tx pgx.Tx, p *rosterPlan, c RosterChange, m Member, eff time.Time) error {
	old, err := memberIn(ctx, tx, c.ReplacesMemberID)
	if err != nil {
		return err
	}
	r, err := onTeam(ctx, tx, c.TeamID, old, eff, true)
	if err != nil {
		return err
	}
	if err := planJoin(ctx, tx, p, m, r.IsLeader, eff); err != nil {
		return err
	}
	p.end = append(p.end, r.ID)
	if r.IsLeader {
		p.facts.NewLeader = &m
	}
	p.facts.Leaving, err = tenure(ctx, tx, c.TeamID, old, r)
	return err
}

// planLeader moves the leadership to a member of the team: the old
// leader's row and the new leader's row end the day before and reopen
// with the leadership moved, so who led when stays in the history.
func planLeader(ctx context.Context, tx pgx.Tx, p *rosterPlan, teamID string, m Member, eff time.Time) error {
	r, err := onTeam(ctx, tx, teamID, m, eff, false)
	if err != nil {
		return err
	}
	if r.IsLeader {
		return conflictf(errs.MsgRosterAlreadyLeads, m.Name, m.ID, r.TeamName)
	}
	leaders, err := memberships(ctx, tx, `ms.team_id = $1 AND ms.is_leader AND ms.to_date IS NULL`, teamID)
	if err != nil {
		return err
	}
	for _, l := range leaders {
		if l.From.After(eff) {
			return conflictf(errs.MsgRosterLeaderLater, r.TeamName, fmtDay(l.From), fmtDay(eff))
		}
		p.move(l, false, eff)
	}
	p.move(r, true, eff)
	p.facts.NewLeader = &m
	return nil
}

// move sets a row's leadership from eff: flipped in place when the row
// starts that day, otherwise ended and reopened.
func (p *rosterPlan) move(r membership, leader bool, eff time.Time) {
	if r.From.Equal(eff) {
		p.flip[r.ID] = leader
		return
	}
	p.end = append(p.end, r.ID)
	p.open = append(p.open, openRow{memberID: r.MemberID, leader: leader})
}

// tenure walks back from row r over the member's contiguous rows on the
// team (leader changes split rows, not service) to find when they came.
func tenure(ctx context.Context, tx pgx.Tx, teamID string, m Member, r membership) (*Tenure, error) {
	rows, err := memberships(ctx, tx, `ms.member_id = $1 AND ms.team_id = $2 AND ms.from_date <= $3::date`, m.ID, teamID, fmtDay(r.From))
	if err != nil {
		return nil, err
	}
	return &Tenure{MemberID: m.ID, MemberName: m.Name, Since: tenureSince(rows, r)}, nil
}

// tenureSince is when r's unbroken stay on its team began: earlier rows
// of the member (oldest first) on that team ending the day before it began
// carry it back.
func tenureSince(earlier []membership, r membership) time.Time {
	since := r.From
	for i := len(earlier) - 1; i >= 0; i-- {
		if x := earlier[i]; x.TeamID == r.TeamID && x.To != nil && x.To.AddDate(0, 0, 1).Equal(since) {
			since = x.From
		}
	}
	return since
}

// teamSize counts the members on the team on day, before the change.
func teamSize(ctx context.Context, tx pgx.Tx, teamID string, day time.Time) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT count(DISTINCT member_id) FROM memberships WHERE team_id = $1
		AND from_date <= $2::date AND (to_date IS NULL OR to_date >= $2::date)`, teamID, fmtDay(day)).Scan(&n)
	return n, err
}

func teamName(ctx context.Context, tx pgx.Tx, id string) string {
	name := id
	_ = tx.QueryRow(ctx, `SELECT name FROM teams WHERE id = $1`, id).Scan(&name)
	return name
}

// memberships reads rows matching cond (over ms), oldest first.
func memberships(ctx context.Context, tx pgx.Tx, cond string, args ...any) ([]membership, error) {
	rows, err := tx.Query(ctx, sqlMemberships+cond+sqlMembershipsOrder, args...)
	return membershipsFrom(rows, err)
}

const (
	sqlMemberships = `SELECT ms.id, ms.member_id, ms.team_id, t.name, ms.is_leader, ms.from_date, ms.to_date
		FROM memberships ms JOIN teams t ON t.id = ms.team_id WHERE `
	sqlMembershipsOrder = ` ORDER BY ms.from_date, ms.id`
)

func membershipsFrom(rows pgx.Rows, err error) ([]membership, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (membership, error) {
		var m membership
		err := r.Scan(&m.ID, &m.MemberID, &m.TeamID, &m.TeamName, &m.IsLeader, &m.From, &m.To)
		return m, err
	})
}

// execute writes the plan: ends, flips, then new rows, each tagged with the
// change that made or ended it.
func (p rosterPlan) execute(ctx context.Context, tx pgx.Tx, c RosterChange) error {
	last := fmtDay(civil(c.EffectiveOn).AddDate(0, 0, -1))
	for _, id := range p.end {
		tag, err := tx.Exec(ctx, `UPDATE memberships SET to_date = $2::date, ended_by = $3 WHERE id = $1 AND to_date IS NULL`, id, last, c.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("membership %d was ended meanwhile", id)
		}
	}
	for id, leader := range p.flip {
		if _, err := tx.Exec(ctx, `UPDATE memberships SET is_leader = $2 WHERE id = $1`, id, leader); err != nil {
			return err
		}
	}
	for _, o := range p.open {
		if _, err := tx.Exec(ctx, `INSERT INTO memberships (team_id, member_id, is_leader, from_date, change_id)
			VALUES ($1, $2, $3, $4::date, $5)`, c.TeamID, o.memberID, o.leader, fmtDay(civil(c.EffectiveOn)), c.ID); err != nil {
			return err
		}
	}
	return nil
}

// ledgerSelect is the memberships with their places, people and units, as
// a LedgerRow holds them; callers add WHERE and ORDER BY.
const ledgerSelect = `
		SELECT co.id, co.name, tw.id, tw.name, v.id, v.name, t.id, t.name,
		       m.id, m.name, u.id, u.name, ms.is_leader, ms.from_date, ms.to_date
		FROM memberships ms
		JOIN teams t ON t.id = ms.team_id JOIN villages v ON v.id = t.village_id
		JOIN townships tw ON tw.id = v.township_id JOIN counties co ON co.id = tw.county_id
		JOIN members m ON m.id = ms.member_id JOIN units u ON u.id = m.unit_id`

func scanLedgerRow(r pgx.CollectableRow) (LedgerRow, error) {
	var l LedgerRow
	err := r.Scan(&l.CountyID, &l.CountyName, &l.TownshipID, &l.TownshipName, &l.VillageID, &l.VillageName,
		&l.TeamID, &l.TeamName, &l.MemberID, &l.MemberName, &l.UnitID, &l.UnitName, &l.IsLeader, &l.From, &l.To)
	return l, err
}
