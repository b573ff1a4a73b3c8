package notify

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"zhucun/internal/seal"
	"zhucun/store"
)

// TestAtLeastOnceNoDuplicatesFlakyRobots: 30 notices spread over three
// group robots and the deployment's, every robot failing every other call
// (errcode 45009, over its rate limit). Passes run until the outbox is
// empty, each retry made due at once: every notice reaches its robot once
// and only once, and every failure is counted on its row.
func TestAtLeastOnceNoDuplicatesFlakyRobots(t *testing.T) {
	pool := orgPool(t, "notify_flaky")
	ctx := context.Background()
	keys, _ := seal.NewKeys()
	team, unit, office, deploy := newRobot(t), newRobot(t), newRobot(t), newRobot(t)
	for _, r := range []*fakeRobot{team, unit, office, deploy} {
		r.failEvery = 2
	}
	putRobot(t, pool, keys, store.RobotTeam, "zl-team", KindDingTalk, team.srv.URL, "SECflaky")
	putRobot(t, pool, keys, store.RobotUnit, "edu", KindWeCom, unit.srv.URL, "")
	putRobot(t, pool, keys, store.RobotOffice, "zt-committee", KindWeCom, office.srv.URL, "")
	s := &Sender{Pool: pool, Deliverer: WebhookDeliverer{URL: deploy.srv.URL, Kind: KindWeCom}, Keys: keys,
		PublicURL: "https://zc.example.cn", Now: daytime, Batch: 7}

	to := []string{"member:m1", "unit_head:edu", "township_committee:zt-committee", "member:m3", "county_bureau:xp-bureau"}
	want := map[*fakeRobot][]string{}
	robotOf := map[string]*fakeRobot{to[0]: team, to[1]: unit, to[2]: office, to[3]: deploy, to[4]: deploy}
	for i := 0; i < 30; i++ {
		key := to[i%len(to)]
		text := fmt.Sprintf("通知%02d", i)
		record(t, pool, nil, notice(key, text))
		want[robotOf[key]] = append(want[robotOf[key]], text)
	}

	for pass := 0; pass < 40; pass++ {
		if _, err := s.SendOnce(ctx); err != nil {
			t.Fatal(err)
		}
		var left int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM outbox WHERE sent_at IS NULL`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if _, err := pool.Exec(ctx, `UPDATE outbox SET next_try_at = now() WHERE sent_at IS NULL`); err != nil {
			t.Fatal(err)
		}
	}

	calls, delivered := 0, 0
	for r, texts := range want {
		got := r.delivered()
		for i := range got {
			got[i] = strings.SplitN(strings.TrimPrefix(got[i], "**"), "：", 2)[1]
			got[i], _, _ = strings.Cut(got[i], "\n")
		}
		sort.Strings(got)
		if strings.Join(got, ",") != strings.Join(texts, ",") {
			t.Errorf("robot delivered %q, want %q once each", got, texts)
		}
		calls += r.callCount()
		delivered += len(got)
	}
	var attempts, unsent int
	if err := pool.QueryRow(ctx, `SELECT coalesce(sum(attempts), 0), count(*) FILTER (WHERE sent_at IS NULL) FROM outbox`).
		Scan(&attempts, &unsent); err != nil {
		t.Fatal(err)
	}
	failures := calls - delivered
	t.Logf("30 notices: %d calls, %d failures retried, %d delivered", calls, failures, delivered)
	if delivered != 30 || unsent != 0 {
		t.Errorf("delivered %d, %d left unsent; want 30 and none", delivered, unsent)
	}
	if failures < 15 || failures != attempts {
		t.Errorf("%d failed calls, %d attempts recorded: want half the calls failed, each recorded once", failures, attempts)
	}
}
