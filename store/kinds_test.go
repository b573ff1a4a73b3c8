package store

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"
	"testing"
	"unicode"

	"zhucun/workflows"
)

// TestKindsAreDescribedOnce walks workflows.Kinds and fails on any list of
// kinds that has fallen out of step with it: the worker's registry, the
// step titles, and this package's per-kind tables, which must hold every
// described kind (nil where a kind has no such part) and nothing else.
func TestKindsAreDescribedOnce(t *testing.T) {
	registered := map[uintptr]bool{}
	for _, wf := range workflows.All() {
		registered[reflect.ValueOf(wf).Pointer()] = true
	}
	described := map[string]bool{}
	titles := map[string]string{}
	for _, k := range workflows.Kinds() {
		if described[k.Name] {
			t.Errorf("kind %q is described twice", k.Name)
		}
		described[k.Name] = true
		if !chinese(k.Title) {
			t.Errorf("kind %q: title %q is not Chinese", k.Name, k.Title)
		}
		if k.Workflow == nil || reflect.TypeOf(k.Workflow).Kind() != reflect.Func {
			t.Errorf("kind %q: workflow %v is not a function", k.Name, k.Workflow)
		} else if !registered[reflect.ValueOf(k.Workflow).Pointer()] {
			t.Errorf("kind %q: workflow missing from workflows.All()", k.Name)
		}
		if len(k.Steps) == 0 || len(k.Statuses) == 0 {
			t.Errorf("kind %q: no steps or no statuses", k.Name)
		}
		for _, st := range k.Steps {
			if !chinese(st.Title) {
				t.Errorf("kind %q: step %q has no Chinese title (%q)", k.Name, st.Name, st.Title)
			}
			if prev, ok := titles[st.Name]; ok && prev != st.Title {
				t.Errorf("step %q has two titles, %q and %q: notices name a step by its name alone", st.Name, prev, st.Title)
			}
			titles[st.Name] = st.Title
			if got := workflows.StepTitle(st.Name); got != st.Title {
				t.Errorf("kind %q: StepTitle(%q) = %q, want %q", k.Name, st.Name, got, st.Title)
			}
		}
		if _, ok := kindSideTables[k.Name]; !ok {
			t.Errorf("kind %q is missing from store's kindSideTables (nil if it has no side table)", k.Name)
		}
		if _, ok := kindReleases[k.Name]; !ok {
			t.Errorf("kind %q is missing from store's kindReleases (nil if it is never provisional)", k.Name)
		}
	}
	// All holds every kind's workflow and the Schedules' tick.
	if n := len(workflows.All()); n != len(described)+1 {
		t.Errorf("workflows.All() has %d workflows for %d kinds and the tick", n, len(described))
	}
	for name, table := range map[string][]string{
		"kindSideTables": slices.Collect(maps.Keys(kindSideTables)),
		"kindReleases":   slices.Collect(maps.Keys(kindReleases)),
	} {
		for _, kind := range table {
			if !described[kind] {
				t.Errorf("store's %s has kind %q, which workflows.Kinds() does not describe", name, kind)
			}
		}
	}
	if k, ok := workflows.KindByName(workflows.KindLeave); !ok || k.Name != workflows.KindLeave {
		t.Errorf("KindByName(%q) = %v, %v", workflows.KindLeave, k, ok)
	}
	if len(workflows.KindNames()) != len(described) {
		t.Errorf("KindNames() = %v", workflows.KindNames())
	}
}

// TestReleaseOfAKindNeverProvisional: the sweep is told, not handed a no-op.
func TestReleaseOfAKindNeverProvisional(t *testing.T) {
	s := &Store{}
	if err := s.Release(context.Background(), workflows.KindAbsence, "x"); !errors.Is(err, ErrNotReleasable) {
		t.Errorf("release of an absence: %v, want ErrNotReleasable", err)
	}
	if err := s.Release(context.Background(), "no-such-kind", "x"); err == nil || errors.Is(err, ErrNotReleasable) {
		t.Errorf("release of an unknown kind: %v, want an error of its own", err)
	}
	if !Releasable(workflows.KindLeave) || Releasable(workflows.KindRosterChange) {
		t.Errorf("Releasable: leave %v, roster change %v; want true, false",
			Releasable(workflows.KindLeave), Releasable(workflows.KindRosterChange))
	}
}

func chinese(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
