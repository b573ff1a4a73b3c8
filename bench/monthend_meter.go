package bench

import (
	"context"
	"strings"
	"sync"
	"time"

	"zhucun/internal/procstat"
)

// meter follows serve's CPU and memory (each second, from /proc), its
// Temporal's completed workflow tasks (from /metrics), the CPU of the
// PostgreSQL backends serving its databases and the machine's CPU over
// the measured window, across restarts.
type meter struct {
	srv  *serveChild
	db   string // the database's name, which its backends' titles show
	mu   sync.Mutex
	pg   map[int]pgBackend
	pid  int
	cpu  map[int][2]time.Duration // pid → CPU at its first and last sample in the window
	wft  map[int][2]float64       // pid → workflow tasks at its first and last scrape
	wftN map[int]bool             // pids whose last scrape answered
	peak int64
	rss  int64
	done chan struct{}

	selfCPU, busy, total [2]time.Duration
	load                 string
	elapsed              time.Duration
}

// pgBackend is a PostgreSQL backend serving one of the three databases
// serve uses: 0 zhucun's own, 1 Temporal's main store, 2 its visibility.
type pgBackend struct {
	store int
	cpu   [2]time.Duration // at its first and last sample
}

// figures are the meter's readings over the window.
type figures struct {
	elapsed          time.Duration
	serveCPU         time.Duration
	pgCPU            [3]time.Duration // PostgreSQL's backends, by pgBackend.store
	peakRSS, lastRSS int64
	selfCPU          time.Duration
	busy, total      time.Duration // the machine's
	tasks            float64
	tasksKnown       bool
	load             string
}

func newMeter(srv *serveChild, db string) *meter {
	return &meter{srv: srv, db: db, pid: srv.pid(), cpu: map[int][2]time.Duration{}, wft: map[int][2]float64{},
		wftN: map[int]bool{}, pg: map[int]pgBackend{}, done: make(chan struct{})}
}

// run samples from start to end of the window.
func (m *meter) run(ctx context.Context, start, end time.Time) {
	defer close(m.done)
	select {
	case <-ctx.Done():
		return
	case <-time.After(time.Until(start)):
	}
	m.selfCPU[0], _ = procstat.CPUSelf()
	m.busy[0], m.total[0], _ = procstat.MachineCPU()
	m.sample()
	m.scrape(ctx, true)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for time.Now().Before(end) {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			m.sample()
		}
	}
	m.sample()
	m.scrape(ctx, false)
	m.selfCPU[1], _ = procstat.CPUSelf()
	m.busy[1], m.total[1], _ = procstat.MachineCPU()
	m.load = loadAverage()
	m.elapsed = time.Since(start)
}

// sample reads the current serve's CPU time and memory, and its
// database backends' CPU time. A backend that ends between two samples
// loses at most a second of its CPU to the count; one that starts counts
// from its first sample.
func (m *meter) sample() {
	m.mu.Lock()
	defer m.mu.Unlock()
	// A backend's title names its database as a word of its own:
	// "postgres: 15/main: postgres <db> 127.0.0.1(…) idle", or
	// "postgres: 15/main: autovacuum worker <db>".
	names := map[string]int{m.db: 0, m.db + "_temporal": 1, m.db + "_temporal_visibility": 2}
	for _, p := range procstat.Find("postgres:", m.db) {
		for _, word := range strings.Fields(p.Cmdline) {
			if store, ok := names[word]; ok {
				m.samplePG(p, store)
				break
			}
		}
	}
	cpu, err := procstat.CPUOf(m.pid)
	if err != nil {
		return // between a kill and the restart
	}
	c, seen := m.cpu[m.pid]
	if !seen {
		c[0] = cpu
	}
	c[1] = cpu
	m.cpu[m.pid] = c
	if mem, err := procstat.MemoryOf(m.pid); err == nil {
		m.peak, m.rss = max(m.peak, mem.Peak), mem.RSS
	}
}

func (m *meter) samplePG(p procstat.Proc, store int) {
	cpu, err := procstat.CPUOf(p.PID)
	if err != nil {
		return
	}
	b, seen := m.pg[p.PID]
	if !seen || b.store != store { // a pid reused by another backend
		b = pgBackend{store: store, cpu: [2]time.Duration{cpu, cpu}}
	}
	b.cpu[1] = cpu
	m.pg[p.PID] = b
}

// scrape reads the current serve's count of workflow tasks; first marks
// the count the window starts from.
func (m *meter) scrape(ctx context.Context, first bool) {
	n, err := m.srv.workflowTasks(ctx)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.wftN[m.pid] = false
		return
	}
	w, seen := m.wft[m.pid]
	if first || !seen {
		w[0] = n
	}
	w[1] = n
	m.wft[m.pid] = w
	m.wftN[m.pid] = true
}

// beforeKill takes the last readings of the process about to die.
func (m *meter) beforeKill(ctx context.Context) {
	m.sample()
	m.scrape(ctx, false)
}

// restarted follows the new process, counted from its start: what it
// spends starting up and catching up is part of the cost of the kill.
func (m *meter) restarted() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.pid = m.srv.pid()
	m.cpu[m.pid] = [2]time.Duration{}
	m.wft[m.pid] = [2]float64{}
}

// result waits for the window's end and sums the readings.
func (m *meter) result() figures {
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	f := figures{elapsed: m.elapsed, peakRSS: m.peak, lastRSS: m.rss, selfCPU: m.selfCPU[1] - m.selfCPU[0],
		busy: m.busy[1] - m.busy[0], total: m.total[1] - m.total[0], load: m.load, tasksKnown: true}
	for _, c := range m.cpu {
		f.serveCPU += c[1] - c[0]
	}
	for _, b := range m.pg {
		f.pgCPU[b.store] += b.cpu[1] - b.cpu[0]
	}
	for pid, w := range m.wft {
		f.tasks += w[1] - w[0]
		f.tasksKnown = f.tasksKnown && m.wftN[pid]
	}
	return f
}
