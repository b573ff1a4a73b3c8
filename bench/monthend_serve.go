package bench

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// serveChild is `zhucun serve --demo` run as a child process, so the bench
// can read its CPU and memory from /proc and kill it with SIGKILL; each
// restart runs on the same data folder, database and ports.
type serveChild struct {
	bin, dbURL, dir, addr, temporalAddr string
	logPath                             string
	cmd                                 *exec.Cmd
	done                                chan struct{}
	url                                 string
}

func newServeChild(bin, dbURL, dir string) (*serveChild, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	taddr, err := freePort()
	if err != nil {
		return nil, err
	}
	return &serveChild{bin: bin, dbURL: dbURL, dir: dir, addr: addr, temporalAddr: taddr,
		logPath: filepath.Join(dir, "serve.log"), url: "http://" + addr}, nil
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// start runs a new serve process; it is not ready yet (waitReady).
func (s *serveChild) start() error {
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(s.bin, "serve", "--demo", "--database-url", s.dbURL, "--data-dir", s.dir,
		"--addr", s.addr, "--embedded-temporal", s.temporalAddr, "--temporal-store", "postgres",
		"--ui-listen", "", "--login-per-minute", "1000000")
	// The environment must not point serve elsewhere: an external
	// Temporal, debug logging or a metrics token would change what is
	// measured.
	cmd.Env = append(os.Environ(), "TEMPORAL_ADDRESS=", "ZHUCUN_DEBUG=", "ZHUCUN_METRICS_TOKEN=", "ZHUCUN_KEYS_FILE=", "ZHUCUN_TLS_DIR=")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = childAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s serve: %w", s.bin, err)
	}
	s.cmd, s.done = cmd, make(chan struct{})
	done := s.done
	go func() {
		_ = cmd.Wait()
		logf.Close()
		close(done)
	}()
	return nil
}

func (s *serveChild) pid() int { return s.cmd.Process.Pid }

func (s *serveChild) exited() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// waitReady polls /readyz until it answers 200 (PostgreSQL and Temporal
// both answer).
func (s *serveChild) waitReady(ctx context.Context, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		if s.exited() {
			return fmt.Errorf("serve exited before it was ready: %v; its log ends:\n%s", s.cmd.ProcessState, s.logTail(3000))
		}
		if resp, err := client.Get(s.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("serve not ready after %s; its log ends:\n%s", wait, s.logTail(3000))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// kill sends SIGKILL and waits until the process is gone.
func (s *serveChild) kill() {
	if s.cmd == nil || s.exited() {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// stop asks serve to shut down (SIGTERM), killing it if it lingers.
func (s *serveChild) stop() {
	if s.cmd == nil || s.exited() {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.kill()
	}
}

func (s *serveChild) logTail(n int) string {
	b, _ := os.ReadFile(s.logPath)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// workflowTasks is how many workflow tasks the process's Temporal server
// has had completed in the default namespace since it started: the
// frontend's count of RespondWorkflowTaskCompleted, from /metrics.
func (s *serveChild) workflowTasks(ctx context.Context) (float64, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", s.url+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	const name = "temporal_server_service_requests_total{"
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var n float64
	found := false
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) || !strings.Contains(line, `operation="RespondWorkflowTaskCompleted"`) ||
			!strings.Contains(line, `service_name="frontend"`) || !strings.Contains(line, `namespace="default"`) {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			return 0, fmt.Errorf("/metrics: %q: %w", line, err)
		}
		n += v
		found = true
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	if !found && resp.StatusCode != 200 {
		return 0, fmt.Errorf("/metrics: %s", resp.Status)
	}
	return n, nil
}
