package actions

// The optional one-tap check-in (article 13): off unless the county turns
// it on; at most one a day; a single point only if the phone gives it and
// the member sends it; no photo, no track. It is never required, never
// ranked and never counted against anyone: the statement does not read it.

import (
	"context"
	"time"

	"zhucun/errs"
	"zhucun/policy"
)

// CheckInRequest is a tap, with an optional location point.
type CheckInRequest struct {
	Lat *float64 `json:"lat"`
	Lng *float64 `json:"lng"`
}

// CheckIn is a recorded tap.
type CheckIn struct {
	MemberID string    `json:"member_id"`
	Day      string    `json:"day"`
	At       time.Time `json:"at"`
	Lat      *float64  `json:"lat"`
	Lng      *float64  `json:"lng"`
}

// Check: both coordinates or neither, within range.
func (req CheckInRequest) Check() error {
	f := errs.Fields{}
	ok := (req.Lat == nil) == (req.Lng == nil)
	if ok && req.Lat != nil {
		ok = *req.Lat >= -90 && *req.Lat <= 90 && *req.Lng >= -180 && *req.Lng <= 180
	}
	f.Check(ok, "lat", errs.MsgCheckinPoint)
	return f.Err()
}

// CheckIn records today's tap for a member whose county has it on.
func (a *Actions) CheckIn(ctx context.Context, u User, req CheckInRequest) (CheckIn, error) {
	if u.Role != policy.RoleMember || u.MemberID == "" {
		return CheckIn{}, errs.New(errs.Forbidden, errs.MsgCheckinMembersOnly)
	}
	if err := req.Check(); err != nil {
		return CheckIn{}, err
	}
	now := a.now().Truncate(time.Millisecond).In(policy.China)
	mc, err := a.store.MemberContext(ctx, u.MemberID, now)
	if err != nil {
		return CheckIn{}, err
	}
	pol, err := a.store.CurrentPolicy(ctx, mc.CountyID)
	if err != nil {
		return CheckIn{}, err
	}
	if !pol.Rules.Presence.CheckinEnabled {
		return CheckIn{}, errs.New(errs.Conflict, errs.MsgCheckinOff)
	}
	day := policy.DayOf(now)
	fresh, err := a.store.CheckIn(ctx, u.MemberID, day, now, req.Lat, req.Lng)
	if err != nil {
		return CheckIn{}, err
	}
	if !fresh {
		return CheckIn{}, errs.New(errs.Conflict, errs.MsgCheckinDone)
	}
	return CheckIn{MemberID: u.MemberID, Day: policy.FormatDate(day), At: now, Lat: req.Lat, Lng: req.Lng}, nil
}
