package actions

import (
	"testing"

	"zhucun/store"
)

func TestCanSeeFollowsTheOrganisation(t *testing.T) {
	target := Target{CountyID: "xiping", TownshipID: "zhuantan", UnitID: "city-agri", MemberID: "m01"}
	cases := []struct {
		user store.User
		want bool
	}{
		{store.User{Role: "member", MemberID: "m01"}, true},
		{store.User{Role: "member", MemberID: "m02"}, false},
		{store.User{Role: "member"}, false},
		{store.User{Role: "unit_head", UnitID: "city-agri"}, true},
		{store.User{Role: "unit_head", UnitID: "xiping-edu"}, false},
		{store.User{Role: "township_committee", TownshipID: "zhuantan", CountyID: "xiping"}, true},
		{store.User{Role: "township_committee", TownshipID: "chushan", CountyID: "xiping"}, false},
		{store.User{Role: "county_org_dept", CountyID: "xiping"}, true},
		{store.User{Role: "county_bureau", CountyID: "xiping"}, true},
		{store.User{Role: "county_bureau", CountyID: "shangcai"}, false},
		{store.User{Role: "county_bureau"}, false},
		{store.User{Role: "city_org_dept"}, true},
		{store.User{Role: "city_bureau"}, true},
		{store.User{Role: "admin"}, true},
		{store.User{Role: "visitor", CountyID: "xiping"}, false},
	}
	for _, c := range cases {
		if got := canSee(c.user, target); got != c.want {
			t.Errorf("canSee(%+v) = %v, want %v", c.user, got, c.want)
		}
	}
}

func TestScopeOfMatchesCanSee(t *testing.T) {
	cases := map[string]store.User{
		"member":    {Role: "member", MemberID: "m01"},
		"head":      {Role: "unit_head", UnitID: "city-agri"},
		"committee": {Role: "township_committee", TownshipID: "zhuantan"},
		"county":    {Role: "county_org_dept", CountyID: "xiping"},
		"city":      {Role: "city_bureau"},
		"unknown":   {Role: "visitor"},
	}
	want := map[string]store.Scope{
		"member": {MemberID: "m01"}, "head": {UnitID: "city-agri"}, "committee": {TownshipID: "zhuantan"},
		"county": {CountyID: "xiping"}, "city": {All: true}, "unknown": {},
	}
	for name, u := range cases {
		if got := scopeOf(u); got != want[name] {
			t.Errorf("%s: scopeOf = %+v, want %+v", name, got, want[name])
		}
	}
}

func TestCountyReadsAreForOffices(t *testing.T) {
	if canSeeCounty(store.User{Role: "member", CountyID: "xiping"}, "xiping") {
		t.Error("a member reads a county report")
	}
	if canSeeCounty(store.User{Role: "county_bureau", CountyID: "shangcai"}, "xiping") {
		t.Error("another county's bureau reads it")
	}
	if !canSeeCounty(store.User{Role: "county_bureau", CountyID: "xiping"}, "xiping") || !canSeeCounty(store.User{Role: "city_org_dept"}, "xiping") {
		t.Error("the county's own office or a city office is refused")
	}
}

func TestPartyOfActsForTheRightOffice(t *testing.T) {
	if k := partyOf(store.User{Role: "member", MemberID: "m01"}).Key(); k != "member:m01" {
		t.Error(k)
	}
	if k := partyOf(store.User{Role: "unit_head", UnitID: "city-agri"}).Key(); k != "unit_head:city-agri" {
		t.Error(k)
	}
	if k := partyOf(store.User{Role: "county_bureau", OfficeID: "xiping-bureau", CountyID: "xiping"}).Key(); k != "county_bureau:xiping-bureau" {
		t.Error(k)
	}
}
