package dashboards_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/queries"
)

// browserClient is a browser's HTTP client: cookies kept, redirects not followed (the test reads them).
func browserClient(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// call sends a request with c and returns the status, the Location and the body.
func call(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string, string, *http.Response) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b), res
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn signs c in with token through the form, asking for next; it returns the redirect's status and target.
func signIn(t *testing.T, c *http.Client, base, token, next string) (int, string) {
	t.Helper()
	_, _, page, _ := call(t, c, "GET", base+"/signin?next="+url.QueryEscape(next), nil)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the sign-in form has no CSRF token: %s", page)
	}
	code, loc, _, res := call(t, c, "POST", base+"/signin", url.Values{"token": {token}, "csrf": {m[1]}, "next": {next}})
	for _, ck := range res.Cookies() {
		if ck.Name == "kapacitet_session" && ck.MaxAge > 0 && (!ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Path != "/") {
			t.Errorf("the session cookie: %+v", ck)
		}
	}
	return code, loc
}

// Browser sign-in: a token gives a session cookie (HttpOnly, SameSite=Lax) that authenticates pages; /admin
// is for admins (others are sent to sign in, or refused); its assessment form needs the session's CSRF token;
// a wrong token, a missing CSRF token and a tampered cookie get nowhere; revoking the token ends the session;
// signing out ends it too.
func TestSignInAndAdmin(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	admin, _ := st.CreateToken(ctx, "das", "admin", "test")
	analyst, _ := st.CreateToken(ctx, "analytiker", "analyst", "test")

	b := browserClient(t)
	if code, loc, _, _ := call(t, b, "GET", srv.URL+"/admin", nil); code != 303 || !strings.HasPrefix(loc, "/signin?next=%2Fadmin") {
		t.Errorf("/admin without a session: %d → %q", code, loc)
	}
	// the wrong token, and no CSRF token: the same page, no cookie
	if code, _ := signIn(t, b, srv.URL, "wrong", "/admin"); code != 401 {
		t.Errorf("a wrong token: %d", code)
	}
	if code, _, body, _ := call(t, b, "POST", srv.URL+"/signin", url.Values{"token": {admin}}); code != 403 || !strings.Contains(body, "udløbet") {
		t.Errorf("no CSRF token: %d", code)
	}
	// an analyst: signed in, drafts on the pages, but not /admin
	code, loc := signIn(t, b, srv.URL, analyst, "/gaps?year=2023")
	if code != 303 || loc != "/gaps?year=2023" {
		t.Errorf("analyst sign-in: %d → %q", code, loc)
	}
	u, _ := url.Parse(srv.URL)
	var cookie *http.Cookie
	for _, c := range b.Jar.Cookies(u) {
		if c.Name == "kapacitet_session" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no session cookie")
	}
	if code, _, body, _ := call(t, b, "GET", srv.URL+"/gaps?year=2023&draft=true", nil); code != 200 || !strings.Contains(body, "KLADDE") || !strings.Contains(body, `href="/signout`) {
		t.Errorf("a draft page in the analyst's session: %d", code)
	}
	if code, _, _, _ := call(t, b, "GET", srv.URL+"/admin", nil); code != 403 {
		t.Errorf("/admin for an analyst: %d", code)
	}
	// a tampered cookie is nobody
	tampered := browserClient(t)
	tampered.Jar.SetCookies(u, []*http.Cookie{{Name: "kapacitet_session", Value: "x" + cookie.Value}})
	if code, _, _, _ := call(t, tampered, "GET", srv.URL+"/gaps?year=2023&draft=true", nil); code != 401 {
		t.Errorf("a tampered cookie: %d", code)
	}

	// the admin: the cookie's flags, the assessment form with and without its CSRF token
	a := browserClient(t)
	if code, loc := signIn(t, a, srv.URL, admin, "/admin?year=2023"); code != 303 || loc != "/admin?year=2023" {
		t.Fatalf("admin sign-in: %d → %q", code, loc)
	}
	code, _, page, _ := call(t, a, "GET", srv.URL+"/admin?year=2023", nil)
	m := csrfField.FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("/admin: %d", code)
	}
	// the session does not speak for the API's writes: those need the token in the header (no cross-site
	// request can then act for a signed-in admin)
	if code, _, _, _ := call(t, a, "POST", srv.URL+"/api/v1/publish/2023", nil); code != 401 {
		t.Errorf("publish with the admin's session cookie alone: %d, want 401", code)
	}
	if code, _, _, _ := call(t, a, "PUT", srv.URL+"/api/v1/assessment/2023", url.Values{"x": {"y"}}); code != 401 {
		t.Errorf("PUT assessment with the session cookie alone: %d, want 401", code)
	}
	form := url.Values{"year": {"2023"}, "text": {"Der *mangler* pladser."}}
	if code, _, _, _ := call(t, a, "POST", srv.URL+"/admin/assessment", form); code != 403 {
		t.Errorf("the form without its CSRF token: %d", code)
	}
	form.Set("csrf", m[1])
	if code, loc, _, _ := call(t, a, "POST", srv.URL+"/admin/assessment", form); code != 303 || !strings.Contains(loc, "saved=1") {
		t.Errorf("the form: %d → %q", code, loc)
	}
	if got, ok, _ := st.Assessment(ctx, queries.View{Draft: true}, 2023); !ok || got.Text != "Der *mangler* pladser." || got.UpdatedBy != "das" {
		t.Errorf("the stored assessment: %+v", got)
	}
	if _, _, page, _ := call(t, a, "GET", srv.URL+"/admin?year=2023&saved=1", nil); !strings.Contains(page, "Der *mangler* pladser.") || !strings.Contains(page, "Vurderingen er gemt") {
		t.Error("/admin does not show the saved text")
	}
	// revoking the token ends its sessions at once
	if err := st.RevokeToken(ctx, "das", "test"); err != nil {
		t.Fatal(err)
	}
	if code, loc, _, _ := call(t, a, "GET", srv.URL+"/admin", nil); code != 303 || !strings.HasPrefix(loc, "/signin") {
		t.Errorf("/admin after the revocation: %d → %q", code, loc)
	}
	// signing out: the form carries the session's CSRF token
	_, _, page, _ = call(t, b, "GET", srv.URL+"/signout", nil)
	m = csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the sign-out page has no form")
	}
	if code, _, _, _ := call(t, b, "POST", srv.URL+"/signout", url.Values{"csrf": {"wrong"}}); code != 403 {
		t.Errorf("sign-out with a wrong CSRF token: %d", code)
	}
	if code, _, _, _ := call(t, b, "POST", srv.URL+"/signout", url.Values{"csrf": {m[1]}}); code != 303 {
		t.Errorf("sign-out: %d", code)
	}
	if code, _, _, _ := call(t, b, "GET", srv.URL+"/gaps?year=2023&draft=true", nil); code != 401 {
		t.Errorf("a draft page after signing out: %d", code)
	}
}
