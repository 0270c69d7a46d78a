package queries

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
)

// schemaFiles are the embedded schema files in the order migrate applies them; lastSchema is the last one's
// name, which migrate records in meta as 'schema' and Ready compares with.
var schemaFiles, lastSchema = func() ([]string, string) {
	names, _ := fs.Glob(sqlFS, "schema/*.sql") // a fixed pattern over an embedded folder: no error
	sort.Strings(names)
	if len(names) == 0 {
		return nil, ""
	}
	return names, path.Base(names[len(names)-1])
}()

// Ready says whether the database answers and has every migration of this binary applied.
func (s *Store) Ready(ctx context.Context) error {
	var applied string
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'schema'`).Scan(&applied); err != nil {
		return fmt.Errorf("store: ready: %w", err)
	}
	if applied != lastSchema {
		return fmt.Errorf("store: ready: schema %s applied, %s expected", applied, lastSchema)
	}
	return nil
}

// Totals are the database's figures for /metrics.
type Totals struct {
	Batches, BatchRows  int64 // batches loaded (every status) and their rows
	Exports, ExportRows int64 // extracts made and their rows
	Bytes               int64 // the database file and its write-ahead log
}

// Totals reads the figures of /metrics: two small aggregates and the files' sizes.
func (s *Store) Totals(ctx context.Context) (Totals, error) {
	var t Totals
	err := s.db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM batches), (SELECT coalesce(sum(row_count), 0)::BIGINT FROM batches),
    (SELECT count(*) FROM export_log), (SELECT coalesce(sum(row_count), 0)::BIGINT FROM export_log)`).Scan(&t.Batches, &t.BatchRows, &t.Exports, &t.ExportRows)
	if err != nil {
		return t, fmt.Errorf("store: totals: %w", err)
	}
	for _, p := range []string{s.path, s.path + ".wal"} {
		if fi, err := os.Stat(p); err == nil {
			t.Bytes += fi.Size()
		}
	}
	return t, nil
}
