//go:build linux

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"zhucun/backup"
	"zhucun/engine"
	"zhucun/internal/pgtest"
	"zhucun/store"
)

// installZhucun runs `make install` into a folder of the test's, puts its
// bin on the PATH, as the README has it, and returns the binary.
func installZhucun(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	prefix := t.TempDir()
	cmd := exec.Command("make", "install", "PREFIX="+prefix)
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(out)))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	t.Setenv("PATH", filepath.Join(prefix, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	bin, err := exec.LookPath("zhucun")
	if err != nil || bin != filepath.Join(prefix, "bin", "zhucun") {
		t.Fatalf("zhucun on the PATH after make install: %q %v", bin, err)
	}
	return bin
}

// zhucunCmd runs `zhucun args...` (from the PATH) with env over this
// process's, and returns its output and exit code; it is killed after 5
// minutes.
func zhucunCmd(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "zhucun", args...)
	cmd.Env = append(append(os.Environ(), "ZHUCUN_DEBUG=", "TEMPORAL_ADDRESS=", "ZHUCUN_TEMPORAL_STORE="), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("zhucun %v: %v", args, err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}

// dropAll drops a system's three databases when the test ends (after its
// processes are gone: register it before starting them).
func dropAll(t *testing.T, dbURL string) {
	t.Cleanup(func() {
		if err := store.DropDatabases(context.Background(), dbURL, backup.Suffixes...); err != nil {
			t.Logf("drop %s: %v", dbURL, err)
		}
	})
}

// system is one `zhucun serve` on PostgreSQL, as an operator runs it.
type system struct {
	proc     *serveProc
	temporal string
	log      string
}

func serveSystem(t *testing.T, bin, dbURL, name string) *system {
	t.Helper()
	return serveSystemIn(t, bin, dbURL, name, t.TempDir())
}

// serveSystemIn is serveSystem with dir as its data folder (where its keys
// are).
func serveSystemIn(t *testing.T, bin, dbURL, name, dir string) *system {
	t.Helper()
	s := &system{temporal: freeAddr(t), log: filepath.Join(dir, name+".log")}
	s.proc = startServe(t, bin, smallPool(dbURL), dir, freeAddr(t), s.temporal, s.log, "postgres")
	s.proc.waitReady(t, 2*time.Minute)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s log (tail):\n%s", name, tailOf(s.log, 3000))
		}
	})
	return s
}

// smallPool is dbURL with a pool of 4 connections: a system on PostgreSQL
// holds up to 56 for its Temporal server, and it shares the server's 100
// with the package's harness and the other test packages.
func smallPool(dbURL string) string {
	sep := "?"
	if strings.Contains(dbURL, "?") {
		sep = "&"
	}
	return dbURL + sep + "pool_max_conns=4"
}

// stop stops serve as Ctrl-C does, and checks it exits 0.
func (s *system) stop(t *testing.T) {
	t.Helper()
	_ = s.proc.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.proc.done:
	case <-time.After(time.Minute):
		t.Fatalf("serve did not stop within a minute of SIGINT")
	}
	if code := s.proc.cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("serve exited %d after SIGINT", code)
	}
}

// workflowExists asks the system's Temporal whether a workflow exists.
func (s *system) workflowExists(t *testing.T, wid string) bool {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: s.temporal, Logger: engine.SDKLogger(zap.NewNop())})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.DescribeWorkflowExecution(context.Background(), wid, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

// TestOperatorCommands runs the binary as the README has operators run
// it: installed by `make install`, started and stopped, refused on a busy
// port, backed up and restored.
func TestOperatorCommands(t *testing.T) {
	installZhucun(t)
	bin, _ := exec.LookPath("zhucun")
	t.Run("StartStop", func(t *testing.T) { testStartStop(t, bin) })
	t.Run("BusyPorts", testBusyPorts)
	t.Run("BackupRestore", func(t *testing.T) { testBackupRestore(t, bin) })
}

// testBackupRestore: processes run, `zhucun backup A`, more run, `zhucun
// backup B`, more run. A restored into fresh databases holds every process
// from before A, as it stood, and each can go on; nothing from after A is
// there, neither in the read model nor in Temporal. A copy whose product
// database is A's and whose Temporal databases are B's (a copy taken while
// workflows moved on, stretched to seconds) restores to B's processes:
// the read model catches up from the workflows.
func testBackupRestore(t *testing.T, bin string) {
	src := pgtest.URL(t, "bksrc")
	dropAll(t, src)
	srcDir := t.TempDir()
	sys := serveSystemIn(t, bin, src, "source", srcDir)
	base := sys.proc.url

	members := []string{"m01", "m02", "m03", "m04", "m05", "m06", "m08", "m09", "m10"}
	leaves := map[string]string{} // member → leave id
	submit := func(m string, i int) {
		start := fmt.Sprintf("2035-%02d-%02d", 1+i, 3)
		end := fmt.Sprintf("2035-%02d-%02d", 1+i, 5)
		l := loginAPIAt(t, base, m).must(t, "POST", "/api/v1/leaves",
			map[string]any{"kind": "personal", "start_date": start, "end_date": end, "reason": "备份测试"}, 201)
		leaves[m] = l["id"].(string)
	}
	approve := func(base, m string) {
		tw := loginAPIAt(t, base, m).me["township_id"].(string)
		got := loginAPIAt(t, base, tw+"-committee").must(t, "POST", "/api/v1/leaves/"+leaves[m]+"/decision",
			map[string]any{"decision": "approve", "comment": "同意"}, 200)
		if got["status"] != "approved" {
			t.Fatalf("approve %s's leave: %v", m, got["status"])
		}
	}
	for i, m := range members[:6] {
		submit(m, i)
	}
	approve(base, "m01")
	approve(base, "m02")
	absence := loginAPIAt(t, base, "xiping-bureau").must(t, "POST", "/api/v1/absences", absenceBody("m07", time.Now().Add(-time.Hour)), 201)

	dirA, dirB := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	env := []string{"DATABASE_URL=" + smallPool(src)}
	if out, code := zhucunCmd(t, append(env, "ZHUCUN_DATA_DIR="+t.TempDir()), "backup", dirA); code == 0 || !strings.Contains(out, "ZHUCUN_DATA_DIR") {
		t.Errorf("a backup without the system's keys: exit %d: %s", code, out)
	}
	env = append(env, "ZHUCUN_DATA_DIR="+srcDir)
	out, code := zhucunCmd(t, env, "backup", dirA)
	if code != 0 {
		t.Fatalf("zhucun backup: exit %d: %s", code, out)
	}
	if fi, err := os.Stat(filepath.Join(dirA, "keys.json")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the backup's keys: %v %v, want a file readable by its owner only", fi, err)
	}
	figure(t, "backup A: "+strings.TrimSpace(out))
	manifest, err := backup.ReadManifest(dirA)
	if err != nil {
		t.Fatal(err)
	}
	if out, code := zhucunCmd(t, env, "backup", dirA); code == 0 || !strings.Contains(out, "not empty") {
		t.Errorf("a backup into a folder that holds one: exit %d: %s", code, out)
	}

	// After A: a process from before it moves on, two new ones start.
	approve(base, "m03")
	submit("m08", 6)
	submit("m09", 7)
	if out, code = zhucunCmd(t, env, "backup", dirB); code != 0 {
		t.Fatalf("zhucun backup B: exit %d: %s", code, out)
	}
	// After B: more of both.
	approve(base, "m04")
	submit("m10", 8)
	sys.stop(t)

	status := func(base, m string) (int, string) {
		st, body, err := loginAPIAt(t, base, m).do("GET", "/api/v1/leaves/"+leaves[m], nil)
		if err != nil {
			t.Fatal(err)
		}
		if st != 200 {
			return st, ""
		}
		var l struct{ Status string }
		_ = json.Unmarshal(body, &l)
		return st, l.Status
	}

	// A, into fresh databases.
	dst := pgtest.URL(t, "bkdst") // exists: the first restore must refuse it
	dropAll(t, dst)
	dstDir := t.TempDir()
	denv := []string{"DATABASE_URL=" + smallPool(dst), "ZHUCUN_DATA_DIR=" + dstDir}
	if out, code := zhucunCmd(t, denv, "restore", dirA); code == 0 || !strings.Contains(out, "--replace") {
		t.Errorf("restore over an existing database: exit %d: %s", code, out)
	}
	started := time.Now()
	out, code = zhucunCmd(t, denv, "restore", dirA, "--replace")
	if code != 0 {
		t.Fatalf("zhucun restore: exit %d: %s", code, out)
	}
	restoreTook := time.Since(started)
	figure(t, "restore A: "+strings.TrimSpace(out))
	a := serveSystemIn(t, bin, dst, "restored-a", dstDir)
	want := map[string]string{"m01": "approved", "m02": "approved", "m03": "pending", "m04": "pending", "m05": "pending", "m06": "pending"}
	for m, w := range want {
		if st, got := status(a.proc.url, m); st != 200 || got != w {
			t.Errorf("restored A: %s's leave: %d %q, want %q", m, st, got, w)
		}
		if !a.workflowExists(t, "leave/"+leaves[m]) {
			t.Errorf("restored A: %s's leave is in the read model, not in Temporal", m)
		}
	}
	for _, m := range []string{"m08", "m09", "m10"} {
		if st, _ := status(a.proc.url, m); st != 404 {
			t.Errorf("restored A: %s's leave, submitted after the backup: %d, want 404", m, st)
		}
		if a.workflowExists(t, "leave/"+leaves[m]) {
			t.Errorf("restored A: %s's leave, submitted after the backup, is in Temporal", m)
		}
	}
	if st, _, _ := loginAPIAt(t, a.proc.url, "xiping-bureau").do("GET", "/api/v1/absences/"+absence["id"].(string), nil); st != 200 {
		t.Errorf("restored A: the absence: %d", st)
	}
	// Every process from before the backup can go on.
	approve(a.proc.url, "m03")
	if got := loginAPIAt(t, a.proc.url, "m05").must(t, "POST", "/api/v1/leaves/"+leaves["m05"]+"/withdraw", nil, 200); got["status"] != "withdrawn" {
		t.Errorf("restored A: withdraw m05's leave: %v", got["status"])
	}
	loginAPIAt(t, a.proc.url, "m07").must(t, "POST", "/api/v1/absences/"+absence["id"].(string)+"/explanation",
		map[string]any{"text": "恢复后补写说明"}, 200)
	a.stop(t)
	wantCleanLog(t, "restored A: serve", a.log)

	// A's product database with B's Temporal databases: the read model
	// behind Temporal, as a copy taken while workflows moved is.
	dirC := filepath.Join(t.TempDir(), "c")
	if err := os.MkdirAll(dirC, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"zhucun.dump", backup.ManifestFile, "keys.json"} {
		copyFile(t, filepath.Join(dirA, f), filepath.Join(dirC, f))
	}
	for _, f := range []string{"temporal.dump", "temporal_visibility.dump"} {
		copyFile(t, filepath.Join(dirB, f), filepath.Join(dirC, f))
	}
	rewriteManifest(t, dirC, dirB)
	dst2 := pgtest.URL(t, "bkdst2")
	dropAll(t, dst2)
	dst2Dir := t.TempDir()
	out, code = zhucunCmd(t, []string{"DATABASE_URL=" + smallPool(dst2), "ZHUCUN_DATA_DIR=" + dst2Dir}, "restore", dirC, "--replace")
	if code != 0 {
		t.Fatalf("zhucun restore (product A, Temporal B): exit %d: %s", code, out)
	}
	figure(t, "restore A+B: "+strings.TrimSpace(out))
	c := serveSystemIn(t, bin, dst2, "restored-ab", dst2Dir)
	want = map[string]string{"m01": "approved", "m02": "approved", "m03": "approved", "m04": "pending", "m08": "pending", "m09": "pending"}
	for m, w := range want {
		if st, got := status(c.proc.url, m); st != 200 || got != w {
			t.Errorf("restored A+B: %s's leave: %d %q, want %q (caught up from Temporal)", m, st, got, w)
		}
	}
	if st, _ := status(c.proc.url, "m10"); st != 404 {
		t.Errorf("restored A+B: m10's leave, submitted after B: %d, want 404", st)
	}
	tl := loginAPIAt(t, c.proc.url, "m03").must(t, "GET", "/api/v1/processes/"+leaves["m03"]+"/timeline", nil, 200)
	if n := len(tl["items"].([]any)); n < 2 {
		t.Errorf("restored A+B: m03's timeline has %d events, want its submission and approval", n)
	}
	approve(c.proc.url, "m08") // a process the product copy never saw goes on
	c.stop(t)
	figure(t, fmt.Sprintf("backup test: %d processes before backup A (%d leaves, 1 absence), 3 changes after it; "+
		"backup A %d bytes in %s; restore A took %s: 6 leaves and the absence back, 0 of the 3 later leaves there, 3 went on; "+
		"product A + Temporal B: 3 steps caught up from the workflows",
		7, 6, manifest.Bytes(), manifest.Took, restoreTook.Round(time.Millisecond)))
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// rewriteManifest gives dir's manifest (A's: its time, so the catch-up
// looks back that far) the Temporal files' sizes and checksums from B's.
func rewriteManifest(t *testing.T, dir, from string) {
	t.Helper()
	m, err := readManifestUnchecked(dir)
	if err != nil {
		t.Fatal(err)
	}
	mb, err := backup.ReadManifest(from)
	if err != nil {
		t.Fatal(err)
	}
	for i := range m.Files {
		if m.Files[i].Suffix != "" {
			m.Files[i] = mb.Files[i]
		}
	}
	writeManifest(t, dir, m)
}

func readManifestUnchecked(dir string) (backup.Manifest, error) {
	var m backup.Manifest
	b, err := os.ReadFile(filepath.Join(dir, backup.ManifestFile))
	if err == nil {
		err = json.Unmarshal(b, &m)
	}
	return m, err
}

func writeManifest(t *testing.T, dir string, m backup.Manifest) {
	t.Helper()
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, backup.ManifestFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// wantCleanLog fails the test if the process logged a line at warn level
// or above. PostgreSQL refusing connections (too many clients: the
// server's 100 are shared with every test running on this machine) is no
// ordinary run, and voids the check instead.
func wantCleanLog(t *testing.T, what, path string) int {
	t.Helper()
	bad := errorLines(path)
	if len(bad) == 0 {
		return 0
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), "SQLSTATE 53300") {
		t.Logf("%s: PostgreSQL refused connections (too many clients) during the run; its %d lines at warn or above are not counted", what, len(bad))
		return 0
	}
	t.Errorf("%s logged %d lines at warn level or above:\n%s", what, len(bad), strings.Join(bad, "\n"))
	return len(bad)
}

// errorLines are the log lines of a process at warn level or above.
func errorLines(path string) []string {
	f, err := os.Open(path)
	if err != nil {
		return []string{err.Error()}
	}
	defer f.Close()
	var bad []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		for _, l := range []string{"warn", "error", "dpanic", "panic", "fatal"} {
			if strings.Contains(line, `"level":"`+l+`"`) {
				if len(line) > 400 {
					line = line[:400] + "..."
				}
				bad = append(bad, line)
				break
			}
		}
	}
	return bad
}
