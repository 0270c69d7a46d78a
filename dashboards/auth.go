package dashboards

import (
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/queries"
)

// caller is who makes a request: a token's name and role, or nobody (the public, a viewer).
type caller struct {
	queries.Token
	Signed bool   // a token was given (a Bearer token, or a browser session made with one)
	csrf   string // a browser session's CSRF token
}

const callerKey = "kapacitet.caller"

// authenticate reads `Authorization: Bearer TOKEN`, or else a browser's session cookie (session.go). No header
// is the public (a viewer); an unknown, revoked, expired or malformed token is refused with 401, the same
// message for each; a session cookie that is not valid is the public. The request's context carries the
// caller (its token's name) and the client's address for the audit log's entries of what the request writes.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		who := caller{Token: queries.Token{Role: "viewer"}}
		if h := c.Request().Header.Get("Authorization"); h != "" {
			scheme, secret, ok := strings.Cut(h, " ")
			ok = ok && strings.EqualFold(scheme, "Bearer") // the scheme is case-insensitive (RFC 9110)
			t, found, err := s.tokenFor(c, strings.TrimSpace(secret))
			if err != nil {
				return err
			}
			if !ok || !found {
				c.Response().Header().Set("WWW-Authenticate", `Bearer realm="kapacitet"`)
				return echo.NewHTTPError(http.StatusUnauthorized, "Ukendt eller tilbagekaldt token. (Unknown or revoked token.)")
			}
			who = caller{Token: t, Signed: true}
		} else if ck, err := c.Cookie(sessionCookie); err == nil && sessionMayAct(c.Request()) {
			// a browser session: valid while signed, unexpired and its token active; anything else is the public
			if sess, ok := s.readSession(ck.Value, time.Now()); ok {
				t, found, err := s.sessionToken(c, sess.Name)
				if err != nil {
					return err
				}
				if found {
					who = caller{Token: t, Signed: true, csrf: sess.CSRF}
				}
			}
		}
		c.Set(callerKey, who)
		if s.Private && !who.Signed && !openWhenPrivate(c.Request().URL.Path) {
			return signInFirst(c)
		}
		r := c.Request()
		c.SetRequest(r.WithContext(queries.WithActor(r.Context(), queries.Actor{Who: who.Name, Client: c.RealIP()})))
		return next(c)
	}
}

// formRoutes are the forms a browser session posts (path.Match patterns); each checks the session's CSRF
// token (checkCSRF, adminForm).
var formRoutes = []string{"/signout", "/admin/assessment", "/admin/ingest", "/admin/publish", "/admin/tokens",
	"/admin/tokens/*/revoke", "/admin/batches/*/restore", "/admin/comments/approve"}

// formRoute tells whether p is the path of one of formRoutes.
func formRoute(p string) bool {
	for _, f := range formRoutes {
		if ok, _ := path.Match(f, p); ok {
			return true
		}
	}
	return false
}

// sessionMayAct tells whether a session cookie speaks for a request: for reading (GET, HEAD) and for the
// forms that check its CSRF token. The API's writes (publish, ingest, the CLI, the assessment) take a token
// in the Authorization header only, so no other site can make a signed-in browser send them.
func sessionMayAct(r *http.Request) bool {
	return r.Method == http.MethodGet || r.Method == http.MethodHead || (r.Method == http.MethodPost && formRoute(r.URL.Path))
}

// callerOf is the request's caller (a viewer when authenticate did not run).
func callerOf(c *echo.Context) caller {
	if who, ok := c.Get(callerKey).(caller); ok {
		return who
	}
	return caller{Token: queries.Token{Role: "viewer"}}
}

// unauthorized is the answer to a request without a token that needs one.
func unauthorized(c *echo.Context) error {
	c.Response().Header().Set("WWW-Authenticate", `Bearer realm="kapacitet"`)
	return echo.NewHTTPError(http.StatusUnauthorized, "Log ind med et token. (This needs a token: Authorization: Bearer.)")
}

// require refuses a caller below role: 401 without a token, 403 with one.
func require(c *echo.Context, role string) (caller, error) {
	who := callerOf(c)
	if slices.Index(queries.Roles, who.Role) >= slices.Index(queries.Roles, role) {
		return who, nil
	}
	if !who.Signed {
		return who, unauthorized(c)
	}
	msg := map[string]string{"analyst": "Det kræver analytiker- eller administratoradgang. (This needs an analyst or admin token.)",
		"admin": "Det kræver administratoradgang. (This needs an admin token.)"}[role]
	return who, echo.NewHTTPError(http.StatusForbidden, msg)
}

// apiCLI answers POST /api/v1/cli: a command of the CLI from another machine (`--server URL --token T`), run
// by the CLI's own code (Deps.CLI), which decides what each role may run. A token is needed.
func (s *Server) apiCLI(c *echo.Context) error {
	who := callerOf(c)
	if !who.Signed {
		return unauthorized(c)
	}
	if s.CLI == nil {
		return echo.ErrNotFound
	}
	s.CLI(c.Response(), c.Request(), who.Name, who.Role)
	return nil
}

// openWhenPrivate are the paths a server without public access (serve --public=false) answers without a
// token or session: signing in and out, the health and metrics endpoints, the static files, the
// accessibility statement.
func openWhenPrivate(path string) bool {
	switch path {
	case "/signin", "/signout", "/healthz", "/readyz", "/metrics", "/favicon.ico", "/tilgaengelighed":
		return true
	}
	return strings.HasPrefix(path, "/static/")
}

// signInFirst answers a request without a token or session on a private server: 401 for the API, a redirect
// to sign in (and back) for a page.
func signInFirst(c *echo.Context) error {
	r := c.Request()
	if strings.HasPrefix(r.URL.Path, "/api/") || r.Method != http.MethodGet && r.Method != http.MethodHead {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="kapacitet"`)
		return echo.NewHTTPError(http.StatusUnauthorized, "Log ind for at se Kapacitet. (Sign in to see Kapacitet.)")
	}
	return c.Redirect(http.StatusSeeOther, "/signin?next="+url.QueryEscape(r.URL.RequestURI()))
}
