package notify

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"zhucun/internal/pgtest"
	"zhucun/internal/seal"
	"zhucun/store"
	"zhucun/workflows"
)

// orgFixture is one county with a township committee, a unit whose head
// has a phone, a team of two members (one with a phone) and a second
// team without a robot.
const orgFixture = `
INSERT INTO cities VALUES ('c', '市');
INSERT INTO counties VALUES ('xp', 'c', '西平县');
INSERT INTO townships VALUES ('zt', 'xp', '专探乡');
INSERT INTO villages VALUES ('zl', 'zt', '赵楼村'), ('wz', 'zt', '王庄村');
INSERT INTO offices (id, role, name, city_id, county_id, township_id) VALUES
  ('zt-committee', 'township_committee', '专探乡党委', 'c', 'xp', 'zt'),
  ('xp-bureau', 'county_bureau', '西平县乡村振兴局', 'c', 'xp', NULL);
INSERT INTO units (id, name, level, city_id, county_id, head_name, head_phone) VALUES
  ('edu', '西平县教育局', 'county', 'c', 'xp', '陈国庆', '13900000009');
INSERT INTO members (id, name, unit_id, phone) VALUES
  ('m1', '张三', 'edu', '13800000001'), ('m2', '李四', 'edu', ''), ('m3', '王五', 'edu', '13800000003');
INSERT INTO teams VALUES ('zl-team', 'zl', '赵楼村驻村工作队'), ('wz-team', 'wz', '王庄村驻村工作队');
INSERT INTO memberships (team_id, member_id, is_leader, from_date, to_date) VALUES
  ('wz-team', 'm1', false, '2024-01-01', '2024-12-31'),
  ('zl-team', 'm1', true, '2025-01-01', NULL),
  ('zl-team', 'm2', false, '2025-01-01', NULL),
  ('wz-team', 'm3', true, '2025-01-01', NULL);
`

func orgPool(t *testing.T, name string) *pgxpool.Pool {
	t.Helper()
	pool, _ := pgtest.Pool(t, name)
	if _, err := pool.Exec(context.Background(), orgFixture); err != nil {
		t.Fatalf("org fixture: %v", err)
	}
	if err := store.New(pool).EnsureDefaultPolicy(context.Background()); err != nil {
		t.Fatal(err)
	}
	return pool
}

// putRobot stores a group robot as the actions do: URL and secret sealed.
func putRobot(t *testing.T, pool *pgxpool.Pool, keys *seal.Keys, scope, id, kind, rawURL, secret string) {
	t.Helper()
	su, err := keys.SealText(rawURL, RobotBind(scope, id, "url"))
	if err != nil {
		t.Fatal(err)
	}
	var ss string
	if secret != "" {
		if ss, err = keys.SealText(secret, RobotBind(scope, id, "secret")); err != nil {
			t.Fatal(err)
		}
	}
	u, _ := url.Parse(rawURL)
	if err := store.New(pool).PutRobot(context.Background(), store.Robot{Scope: scope, ScopeID: id, Kind: kind,
		URLSealed: su, URLHost: u.Host, SecretSealed: ss}, false); err != nil {
		t.Fatal(err)
	}
}

// record writes a leave's snapshot with notices, as the Record activity does.
func record(t *testing.T, pool *pgxpool.Pool, due *time.Time, notices ...workflows.Notice) string {
	t.Helper()
	id := uuid.NewString()
	snap := workflows.Snapshot{ProcessID: id, WorkflowID: "leave-" + id, Kind: workflows.KindLeave, Subject: "m1",
		MemberID: "m1", CountyID: "xp", TownshipID: "zt", Status: "pending", Step: "approval", DueAt: due,
		OpenedAt: time.Now(), Version: 1, Notices: notices,
		Detail: workflows.Leave{ID: id, MemberID: "m1", StartDate: "2026-03-10", EndDate: "2026-03-11", Status: "pending"}}
	if err := store.New(pool).RecordSnapshot(context.Background(), snap); err != nil {
		t.Fatalf("record: %v", err)
	}
	return id
}

func notice(key, text string) workflows.Notice {
	return workflows.Notice{To: workflows.PartyFromKey(key), Text: text}
}

func TestRouteToGroupRobots(t *testing.T) {
	pool := orgPool(t, "notify_route")
	keys, _ := seal.NewKeys()
	team, unit, office := newRobot(t), newRobot(t), newRobot(t)
	putRobot(t, pool, keys, store.RobotTeam, "zl-team", KindDingTalk, team.srv.URL+"/robot/send?access_token=team", "SECteam")
	putRobot(t, pool, keys, store.RobotUnit, "edu", KindWeCom, unit.srv.URL+"/send?key=unit", "")
	putRobot(t, pool, keys, store.RobotOffice, "zt-committee", KindWeCom, office.srv.URL+"/send?key=office", "")
	fallback := &fakeDeliverer{fail: map[string]error{}}
	core, logs := observer.New(zap.DebugLevel)
	s := &Sender{Pool: pool, Deliverer: fallback, Keys: keys, PublicURL: "https://zc.example.cn/", Now: daytime,
		Log: zap.New(core)}

	id := record(t, pool, nil,
		notice("member:m1", "您的请假已批准"),
		notice("unit_head:edu", "张三的请假待您审批"),
		notice("township_committee:zt-committee", "张三的请假待审批"),
		notice("member:m3", "王五：王庄村队无机器人"),
		notice("county_bureau:xp-bureau", "局无机器人"))
	if sent, err := s.SendOnce(context.Background()); err != nil || sent != 5 {
		t.Fatalf("SendOnce = %d, %v; want 5", sent, err)
	}
	link := "https://zc.example.cn/leaves/" + id

	// The member's current team (not the one they left), mentioned by phone, signed.
	c := team.last(t)
	if txt := bodyText(c.body); !strings.Contains(txt, "您的请假已批准") || !strings.Contains(txt, "[查看详情]("+link+")") ||
		!strings.Contains(txt, "@13800000001") {
		t.Errorf("team robot got %q", txt)
	}
	if at := c.body["at"].(map[string]any)["atMobiles"].([]any); len(at) != 1 || at[0] != "13800000001" {
		t.Errorf("team robot atMobiles = %v", at)
	}
	if ts := c.query.Get("timestamp"); c.query.Get("sign") != hmacBase64("SECteam", ts+"\n"+"SECteam") {
		t.Errorf("team robot's sign %q does not verify for timestamp %q", c.query.Get("sign"), ts)
	}
	// The unit head: WeCom, mentioned by the head's phone.
	c = unit.last(t)
	if c.body["msgtype"] != "text" || !strings.Contains(bodyText(c.body), link) ||
		mustJSON(t, c.body["text"].(map[string]any)["mentioned_mobile_list"]) != `["13900000009"]` {
		t.Errorf("unit robot got %s", mustJSON(t, c.body))
	}
	// The office: markdown, nobody's phone.
	c = office.last(t)
	if c.body["msgtype"] != "markdown" || bodyText(c.body) != "**专探乡党委**：张三的请假待审批\n\n[查看详情]("+link+")" {
		t.Errorf("office robot got %s", mustJSON(t, c.body))
	}
	if n := team.callCount() + unit.callCount() + office.callCount(); n != 3 {
		t.Errorf("group robots got %d calls, want 3", n)
	}
	// Groups without a robot: the deployment's, once each.
	want := []string{"member:m3|王五：王庄村队无机器人", "county_bureau:xp-bureau|局无机器人"}
	if got := fallback.calls(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("fallback got %q, want %q", got, want)
	}
	for _, e := range logs.All() {
		line := fmt.Sprint(e.Message, e.ContextMap())
		for _, secret := range []string{"SECteam", "access_token=team", "key=unit", "key=office"} {
			if strings.Contains(line, secret) {
				t.Errorf("log line holds %q: %s", secret, line)
			}
		}
	}
}

func TestRouteFallbackWithoutKeysOrLink(t *testing.T) {
	pool := orgPool(t, "notify_route_nokeys")
	keys, _ := seal.NewKeys()
	team := newRobot(t)
	putRobot(t, pool, keys, store.RobotTeam, "zl-team", KindWeCom, team.srv.URL, "")
	got := make(chan Message, 1)
	s := &Sender{Pool: pool, Deliverer: delivererFunc(func(m Message) error { got <- m; return nil }), Now: daytime}
	// Another deployment's keys: the seal does not open, the notice goes
	// to the deployment's robot rather than nowhere.
	other, _ := seal.NewKeys()
	s.Keys = other
	record(t, pool, nil, notice("member:m1", "x"))
	if sent, err := s.SendOnce(context.Background()); err != nil || sent != 1 {
		t.Fatalf("SendOnce = %d, %v", sent, err)
	}
	m := <-got
	if m.Link != "" || m.Name != "张三" || len(m.Mobiles) != 1 || m.Mobiles[0] != "13800000001" {
		t.Errorf("fallback message = %+v: want no link (no public URL), the name and the phone", m)
	}
	if team.callCount() != 0 {
		t.Errorf("the robot sealed under other keys was called")
	}
}

type delivererFunc func(Message) error

func (f delivererFunc) Deliver(_ context.Context, m Message) error { return f(m) }

func chinaAt(t *testing.T, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestQuietHours(t *testing.T) {
	pool := orgPool(t, "notify_quiet")
	ctx := context.Background()
	fake := &fakeDeliverer{fail: map[string]error{}}
	now := chinaAt(t, "2026-03-02 22:00")
	s := &Sender{Pool: pool, Deliverer: fake, Now: func() time.Time { return now }}

	soon := chinaAt(t, "2026-03-02 23:59")     // expires before the morning
	tomorrow := chinaAt(t, "2026-03-03 17:00") // can wait
	past := chinaAt(t, "2026-03-02 12:00")     // already over: nothing to win by waking anyone
	record(t, pool, nil, notice("member:m1", "无期限"))
	record(t, pool, &soon, notice("member:m2", "今晚到期"))
	record(t, pool, &tomorrow, notice("member:m3", "明天到期"))
	record(t, pool, &past, notice("township_committee:zt-committee", "已逾期"))

	if sent, err := s.SendOnce(ctx); err != nil || sent != 1 {
		t.Fatalf("SendOnce at 22:00 = %d, %v; want only the one expiring tonight", sent, err)
	}
	if got := fake.calls(); len(got) != 1 || got[0] != "member:m2|今晚到期" {
		t.Errorf("delivered at night: %q", got)
	}
	morning := chinaAt(t, "2026-03-03 08:00")
	rows, err := pool.Query(ctx, `SELECT text, next_try_at, attempts, sent_at IS NOT NULL FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var text string
		var next time.Time
		var attempts int
		var sent bool
		if err := rows.Scan(&text, &next, &attempts, &sent); err != nil {
			t.Fatal(err)
		}
		if attempts != 0 {
			t.Errorf("%s: attempts = %d, a deferral is no failure", text, attempts)
		}
		if text != "今晚到期" && (sent || !next.Equal(morning)) {
			t.Errorf("%s: sent=%v next_try_at=%v, want held until %v", text, sent, next, morning)
		}
	}
	rows.Close()

	// A pass within the quiet hours sends nothing more (the rows are due by
	// the database's clock, which is past 2026-03-03, but still quiet by
	// the sender's).
	now = chinaAt(t, "2026-03-03 07:30")
	if sent, _ := s.SendOnce(ctx); sent != 0 {
		t.Errorf("07:30: sent %d", sent)
	}
	now = morning
	if sent, err := s.SendOnce(ctx); err != nil || sent != 3 {
		t.Fatalf("SendOnce at 08:00 = %d, %v; want the 3 held", sent, err)
	}
	if n := len(fake.calls()); n != 4 {
		t.Errorf("%d deliveries in all, want 4 (each once)", n)
	}

	// A county's own quiet hours replace the default.
	if _, err := pool.Exec(ctx, `INSERT INTO policies (scope, version, rules, created_by)
		SELECT 'xp', 1, jsonb_set(rules, '{notices}', '{"quiet_from":"23:00","quiet_until":"06:00"}'), 't'
		  FROM policies WHERE scope = 'city'`); err != nil {
		t.Fatal(err)
	}
	now = chinaAt(t, "2026-03-03 22:00")
	record(t, pool, nil, notice("member:m1", "县里22点不免打扰"))
	if sent, err := s.SendOnce(ctx); err != nil || sent != 1 {
		t.Errorf("22:00 under 23:00-06:00: sent %d, %v; want 1", sent, err)
	}
}
