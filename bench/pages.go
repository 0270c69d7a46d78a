package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing/fstest"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/queries"
)

// Issue 7: pages under load. The demo database served by the dashboards' handler on a real HTTP server in
// this process; a load generator of N connections (keep-alive), each sending its next request when the last
// has been read, for a fixed time. Cached: the same page again (sent from the page cache). Uncached: each
// request a page not asked for before (a parameter the page ignores, &n=i), so each is rendered. Baseline:
// a static file of the same size as the page, served by the same server (the same middleware) in the same
// run at the same connections.

// benchPages is the pages' table: one row per page and mode.
var benchPages = []string{"/", "/gaps", "/groups/autisme-boern"}

type load struct {
	requests   int
	elapsed    time.Duration
	p50, p99   time.Duration
	bytes      int
	failed     int
	firstError string
}

func (l load) rps() float64 { return float64(l.requests) / l.elapsed.Seconds() }

// hammer sends requests to url(i) from conns connections for d and measures them.
func hammer(url func(i int) string, conns int, d time.Duration) load {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}}
	defer client.CloseIdleConnections()
	var (
		mu    sync.Mutex
		l     load
		lat   []time.Duration
		next  int
		start = time.Now()
		wg    sync.WaitGroup
	)
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Since(start) < d {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				t0 := time.Now()
				res, err := client.Get(url(i))
				n := 0
				if err == nil {
					var b []byte
					b, err = io.ReadAll(res.Body)
					res.Body.Close()
					n = len(b)
					if err == nil && res.StatusCode != http.StatusOK {
						err = fmt.Errorf("%s: %s", url(i), res.Status)
					}
				}
				took := time.Since(t0)
				mu.Lock()
				if err != nil {
					l.failed++
					if l.firstError == "" {
						l.firstError = err.Error()
					}
				} else {
					l.requests++
					l.bytes = n
				}
				mu.Unlock()
				mine = append(mine, took)
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	l.elapsed = time.Since(start)
	l.p50, l.p99, _ = percentiles(lat)
	return l
}

// pageRow is one row of the pages' table.
type pageRow struct {
	page, mode string
	conns      int
	l          load
	static     load // the static file of the page's size at the same connections
}

// runPages measures every page of benchPages on st (the demo, published) for d per measurement and prints
// the table; it returns the rows printed.
func runPages(ctx context.Context, st *queries.Store, cfg analysis.Config, d time.Duration) (int, error) {
	// the pages' sizes first, to make the static files of the same sizes
	h, err := dashboards.NewServer(dashboards.Deps{Store: st, Analysis: cfg, Logger: requestLog})
	if err != nil {
		return 0, err
	}
	probe := httptest.NewServer(h)
	sizes := map[string]int{}
	for _, p := range benchPages {
		res, err := http.Get(probe.URL + p)
		if err != nil {
			probe.Close()
			return 0, err
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			probe.Close()
			return 0, fmt.Errorf("%s: %s", p, res.Status)
		}
		sizes[p] = len(b)
	}
	probe.Close()
	files := fstest.MapFS{}
	for p, n := range sizes {
		files[staticName(p)] = &fstest.MapFile{Data: make([]byte, n), ModTime: time.Now()}
	}
	h, err = dashboards.NewServer(dashboards.Deps{Store: st, Analysis: cfg, Static: files, Logger: requestLog})
	if err != nil {
		return 0, err
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	sep := func(p string) string {
		if slices.Contains([]byte(p), '?') {
			return "&"
		}
		return "?"
	}
	var rows []pageRow
	for _, p := range benchPages {
		static := func(conns int) load {
			return hammer(func(int) string { return srv.URL + "/static/" + staticName(p) }, conns, d)
		}
		s64, s4 := static(64), static(4)
		hammer(func(int) string { return srv.URL + p }, 1, time.Millisecond) // cached: the page is in the cache
		rows = append(rows,
			pageRow{p, "cached", 64, hammer(func(int) string { return srv.URL + p }, 64, d), s64},
			pageRow{p, "uncached", 4, hammer(func(i int) string { return fmt.Sprintf("%s%s%sn=%d", srv.URL, p, sep(p), i) }, 4, d), s4},
			pageRow{p, "uncached", 64, hammer(func(i int) string { return fmt.Sprintf("%s%s%sn=%d", srv.URL, p, sep(p), i) }, 64, d), s64},
		)
	}
	fmt.Printf("pages: the demo database (published) on an HTTP server in this process, keep-alive connections each sending its next request when the last is read, %s per measurement; cached: the same page again (the page cache); uncached: every request a page not asked for before (&n=i), rendered; static: a file of the page's size from the same server's /static/, measured just before at the same connections\n", d)
	fmt.Printf("%-24s %-9s %5s %8s %9s %9s %9s %10s %9s %11s\n", "page", "mode", "conns", "bytes", "req/s", "p50", "p99", "static/s", "static p99", "vs static")
	printed := 0
	for _, r := range rows {
		if r.l.failed > 0 || r.static.failed > 0 {
			return printed, fmt.Errorf("%s %s: %d failed (%s), static %d failed (%s)", r.page, r.mode, r.l.failed, r.l.firstError, r.static.failed, r.static.firstError)
		}
		if r.l.requests == 0 || r.static.requests == 0 {
			continue
		}
		fmt.Printf("%-24s %-9s %5d %8d %9.0f %9s %9s %10.0f %9s %11s\n", r.page, r.mode, r.conns, r.l.bytes, r.l.rps(),
			duration(r.l.p50), duration(r.l.p99), r.static.rps(), duration(r.static.p99), fmt.Sprintf("%.2f rate", r.l.rps()/r.static.rps()))
		summarizePage(r)
		printed++
	}
	fmt.Println("vs static: the page's requests per second / the static file's (higher is better; issue 7: cached at least 0.8 with p99 under 50ms, uncached p99 under 150ms at 4 connections)")
	return printed, nil
}

// staticName is the name of the static file of page p's size.
func staticName(p string) string {
	name := []byte("bench")
	for _, c := range []byte(p) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' {
			name = append(name, c)
		} else {
			name = append(name, '_')
		}
	}
	return string(name) + ".html"
}

// requestLog is the servers' log in the benchmarks: written as `serve --log-format json` writes it (its cost
// is in the figures), to nowhere.
var requestLog = slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))
