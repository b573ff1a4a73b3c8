package e2e

import (
	"bytes"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"zhucun/internal/pgtest"
)

// pgProxy is a TCP proxy in front of the real PostgreSQL server, so a test
// can take the database away from a running app: Down closes every open
// connection and refuses new ones (they are accepted and closed at once,
// as a stopped server's port would), Up lets them through again.
type pgProxy struct {
	ln      net.Listener
	network string // of the target: "tcp" or "unix"
	target  string

	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]struct{}
	trip   []byte // DownOn: the first client bytes holding this take the proxy down
	faults int    // times the proxy went down
	closed bool
	wg     sync.WaitGroup
}

// startPGProxy listens on 127.0.0.1:0 in front of the server TEST_DATABASE_URL
// names (the local server by default); it is closed when the test ends.
func startPGProxy(t *testing.T) *pgProxy {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		base = pgtest.DefaultURL
	}
	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		t.Fatal(err)
	}
	p := &pgProxy{network: "tcp", target: net.JoinHostPort(cfg.Host, fmt.Sprint(cfg.Port)), conns: map[net.Conn]struct{}{}}
	if strings.HasPrefix(cfg.Host, "/") { // a unix socket directory
		p.network, p.target = "unix", fmt.Sprintf("%s/.s.PGSQL.%d", cfg.Host, cfg.Port)
	}
	if p.ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	p.wg.Add(1)
	go p.accept()
	t.Cleanup(p.Close)
	return p
}

// URL rewrites a database URL on the real server to go through the proxy.
func (p *pgProxy) URL(t *testing.T, dbURL string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Del("host") // a unix-socket host given as a parameter
	u.RawQuery = q.Encode()
	u.Host = p.ln.Addr().String()
	return u.String()
}

func (p *pgProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		refuse := p.down || p.closed
		p.mu.Unlock()
		if refuse {
			c.Close()
			continue
		}
		s, err := net.Dial(p.network, p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		if p.down || p.closed { // went down while dialling
			p.mu.Unlock()
			c.Close()
			s.Close()
			continue
		}
		p.conns[c], p.conns[s] = struct{}{}, struct{}{}
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(s, c, true)
		go p.pipe(c, s, false)
	}
}

// pipe copies one direction; client-to-server bytes are watched for the
// DownOn pattern (with the tail of the previous read, in case it spans two).
func (p *pgProxy) pipe(dst, src net.Conn, fromClient bool) {
	defer p.wg.Done()
	defer func() {
		dst.Close()
		src.Close()
		p.mu.Lock()
		delete(p.conns, dst)
		delete(p.conns, src)
		p.mu.Unlock()
	}()
	buf := make([]byte, 32<<10)
	var tail []byte
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if fromClient && p.tripped(append(tail, buf[:n]...)) {
				return
			}
			if fromClient {
				tail = append(tail[:0], buf[max(0, n-256):n]...)
			}
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil { // EOF, a reset or Down: either side ending ends the pair
			return
		}
	}
}

// tripped takes the proxy down if b holds the armed pattern.
func (p *pgProxy) tripped(b []byte) bool {
	p.mu.Lock()
	pat := p.trip
	p.mu.Unlock()
	if pat == nil || !bytes.Contains(b, pat) {
		return false
	}
	p.Down()
	return true
}

// Down closes every open connection and refuses new ones until Up.
func (p *pgProxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.down {
		return
	}
	p.down = true
	p.trip = nil
	p.faults++
	for c := range p.conns {
		c.Close()
	}
}

// DownOn arms the proxy to go down the moment a client sends bytes holding
// pattern (the bytes are not passed on): the database disappears in the
// middle of exactly that write.
func (p *pgProxy) DownOn(pattern string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.trip = []byte(pattern)
}

// Up lets connections through again.
func (p *pgProxy) Up() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = false
}

// IsDown reports whether the proxy is down (DownOn may have tripped).
func (p *pgProxy) IsDown() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.down
}

// Faults is how many times the proxy went down.
func (p *pgProxy) Faults() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.faults
}

// Close stops listening, drops every connection and waits for the pipes.
func (p *pgProxy) Close() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	p.wg.Wait()
}
