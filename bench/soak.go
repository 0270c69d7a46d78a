package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Issue 9's soak (`make soak`, not part of `make bench`): the demo database behind the dashboards' handler
// on a loopback HTTP server in this process, conns connections (keep-alive) each sending its next request
// when the last is read, for d: a mix of pages (cached and, one request in eight, rendered anew), API calls
// (public and an analyst's drafts) and extracts in every format; and once a minute an ingest (a changed
// capacity file for the latest year, through the API) and a publish of that year. No request may fail;
// the figures are the latencies by kind and the resident memory after the first minute and at the end (at
// most 20 % more), each read after the memory freed but kept by Go and by the C library's malloc is handed
// back (queries.ReleaseMemory: what the process holds, not the high-water mark of its last requests), and
// the resident memory as it is every 30 s beside DuckDB's own count and Go's heap.

// soakMix is what the readers ask for, in turn; "%d" is replaced by the request's number (a page not asked
// for before: rendered).
var soakMix = []struct {
	kind, path string
	analyst    bool
}{
	{"page", "/", false}, {"page", "/gaps?year=2023", false}, {"page", "/groups/autisme-boern", false},
	{"page", "/offers?year=2023", false}, {"page", "/municipalities/851", false}, {"page", "/data", false},
	{"page", "/report/2023", false}, {"page", "/gaps?year=2023&n=%d", false},
	{"api", "/api/v1/findings?year=2023", false}, {"api", "/api/v1/editions", false},
	{"api", "/api/v1/findings?year=2023&draft=true&municipality=all", true}, {"api", "/api/v1/delivery?year=2023", true},
	{"extract", "/api/v1/extracts/capacity.parquet?year=2023", false}, {"extract", "/api/v1/extracts/demand.csv", false},
	{"extract", "/api/v1/extracts/purchases.xlsx?year=2023&draft=true", true}, {"extract", "/api/v1/extracts/offers.arrow", false},
}

type soakResult struct {
	requests, failed int64
	firstError       string
	latencies        map[string][]time.Duration
	writes           []string
	rssMinute, rss   int64
}

func runSoak(d time.Duration, conns int) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kapacitet-soak")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	st, err := queries.Open(ctx, filepath.Join(dir, "soak.duckdb"), queries.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	cfg := analysis.DefaultConfig()
	if _, err := dashboards.LoadDemo(ctx, st, cfg); err != nil {
		return err
	}
	admin, err := st.CreateToken(ctx, "soak-admin", "admin", "soak")
	if err != nil {
		return err
	}
	analyst, err := st.CreateToken(ctx, "soak-analyst", "analyst", "soak")
	if err != nil {
		return err
	}
	h, err := dashboards.NewServer(dashboards.Deps{Store: st, Analysis: cfg, Logger: requestLog, Version: "soak"})
	if err != nil {
		return err
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	capacity, err := soakCapacity()
	if err != nil {
		return err
	}

	res := soakResult{latencies: map[string][]time.Duration{}}
	var mu sync.Mutex
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		res.failed++
		if res.firstError == "" {
			res.firstError = err.Error()
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns + 2, MaxConnsPerHost: conns + 2, DisableCompression: true}}
	defer client.CloseIdleConnections()
	do := func(method, path, token string, body []byte) (string, time.Duration, error) {
		req, err := http.NewRequest(method, srv.URL+path, bytes.NewReader(body))
		if err != nil {
			return "", 0, err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		t0 := time.Now()
		r, err := client.Do(req)
		if err != nil {
			return "", 0, err
		}
		b, err := io.ReadAll(r.Body)
		r.Body.Close()
		took := time.Since(t0)
		if err == nil && r.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s %s: %s: %.200s", method, path, r.Status, b)
		}
		return string(b), took, err
	}
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := map[string][]time.Duration{}
			for time.Since(start) < d {
				i := next.Add(1)
				m := soakMix[i%int64(len(soakMix))]
				path := m.path
				if strings.Contains(path, "%d") {
					path = fmt.Sprintf(path, i)
				}
				token := ""
				if m.analyst {
					token = analyst
				}
				_, took, err := do(http.MethodGet, path, token, nil)
				if err != nil {
					fail(err)
					continue
				}
				mine[m.kind] = append(mine[m.kind], took)
			}
			mu.Lock()
			for k, v := range mine {
				res.latencies[k] = append(res.latencies[k], v...)
				res.requests += int64(len(v))
			}
			mu.Unlock()
		}()
	}
	// the writer: an ingest and a publish a minute (the first at once), the memory after the first minute
	wg.Add(1)
	go func() {
		defer wg.Done()
		for round := 0; time.Since(start) < d; round++ {
			body := capacity(round)
			out, took, err := do(http.MethodPost, "/api/v1/ingest/capacity?file=capacity-soak.csv", admin, body)
			if err != nil {
				fail(err)
			} else {
				mu.Lock()
				res.writes = append(res.writes, fmt.Sprintf("ingest %s", duration(took)))
				res.latencies["ingest"] = append(res.latencies["ingest"], took)
				mu.Unlock()
			}
			_ = out
			_, took, err = do(http.MethodPost, "/api/v1/publish/2023", admin, nil)
			if err != nil {
				fail(err)
			} else {
				mu.Lock()
				res.latencies["publish"] = append(res.latencies["publish"], took)
				mu.Unlock()
			}
			until := start.Add(time.Duration(round+1) * time.Minute)
			for time.Now().Before(until) && time.Since(start) < d {
				time.Sleep(100 * time.Millisecond)
				if res.rssMinute == 0 && time.Since(start) >= time.Minute {
					queries.ReleaseMemory() // what is held, not what is freed but not yet handed back
					res.rssMinute = currentRSS()
				}
			}
		}
	}()
	// every 30 s: the resident memory as it is, DuckDB's own count and Go's heap in use, printed at the end
	stop := make(chan struct{})
	var samples []string
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(30 * time.Second):
			}
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			dm, _ := st.DuckDBMemory(ctx)
			mu.Lock()
			samples = append(samples, fmt.Sprintf("%3.0f s %s (DuckDB %s, Go heap %s)", time.Since(start).Seconds(), mib(currentRSS()), mib(dm), mib(int64(m.HeapInuse))))
			mu.Unlock()
		}
	}()
	wg.Wait()
	close(stop)
	elapsed := time.Since(start)
	queries.ReleaseMemory()
	res.rss = currentRSS()

	fmt.Printf("soak: the demo database on a loopback HTTP server in this process, %d connections for %s, pages, API calls and extracts in every format in turn (one request in %d a page not asked for before, rendered), an ingest and a publish of 2023 a minute\n",
		conns, d, len(soakMix))
	fmt.Printf("%-10s %9s %9s %9s %9s\n", "kind", "requests", "p50", "p99", "max")
	var all []time.Duration
	for _, k := range []string{"page", "api", "extract", "ingest", "publish"} {
		lat := res.latencies[k]
		all = append(all, lat...)
		p50, p99, top := percentiles(lat)
		fmt.Printf("%-10s %9d %9s %9s %9s\n", k, len(lat), duration(p50), duration(p99), duration(top))
	}
	p50, p99, top := percentiles(all)
	fmt.Printf("%-10s %9d %9s %9s %9s   %.0f requests/s, %d failed\n", "all", len(all), duration(p50), duration(p99), duration(top), float64(len(all))/elapsed.Seconds(), res.failed)
	if res.failed > 0 {
		return fmt.Errorf("soak: %d requests failed; the first: %s", res.failed, res.firstError)
	}
	mu.Lock()
	fmt.Printf("resident memory during the soak: %s\n", strings.Join(samples, "; "))
	mu.Unlock()
	if res.rssMinute > 0 {
		growth := float64(res.rss)/float64(res.rssMinute) - 1
		fmt.Printf("resident memory after the first minute %s, at the end %s (%+.0f %%; at most +20 %%)\n", mib(res.rssMinute), mib(res.rss), 100*growth)
		if growth > 0.20 {
			return fmt.Errorf("soak: memory grew %.0f %% from the first minute to the end", 100*growth)
		}
	} else {
		fmt.Println("resident memory: the soak was shorter than a minute, no comparison")
	}
	return nil
}

// soakCapacity returns the demo's capacity file for 2023 with every place count raised by round % 3 (so
// that each minute's ingest changes the rows, and the next publish makes an edition).
func soakCapacity() (func(round int) []byte, error) {
	header, rows, err := data.DemoRows("capacity")
	if err != nil {
		return nil, err
	}
	return func(round int) []byte {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write(header)
		for _, r := range rows {
			if r["year"] != "2023" {
				continue
			}
			rec := make([]string, len(header))
			for i, h := range header {
				rec[i] = r[h]
			}
			for i, h := range header {
				if h == "places" {
					n, _ := strconv.Atoi(rec[i])
					rec[i] = strconv.Itoa(n + round%3)
				}
			}
			w.Write(rec)
		}
		w.Flush()
		return b.Bytes()
	}, nil
}
