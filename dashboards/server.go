// Package dashboards is the echo server: the pages (chart + table + sentence, Danish first), the JSON API
// and health endpoints, with security headers on every response.
package dashboards

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// openAPI is the API's OpenAPI 3 document (api/openapi.json), served at /api/v1/openapi.json; a test checks
// every API route against it.
//
//go:embed api/openapi.json
var openAPI []byte

// Deps are what the server needs.
type Deps struct {
	Store    *queries.Store
	Analysis analysis.Config
	Limits   data.Limits // the [ingest] limits (zero: the defaults)
	// CLI runs a command of the CLI sent from another machine (POST /api/v1/cli) for a token's name and role;
	// nil: not offered
	CLI     func(w http.ResponseWriter, r *http.Request, name, role string)
	Logger  *slog.Logger
	Version string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto count (proxy.go);
	// none: the headers are ignored
	TrustedProxies []*net.IPNet
	// RequestTimeout is how long a page or API call may take before its queries are interrupted and it
	// answers 503 (zero: a minute); extracts, uploads and CLI commands have the server's write timeout
	RequestTimeout time.Duration
	// Private: every page and API call needs a token or a browser session (serve --public=false); false: the
	// published editions are the public's
	Private bool
	// Static are further files served under /static/ beside the embedded ones (make bench serves a file of
	// a page's size there, to compare the pages with); nil: none
	Static fs.FS
}

// Server holds the handlers' dependencies.
type Server struct {
	Deps
	pages    *template.Template
	echo     *echo.Echo
	files    echo.HandlerFunc // the static files
	cache    pageCache
	requests requestMetrics
	tokens   tokenCache
	started  string // this server's start, in every page's version
	keyState
}

// NewServer builds the HTTP handler with every route of routes.go.
func NewServer(d Deps) (http.Handler, error) {
	s, err := newServer(d)
	if err != nil {
		return nil, err
	}
	return s.echo, nil
}

func newServer(d Deps) (*Server, error) {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Limits == (data.Limits{}) {
		d.Limits = data.DefaultLimits()
	}
	t, err := template.New("").Funcs(templateFuncs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	s := &Server{Deps: d, pages: t, files: echo.StaticDirectoryHandler(StaticFS(), false), started: strconv.FormatInt(time.Now().UnixNano()%1e9, 36)}
	if d.Static != nil {
		s.files = echo.StaticDirectoryHandler(overlay{d.Static, StaticFS()}, false)
	}
	s.echo = echo.NewWithConfig(echo.Config{
		Logger:           d.Logger,
		HTTPErrorHandler: s.handleError,
		Router:           echo.NewRouter(echo.RouterConfig{AutoHandleHEAD: true}),
		IPExtractor:      ipExtractor(d.TrustedProxies),
	})
	s.echo.Use(securityHeaders, s.observe, s.authenticate)
	s.routes()
	return s, nil
}

// StaticFS is the embedded static folder (css, charts.js, vendor/echarts.min.js when built with make).
func StaticFS() fs.FS {
	sub, _ := fs.Sub(staticFS, "static")
	return sub
}

// overlay is a file system of folders laid over each other: a file comes from the first that has it.
type overlay []fs.FS

func (o overlay) Open(name string) (fs.File, error) {
	var err error
	for _, f := range o {
		var file fs.File
		if file, err = f.Open(name); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return file, err
		}
	}
	return nil, err
}

// securityHeaders sets the headers every response carries. No inline script anywhere, so scripts come
// only from this host.
func securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		return next(c)
	}
}

// apiError is the JSON error body: {"error": {"code", "message", "details"}}.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details any    `json:"details,omitempty"`
	} `json:"error"`
}

// badRequest is an error a handler returns for invalid parameters; its message is safe to show.
type badRequest struct{ msg string }

func (e badRequest) Error() string { return e.msg }

// invalid is a badRequest saying err (a validation error in lower case) as a sentence.
func invalid(err error) badRequest {
	msg := err.Error()
	r, size := utf8.DecodeRuneInString(msg)
	return badRequest{string(unicode.ToUpper(r)) + msg[size:] + "."}
}

// handleError maps every error to a status in one place: JSON under /api/, a plain page elsewhere. Internal
// errors are logged with the request's id and never shown; the user sees the id.
func (s *Server) handleError(c *echo.Context, err error) {
	if r, _ := echo.UnwrapResponse(c.Response()); r != nil && r.Committed {
		return
	}
	id := requestID(c)
	code, msg, slug := http.StatusInternalServerError, "Der opstod en intern fejl (fejl-id "+id+"). (An internal error occurred (error id "+id+").)", "internal"
	var br badRequest
	var sc echo.HTTPStatusCoder
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(c.Request().Context().Err(), context.DeadlineExceeded):
		code, slug = http.StatusServiceUnavailable, "timeout"
		msg = "Forespørgslen tog for lang tid; prøv igen om lidt (fejl-id " + id + "). (The request took too long; try again shortly (error id " + id + ").)"
	case errors.As(err, new(*http.MaxBytesError)):
		code, slug = http.StatusRequestEntityTooLarge, "too_large"
		msg = "Forespørgslen er for stor. (The request is too large.)"
	case errors.As(err, &br):
		code, msg, slug = http.StatusBadRequest, br.msg, "invalid"
	case errors.As(err, &sc) && sc.StatusCode() != 0:
		code = sc.StatusCode()
		msg, slug = http.StatusText(code), strings.ReplaceAll(strings.ToLower(http.StatusText(code)), " ", "_")
		var he *echo.HTTPError
		switch {
		case errors.As(err, &he) && he.Message != "" && code < 500:
			msg = he.Message // our handlers' messages are written for users
		case code == http.StatusNotFound:
			msg = "Der er ingen side på denne adresse. (There is no page at this address.)"
		}
	}
	if code >= 500 {
		s.Logger.Error("request failed", "request_id", id, "path", c.Request().URL.Path, "error", err)
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(code)
		return
	}
	if strings.HasPrefix(c.Request().URL.Path, "/api/") {
		var body apiError
		body.Error.Code, body.Error.Message = slug, msg
		if code >= 500 {
			body.Error.Details = map[string]string{"request_id": id}
		}
		_ = c.JSON(code, body)
		return
	}
	l := lang(c.QueryParam("lang"))
	heading := texts[l][fmt.Sprintf("error_%d", code)]
	if heading == "" {
		heading = texts[l]["error_other"]
	}
	p := errorPage{pageHead: pageHead{Lang: l, Title: "Kapacitet – " + heading, Path: c.Request().URL.Path}, Heading: heading, Message: inLang(msg, l)}
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, "error.html", p); err != nil {
		s.Logger.Error("error page", "error", err)
		_ = c.String(code, inLang(msg, l))
		return
	}
	_ = c.HTMLBlob(code, buf.Bytes())
}

// errorPage is the page of a failed request: the site's layout, a heading for its status and the message,
// in the request's language.
type errorPage struct {
	pageHead
	Heading, Message string
}

// inLang is the part of lang in a message written as "Dansk tekst. (English text.)", the form of every
// message a handler writes for users; a message without an English part is returned whole.
func inLang(msg, lang string) string {
	i := strings.LastIndex(msg, " (")
	if i < 0 || !strings.HasSuffix(msg, ")") {
		return msg
	}
	if lang == "en" {
		return msg[i+2 : len(msg)-1]
	}
	return msg[:i]
}

// Routes lists the server's routes as "METHOD path" (the OpenAPI test compares them with the document).
func Routes(h http.Handler) []string {
	e, ok := h.(*echo.Echo)
	if !ok {
		return nil
	}
	var out []string
	for _, r := range e.Router().Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}
