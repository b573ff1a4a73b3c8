//go:build linux

package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhucun/backup"
	"zhucun/internal/pgtest"
	"zhucun/store"
)

var uiAt = regexp.MustCompile(`Temporal Web UI \(read-only\): (http://\S+)`)

// testStartStop: `zhucun serve` on PostgreSQL starts with Temporal's Web
// UI beside it, answers, and stops on Ctrl-C (SIGINT) with exit 0, logging
// nothing at warn level or above from start to end.
func testStartStop(t *testing.T, bin string) {
	db := pgtest.URL(t, "startstop")
	dropAll(t, db)
	started := time.Now()
	s := serveSystem(t, bin, db, "startstop")
	ready := time.Since(started)
	var ui string
	pollUntil(t, 30*time.Second, "the UI's address printed", func() (bool, string) {
		if m := uiAt.FindStringSubmatch(tailOf(s.log, 1<<20)); m != nil {
			ui = m[1]
		}
		return ui != "", "no Temporal Web UI line"
	})
	for _, path := range []string{"/healthz", "/", "/namespaces/default/workflows"} {
		resp, err := http.Get(ui + path)
		if err != nil {
			t.Fatalf("Temporal UI %s: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("Temporal UI %s: %d", path, resp.StatusCode)
		}
	}
	stopped := time.Now()
	s.stop(t)
	took := time.Since(stopped)
	bad := wantCleanLog(t, "an ordinary start and stop", s.log)
	figure(t, fmt.Sprintf("serve (PostgreSQL store): ready in %s, Temporal Web UI at %s, stopped in %s after SIGINT with exit 0, log lines at warn or above: %d",
		ready.Round(10*time.Millisecond), ui, took.Round(10*time.Millisecond), bad))
}

// testBusyPorts: each port serve listens on, when busy, stops it before
// it creates anything, with one line naming the setting that moves it.
func testBusyPorts(t *testing.T) {
	for _, setting := range []string{"ZHUCUN_ADDR", "ZHUCUN_TEMPORAL_LISTEN", "ZHUCUN_UI_LISTEN"} {
		t.Run(setting, func(t *testing.T) {
			busy, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer busy.Close()
			dbURL, drop, err := pgtest.Create("busy")
			if err != nil {
				t.Fatal(err)
			}
			drop() // a name no database has: serve must not create it
			dir := filepath.Join(t.TempDir(), "data")
			env := map[string]string{"ZHUCUN_ADDR": freeAddr(t), "ZHUCUN_TEMPORAL_LISTEN": freeAddr(t), "ZHUCUN_UI_LISTEN": freeAddr(t)}
			env[setting] = busy.Addr().String()
			vars := []string{"DATABASE_URL=" + dbURL, "ZHUCUN_DATA_DIR=" + dir}
			for k, v := range env {
				vars = append(vars, k+"="+v)
			}
			out, code := zhucunCmd(t, vars, "serve", "--demo")
			lines := strings.Split(strings.TrimSpace(out), "\n")
			last := lines[len(lines)-1]
			if code != 1 || !strings.HasPrefix(last, "zhucun: ") || !strings.Contains(last, setting) ||
				!strings.Contains(last, busy.Addr().String()) || !strings.Contains(last, "in use") {
				t.Errorf("serve with %s busy: exit %d, last line %q", setting, code, last)
			}
			have, err := store.ExistingDatabases(context.Background(), dbURL, dbNames(t, dbURL)...)
			if err != nil || len(have) > 0 {
				t.Errorf("serve with %s busy created databases %v (%v)", setting, have, err)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("serve with %s busy created its data folder (%v)", setting, err)
			}
			figure(t, "busy "+setting+": "+last)
		})
	}
}

// dbNames are the three databases of a system named after dbURL's.
func dbNames(t *testing.T, dbURL string) []string {
	t.Helper()
	cfg, err := store.ConnConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range backup.Suffixes {
		out = append(out, cfg.Database+s)
	}
	return out
}
