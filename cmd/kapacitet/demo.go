package main

import (
	"fmt"

	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
)

func init() {
	register(command{name: "demo", db: true, summary: "create or complete a database with the illustrative demo data and publish its years", run: runDemo})
}

func runDemo(e *env, args []string) error {
	f := newFlags(e, "demo")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.noArgs(pos); err != nil {
		return err
	}
	st, err := f.open(e)
	if err != nil {
		return err
	}
	defer st.Close()
	cfg, err := f.analysisConfig()
	if err != nil {
		return err
	}
	results, err := dashboards.LoadDemo(e.ctx, st, cfg)
	if err != nil {
		return err
	}
	for _, res := range results {
		if res.Batch.Duplicate {
			fmt.Fprintf(e.stdout, "%-11s already loaded (batch %d)\n", res.Dataset, res.Batch.ID)
			continue
		}
		fmt.Fprintf(e.stdout, "%-11s %6d rows  batch %d\n", res.Dataset, res.Rows, res.Batch.ID)
	}
	fmt.Fprintf(e.stdout, "Demo data in %s, published. %s\n", f.db, data.DemoLabelEN)
	return nil
}
