//go:build duckdb_arrow

package queries_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// The Arrow path returns the same supply as the typed read.
func TestSupplyArrowMatchesRows(t *testing.T) {
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, _ := data.DatasetByName("capacity")
	rows := []data.Row{
		{"year": int64(2022), "location": int64(851), "ownership": "kommunal", "agreement": false, "place_type": "doegn", "target_group": "misbrug", "places": int64(7), "category": "kommunal"},
		{"year": int64(2022), "location": int64(825), "ownership": "privat", "agreement": false, "place_type": "dag", "target_group": "misbrug", "places": int64(2), "category": "privat"},
	}
	if _, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "x.csv", SHA256: "x", Rows: rows, Lines: []int{2, 3}}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Publish(ctx, 2022, "test", nil); err != nil {
		t.Fatal(err)
	}
	var total int64
	var n int
	err = st.SupplyArrow(ctx, queries.View{}, func(rec arrow.RecordBatch) error {
		col := rec.Column(int(rec.Schema().FieldIndices("places")[0])).(*array.Int64)
		for i := 0; i < col.Len(); i++ {
			total += col.Value(i)
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != 9 || n != 2 {
		t.Errorf("arrow supply: %d places in %d cells, want 9 in 2", total, n)
	}
}
