package workflows

import (
	"sort"
	"strconv"
	"time"

	"go.temporal.io/sdk/workflow"
)

// core is the machinery every process shares: steps, the timeline, the
// notification list, the pending alarms, and writing it all to the read
// model. A process embeds it and adds its own rules.
type core struct {
	hdr      Snapshot // identity fields: id, kind, subject, county...
	steps    []Step
	events   []Event // every event so far
	flushed  int     // events already sent to the read model
	notices  []Notice
	alarms   []Alarm
	version  int
	watchers []Party
	closedAt *time.Time
	// changed counts state changes so the run loop wakes on them.
	changed int
	// escalation settings for steps opened with escalate()
	escalateTo Party
	// escalation, when set, replaces escalateTo: each silent party goes to
	// the office above it, never to itself (issue 17).
	escalation []Escalation
	// stepIDs: each step opened gets its own ID, and its alarms are its
	// own, so two open steps of one name (two filings) never share them.
	// Processes started before issue 17 keep steps found by name.
	stepIDs bool
	// confirming: the next record is the first, of an opening the server
	// already wrote (Snapshot.ConfirmsOpening).
	confirming bool
}

// Escalation says which office is told (督办) when the party From stays
// silent at a step past the escalation interval.
type Escalation struct {
	From Party `json:"from"`
	To   Party `json:"to"`
}

var system = Actor{UserID: "system", Name: "系统", Party: Party{Role: "system"}}

func (c *core) event(ctx workflow.Context, by Actor, action, step, comment string) {
	c.eventAt(chinaNow(ctx), by, action, step, comment)
}

// eventAt is event at a given instant: a process's opening state is built
// before there is a workflow context, from the submission instant.
func (c *core) eventAt(now time.Time, by Actor, action, step, comment string) {
	c.events = append(c.events, Event{
		Seq: len(c.events) + 1, At: now, ActorID: by.UserID, Actor: by.Name,
		Role: by.Party.Role, Action: action, Step: step, Comment: comment,
	})
	c.changed++
}

func (c *core) notify(to []Party, text string) {
	for _, p := range to {
		c.notices = append(c.notices, Notice{To: p, Text: text})
	}
}

// stepTimers says which alarms a step gets.
type stepTimers struct {
	Due           *time.Time
	RemindEvery   time.Duration // 0: no recurring reminder
	RemindAt      []time.Time   // fixed reminder instants
	EscalateAfter time.Duration // 0: never escalates
}

// open adds a step and schedules its alarms.
func (c *core) open(ctx workflow.Context, name string, waiting []Party, t stepTimers) *Step {
	return c.openAt(chinaNow(ctx), name, waiting, t)
}

// openAt is open at a given instant (see eventAt).
func (c *core) openAt(now time.Time, name string, waiting []Party, t stepTimers) *Step {
	st := Step{Name: name, WaitingOn: waiting, OpenedAt: now, DueAt: t.Due, Decisions: []Decision{}}
	if c.stepIDs {
		st.ID = name + "-" + strconv.Itoa(len(c.steps)+1)
	}
	c.steps = append(c.steps, st)
	if t.RemindEvery > 0 {
		c.alarms = append(c.alarms, Alarm{At: now.Add(t.RemindEvery), Kind: AlarmRemind, Step: name, StepID: st.ID, Every: t.RemindEvery})
	}
	if t.EscalateAfter > 0 {
		c.alarms = append(c.alarms, Alarm{At: now.Add(t.EscalateAfter), Kind: AlarmEscalate, Step: name, StepID: st.ID})
	}
	c.schedule(&st, now, t)
	c.changed++
	return &c.steps[len(c.steps)-1]
}

// schedule adds a step's fixed reminders and its overdue alarm.
func (c *core) schedule(s *Step, now time.Time, t stepTimers) {
	for _, at := range t.RemindAt {
		if at.After(now) {
			c.alarms = append(c.alarms, Alarm{At: at, Kind: AlarmRemind, Step: s.Name, StepID: s.ID})
		}
	}
	if t.Due != nil {
		c.alarms = append(c.alarms, Alarm{At: *t.Due, Kind: AlarmOverdue, Step: s.Name, StepID: s.ID})
	}
}

// step returns the open step of that name, or nil.
func (c *core) step(name string) *Step {
	for i := len(c.steps) - 1; i >= 0; i-- {
		if c.steps[i].Name == name && c.steps[i].Open() {
			return &c.steps[i]
		}
	}
	return nil
}

// publishedSteps is the steps as people and the read model see them: a
// finished step waits on no one. (The state keeps who it waited on: the
// validators tell "decided already" from "not yours" by it.)
func (c *core) publishedSteps() []Step {
	out := append([]Step(nil), c.steps...)
	for i := range out {
		if out[i].DoneAt != nil {
			out[i].WaitingOn = []Party{}
		}
	}
	return out
}

// stepByID returns the open step with that ID, or nil.
func (c *core) stepByID(id string) *Step {
	for i := range c.steps {
		if c.steps[i].ID == id && c.steps[i].Open() {
			return &c.steps[i]
		}
	}
	return nil
}

// alarmStep is the open step an alarm is for: by its own ID, or (alarms of
// processes from before step IDs) the latest open step of its name.
func (c *core) alarmStep(a Alarm) *Step {
	if a.StepID != "" {
		return c.stepByID(a.StepID)
	}
	return c.step(a.Step)
}

// close marks a step done and drops its alarms.
func (c *core) close(ctx workflow.Context, s *Step) {
	s.DoneAt = ptr(chinaNow(ctx))
	c.dropAlarmsOf(s)
	c.changed++
}

// dropAlarmsOf drops a step's alarms: its own when it has an ID, else
// every alarm of its name (as before step IDs).
func (c *core) dropAlarmsOf(s *Step) {
	var kept []Alarm
	for _, a := range c.alarms {
		mine := a.Step == s.Name
		if s.ID != "" {
			mine = a.StepID == s.ID
		}
		if !mine {
			kept = append(kept, a)
		}
	}
	c.alarms = kept
}

// retime gives an open step new deadlines (a moved end date), replacing its
// alarms; a step no longer past due stops being overdue.
func (c *core) retime(ctx workflow.Context, s *Step, t stepTimers) {
	now := chinaNow(ctx)
	c.dropAlarmsOf(s)
	s.DueAt = t.Due
	s.Overdue = t.Due != nil && !t.Due.After(now)
	if t.RemindEvery > 0 {
		c.alarms = append(c.alarms, Alarm{At: now.Add(t.RemindEvery), Kind: AlarmRemind, Step: s.Name, StepID: s.ID, Every: t.RemindEvery})
	}
	c.schedule(s, now, t)
	c.changed++
}

func (c *core) openSteps() []*Step {
	var out []*Step
	for i := range c.steps {
		if c.steps[i].Open() {
			out = append(out, &c.steps[i])
		}
	}
	return out
}

// overdue reports whether any open step is past due.
func (c *core) overdue() bool {
	for _, s := range c.openSteps() {
		if s.Overdue {
			return true
		}
	}
	return false
}

// fire runs every alarm due by now; returns whether any fired.
func (c *core) fire(ctx workflow.Context, subject string) bool {
	now := chinaNow(ctx)
	sort.SliceStable(c.alarms, func(i, j int) bool { return c.alarms[i].At.Before(c.alarms[j].At) })
	fired := false
	var keep []Alarm
	for _, a := range c.alarms {
		if a.At.After(now) {
			keep = append(keep, a)
			continue
		}
		s := c.alarmStep(a)
		if s == nil {
			continue
		}
		fired = true
		switch a.Kind {
		case AlarmRemind:
			s.Reminders++
			c.event(ctx, system, "reminded", s.Name, "")
			c.notify(s.WaitingOn, "提醒：「"+subject+"」等待您处理（"+StepTitle(s.Name)+"）")
			if a.Every > 0 {
				a.At = a.At.Add(a.Every)
				keep = append(keep, a)
			}
		case AlarmEscalate:
			if len(c.escalation) > 0 {
				c.escalate(ctx, s, subject)
			} else if c.escalateTo.Role != "" {
				to := c.escalateTo
				s.EscalatedTo = &to
				c.watchers = appendParty(c.watchers, to)
				c.event(ctx, system, "escalated", s.Name, "")
				c.notify([]Party{to}, "督办：「"+subject+"」"+StepTitle(s.Name)+"已超过时限未处理")
			}
		case AlarmOverdue:
			s.Overdue = true
			c.event(ctx, system, "overdue", s.Name, "")
			c.notify(s.WaitingOn, "逾期：「"+subject+"」"+StepTitle(s.Name)+"已逾期")
		}
	}
	c.alarms = keep
	return fired
}

// escalate tells the office above each party still silent at s (督办):
// it watches the process and sees the step in its inbox, and may remind,
// but the step still waits on the silent party alone.
func (c *core) escalate(ctx workflow.Context, s *Step, subject string) {
	var to []Party
	for _, p := range s.WaitingOn {
		for _, e := range c.escalation {
			if e.From.Key() == p.Office().Key() && e.To.Key() != p.Office().Key() && !hasParty(s.WaitingOn, e.To) {
				to = appendParty(to, e.To)
			}
		}
	}
	if len(to) == 0 {
		return
	}
	for _, p := range to {
		s.Escalations = appendParty(s.Escalations, p)
		c.watchers = appendParty(c.watchers, p)
	}
	if s.EscalatedTo == nil {
		first := s.Escalations[0]
		s.EscalatedTo = &first
	}
	c.event(ctx, system, "escalated", s.Name, "")
	c.notify(to, "督办：「"+subject+"」"+StepTitle(s.Name)+"已超过时限未处理，请督促")
}

// escalatedTo reports whether p was told of the silence at s.
func (s *Step) escalatedTo(p Party) bool {
	return hasParty(s.Escalations, p) || (s.EscalatedTo != nil && s.EscalatedTo.Key() == p.Key())
}

// nextAlarm returns the earliest pending alarm instant.
func (c *core) nextAlarm() (time.Time, bool) {
	var next time.Time
	for _, a := range c.alarms {
		if next.IsZero() || a.At.Before(next) {
			next = a.At
		}
	}
	return next, !next.IsZero()
}

// snapshot builds what the read model needs now, taking the unsent events
// and notices with it.
func (c *core) snapshot(status string, detail any) Snapshot {
	c.version++
	s := c.hdr
	s.Status = status
	s.Version = c.version
	s.Steps = c.publishedSteps()
	s.Events = append([]Event(nil), c.events[c.flushed:]...)
	s.Notices = c.notices
	s.Watchers = c.watchers
	s.ClosedAt = c.closedAt
	s.Overdue = c.overdue()
	s.WaitingOn = nil
	s.Step = ""
	s.DueAt = nil
	for _, st := range c.openSteps() {
		for _, p := range st.WaitingOn {
			s.WaitingOn = appendParty(s.WaitingOn, p)
		}
		if s.Step == "" || (st.DueAt != nil && (s.DueAt == nil || st.DueAt.Before(*s.DueAt))) {
			s.Step = st.Name
			s.DueAt = st.DueAt
		}
	}
	if s.WaitingOn == nil {
		s.WaitingOn = []Party{}
	}
	s.Detail = detail
	c.flushed = len(c.events)
	c.notices = nil
	return s
}

// record writes the current state to the read model and waits for it, so
// an update's caller reads its own write.
func (c *core) record(ctx workflow.Context, status string, detail any) error {
	snap := c.snapshot(status, detail)
	// Consumed before the record yields: an update's record made while
	// this one is written is not the opening.
	snap.ConfirmsOpening, c.confirming = c.confirming, false
	// The SDK takes a local activity's StartToClose as its ScheduleToClose
	// when none is set, which would end the retries after ~15 s and fail an
	// update whose decision the workflow has already taken. Each attempt
	// has 30 s; the retries go on while the database is away.
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout:    30 * time.Second,
		ScheduleToCloseTimeout: 10 * 365 * 24 * time.Hour,
		RetryPolicy:            recordRetry,
	})
	return workflow.ExecuteLocalActivity(lctx, ActivityRecord, snap).Get(ctx, nil)
}

// waitLoop runs until done() is true: it wakes on state changes and on the
// next alarm, fires due alarms and saves what they changed.
func (c *core) waitLoop(ctx workflow.Context, subject string, done func() bool, save func(workflow.Context) error) error {
	for !done() {
		seen := c.changed
		cond := func() bool { return c.changed != seen || done() }
		if next, ok := c.nextAlarm(); ok {
			if d := next.Sub(chinaNow(ctx)); d > 0 {
				if _, err := workflow.AwaitWithTimeout(ctx, d, cond); err != nil {
					return err
				}
			}
		} else if err := workflow.Await(ctx, cond); err != nil {
			return err
		}
		if c.fire(ctx, subject) {
			if err := save(ctx); err != nil {
				return err
			}
		}
	}
	// Let running update handlers finish their own records first.
	return workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}

func appendParty(list []Party, p Party) []Party {
	for _, q := range list {
		if q.Key() == p.Key() {
			return list
		}
	}
	return append(list, p)
}

func hasParty(list []Party, p Party) bool {
	for _, q := range list {
		if q.Key() == p.Key() {
			return true
		}
	}
	return false
}

// cst is China Standard Time; China keeps no daylight saving, so a fixed
// zone is exact and needs no tz database inside the workflow.
var cst = time.FixedZone("CST", 8*3600)

// chinaNow is workflow time in China, so every instant a process shows carries
// the +08:00 offset people read.
func chinaNow(ctx workflow.Context) time.Time { return workflow.Now(ctx).In(cst) }
