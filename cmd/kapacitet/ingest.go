package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
)

func init() {
	register(command{name: "ingest", db: true, args: "DATASET FILE...", run: runIngest,
		summary: "load CSV, XLSX, JSON/NDJSON or Parquet files into a dataset as draft batches (all or nothing; DATASET: " + data.DatasetNames() + ")"})
}

// runIngest validates every file first and loads none unless all are valid; each valid file then becomes
// its own batch, loaded in its own transaction.
func runIngest(e *env, args []string) error {
	f := newFlags(e, "ingest")
	dry := f.Bool("dry-run", false, "validate only; load nothing")
	format := f.String("format", "text", "report format: text or json")
	sheet := f.String("sheet", "", "XLSX: the sheet to read (default: the one whose header names the dataset's columns)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return usagef("ingest needs DATASET and at least one FILE")
	}
	if *format != "text" && *format != "json" {
		return usagef("--format must be text or json")
	}
	d, ok := data.DatasetByName(pos[0])
	if !ok {
		return usagef("unknown dataset %q; datasets: %s", pos[0], data.DatasetNames())
	}
	lim, err := f.limits()
	if err != nil {
		return err
	}
	contents := make([][]byte, 0, len(pos)-1)
	for _, file := range pos[1:] {
		b, err := readInput(e, file)
		var ie *ingest.InvalidError
		if errors.As(err, &ie) { // too large: reported like any other invalid file
			report(e, *format, ingest.Result{File: file, Dataset: d.Name}, err)
			return shortened(err)
		}
		if err != nil {
			return err
		}
		contents = append(contents, b)
	}
	// load validates (dryRun) or loads file i: here, or on the server of --server through its ingest API
	var load func(i int, dryRun bool) (ingest.Result, error)
	if e.remote != nil {
		load = func(i int, dryRun bool) (ingest.Result, error) {
			return e.remote.ingest(e, d, pos[1+i], contents[i], dryRun, *sheet)
		}
	} else {
		st, err := f.open(e)
		if err != nil {
			return err
		}
		defer st.Close()
		load = func(i int, dryRun bool) (ingest.Result, error) {
			opt := ingest.Options{DryRun: true, Sheet: *sheet, Limits: &lim}
			if !dryRun {
				opt = ingest.Options{LoadedBy: e.who(), Sheet: *sheet, Limits: &lim, Progress: progressBar(e, pos[1+i])}
			}
			return ingest.File(e.ctx, st, d, pos[1+i], contents[i], opt)
		}
	}
	var firstErr error
	for i := range pos[1:] {
		if len(contents) == 1 && !*dry {
			break // one file: the load itself validates it first, all or nothing
		}
		res, err := load(i, true)
		if err != nil || *dry {
			report(e, *format, res, err)
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil || *dry {
		return shortened(firstErr)
	}
	for i := range pos[1:] {
		res, err := load(i, false)
		report(e, *format, res, err)
		if err != nil {
			return shortened(err)
		}
	}
	return nil
}

// progressBar draws the staged rows of a long load on a terminal (stderr), from one second on; in logs and
// pipes it draws nothing.
func progressBar(e *env, file string) func(staged, total int) {
	f, ok := e.stderr.(*os.File)
	if !ok {
		return nil
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil
	}
	start := time.Now()
	return func(staged, total int) {
		if time.Since(start) < time.Second || total == 0 {
			return
		}
		const width = 30
		n := width * staged / total
		fmt.Fprintf(f, "\r%s [%s%s] %d/%d rows", filepath.Base(file), strings.Repeat("#", n), strings.Repeat(".", width-n), staged, total)
		if staged == total {
			fmt.Fprintln(f)
		}
	}
}

// reported is an invalid-input error whose problems were printed already: its message is the summary line
// only, and it still unwraps to the *ingest.InvalidError (exit code 3).
type reported struct{ err *ingest.InvalidError }

func (r reported) Error() string { return r.err.Summary() }
func (r reported) Unwrap() error { return r.err }

func shortened(err error) error {
	var ie *ingest.InvalidError
	if errors.As(err, &ie) {
		return reported{ie}
	}
	return err
}

// problemTable prints an invalid file's report as a table: where, column as written, value, reason.
func problemTable(e *env, ie *ingest.InvalidError) {
	fmt.Fprintln(e.stdout, ie.Summary())
	w := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "  STED\tKOLONNE\tVÆRDI\tFEJL (REASON)")
	for _, p := range ie.Problems {
		where := p.Where()
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s (%s)\n", where, p.Column, p.Value, p.DA, p.EN)
	}
	w.Flush()
}

// readInput reads a file after checking its size, so a huge file is refused before it is read.
func readInput(e *env, file string) ([]byte, error) {
	b, err := e.readFile(file, ingest.MaxFileSize)
	if errors.Is(err, errTooLarge) {
		return nil, ingest.TooLarge(file)
	}
	return b, err
}

// report prints what an ingest did or why it refused, as text or JSON. The error itself goes to stderr
// through main.
func report(e *env, format string, res ingest.Result, err error) {
	if format == "json" {
		out := ingest.ReportJSON(res, err)
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
		return
	}
	if err != nil {
		var ie *ingest.InvalidError
		if errors.As(err, &ie) {
			problemTable(e, ie)
		}
		return
	}
	switch {
	case res.DryRun && res.Batch.Duplicate:
		fmt.Fprintf(e.stdout, "%s: %d rows valid; already loaded as batch %d (dry run, nothing changed)\n", res.File, res.Rows, res.Batch.ID)
	case res.DryRun:
		fmt.Fprintf(e.stdout, "%s: %d rows valid; would add %d rows and replace %d (dry run, nothing changed)\n", res.File, res.Rows, res.Rows, res.Batch.Replaced)
	case res.Batch.Duplicate:
		fmt.Fprintf(e.stdout, "%s: already loaded as batch %d; nothing changed\n", res.File, res.Batch.ID)
	default:
		fmt.Fprintf(e.stdout, "%s: %d rows loaded as draft batch %d (%d earlier rows replaced)\n", res.File, res.Rows, res.Batch.ID, res.Batch.Replaced)
	}
	if len(res.Ignored) > 0 {
		fmt.Fprintf(e.stdout, "  ignored columns: %v\n", res.Ignored)
	}
	if len(res.Batch.Summary) > 0 && !res.Batch.Duplicate {
		w := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(w, "  year\ttarget group\tadded\treplaced\t")
		for _, l := range res.Batch.Summary {
			fmt.Fprintf(w, "  %d\t%s\t%d\t%d\t\n", l.Year, l.TargetGroup, l.Added, l.Replaced)
		}
		w.Flush()
	}
}
