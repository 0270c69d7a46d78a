package dashboards_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
	"github.com/kapacitet/kapacitet/queries"
)

// mustServe opens a temp database with the demo data and serves it over real HTTP.
func mustServe(t *testing.T) (*httptest.Server, *queries.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := dashboards.LoadDemo(ctx, st, analysis.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	h, err := dashboards.NewServer(dashboards.Deps{Store: st, Analysis: analysis.DefaultConfig()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, st
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// demoCSV reads a demo file as header-keyed maps, independently of the program's readers.
func demoCSV(t *testing.T, dataset string) ([]string, []map[string]string) {
	t.Helper()
	header, rows, err := data.DemoRows(dataset)
	if err != nil {
		t.Fatal(err)
	}
	return header, rows
}

// csvOf writes rows (keyed by header names) as a CSV file with header.
func csvOf(header []string, rows []map[string]string) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(header)
	for _, r := range rows {
		rec := make([]string, len(header))
		for i, h := range header {
			rec[i] = r[h]
		}
		w.Write(rec)
	}
	w.Flush()
	return buf.Bytes()
}

// expectedTotals counts the 2022 places by category from capacity.csv with the agreement's rule.
func expectedTotals(t *testing.T, year string) map[string]int64 {
	_, rows := demoCSV(t, "capacity")
	out := map[string]int64{}
	for _, r := range rows {
		if r["year"] != year {
			continue
		}
		n, _ := strconv.ParseInt(r["places"], 10, 64)
		cat := r["ownership"]
		if cat == "regional" || (cat == "kommunal" && r["agreement"] == "true") {
			cat = "socialaftale"
		}
		out[cat] += n
		out["alle"] += n
	}
	return out
}

// danish formats n as the page must show it ("4.876"), written here independently of the program.
func danish(n int64) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

var (
	footRe  = regexp.MustCompile(`(?s)<tfoot>.*?</tfoot>`)
	cellRe  = regexp.MustCompile(`<td class="n">([^<]*)</td>`)
	chartRe = regexp.MustCompile(`(?s)<script type="application/json" id="chart-places-option">(.*?)</script>`)
)

type pageNumbers struct {
	foot   []string           // tfoot cells: kommunal, privat, socialaftale, total
	kpi    map[string]string  // id -> value
	series map[string][]int64 // chart series name -> values
	names  []string           // chart categories
}

func parseOverview(t *testing.T, body string) pageNumbers {
	t.Helper()
	var p pageNumbers
	for _, m := range cellRe.FindAllStringSubmatch(footRe.FindString(body), -1) {
		p.foot = append(p.foot, m[1])
	}
	p.kpi = map[string]string{}
	for _, id := range []string{"total-kommunal", "total-privat", "total-socialaftale", "total-alle", "agreement-share"} {
		m := regexp.MustCompile(`id="` + id + `">([^<]*)<`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no %s on the page", id)
		}
		p.kpi[id] = m[1]
	}
	m := chartRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no chart option on the page")
	}
	var opt struct {
		XAxis  []struct{ Data []string } `json:"xAxis"`
		Series []struct {
			Name string
			Data []struct{ Value int64 }
		}
	}
	if err := json.Unmarshal([]byte(m[1]), &opt); err != nil {
		t.Fatalf("chart option: %v", err)
	}
	p.names = opt.XAxis[0].Data
	p.series = map[string][]int64{}
	for _, s := range opt.Series {
		for _, d := range s.Data {
			p.series[s.Name] = append(p.series[s.Name], d.Value)
		}
	}
	return p
}

func sum(v []int64) int64 {
	var s int64
	for _, x := range v {
		s += x
	}
	return s
}

func TestOverview2022(t *testing.T) {
	srv, st := mustServe(t)
	want := expectedTotals(t, "2022")
	res, body := get(t, srv.URL+"/?year=2022")
	if res.StatusCode != 200 {
		t.Fatalf("status %d: %s", res.StatusCode, body)
	}
	p := parseOverview(t, body)
	wantFoot := []string{danish(want["kommunal"]), danish(want["privat"]), danish(want["socialaftale"]), danish(want["alle"])}
	if strings.Join(p.foot, " ") != strings.Join(wantFoot, " ") {
		t.Errorf("table totals: got %v, want %v", p.foot, wantFoot)
	}
	// the published figures, as the agreement prints them
	if got := strings.Join(p.foot, " "); got != "4.876 3.152 2.421 10.449" {
		t.Errorf("table totals: got %s, want the published 4.876 3.152 2.421 10.449", got)
	}
	if p.kpi["total-kommunal"] != "4.876" || p.kpi["total-socialaftale"] != "2.421" || p.kpi["agreement-share"] != "23,2 %" {
		t.Errorf("key figures: %v", p.kpi)
	}
	if !strings.Contains(body, "heraf 1.785 kommunale og 636 regionale") {
		t.Error("agreement split missing")
	}
	if sum(p.series["Kommunale pladser"]) != want["kommunal"] || sum(p.series["Private pladser"]) != want["privat"] ||
		sum(p.series["Nordjysk Socialaftale-pladser"]) != want["socialaftale"] {
		t.Errorf("chart series sums: %d %d %d", sum(p.series["Kommunale pladser"]), sum(p.series["Private pladser"]), sum(p.series["Nordjysk Socialaftale-pladser"]))
	}
	if len(p.names) != 11 || p.names[0] != "Aalborg" {
		t.Errorf("chart categories: %v", p.names)
	}
	if !strings.Contains(body, data.DemoLabelDA) {
		t.Error("the demo data is not labelled illustrative")
	}
	if !strings.Contains(body, "Kompasset, sikret institution: belægningen var 106 % i 2022") {
		t.Error("over-occupancy finding missing")
	}

	// Perturbation: Aalborg's 2022 capacity again, with one extra municipal place on its (only) municipal
	// line for residential social-psychiatry places. Capacity is replaced by year + location, so the file holds
	// all of Aalborg's 2022 lines.
	header, rows := demoCSV(t, "capacity")
	var file []map[string]string
	aalborgBefore, bumped := int64(0), 0
	for _, r := range rows {
		if r["year"] != "2022" || r["location"] != "851" {
			continue
		}
		municipal := r["ownership"] == "kommunal" && r["agreement"] == "false"
		n, _ := strconv.ParseInt(r["places"], 10, 64)
		if municipal {
			aalborgBefore += n
		}
		if municipal && r["offer_id"] == "" && r["place_type"] == "doegn" && r["target_group"] == "socialpsykiatri" {
			r["places"] = strconv.FormatInt(n+1, 10)
			bumped++
		}
		file = append(file, r)
	}
	if bumped != 1 {
		t.Fatalf("lines changed: %d, want 1", bumped)
	}
	ctx := context.Background()
	d, _ := data.DatasetByName("capacity")
	if _, err := ingest.File(ctx, st, d, "aalborg-2022.csv", csvOf(header, file), ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	// a draft changes nothing for viewers
	_, body = get(t, srv.URL+"/?year=2022")
	if got := parseOverview(t, body).foot[0]; got != "4.876" {
		t.Errorf("after a draft: %s, want 4.876", got)
	}
	if _, _, err := dashboards.Publish(ctx, st, 2022, analysis.DefaultConfig(), "test"); err != nil {
		t.Fatal(err)
	}
	_, body = get(t, srv.URL+"/?year=2022")
	p = parseOverview(t, body)
	if p.foot[0] != "4.877" || p.kpi["total-kommunal"] != "4.877" || p.foot[3] != "10.450" {
		t.Errorf("after publishing: table %v, kpi %s", p.foot, p.kpi["total-kommunal"])
	}
	if got := sum(p.series["Kommunale pladser"]); got != 4877 {
		t.Errorf("chart after publishing: %d, want 4877", got)
	}
	if got := p.series["Kommunale pladser"][0]; got != aalborgBefore+1 {
		t.Errorf("Aalborg in the chart: %d, want %d", got, aalborgBefore+1)
	}
}

func TestLowerAutismDemandTurnsToBalance(t *testing.T) {
	srv, st := mustServe(t)
	finding := func() analysis.Finding {
		_, body := get(t, srv.URL+"/api/v1/findings?year=2023&target_group=autisme-boern&place_type=doegn&kind=gap")
		var res struct {
			Items []analysis.Finding
			Demo  bool
			Note  string
		}
		if err := json.Unmarshal([]byte(body), &res); err != nil || len(res.Items) != 1 {
			t.Fatalf("findings: %v %s", err, body)
		}
		if !res.Demo || res.Note != data.DemoLabelDA {
			t.Errorf("the API does not label the demo data: %v %q", res.Demo, res.Note)
		}
		return res.Items[0]
	}
	if f := finding(); f.Severity != "shortage" || f.Demand != 412 {
		t.Fatalf("before: %+v", f)
	}
	// publishing a year again when nothing changed makes no edition (the findings come out the same)
	if ed, created, err := dashboards.Publish(context.Background(), st, 2023, analysis.DefaultConfig(), "test"); err != nil || created || ed.Number != 1 {
		t.Errorf("publish an unchanged year: %+v %v %v", ed, created, err)
	}
	// lower the 2023 autism residential demand from 412 to 380 by taking 32 from Aalborg's placed citizens;
	// demand is replaced by year + municipality, so the file holds all of Aalborg's 2023 lines
	header, rows := demoCSV(t, "demand")
	var file []map[string]string
	total := int64(0)
	for _, r := range rows {
		if r["year"] == "2023" && r["target_group"] == "autisme-boern" && r["place_type"] == "doegn" {
			p, _ := strconv.ParseInt(r["placed"], 10, 64)
			wt, _ := strconv.ParseInt(r["waiting"], 10, 64)
			total += p + wt
			if r["municipality"] == "851" {
				r["placed"] = strconv.FormatInt(p-32, 10)
			}
		}
		if r["year"] == "2023" && r["municipality"] == "851" {
			file = append(file, r)
		}
	}
	if total != 412 {
		t.Fatalf("demo autism demand 2023: %d, want 412", total)
	}
	ctx := context.Background()
	d, _ := data.DatasetByName("demand")
	if _, err := ingest.File(ctx, st, d, "aalborg-demand-2023.csv", csvOf(header, file), ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	// a draft until 2023 is published again: viewers keep edition 1's numbers
	if f := finding(); f.Severity != "shortage" || f.Demand != 412 {
		t.Errorf("before publishing again: %+v", f)
	}
	if _, body := get(t, srv.URL+"/?year=2023"); !strings.Contains(body, "Udgave 1, offentliggjort ") {
		t.Error("the overview does not name edition 1")
	}
	ed, created, err := dashboards.Publish(ctx, st, 2023, analysis.DefaultConfig(), "test")
	if err != nil || !created || ed.Number != 2 {
		t.Fatalf("publish 2023 again: %+v %v %v", ed, created, err)
	}
	// 380 − 371 = 9 places = 2,4 % of demand: below 5 %, so balance
	f := finding()
	if f.Severity != "balance" || f.Demand != 380 || f.Supply != 371 {
		t.Errorf("after: %+v", f)
	}
	// the correction log of edition 2 says what changed: Aalborg's 2023 demand rows, all replaced, and the
	// region's autism demand and assessment
	_, body := get(t, srv.URL+"/api/v1/editions")
	var eds struct {
		Items []struct {
			ID, AsOfBatch int64
			Year, Number  int
			Label         string
			Corrections   []analysis.Correction
		}
	}
	if err := json.Unmarshal([]byte(body), &eds); err != nil {
		t.Fatal(err)
	}
	if len(eds.Items) != 6 || eds.Items[0].Year != 2023 || eds.Items[0].Number != 2 {
		t.Fatalf("editions: %s", body)
	}
	want := []string{
		fmt.Sprintf("Efterspørgsel: %d rækker tilføjet, %d rækker fjernet eller erstattet.", len(file), len(file)),
		"Børn og unge med autisme (døgnpladser), 2023: efterspørgslen er rettet fra 412 til 380.",
		"Børn og unge med autisme (døgnpladser), 2023: vurderingen er ændret fra mangel til balance.",
	}
	var log []string
	for _, c := range eds.Items[0].Corrections {
		log = append(log, c.Sentence)
	}
	for _, w := range want {
		if !slices.Contains(log, w) {
			t.Errorf("the correction log lacks %q:\n%s", w, strings.Join(log, "\n"))
		}
	}
	if log[0] != want[0] {
		t.Errorf("the correction log starts with %q, want the rows", log[0])
	}
	for _, e := range eds.Items[1:] {
		if e.Number != 1 || len(e.Corrections) != 0 {
			t.Errorf("edition %d of %d: %d corrections", e.Number, e.Year, len(e.Corrections))
		}
	}
	_, body = get(t, srv.URL+"/?year=2023")
	if !strings.Contains(body, "Udgave 2, offentliggjort ") {
		t.Error("the overview does not name edition 2")
	}
	if !strings.Contains(body, "Børn og unge med autisme: udbuddet på 371 døgnpladser og efterspørgslen på 380 er i balance i 2023.") {
		t.Error("the overview does not show the autism balance")
	}
}

func TestHTTPBehaviour(t *testing.T) {
	srv, _ := mustServe(t)
	res, body := get(t, srv.URL+"/")
	if res.StatusCode != 200 || !strings.Contains(body, "Pladser og behov i Nordjylland 2023") {
		t.Errorf("default year: %d", res.StatusCode)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if res.Header.Get(h) == "" {
			t.Errorf("header %s missing", h)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
		t.Errorf("CSP: %s", csp)
	}
	// no inline script: every script has a src or is a JSON data block
	for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(body, -1) {
		if !strings.Contains(tag, "src=\"/static/") && !strings.Contains(tag, `type="application/json"`) {
			t.Errorf("inline script: %s", tag)
		}
	}
	if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
		t.Error("the page refers to another host")
	}
	_, en := get(t, srv.URL+"/?year=2022&lang=en")
	if !strings.Contains(en, `lang="en"`) || !strings.Contains(en, "10,449") || !strings.Contains(en, "Places and needs in North Jutland 2022") {
		t.Error("English page")
	}
	for _, tc := range []struct {
		path string
		code int
	}{
		{"/?year=abc", 400}, {"/?year=1999", 404}, {"/?target_group=nosuch", 400}, {"/?draft=true", 401}, {"/?draft=maybe", 400},
		{"/nosuchpage", 404}, {"/api/v1/nosuch", 404}, {"/healthz", 200}, {"/readyz", 200},
		{"/static/charts.js", 200}, {"/static/style.css", 200}, {"/static/", 404}, {"/static/../go.mod", 404},
	} {
		res, body := get(t, srv.URL+tc.path)
		if res.StatusCode != tc.code {
			t.Errorf("%s: %d, want %d", tc.path, res.StatusCode, tc.code)
		}
		if strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
			t.Errorf("%s: leaks internals: %s", tc.path, body)
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no security headers", tc.path)
		}
	}
	if _, body := get(t, srv.URL+"/?year=2030"); !strings.Contains(body, "Ingen data for 2030") {
		t.Error("404 for a year without data does not say why")
	}
	if res, _ := get(t, srv.URL+"/api/v1/findings?kind=nosuch"); res.StatusCode != 400 {
		t.Errorf("unknown kind: %d", res.StatusCode)
	}
	_, body = get(t, srv.URL+"/api/v1/findings?year=2022&severity=critical")
	var crit struct{ Items []analysis.Finding }
	json.Unmarshal([]byte(body), &crit)
	if len(crit.Items) == 0 {
		t.Error("no critical findings in 2022")
	}
	for _, f := range crit.Items {
		if f.Severity != "critical" {
			t.Errorf("severity filter let through %s", f.Severity)
		}
	}
	// municipality: by code or name, only that area's findings; outside the region 400; default the region's
	for q, area := range map[string]int{"municipality=773": 773, "municipality=Hj%C3%B8rring": 860, "": data.RegionCode} {
		_, body = get(t, srv.URL+"/api/v1/findings?year=2023&kind=gap&"+q)
		var got struct{ Items []analysis.Finding }
		json.Unmarshal([]byte(body), &got)
		if len(got.Items) == 0 {
			t.Errorf("%s: no findings", q)
		}
		for _, f := range got.Items {
			if f.Area != area {
				t.Errorf("%s: a finding of area %d", q, f.Area)
			}
		}
	}
	if res, _ := get(t, srv.URL+"/api/v1/findings?municipality=461"); res.StatusCode != 400 {
		t.Errorf("Odense: %d", res.StatusCode)
	}
	// a capacity change's own link shows it on the overview
	_, body = get(t, srv.URL+"/api/v1/findings?year=2023&kind=capacity_change")
	var changes struct{ Items []analysis.Finding }
	json.Unmarshal([]byte(body), &changes)
	if len(changes.Items) == 0 {
		t.Fatal("no capacity changes in 2023")
	}
	c := changes.Items[0]
	if _, page := get(t, srv.URL+c.URL); !strings.Contains(page, html.EscapeString(c.Sentence)) {
		t.Errorf("%s does not show %q", c.URL, c.Sentence)
	}
	_, body = get(t, srv.URL+"/api/v1/nosuch")
	var e struct {
		Error struct{ Code, Message string }
	}
	if json.Unmarshal([]byte(body), &e) != nil || e.Error.Code == "" {
		t.Errorf("API error body: %s", body)
	}
	req, _ := http.NewRequest(http.MethodHead, srv.URL+"/", nil)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Errorf("HEAD /: %v %v", res, err)
	}
}

// make assets puts ECharts into the binary; a build without it would serve pages without charts.
func TestEChartsIsEmbedded(t *testing.T) {
	srv, _ := mustServe(t)
	res, body := get(t, srv.URL+"/static/vendor/echarts.min.js")
	if res.StatusCode != 200 || !strings.Contains(body, "5.6.0") {
		t.Fatalf("echarts.min.js: status %d; run `make assets` (npm ci + copy) before testing", res.StatusCode)
	}
}

// The overview keeps to the findings a politician reads first: tariffs (many per year) show when asked for
// with kind=tariff; the demo's 2023 has tariff findings for autism residential places.
func TestOverviewTariffsOnRequest(t *testing.T) {
	srv, _ := mustServe(t)
	_, plain := get(t, srv.URL+"/?year=2023")
	_, asked := get(t, srv.URL+"/?year=2023&kind=tariff&target_group=autisme-boern")
	const sentence = "den gennemsnitlige døgntakst var"
	if strings.Contains(plain, sentence) {
		t.Error("the overview lists tariff findings without being asked")
	}
	if !strings.Contains(asked, sentence) {
		t.Error("kind=tariff does not list the tariff findings")
	}
}
