package dashboards_test

import (
	"context"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/queries"
)

// Extracts stream: an extract of 5 million generated purchase rows grows the Go heap by at most 64 MB, and
// by no more than 10 % (or 1 MB, the sampling's noise) beyond the growth of one of 500 thousand rows: the
// memory does not grow with the extract. Parquet (DuckDB's COPY to a file, then the file) and CSV (Arrow
// record batches written by Go) each. The heap is sampled while the extract runs, with the collector kept
// close to the live heap.
func TestExtractStreams(t *testing.T) {
	for _, format := range []string{"parquet", "csv"} {
		t.Run(format, func(t *testing.T) { extractStreams(t, format) })
	}
}

func extractStreams(t *testing.T, format string) {
	ctx := context.Background()
	growth := map[int]float64{}
	for _, n := range []int{500_000, 5_000_000} {
		st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
		if err != nil {
			t.Fatal(err)
		}
		batch, err := st.FillPurchases(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		old := debug.SetGCPercent(10)
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var peak uint64
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			var m runtime.MemStats
			for {
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc)
				select {
				case <-done:
					return
				case <-time.After(5 * time.Millisecond):
				}
			}
		}()
		rows, err := dashboards.Export(ctx, dashboards.Deps{Store: st, Analysis: analysis.DefaultConfig()},
			dashboards.ExportRequest{Dataset: "purchases", Format: format, Filter: queries.ExtractFilter{Draft: true, Batch: batch}, Who: "test"}, io.Discard, nil)
		close(done)
		wg.Wait()
		debug.SetGCPercent(old)
		st.Close()
		if err != nil || rows != int64(n) {
			t.Fatalf("%d rows: exported %d, %v", n, rows, err)
		}
		growth[n] = float64(peak) - float64(before.HeapAlloc)
		t.Logf("%d rows: the heap grew by %.1f MB", n, growth[n]/1e6)
	}
	if g := growth[5_000_000]; g > 64e6 {
		t.Errorf("5 million rows grew the heap by %.1f MB, more than 64 MB", g/1e6)
	}
	if small, large := growth[500_000], growth[5_000_000]; math.Abs(large-small) > math.Max(0.10*math.Max(large, small), 1e6) {
		t.Errorf("the heap grew by %.1f MB for 500 thousand rows and %.1f MB for 5 million: more than 10 %% apart", small/1e6, large/1e6)
	}
}
