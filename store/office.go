package store

// Reads the offices' pages need beyond the API's: the teams of a county
// (to pick one), a team's or a member's whole history in the ledger, and
// the absences voided out of a month's report.

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// TeamsOf lists a county's teams with their places, by township and
// village.
func (s *Store) TeamsOf(ctx context.Context, countyID string) ([]Team, error) {
	rows, err := s.Pool.Query(ctx, `
		SELECT t.id, t.name, v.id, v.name, tw.id, tw.name, co.id, co.name
		FROM teams t JOIN villages v ON v.id = t.village_id
		JOIN townships tw ON tw.id = v.township_id JOIN counties co ON co.id = tw.county_id
		WHERE co.id = $1 ORDER BY tw.id, v.id, t.id`, countyID)
	if err != nil {
		return nil, fmt.Errorf("teams of %s: %w", countyID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Team, error) {
		var t Team
		err := r.Scan(&t.ID, &t.Name, &t.VillageID, &t.VillageName, &t.TownshipID, &t.TownshipName, &t.CountyID, &t.CountyName)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("teams of %s: %w", countyID, err)
	}
	return out, nil
}

// MembershipHistory is every membership of a team (teamID) or of a member
// (memberID), the oldest first; the other id is "".
func (s *Store) MembershipHistory(ctx context.Context, teamID, memberID string) ([]LedgerRow, error) {
	rows, err := s.Pool.Query(ctx, ledgerSelect+`
		WHERE ($1 <> '' AND ms.team_id = $1) OR ($2 <> '' AND ms.member_id = $2)
		ORDER BY ms.from_date, ms.is_leader DESC, m.id, ms.id`, teamID, memberID)
	if err != nil {
		return nil, fmt.Errorf("membership history: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanLedgerRow)
	if err != nil {
		return nil, fmt.Errorf("membership history: %w", err)
	}
	return out, nil
}

// VoidedAbsences are the ids of a county's absences of a cycle that were
// voided (recorded wrongly): the report drops them, its page still shows
// them.
func (s *Store) VoidedAbsences(ctx context.Context, countyID, month string) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `SELECT process_id::text FROM absences
		WHERE county_id = $1 AND cycle_month = $2 AND status = 'voided' ORDER BY found_at`, countyID, month)
	if err != nil {
		return nil, fmt.Errorf("voided absences: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("voided absences: %w", err)
	}
	return ids, nil
}
