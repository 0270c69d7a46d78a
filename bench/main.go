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
	"runtime/debug"
	"slices"
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
	benchtime := flag.String("benchtime", "1x", "time or count of the findings benchmark, as go test's -benchtime (e.g. 1s, 3x)")
	rows := flag.Int("rows", 1_000_000, "capacity rows of the ingest benchmark")
	flag.IntVar(&rounds, "rounds", 5, "rounds of the ingest benchmarks (each row's time is its median)")
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

// rounds is how often each ingest benchmark runs.
var rounds int

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
	// The ingest rows run in rounds, one run of each per round (so that a slow moment of the machine hits
	// every row alike), each on a fresh database; a row's time is its median over the rounds.
	type op struct {
		name string
		run  func(*queries.Store) error
	}
	var statements []string
	ops := []op{
		{"duckdb INSERT … SELECT * FROM read_csv (baseline)", func(st *queries.Store) error {
			got, stmts, err := st.BaselineInsertCSV(ctx, file)
			statements = stmts
			if err == nil && int(got) != nrows {
				err = fmt.Errorf("inserted %d rows, want %d", got, nrows)
			}
			return err
		}},
		{"kapacitet ingest capacity (parse, validate, load)", func(st *queries.Store) error {
			res, err := ingest.File(ctx, st, capacity, "capacity.csv", content, ingest.Options{Limits: &lim})
			if err == nil && (!res.Fast || res.Rows != nrows) {
				err = fmt.Errorf("loaded %d rows, fast path %v: want %d rows by the fast path", res.Rows, res.Fast, nrows)
			}
			return err
		}},
		{"kapacitet ingest, row by row (the fast path off)", func(st *queries.Store) error {
			_, err := ingest.File(ctx, st, capacity, "capacity.csv", content, ingest.Options{Limits: &lim, NoFast: true})
			return err
		}},
		{"kapacitet ingest --dry-run (the same, rolled back)", func(st *queries.Store) error {
			res, err := ingest.File(ctx, st, capacity, "capacity.csv", content, ingest.Options{Limits: &lim, DryRun: true})
			if err == nil && (!res.Fast || res.Batch.Rows != nrows) {
				err = fmt.Errorf("dry run of %d rows, fast path %v: want %d rows by the fast path", res.Batch.Rows, res.Fast, nrows)
			}
			return err
		}},
	}
	times := make([][]time.Duration, len(ops))
	peaks := make([]int64, len(ops))
	for range rounds {
		for i, o := range ops {
			st := fresh()
			debug.FreeOSMemory() // the garbage of the run before is not this run's time or memory
			resetPeak()
			start := time.Now()
			fail(o.name, o.run(st))
			times[i] = append(times[i], time.Since(start))
			peaks[i] = max(peaks[i], peakRSS())
			st.Close()
		}
	}
	results := make([]result, len(ops))
	for i, o := range ops {
		slices.Sort(times[i])
		results[i] = result{name: o.name, rows: nrows, perOp: times[i][len(times[i])/2], peak: peaks[i]}
	}
	baseline, load, slow, dry := results[0], results[1], results[2], results[3]
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
	fmt.Printf("ingest rows: median of %d rounds, one run of each row per round, each on a fresh database\n", rounds)
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
