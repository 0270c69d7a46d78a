// Command bench is Kapacitet's benchmark harness: it prints figures and ratios against a baseline run in
// the same process. `make bench` runs it at full scale; `make bench-small` (part of `make test`) runs it
// small with -check, which fails when a row is missing, so the harness cannot rot.
package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
	"github.com/kapacitet/kapacitet/queries"
)

func main() {
	testing.Init()
	benchtime := flag.String("benchtime", "1s", "time or count per benchmark, as go test's -benchtime (e.g. 1s, 5x)")
	scale := flag.Int("scale", 16, "copies of the demo capacity file (1-16), each shifted by 5 years")
	check := flag.Bool("check", false, "fail unless every row printed a figure")
	flag.Parse()
	if err := flag.Set("test.benchtime", *benchtime); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	if err := run(*scale, *check); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type result struct {
	name    string
	rows    int
	perOp   time.Duration
	ratioTo string
}

func run(scale int, check bool) error {
	if scale < 1 || scale > 16 {
		return fmt.Errorf("-scale must be 1-16")
	}
	dir, err := os.MkdirTemp("", "kapacitet-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	content, rows, err := scaledCapacity(scale)
	if err != nil {
		return err
	}
	file := filepath.Join(dir, "capacity.csv")
	if err := os.WriteFile(file, content, 0o644); err != nil {
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
	measure := func(name string, nrows int, op func(*queries.Store) error) result {
		r := testing.Benchmark(func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				st := fresh()
				b.StartTimer()
				if err := op(st); err != nil && failure == nil {
					failure = fmt.Errorf("%s: %w", name, err)
				}
				b.StopTimer()
				st.Close()
			}
		})
		return result{name: name, rows: nrows, perOp: time.Duration(r.NsPerOp())}
	}
	baseline := measure("duckdb read_csv, all text (baseline)", rows, func(st *queries.Store) error {
		got, err := st.BaselineReadCSV(ctx, file)
		if err == nil && int(got) != rows {
			err = fmt.Errorf("read %d rows, want %d", got, rows)
		}
		return err
	})
	load := measure("ingest capacity: parse, validate, load", rows, func(st *queries.Store) error {
		_, err := ingest.File(ctx, st, capacity, "capacity.csv", content, ingest.Options{})
		return err
	})
	dry := measure("ingest capacity --dry-run (parse, validate)", rows, func(st *queries.Store) error {
		_, err := ingest.File(ctx, st, capacity, "capacity.csv", content, ingest.Options{DryRun: true})
		return err
	})
	demo := fresh()
	if _, err := ingest.Demo(ctx, demo); err != nil {
		return err
	}
	cfg := analysis.DefaultConfig()
	var nFindings int
	fr := testing.Benchmark(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			fs, err := dashboards.Findings(ctx, demo.Reader, queries.View{}, cfg, "da")
			if err != nil && failure == nil {
				failure = err
			}
			nFindings = len(fs)
		}
	})
	findings := result{name: "findings of the demo (read series + analysis)", rows: nFindings, perOp: time.Duration(fr.NsPerOp())}
	demo.Close()
	if failure != nil {
		return failure
	}
	for _, r := range []*result{&load, &dry} {
		r.ratioTo = fmt.Sprintf("%.2f× baseline", float64(r.perOp)/float64(baseline.perOp))
	}
	baseline.ratioTo = "1.00× baseline"
	findings.ratioTo = "-"
	fmt.Printf("scale %d: %d capacity rows (%d bytes)\n", scale, rows, len(content))
	fmt.Printf("%-48s %8s %14s %14s %16s\n", "benchmark", "rows", "time/op", "rows/s", "ratio")
	printed := 0
	for _, r := range []result{baseline, load, dry, findings} {
		if r.perOp <= 0 || r.rows <= 0 {
			continue
		}
		fmt.Printf("%-48s %8d %14s %14.0f %16s\n", r.name, r.rows, r.perOp.Round(time.Microsecond), float64(r.rows)/r.perOp.Seconds(), r.ratioTo)
		printed++
	}
	if check && printed != 4 {
		return fmt.Errorf("%d of 4 rows printed", printed)
	}
	return nil
}

// scaledCapacity repeats the aggregate lines of the demo capacity file scale times, shifting the years by 5 each time so that every
// copy has its own replacement keys.
func scaledCapacity(scale int) ([]byte, int, error) {
	b, _, err := data.DemoFile("capacity")
	if err != nil {
		return nil, 0, err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		return nil, 0, err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(recs[0])
	rows := 0
	for k := 0; k < scale; k++ {
		for _, r := range recs[1:] {
			if r[1] != "" {
				continue // the aggregate lines only: the benchmark database has no offers
			}
			y, _ := strconv.Atoi(r[0])
			rec := append([]string{strconv.Itoa(y + 5*k)}, r[1:]...)
			w.Write(rec)
			rows++
		}
	}
	w.Flush()
	return buf.Bytes(), rows, w.Error()
}
