package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Issue 8: the extract of n generated purchase rows (queries.FillPurchases, one batch) to Parquet (ZSTD),
// by the CLI's path (dashboards.Export to a file) and over HTTP (GET /api/v1/extracts/purchases.parquet
// from a server in this process, read to the end), against DuckDB's own COPY (SELECT the same rows) TO a
// Parquet file with the same compression and row groups, in the same process and database (opened anew
// after the rows were written).
func runExports(ctx context.Context, dir string, n int, out io.Writer) (int, error) {
	path := filepath.Join(dir, "export.duckdb")
	st, err := queries.Open(ctx, path, queries.Options{})
	if err != nil {
		return 0, err
	}
	batch, err := st.FillPurchases(ctx, n)
	if err != nil {
		st.Close()
		return 0, err
	}
	// the database closed (checkpointed) and opened again, as a server finds it after a restart: the rows
	// just written are not the exports' memory (they sat in DuckDB's buffers, hundreds of MiB)
	if err := st.Close(); err != nil {
		return 0, err
	}
	if st, err = queries.Open(ctx, path, queries.Options{}); err != nil {
		return 0, err
	}
	defer st.Close()
	debug.FreeOSMemory()
	purchases, _ := data.DatasetByName("purchases")
	filter := queries.ExtractFilter{Draft: true, Batch: batch}
	deps := dashboards.Deps{Store: st, Analysis: analysis.DefaultConfig(), Version: "bench", Logger: requestLog}
	h, err := dashboards.NewServer(deps)
	if err != nil {
		return 0, err
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	token, err := st.CreateToken(ctx, "bench", "analyst", "bench")
	if err != nil {
		return 0, err
	}
	var stmt string
	type op struct {
		name string
		run  func() (int64, error)
	}
	ops := []op{
		{"duckdb COPY (SELECT …) TO parquet (baseline)", func() (int64, error) {
			var err error
			stmt, err = st.BaselineCopyParquet(ctx, purchases, filter, filepath.Join(dir, "copy.parquet"))
			return int64(n), err
		}},
		{"kapacitet export purchases (to a file)", func() (int64, error) {
			f, err := os.Create(filepath.Join(dir, "export.parquet"))
			if err != nil {
				return 0, err
			}
			defer f.Close()
			return dashboards.Export(ctx, deps, dashboards.ExportRequest{Dataset: "purchases", Format: "parquet", Filter: filter, Who: "bench"}, f, nil)
		}},
		{"GET /api/v1/extracts/purchases.parquet", func() (int64, error) {
			req, _ := http.NewRequest("GET", srv.URL+"/api/v1/extracts/purchases.parquet?draft=true&batch="+strconv.FormatInt(batch, 10), nil)
			req.Header.Set("Authorization", "Bearer "+token)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				return 0, err
			}
			defer res.Body.Close()
			if res.StatusCode != http.StatusOK {
				return 0, fmt.Errorf("GET: %s", res.Status)
			}
			_, err = io.Copy(io.Discard, res.Body)
			return int64(n), err
		}},
	}
	var results []result
	for _, o := range ops {
		debug.FreeOSMemory()
		resetPeak()
		start := time.Now()
		rows, err := o.run()
		took := time.Since(start)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", o.name, err)
		}
		if rows != int64(n) {
			return 0, fmt.Errorf("%s: %d rows, want %d", o.name, rows, n)
		}
		results = append(results, result{name: o.name, rows: n, perOp: took, peak: peakRSS()})
	}
	base := results[0]
	fmt.Fprintf(out, "exports: %d generated purchase rows (one batch), Parquet with ZSTD and row groups of 122.880 rows, one run each, before the findings' databases are opened, peak RSS of the process during the run; baseline:\n  %s\n", n, stmt)
	fmt.Fprintf(out, "%-52s %9s %12s %12s %10s %12s %14s\n", "benchmark", "rows", "time", "rows/s", "peak RSS", "baseline", "vs baseline")
	for i, r := range results {
		ratio := "1.00"
		if i > 0 {
			ratio = fmt.Sprintf("%.2f speed", base.perOp.Seconds()/r.perOp.Seconds())
		}
		fmt.Fprintf(out, "%-52s %9d %12s %12.0f %10s %12s %14s\n", r.name, r.rows, duration(r.perOp), float64(r.rows)/r.perOp.Seconds(), mib(r.peak), duration(base.perOp), ratio)
		if i > 0 {
			summarizeExport(r, base)
		}
	}
	fmt.Fprintln(out, "vs baseline: speed / COPY's (higher is better; issue 8: at least 0.8, peak RSS under 500 MB)")
	return len(results), nil
}
