package dashboards

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v5"
)

// What the server says about itself to its operators: a request id on every response, one log line per
// request, panics answered as internal errors with their stack in the log only, and the request metrics
// of /metrics.

// requestIDHeader carries a request's id: the client's (or its proxy's) when it is a plain token, else a
// new one. Error pages and the log name it, so that a user's report finds its log line.
const requestIDHeader = "X-Request-ID"

var plainID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// requestID returns the request's id, set by observe.
func requestID(c *echo.Context) string {
	id, _ := c.Get("request_id").(string)
	return id
}

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// observe gives the request an id, recovers a panic in any handler after it as an internal error (its stack
// logged, never shown), answers errors through handleError here so that the status is known, logs one line
// per request and counts it in the metrics.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		start := time.Now()
		id := c.Request().Header.Get(requestIDHeader)
		if !plainID.MatchString(id) {
			id = newRequestID()
		}
		c.Set("request_id", id)
		c.Set("over_tls", s.overTLS(c.Request()))
		// a body no route reads beyond its own limit, and a time limit for the routes that answer from a
		// query (a query past it is interrupted: DuckDB follows the context)
		req := c.Request()
		req.Body = http.MaxBytesReader(c.Response(), req.Body, s.Limits.MaxUploadMB<<20+1<<20)
		if !longRunning(req.URL.Path) {
			ctx, cancel := context.WithTimeout(req.Context(), s.requestTimeout())
			defer cancel()
			c.SetRequest(req.WithContext(ctx))
		}
		c.Response().Header().Set(requestIDHeader, id)
		err := func() (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					s.Logger.Error("panic", "request_id", id, "path", c.Request().URL.Path, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
					err = errPanic
				}
			}()
			return next(c)
		}()
		if err != nil {
			s.handleError(c, err)
		}
		status := 0
		var size int64
		if r, _ := echo.UnwrapResponse(c.Response()); r != nil {
			status, size = r.Status, r.Size
		}
		route := c.Path()
		if route == "" || status == http.StatusNotFound && route == "/*" {
			route = "unmatched" // no route: the path is whatever the client sent, not a label
		}
		d := time.Since(start)
		s.requests.observe(route, c.Request().Method, status, d)
		s.Logger.Info("request", "request_id", id, "method", c.Request().Method, "route", route, "path", c.Request().URL.Path,
			"status", status, "bytes", size, "duration_ms", float64(d.Microseconds())/1000, "client", c.RealIP())
		return nil
	}
}

// defaultRequestTimeout is how long a page or API call may take (Deps.RequestTimeout: another).
const defaultRequestTimeout = 60 * time.Second

func (s *Server) requestTimeout() time.Duration {
	if s.RequestTimeout > 0 {
		return s.RequestTimeout
	}
	return defaultRequestTimeout
}

// longRunning are the routes whose time grows with what they carry: extracts, uploads and CLI commands
// (bounded by the server's write timeout instead).
func longRunning(path string) bool {
	for _, p := range []string{"/api/v1/extracts/", "/api/v1/ingest/", "/api/v1/cli", "/admin/ingest"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// errPanic is the error of a handler that panicked.
var errPanic = errors.New("handler panicked")

// requestMetrics counts requests by route, method and status, and their durations by route as a histogram.
type requestMetrics struct {
	mu        sync.Mutex
	counts    map[requestKey]int64
	durations map[string]*histogram
}

type requestKey struct {
	route, method string
	status        int
}

// durationBuckets are the histogram's upper bounds, seconds.
var durationBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}

type histogram struct {
	buckets []int64 // per bound of durationBuckets, not cumulative
	count   int64
	sum     float64
}

func (m *requestMetrics) observe(route, method string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.counts == nil {
		m.counts, m.durations = map[requestKey]int64{}, map[string]*histogram{}
	}
	m.counts[requestKey{route, method, status}]++
	h := m.durations[route]
	if h == nil {
		h = &histogram{buckets: make([]int64, len(durationBuckets))}
		m.durations[route] = h
	}
	sec := d.Seconds()
	if i := sort.SearchFloat64s(durationBuckets, sec); i < len(durationBuckets) {
		h.buckets[i]++
	}
	h.count++
	h.sum += sec
}

// write adds the request metrics to a Prometheus text exposition.
func (m *requestMetrics) write(b *strings.Builder) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b.WriteString("# HELP kapacitet_http_requests_total Requests answered, by route, method and status.\n# TYPE kapacitet_http_requests_total counter\n")
	keys := make([]requestKey, 0, len(m.counts))
	for k := range m.counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b requestKey) int {
		if c := strings.Compare(a.route, b.route); c != 0 {
			return c
		}
		if c := strings.Compare(a.method, b.method); c != 0 {
			return c
		}
		return a.status - b.status
	})
	for _, k := range keys {
		fmt.Fprintf(b, "kapacitet_http_requests_total{route=%s,method=%s,status=\"%d\"} %d\n", label(k.route), label(k.method), k.status, m.counts[k])
	}
	b.WriteString("# HELP kapacitet_http_request_duration_seconds Time to answer a request, by route.\n# TYPE kapacitet_http_request_duration_seconds histogram\n")
	routes := make([]string, 0, len(m.durations))
	for r := range m.durations {
		routes = append(routes, r)
	}
	slices.Sort(routes)
	for _, r := range routes {
		h := m.durations[r]
		var cum int64
		for i, le := range durationBuckets {
			cum += h.buckets[i]
			fmt.Fprintf(b, "kapacitet_http_request_duration_seconds_bucket{route=%s,le=\"%s\"} %d\n", label(r), strconv.FormatFloat(le, 'g', -1, 64), cum)
		}
		fmt.Fprintf(b, "kapacitet_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", label(r), h.count)
		fmt.Fprintf(b, "kapacitet_http_request_duration_seconds_sum{route=%s} %s\n", label(r), strconv.FormatFloat(h.sum, 'g', -1, 64))
		fmt.Fprintf(b, "kapacitet_http_request_duration_seconds_count{route=%s} %d\n", label(r), h.count)
	}
}

// label quotes a label value as the exposition format escapes it.
func label(v string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v) + `"`
}
