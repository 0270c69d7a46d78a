package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/queries"
)

func init() {
	register(command{name: "gaps", db: true, summary: "print the findings of a year: gaps, growing demand, occupancy", run: runGaps})
}

func runGaps(e *env, args []string) error {
	f := newFlags(e, "gaps")
	year := f.Int("year", 0, "year (default: the latest with data)")
	format := f.String("format", "text", "text, json or csv")
	lang := f.String("lang", "da", "language of the sentences: da or en")
	group := f.String("target-group", "", "only this target group (code)")
	placeType := f.String("place-type", "", "only this place type: dag, doegn or alle")
	severity := f.String("severity", "", "only this severity")
	kind := f.String("kind", "", "only this kind of finding")
	municipality := f.String("municipality", "", "the findings of this municipality (code or name), or all (default: the region's)")
	draft := f.Bool("draft", false, "include data that is not published")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.noArgs(pos); err != nil {
		return err
	}
	if *format != "text" && *format != "json" && *format != "csv" {
		return usagef("--format must be text, json or csv")
	}
	if *lang != "da" && *lang != "en" {
		return usagef("--lang must be da or en")
	}
	area := 0
	if *municipality != "" {
		if area, err = analysis.ParseArea(*municipality); err != nil {
			return usagef("--municipality: %v", err)
		}
	}
	x := analysis.Filter{Year: *year, TargetGroup: *group, PlaceType: *placeType, Severity: *severity, Kind: *kind,
		Municipality: area}
	if err := x.Validate(); err != nil {
		return usagef("%v", err)
	}
	cfg, st, err := f.openWithConfig(e)
	if err != nil {
		return err
	}
	defer st.Close()
	v := queries.View{Draft: *draft}
	var list dashboards.FindingList
	err = st.Read(e.ctx, func(rd *queries.Reader) error {
		years, err := rd.Years(e.ctx, v)
		if err != nil {
			return err
		}
		if len(years) == 0 {
			return fmt.Errorf("no data: load and publish data first (or use --draft)")
		}
		if x.Year == 0 {
			x.Year = queries.LatestYear(years)
		} else if !slices.ContainsFunc(years, func(y queries.YearData) bool { return y.Year == x.Year }) {
			return fmt.Errorf("no data for %d", x.Year)
		}
		list, err = dashboards.SelectFindings(e.ctx, rd, v, x, cfg, *lang)
		return err
	})
	if err != nil {
		return err
	}
	items, demo, label := list.Items, list.Demo, list.Note
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	case "csv":
		if demo {
			fmt.Fprintln(e.stderr, "kapacitet: "+label) // a comment line would break CSV readers
		}
		w := csv.NewWriter(e.stdout)
		w.Write([]string{"id", "kind", "severity", "year", "target_group", "area", "place_type", "supply", "demand", "gap", "sentence"})
		for _, x := range items {
			w.Write([]string{x.ID, x.Kind, x.Severity, strconv.Itoa(x.Year), x.TargetGroup, strconv.Itoa(x.Area), x.PlaceType,
				strconv.FormatInt(x.Supply, 10), strconv.FormatInt(x.Demand, 10), strconv.FormatInt(x.Gap, 10), x.Sentence})
		}
		w.Flush()
		return w.Error()
	default:
		if demo {
			fmt.Fprintln(e.stdout, "# "+label)
		}
		for _, x := range items {
			fmt.Fprintf(e.stdout, "%-17s %-15s %s\n", x.Severity, x.Kind, x.Sentence)
		}
		return nil
	}
}
