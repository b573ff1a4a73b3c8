package actions

import (
	"zhucun/policy"
	"zhucun/store"
	"zhucun/workflows"
)

// Target is what a caller wants to reach: a process, a member or a county,
// by the organisation ids that place it.
type Target struct {
	CountyID   string
	TownshipID string
	UnitID     string
	MemberID   string
}

func processTarget(p store.Process) Target {
	return Target{CountyID: p.CountyID, TownshipID: p.TownshipID, UnitID: p.UnitID, MemberID: p.MemberID}
}

// canSee is the one authorisation question every handler asks: may this
// user see (and so try to act on) that target? Scope follows the
// organisation: city offices see all, a county office its county, a
// township committee its township, a unit head the unit's members, a
// member their own. Denied unless allowed.
func canSee(u store.User, t Target) bool {
	switch u.Role {
	case policy.RoleAdmin, policy.RoleCityOrgDept, policy.RoleCityBureau:
		return true
	case policy.RoleCountyOrgDept, policy.RoleCountyBureau:
		return u.CountyID != "" && u.CountyID == t.CountyID
	case policy.RoleTownshipCommittee:
		return u.TownshipID != "" && u.TownshipID == t.TownshipID
	case policy.RoleUnitHead:
		return u.UnitID != "" && u.UnitID == t.UnitID
	case policy.RoleMember:
		return u.MemberID != "" && u.MemberID == t.MemberID
	}
	return false
}

// canSeeCounty: county-wide reads (reports, ledgers) are for county and
// city offices.
func canSeeCounty(u store.User, county string) bool {
	switch u.Role {
	case policy.RoleAdmin, policy.RoleCityOrgDept, policy.RoleCityBureau:
		return true
	case policy.RoleCountyOrgDept, policy.RoleCountyBureau:
		return u.CountyID == county
	}
	return false
}

func isOffice(u store.User) bool {
	switch u.Role {
	case policy.RoleTownshipCommittee, policy.RoleCountyOrgDept, policy.RoleCountyBureau,
		policy.RoleCityOrgDept, policy.RoleCityBureau, policy.RoleAdmin:
		return true
	}
	return false
}

func isCityOffice(u store.User) bool {
	return u.Role == policy.RoleCityOrgDept || u.Role == policy.RoleCityBureau || u.Role == policy.RoleAdmin
}

// scopeOf is canSee as a SQL filter for lists.
func scopeOf(u store.User) store.Scope {
	switch u.Role {
	case policy.RoleAdmin, policy.RoleCityOrgDept, policy.RoleCityBureau:
		return store.Scope{All: true}
	case policy.RoleCountyOrgDept, policy.RoleCountyBureau:
		return store.Scope{CountyID: u.CountyID}
	case policy.RoleTownshipCommittee:
		return store.Scope{TownshipID: u.TownshipID}
	case policy.RoleUnitHead:
		return store.Scope{UnitID: u.UnitID}
	case policy.RoleMember:
		return store.Scope{MemberID: u.MemberID}
	}
	return store.Scope{}
}

// partyOf is the user as a workflow sees them: the office, unit or member
// they act for.
func partyOf(u store.User) workflows.Party {
	switch u.Role {
	case policy.RoleMember:
		return workflows.Party{Role: u.Role, MemberID: u.MemberID}
	case policy.RoleUnitHead:
		return workflows.Party{Role: u.Role, UnitID: u.UnitID}
	}
	return workflows.Party{Role: u.Role, OfficeID: u.OfficeID}
}

func actorOf(u store.User) workflows.Actor {
	return workflows.Actor{UserID: u.ID.String(), Name: u.DisplayName, Party: partyOf(u)}
}
