package queries

import (
	"context"
	"fmt"
	"strings"
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
