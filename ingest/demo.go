package ingest

import (
	"context"
	"fmt"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Demo loads the illustrative demo data set (data/demo) dataset by dataset and publishes it. Files already
// loaded are no-ops, so running it twice changes nothing.
func Demo(ctx context.Context, st *queries.Store) ([]Result, error) {
	var out []Result
	for _, d := range data.Datasets {
		content, name, err := data.DemoFile(d.Name)
		if err != nil {
			return out, err
		}
		res, err := File(ctx, st, d, name, content, Options{LoadedBy: "demo", Demo: true, Publish: true})
		if err != nil {
			return out, fmt.Errorf("demo: %w", err)
		}
		if res.Batch.Duplicate { // loaded before, perhaps as a draft: the demo is public as loaded
			if err := st.PublishBatch(ctx, res.Batch.ID); err != nil {
				return out, err
			}
		}
		out = append(out, res)
	}
	return out, nil
}
