package dashboards_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
)

// /report/{year}: every finding of the year (as the API lists them), the region's supply against demand per
// target group as computed here from the demo files, DAS's assessment only once published (Markdown, raw
// HTML left out), the correction log of the edition, the print stylesheet's page header with the edition.
func TestReport(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	res, body := get(t, srv.URL+"/report/2023")
	if res.StatusCode != 200 {
		t.Fatalf("/report/2023: %d", res.StatusCode)
	}
	_, api := get(t, srv.URL+"/api/v1/findings?year=2023&municipality=all")
	var list struct{ Items []analysis.Finding }
	if err := json.Unmarshal([]byte(api), &list); err != nil || len(list.Items) < 100 {
		t.Fatalf("findings 2023: %d, %v", len(list.Items), err)
	}
	for _, f := range list.Items {
		if !strings.Contains(body, html.EscapeString(f.Sentence)) {
			t.Errorf("the report lacks %s: %q", f.ID, f.Sentence)
		}
	}
	// the region's supply and demand per target group, day and residential places together, from the files
	sum := func(file string, cols ...string) map[string]int64 {
		_, rows := demoCSV(t, file)
		out := map[string]int64{}
		for _, r := range rows {
			if r["year"] == "2023" {
				for _, c := range cols {
					n, _ := strconv.ParseInt(r[c], 10, 64)
					out[r["target_group"]] += n
				}
			}
		}
		return out
	}
	supply, demand := sum("capacity", "places"), sum("demand", "placed", "waiting")
	for group, name := range map[string]string{"autisme-boern": "Børn og unge med autisme", "socialpsykiatri": "Socialpsykiatri", "misbrug": "Borgere med misbrug"} {
		row := regexp.MustCompile(`<tr><th scope="row">` + regexp.QuoteMeta(name) + `</th><td class="n">([^<]*)</td><td class="n">([^<]*)</td>`).FindStringSubmatch(body)
		if row == nil || row[1] != danish(supply[group]) || row[2] != danish(demand[group]) {
			t.Errorf("%s: %v, want supply %d and demand %d", group, row, supply[group], demand[group])
		}
	}
	for _, part := range []string{`id="chart-places"`, `id="chart-groups"`, `id="chart-offers"`, "Centrale udmeldinger", "Fokusområde 1: Sammen om en stærk socialpsykiatri",
		"Udgave 1, offentliggjort", "DAS har ikke skrevet sin vurdering af 2023 endnu.", `href="/report/2023/print.css?lang=da" media="print"`} {
		if !strings.Contains(body, html.EscapeString(part)) && !strings.Contains(body, part) {
			t.Errorf("the report lacks %q", part)
		}
	}
	if _, en := get(t, srv.URL+"/report/2023?lang=en"); !strings.Contains(en, "Supply and demand mapping 2023") || !strings.Contains(en, "Focus area 2: A good old age") {
		t.Error("the English report")
	}
	for path, code := range map[string]int{"/report/1999": 404, "/report/abc": 400, "/report/latest": 200, "/report/2023?draft=true": 401} {
		if res, _ := get(t, srv.URL+path); res.StatusCode != code {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, code)
		}
	}

	// DAS's assessment: a draft until published, then in the report and in the correction log
	text := "## Samlet vurdering\n\nDer er **mangel** på pladser til børn med autisme.\n\n<script>alert(1)</script>\n"
	if err := st.SetAssessment(ctx, 2023, text, "das"); err != nil {
		t.Fatal(err)
	}
	analyst, err := st.CreateToken(ctx, "report", "analyst", "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, body := get(t, srv.URL+"/report/2023"); strings.Contains(body, "Samlet vurdering") {
		t.Error("the public sees an unpublished assessment")
	}
	if code, draft := getAs(t, srv.URL+"/report/2023?draft=true", analyst); code != 200 || !strings.Contains(draft, "<h2>Samlet vurdering</h2>") ||
		!strings.Contains(draft, "<strong>mangel</strong>") || strings.Contains(draft, "alert(1)") {
		t.Errorf("the draft report's assessment (%d): %s", code, between(draft, `id="assessment"`, "</section>"))
	}
	if _, created, err := dashboards.Publish(ctx, st, 2023, analysis.DefaultConfig(), "test"); err != nil || !created {
		t.Fatalf("publish: %v %v", created, err)
	}
	_, body = get(t, srv.URL+"/report/2023")
	for _, part := range []string{"<strong>mangel</strong>", "Udgave 2, offentliggjort", "DAS&#39; vurdering af året er ændret."} {
		if !strings.Contains(body, part) {
			t.Errorf("the published report lacks %q", part)
		}
	}
	if strings.Contains(body, "alert(1)") {
		t.Error("raw HTML of the assessment reached the page")
	}
	if _, css := get(t, srv.URL+"/report/2023/print.css"); !strings.Contains(css, `@top-left { content: "Afdækning af udbud og efterspørgsel 2023 – Udgave 2, offentliggjort`) {
		t.Errorf("print.css: %s", css)
	}
}

// between is s from the first start to the next end after it ("" without start).
func between(s, start, end string) string {
	i := strings.Index(s, start)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], end)
	if j < 0 {
		return s[i:]
	}
	return s[i : i+j]
}

// PUT /api/v1/assessment/{year} is for admins (401 without a token, 403 for an analyst), 413 above 64 KiB;
// GET shows the published text to anyone and the current one to analysts with draft=true.
func TestAssessmentAPI(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	tokens := map[string]string{}
	for _, role := range []string{"analyst", "admin"} {
		tok, err := st.CreateToken(ctx, role, role, "test")
		if err != nil {
			t.Fatal(err)
		}
		tokens[role] = tok
	}
	put := func(token, body string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPut, srv.URL+"/api/v1/assessment/2023", strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for token, code := range map[string]int{"": 401, tokens["analyst"]: 403} {
		if got := put(token, "x"); got != code {
			t.Errorf("PUT with %q: %d, want %d", token, got, code)
		}
	}
	if got := put(tokens["admin"], strings.Repeat("x", 64<<10+1)); got != 413 {
		t.Errorf("PUT of 64 KiB + 1: %d", got)
	}
	if got := put(tokens["admin"], "Kapaciteten *følger* behovet."); got != 200 {
		t.Fatalf("PUT: %d", got)
	}
	if res, _ := get(t, srv.URL+"/api/v1/assessment/2023"); res.StatusCode != 404 {
		t.Errorf("GET before the publish: %d", res.StatusCode)
	}
	if code, body := getAs(t, srv.URL+"/api/v1/assessment/2023?draft=true", tokens["analyst"]); code != 200 || !strings.Contains(body, `"text":"Kapaciteten *følger* behovet."`) || !strings.Contains(body, `"updated_by":"admin"`) {
		t.Errorf("GET draft: %d %s", code, body)
	}
	if _, _, err := dashboards.Publish(ctx, st, 2023, analysis.DefaultConfig(), "test"); err != nil {
		t.Fatal(err)
	}
	if res, body := get(t, srv.URL+"/api/v1/assessment/2023"); res.StatusCode != 200 || !strings.Contains(body, "følger") || strings.Contains(body, "updated_by") {
		t.Errorf("GET after the publish: %d %s", res.StatusCode, body)
	}
	if res, _ := get(t, srv.URL+"/api/v1/assessment/abc"); res.StatusCode != 400 {
		t.Errorf("GET abc: %d", res.StatusCode)
	}
}
