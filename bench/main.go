// Command bench is Kapacitet's benchmark harness: it prints figures and ratios against a baseline run in
// the same process, with the same DuckDB settings. `make bench` runs it at full scale; `make bench-small`
// (part of `make test`) runs it small with -check, which fails when a row is missing, so it cannot rot.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
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
	benchtime := flag.String("benchtime", "1x", "time or count of each findings benchmark and its baseline per round, as go test's -benchtime (e.g. 1s, 3x)")
	rows := flag.Int("rows", 1_000_000, "capacity rows of the ingest benchmark")
	flag.IntVar(&rounds, "rounds", 5, "rounds of the ingest and findings benchmarks (each row's time is its median)")
	check := flag.Bool("check", false, "fail unless every row printed a figure")
	flag.DurationVar(&pageTime, "pagetime", 3*time.Second, "time of each measurement of the pages' rows (0: no pages' rows)")
	flag.IntVar(&exportRows, "export-rows", 10_000_000, "generated purchase rows of the extract rows (0: no extract rows)")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the national findings row (baseline and findings) to this file")
	// The findings row runs on the national data set of issue 4, `kapacitet gen --rows 10000000`. --rows is
	// "at most": scale.National writes up to three purchases per capacity line and year, so with the default
	// offers and years that is 23.370 purchase rows (about 96.000 rows in all, loaded in well under a second),
	// not 10 million. -per-offer 1000 -years 24 is the largest set it writes (about 484.000 purchases).
	def := scale.DefaultOptions()
	national := def
	flag.IntVar(&national.Purchases, "purchases", 10_000_000, "purchase rows at most of the national data set of the findings benchmark, as kapacitet gen --rows N")
	flag.IntVar(&national.Years, "years", def.Years, fmt.Sprintf("years of the national data set, ending with %d, as kapacitet gen --years N", def.LastYear))
	flag.IntVar(&national.PerOffer, "per-offer", def.PerOffer, "inhabitants per offer of the national data set (fewer: more offers, capacity, tariffs and purchases)")
	flag.StringVar(&binary, "bin", "", "the kapacitet binary, for the row of the time from start to /readyz (make bench builds it; empty: no such row)")
	soak := flag.Duration("soak", 0, "run the soak of issue 9 for this long instead of the benchmarks (make soak: 5m)")
	soakConns := flag.Int("soak-conns", 64, "connections of the soak")
	copyDB := flag.String("copy-baseline", "", "(the extract rows' own use) run the baseline COPY on this database in this process, print its nanoseconds and statement")
	copyBatch := flag.Int64("copy-batch", 0, "(with -copy-baseline) the batch to copy")
	copyTo := flag.String("copy-to", "", "(with -copy-baseline) the Parquet file to write")
	flag.Parse()
	if *copyDB != "" {
		if err := copyBaseline(*copyDB, *copyBatch, *copyTo); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if *soak > 0 {
		if err := runSoak(*soak, *soakConns); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := flag.Set("test.benchtime", *benchtime); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := run(*rows, national, *check); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// binary is the kapacitet binary the ready row starts.
var binary string

// rounds is how often each ingest benchmark, and each findings benchmark with its baseline, runs.
var rounds int

// cpuProfile is where the CPU profile of the national findings row goes ("": none).
var cpuProfile string

// pageTime is the time of each measurement of the pages' rows.
var pageTime time.Duration

// exportRows is the size of the extract rows' table.
var exportRows int

type result struct {
	name     string
	rows     int
	perOp    time.Duration
	peak     int64         // peak resident memory during the operation, bytes (0: unknown)
	baseline time.Duration // the time/op of the row's baseline (0: none)
	ratio    string
}

func run(nrows int, national scale.Options, check bool) error {
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
		results[i] = result{name: o.name, rows: nrows, perOp: median(times[i]), peak: peaks[i]}
	}
	baseline, load, slow, dry := results[0], results[1], results[2], results[3]
	// the extract rows run now, while no other database is open in the process (their RSS is the process's)
	var exports bytes.Buffer
	nexports := 0
	if exportRows > 0 {
		var err error
		if nexports, err = runExports(ctx, dir, exportRows, &exports); err != nil {
			return fmt.Errorf("exports: %w", err)
		}
	}
	demo := fresh()
	defer demo.Close()
	cfg := analysis.DefaultConfig()
	if _, err := dashboards.LoadDemo(ctx, demo, cfg); err != nil {
		return err
	}
	threads, memLimit, err := demo.Settings(ctx)
	if err != nil {
		return err
	}
	demoFig, err := benchFindings(ctx, demo, cfg)
	if err != nil {
		return fmt.Errorf("findings of the demo: %w", err)
	}
	findings := demoFig.result("findings of the demo (read series + analysis)")

	// Issue 4: every finding of the national data set of `kapacitet gen --rows N` (the same files, loaded by
	// ingest like a user's and every year published), against the bare SQL aggregates the findings rest on.
	natDir := filepath.Join(dir, "national")
	counts, err := scale.National(natDir, national)
	if err != nil {
		return err
	}
	nat := fresh()
	start := time.Now()
	var loaded []string
	for _, d := range data.Datasets {
		content, err := os.ReadFile(filepath.Join(natDir, d.Name+".csv"))
		if err != nil {
			return err
		}
		res, err := ingest.File(ctx, nat, d, d.Name+".csv", content, ingest.Options{})
		if err != nil {
			return fmt.Errorf("national data: %w", err)
		}
		if res.Rows != counts[d.Name] {
			return fmt.Errorf("national data: %s: loaded %d rows, want %d", d.Name, res.Rows, counts[d.Name])
		}
		loaded = append(loaded, fmt.Sprintf("%s %d", d.Name, res.Rows))
	}
	first := national.LastYear - national.Years + 1
	var publish result // issue 10, row 3: the first edition of the national data's last year
	for y := first; y <= national.LastYear; y++ {
		if y == national.LastYear {
			debug.FreeOSMemory()
			resetPeak()
		}
		t0 := time.Now()
		if _, _, err := dashboards.Publish(ctx, nat, y, cfg, "bench"); err != nil {
			return err
		}
		if y == national.LastYear {
			publish = result{name: fmt.Sprintf("kapacitet publish %d (national, first edition)", y), perOp: time.Since(t0), peak: peakRSS(), ratio: "-"}
		}
	}
	loadTime := time.Since(start)
	// its baseline: the bare aggregates of the current rows (the draft view publishing reads)
	t0 := time.Now()
	var pubRows int
	if err := nat.Read(ctx, func(rd *queries.Reader) error {
		rows, err := rd.BareAggregates(ctx, queries.View{Draft: true})
		for _, r := range rows {
			pubRows += r.Rows
		}
		return err
	}); err != nil {
		return err
	}
	publish.baseline, publish.rows = time.Since(t0), pubRows
	publish.ratio = fmt.Sprintf("%.2f time", float64(publish.perOp)/float64(publish.baseline))
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	natFig, err := benchFindings(ctx, nat, cfg)
	pprof.StopCPUProfile() // a no-op without a profile
	if err != nil {
		return fmt.Errorf("findings of the national data: %w", err)
	}
	natFindings := natFig.result(fmt.Sprintf("findings of the national data (gen --rows %d)", national.Purchases))
	// issue 10, row 6: from the start of `kapacitet serve` on the national database to /readyz's 200, against
	// DuckDB opening the same file in this process (the store closed first: one process may open it)
	natPath := nat.Path()
	nat.Close()
	var ready result
	if binary != "" {
		if ready, err = benchReady(ctx, binary, natPath); err != nil {
			return fmt.Errorf("ready: %w", err)
		}
	}

	if failure != nil {
		return failure
	}
	speed := func(r result) float64 { return float64(r.rows) / r.perOp.Seconds() }
	baseline.ratio = "1.00"
	for _, r := range []*result{&load, &slow, &dry} {
		r.baseline = baseline.perOp
		r.ratio = fmt.Sprintf("%.2f speed", speed(*r)/speed(baseline))
	}

	fmt.Printf("capacity file: %d rows, %d bytes; DuckDB threads=%s memory_limit=%s (the same for every row)\n",
		nrows, len(content), threads, memLimit)
	fmt.Printf("ingest rows: median of %d rounds, one run of each row per round, each on a fresh database\n", rounds)
	fmt.Printf("baseline statements:\n  %s\n", strings.Join(statements, "\n  "))
	fmt.Printf("national data (kapacitet gen --rows %d --years %d, seed %d, one offer per %d inhabitants): %s rows; loaded with ingest and %d-%d published in %s\n",
		national.Purchases, national.Years, national.Seed, national.PerOffer, strings.Join(loaded, ", "), first, national.LastYear, loadTime.Round(time.Millisecond))
	fmt.Printf("findings rows: median of %d rounds, each a run of the baseline and of the findings (go test -benchtime %s each), one read transaction per run\n",
		rounds, flag.Lookup("test.benchtime").Value)
	fmt.Printf("findings baseline: the named queries dashboards.Findings reads (queries/sql/NAME.sql), with the same arguments, every Arrow record batch fetched as the findings fetch them, no value read out; rows on the national data:\n  %s\n",
		natFig.aggregates())
	fmt.Printf("%-52s %9s %12s %12s %10s %12s %14s\n", "benchmark", "rows", "time/op", "rows/s", "peak RSS", "baseline", "vs baseline")
	printed := 0
	for _, r := range []result{baseline, load, slow, dry, findings, natFindings, publish, ready} {
		if r.perOp <= 0 || r.rows <= 0 {
			continue
		}
		base := "-"
		if r.baseline > 0 {
			base = duration(r.baseline)
		}
		fmt.Printf("%-52s %9d %12s %12.0f %10s %12s %14s\n", r.name, r.rows, duration(r.perOp), speed(r), mib(r.peak), base, r.ratio)
		printed++
	}
	fmt.Println("vs baseline: ingest, speed/baseline (higher is better); findings, time/baseline (lower is better; issue 4: at most 1.5, and the demo's under 50ms)")
	fmt.Println("findings rows: rows are findings; their baseline's peak RSS: demo", mib(demoFig.basePeak), "national", mib(natFig.basePeak))
	fmt.Printf("findings' reads alone (the same series read into Go values, no analysis; median of %d rounds): demo %s, national %s\n", rounds, demoFig.readsNote(), natFig.readsNote())
	summarizeMain([]result{baseline, load, slow, dry}, findings, natFindings, publish, ready)
	fmt.Println("publish row: rows are those its baseline read, the bare aggregates of the current rows; ready row: the median of three starts of the binary, its baseline DuckDB's open of the same file with a first query in this process")
	if check && printed != 8 {
		return fmt.Errorf("%d of 8 rows printed", printed)
	}
	if pageTime > 0 {
		fmt.Println()
		pages, err := runPages(ctx, demo, cfg, pageTime)
		if err != nil {
			return fmt.Errorf("pages: %w", err)
		}
		if check && pages != 3*len(benchPages) {
			return fmt.Errorf("%d of %d pages' rows printed", pages, 3*len(benchPages))
		}
	}
	if exportRows > 0 {
		fmt.Println()
		fmt.Print(exports.String())
		if check && nexports != 4 {
			return fmt.Errorf("%d of 4 extract rows printed", nexports)
		}
	}
	if n := printSummary(); check && n != 7+3*len(benchPages)+2 {
		return fmt.Errorf("%d of %d summary rows printed", n, 7+3*len(benchPages)+2)
	}
	return nil
}

// findingsFigures are the figures of one findings row.
type findingsFigures struct {
	findings        int
	perOp, baseline time.Duration // medians over the rounds
	reads           time.Duration // the median of the findings' reads into Go values, with no analysis
	peak, basePeak  int64
	rows            []queries.AggregateRows
}

// benchFindings times dashboards.Findings on st as the pages and gaps run it (one read transaction, the
// published view) against the bare aggregates it rests on (queries' BareAggregates, in the same kind of
// transaction), alternating the two in rounds so that a slow moment of the machine hits both alike.
func benchFindings(ctx context.Context, st *queries.Store, cfg analysis.Config) (findingsFigures, error) {
	var f findingsFigures
	var failure error
	fail := func(err error) {
		if err != nil && failure == nil {
			failure = err
		}
	}
	var perOp, baseline, reads []time.Duration
	for range rounds {
		debug.FreeOSMemory()
		resetPeak()
		br := testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				fail(st.Read(ctx, func(rd *queries.Reader) error {
					rows, err := rd.BareAggregates(ctx, queries.View{})
					f.rows = rows
					return err
				}))
			}
		})
		f.basePeak = max(f.basePeak, peakRSS())
		baseline = append(baseline, time.Duration(br.NsPerOp()))
		debug.FreeOSMemory()
		resetPeak()
		fr := testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				fail(st.Read(ctx, func(rd *queries.Reader) error { // as the pages and gaps do
					// computed, as when an edition is published (viewers read the published ones)
					fs, err := dashboards.ComputeFindings(ctx, rd, queries.View{}, cfg, "da")
					f.findings = len(fs)
					return err
				}))
			}
		})
		f.peak = max(f.peak, peakRSS())
		perOp = append(perOp, time.Duration(fr.NsPerOp()))
		debug.FreeOSMemory()
		rr := testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				fail(st.Read(ctx, func(rd *queries.Reader) error { return readSeries(ctx, rd, queries.View{}) }))
			}
		})
		reads = append(reads, time.Duration(rr.NsPerOp()))
	}
	f.perOp, f.baseline, f.reads = median(perOp), median(baseline), median(reads)
	return f, failure
}

// readSeries reads what dashboards.ComputeFindings reads, in its order and into the same Go values, and
// runs no analysis: what is left of the findings' time over it is the analysis. Keep it in step with
// dashboards/findings.go.
func readSeries(ctx context.Context, rd *queries.Reader, v queries.View) error {
	if _, err := dashboards.AnalysisInput(ctx, rd, v); err != nil {
		return err
	}
	if _, err := rd.PurchaseFlows(ctx, v); err != nil {
		return err
	}
	if _, err := rd.TariffLines(ctx, v); err != nil {
		return err
	}
	if _, err := rd.OfferOccupancy(ctx, v); err != nil {
		return err
	}
	_, err := rd.CapacityLines(ctx, v)
	return err
}

// readsNote says how long the reads alone took beside the baseline and the findings.
func (f findingsFigures) readsNote() string {
	if f.baseline <= 0 || f.perOp <= 0 {
		return "-"
	}
	return fmt.Sprintf("%s (%.2f × the baseline; the analysis adds %s)", duration(f.reads), float64(f.reads)/float64(f.baseline), duration(f.perOp-f.reads))
}

// result is the table row of the figures.
func (f findingsFigures) result(name string) result {
	r := result{name: name, rows: f.findings, perOp: f.perOp, peak: f.peak, baseline: f.baseline, ratio: "-"}
	if f.baseline > 0 {
		r.ratio = fmt.Sprintf("%.2f time", float64(f.perOp)/float64(f.baseline))
	}
	return r
}

// aggregates lists the baseline's queries with their rows.
func (f findingsFigures) aggregates() string {
	var parts []string
	for _, a := range f.rows {
		parts = append(parts, fmt.Sprintf("%s %d", a.Name, a.Rows))
	}
	return strings.Join(parts, ", ")
}

// duration rounds d for the table: milliseconds from a second up, else tens of microseconds.
func duration(d time.Duration) string {
	if d >= time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Microsecond).String()
}

// mib formats a peak resident set size; "-" when unknown.
func mib(b int64) string {
	if b <= 0 {
		return "-"
	}
	return fmt.Sprintf("%d MiB", b>>20)
}

// resetPeak resets the process's peak resident set size (Linux: /proc/self/clear_refs), so that peakRSS
// measures one operation.
func resetPeak() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o644) }

// peakRSS reads the peak resident set size (VmHWM) since the last resetPeak; 0 where /proc is missing.
func peakRSS() int64 { return procStatus("self", "VmHWM") }

// currentRSS reads the resident set size (VmRSS); 0 where /proc is missing.
func currentRSS() int64 { return procStatus("self", "VmRSS") }

// procStatus reads a size in kB of /proc/PID/status (pid "self" or a number; field "VmRSS", "VmHWM"), in
// bytes; 0 where /proc is missing.
func procStatus(pid, field string) int64 {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// median is the middle of ts (sorted in place).
func median(ts []time.Duration) time.Duration {
	slices.Sort(ts)
	return ts[len(ts)/2]
}

// percentiles are the median, the 99th percentile and the largest of lat (not changed).
func percentiles(lat []time.Duration) (p50, p99, top time.Duration) {
	if len(lat) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*99/100)], s[len(s)-1]
}
