//go:build duckdb_arrow

package queries

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/kapacitet/kapacitet/data"
)

// SupplyArrow streams the supply series (see Supply) as Arrow record batches to fn, for extracts and any
// consumer that takes columns rather than rows. It needs the build tag duckdb_arrow (set by the Makefile).
func (s *Store) SupplyArrow(ctx context.Context, v View, fn func(arrow.RecordBatch) error) error {
	return s.arrow(ctx, query("supply"), []any{int64(data.RegionCode), v.Draft}, nil, fn)
}

// Extract streams the extract of dataset d under f (ExtractSQL): its schema to start (also when there are
// no rows), then its rows as Arrow record batches to fn, DuckDB's types kept (DECIMAL for decimals, INTEGER,
// BIGINT, BOOLEAN, VARCHAR), one batch in memory at a time.
func (s *Store) Extract(ctx context.Context, d *data.Dataset, f ExtractFilter, start func(*arrow.Schema) error, fn func(arrow.RecordBatch) error) error {
	q, args, err := s.extractSQL(ctx, d, f)
	if err != nil {
		return err
	}
	s.counts.queries.Add(1)
	return s.arrow(ctx, q, args, start, fn)
}

// batches runs the named query with args on the reader's connection (in its transaction, if it has one)
// and hands each of its record batches to fn: the reads of the series the findings rest on.
func (s *Reader) batches(ctx context.Context, name string, args []any, fn func(arrow.RecordBatch) error) error {
	if c, ok := s.q.(counted); ok {
		c.n.Add(1)
	}
	return s.arrow(ctx, query(name), args, nil, fn)
}

// arrow runs q with args through duckdb-go's Arrow interface on the reader's connection, hands its schema to
// start (when not nil) and each record batch to fn (valid until fn returns).
func (s *Reader) arrow(ctx context.Context, q string, args []any, start func(*arrow.Schema) error, fn func(arrow.RecordBatch) error) error {
	args = slices.Clone(args)
	for i, a := range args { // the Arrow interface binds what the driver takes, not database/sql's conversions
		if v, ok := a.(int); ok {
			args[i] = int64(v)
		}
	}
	return s.raw(ctx, func(dc driver.Conn) error {
		a, err := duckdb.NewArrowFromConn(dc)
		if err != nil {
			return fmt.Errorf("store: arrow: %w", err)
		}
		rr, err := a.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("store: arrow: %w", err)
		}
		defer rr.Release()
		if start != nil {
			if err := start(rr.Schema()); err != nil {
				return err
			}
		}
		for rr.Next() {
			if err := fn(rr.RecordBatch()); err != nil {
				return err
			}
		}
		return rr.Err()
	})
}
