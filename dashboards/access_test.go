package dashboards_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/queries"
)

var signinError = regexp.MustCompile(`<p class="error-message" role="alert">([^<]*)</p>`)

// signInMessage posts token to the sign-in form with c and returns the status and the form's message.
func signInMessage(t *testing.T, c *http.Client, base, token string) (int, string) {
	t.Helper()
	_, _, page, _ := call(t, c, "GET", base+"/signin", nil)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token: %s", page)
	}
	code, _, body, _ := call(t, c, "POST", base+"/signin", url.Values{"token": {token}, "csrf": {m[1]}})
	msg := ""
	if e := signinError.FindStringSubmatch(body); e != nil {
		msg = e[1]
	}
	return code, msg
}

// An expired token is refused like an unknown one, on the API (the same 401 and body) and at sign-in (the
// same message); a token that expires while its lookup is cached is refused from then on, and its browser
// session ends.
func TestTokenExpiry(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	expired, err := st.CreateTokenUntil(ctx, "udløbet", "analyst", "test", time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	soon := time.Now().Add(2 * time.Second)
	short, err := st.CreateTokenUntil(ctx, "kortvarig", "analyst", "test", soon)
	if err != nil {
		t.Fatal(err)
	}
	unknown := "kap_" + strings.Repeat("B", 43)
	draft := srv.URL + "/api/v1/findings?year=2023&target_group=autisme-boern&place_type=doegn&kind=gap&draft=true"
	const refused = `{"error":{"code":"unauthorized","message":"Ukendt eller tilbagekaldt token. (Unknown or revoked token.)"}}`
	for name, tok := range map[string]string{"unknown": unknown, "expired": expired} {
		if code, body := requestAs(t, "GET", draft, tok); code != 401 || strings.TrimSpace(body) != refused {
			t.Errorf("%s token on the API: %d %s", name, code, body)
		}
	}
	const failed = "Log ind mislykkedes. Tjek dit token, og prøv igen."
	for name, tok := range map[string]string{"unknown": unknown, "expired": expired} {
		if code, msg := signInMessage(t, browserClient(t), srv.URL, tok); code != 401 || msg != failed {
			t.Errorf("%s token at sign-in: %d %q", name, code, msg)
		}
	}
	// before its expiry the short token works, on the API (its lookup now cached) and in a browser session
	if code, body := requestAs(t, "GET", draft, short); code != 200 {
		t.Fatalf("the short token before its expiry: %d %s", code, body)
	}
	b := browserClient(t)
	if code, _ := signIn(t, b, srv.URL, short, "/gaps"); code != 303 {
		t.Fatalf("sign-in before the expiry: %d", code)
	}
	if code, _, _, _ := call(t, b, "GET", srv.URL+"/gaps?year=2023&draft=true", nil); code != 200 {
		t.Fatalf("the session before the expiry: %d", code)
	}
	time.Sleep(time.Until(soon) + 50*time.Millisecond)
	if code, body := requestAs(t, "GET", draft, short); code != 401 || strings.TrimSpace(body) != refused {
		t.Errorf("the short token after its expiry (cached lookup): %d %s", code, body)
	}
	if code, _, _, _ := call(t, b, "GET", srv.URL+"/gaps?year=2023&draft=true", nil); code != 401 {
		t.Errorf("the session after the token's expiry: %d, want 401 (the public)", code)
	}
	if code, msg := signInMessage(t, browserClient(t), srv.URL, short); code != 401 || msg != failed {
		t.Errorf("sign-in after the expiry: %d %q", code, msg)
	}
}

// The audit log over HTTP: an ingest and a publish through the API, an assessment saved at /admin, sign-ins
// (and a failed one) and a sign-out, each with who and the client's address; /admin/audit shows them to an
// admin's session (Danish, English with ?lang=en) and refuses everyone else as /admin does.
func TestAuditOverHTTP(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	admin, _ := st.CreateToken(ctx, "sekretariat", "admin", "test")
	analyst, _ := st.CreateToken(ctx, "analytiker", "analyst", "test")
	viewer, _ := st.CreateToken(ctx, "borger", "viewer", "test")
	if err := st.RevokeToken(ctx, "borger", "cli:ops"); err != nil {
		t.Fatal(err)
	}
	viewer, _ = st.CreateToken(ctx, "læser", "viewer", "test")

	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/ingest/demand?file=aalborg.csv",
		strings.NewReader("year,municipality,target_group,place_type,placed,waiting\n2024,851,misbrug,dag,50,2\n"))
	req.Header.Set("Authorization", "Bearer "+admin)
	req.Header.Set("Content-Type", "text/csv")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("ingest: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	if code, body := requestAs(t, "POST", srv.URL+"/api/v1/publish/2024", admin); code != 200 {
		t.Fatalf("publish: %d %s", code, body)
	}
	if code, _ := signInMessage(t, browserClient(t), srv.URL, "kap_wrong"); code != 401 {
		t.Fatalf("a wrong token: %d", code)
	}
	a := browserClient(t)
	if code, _ := signIn(t, a, srv.URL, admin, "/admin?year=2024"); code != 303 {
		t.Fatalf("admin sign-in: %d", code)
	}
	_, _, page, _ := call(t, a, "GET", srv.URL+"/admin?year=2024", nil)
	m := csrfField.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, `href="/admin/audit?lang=da"`) {
		t.Fatalf("/admin has no form or no link to the audit log: %s", page)
	}
	if code, _, _, _ := call(t, a, "POST", srv.URL+"/admin/assessment", url.Values{"year": {"2024"}, "text": {"Mangler."}, "csrf": {m[1]}}); code != 303 {
		t.Fatalf("assessment: %d", code)
	}
	an := browserClient(t)
	if code, _ := signIn(t, an, srv.URL, analyst, "/"); code != 303 {
		t.Fatal("analyst sign-in")
	}
	_, _, page, _ = call(t, an, "GET", srv.URL+"/signout", nil)
	if m := csrfField.FindStringSubmatch(page); m == nil {
		t.Fatal("no sign-out form")
	} else if code, _, _, _ := call(t, an, "POST", srv.URL+"/signout", url.Values{"csrf": {m[1]}}); code != 303 {
		t.Fatalf("sign-out: %d", code)
	}

	list, err := st.AuditLog(ctx, "", 20)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ who, action, client string }
	want := []row{
		{"analytiker", "signout", "127.0.0.1"},
		{"analytiker", "signin", "127.0.0.1"},
		{"sekretariat", "assessment", "127.0.0.1"},
		{"sekretariat", "signin", "127.0.0.1"},
		{"", "signin_failed", "127.0.0.1"},
		{"sekretariat", "publish", "127.0.0.1"},
		{"sekretariat", "ingest", "127.0.0.1"},
		{"test", "token_create", ""},
		{"cli:ops", "token_revoke", ""},
		{"test", "token_create", ""},
	}
	if len(list) < len(want) {
		t.Fatalf("%d entries: %+v", len(list), list)
	}
	for i, w := range want {
		e := list[i]
		client, _ := e.Details["client"].(string)
		if got := (row{e.Who, e.Action, client}); got != w {
			t.Errorf("entry %d: %+v, want %+v (%v)", i, got, w, e.Details)
		}
	}
	if d := list[6].Details; d["dataset"] != "demand" || d["file"] != "aalborg.csv" || d["rows"] != json.Number("1") {
		t.Errorf("the ingest's details: %v", d)
	}
	if d := list[5].Details; d["year"] != json.Number("2024") || d["edition"] != json.Number("1") {
		t.Errorf("the publish's details: %v", d)
	}
	if d := list[8].Details; d["token"] != "borger" {
		t.Errorf("the revocation's details: %v", d)
	}

	// an analyst's extract, in the export log on the same page (the demo's 2023 tariffs, counted from its file)
	if code, _ := requestAs(t, "GET", srv.URL+"/api/v1/extracts/tariffs.csv?year=2023", analyst); code != 200 {
		t.Fatalf("extract: %d", code)
	}
	_, tariffRows := demoCSV(t, "tariffs")
	n2023 := 0
	for _, r := range tariffRows {
		if r["year"] == "2023" {
			n2023++
		}
	}
	// the page: an admin's session sees it
	code, _, page, _ := call(t, a, "GET", srv.URL+"/admin/audit", nil)
	if wantRow := fmt.Sprintf("<td>analytiker</td><td>analyst</td><td>tariffs</td><td>csv</td><td>year=2023</td><td class=\"num\">%d</td><td>–</td>", n2023); !strings.Contains(page, wantRow) {
		t.Errorf("/admin/audit has no export row %s", wantRow)
	}
	if code != 200 || !strings.Contains(page, `<html lang="da">`) || !strings.Contains(page, "<h1>Revisionslog</h1>") ||
		!strings.Contains(page, "<td>sekretariat</td><td>Indlæsning</td><td>batch: ") || !strings.Contains(page, "<td>–</td><td>Mislykket login</td><td>client: 127.0.0.1</td>") {
		t.Errorf("/admin/audit for the admin: %d %s", code, page)
	}
	code, _, page, _ = call(t, a, "GET", srv.URL+"/admin/audit?lang=en&action=signin&limit=1", nil)
	if code != 200 || !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "<h1>Audit log</h1>") ||
		strings.Count(page, "<td>Signed in</td>") != 1 || strings.Contains(page, "Ingest</td>") {
		t.Errorf("/admin/audit in English, sign-ins, 1: %d %s", code, page)
	}
	for _, q := range []string{"?action=nonsense", "?limit=0", "?limit=1001", "?limit=x"} {
		if code, _, _, _ := call(t, a, "GET", srv.URL+"/admin/audit"+q, nil); code != 400 {
			t.Errorf("/admin/audit%s: %d, want 400", q, code)
		}
	}
	// everyone else: as /admin refuses them (a session below admin 403, no session sent to sign in)
	v := browserClient(t)
	if code, _ := signIn(t, v, srv.URL, viewer, "/"); code != 303 {
		t.Fatal("viewer sign-in")
	}
	an = browserClient(t)
	if code, _ := signIn(t, an, srv.URL, analyst, "/"); code != 303 {
		t.Fatal("analyst sign-in")
	}
	for name, c := range map[string]*http.Client{"viewer": v, "analyst": an, "nobody": browserClient(t)} {
		code, loc, body, _ := call(t, c, "GET", srv.URL+"/admin/audit", nil)
		adminCode, _, _, _ := call(t, c, "GET", srv.URL+"/admin", nil)
		want := map[string]int{"viewer": 403, "analyst": 403, "nobody": 303}[name]
		if code != want || code != adminCode || strings.Contains(body, "sekretariat") {
			t.Errorf("/admin/audit for %s: %d (→ %q), want %d as /admin (%d)", name, code, loc, want, adminCode)
		}
		if name == "nobody" && !strings.HasPrefix(loc, "/signin?next=%2Fadmin%2Faudit") {
			t.Errorf("/admin/audit without a session sends to %q", loc)
		}
	}
	// a token in the header is no session (as /admin): sent to sign in
	for _, tok := range []string{admin, analyst} {
		req, _ := http.NewRequest("GET", srv.URL+"/admin/audit", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := browserClient(t).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
			t.Errorf("/admin/audit with a Bearer token: %d → %q", res.StatusCode, res.Header.Get("Location"))
		}
	}
}

// The rate limits per client address: the 11th sign-in attempt within a minute from one address is 429 with
// Retry-After and the error page, while another address still gets through; the 31st upload to the ingest
// API is 429 with the JSON error. Every failed attempt before that gets the one message.
func TestRateLimits(t *testing.T) {
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	h, err := dashboards.NewServer(dashboards.Deps{Store: st, Analysis: analysis.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := st.CreateToken(ctx, "sekretariat", "admin", "test")
	signin := func(addr, token string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/signin", strings.NewReader(url.Values{"token": {token}, "csrf": {"abc"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "kapacitet_csrf", Value: "abc"})
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i := 1; i <= 10; i++ {
		rec := signin("192.0.2.1:4000", "kap_wrong")
		if rec.Code != 401 || !strings.Contains(rec.Body.String(), "Log ind mislykkedes. Tjek dit token, og prøv igen.") {
			t.Fatalf("attempt %d: %d", i, rec.Code)
		}
	}
	rec := signin("192.0.2.1:4001", admin) // another port, the same address; the right token does not help
	retry, _ := strconv.Atoi(rec.Header().Get("Retry-After"))
	if rec.Code != 429 || retry < 1 || retry > 6 || !strings.Contains(rec.Body.String(), "<h1>For mange forsøg</h1>") ||
		!strings.Contains(rec.Body.String(), "For mange forsøg fra din adresse") || rec.Header().Get("Set-Cookie") != "" {
		t.Errorf("the 11th attempt: %d, Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
	}
	if rec := signin("192.0.2.2:4000", admin); rec.Code != 303 {
		t.Errorf("another address: %d, want 303", rec.Code)
	}
	if rec := signin("192.0.2.2:4000", "kap_wrong"); rec.Code != 401 {
		t.Errorf("another address, a wrong token: %d, want 401", rec.Code)
	}
	if l, _ := st.AuditLog(ctx, "signin_failed", 100); len(l) != 11 {
		t.Errorf("%d failed sign-ins logged, want 11 (the refused one is not an attempt)", len(l))
	}

	ingest := func(addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("POST", "/api/v1/ingest/demand?dry_run=true&file=d.csv", strings.NewReader("year,municipality,target_group,place_type,placed,waiting\n2024,851,misbrug,dag,3,0\n"))
		req.Header.Set("Authorization", "Bearer "+admin)
		req.Header.Set("Content-Type", "text/csv")
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i := 1; i <= 30; i++ {
		if rec := ingest("198.51.100.9:1"); rec.Code != 200 {
			t.Fatalf("upload %d: %d %s", i, rec.Code, rec.Body.String())
		}
	}
	rec = ingest("198.51.100.9:1")
	retry, _ = strconv.Atoi(rec.Header().Get("Retry-After"))
	const tooMany = `{"error":{"code":"too_many_requests","message":"For mange forsøg fra din adresse; vent lidt, og prøv igen. (Too many attempts from your address; wait a little and try again.)"}}`
	if rec.Code != 429 || retry < 1 || retry > 2 || strings.TrimSpace(rec.Body.String()) != tooMany {
		t.Errorf("the 31st upload: %d, Retry-After %q: %s", rec.Code, rec.Header().Get("Retry-After"), rec.Body.String())
	}
	if rec := ingest("198.51.100.10:1"); rec.Code != 200 {
		t.Errorf("an upload from another address: %d", rec.Code)
	}
	// sign-in has its own limit: the uploads used none of it
	if rec := signin("198.51.100.9:1", admin); rec.Code != 303 {
		t.Errorf("sign-in from the uploading address: %d", rec.Code)
	}
}
