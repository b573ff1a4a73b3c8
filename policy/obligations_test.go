package policy

import (
	"testing"
	"time"
)

func TestObligationInstantsAreChinaDays(t *testing.T) {
	o := DefaultObligations()
	due := YearDue(2026, o.TrainingDue)
	if want := time.Date(2027, 1, 1, 0, 0, 0, 0, China); !due.Equal(want) {
		t.Fatalf("training due %v, want %v", due, want)
	}
	rem := TrainingReminders(o, 2026)
	want := []time.Time{
		time.Date(2026, 10, 1, 0, 0, 0, 0, China),
		time.Date(2026, 12, 2, 0, 0, 0, 0, China),
		time.Date(2026, 12, 25, 0, 0, 0, 0, China),
	}
	if len(rem) != len(want) {
		t.Fatalf("reminders %v, want %v", rem, want)
	}
	for i := range want {
		if !rem[i].Equal(want[i]) {
			t.Errorf("reminder %d at %v, want %v", i, rem[i], want[i])
		}
	}
	if h1 := HalfDue(o, 2026, 1); !h1.Equal(time.Date(2026, 7, 1, 0, 0, 0, 0, China)) {
		t.Errorf("first half due %v", h1)
	}
	if ack := AssessmentAckDue(o, time.Date(2026, 12, 20, 23, 30, 0, 0, China)); !ack.Equal(time.Date(2026, 12, 31, 0, 0, 0, 0, China)) {
		t.Errorf("ack due %v", ack)
	}
	if !LevelAtLeast(LevelCity, LevelCounty) || LevelAtLeast(LevelTownship, LevelCounty) || LevelAtLeast("village", LevelTownship) {
		t.Error("level order wrong")
	}
}
