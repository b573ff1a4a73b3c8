//go:build linux

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhucun/bench"
	"zhucun/internal/pgtest"
	"zhucun/internal/seal"
	"zhucun/store"
)

// TestSplitBench runs the split deployment for real, tiny: `zhucun
// temporal` on PostgreSQL, two workers and two apis as processes of their
// own, and `zhucun bench` against them. Run twice, so the second run must
// find days that the first run's leaves do not hold.
func TestSplitBench(t *testing.T) {
	bin := buildZhucun(t)
	dbURL := pgtest.URL(t, "split")
	// Registered before the processes, so it runs after they are killed.
	t.Cleanup(func() {
		if err := store.DropDatabases(context.Background(), dbURL, "_temporal", "_temporal_visibility"); err != nil {
			t.Logf("drop the temporal databases: %v", err)
		}
	})
	dir := t.TempDir()
	logs := map[string]string{}
	start := func(name string, env []string, args ...string) *serveProc {
		logs[name] = filepath.Join(dir, name+".log")
		return startZhucun(t, bin, logs[name], append([]string{"DATABASE_URL=" + dbURL, "ZHUCUN_TEMPORAL_STORE="}, env...), args...)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for name, path := range logs {
				t.Logf("%s log (tail):\n%s", name, tailOf(path, 3000))
			}
		}
	})

	tp := start("temporal", []string{"TEMPORAL_ADDRESS="}, "temporal", "--data-dir", dir, "--embedded-temporal", "127.0.0.1:0")
	hostPort := waitServing(t, tp, logs["temporal"])
	// Four small pools beside the Temporal server's and this package's own
	// stay well within PostgreSQL's default 100 connections.
	sep := "?"
	if strings.Contains(dbURL, "?") {
		sep = "&"
	}
	// Workers and apis share one keys file (seal), as a deployment's do.
	keys, err := seal.NewKeys()
	if err == nil {
		err = keys.Save(filepath.Join(dir, "keys.json"))
	}
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"TEMPORAL_ADDRESS=" + hostPort, "DATABASE_URL=" + dbURL + sep + "pool_max_conns=4",
		"ZHUCUN_KEYS_FILE=" + filepath.Join(dir, "keys.json")}
	for i := range 2 {
		start(fmt.Sprintf("worker%d", i), env, "worker")
	}
	var apis []string
	for i := range 2 {
		addr := freeAddr(t)
		p := start(fmt.Sprintf("api%d", i), env, "api", "--demo", "--addr", addr, "--login-per-minute", "100000")
		p.url = "http://" + addr
		p.waitReady(t, time.Minute)
		apis = append(apis, p.url)
	}

	for run := range 2 {
		var out bytes.Buffer
		rs, err := bench.Frontend(context.Background(), bench.Options{
			DatabaseURL: dbURL, Levels: []int{2}, N: 4, Out: &out, TemporalAddress: hostPort, APIs: apis})
		wantBenchTable(t, rs, err, 4, out.String())
		t.Logf("run %d:%s", run+1, out.String())
	}
}

var servingAt = regexp.MustCompile(`zhucun temporal: serving at (\S+),`)

// waitServing waits for `zhucun temporal` to print its address and
// returns it.
func waitServing(t *testing.T, p *serveProc, logPath string) string {
	t.Helper()
	var hostPort string
	pollUntil(t, time.Minute, "serving", func() (bool, string) {
		select {
		case <-p.done:
			t.Fatalf("zhucun temporal exited: %v", p.cmd.ProcessState)
		default:
		}
		if m := servingAt.FindStringSubmatch(tailOf(logPath, 1<<20)); m != nil {
			hostPort = m[1]
		}
		return hostPort != "", "no address in its log"
	})
	return hostPort
}
