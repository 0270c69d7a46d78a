package queries

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/kapacitet/kapacitet/data"
)

// BaselineInsertCSV loads a CSV file the way DuckDB does it by itself, the baseline the ingest benchmark is
// measured against: a table typed by DuckDB's sniffer, then INSERT INTO ... SELECT * FROM read_csv(...). It
// returns the rows inserted and the two statements.
func (s *Store) BaselineInsertCSV(ctx context.Context, path string) (int64, []string, error) {
	stmts := []string{query("bench_target"), query("bench_insert")}
	if _, err := s.db.ExecContext(ctx, stmts[0], path); err != nil {
		return 0, nil, fmt.Errorf("store: baseline: %w", err)
	}
	res, err := s.db.ExecContext(ctx, stmts[1], path)
	if err != nil {
		return 0, nil, fmt.Errorf("store: baseline: %w", err)
	}
	n, err := res.RowsAffected()
	for i := range stmts {
		stmts[i] = strings.TrimSpace(stmts[i])
	}
	return n, stmts, err
}

// Settings returns DuckDB's threads and memory_limit as the store runs with them.
func (s *Store) Settings(ctx context.Context) (threads, memoryLimit string, err error) {
	err = s.db.QueryRowContext(ctx, "SELECT current_setting('threads')::VARCHAR, current_setting('memory_limit')::VARCHAR").Scan(&threads, &memoryLimit)
	return threads, memoryLimit, err
}

// AggregateRows is how many rows one named query returned.
type AggregateRows struct {
	Name string // the query, queries/sql/NAME.sql
	Rows int
}

// BareAggregates runs the named aggregate queries that dashboards.Findings reads through Supply, Demand,
// Survey, OfferOccupancy, CapacityLines, PurchaseFlows and TariffLines, in that order and with the arguments
// those reads give them, and fetches every row without scanning it into Go values: the baseline the findings
// benchmark is measured against (what is left of the findings' time is scanning and the analysis). Keep the
// list in step with reads.go and dashboards/findings.go.
func (s *Reader) BareAggregates(ctx context.Context, v View) ([]AggregateRows, error) {
	region := []any{data.RegionCode, v.Draft}
	draft := []any{v.Draft}
	reads := []struct {
		name string
		args []any
	}{
		{"supply", region}, {"demand", region}, {"survey", region}, {"offer_occupancy", draft},
		{"capacity_lines", region}, {"purchase_flows", draft}, {"tariff_lines", region},
	}
	out := make([]AggregateRows, len(reads))
	for i, r := range reads {
		out[i].Name = r.name
		if err := s.rows(ctx, r.name, r.args, func(*sql.Rows) error { out[i].Rows++; return nil }); err != nil {
			return nil, err
		}
	}
	return out, nil
}
