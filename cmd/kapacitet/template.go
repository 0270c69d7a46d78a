package main

import (
	"bytes"
	"fmt"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
	"github.com/kapacitet/kapacitet/queries"
)

func init() {
	register(command{name: "template", db: true, args: "DATASET -o FILE.xlsx", run: runTemplate,
		summary: "write a dataset's XLSX template for the yearly round: Danish guidance, header, drop-down lists and, with --municipality, its rows of the year before"})
}

func runTemplate(e *env, args []string) error {
	f := newFlags(e, "template")
	year := f.Int("year", 0, "the year the template is for (default: the year after the latest with data, or this year)")
	municipality := f.String("municipality", "", "fill in this municipality's rows of the year before (code or name)")
	out := f.String("o", "", "the XLSX file to write (required; - writes it to stdout)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("template needs one DATASET (%s)", data.DatasetNames())
	}
	d, ok := data.DatasetByName(pos[0])
	if !ok {
		return usagef("unknown dataset %q; datasets: %s", pos[0], data.DatasetNames())
	}
	if *out == "" {
		return usagef("template needs -o FILE.xlsx (or -o - for stdout)")
	}
	if *year != 0 && !data.PlausibleYear(*year) {
		return usagef("invalid --year %d", *year)
	}
	area := 0
	if *municipality != "" {
		if area, err = analysis.ParseArea(*municipality); err != nil {
			return usagef("--municipality: %v", err)
		}
		if area == analysis.AllAreas {
			return usagef("--municipality: vælg én kommune (choose one municipality)")
		}
	}
	var st *queries.Store
	if *year == 0 || area != 0 { // the default year and last year's rows come from the database
		if st, err = f.open(e); err != nil {
			return err
		}
		defer st.Close()
	}
	var buf bytes.Buffer
	opt, err := ingest.WriteTemplate(e.ctx, st, &buf, d, queries.View{Draft: true}, *year, area, time.Now())
	if err != nil {
		return err
	}
	if err := e.writeOutput(*out, buf.Bytes()); err != nil { // for a caller on another machine, sent back to it
		return err
	}
	if *out == "-" {
		return nil
	}
	fmt.Fprintf(e.stdout, "%s: skabelon til %s for %d (template of %s for %d)\n", *out, d.Name, opt.Year, d.Name, opt.Year)
	switch name := data.AreaName(area); {
	case area == 0:
	case ingest.MunicipalityColumn(d) == "":
		fmt.Fprintf(e.stdout, "%s indsendes for hele året; ingen rækker udfyldt (%s is sent for the whole year; no rows filled in)\n", d.Name, d.Name)
	case len(opt.Rows) == 1:
		fmt.Fprintf(e.stdout, "1 række for %s fra %d udfyldt (1 row of %s's %d filled in)\n", name, opt.Year-1, name, opt.Year-1)
	default:
		fmt.Fprintf(e.stdout, "%d rækker for %s fra %d udfyldt (%d rows of %s's %d filled in)\n", len(opt.Rows), name, opt.Year-1, len(opt.Rows), name, opt.Year-1)
	}
	return nil
}
