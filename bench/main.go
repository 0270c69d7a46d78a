// Command bench is Kapacitet's benchmark harness: it prints figures and ratios against a baseline run in
// the same process, with the same DuckDB settings. `make bench` runs it at full scale; `make bench-small`
// (part of `make test`) runs it small with -check, which fails when a row is missing, so it cannot rot.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/data/scale"
	"github.com/kapacitet/kapacitet/ingest"
	"github.com/kapacitet/kapacitet/queries"
)

func main() {
	testing.Init()
	benchtime := flag.String("benchtime", "1x", "time or count per benchmark, as go test's -benchtime (e.g. 1s, 3x)")
	rows := flag.Int("rows", 1_000_000, "capacity rows of the ingest benchmark")
	check := flag.Bool("check", false, "fail unless every row printed a figure")
	flag.Parse()
	if err := flag.Set("test.benchtime", *benchtime); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := run(*rows, *check); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type result struct {
	name  string
	rows  int
	perOp time.Duration
	peak  int64 // peak resident memory during the operation, bytes (0: unknown)
	ratio string
}

func run(nrows int, check bool) error {
	dir, err := os.MkdirTemp("", "kapacitet-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "capacity.csv")
	content, lim := scale.Capacity(nrows)
	if err := os.WriteFile(file, content, 0o600); err != nil {
		return err
	}
	ctx := context.Background()
	capacity, _ := data.DatasetByName("capacity")
	n := 0
	fresh := func() *queries.Store {
		n++
		st, err := queries.Open(ctx, filepath.Join(dir, fmt.Sprintf("b%d.duckdb", n)), queries.Options{})
		if err != nil {
			panic(err)
		}
		return st
	}
	var failure error
	fail := func(name string, err error) {
		if err != nil && failure == nil {
			failure = fmt.Errorf("%s: %w", name, err)
		}
	}
	measure := func(name string, rows int, op func(*queries.Store) error) result {
		var peak int64
		r := testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st := fresh()
				resetPeak()
				b.StartTimer()
				fail(name, op(st))
				b.StopTimer()
				peak = max(peak, peakRSS())
				st.Close()
			}
		})
		return result{name: name, rows: rows, perOp: time.Duration(r.NsPerOp()), peak: peak}
	}
	var statements []string
	baseline := measure("duckdb INSERT … SELECT * FROM read_csv (baseline)", nrows, func(st *queries.Store) error {
		got, stmts, err := st.BaselineInsertCSV(ctx, file)
		statements = stmts
		if err == nil && int(got) != nrows {
			err = fmt.Errorf("inserted %d rows, want %d", got, nrows)
		}
		return err
	})
	load := measure("kapacitet ingest capacity (parse, validate, load)", nrows, func(st *queries.Store) error {
		res, err := ingest.File(ctx, st, capacity, "capacity.csv", content, ingest.Options{Limits: &lim})
		if err == nil && (!res.Fast || res.Rows != nrows) {
			err = fmt.Errorf("loaded %d rows, fast path %v: want %d rows by the fast path", res.Rows, res.Fast, nrows)
		}
		return err
	})
	slow := measure("kapacitet ingest, row by row (the fast path off)", nrows, func(st *queries.Store) error {
		_, err := ingest.File(ctx, st, capacity, "capacity.csv", content, ingest.Options{Limits: &lim, NoFast: true})
		return err
	})
	dry := measure("kapacitet ingest --dry-run (the same, rolled back)", nrows, func(st *queries.Store) error {
		res, err := ingest.File(ctx, st, capacity, "capacity.csv", content, ingest.Options{Limits: &lim, DryRun: true})
		if err == nil && (!res.Fast || res.Batch.Rows != nrows) {
			err = fmt.Errorf("dry run of %d rows, fast path %v: want %d rows by the fast path", res.Batch.Rows, res.Fast, nrows)
		}
		return err
	})
	demo := fresh()
	defer demo.Close()
	if _, err := ingest.Demo(ctx, demo); err != nil {
		return err
	}
	threads, memLimit, err := demo.Settings(ctx)
	if err != nil {
		return err
	}
	cfg := analysis.DefaultConfig()
	var nFindings int
	fr := testing.Benchmark(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			fail("findings", demo.Read(ctx, func(rd *queries.Reader) error { // as the pages and gaps do
				fs, err := dashboards.Findings(ctx, rd, queries.View{}, cfg, "da")
				nFindings = len(fs)
				return err
			}))
		}
	})
	findings := result{name: "findings of the demo (read series + analysis)", rows: nFindings, perOp: time.Duration(fr.NsPerOp()), ratio: "-"}
	if failure != nil {
		return failure
	}
	speed := func(r result) float64 { return float64(r.rows) / r.perOp.Seconds() }
	baseline.ratio = "1.00"
	load.ratio = fmt.Sprintf("%.2f", speed(load)/speed(baseline))
	slow.ratio = fmt.Sprintf("%.2f", speed(slow)/speed(baseline))
	dry.ratio = fmt.Sprintf("%.2f", speed(dry)/speed(baseline))

	fmt.Printf("capacity file: %d rows, %d bytes; DuckDB threads=%s memory_limit=%s (the same for every row)\n",
		nrows, len(content), threads, memLimit)
	fmt.Printf("baseline statements:\n  %s\n", strings.Join(statements, "\n  "))
	fmt.Printf("%-52s %9s %12s %12s %10s %16s\n", "benchmark", "rows", "time/op", "rows/s", "peak RSS", "speed/baseline")
	printed := 0
	for _, r := range []result{baseline, load, slow, dry, findings} {
		if r.perOp <= 0 || r.rows <= 0 {
			continue
		}
		peak := "-"
		if r.peak > 0 {
			peak = fmt.Sprintf("%d MiB", r.peak>>20)
		}
		fmt.Printf("%-52s %9d %12s %12.0f %10s %16s\n", r.name, r.rows, r.perOp.Round(time.Millisecond), speed(r), peak, r.ratio)
		printed++
	}
	if check && printed != 5 {
		return fmt.Errorf("%d of 5 rows printed", printed)
	}
	return nil
}

// resetPeak resets the process's peak resident set size (Linux: /proc/self/clear_refs), so that peakRSS
// measures one operation.
func resetPeak() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o644) }

// peakRSS reads the peak resident set size (VmHWM) since the last resetPeak; 0 where /proc is missing.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
