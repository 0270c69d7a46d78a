package dashboards

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// syncBuffer is a log the server writes from its handlers' goroutines and the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncBuffer) lines(t *testing.T) []map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(w.b.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

// observed is a demo server logging JSON to a buffer, with a route that panics.
func observed(t *testing.T, deps Deps) (*httptest.Server, *syncBuffer) {
	t.Helper()
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := LoadDemo(ctx, st, analysis.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	deps.Store, deps.Analysis = st, analysis.DefaultConfig()
	deps.Logger = slog.New(slog.NewJSONHandler(log, nil))
	s, err := newServer(deps)
	if err != nil {
		t.Fatal(err)
	}
	s.echo.GET("/test/panic", func(c *echo.Context) error { panic("the secret stack of a bug") })
	s.echo.GET("/test/slow", func(c *echo.Context) error { // a query that takes too long
		<-c.Request().Context().Done()
		return fmt.Errorf("store: slow: %w", c.Request().Context().Err())
	})
	s.echo.POST("/test/body", func(c *echo.Context) error { // a handler that reads what it is sent
		b, err := io.ReadAll(c.Request().Body)
		if err != nil {
			return err
		}
		return c.String(http.StatusOK, strconv.Itoa(len(b)))
	})
	srv := httptest.NewServer(s.echo)
	t.Cleanup(srv.Close)
	return srv, log
}

func fetch(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// A panic answers 500 with the request's id and nothing of the panic; the log has the stack under the same
// id. Every request has one log line with its id, route, status and duration.
func TestPanicAndRequestLog(t *testing.T) {
	srv, log := observed(t, Deps{})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/test/panic", nil)
	res, body := fetch(t, req)
	id := res.Header.Get("X-Request-ID")
	if res.StatusCode != http.StatusInternalServerError || len(id) != 24 {
		t.Fatalf("panic: %d, id %q", res.StatusCode, id)
	}
	if !strings.Contains(body, "fejl-id "+id) || strings.Contains(body, "secret stack") || strings.Contains(body, "goroutine") {
		t.Fatalf("panic page: %s", body)
	}
	api, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/findings?year=abc", nil)
	api.Header.Set("X-Request-ID", "client-chosen-id-1")
	res, body = fetch(t, api)
	if res.StatusCode != http.StatusBadRequest || res.Header.Get("X-Request-ID") != "client-chosen-id-1" {
		t.Fatalf("api: %d %q %s", res.StatusCode, res.Header.Get("X-Request-ID"), body)
	}
	bad, _ := http.NewRequest(http.MethodGet, srv.URL+"/groups/autisme-boern", nil)
	bad.Header.Set("X-Request-ID", "no spaces <allowed>")
	res, _ = fetch(t, bad)
	if got := res.Header.Get("X-Request-ID"); res.StatusCode != http.StatusOK || got == "no spaces <allowed>" || len(got) != 24 {
		t.Fatalf("group page: %d, id %q", res.StatusCode, got)
	}
	var panics, requests int
	for _, l := range log.lines(t) {
		switch l["msg"] {
		case "panic":
			panics++
			if l["request_id"] != id || !strings.Contains(fmt.Sprint(l["stack"]), "goroutine") || l["panic"] != "the secret stack of a bug" {
				t.Errorf("panic line: %v", l)
			}
		case "request":
			requests++
			if _, ok := l["duration_ms"].(float64); !ok || l["request_id"] == "" {
				t.Errorf("request line: %v", l)
			}
			if l["request_id"] == id && (l["route"] != "/test/panic" || l["status"] != float64(500)) {
				t.Errorf("panic's request line: %v", l)
			}
			if l["request_id"] == "client-chosen-id-1" && (l["route"] != "/api/v1/findings" || l["status"] != float64(400)) {
				t.Errorf("api's request line: %v", l)
			}
			if l["path"] == "/groups/autisme-boern" && (l["route"] != "/groups/:code" || l["status"] != float64(200)) {
				t.Errorf("group's request line: %v", l)
			}
		}
	}
	if panics != 1 || requests != 3 {
		t.Fatalf("%d panic lines, %d request lines; want 1 and 3", panics, requests)
	}
}

// /metrics counts requests by route and status with their durations, and says the batches' rows as the
// demo files have them.
func TestMetrics(t *testing.T) {
	srv, _ := observed(t, Deps{})
	for _, p := range []string{"/groups/autisme-boern", "/groups/misbrug", "/groups/nothing-such", "/no/such/page"} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+p, nil)
		fetch(t, req)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/metrics", nil)
	res, body := fetch(t, req)
	if res.StatusCode != http.StatusOK {
		t.Fatal(res.Status)
	}
	// the demo's rows, counted from its files
	var rows int
	files, _ := filepath.Glob("../data/demo/*.csv")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		rows += len(recs) - 1
	}
	for _, want := range []string{
		`kapacitet_http_requests_total{route="/groups/:code",method="GET",status="200"} 2`,
		`kapacitet_http_requests_total{route="/groups/:code",method="GET",status="404"} 1`,
		`kapacitet_http_requests_total{route="unmatched",method="GET",status="404"} 1`,
		`kapacitet_http_request_duration_seconds_bucket{route="/groups/:code",le="+Inf"} 3`,
		`kapacitet_http_request_duration_seconds_count{route="/groups/:code"} 3`,
		fmt.Sprintf("kapacitet_ingest_batches %d", len(files)),
		fmt.Sprintf("kapacitet_ingest_rows %d", rows),
		"kapacitet_export_rows 0",
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("no %q in\n%s", want, body)
		}
	}
	if !strings.Contains(body, "kapacitet_database_bytes ") || strings.Contains(body, "kapacitet_database_bytes 0\n") {
		t.Error("no database size")
	}
}

// Behind a trusted proxy the client is the forwarded address and TLS is what the proxy says; from anyone
// else both headers are ignored.
func TestTrustedProxies(t *testing.T) {
	if _, err := ParseTrustedProxies("10.0.0.1, 10.1.0.0/16"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"10.0.0", "10.0.0.0/33", "proxy.example"} {
		if _, err := ParseTrustedProxies(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("%q: %v", bad, err)
		}
	}
	for _, tc := range []struct {
		trusted    string
		client     string
		tls, trust bool
	}{{"", "127.0.0.1", false, false}, {"127.0.0.1", "203.0.113.9", true, true}, {"10.0.0.0/8", "127.0.0.1", false, false}} {
		nets, _ := ParseTrustedProxies(tc.trusted)
		srv, log := observed(t, Deps{TrustedProxies: nets})
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/healthz", nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		req.Header.Set("X-Forwarded-Proto", "https")
		fetch(t, req)
		lines := log.lines(t)
		if got := lines[len(lines)-1]["client"]; got != tc.client {
			t.Errorf("trusted %q: client %v, want %s", tc.trusted, got, tc.client)
		}
		// the sign-in form's CSRF cookie is Secure when the request came over TLS, as the proxy says
		form, _ := http.NewRequest(http.MethodGet, srv.URL+"/signin", nil)
		form.Header.Set("X-Forwarded-Proto", "https")
		res, _ := fetch(t, form)
		if cookie := res.Header.Get("Set-Cookie"); cookie == "" || strings.Contains(cookie, "; Secure") != tc.tls {
			t.Errorf("trusted %q: cookie %q", tc.trusted, cookie)
		}
		s := &Server{Deps: Deps{TrustedProxies: nets}}
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "127.0.0.1:5000"
		r.Header.Set("X-Forwarded-Proto", "https")
		if got := s.overTLS(r); got != tc.tls {
			t.Errorf("trusted %q: over TLS %v", tc.trusted, got)
		}
	}
}

// A page that takes longer than the request timeout answers 503 with its request id (its queries are
// interrupted through the context); a body beyond every route's limit is 413, not an internal error.
func TestTimeoutAndBodyLimit(t *testing.T) {
	srv, _ := observed(t, Deps{RequestTimeout: 100 * time.Millisecond})
	start := time.Now()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/test/slow", nil)
	res, body := fetch(t, req)
	if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "tog for lang tid") || !strings.Contains(body, res.Header.Get("X-Request-ID")) {
		t.Fatalf("slow: %d %s", res.StatusCode, body)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("slow: answered after %s", took)
	}
	srv, _ = observed(t, Deps{})                               // reading 100 MiB takes longer than the timeout above
	limit := int(data.DefaultLimits().MaxUploadMB<<20 + 1<<20) // the largest upload and a MiB
	for _, tc := range []struct {
		size int
		want int
	}{{1 << 20, http.StatusOK}, {limit + 1, http.StatusRequestEntityTooLarge}} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/test/body", bytes.NewReader(make([]byte, tc.size)))
		res, body := fetch(t, req)
		if res.StatusCode != tc.want || tc.want == http.StatusOK && body != strconv.Itoa(tc.size) {
			t.Errorf("%d bytes: %d %.100s", tc.size, res.StatusCode, body)
		}
	}
}
