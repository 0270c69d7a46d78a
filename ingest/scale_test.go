package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/data/scale"
)

// The national scale data set is valid by the ingest rules, dataset by dataset in loading order.
func TestNationalScaleIsValid(t *testing.T) {
	dir := t.TempDir()
	o := scale.DefaultOptions()
	o.Years, o.Purchases = 3, 3000
	counts, err := scale.National(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	st := mustOpen(t)
	ctx := context.Background()
	for _, d := range data.Datasets {
		content, err := os.ReadFile(filepath.Join(dir, d.Name+".csv"))
		if err != nil {
			t.Fatal(err)
		}
		res, err := File(ctx, st, d, d.Name+".csv", content, Options{})
		if err != nil {
			t.Fatalf("%s: %v", d.Name, err)
		}
		if res.Rows != counts[d.Name] || res.Rows == 0 {
			t.Errorf("%s: %d rows loaded, %d written", d.Name, res.Rows, counts[d.Name])
		}
	}
}
