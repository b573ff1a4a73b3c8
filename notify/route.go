package notify

import (
	"context"
	"fmt"
	"strings"
	"time"

	"go.uber.org/zap"

	"zhucun/store"
	"zhucun/workflows"
)

// route is where one row goes: its recipient's group robot when the group
// has one (a member's team, a unit head's unit, an office account's
// office), else the deployment's Deliverer; with the recipient's phone to
// @-mention and the link to the item's page either way.
func (s *Sender) route(ctx context.Context, o store.OutboxRow) (Deliverer, Message, error) {
	m := Message{Recipient: o.Recipient, Text: o.Text, Link: s.link(o)}
	rt, err := store.New(s.Pool).RouteNotice(ctx, o.Recipient)
	if err != nil {
		return nil, m, fmt.Errorf("notify: route %s: %w", o.Recipient, err)
	}
	m.Name = rt.Name
	if m.Name == "" {
		m.Name = o.Recipient
	}
	if rt.Phone != "" {
		m.Mobiles = []string{rt.Phone}
	}
	if rt.Robot == nil || s.Keys == nil {
		return s.Deliverer, m, nil
	}
	d, err := s.robot(*rt.Robot)
	if err != nil {
		// A robot whose seal does not open (keys.json replaced without
		// its old data key) must not swallow the notice: the deployment's
		// robot takes it, and the log says which group to fix.
		s.log().Warn("notify: group robot unreadable, using the deployment's",
			zap.String("scope", rt.Robot.Scope), zap.String("group", rt.Robot.ScopeID), zap.Error(err))
		return s.Deliverer, m, nil
	}
	return d, m, nil
}

// robot opens a stored robot into its deliverer.
func (s *Sender) robot(r store.Robot) (Deliverer, error) {
	u, err := s.Keys.OpenText(r.URLSealed, RobotBind(r.Scope, r.ScopeID, "url"))
	if err != nil {
		return nil, err
	}
	d := WebhookDeliverer{URL: u, Kind: r.Kind, Client: s.Client, Now: s.Now}
	if r.SecretSealed != "" {
		if d.Secret, err = s.Keys.OpenText(r.SecretSealed, RobotBind(r.Scope, r.ScopeID, "secret")); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// RobotBind is what a group robot's sealed URL or secret is bound to, so a
// sealed value copied to another group's row, or from url to secret, does
// not open there.
func RobotBind(scope, id, field string) string {
	return "robot:" + scope + ":" + id + ":" + field
}

// link is the item's page: a leave's and an absence's own pages; a roster
// change's is the board's item page (its recipients are the county
// offices, who see the board); a monthly report's the reports page.
func (s *Sender) link(o store.OutboxRow) string {
	if s.PublicURL == "" || o.Kind == "" {
		return ""
	}
	base := strings.TrimRight(s.PublicURL, "/")
	switch o.Kind {
	case workflows.KindLeave:
		return base + "/leaves/" + o.ProcessID
	case workflows.KindAbsence:
		return base + "/absences/" + o.ProcessID
	case workflows.KindRosterChange:
		return base + "/board/items/" + o.ProcessID
	case workflows.KindAbsenceReport:
		return base + "/reports"
	}
	return base + "/inbox"
}

// quietHours decides, row by row, whether a notice waits for the morning,
// reading each county's policy once per pass.
type quietHours struct {
	store *store.Store
	rules map[string]quietRule
}

type quietRule struct {
	end   time.Time
	quiet bool
}

// defer_ reports whether o waits, and until when: inside its county's
// quiet hours (the city's for a notice about no county), unless the
// deadline it is about expires before the quiet hours end. A policy that
// cannot be read does not hold notices back.
func (q *quietHours) defer_(ctx context.Context, o store.OutboxRow, now time.Time) (time.Time, bool) {
	if q.rules == nil {
		q.rules = map[string]quietRule{}
	}
	r, ok := q.rules[o.CountyID]
	if !ok {
		pol, err := q.store.CurrentPolicy(ctx, o.CountyID)
		if err == nil {
			r.end, r.quiet = pol.Rules.Notices.QuietEnd(now)
		}
		q.rules[o.CountyID] = r
	}
	if !r.quiet {
		return time.Time{}, false
	}
	if o.Deadline != nil && o.Deadline.After(now) && o.Deadline.Before(r.end) {
		return time.Time{}, false // it cannot wait: the deadline passes first
	}
	return r.end, true
}
