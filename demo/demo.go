// Package demo holds a demo organisation (modelled on 驻马店市) and its
// accounts, and seeds them into the database through the store (which
// holds the statements), idempotently, so a new installation can be tried
// at once.
//
// Demo accounts follow a guessable pattern, all with the one password
// Password:
//
//	admin                      admin
//	<office id>                the office's user: zhumadian-org, zhumadian-bureau,
//	                           xiping-org, xiping-bureau, shangcai-org, shangcai-bureau,
//	                           zhuantan-committee, chushan-committee,
//	                           shaodian-committee, huangbu-committee
//	<unit id>-head             the head (一把手) of a dispatching unit: city-agri-head,
//	                           city-finance-head, xiping-edu-head, shangcai-health-head
//	<member id>                a member: m01 … m28 (leaders: m01 m05 m08 m12 m15 m19 m22 m26)
//
// `zhucun demo accounts --json` prints them all (Accounts).
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"zhucun/store"
)

// Password is the password of every demo account. It is public, in the
// source and the docs: demo data only, never for a real deployment.
const Password = "zhucun-demo"

// Account is a demo login: the user it creates and its password.
type Account struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	Role        string `json:"role"`
	DisplayName string `json:"display_name"`
	MemberID    string `json:"member_id,omitempty"`
	UnitID      string `json:"unit_id,omitempty"`
	OfficeID    string `json:"office_id,omitempty"`
	TeamID      string `json:"team_id,omitempty"`
	TownshipID  string `json:"township_id,omitempty"`
	CountyID    string `json:"county_id,omitempty"`
	// Principal: the unit head account is the unit's principal (一把手).
	Principal bool `json:"principal,omitempty"`
}

// User returns the store user the account stands for (without an id).
func (a Account) User() store.User {
	return store.User{
		Username: a.Username, DisplayName: a.DisplayName, Role: a.Role,
		MemberID: a.MemberID, UnitID: a.UnitID, OfficeID: a.OfficeID,
		TeamID: a.TeamID, TownshipID: a.TownshipID, CountyID: a.CountyID, Principal: a.Principal,
	}
}

// Accounts returns every demo account of Org, in this order: admin, city
// offices, county offices, township committees, unit heads, members.
func Accounts() []Account {
	out := []Account{{Username: "admin", Password: Password, Role: "admin", DisplayName: "系统管理员"}}
	for _, pass := range []func(Office) bool{
		func(o Office) bool { return o.CountyID == "" },
		func(o Office) bool { return o.CountyID != "" && o.TownshipID == "" },
		func(o Office) bool { return o.TownshipID != "" },
	} {
		for _, o := range Org.Offices {
			if pass(o) {
				out = append(out, Account{Username: o.ID, Password: Password, Role: o.Role,
					DisplayName: o.Name, OfficeID: o.ID, TownshipID: o.TownshipID, CountyID: o.CountyID})
			}
		}
	}
	for _, u := range Org.Units {
		out = append(out, Account{Username: u.ID + "-head", Password: Password, Role: "unit_head",
			DisplayName: u.HeadName + "（" + u.Name + "）", UnitID: u.ID, CountyID: u.CountyID, Principal: true})
	}
	teamOf := map[string]Team{}
	for _, t := range Org.Teams {
		for _, id := range t.MembersOf() {
			teamOf[id] = t
		}
	}
	townshipOf := map[string]string{}
	for _, v := range Org.Villages {
		townshipOf[v.ID] = v.TownshipID
	}
	countyOf := map[string]string{}
	for _, tw := range Org.Townships {
		countyOf[tw.ID] = tw.CountyID
	}
	for _, m := range Org.Members {
		t := teamOf[m.ID]
		tw := townshipOf[t.VillageID]
		out = append(out, Account{Username: m.ID, Password: Password, Role: "member",
			DisplayName: m.Name, MemberID: m.ID, UnitID: m.UnitID,
			TeamID: t.ID, TownshipID: tw, CountyID: countyOf[tw]})
	}
	return out
}

// Seed writes Org and its accounts into the database. It is idempotent and
// safe to run on every start: places, offices, units and teams are
// inserted or renamed; members are inserted if missing; a member gets the
// demo membership only if they have no membership at all, so roster
// changes made since are never undone; accounts are upserted with
// store.UpsertUser, which keeps a changed password. A member's account
// takes its team, township and county from the member's membership in
// force today (China time), falling back to the demo team.
func Seed(ctx context.Context, pool *pgxpool.Pool) error {
	st := store.New(pool)
	if err := st.SeedOrg(ctx, orgSeed(Org)); err != nil {
		return fmt.Errorf("demo seed: %w", err)
	}
	today := time.Now().In(chinaTime)
	for _, a := range Accounts() {
		u := a.User()
		if a.Role == "member" {
			mc, err := st.MemberContext(ctx, a.MemberID, today)
			if err != nil {
				return fmt.Errorf("demo seed: account %s: %w", a.Username, err)
			}
			if mc.TeamID != "" {
				u.TeamID, u.TownshipID, u.CountyID = mc.TeamID, mc.TownshipID, mc.CountyID
			}
		}
		if err := st.UpsertUser(ctx, u, a.Password); err != nil {
			return fmt.Errorf("demo seed: %w", err)
		}
	}
	return nil
}

// chinaTime is Asia/Shanghai (UTC+8 all year, no daylight saving).
var chinaTime = time.FixedZone("CST", 8*60*60)

// orgSeed is o as the store loads it.
func orgSeed(o Organisation) store.OrgSeed {
	return store.OrgSeed{
		City:            store.SeedPlace(o.City),
		Counties:        convert(o.Counties, func(p Place) store.SeedPlace { return store.SeedPlace(p) }),
		Townships:       convert(o.Townships, func(t Township) store.SeedTownship { return store.SeedTownship(t) }),
		Villages:        convert(o.Villages, func(v Village) store.SeedVillage { return store.SeedVillage(v) }),
		Offices:         convert(o.Offices, func(f Office) store.SeedOffice { return store.SeedOffice(f) }),
		Units:           convert(o.Units, func(u Unit) store.SeedUnit { return store.SeedUnit(u) }),
		Members:         convert(o.Members, func(m Member) store.SeedMember { return store.SeedMember(m) }),
		Teams:           convert(o.Teams, func(t Team) store.SeedTeam { return store.SeedTeam(t) }),
		MembershipsFrom: MembershipsFrom,
	}
}

func convert[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}
