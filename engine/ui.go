package engine

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uioptions "github.com/temporalio/ui-server/v2/server/server_options"

	"zhucun/internal/seal"
)

// webUI is Temporal's Web UI (github.com/temporalio/ui-server, its assets
// compiled in), served beside the embedded server as `temporal server
// start-dev` serves it. It is read-only: every change to a process goes
// through zhucun's API, which keeps the read model, the timeline and the
// rules; the UI is for looking.
type webUI struct {
	srv  *uiserver.Server
	url  string
	done chan struct{}
}

// startUI serves the UI on addr (host:port; port 0 picks a free one) for
// the frontend at frontend. The UI server's own Start exits the process on
// a busy port, so the port is tried first and a busy one is an error.
func startUI(ctx context.Context, addr, frontend, namespace, tlsDir, codec string) (*webUI, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("temporal UI address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("temporal UI address %q: bad port", addr)
	}
	if host == "" {
		host = "0.0.0.0"
	}
	if port == 0 {
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	hostPort := net.JoinHostPort(host, strconv.Itoa(port))
	if err := CheckFree(hostPort); err != nil {
		return nil, err
	}
	cfg := &uiconfig.Config{
		Host: host, Port: port, TemporalGRPCAddress: frontend, EnableUI: true,
		DefaultNamespace: namespace,
		// Plain HTTP on loopback, as start-dev serves it.
		CORS:     uiconfig.CORS{CookieInsecure: true},
		HideLogs: true,
		// Nothing fetched from outside: the UI works offline.
		DisableNewsFetch:    true,
		DisableWriteActions: true,
	}
	if codec != "" {
		// Inputs and results are encrypted (seal): the browser asks
		// zhucun to decode them, with the person's zhucun session.
		cfg.Codec = uiconfig.Codec{Endpoint: codec, IncludeCredentials: true,
			DefaultErrorMessage: "登录驻村系统（县、市办公室账号）后可查看内容"}
	}
	if tlsDir != "" {
		// The UI is a client of the frontend like any other: it shows the
		// client certificate.
		d := seal.TLSDir(tlsDir)
		cfg.TLS = uiconfig.TLS{CaFile: d.Path(seal.CAFile), CertFile: d.Path(seal.ClientFile), KeyFile: d.Path(seal.ClientKeyFile),
			ServerName: "localhost", EnableHostVerification: true}
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("temporal UI: %w", err)
	}
	u := &webUI{srv: uiserver.NewServer(uioptions.WithConfigProvider(cfg)), done: make(chan struct{})}
	browse := host
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		browse = "localhost"
	}
	u.url = "http://" + net.JoinHostPort(browse, strconv.Itoa(port))
	go func() {
		defer close(u.done)
		_ = u.srv.Start() // nil once stopped; a failure to listen exits (see above)
	}()
	if err := u.wait(ctx, "http://"+net.JoinHostPort(loopbackFor(host), strconv.Itoa(port))+"/healthz"); err != nil {
		u.stop()
		return nil, err
	}
	return u, nil
}

// wait polls the UI's health route until it answers, for 10 s.
func (u *webUI) wait(ctx context.Context, health string) error {
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(10 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, health, nil)
		resp, err := hc.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("temporal UI did not answer at %s: %w", health, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (u *webUI) stop() {
	u.srv.Stop()
	select {
	case <-u.done:
	case <-time.After(5 * time.Second):
	}
}

// loopbackFor is the address to reach a listener bound to host from this
// machine.
func loopbackFor(host string) string {
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() == nil {
			return "::1"
		}
		return "127.0.0.1"
	}
	return host
}

// CheckFree reports whether addr (host:port) can be listened on now, as an
// error naming the address when it cannot.
func CheckFree(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		var sys *os.SyscallError
		if errors.As(err, &sys) {
			err = sys.Err // "address already in use", without the op and syscall
		}
		return fmt.Errorf("cannot listen on %s: %w", addr, err)
	}
	return l.Close()
}
