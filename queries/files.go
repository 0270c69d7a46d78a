package queries

import (
	"context"
	"database/sql"
	"fmt"
	"os"
)

// ParquetText reads a Parquet file's columns and rows as text (NULL as ""), for ingest. The content is
// written to a temporary file next to the database, which is removed again.
func (s *Store) ParquetText(ctx context.Context, content []byte) ([]string, [][]string, error) {
	dir := s.path + ".tmp"
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	f, err := os.CreateTemp(dir, "ingest-*.parquet")
	if err != nil {
		return nil, nil, err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(content); err != nil {
		f.Close()
		return nil, nil, err
	}
	if err := f.Close(); err != nil {
		return nil, nil, err
	}
	rs, err := s.db.QueryContext(ctx, query("parquet_text"), f.Name())
	if err != nil {
		return nil, nil, fmt.Errorf("read_parquet: %w", err)
	}
	defer rs.Close()
	header, err := rs.Columns()
	if err != nil {
		return nil, nil, err
	}
	var rows [][]string
	vals := make([]sql.NullString, len(header))
	ptrs := make([]any, len(header))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		row := make([]string, len(header))
		for i, v := range vals {
			row[i] = v.String
		}
		rows = append(rows, row)
	}
	return header, rows, rs.Err()
}
