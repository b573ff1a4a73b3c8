package actions

import (
	"context"
	"strconv"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
)

// MemberRecord is a member's year: the absences, explanations and leaves
// that count in their evaluation.
type MemberRecord struct {
	MemberID   string                `json:"member_id"`
	MemberName string                `json:"member_name"`
	Year       int                   `json:"year"`
	Tally      map[string]int        `json:"tally"`
	Absences   []store.RecordAbsence `json:"absences"`
	Leaves     []store.RecordLeave   `json:"leaves"`
}

// MemberRecord answers ?year=YYYY (this year by default), for the member,
// their unit's head, and county and city offices.
func (a *Actions) MemberRecord(ctx context.Context, u User, id string, q Query) (MemberRecord, error) {
	if err := checkParams(q, "year"); err != nil {
		return MemberRecord{}, err
	}
	year := a.now().In(policy.China).Year()
	if v := q.Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2000 || n > 2100 {
			return MemberRecord{}, errs.Field("year", errs.MsgYear)
		}
		year = n
	}
	mc, err := a.store.MemberContext(ctx, id, a.now())
	if err != nil {
		return MemberRecord{}, err
	}
	if u.Role == policy.RoleTownshipCommittee || !canSee(u, Target{CountyID: mc.CountyID, UnitID: mc.UnitID, MemberID: mc.MemberID}) {
		return MemberRecord{}, errs.New(errs.Forbidden, errs.MsgRecordOutOfScope)
	}
	rec, err := a.store.MemberRecord(ctx, id, year)
	if err != nil {
		return MemberRecord{}, err
	}
	return MemberRecord{MemberID: rec.MemberID, MemberName: mc.MemberName, Year: rec.Year, Tally: rec.Tally,
		Absences: rec.Absences, Leaves: rec.Leaves}, nil
}
