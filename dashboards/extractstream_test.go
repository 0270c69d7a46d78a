package dashboards_test

import (
	"context"
	"io"
	"math"
	"path/filepath"
	"runtime"
	"slices"
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
		rows, err := dashboards.Export(ctx, dashboards.Deps{Store: st, Analysis: analysis.DefaultConfig()},
			dashboards.ExportRequest{Dataset: "purchases", Format: format, Filter: queries.ExtractFilter{Draft: true, Batch: batch}, Who: "test"}, io.Discard, nil)
		close(done)
		wg.Wait()
		st.Close()
		if err != nil || rows != int64(n) {
			t.Fatalf("%d rows: exported %d, %v", n, rows, err)
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
