package dashboards

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/queries"
)

// Browser sign-in: a page exchanges a token for a session cookie, signed by the server (HMAC-SHA256 with a
// key kept in the database), HttpOnly, SameSite=Lax, Secure over TLS, valid for sessionFor. The cookie names
// the token; every request checks that the token is still active, so revoking a token ends its sessions.
// Each session has its own CSRF token, which every state-changing form sends back. The sign-in form itself is
// guarded by a double-submit cookie.

const (
	sessionCookie = "kapacitet_session"
	csrfCookie    = "kapacitet_csrf"
	sessionFor    = 8 * time.Hour
	maxForm       = 128 << 10 // a form's body: an assessment of 64 KiB and room
)

// session is what the cookie holds: the token's name, when it expires, and the session's CSRF token.
type session struct {
	Name    string `json:"n"`
	Expires int64  `json:"e"`
	CSRF    string `json:"c"`
}

// sessionKey is the key that signs the cookies, read (or made) on first use; a failure is tried again.
func (s *Server) sessionKey() ([]byte, error) {
	s.keyMu.Lock()
	defer s.keyMu.Unlock()
	if s.key == nil {
		k, err := s.Store.SessionKey(context.Background())
		if err != nil {
			return nil, err
		}
		s.key = k
	}
	return s.key, nil
}

// signSession writes a session as a cookie value: payload.signature, both base64url.
func (s *Server) signSession(sess session) (string, error) {
	key, err := s.sessionKey()
	if err != nil {
		return "", err
	}
	b, _ := json.Marshal(sess)
	payload := base64.RawURLEncoding.EncodeToString(b)
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return payload + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)), nil
}

// readSession checks a cookie value's signature and expiry.
func (s *Server) readSession(value string, now time.Time) (session, bool) {
	key, err := s.sessionKey()
	payload, sig, ok := strings.Cut(value, ".")
	if err != nil || !ok {
		return session{}, false
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, m.Sum(nil)) {
		return session{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	var sess session
	if err != nil || json.Unmarshal(b, &sess) != nil || sess.Name == "" || now.Unix() >= sess.Expires {
		return session{}, false
	}
	return sess, true
}

// randomToken is 32 random bytes, base64url: a CSRF token.
func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setCookie sets an HttpOnly, SameSite=Lax cookie for the whole site, Secure when the request came over TLS;
// maxAge < 0 removes it.
func setCookie(c *echo.Context, name, value string, maxAge int) {
	http.SetCookie(c.Response(), &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: cameOverTLS(c)})
}

// signinPage is the sign-in form.
type signinPage struct {
	pageHead
	CSRF, Next, Error string
}

// signinForm answers GET /signin: the form, with a fresh double-submit CSRF token.
func (s *Server) signinForm(c *echo.Context) error {
	return s.showSignin(c, http.StatusOK, "")
}

func (s *Server) showSignin(c *echo.Context, status int, msg string) error {
	l := lang(c.FormValue("lang"))
	csrf := randomToken()
	setCookie(c, csrfCookie, csrf, 3600)
	p := signinPage{pageHead: pageHead{Lang: l, Path: "/signin", Title: text(l, "signin_title")}, CSRF: csrf, Next: localPath(c.FormValue("next")), Error: msg}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.renderStatus(c, status, "signin.html", p)
}

// signin answers POST /signin: a valid token (and the form's CSRF token) gives a session cookie and a
// redirect to the page asked for; anything else the same message, whatever was wrong.
func (s *Server) signin(c *echo.Context) error {
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, maxForm)
	l := lang(c.FormValue("lang"))
	ck, err := c.Cookie(csrfCookie)
	if err != nil || !sameSecret(ck.Value, c.FormValue("csrf")) {
		return s.showSignin(c, http.StatusForbidden, text(l, "signin_csrf"))
	}
	t, found, err := s.tokenFor(c, strings.TrimSpace(c.FormValue("token")))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	if !found {
		// unknown, revoked, expired or malformed: one message (and nothing of the token in the log)
		if err := s.Store.Audit(ctx, "", queries.AuditSigninFailed, nil); err != nil {
			s.Logger.Error("audit", "error", err)
		}
		return s.showSignin(c, http.StatusUnauthorized, text(l, "signin_failed"))
	}
	if err := s.Store.Audit(ctx, t.Name, queries.AuditSignin, nil); err != nil {
		return err // a sign-in the log cannot record is refused
	}
	value, err := s.signSession(session{Name: t.Name, Expires: time.Now().Add(sessionFor).Unix(), CSRF: randomToken()})
	if err != nil {
		return err
	}
	setCookie(c, sessionCookie, value, int(sessionFor/time.Second))
	setCookie(c, csrfCookie, "", -1)
	next := localPath(c.FormValue("next"))
	if next == "" {
		next = "/?lang=" + l
		if t.Role == "admin" {
			next = "/admin?lang=" + l
		}
	}
	return c.Redirect(http.StatusSeeOther, next)
}

// signout answers POST /signout: the session's cookie removed (its CSRF token required).
func (s *Server) signout(c *echo.Context) error {
	// without a session in force (none, or its token revoked or expired) there is nothing to end or check
	if who := callerOf(c); who.csrf != "" {
		if err := checkCSRF(c); err != nil {
			return err
		}
		if err := s.Store.Audit(c.Request().Context(), who.Name, queries.AuditSignout, nil); err != nil {
			s.Logger.Error("audit", "error", err)
		}
	}
	setCookie(c, sessionCookie, "", -1)
	return c.Redirect(http.StatusSeeOther, "/?lang="+lang(c.FormValue("lang")))
}

// checkCSRF refuses a state-changing form of a browser session without the session's CSRF token.
func checkCSRF(c *echo.Context) error {
	c.Request().Body = http.MaxBytesReader(c.Response(), c.Request().Body, maxForm)
	who := callerOf(c)
	if who.csrf == "" || !sameSecret(who.csrf, c.FormValue("csrf")) {
		return echo.NewHTTPError(http.StatusForbidden, "Formularen er udløbet eller kom ikke fra denne side; prøv igen. (The form expired or did not come from this site; try again.)")
	}
	return nil
}

// sameSecret compares two secrets in constant time (and an empty one with nothing).
func sameSecret(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// localPath is a redirect target when it is a path of this site ("/admin?year=2024"), else "": no control
// character (browsers drop tabs, so "/\t/evil.org" would become "//evil.org"), no backslash, no scheme or
// host, one leading slash.
func localPath(p string) string {
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return ""
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return ""
	}
	return p
}

// keyState holds the session key once read.
type keyState struct {
	keyMu sync.Mutex
	key   []byte
}
