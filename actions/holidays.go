package actions

// The holiday calendar: a year's statutory holidays and make-up workdays
// (the State Council's notice), loaded by the city offices, versioned
// with who loaded it. Working days cannot be counted in a year nobody
// loaded and the built-in table does not know.

import (
	"context"
	"strconv"

	"zhucun/errs"
	"zhucun/policy"
	"zhucun/store"
)

// HolidayRequest is one year's schedule.
type HolidayRequest struct {
	// Year comes from the path.
	Year     string   `json:"-"`
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays"`
	// Notice names the State Council's notice it follows.
	Notice string `json:"notice"`
}

// parseYear reads a year of the calendar's range.
func parseYear(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 || y < policy.MinYear || y > policy.MaxYear {
		return 0, errs.Field("year", errs.MsgYear)
	}
	return y, nil
}

// Check validates the schedule for its year, naming each bad entry
// ("holidays[2]").
func (req HolidayRequest) Check() (int, error) {
	y, err := parseYear(req.Year)
	if err != nil {
		return 0, err
	}
	f := errs.Fields{}
	for k, v := range policy.ValidateYearSchedule(y, policy.YearSchedule{Holidays: req.Holidays, Workdays: req.Workdays}) {
		f[k] = v
	}
	checkText(f, "notice", req.Notice, false)
	return y, f.Err()
}

// PutHolidays loads a year's schedule as its next version; city offices
// only. Working days are counted with it at once.
func (a *Actions) PutHolidays(ctx context.Context, u User, req HolidayRequest) (store.HolidayYear, error) {
	if !isOffice(u) {
		return store.HolidayYear{}, errs.New(errs.Forbidden, errs.MsgHolidayOffices)
	}
	if !isCityOffice(u) {
		return store.HolidayYear{}, errs.New(errs.Forbidden, errs.MsgHolidayCity)
	}
	y, err := req.Check()
	if err != nil {
		return store.HolidayYear{}, err
	}
	h, err := a.store.PutHolidayYear(ctx, y, policy.YearSchedule{Holidays: req.Holidays, Workdays: req.Workdays}, req.Notice, u.Username)
	a.forgetCalendar()
	return h, err
}

// HolidayYears is every loaded version of a year's schedule, newest (the
// one in force) first; empty when the built-in table alone serves it.
func (a *Actions) HolidayYears(ctx context.Context, u User, year string) (List[store.HolidayYear], error) {
	if !isOffice(u) && u.Role != policy.RoleUnitHead {
		return List[store.HolidayYear]{}, errs.New(errs.Forbidden, errs.MsgHolidayOffices)
	}
	y, err := parseYear(year)
	if err != nil {
		return List[store.HolidayYear]{}, err
	}
	hs, err := a.store.HolidayYearVersions(ctx, y)
	if hs == nil {
		hs = []store.HolidayYear{}
	}
	return List[store.HolidayYear]{Items: hs}, err
}
