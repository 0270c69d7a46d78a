package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

func init() {
	register(command{name: "publish", db: true, args: "YEAR", summary: "publish a year as its next edition: what viewers see, frozen, with a correction log", run: runPublish})
}

// yearArg is a command's one argument, a YEAR.
func yearArg(name string, pos []string) (int, error) {
	if len(pos) != 1 {
		return 0, usagef("%s needs one YEAR", name)
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil || !data.PlausibleYear(year) {
		return 0, usagef("invalid year %q", pos[0])
	}
	return year, nil
}

func runPublish(e *env, args []string) error {
	f := newFlags(e, "publish")
	lang := f.String("lang", "da", "language of the correction log: da or en")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	year, err := yearArg("publish", pos)
	if err != nil {
		return err
	}
	if *lang != "da" && *lang != "en" {
		return usagef("invalid --lang %q: da or en", *lang)
	}
	cfg, st, err := f.openWithConfig(e)
	if err != nil {
		return err
	}
	defer st.Close()
	ed, created, err := dashboards.Publish(e.ctx, st, year, cfg, e.who())
	if errors.Is(err, queries.ErrNothingToPublish) {
		return fmt.Errorf("%d: no data of that year is loaded, so there is nothing to publish", year)
	}
	if err != nil {
		return err
	}
	label := dashboards.EditionLabel(ed, *lang)
	if !created {
		fmt.Fprintf(e.stdout, "%d: nothing changed since %s; no new edition\n", year, label)
		return nil
	}
	fmt.Fprintf(e.stdout, "%d: %s\n", year, label)
	if ed.Number == 1 {
		return nil
	}
	t, err := st.EditionTexts(e.ctx, ed.ID, *lang)
	if err != nil {
		return err
	}
	var log []analysis.Correction
	if err := json.Unmarshal(t.Corrections, &log); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d correction(s) since edition %d:\n", len(log), ed.Number-1)
	for _, c := range log {
		fmt.Fprintf(e.stdout, "  - %s\n", c.Sentence)
	}
	return nil
}
