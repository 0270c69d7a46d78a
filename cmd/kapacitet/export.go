package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

func init() {
	register(command{name: "export", db: true, args: "DATASET --format parquet|csv|xlsx|arrow -o FILE", run: runExport,
		summary: "write a dataset's rows, or the findings (DATASET findings), names beside codes, as Parquet, CSV, XLSX or Arrow, filtered; --partition-by writes a Hive-partitioned folder"})
}

func runExport(e *env, args []string) error {
	f := newFlags(e, "export")
	format := f.String("format", "parquet", "parquet, csv, xlsx or arrow")
	out := f.String("o", "", "the file to write (required; - writes to stdout; with --partition-by a folder)")
	year := f.Int("year", 0, "only this year")
	group := f.String("target-group", "", "only this target group (code)")
	placeType := f.String("place-type", "", "only this place type: dag or doegn")
	municipality := f.String("municipality", "", "only rows of this municipality (code or name) in any municipality column")
	category := f.String("category", "", "only this category (capacity): kommunal, privat or socialaftale")
	batch := f.Int64("batch", 0, "only the rows of this batch")
	edition := f.Int64("edition", 0, "the rows of this edition (its id, /api/v1/editions)")
	draft := f.Bool("draft", false, "the current rows, also those not published")
	lang := f.String("lang", "da", "language of the names beside codes: da or en")
	dialect := f.String("dialect", "", "excel-da: CSV for Danish Excel (;, decimal comma, byte order mark)")
	partition := f.String("partition-by", "", "year, municipality or year,municipality: a folder of Parquet files by partition (year=2022/location=851/data_0.parquet)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("export needs one DATASET (%s)", data.DatasetNames())
	}
	if _, ok := data.ExtractByName(pos[0]); !ok {
		return usagef("unknown dataset %q; datasets: %s", pos[0], data.ExtractNames())
	}
	switch {
	case *format != "parquet" && *format != "csv" && *format != "xlsx" && *format != "arrow":
		return usagef("invalid --format %q: parquet, csv, xlsx or arrow", *format)
	case *out == "":
		return usagef("export needs -o FILE (or -o - for stdout)")
	case *lang != "da" && *lang != "en":
		return usagef("invalid --lang %q: da or en", *lang)
	case *dialect != "" && *dialect != "excel-da":
		return usagef("invalid --dialect %q: excel-da", *dialect)
	case *year != 0 && !data.PlausibleYear(*year):
		return usagef("invalid --year %d", *year)
	case *partition != "" && *format != "parquet":
		return usagef("--partition-by writes Parquet files: use --format parquet")
	case *partition != "" && *out == "-":
		return usagef("--partition-by writes a folder: -o DIR")
	}
	filter := queries.ExtractFilter{Draft: *draft, Year: *year, TargetGroup: *group, PlaceType: *placeType, Category: *category,
		Batch: *batch, Edition: *edition, Lang: *lang}
	if *municipality != "" {
		area, err := analysis.ParseArea(*municipality)
		if err != nil || area == analysis.AllAreas {
			return usagef("--municipality: one municipality of the region (code or name)")
		}
		filter.Municipality = area
	}
	cfg, st, err := f.openWithConfig(e)
	if err != nil {
		return err
	}
	defer st.Close()
	req := dashboards.ExportRequest{Dataset: pos[0], Format: *format, Filter: filter, ExcelDA: *dialect == "excel-da",
		Who: e.who(), Args: strings.Join(args, " ")}
	deps := dashboards.Deps{Store: st, Analysis: cfg, Version: version}
	progress := e.progress()
	var rows int64
	var files int
	start := time.Now()
	switch {
	case *partition != "":
		if e.outputs != nil {
			return usagef("--partition-by writes a folder here; from another machine use the extracts API")
		}
		rows, err = dashboards.ExportPartitioned(e.ctx, deps, req, strings.Split(*partition, ","), e.path(*out))
		if err == nil {
			parts, _ := filepath.Glob(filepath.Join(e.path(*out), "*", "*.parquet"))
			deeper, _ := filepath.Glob(filepath.Join(e.path(*out), "*", "*", "*.parquet"))
			files = len(parts) + len(deeper)
		}
	case *out == "-":
		rows, err = dashboards.Export(e.ctx, deps, req, e.stdout, progress)
	case *format == "parquet" && e.outputs == nil:
		req.Path = e.path(*out) // DuckDB writes the file itself
		rows, err = dashboards.Export(e.ctx, deps, req, nil, progress)
	default:
		var w io.WriteCloser
		if w, err = e.createFile(*out); err != nil {
			return err
		}
		rows, err = dashboards.Export(e.ctx, deps, req, w, progress)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return err
	}
	if progress != nil {
		fmt.Fprintln(e.stderr)
	}
	if *out != "-" {
		what := *out
		if *partition != "" {
			what = fmt.Sprintf("%s (%d filer/files)", *out, files)
		}
		fmt.Fprintf(e.stdout, "%s: %d rækker af %s på %s (%d rows of %s)\n", what, rows, pos[0], time.Since(start).Round(time.Millisecond), rows, pos[0])
	}
	return nil
}

// progress reports rows written on a terminal (stderr a character device), at most five times a second;
// nil when stderr is not a terminal.
func (e *env) progress() func(rows int64) {
	f, ok := e.stderr.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	var last time.Time
	return func(rows int64) {
		if time.Since(last) > 200*time.Millisecond {
			last = time.Now()
			fmt.Fprintf(f, "\r%d rækker (rows) ...", rows)
		}
	}
}
