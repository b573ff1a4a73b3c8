package policy

import "time"

// AccountabilityDue is the end of the n-th calendar day after the China
// day of from: the interview's, the replacement's and the circulation's
// deadline. They count calendar days: the rules give them as plain
// periods an office plans around, not as working days.
func AccountabilityDue(from time.Time, n int) time.Time {
	return EndOfDay(AddDays(DayOf(from), n))
}

// InterviewTriggers says which counts of a yearly tally reached their
// threshold ("absences", "missing"); a threshold of 0 never triggers.
// Each opens its own interview, once a year.
func InterviewTriggers(t InterviewThreshold, absences, missing int) []string {
	var out []string
	if t.Absences > 0 && absences >= t.Absences {
		out = append(out, "absences")
	}
	if t.Missing > 0 && missing >= t.Missing {
		out = append(out, "missing")
	}
	return out
}
