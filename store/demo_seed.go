package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// OrgSeed is a whole organisation to load, as package demo describes its
// demo organisation: places, offices, dispatching units, members and the
// teams with their members from MembershipsFrom.
type OrgSeed struct {
	City            SeedPlace
	Counties        []SeedPlace
	Townships       []SeedTownship
	Villages        []SeedVillage
	Offices         []SeedOffice
	Units           []SeedUnit
	Members         []SeedMember
	Teams           []SeedTeam
	MembershipsFrom time.Time
}

// SeedPlace is a city or a county.
type SeedPlace struct{ ID, Name string }

// SeedTownship is a township of a county.
type SeedTownship struct{ ID, CountyID, Name string }

// SeedVillage is a village of a township.
type SeedVillage struct{ ID, TownshipID, Name string }

// SeedOffice is an office; CountyID is empty for a city office, TownshipID
// set only for a township committee.
type SeedOffice struct{ ID, Role, Name, CountyID, TownshipID string }

// SeedUnit is a dispatching unit; CountyID is empty for a city-level one.
type SeedUnit struct{ ID, Name, Level, CountyID, HeadName string }

// SeedMember is a member.
type SeedMember struct {
	ID, Name, UnitID string
	FirstSecretary   bool
}

// SeedTeam is a village's team: its leader and the other members.
type SeedTeam struct {
	ID, VillageID, Name, Leader string
	Others                      []string
}

// seedLock serialises concurrent seeders (two processes starting at once).
const seedLock = 7_202_612

// SeedOrg writes o in one transaction. It is idempotent and safe to run on
// every start: places, offices, units and teams are inserted or renamed;
// members are inserted if missing; a member gets the seed's membership only
// if they have no membership at all, so roster changes made since are
// never undone.
func (s *Store) SeedOrg(ctx context.Context, o OrgSeed) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, seedLock); err != nil {
			return err
		}
		return seedOrg(ctx, tx, o)
	})
}

func seedOrg(ctx context.Context, tx pgx.Tx, o OrgSeed) error {
	exec := func(sql string, args ...any) error {
		_, err := tx.Exec(ctx, sql, args...)
		return err
	}
	if err := exec(`INSERT INTO cities (id, name) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`, o.City.ID, o.City.Name); err != nil {
		return err
	}
	for _, c := range o.Counties {
		if err := exec(`INSERT INTO counties (id, city_id, name) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`, c.ID, o.City.ID, c.Name); err != nil {
			return err
		}
	}
	for _, t := range o.Townships {
		if err := exec(`INSERT INTO townships (id, county_id, name) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`, t.ID, t.CountyID, t.Name); err != nil {
			return err
		}
	}
	for _, v := range o.Villages {
		if err := exec(`INSERT INTO villages (id, township_id, name) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`, v.ID, v.TownshipID, v.Name); err != nil {
			return err
		}
	}
	for _, f := range o.Offices {
		if err := exec(`INSERT INTO offices (id, role, name, city_id, county_id, township_id)
			VALUES ($1, $2, $3, $4, NULLIF($5, ''), NULLIF($6, ''))
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`,
			f.ID, f.Role, f.Name, o.City.ID, f.CountyID, f.TownshipID); err != nil {
			return err
		}
	}
	for _, u := range o.Units {
		if err := exec(`INSERT INTO units (id, name, level, city_id, county_id, head_name)
			VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6)
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, head_name = EXCLUDED.head_name`,
			u.ID, u.Name, u.Level, o.City.ID, u.CountyID, u.HeadName); err != nil {
			return err
		}
	}
	for _, m := range o.Members {
		if err := exec(`INSERT INTO members (id, name, unit_id, first_secretary) VALUES ($1, $2, $3, $4)
			ON CONFLICT (id) DO NOTHING`, m.ID, m.Name, m.UnitID, m.FirstSecretary); err != nil {
			return err
		}
	}
	from := o.MembershipsFrom.Format(time.DateOnly)
	for _, t := range o.Teams {
		if err := exec(`INSERT INTO teams (id, village_id, name) VALUES ($1, $2, $3)
			ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name`, t.ID, t.VillageID, t.Name); err != nil {
			return err
		}
		for _, id := range append([]string{t.Leader}, t.Others...) {
			if err := exec(`INSERT INTO memberships (team_id, member_id, is_leader, from_date)
				SELECT $1, $2, $3, $4::date
				WHERE NOT EXISTS (SELECT 1 FROM memberships WHERE member_id = $2)`,
				t.ID, id, id == t.Leader, from); err != nil {
				return err
			}
		}
	}
	return nil
}
