package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"zhucun/demo"
	"zhucun/policy"
	"zhucun/store"
)

// The month-end mix, from docs/scaling.md: per day nationally 100,000
// absences each recorded, explained and signed; one county report per
// ~36 absences (2,800 counties); and, assumed, 25,000 leaves submitted
// and decided (560,000 members taking about one leave a month, over ~22
// working days). Tasks are the workflow tasks one request causes, counted
// from the recorded histories in workflows/testdata (-20261201):
//   - POST /absences: the absence's first task (start and its "recorded"
//     update), the task after its ReportAbsence activity, and the report's
//     task for that signal: 3;
//   - the explanation and the signature: the update's task, the task after
//     the activity (the signature's also ends the workflow) and the
//     report's task: 3 each;
//   - POST /leaves and its decision: one task each (the township route;
//     the filings and the report back come days later);
//   - a report's submission: one task, the update with its start.
type kind int

const (
	kAbsence kind = iota
	kExplain
	kSign
	kLeave
	kDecide
	kReport
	nKinds
)

var mix = [nKinds]struct {
	name   string
	perDay float64
	tasks  float64
}{
	kAbsence: {"POST /absences", 100000, 3},
	kExplain: {"POST absence explanation", 100000, 3},
	kSign:    {"POST absence signature", 100000, 3},
	kLeave:   {"POST /leaves", 25000, 1},
	kDecide:  {"POST leave decision", 25000, 1},
	kReport:  {"POST report submit", 100000.0 / 36, 1},
}

// absencesPerReport is the national fan-in: 100,000 absences a month over
// 2,800 county reports.
const absencesPerReport = 36

// rates turns a rate of workflow tasks into each request's arrival rate,
// in the mix's proportions.
func rates(tasksPerSecond float64) [nKinds]float64 {
	var perDay float64
	for _, m := range mix {
		perDay += m.perDay * m.tasks
	}
	var r [nKinds]float64
	for k, m := range mix {
		r[k] = tasksPerSecond * m.perDay / perDay
	}
	return r
}

// benchCounty is a made-up county of the demo city with one township,
// village, team and county-level unit, and tokens for everyone who acts.
type benchCounty struct {
	id                      string
	bureau, head, committee string // tokens
	members, memberTokens   []string
}

const membersPerCounty = 6

// org holds the made-up counties the mix runs on.
type org struct {
	counties []benchCounty
}

// member i of the org, round the counties first so consecutive absences
// land in different counties' reports.
func (o *org) member(i int) (c *benchCounty, m int) {
	c = &o.counties[i%len(o.counties)]
	return c, (i / len(o.counties)) % membersPerCounty
}

// countiesFor is how many counties keep each current report near the
// national ~36 absences for a run of the given length: the demo's two
// counties alone would each collect thousands, a report history and
// read-model row far beyond anything real.
func countiesFor(absencesPerSecond float64, run time.Duration) int {
	n := int(math.Ceil(absencesPerSecond * run.Seconds() * 1.1 / absencesPerReport))
	return max(n, 2)
}

// seedOrg adds n counties to the demo city through the store, with an
// account for each bureau, unit head, township committee and member, and
// a token for each (issued directly: logging in is no part of the mix).
func seedOrg(ctx context.Context, st *store.Store, n int) (*org, error) {
	seed := store.OrgSeed{City: store.SeedPlace(demo.Org.City), MembershipsFrom: demo.MembershipsFrom}
	for i := range n {
		id := fmt.Sprintf("bench-c%03d", i)
		name := fmt.Sprintf("压测%03d", i)
		tw, vil := id+"-t", id+"-v"
		seed.Counties = append(seed.Counties, store.SeedPlace{ID: id, Name: name + "县"})
		seed.Townships = append(seed.Townships, store.SeedTownship{ID: tw, CountyID: id, Name: name + "镇"})
		seed.Villages = append(seed.Villages, store.SeedVillage{ID: vil, TownshipID: tw, Name: name + "村"})
		seed.Offices = append(seed.Offices,
			store.SeedOffice{ID: id + "-org", Role: policy.RoleCountyOrgDept, Name: name + "县委组织部", CountyID: id},
			store.SeedOffice{ID: id + "-bureau", Role: policy.RoleCountyBureau, Name: name + "县乡村振兴局", CountyID: id},
			store.SeedOffice{ID: tw + "-committee", Role: policy.RoleTownshipCommittee, Name: name + "镇党委", CountyID: id, TownshipID: tw})
		seed.Units = append(seed.Units, store.SeedUnit{ID: id + "-unit", Name: name + "县农业农村局", Level: "county", CountyID: id, HeadName: "压测" + name})
		team := store.SeedTeam{ID: id + "-team", VillageID: vil, Name: name + "村驻村工作队"}
		for m := range membersPerCounty {
			mid := fmt.Sprintf("%s-m%d", id, m)
			seed.Members = append(seed.Members, store.SeedMember{ID: mid, Name: fmt.Sprintf("队员%03d-%d", i, m), UnitID: id + "-unit", FirstSecretary: m == 0})
			if m == 0 {
				team.Leader = mid
			} else {
				team.Others = append(team.Others, mid)
			}
		}
		seed.Teams = append(seed.Teams, team)
	}
	if err := st.SeedOrg(ctx, seed); err != nil {
		return nil, fmt.Errorf("bench counties: %w", err)
	}
	o := &org{counties: make([]benchCounty, n)}
	// A few at a time: the accounts are rows and tokens, nothing else.
	errs := make([]error, n)
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = o.accounts(ctx, st, i)
		}()
	}
	wg.Wait()
	return o, errors.Join(errs...)
}

// accounts creates county i's accounts and their tokens.
func (o *org) accounts(ctx context.Context, st *store.Store, i int) error {
	id := fmt.Sprintf("bench-c%03d", i)
	tw := id + "-t"
	c := benchCounty{id: id}
	token := func(u store.User) (string, error) {
		u, err := st.CreateUser(ctx, u, "bench-password")
		if err != nil {
			return "", err
		}
		tok, _, err := st.IssueToken(ctx, u.ID, 24*time.Hour)
		return tok, err
	}
	var err error
	if c.bureau, err = token(store.User{Username: id + "-bureau", DisplayName: id + " 乡村振兴局", Role: policy.RoleCountyBureau, OfficeID: id + "-bureau", CountyID: id}); err != nil {
		return err
	}
	if c.committee, err = token(store.User{Username: tw + "-committee", DisplayName: id + " 镇党委", Role: policy.RoleTownshipCommittee, OfficeID: tw + "-committee", TownshipID: tw, CountyID: id}); err != nil {
		return err
	}
	if c.head, err = token(store.User{Username: id + "-unit-head", DisplayName: id + " 一把手", Role: policy.RoleUnitHead, UnitID: id + "-unit", CountyID: id, Principal: true}); err != nil {
		return err
	}
	for m := range membersPerCounty {
		mid := fmt.Sprintf("%s-m%d", id, m)
		tok, err := token(store.User{Username: mid, DisplayName: mid, Role: policy.RoleMember, MemberID: mid, UnitID: id + "-unit",
			TeamID: id + "-team", TownshipID: tw, CountyID: id})
		if err != nil {
			return err
		}
		c.members, c.memberTokens = append(c.members, mid), append(c.memberTokens, tok)
	}
	o.counties[i] = c
	return nil
}

// reportMonths hands out distinct county-months whose cycle has closed:
// last month in every county, then the month before, and so on. The
// current month's reports (where the run's absences go) cannot be
// submitted before the cycle closes on the 21st, so the submissions are
// of earlier, empty months: the same update-with-start and one task.
type reportMonths struct {
	mu     sync.Mutex
	o      *org
	now    time.Time
	issued int
}

func (r *reportMonths) next() (*benchCounty, string) {
	r.mu.Lock()
	n := r.issued
	r.issued++
	r.mu.Unlock()
	c := &r.o.counties[n%len(r.o.counties)]
	y, m, _ := r.now.In(policy.China).Date()
	first := time.Date(y, m, 1, 0, 0, 0, 0, policy.China)
	return c, first.AddDate(0, -1-n/len(r.o.counties), 0).Format("2006-01")
}
