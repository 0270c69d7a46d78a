package dashboards_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/queries"
)

// Extracts stream: an extract of 5 million generated purchase rows grows the Go heap by at most 64 MB, and
// typically (the median of the samples) by no more than 10 % (or 2 MB, the measurement's noise) beyond the
// growth of one of 500 thousand rows: the memory does not grow with the extract. Parquet (DuckDB's COPY to a file, then the file) and CSV (Arrow
// record batches written by Go) each. The live heap (collected before each sample) is sampled while the
// extract runs.
func TestExtractStreams(t *testing.T) {
	for _, format := range []string{"parquet", "csv"} {
		t.Run(format, func(t *testing.T) { extractStreams(t, format) })
	}
}

func extractStreams(t *testing.T, format string) {
	ctx := context.Background()
	growth, typical := map[int]float64{}, map[int]float64{}
	for _, n := range []int{500_000, 5_000_000} {
		st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
		if err != nil {
			t.Fatal(err)
		}
		batch, err := st.FillPurchases(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		// the live heap before: two collections (what finalizers and pools free needs the second), after the
		// earlier tests' servers and stores have had a moment to close
		time.Sleep(100 * time.Millisecond)
		runtime.GC()
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var samples []uint64
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			// the live heap: collected before each sample, so that garbage not yet collected is not counted
			var m runtime.MemStats
			for {
				runtime.GC()
				runtime.ReadMemStats(&m)
				samples = append(samples, m.HeapAlloc)
				select {
				case <-done:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		// the large run also checks the rows' order (an extract of a large table is not sorted but read in
		// load order): CSV as it streams, Parquet from its file
		var out io.Writer = io.Discard
		var file string
		var pw *io.PipeWriter
		orderErr := make(chan error, 1)
		if n == 5_000_000 && format == "csv" {
			var pr *io.PipeReader
			pr, pw = io.Pipe()
			out = pw
			go func() { orderErr <- csvInLoadOrder(pr); io.Copy(io.Discard, pr) }()
		}
		if n == 5_000_000 && format == "parquet" {
			file = filepath.Join(t.TempDir(), "x.parquet")
			f, err := os.Create(file)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			out = f
		}
		rows, err := dashboards.Export(ctx, dashboards.Deps{Store: st, Analysis: analysis.DefaultConfig()},
			dashboards.ExportRequest{Dataset: "purchases", Format: format, Filter: queries.ExtractFilter{Draft: true, Batch: batch}, Who: "test"}, out, nil)
		close(done)
		wg.Wait()
		st.Close()
		if err != nil || rows != int64(n) {
			t.Fatalf("%d rows: exported %d, %v", n, rows, err)
		}
		if pw != nil {
			pw.Close()
			if err := <-orderErr; err != nil {
				t.Errorf("CSV of %d rows: %v", n, err)
			}
		}
		if file != "" {
			if err := parquetInLoadOrder(file, n); err != nil {
				t.Errorf("Parquet of %d rows: %v", n, err)
			}
		}
		slices.Sort(samples)
		growth[n] = max(0, float64(samples[len(samples)-1])-float64(before.HeapAlloc))
		typical[n] = max(0, float64(samples[len(samples)/2])-float64(before.HeapAlloc))
		t.Logf("%d rows: the live heap grew by %.1f MB at most, %.1f MB typically (the median of %d samples)", n, growth[n]/1e6, typical[n]/1e6, len(samples))
	}
	if g := growth[5_000_000]; g > 64e6 {
		t.Errorf("5 million rows grew the heap by %.1f MB, more than 64 MB", g/1e6)
	}
	// the peak of a longer run is the highest of more samples, so the runs compare by their typical growth
	if small, large := typical[500_000], typical[5_000_000]; math.Abs(large-small) > math.Max(0.10*math.Max(large, small), 2e6) {
		t.Errorf("the heap typically grew by %.1f MB for 500 thousand rows and %.1f MB for 5 million: more than 10 %% (or 2 MB) apart", small/1e6, large/1e6)
	}
}

// FillPurchases writes row i (from 0) with year 2000 + i % 10, place type dag for even i and doegn for odd,
// and (i % 997) / 10 places: what an extract in load order shows at its row i.
func loadOrderFault(i int, year int, placeType string, places float64) error {
	wantType := "doegn"
	if i%2 == 0 {
		wantType = "dag"
	}
	if year != 2000+i%10 || placeType != wantType || math.Abs(places-float64(i%997)/10) > 1e-9 {
		return fmt.Errorf("row %d is %d, %s, %v: not the row loaded as row %d", i+1, year, placeType, places, i+1)
	}
	return nil
}

// csvInLoadOrder reads a purchases extract as CSV and checks that its rows come in load order.
func csvInLoadOrder(r io.Reader) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return err
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	for i := 0; ; i++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		year, _ := strconv.Atoi(rec[col["year"]])
		places, _ := strconv.ParseFloat(rec[col["places"]], 64)
		if err := loadOrderFault(i, year, rec[col["place_type"]], places); err != nil {
			return err
		}
	}
}

// parquetInLoadOrder reads a purchases extract as Parquet (DuckDB's reader, with each row's place in the
// file) and checks that its n rows come in load order.
func parquetInLoadOrder(file string, n int) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	var rows int
	var first sql.NullInt64
	err = db.QueryRow(`SELECT count(*), min(file_row_number) FILTER (WHERE year <> 2000 + file_row_number % 10
	        OR place_type <> CASE WHEN file_row_number % 2 = 0 THEN 'dag' ELSE 'doegn' END
	        OR places <> ((file_row_number % 997) / 10.0)::DECIMAL(18,2))
	    FROM read_parquet($1, file_row_number = true)`, file).Scan(&rows, &first)
	switch {
	case err != nil:
		return err
	case rows != n:
		return fmt.Errorf("%d rows, want %d", rows, n)
	case first.Valid:
		var year int
		var placeType string
		var places float64
		db.QueryRow(`SELECT year, place_type, places::DOUBLE FROM read_parquet($1, file_row_number = true) WHERE file_row_number = $2`,
			file, first.Int64).Scan(&year, &placeType, &places)
		return loadOrderFault(int(first.Int64), year, placeType, places)
	}
	return nil
}
