//go:build duckdb_arrow

package queries

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/kapacitet/kapacitet/data"
)

// SupplyArrow streams the supply series (see Supply) as Arrow record batches to fn, for extracts and any
// consumer that takes columns rather than rows. It needs the build tag duckdb_arrow (set by the Makefile).
func (s *Store) SupplyArrow(ctx context.Context, v View, fn func(arrow.RecordBatch) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: arrow: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		a, err := duckdb.NewArrowFromConn(dc.(driver.Conn))
		if err != nil {
			return fmt.Errorf("store: arrow: %w", err)
		}
		rr, err := a.QueryContext(ctx, query("supply"), int64(data.RegionCode), v.Draft)
		if err != nil {
			return fmt.Errorf("store: arrow supply: %w", err)
		}
		defer rr.Release()
		for rr.Next() {
			if err := fn(rr.RecordBatch()); err != nil {
				return err
			}
		}
		return rr.Err()
	})
}
