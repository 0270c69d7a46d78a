package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
)

func init() {
	register(command{name: "ingest", args: "DATASET FILE...",
		summary: "load files into a dataset as draft batches (all or nothing; DATASET: " + data.DatasetNames() + ")", run: runIngest})
}

func runIngest(e *env, args []string) error {
	f := newFlags(e, "ingest")
	dry := f.Bool("dry-run", false, "validate only; load nothing")
	format := f.String("format", "text", "report format: text or json")
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
	st, err := f.open(e)
	if err != nil {
		return err
	}
	defer st.Close()
	var firstErr error
	for _, file := range pos[1:] {
		if fi, err := os.Stat(file); err != nil {
			return err
		} else if fi.Size() > ingest.MaxFileSize {
			return &ingest.InvalidError{File: file, Problems: []ingest.Problem{{
				DA: fmt.Sprintf("filen er større end %d MiB", ingest.MaxFileSize>>20),
				EN: fmt.Sprintf("the file is larger than %d MiB", ingest.MaxFileSize>>20)}}}
		}
		content, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		res, err := ingest.File(e.ctx, st, d, file, content, ingest.Options{DryRun: *dry, LoadedBy: "cli"})
		if *format == "json" {
			out := map[string]any{"file": file, "dataset": d.Name, "sha256": res.SHA256, "rows": res.Rows, "dry_run": *dry,
				"batch": res.Batch.ID, "duplicate": res.Batch.Duplicate, "replaced": res.Batch.Replaced, "ignored_columns": res.Ignored}
			var ie *ingest.InvalidError
			if errors.As(err, &ie) {
				out["problems"] = ie.Problems
			}
			enc := json.NewEncoder(e.stdout)
			enc.SetIndent("", "  ")
			enc.Encode(out)
		}
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		if *format == "text" {
			switch {
			case *dry:
				fmt.Fprintf(e.stdout, "%s: %d rows valid (dry run, nothing loaded)\n", file, res.Rows)
			case res.Batch.Duplicate:
				fmt.Fprintf(e.stdout, "%s: already loaded as batch %d; nothing changed\n", file, res.Batch.ID)
			default:
				fmt.Fprintf(e.stdout, "%s: %d rows loaded as draft batch %d (%d earlier rows replaced)\n", file, res.Rows, res.Batch.ID, res.Batch.Replaced)
			}
			if len(res.Ignored) > 0 {
				fmt.Fprintf(e.stdout, "  ignored columns: %v\n", res.Ignored)
			}
		}
	}
	return firstErr
}
