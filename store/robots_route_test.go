package store_test

import (
	"context"
	"testing"

	"zhucun/store"
)

// A step handed over to one account (workflows.Party.UserID, "user:<id>")
// notifies that account where its office gets notices, by its own name.
func TestRouteNoticeToAHandedOverAccount(t *testing.T) {
	ctx := context.Background()
	s, _ := newStore(t)
	office := "t1-committee"
	u, err := s.CreateUser(ctx, store.User{Username: "t1-clerk", DisplayName: "王干事", Role: "township_committee", OfficeID: office}, "a-long-password")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutRobot(ctx, store.Robot{Scope: store.RobotOffice, ScopeID: office, Kind: "wecom", URLSealed: "sealed", URLHost: "robot.example"}, false); err != nil {
		t.Fatal(err)
	}
	rt, err := s.RouteNotice(ctx, "user:"+u.ID.String())
	if err != nil {
		t.Fatal(err)
	}
	if rt.Robot == nil || rt.Robot.ScopeID != office || rt.Name != "王干事" {
		t.Errorf("route of a handed-over account: %+v, want the office's robot and the account's name", rt)
	}
	rt, err = s.RouteNotice(ctx, "user:00000000-0000-4000-8000-000000000000")
	if err != nil || rt.Robot != nil {
		t.Errorf("an unknown account: %+v, %v; want no robot (the deployment's) and no error", rt, err)
	}
}
