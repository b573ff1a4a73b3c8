package policy

// PresenceRules govern article 13: five days and four nights a week in
// the village, at least MinDaysMonth working days a month, counted by
// exception (leave, reported trips, absences found by spot checks).
type PresenceRules struct {
	// TripApprovalDays: a work trip out of the village (外出报备) of more
	// days than this needs the township committee's approval.
	TripApprovalDays int `json:"trip_approval_days"`
	// MinDaysMonth: a member in post fewer working days in a month (or
	// fewer than the month's working days, when it has fewer) gets a
	// shortfall item for the county bureau to review.
	MinDaysMonth int `json:"min_days_month"`
	// LeaveExcused: approved leave counts towards MinDaysMonth.
	LeaveExcused bool `json:"leave_excused"`
	// CheckinEnabled: members may tap the optional daily check-in. It is
	// never required and never counted against anyone.
	CheckinEnabled bool `json:"checkin_enabled"`
}

// DefaultPresence is the city's article 13 rule.
func DefaultPresence() PresenceRules {
	return PresenceRules{TripApprovalDays: 2, MinDaysMonth: 20, LeaveExcused: true}
}

func (r PresenceRules) validate(p problems) {
	p.intRange("presence.trip_approval_days", r.TripApprovalDays, 0, 31)
	p.intRange("presence.min_days_month", r.MinDaysMonth, 1, 23)
}

// RequiredDays is what a member must reach in a month with working days
// working days on the team: MinDaysMonth, or all of them when fewer.
func (r PresenceRules) RequiredDays(working int) int {
	return min(r.MinDaysMonth, working)
}
