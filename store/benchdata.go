package store

import (
	"context"
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed benchdata.sql
var benchDataSQL string

// BenchData sizes the synthetic national organisation and read model that
// `zhucun bench scale` measures (benchdata.sql).
type BenchData struct {
	Members   int
	Processes int
	BigCounty int    // members of county c0, whose report and ledger are read
	Month     string // the report's cycle month, "YYYY-MM"
	ReportID  string // the c0 report's process id (workflows.ReportProcessID)
}

// The month and the report id are spliced into the SQL as literals.
var (
	benchMonth  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}$`)
	benchReport = regexp.MustCompile(`^[0-9a-f-]{36}$`)
)

// GenerateBenchData fills an empty database with d in one statement list.
func (s *Store) GenerateBenchData(ctx context.Context, d BenchData) error {
	if !benchReport.MatchString(d.ReportID) {
		return fmt.Errorf("report id %q", d.ReportID)
	}
	if !benchMonth.MatchString(d.Month) {
		return fmt.Errorf("month %q", d.Month)
	}
	sql := strings.NewReplacer("{{members}}", strconv.Itoa(d.Members), "{{processes}}", strconv.Itoa(d.Processes),
		"{{big}}", strconv.Itoa(d.BigCounty), "{{month}}", "'"+d.Month+"'", "{{report}}", "'"+d.ReportID+"'").Replace(benchDataSQL)
	if _, err := s.Pool.Exec(ctx, sql); err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	return nil
}

// ProcessCount is the number of processes in the read model.
func (s *Store) ProcessCount(ctx context.Context) (int, error) {
	var n int
	err := s.Pool.QueryRow(ctx, `SELECT count(*) FROM processes`).Scan(&n)
	return n, err
}

// ReadModelSize is the database's size and its largest tables', in bytes
// with their indexes, and the number of processes.
type ReadModelSize struct {
	Database, Processes, Waiting, Events int64
	ProcessCount                         int64
}

// ReadModelSize measures the database for the scale bench's report.
func (s *Store) ReadModelSize(ctx context.Context) (ReadModelSize, error) {
	var r ReadModelSize
	err := s.Pool.QueryRow(ctx, `SELECT pg_database_size(current_database()), pg_total_relation_size('processes'),
		pg_total_relation_size('process_waiting'), pg_total_relation_size('process_events'),
		(SELECT count(*) FROM processes)`).Scan(&r.Database, &r.Processes, &r.Waiting, &r.Events, &r.ProcessCount)
	return r, err
}

// FirstFreeLeaveDay is the day after the last leave in the database, and
// no earlier than 2030-01-01, as "YYYY-MM-DD": a deployment keeps earlier
// runs' approved leaves, and a leave on a day they hold would be refused
// as an overlap. It takes a lone connection, as the bench measures a
// deployment it does not pool for.
func FirstFreeLeaveDay(ctx context.Context, conn *pgx.Conn) (string, error) {
	var day string
	// GREATEST ignores the NULL of an empty table.
	err := conn.QueryRow(ctx, `SELECT greatest(max(end_date) + 1, date '2030-01-01')::text FROM leave_periods`).Scan(&day)
	return day, err
}
