//go:build !duckdb_arrow

package queries

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

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

// batches, without the duckdb_arrow tag, reads the named query's rows through database/sql and hands them to
// fn as record batches of up to batchRows rows: the same columns collect reads with the tag, only
// slower (a value boxed per cell). The series' columns are integers, strings and truth values.
func (s *Reader) batches(ctx context.Context, name string, args []any, fn func(arrow.RecordBatch) error) error {
	rs, err := s.q.QueryContext(ctx, query(name), args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	types, err := rs.ColumnTypes()
	if err != nil {
		return err
	}
	fields := make([]arrow.Field, len(types))
	for i, t := range types {
		fields[i] = arrow.Field{Name: t.Name(), Nullable: true}
		switch t.DatabaseTypeName() {
		case "TINYINT", "SMALLINT", "INTEGER", "BIGINT":
			fields[i].Type = arrow.PrimitiveTypes.Int64
		case "BOOLEAN":
			fields[i].Type = arrow.FixedWidthTypes.Boolean
		case "VARCHAR":
			fields[i].Type = arrow.BinaryTypes.String
		default:
			return fmt.Errorf("column %d: %s, not read without the duckdb_arrow tag", i, t.DatabaseTypeName())
		}
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	vals := make([]any, len(fields))
	ptrs := make([]any, len(fields))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	flush := func() error {
		rec := b.NewRecordBatch()
		defer rec.Release()
		return fn(rec)
	}
	for n := 1; rs.Next(); n++ {
		if err := rs.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			switch x := v.(type) {
			case nil:
				b.Field(i).AppendNull()
			case int64:
				b.Field(i).(*array.Int64Builder).Append(x)
			case int32:
				b.Field(i).(*array.Int64Builder).Append(int64(x))
			case int16:
				b.Field(i).(*array.Int64Builder).Append(int64(x))
			case int8:
				b.Field(i).(*array.Int64Builder).Append(int64(x))
			case bool:
				b.Field(i).(*array.BooleanBuilder).Append(x)
			case string:
				b.Field(i).(*array.StringBuilder).Append(x)
			default:
				return fmt.Errorf("column %d: a %T", i, v)
			}
		}
		if n%batchRows == 0 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rs.Err(); err != nil {
		return err
	}
	return flush()
}

// batchRows is the rows of a record batch batches builds (DuckDB's vector size).
const batchRows = 2048
