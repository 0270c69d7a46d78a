package dashboards_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
	"github.com/kapacitet/kapacitet/queries"
)

// adminForms is a server with the demo data, an admin "das" signed in with the browser (and the session's
// CSRF token) and a viewer and an analyst signed in too.
type adminForms struct {
	t                *testing.T
	srv              *httptest.Server
	st               *queries.Store
	admin, viewer    *http.Client
	analyst          *http.Client
	csrf, viewerCSRF string
	ctx              context.Context
}

func newAdminForms(t *testing.T) *adminForms {
	t.Helper()
	srv, st := mustServe(t)
	ctx := context.Background()
	f := &adminForms{t: t, srv: srv, st: st, ctx: ctx, admin: browserClient(t), viewer: browserClient(t), analyst: browserClient(t)}
	for _, x := range []struct {
		name, role string
		c          *http.Client
		csrf       *string
	}{{"das", "admin", f.admin, &f.csrf}, {"seer", "viewer", f.viewer, &f.viewerCSRF}, {"ana", "analyst", f.analyst, nil}} {
		tok, err := st.CreateToken(ctx, x.name, x.role, "test")
		if err != nil {
			t.Fatal(err)
		}
		if code, _ := signIn(t, x.c, srv.URL, tok, "/"); code != 303 {
			t.Fatalf("sign-in of %s: %d", x.name, code)
		}
		if x.csrf != nil {
			_, _, page, _ := call(t, x.c, "GET", srv.URL+"/signout", nil) // a page with the session's CSRF token
			m := csrfField.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no CSRF token for %s", x.name)
			}
			*x.csrf = m[1]
		}
	}
	return f
}

// post sends a form (url-encoded) with c.
func (f *adminForms) post(c *http.Client, path string, form url.Values) (int, string) {
	f.t.Helper()
	code, _, body, _ := call(f.t, c, "POST", f.srv.URL+path, form)
	return code, body
}

// upload sends /admin's upload form (multipart) with c.
func (f *adminForms) upload(c *http.Client, fields map[string]string, file string, content []byte) (int, string) {
	f.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", file)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", f.srv.URL+"/admin/ingest", &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := c.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

func (f *adminForms) checksum() string {
	f.t.Helper()
	sum, err := f.st.Checksum(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return sum
}

func (f *adminForms) batches() []queries.Batch {
	f.t.Helper()
	b, err := f.st.Batches(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// load ingests content as dataset directly (not through the page).
func (f *adminForms) load(dataset, file, content string) queries.BatchResult {
	f.t.Helper()
	d, _ := data.DatasetByName(dataset)
	res, err := ingest.File(f.ctx, f.st, d, file, []byte(content), ingest.Options{LoadedBy: "test"})
	if err != nil {
		f.t.Fatal(err)
	}
	return res.Batch
}

// lastAudit is the newest entry of the audit log of action.
func (f *adminForms) lastAudit(action string) queries.AuditEntry {
	f.t.Helper()
	e, err := f.st.AuditLog(f.ctx, action, 1)
	if err != nil || len(e) == 0 {
		f.t.Fatalf("no audit entry %s: %v", action, err)
	}
	return e[0]
}

// The upload form: a valid CSV adds a batch of its rows; an invalid one shows each problem's line (in the
// page's language) and changes nothing; a dry run loads nothing; a wrong CSRF token and a viewer are
// refused and change nothing.
func TestAdminIngestForm(t *testing.T) {
	f := newAdminForms(t)
	before := f.batches()
	good := []byte("year,municipality,target_group,score,comment\n2023,851,misbrug,2,For få pladser.\n2023,825,misbrug,4,\n")
	code, body := f.upload(f.admin, map[string]string{"csrf": f.csrf, "dataset": "survey"}, "survey.csv", good)
	after := f.batches()
	if code != 200 || len(after) != len(before)+1 {
		t.Fatalf("a valid upload: %d, %d batches → %d: %s", code, len(before), len(after), body)
	}
	b := after[len(after)-1]
	if b.Dataset != "survey" || b.Rows != 2 || b.FileName != "survey.csv" || b.LoadedBy != "das" {
		t.Errorf("the new batch: %+v", b)
	}
	if want := "survey.csv: 2 rækker indlæst som batch " + strconv.FormatInt(b.ID, 10); !strings.Contains(body, want) {
		t.Errorf("the page does not say %q", want)
	}
	if e := f.lastAudit(queries.AuditIngest); e.Who != "das" {
		t.Errorf("the audit entry: %+v", e)
	}

	// two bad rows: line 3 (score 9) and line 4 (municipality 999); nothing is loaded
	bad := []byte("year,municipality,target_group,score\n2023,851,misbrug,3\n2023,851,misbrug,9\n2023,999,misbrug,2\n")
	sum := f.checksum()
	code, body = f.upload(f.admin, map[string]string{"csrf": f.csrf, "dataset": "survey"}, "bad.csv", bad)
	if code != 422 {
		t.Errorf("an invalid upload: %d", code)
	}
	for _, want := range []string{"bad.csv: 2 fejl; intet er indlæst.", "<th scope=\"row\">linje 3</th><td>score</td><td>9</td>", "<th scope=\"row\">linje 4</th><td>municipality</td><td>999</td>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if f.checksum() != sum {
		t.Error("an invalid upload changed the database")
	}
	code, body = f.upload(f.admin, map[string]string{"csrf": f.csrf, "dataset": "survey", "lang": "en"}, "bad.csv", bad)
	if code != 422 || !strings.Contains(body, "<th scope=\"row\">line 3</th>") || !strings.Contains(body, "bad.csv: 2 problem(s); nothing was loaded.") {
		t.Errorf("the report in English: %d", code)
	}
	// a dry run checks and loads nothing
	dry := []byte("year,municipality,target_group,score\n2023,773,misbrug,1\n")
	code, body = f.upload(f.admin, map[string]string{"csrf": f.csrf, "dataset": "survey", "dry_run": "true"}, "dry.csv", dry)
	if code != 200 || !strings.Contains(body, "1 rækker er gyldige (prøvekørsel") || f.checksum() != sum {
		t.Errorf("a dry run: %d", code)
	}
	// refused: a wrong CSRF token, a viewer, no session
	if code, _ = f.upload(f.admin, map[string]string{"csrf": "wrong", "dataset": "survey"}, "dry.csv", dry); code != 403 {
		t.Errorf("a wrong CSRF token: %d", code)
	}
	if code, _ = f.upload(f.admin, map[string]string{"dataset": "survey"}, "dry.csv", dry); code != 403 {
		t.Errorf("no CSRF token: %d", code)
	}
	if code, _ = f.upload(f.viewer, map[string]string{"csrf": f.viewerCSRF, "dataset": "survey"}, "dry.csv", dry); code != 403 {
		t.Errorf("a viewer: %d", code)
	}
	if code, _ = f.upload(browserClient(t), map[string]string{"dataset": "survey"}, "dry.csv", dry); code != 303 {
		t.Errorf("no session: %d", code)
	}
	if f.checksum() != sum {
		t.Error("a refused upload changed the database")
	}
}

// Restore: a superseded batch comes back as a new batch, loaded by "das (restore of batch N)", with the
// audit log's entry; a wrong CSRF token and a viewer are refused and change nothing.
func TestAdminRestoreForm(t *testing.T) {
	f := newAdminForms(t)
	first := f.load("survey", "v1.csv", "year,municipality,target_group,score\n2023,851,misbrug,2\n")
	f.load("survey", "v2.csv", "year,municipality,target_group,score\n2023,851,misbrug,5\n")
	path := "/admin/batches/" + strconv.FormatInt(first.ID, 10) + "/restore"
	sum := f.checksum()
	if code, _ := f.post(f.admin, path, url.Values{"csrf": {"wrong"}}); code != 403 {
		t.Errorf("a wrong CSRF token: %d", code)
	}
	if code, _ := f.post(f.viewer, path, url.Values{"csrf": {f.viewerCSRF}}); code != 403 {
		t.Errorf("a viewer: %d", code)
	}
	if f.checksum() != sum {
		t.Fatal("a refused restore changed the database")
	}
	n := len(f.batches())
	code, body := f.post(f.admin, path, url.Values{"csrf": {f.csrf}})
	list := f.batches()
	if code != 200 || len(list) != n+1 {
		t.Fatalf("restore: %d, %d batches → %d", code, n, len(list))
	}
	b := list[len(list)-1]
	want := "das (restore of batch " + strconv.FormatInt(first.ID, 10) + ")"
	if b.FileName != "v1.csv" || b.Rows != 1 || b.LoadedBy != want {
		t.Errorf("the restored batch: %+v", b)
	}
	if msg := "Batch " + strconv.FormatInt(first.ID, 10) + " er gendannet som kladdebatch " + strconv.FormatInt(b.ID, 10) + ": 1 rækker (1 aktuelle rækker erstattet)."; !strings.Contains(body, msg) {
		t.Errorf("the page does not say %q", msg)
	}
	if e := f.lastAudit(queries.AuditRestore); e.Who != "das" || e.Details["restore_of"] == nil {
		t.Errorf("the audit entry: %+v", e)
	}
	// the rows of v1 are current again
	answers, err := f.st.SurveyAnswers(f.ctx, queries.View{Draft: true}, 2023, "misbrug")
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range answers {
		if a.Municipality == 851 && (a.Score == nil || *a.Score != 2) {
			t.Errorf("Aalborg's current answer: %v, want v1's 2", a.Score)
		}
	}
	if code, _ := f.post(f.admin, "/admin/batches/99999/restore", url.Values{"csrf": {f.csrf}}); code != 404 {
		t.Errorf("an unknown batch: %d", code)
	}
}

// Publish: the form makes the year's next edition (2023 has edition 1 from the demo), then says that
// nothing changed; a wrong CSRF token and a viewer are refused.
func TestAdminPublishForm(t *testing.T) {
	f := newAdminForms(t)
	f.load("survey", "s.csv", "year,municipality,target_group,score\n2023,851,misbrug,2\n")
	eds := func() int {
		list, err := f.st.LatestEditions(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range list {
			if e.Year == 2023 {
				return e.Number
			}
		}
		return 0
	}
	if eds() != 1 {
		t.Fatalf("2023 has edition %d before", eds())
	}
	if code, _ := f.post(f.admin, "/admin/publish", url.Values{"csrf": {"wrong"}, "year": {"2023"}}); code != 403 {
		t.Errorf("a wrong CSRF token: %d", code)
	}
	if code, _ := f.post(f.viewer, "/admin/publish", url.Values{"csrf": {f.viewerCSRF}, "year": {"2023"}}); code != 403 {
		t.Errorf("a viewer: %d", code)
	}
	// an admin token in the header is no session: sent to sign in, nothing published
	tok, _ := f.st.CreateToken(f.ctx, "bearer-admin", "admin", "test")
	req, _ := http.NewRequest("POST", f.srv.URL+"/admin/publish", strings.NewReader("year=2023"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer "+tok)
	if res, err := browserClient(t).Do(req); err != nil || res.StatusCode != 303 {
		t.Errorf("an admin token without a session: %v %v", res, err)
	} else {
		res.Body.Close()
	}
	if eds() != 1 {
		t.Fatal("a refused publish published")
	}
	code, body := f.post(f.admin, "/admin/publish", url.Values{"csrf": {f.csrf}, "year": {"2023"}})
	if code != 200 || eds() != 2 || !strings.Contains(body, "Udgave 2 af 2023 er offentliggjort.") {
		t.Errorf("publish: %d, edition %d", code, eds())
	}
	if e := f.lastAudit(queries.AuditPublish); e.Who != "das" {
		t.Errorf("the audit entry: %+v", e)
	}
	code, body = f.post(f.admin, "/admin/publish", url.Values{"csrf": {f.csrf}, "year": {"2023"}, "lang": {"en"}})
	if code != 200 || eds() != 2 || !strings.Contains(body, "Nothing changed for 2023 since edition 2; no new edition.") {
		t.Errorf("publish again: %d, edition %d", code, eds())
	}
	if code, body := f.post(f.admin, "/admin/publish", url.Values{"csrf": {f.csrf}, "year": {"2031"}}); code != 422 || !strings.Contains(body, "Der er ingen data for 2031") {
		t.Errorf("a year without data: %d", code)
	}
}

var newToken = regexp.MustCompile(`<code id="new-token">(kap_[A-Za-z0-9_-]{43})</code>`)

// Tokens: the form makes a token that works on the API and is shown once; the name and expiry are checked
// as the CLI checks them; revoking ends it; a wrong CSRF token and a viewer are refused.
func TestAdminTokensForm(t *testing.T) {
	f := newAdminForms(t)
	count := func() int {
		list, err := f.st.Tokens(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	n := count()
	form := url.Values{"csrf": {"wrong"}, "name": {"Aalborg Kommune"}, "role": {"analyst"}, "expires": {"90d"}}
	if code, _ := f.post(f.admin, "/admin/tokens", form); code != 403 {
		t.Errorf("a wrong CSRF token: %d", code)
	}
	form.Set("csrf", f.viewerCSRF)
	if code, _ := f.post(f.viewer, "/admin/tokens", form); code != 403 {
		t.Errorf("a viewer: %d", code)
	}
	for _, bad := range []url.Values{{"name": {"-x"}, "role": {"analyst"}}, {"name": {"ok"}, "role": {"root"}}, {"name": {"ok"}, "role": {"viewer"}, "expires": {"0d"}}} {
		bad.Set("csrf", f.csrf)
		if code, _ := f.post(f.admin, "/admin/tokens", bad); code != 400 {
			t.Errorf("%v: %d", bad, code)
		}
	}
	if count() != n {
		t.Fatal("a refused form made a token")
	}
	form.Set("csrf", f.csrf)
	code, body := f.post(f.admin, "/admin/tokens", form)
	m := newToken.FindStringSubmatch(body)
	if code != 200 || m == nil || count() != n+1 || !strings.Contains(body, "det vises kun denne ene gang") {
		t.Fatalf("create: %d, %d tokens", code, count())
	}
	api := func() int {
		req, _ := http.NewRequest("GET", f.srv.URL+"/api/v1/delivery?year=2023", nil)
		req.Header.Set("Authorization", "Bearer "+m[1])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if got := api(); got != 200 {
		t.Errorf("the new analyst token on the API: %d", got)
	}
	if e := f.lastAudit(queries.AuditTokenCreate); e.Who != "das" || e.Details["token"] != "Aalborg Kommune" {
		t.Errorf("the audit entry: %+v", e)
	}
	// shown once: /admin lists the token, never its secret
	_, _, page, _ := call(t, f.admin, "GET", f.srv.URL+"/admin", nil)
	if strings.Contains(page, m[1]) || !strings.Contains(page, "<th scope=\"row\">Aalborg Kommune</th><td>analyst</td>") {
		t.Error("/admin shows the secret again, or does not list the token")
	}
	if code, _ := f.post(f.admin, "/admin/tokens", form); code != 409 {
		t.Errorf("the same name again: %d", code)
	}
	// revoke (the name has a space: the path escapes it)
	path := "/admin/tokens/Aalborg%20Kommune/revoke"
	if code, _ := f.post(f.admin, path, url.Values{"csrf": {"wrong"}}); code != 403 || api() != 200 {
		t.Errorf("revoke with a wrong CSRF token: %d", code)
	}
	if code, _ := f.post(f.viewer, path, url.Values{"csrf": {f.viewerCSRF}}); code != 403 || api() != 200 {
		t.Errorf("revoke by a viewer: %d", code)
	}
	if code, body := f.post(f.admin, path, url.Values{"csrf": {f.csrf}}); code != 200 || !strings.Contains(body, "Token “Aalborg Kommune” er tilbagekaldt.") {
		t.Errorf("revoke: %d", code)
	}
	if got := api(); got != 401 {
		t.Errorf("the revoked token on the API: %d", got)
	}
	if code, _ := f.post(f.admin, path, url.Values{"csrf": {f.csrf}}); code != 404 {
		t.Errorf("revoke again: %d", code)
	}
}

// Comments: an unapproved comment never reaches a viewer's group page (an analyst sees it); /admin lists it;
// once approved, viewers see it, and the other stays hidden. A wrong CSRF token and a viewer cannot approve.
func TestAdminCommentApproval(t *testing.T) {
	f := newAdminForms(t)
	f.load("survey", "s.csv", "year,municipality,target_group,score,comment\n2023,851,misbrug,2,Ventelisten er lang i Aalborg.\n2023,825,misbrug,1,Ingen tilbud på øen.\n")
	if code, body := f.post(f.admin, "/admin/publish", url.Values{"csrf": {f.csrf}, "year": {"2023"}}); code != 200 || !strings.Contains(body, "Udgave 2 af 2023") {
		t.Fatalf("publish: %d", code)
	}
	group := f.srv.URL + "/groups/misbrug?year=2023"
	public := func() string {
		_, body := get(t, group)
		return body
	}
	_, _, viewerPage, _ := call(t, f.viewer, "GET", group, nil)
	for _, page := range []string{public(), viewerPage} {
		if strings.Contains(page, "Ventelisten er lang") || strings.Contains(page, "Ingen tilbud på øen") {
			t.Error("a viewer sees an unapproved comment")
		}
	}
	if _, _, page, _ := call(t, f.analyst, "GET", group, nil); !strings.Contains(page, "Ventelisten er lang i Aalborg.") || !strings.Contains(page, "Ingen tilbud på øen.") {
		t.Error("an analyst does not see the comments")
	}
	_, _, admin, _ := call(t, f.admin, "GET", f.srv.URL+"/admin", nil)
	keys := regexp.MustCompile(`name="key" value="(2023/851/misbrug/[0-9a-f]{64})"`).FindStringSubmatch(admin)
	if keys == nil || !strings.Contains(admin, "<td>Ventelisten er lang i Aalborg.</td>") || !strings.Contains(admin, "<td>Ingen tilbud på øen.</td>") {
		t.Fatal("/admin does not list the comments awaiting approval")
	}
	key := keys[1]
	sum := f.checksum()
	if code, _ := f.post(f.admin, "/admin/comments/approve", url.Values{"csrf": {"wrong"}, "key": {key}}); code != 403 {
		t.Errorf("a wrong CSRF token: %d", code)
	}
	if code, _ := f.post(f.viewer, "/admin/comments/approve", url.Values{"csrf": {f.viewerCSRF}, "key": {key}}); code != 403 {
		t.Errorf("a viewer: %d", code)
	}
	if f.checksum() != sum || strings.Contains(public(), "Ventelisten er lang") {
		t.Fatal("a refused approval approved")
	}
	if code, _ := f.post(f.admin, "/admin/comments/approve", url.Values{"csrf": {f.csrf}, "key": {"2023/851/misbrug/" + strings.Repeat("0", 64)}}); code != 404 {
		t.Errorf("an unknown key: %d", code)
	}
	code, body := f.post(f.admin, "/admin/comments/approve", url.Values{"csrf": {f.csrf}, "key": {key}})
	if code != 200 || !strings.Contains(body, "Kommentaren fra Aalborg om") || strings.Contains(body, "<td>Ventelisten er lang i Aalborg.</td>") {
		t.Errorf("approve: %d", code)
	}
	if e := f.lastAudit(queries.AuditCommentApprove); e.Who != "das" || e.Details["municipality"] == nil {
		t.Errorf("the audit entry: %+v", e)
	}
	page := public()
	if !strings.Contains(page, "<td>Ventelisten er lang i Aalborg.</td>") {
		t.Error("a viewer does not see the approved comment")
	}
	if strings.Contains(page, "Ingen tilbud på øen") {
		t.Error("a viewer sees the comment still awaiting approval")
	}
	// a new delivery with another text needs a new approval
	f.load("survey", "s2.csv", "year,municipality,target_group,score,comment\n2023,851,misbrug,3,Nyt navn: Hr. Hansen.\n")
	if code, _ := f.post(f.admin, "/admin/publish", url.Values{"csrf": {f.csrf}, "year": {"2023"}}); code != 200 {
		t.Fatalf("publish: %d", code)
	}
	if page := public(); strings.Contains(page, "Hr. Hansen") || strings.Contains(page, "Ventelisten er lang") {
		t.Error("a viewer sees the new, unapproved text")
	}
}

// /admin without a form's result has no result section; a form's result shows in one.
func TestAdminResultSection(t *testing.T) {
	f := newAdminForms(t)
	code, _, page, _ := call(t, f.admin, "GET", f.srv.URL+"/admin", nil)
	if code != 200 || strings.Contains(page, `id="result-heading"`) {
		t.Fatalf("/admin: %d, a result section without a result", code)
	}
	code, page = f.post(f.admin, "/admin/publish", url.Values{"csrf": {f.csrf}, "year": {"2031"}})
	if code != 422 || !strings.Contains(page, `id="result-heading"`) {
		t.Fatalf("publish of a year without data: %d, no result section", code)
	}
}
