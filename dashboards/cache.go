package dashboards

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/queries"
)

// The page cache. A page depends on the request (path, parameters, the caller's role) and on the data it
// shows: the latest editions for the public, every loaded row for drafts. The store keeps both versions in
// memory (every write goes through this process), so the ETag of a request is known before any query:
// `If-None-Match` with it is answered 304 at once, and a page already rendered for the same request and
// version is sent again without reading the database.

// scope is what a page's content depends on besides the request.
type scope int

const (
	editionsScope scope = iota // the published editions (drafts: the data version)
	dataScope                  // every write (the /data page counts what has been delivered)
)

// maxCached and maxCachedBytes bound the cache: beyond them it starts over (parameters are unbounded,
// memory is not).
const (
	maxCached      = 2000
	maxCachedBytes = 64 << 20
)

type pageCache struct {
	mu sync.Mutex
	// entries by version and request (cacheKey): a write makes new versions, whose pages are new entries;
	// the old ones are no longer asked for and go when the cache starts over
	entries map[string]cachedPage
	size    int
	// rendering are the pages being rendered, by version and key: a request for one waits for it rather
	// than rendering it again (a whole council opening the page after a publish renders it once)
	rendering map[string]*sync.WaitGroup

	hits, notModified, misses atomic.Int64
}

type cachedPage struct {
	etag, contentType string
	body              []byte
}

// etagFor is the ETag of a request and its key in the cache: its version (the editions or the data version,
// with the caller's role and whether a token was given, and this server's start, so that a new program's
// pages are new) and its path and parameters.
func (s *Server) etagFor(c *echo.Context, sc scope) (etag, key string) {
	data, editions := s.Store.Versions()
	who := callerOf(c)
	r := c.Request()
	// what the public sees: the editions and the survey comments approved (ApproveComment)
	version := fmt.Sprintf("%s-e%d-c%d", s.started, editions, s.Store.Approvals())
	if sc == dataScope || isDraft(r.URL.Query().Get("draft")) {
		version = fmt.Sprintf("%s-d%d", s.started, data)
	}
	version += "-" + who.Role
	if who.Signed {
		version += "-token" // a viewer's token shows a little more (who published)
	}
	page := r.URL.Path + "?" + r.URL.Query().Encode() // sorted: the same parameters in any order are one page
	h := fnv.New64a()
	h.Write([]byte(page))
	return fmt.Sprintf(`W/"%s-%x"`, version, h.Sum64()), version + "\x00" + page
}

// isDraft tells whether a draft parameter asks for drafts, as parseRequest reads it.
func isDraft(v string) bool { return v == "true" || v == "1" }

// cached answers GET and HEAD requests of a page from the cache: 304 when the client has the page's
// current version, the stored page when this process has rendered it, and otherwise the page rendered
// and kept (only a 200; errors are never cached).
func (s *Server) cached(sc scope, next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		etag, key := s.etagFor(c, sc)
		h := c.Response().Header()
		h.Set("Vary", "Authorization, Cookie")
		h.Set("Cache-Control", "no-cache") // a browser may keep it, and asks again with If-None-Match
		if match(c.Request().Header.Get("If-None-Match"), etag) {
			s.cache.notModified.Add(1)
			h.Set("ETag", etag)
			return c.NoContent(http.StatusNotModified)
		}
		p, ok, done := s.cache.lookup(key)
		if ok {
			s.cache.hits.Add(1)
			h.Set("ETag", p.etag)
			return c.Blob(http.StatusOK, p.contentType, p.body)
		}
		released := false
		release := func() {
			if !released {
				released = true
				done()
			}
		}
		defer release()
		s.cache.misses.Add(1)
		rec := &recorder{ResponseWriter: c.Response()}
		c.SetResponse(rec)
		defer c.SetResponse(rec.ResponseWriter) // also when the handler panics: the 500 goes to the client
		h.Set("ETag", etag)
		err := next(c)
		c.SetResponse(rec.ResponseWriter)
		if err != nil || rec.status != http.StatusOK {
			h.Del("ETag")
			if err == nil {
				rec.flush()
			}
			return err
		}
		page := cachedPage{etag: etag, contentType: h.Get("Content-Type"), body: rec.body.Bytes()}
		s.cache.mu.Lock()
		if s.cache.entries == nil || len(s.cache.entries) >= maxCached || s.cache.size+len(page.body) > maxCachedBytes {
			s.cache.entries, s.cache.size = map[string]cachedPage{}, 0
		}
		s.cache.entries[key] = page
		s.cache.size += len(page.body)
		s.cache.mu.Unlock()
		release() // the readers waiting for it need not wait for this client's network too
		return rec.flush()
	}
}

// lookup finds the page of key (version and request); when it is being rendered, it waits for that
// first. When the page is not there, the caller renders it and calls done when it has (or has failed to).
func (pc *pageCache) lookup(key string) (p cachedPage, ok bool, done func()) {
	for {
		pc.mu.Lock()
		if p, ok = pc.entries[key]; ok {
			pc.mu.Unlock()
			return p, true, nil
		}
		wg := pc.rendering[key]
		if wg == nil {
			if pc.rendering == nil {
				pc.rendering = map[string]*sync.WaitGroup{}
			}
			wg = &sync.WaitGroup{}
			wg.Add(1)
			pc.rendering[key] = wg
			pc.mu.Unlock()
			return cachedPage{}, false, func() {
				pc.mu.Lock()
				delete(pc.rendering, key)
				pc.mu.Unlock()
				wg.Done()
			}
		}
		pc.mu.Unlock()
		wg.Wait()
		// the page, or the other rendering failed (an error is not kept): look again, and render it here if no
		// one else has started
	}
}

// match tells whether an If-None-Match header names etag (weak comparison, as RFC 9110 asks for GET).
func match(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// recorder holds a page's response until it is complete, so that it can be kept.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

// flush sends what was recorded.
func (r *recorder) flush() error {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	r.ResponseWriter.WriteHeader(r.status)
	_, err := r.ResponseWriter.Write(r.body.Bytes())
	return err
}

// tokenCache remembers token lookups for one data version (creating or revoking a token changes it), so
// that a request with a token is answered from the cache without a query either. Keyed by the token's
// SHA-256, never the token.
type tokenCache struct {
	mu      sync.Mutex
	version int64
	entries map[string]tokenEntry
}

type tokenEntry struct {
	token queries.Token
	found bool
}

// tokenFor looks a token up, from the cache when it can: an unknown, revoked or expired one is not found.
func (s *Server) tokenFor(c *echo.Context, secret string) (queries.Token, bool, error) {
	return s.cachedToken("hash:"+queries.TokenHash(secret), func() (queries.Token, bool, error) {
		return s.Store.TokenFor(c.Request().Context(), secret)
	})
}

// sessionToken is the token in force a browser session was made with, from the cache when it can: a revoked
// or expired token ends its sessions at once.
func (s *Server) sessionToken(c *echo.Context, name string) (queries.Token, bool, error) {
	return s.cachedToken("name:"+name, func() (queries.Token, bool, error) {
		return s.Store.TokenNamed(c.Request().Context(), name)
	})
}

// cachedToken is the token of key for the current data version, looked up when the cache lacks it. A token
// that has expired since its lookup was cached is no token (the store's lookups leave expired ones out).
func (s *Server) cachedToken(key string, lookup func() (queries.Token, bool, error)) (queries.Token, bool, error) {
	version, _ := s.Store.Versions()
	s.tokens.mu.Lock()
	if s.tokens.version != version || len(s.tokens.entries) >= maxCached {
		s.tokens.version, s.tokens.entries = version, map[string]tokenEntry{}
	}
	e, ok := s.tokens.entries[key]
	s.tokens.mu.Unlock()
	if ok {
		if !e.found || e.token.Expired(time.Now()) {
			return queries.Token{}, false, nil
		}
		return e.token, true, nil
	}
	t, found, err := lookup()
	if err != nil {
		return t, found, err
	}
	s.tokens.mu.Lock()
	if s.tokens.version == version {
		s.tokens.entries[key] = tokenEntry{t, found}
	}
	s.tokens.mu.Unlock()
	return t, found, nil
}

// metrics answers GET /metrics in Prometheus' text format: requests by route and status with their
// durations, the page cache, the queries sent, batches and extracts with their rows, and the database's size.
func (s *Server) metrics(c *echo.Context) error {
	data, editions := s.Store.Versions()
	totals, err := s.Store.Totals(c.Request().Context())
	if err != nil {
		return err
	}
	var b strings.Builder
	counter := func(name, help string, values ...any) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n", name, help, name)
		for i := 0; i < len(values); i += 2 {
			fmt.Fprintf(&b, "%s%s %d\n", name, values[i], values[i+1])
		}
	}
	gauge := func(name, help string, v int64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, v)
	}
	counter("kapacitet_page_cache_total", "Cached page requests by result: not_modified (304 without a query), hit (sent from memory without a query), miss (rendered).",
		`{result="not_modified"}`, s.cache.notModified.Load(), `{result="hit"}`, s.cache.hits.Load(), `{result="miss"}`, s.cache.misses.Load())
	counter("kapacitet_db_queries_total", "Queries sent to DuckDB by the readers (pages, API, token lookups).", "", s.Store.Queries())
	gauge("kapacitet_data_version", "Writes to the database (ingests, publishes, tokens).", data)
	gauge("kapacitet_editions", "Editions published.", editions)
	gauge("kapacitet_ingest_batches", "Batches loaded (every status: draft, published, replaced, ...).", totals.Batches)
	gauge("kapacitet_ingest_rows", "Rows of the batches loaded.", totals.BatchRows)
	gauge("kapacitet_exports", "Extracts made (the export log).", totals.Exports)
	gauge("kapacitet_export_rows", "Rows of the extracts made.", totals.ExportRows)
	gauge("kapacitet_database_bytes", "Size of the database file and its write-ahead log.", totals.Bytes)
	s.requests.write(&b)
	return c.Blob(http.StatusOK, "text/plain; version=0.0.4; charset=utf-8", []byte(b.String()))
}
