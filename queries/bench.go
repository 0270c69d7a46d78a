package queries

import (
	"context"
	"fmt"
)

// BaselineReadCSV loads a CSV file with DuckDB's own reader into a temporary staging table and returns its
// row count. It is the baseline the ingest benchmark is measured against.
func (s *Store) BaselineReadCSV(ctx context.Context, path string) (int64, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, query("bench_read_csv"), path); err != nil {
		return 0, fmt.Errorf("store: read_csv: %w", err)
	}
	var n int64
	err = conn.QueryRowContext(ctx, "SELECT count(*) FROM bench_staging").Scan(&n)
	return n, err
}
