package ingest

import (
	"context"
	"fmt"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Demo loads the illustrative demo data set (data/demo) dataset by dataset, as drafts (dashboards.LoadDemo
// also publishes its years). Files already loaded are no-ops, so running it twice changes nothing.
func Demo(ctx context.Context, st *queries.Store) ([]Result, error) {
	var out []Result
	for _, d := range data.Datasets {
		content, name, err := data.DemoFile(d.Name)
		if err != nil {
			return out, err
		}
		res, err := File(ctx, st, d, name, content, Options{LoadedBy: "demo", Demo: true})
		if err != nil {
			return out, fmt.Errorf("demo: %w", err)
		}
		out = append(out, res)
	}
	return out, nil
}
