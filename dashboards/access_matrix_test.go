package dashboards_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/dashboards"
)

// The callers of the access matrix: nobody, a token of each role, a revoked and an expired token, and an
// admin with a wrong CSRF token. An API route gets the token in the Authorization header; a browser form
// route (form: true) gets a session made with the token at /signin, and its CSRF token.
var callers = []string{"none", "viewer", "analyst", "admin", "revoked", "expired", "wrong_csrf"}

// access is one route of the matrix: a request for it and the status each caller gets, in the order of
// callers. Written by hand from the rules (README, HTTP): public pages are everyone's, a bad token is 401
// wherever it is given; drafts and delivery need an analyst; writes need an admin; /admin is for an admin's
// browser session (nobody and a bad session are sent to sign in; a session of another role is refused); a
// wrong CSRF token is 403 on a form and means nothing beside a Bearer token.
type access struct {
	route  string // as the router has it: METHOD path
	method string
	path   string // with parameters
	form   bool   // a browser form: session and CSRF
	body   func() (string, string)
	want   [7]int
}

func TestAccessMatrix(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	tokens := map[string]string{}
	for _, role := range []string{"viewer", "analyst", "admin"} {
		tok, err := st.CreateToken(ctx, "matrix-"+role, role, "test")
		if err != nil {
			t.Fatal(err)
		}
		tokens[role] = tok
	}
	revoked, err := st.CreateToken(ctx, "matrix-revoked", "admin", "test")
	if err != nil {
		t.Fatal(err)
	}
	soon := time.Now().Add(1500 * time.Millisecond)
	expired, err := st.CreateTokenUntil(ctx, "matrix-expired", "admin", "test", soon)
	if err != nil {
		t.Fatal(err)
	}
	tokens["revoked"], tokens["expired"], tokens["wrong_csrf"] = revoked, expired, tokens["admin"]
	// a browser session per caller (made while the revoked and expired tokens still worked)
	sessions := map[string]*http.Client{}
	csrf := map[string]string{}
	for _, who := range callers {
		b := browserClient(t)
		sessions[who] = b
		if who == "none" {
			continue
		}
		if code, _ := signIn(t, b, srv.URL, tokens[who], "/"); code != http.StatusSeeOther {
			t.Fatalf("%s: sign-in %d", who, code)
		}
		_, _, page, _ := call(t, b, "GET", srv.URL+"/signout", nil) // every signed-in page has the session's CSRF token
		if m := csrfField.FindStringSubmatch(page); m != nil {
			csrf[who] = m[1]
		}
	}
	csrf["wrong_csrf"] = strings.Repeat("x", len(csrf["admin"]))
	if err := st.RevokeToken(ctx, "matrix-revoked", "test"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(soon) + 50*time.Millisecond)

	csvBody := func() (string, string) { return "text/csv", string(csvOf(demoCSV(t, "population"))) }
	const (
		ok, created, seeOther, bad, unauth, forbidden, notFound, unprocessable = 200, 201, 303, 400, 401, 403, 404, 422
	)
	public := [7]int{ok, ok, ok, ok, unauth, unauth, ok}
	analystOnly := [7]int{unauth, forbidden, ok, ok, unauth, unauth, ok}
	adminOnly := [7]int{unauth, forbidden, forbidden, ok, unauth, unauth, ok}
	adminForm := [7]int{seeOther, forbidden, forbidden, seeOther, seeOther, seeOther, forbidden}
	adminPage := [7]int{seeOther, forbidden, forbidden, ok, seeOther, seeOther, ok}
	matrix := []access{
		{route: "GET /", path: "/", want: public},
		{route: "GET /", path: "/?year=2023&draft=true", want: analystOnly},
		{route: "GET /gaps", path: "/gaps?year=2023", want: public},
		{route: "GET /gaps", path: "/gaps?year=2023&draft=true", want: analystOnly},
		{route: "GET /groups/:code", path: "/groups/autisme-boern", want: public},
		{route: "GET /offers", path: "/offers", want: public},
		{route: "GET /municipalities/:code", path: "/municipalities/851", want: public},
		{route: "GET /api/v1/findings", path: "/api/v1/findings?year=2023", want: public},
		{route: "GET /api/v1/findings", path: "/api/v1/findings?year=2023&draft=true", want: analystOnly},
		{route: "GET /api/v1/editions", path: "/api/v1/editions", want: public},
		{route: "GET /api/v1/delivery", path: "/api/v1/delivery?year=2023", want: analystOnly},
		{route: "GET /api/v1/extracts/:file", path: "/api/v1/extracts/capacity.csv?year=2023", want: public},
		{route: "GET /api/v1/extracts/:file", path: "/api/v1/extracts/demand.csv?draft=true", want: analystOnly},
		{route: "GET /api/v1/openapi.json", path: "/api/v1/openapi.json", want: public},
		{route: "GET /data", path: "/data", want: public},
		{route: "GET /tilgaengelighed", path: "/tilgaengelighed", want: public},
		{route: "GET /signin", path: "/signin", want: public},
		{route: "GET /signout", path: "/signout", want: public},
		{route: "GET /admin", path: "/admin", form: true, want: adminPage},
		{route: "GET /admin/audit", path: "/admin/audit", form: true, want: adminPage},
		{route: "POST /admin/assessment", method: "POST", path: "/admin/assessment", form: true, want: adminForm},
		// the admin's forms, posted with the session's CSRF token and fields that do not make sense for
		// each (year 2031 without data, no dataset, no token name, no such batch, token or comment): the admin gets
		// the form's refusal in the page, everyone else nothing
		{route: "POST /admin/ingest", method: "POST", path: "/admin/ingest", form: true, want: with(adminForm, 3, notFound)}, // no dataset named,
		{route: "POST /admin/batches/:id/restore", method: "POST", path: "/admin/batches/999/restore", form: true, want: with(adminForm, 3, notFound)},
		{route: "POST /admin/publish", method: "POST", path: "/admin/publish", form: true, want: with(adminForm, 3, unprocessable)},
		{route: "POST /admin/tokens", method: "POST", path: "/admin/tokens", form: true, want: with(adminForm, 3, bad)},
		{route: "POST /admin/tokens/:name/revoke", method: "POST", path: "/admin/tokens/no-such-token/revoke", form: true, want: with(adminForm, 3, notFound)},
		{route: "POST /admin/comments/approve", method: "POST", path: "/admin/comments/approve", form: true, want: with(adminForm, 3, notFound)}, // no such comment,
		{route: "GET /report/:year", path: "/report/2023", want: public},
		{route: "GET /report/:year/print.css", path: "/report/2023/print.css", want: public},
		{route: "GET /data/templates/:file", path: "/data/templates/capacity.xlsx", want: public},
		{route: "GET /data/templates/:file", path: "/data/templates/survey.xlsx?municipality=851", want: analystOnly},
		{route: "POST /api/v1/publish/:year", method: "POST", path: "/api/v1/publish/2031", want: with(adminOnly, 3, unprocessable, 6, unprocessable)},
		{route: "GET /api/v1/assessment/:year", path: "/api/v1/assessment/2023", want: [7]int{notFound, notFound, notFound, notFound, unauth, unauth, notFound}},
		{route: "PUT /api/v1/assessment/:year", method: "PUT", path: "/api/v1/assessment/2031", body: func() (string, string) { return "text/markdown", "" }, want: adminOnly},
		{route: "POST /api/v1/ingest/:dataset", method: "POST", path: "/api/v1/ingest/population?dry_run=true&file=p.csv", body: csvBody, want: adminOnly},
		// this server offers no CLI (cmd/kapacitet's serve does, tested there): a token is still needed to learn so
		{route: "POST /api/v1/cli", method: "POST", path: "/api/v1/cli", body: func() (string, string) {
			return "application/json", `{"command":"version","args":[]}`
		}, want: [7]int{unauth, notFound, notFound, notFound, unauth, unauth, notFound}},
		// sign-in: the form's own CSRF cookie and field; a token that is no longer in force gets the one refusal
		{route: "POST /signin", method: "POST", path: "/signin", form: true, want: [7]int{unauth, seeOther, seeOther, seeOther, unauth, unauth, forbidden}},
		// signing out needs the session's CSRF token; without a session in force there is nothing to end
		{route: "POST /signout", method: "POST", path: "/signout", form: true, want: [7]int{seeOther, seeOther, seeOther, seeOther, seeOther, seeOther, forbidden}},
		{route: "GET /healthz", path: "/healthz", want: public},
		{route: "GET /readyz", path: "/readyz", want: public},
		{route: "GET /metrics", path: "/metrics", want: public},
		{route: "GET /static/map/nordjylland.json", path: "/static/map/nordjylland.json", want: public},
		{route: "GET /static/*", path: "/static/style.css", want: public},
		{route: "GET /favicon.ico", path: "/favicon.ico", want: [7]int{301, 301, 301, 301, unauth, unauth, 301}},
	}
	// every registered route is in the matrix
	h, err := dashboards.NewServer(dashboards.Deps{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, a := range matrix {
		covered[a.route] = true
	}
	var missing []string
	for _, r := range dashboards.Routes(h) {
		if !covered[r] && !strings.HasPrefix(r, "HEAD ") {
			missing = append(missing, r)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes without a row in the access matrix: %v", missing)
	}
	// the sign-in row on a server of its own over the same database: the sessions above used up most of this
	// address's sign-in attempts of the minute on srv (the rate limit is per server)
	own := httptest.NewServer(h)
	defer own.Close()
	for _, a := range matrix {
		base := srv.URL
		if a.route == "POST /signin" {
			base = own.URL
		}
		for i, who := range callers {
			got := request(t, base, a, who, tokens[who], sessions[who], csrf[who])
			if got != a.want[i] {
				t.Errorf("%s %s as %s: %d, want %d", method(a), a.path, who, got, a.want[i])
			}
		}
	}
}

// with is statuses with the i-th replaced by v (pairs of i and v).
func with(s [7]int, pairs ...int) [7]int {
	for i := 0; i < len(pairs); i += 2 {
		s[pairs[i]] = pairs[i+1]
	}
	return s
}

func method(a access) string {
	if a.method == "" {
		return "GET"
	}
	return a.method
}

// request sends a's request as who and returns the status.
func request(t *testing.T, base string, a access, who, token string, session *http.Client, csrf string) int {
	t.Helper()
	if a.route == "POST /signin" {
		return signInAs(t, base, who, token)
	}
	if a.form {
		var form url.Values
		if method(a) != "GET" {
			form = url.Values{"csrf": {csrf}, "year": {"2031"}, "text": {"matrix"}, "token": {token}}
		}
		code, _, _, _ := call(t, session, method(a), base+a.path, form)
		return code
	}
	var body string
	var ctype string
	if a.body != nil {
		ctype, body = a.body()
	}
	req, err := http.NewRequest(method(a), base+a.path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if who == "wrong_csrf" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(fmt.Errorf("%s: %w", a.path, err))
	}
	res.Body.Close()
	return res.StatusCode
}

// signInAs posts token to a fresh sign-in form (its CSRF cookie and field; wrong_csrf: another field) with
// a client of its own, and returns the status.
func signInAs(t *testing.T, base, who, token string) int {
	t.Helper()
	c := browserClient(t)
	_, _, page, _ := call(t, c, "GET", base+"/signin", nil)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field on the sign-in form")
	}
	field := m[1]
	if who == "wrong_csrf" {
		field = strings.Repeat("x", len(field))
	}
	code, _, _, _ := call(t, c, "POST", base+"/signin", url.Values{"token": {token}, "csrf": {field}})
	return code
}

// serve --public=false: without a token or session a page sends the browser to sign in (and back), the API
// is 401; signing in, the health endpoints and the static files stay open; a viewer's token or session sees
// the pages as the public would.
func TestPrivateServer(t *testing.T) {
	_, st := mustServe(t)
	h, err := dashboards.NewServer(dashboards.Deps{Store: st, Private: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	nobody := browserClient(t)
	for _, tc := range []struct {
		path     string
		want     int
		location string
	}{
		{"/", 303, "/signin?next=%2F"},
		{"/groups/autisme-boern?year=2023", 303, "/signin?next=%2Fgroups%2Fautisme-boern%3Fyear%3D2023"},
		{"/api/v1/findings", 401, ""},
		{"/api/v1/extracts/capacity.csv", 401, ""},
		{"/signin", 200, ""}, {"/healthz", 200, ""}, {"/readyz", 200, ""}, {"/static/style.css", 200, ""},
	} {
		code, loc, _, _ := call(t, nobody, "GET", srv.URL+tc.path, nil)
		if code != tc.want || loc != tc.location {
			t.Errorf("%s: %d %q, want %d %q", tc.path, code, loc, tc.want, tc.location)
		}
	}
	viewer, err := st.CreateToken(context.Background(), "private-viewer", "viewer", "test")
	if err != nil {
		t.Fatal(err)
	}
	if code, _ := requestAs(t, "GET", srv.URL+"/api/v1/findings?year=2023", viewer); code != 200 {
		t.Errorf("the API with a viewer's token: %d", code)
	}
	b := browserClient(t)
	if code, loc := signIn(t, b, srv.URL, viewer, "/groups/autisme-boern"); code != 303 || loc != "/groups/autisme-boern" {
		t.Fatalf("sign-in: %d %q", code, loc)
	}
	if code, _, _, _ := call(t, b, "GET", srv.URL+"/groups/autisme-boern", nil); code != 200 {
		t.Errorf("a page in a viewer's session: %d", code)
	}
}
