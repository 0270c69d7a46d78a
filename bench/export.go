package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Issue 8: the extract of n generated purchase rows (queries.FillPurchases, one batch) to Parquet (ZSTD),
// by the CLI (`kapacitet export` to a file) and over HTTP (GET /api/v1/extracts/purchases.parquet from a
// `kapacitet serve`, read to the end), against DuckDB's own COPY (SELECT the same rows) TO a Parquet file with
// the same compression and row groups. Each runs in a process of its own, started for it on the same
// database file with the same (default) settings: the CLI and the server are the binary as a user runs it,
// the COPY this program run again with -copy-baseline. A peak RSS measured in this process after the other
// rows would carry what they left (neither DuckDB nor Go gives all its memory back at once), and one export
// after another in one process would carry the first one's buffers. The CLI's time is the whole command
// (start, open, export, close); the server's the request's; COPY's the statement's.
func runExports(ctx context.Context, dir string, n int, out io.Writer) (int, error) {
	if binary == "" {
		fmt.Fprintln(out, "exports: no -bin, so no extract rows")
		return 0, nil
	}
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	path := filepath.Join(dir, "export.duckdb")
	st, err := queries.Open(ctx, path, queries.Options{})
	if err != nil {
		return 0, err
	}
	batch, err := st.FillPurchases(ctx, n)
	var token string
	if err == nil {
		token, err = st.CreateToken(ctx, "bench", "analyst", "bench")
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, err
	}
	batchArg := strconv.FormatInt(batch, 10)
	var stmt string
	var copyWall time.Duration // the last COPY process's, start to end
	var copyPeak int64
	type op struct {
		name string
		file string // what it writes (the HTTP response: written to a file too)
		base int    // the op it is measured against (-1: none)
		run  func() (took time.Duration, peak int64, err error)
	}
	ops := []op{
		{"duckdb COPY (SELECT …) TO parquet (the statement)", "copy.parquet", -1, func() (time.Duration, int64, error) {
			cmd := exec.CommandContext(ctx, self, "-copy-baseline", path, "-copy-batch", batchArg, "-copy-to", filepath.Join(dir, "copy.parquet"))
			var stdout bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
			start := time.Now()
			err := cmd.Run()
			copyWall = time.Since(start)
			if err != nil {
				return 0, 0, fmt.Errorf("%s -copy-baseline: %w", self, err)
			}
			lines := strings.SplitN(stdout.String(), "\n", 3)
			var ns, peak int64
			if len(lines) == 3 {
				ns, err = strconv.ParseInt(lines[0], 10, 64)
				if err == nil {
					peak, err = strconv.ParseInt(lines[1], 10, 64)
				}
			}
			if len(lines) != 3 || err != nil {
				return 0, 0, fmt.Errorf("-copy-baseline printed %q", stdout.String())
			}
			stmt, copyPeak = strings.TrimSpace(lines[2]), peak
			return time.Duration(ns), peak, nil
		}},
		// the same run's whole process, as the CLI's time is its whole process
		{"duckdb COPY, its process (start, open, COPY, close)", "copy.parquet", -1, func() (time.Duration, int64, error) {
			return copyWall, copyPeak, nil
		}},
		{"kapacitet export purchases (to a file)", "export.parquet", 1, func() (time.Duration, int64, error) {
			cmd := exec.CommandContext(ctx, binary, "export", "purchases", "--db", path, "--draft", "--batch", batchArg,
				"--format", "parquet", "-o", filepath.Join(dir, "export.parquet"))
			start := time.Now()
			peak, err := runWatched(cmd)
			if err != nil {
				return 0, 0, fmt.Errorf("kapacitet export: %w", err)
			}
			return time.Since(start), peak, nil
		}},
		{"GET /api/v1/extracts/purchases.parquet", "http.parquet", 0, func() (time.Duration, int64, error) {
			srv, err := startServer(ctx, binary, path)
			if err != nil {
				return 0, 0, err
			}
			start := time.Now()
			err = srv.download("/api/v1/extracts/purchases.parquet?draft=true&batch="+batchArg, token, filepath.Join(dir, "http.parquet"))
			took, peak := time.Since(start), peakOf(srv.cmd)
			if serr := srv.stop(); err == nil {
				err = serr
			}
			return took, peak, err
		}},
	}
	results := make([]result, len(ops))
	times := make([][]time.Duration, len(ops))
	for range min(rounds, 3) { // in turn, so that a slow moment of the machine hits each alike
		for i, o := range ops {
			took, peak, err := o.run()
			if err == nil {
				err = checkParquetRows(filepath.Join(dir, o.file), n)
			}
			if err != nil {
				return 0, fmt.Errorf("%s: %w", o.name, err)
			}
			times[i] = append(times[i], took)
			results[i] = result{name: o.name, rows: n, peak: max(results[i].peak, peak), ratio: "-"}
		}
	}
	for i := range results {
		results[i].perOp = median(times[i])
	}
	for i, o := range ops {
		if o.base >= 0 {
			results[i].baseline = results[o.base].perOp
			results[i].ratio = fmt.Sprintf("%.2f speed", results[i].baseline.Seconds()/results[i].perOp.Seconds())
		}
	}
	fmt.Fprintf(out, "exports: %d generated purchase rows (one batch), Parquet with ZSTD and row groups of 122.880 rows, the median time and the highest peak RSS of %d runs each, each in a process of its own started for it (default settings), the peak RSS that process's (the server's over its whole run); baseline:\n  %s\n", n, min(rounds, 3), shortened(strings.Join(strings.Fields(stmt), " "), 240))
	fmt.Fprintf(out, "%-52s %9s %12s %12s %10s %12s %14s\n", "benchmark", "rows", "time", "rows/s", "peak RSS", "baseline", "vs baseline")
	for i, r := range results {
		base := "-"
		if o := ops[i]; o.base >= 0 {
			base = duration(r.baseline)
			summarizeExport(r, results[o.base])
		}
		fmt.Fprintf(out, "%-52s %9d %12s %12.0f %10s %12s %14s\n", r.name, r.rows, duration(r.perOp), float64(r.rows)/r.perOp.Seconds(), mib(r.peak), base, r.ratio)
	}
	fmt.Fprintln(out, "vs baseline: speed / COPY's (higher is better; issue 8: at least 0.8, peak RSS under 500 MB); the CLI against COPY's whole process, the server's request against COPY's statement")
	return len(results), nil
}

// copyBaseline is the -copy-baseline process of the extract rows: the store opened with the default
// settings, DuckDB's own COPY of the batch's purchases (as the extracts select them) to file, then its
// time in nanoseconds, this process's peak resident set size in bytes and the statement, each on a line of
// stdout.
func copyBaseline(path string, batch int64, file string) error {
	ctx := context.Background()
	st, err := queries.Open(ctx, path, queries.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	purchases, _ := data.DatasetByName("purchases")
	start := time.Now()
	stmt, err := st.BaselineCopyParquet(ctx, purchases, queries.ExtractFilter{Draft: true, Batch: batch}, file)
	if err != nil {
		return err
	}
	fmt.Printf("%d\n%d\n%s\n", time.Since(start).Nanoseconds(), peakRSS(), stmt)
	return nil
}

// shortened is s cut to its first n characters, saying how long it was.
func shortened(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return fmt.Sprintf("%s … (%d characters in all)", string(r[:n]), len(r))
}
