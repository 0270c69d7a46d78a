//go:build !duckdb_arrow

package queries

import (
	"context"
	"errors"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kapacitet/kapacitet/data"
)

// ErrNoArrow is returned by the Arrow reads of a binary built without the duckdb_arrow tag (a plain `go
// build`; the Makefile sets the tag).
var ErrNoArrow = errors.New("this binary was built without the duckdb_arrow tag, which extracts need: build it with make")

// Extract needs the duckdb_arrow tag; without it, it says so.
func (s *Store) Extract(ctx context.Context, d *data.Dataset, f ExtractFilter, start func(*arrow.Schema) error, fn func(arrow.RecordBatch) error) error {
	if _, _, err := ExtractSQL(d, f); err != nil {
		return err
	}
	return ErrNoArrow
}
