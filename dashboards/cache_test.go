package dashboards_test

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Pages are cached per edition (per data version for drafts): If-None-Match with the page's ETag is answered
// 304 and a page rendered before is sent again, both without a query (the query counter of /metrics stands
// still); an ingest changes the drafts' ETag and not the public's, a publish the public's; errors are never
// cached; concurrent readers of a new page wait for one rendering; a revoked token is refused at once.
func TestPageCache(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	analyst, err := st.CreateToken(ctx, "cache", "analyst", "test")
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		code       int
		etag, body string
	}
	do := func(path, token, ifNoneMatch string) answer {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return answer{res.StatusCode, res.Header.Get("ETag"), string(body)}
	}
	metric := func(name string) int64 {
		t.Helper()
		_, body := get(t, srv.URL+"/metrics")
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + ` (\d+)$`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("/metrics has no %s:\n%s", name, body)
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		return n
	}
	queriesSent := func() int64 { return metric("kapacitet_db_queries_total") }

	const page = "/?year=2023&lang=da"
	first := do(page, "", "")
	if first.code != 200 || first.etag == "" {
		t.Fatalf("first request: %d, ETag %q", first.code, first.etag)
	}
	before, notModified := queriesSent(), metric(`kapacitet_page_cache_total{result="not_modified"}`)
	if a := do(page, "", first.etag); a.code != 304 || a.body != "" || a.etag != first.etag {
		t.Errorf("If-None-Match with the current ETag: %d %q", a.code, a.etag)
	}
	if a := do("/?lang=da&year=2023", "", ""); a.code != 200 || a.body != first.body || a.etag != first.etag {
		t.Errorf("the same page again (parameters in another order): %d, same body %v, ETag %q", a.code, a.body == first.body, a.etag)
	}
	if n := queriesSent(); n != before {
		t.Errorf("a 304 and a cached page sent %d queries, want none", n-before)
	}
	if n := metric(`kapacitet_page_cache_total{result="not_modified"}`); n != notModified+1 {
		t.Errorf("not_modified counted %d, want %d", n, notModified+1)
	}
	// the control: a page not rendered before does read the database
	if do("/gaps?year=2022", "", ""); queriesSent() == before {
		t.Error("a new page sent no query: the counter counts nothing")
	}

	// drafts: an analyst's draft page, with the token lookup cached too
	const draft = "/gaps?year=2023&draft=true"
	d1 := do(draft, analyst, "")
	if d1.code != 200 || d1.etag == "" || d1.etag == first.etag {
		t.Fatalf("draft page: %d, ETag %q", d1.code, d1.etag)
	}
	before = queriesSent()
	if a := do(draft, analyst, d1.etag); a.code != 304 {
		t.Errorf("draft If-None-Match: %d", a.code)
	}
	if n := queriesSent(); n != before {
		t.Errorf("a draft 304 sent %d queries, want none", n-before)
	}
	// draft=1 is a draft too: its own version, not the editions'
	if a := do("/gaps?year=2023&draft=1", analyst, ""); a.code != 200 || !strings.Contains(a.etag, "-d") {
		t.Errorf("draft=1: %d, ETag %q", a.code, a.etag)
	}
	if a := do(draft, "", ""); a.code != 401 {
		t.Errorf("a draft from the cache for the public: %d", a.code)
	}

	// an ingest changes the drafts, not the editions
	d, _ := data.DatasetByName("demand")
	rows := []data.Row{{"year": int64(2023), "municipality": int64(851), "target_group": "misbrug", "place_type": "dag", "placed": int64(3), "waiting": int64(0)}}
	if _, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "cache.csv", SHA256: "cache", Rows: rows, Lines: []int{2}}); err != nil {
		t.Fatal(err)
	}
	if a := do(draft, analyst, d1.etag); a.code != 200 || a.etag == d1.etag {
		t.Errorf("draft after an ingest: %d, ETag %q (was %q)", a.code, a.etag, d1.etag)
	}
	if a := do(page, "", first.etag); a.code != 304 {
		t.Errorf("the public page after an ingest: %d, want 304 (nothing published)", a.code)
	}
	// a publish changes the public's
	if _, created, err := dashboards.Publish(ctx, st, 2023, analysis.DefaultConfig(), "test"); err != nil || !created {
		t.Fatalf("publish: %v %v", created, err)
	}
	if a := do(page, "", first.etag); a.code != 200 || a.etag == first.etag {
		t.Errorf("the public page after a publish: %d, ETag %q", a.code, a.etag)
	}

	// many readers of a page not rendered yet (a council opening it after the publish): it is rendered once
	misses := metric(`kapacitet_page_cache_total{result="miss"}`)
	bodies := make([]answer, 16)
	var wg sync.WaitGroup
	for i := range bodies {
		wg.Add(1)
		go func() { defer wg.Done(); bodies[i] = do("/gaps?year=2023&municipality=all", "", "") }()
	}
	wg.Wait()
	for _, b := range bodies {
		if b.code != 200 || b.body != bodies[0].body {
			t.Errorf("a concurrent reader: %d, the same page %v", b.code, b.body == bodies[0].body)
		}
	}
	if n := metric(`kapacitet_page_cache_total{result="miss"}`); n != misses+1 {
		t.Errorf("16 concurrent readers rendered the page %d times, want once", n-misses)
	}

	// errors are never cached or tagged
	for range 2 {
		if a := do("/?year=abc", "", ""); a.code != 400 || a.etag != "" {
			t.Errorf("a bad request: %d, ETag %q", a.code, a.etag)
		}
	}
	// a revoked token is refused at once, not from a cache
	if err := st.RevokeToken(ctx, "cache", "test"); err != nil {
		t.Fatal(err)
	}
	if a := do(draft, analyst, ""); a.code != 401 {
		t.Errorf("a revoked token: %d", a.code)
	}
}
