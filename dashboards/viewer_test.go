package dashboards_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
)

// What a viewer must never get, in any page, API answer or extract, under every filter: draft rows (a batch
// loaded after the editions: a new offer, a survey comment and a demand count, each with a marker found
// nowhere else), the survey's free-text comments (published or not: none is approved for the public), and demand
// counts of 1-4 (disclosure control). An analyst with draft=true sees the markers, so they are there to find.
func TestViewerNeverSees(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	const offerMark, commentMark, demandMark = "Kladdemarkør Botilbud", "Kladdemarkør kommentar", 777777
	var draftDemand int64 = demandMark
	for _, f := range []struct{ dataset, body string }{
		{"offers", "year,offer_id,name,operator,ownership,location,legal_basis,target_groups,enhanced_cooperation,secure,national,budgeted_occupancy\n" +
			"2023,999901," + offerMark + ",Aalborg Kommune,kommunal,851,SEL § 108,autisme-voksne,false,false,false,95\n"},
		{"survey", "year,municipality,target_group,score,comment\n2023,851,autisme-boern,2," + commentMark + "\n"},
		{"demand", "year,municipality,target_group,place_type,placed,waiting,expected_next_year\n2023,851,autisme-boern,doegn," + strconv.Itoa(demandMark) + ",0,\n"},
	} {
		d, _ := data.DatasetByName(f.dataset)
		if _, err := ingest.File(ctx, st, d, f.dataset+".csv", []byte(f.body), ingest.Options{}); err != nil {
			t.Fatalf("%s: %v", f.dataset, err)
		}
	}
	analyst, err := st.CreateToken(ctx, "viewer-test-analyst", "analyst", "test")
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := st.CreateToken(ctx, "viewer-test-viewer", "viewer", "test")
	if err != nil {
		t.Fatal(err)
	}
	// every comment of the demo's survey, published or not
	_, surveyRows := demoCSV(t, "survey")
	// the draft demand as a page writes it; in JSON and CSV (where a float's digits could hold any run of
	// digits) it is looked for by field: no demand, nor a sum of demands, that large
	secrets := []string{offerMark, commentMark, analysisFormat(demandMark)}
	for _, r := range surveyRows {
		if c := strings.TrimSpace(r["comment"]); len(c) >= 12 { // long enough not to occur by chance
			secrets = append(secrets, c)
		}
	}
	if len(secrets) < 6 {
		t.Fatalf("the demo has too few comments to test with: %v", secrets)
	}
	// the markers are there for an analyst's drafts
	for _, p := range []string{"/api/v1/extracts/offers.csv?year=2023&draft=true", "/api/v1/extracts/survey.csv?year=2023&draft=true", "/api/v1/extracts/demand.csv?year=2023&draft=true"} {
		code, body := requestAs(t, "GET", srv.URL+p, analyst)
		if code != http.StatusOK || !(strings.Contains(body, offerMark) || strings.Contains(body, commentMark) || strings.Contains(body, strconv.Itoa(demandMark))) {
			t.Fatalf("analyst %s: %d, no marker", p, code)
		}
	}
	groups := data.TargetGroups()
	var paths []string
	for _, y := range []string{"2019", "2020", "2021", "2022", "2023"} {
		paths = append(paths, "/?year="+y, "/offers?year="+y, "/data?year="+y, "/report/"+y,
			"/api/v1/findings?year="+y+"&municipality=all")
		for _, ds := range data.Datasets {
			paths = append(paths, "/api/v1/extracts/"+ds.Name+".csv?year="+y)
		}
		for _, m := range []string{"851", "773", "860"} {
			paths = append(paths, "/municipalities/"+m+"?year="+y)
		}
		for _, g := range groups {
			paths = append(paths, "/groups/"+g.Code+"?year="+y)
			for _, pt := range []string{"dag", "doegn", "alle"} {
				paths = append(paths, "/gaps?year="+y+"&target_group="+g.Code+"&place_type="+pt+"&municipality=all",
					"/municipalities/851?year="+y+"&target_group="+g.Code+"&place_type="+pt)
			}
		}
	}
	paths = append(paths, "/api/v1/editions", "/gaps?municipality=all", "/report/latest")
	for _, token := range []string{"", viewer} {
		for _, p := range paths {
			code, body := requestAs(t, "GET", srv.URL+p, token)
			if code != http.StatusOK && code != http.StatusNotFound {
				t.Errorf("%s: %d", p, code)
				continue
			}
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Errorf("a viewer got %q in %s", s, p)
				}
			}
			switch {
			case strings.HasPrefix(p, "/api/v1/findings"):
				checkFindings(t, p, body, draftDemand)
			case strings.HasPrefix(p, "/api/v1/extracts/demand.csv"):
				checkDemandExtract(t, p, body, demandMark)
			}
		}
	}
}

// analysisFormat writes n as the pages do ("777.777").
func analysisFormat(n int) string {
	s := strconv.Itoa(n)
	return s[:len(s)-3] + "." + s[len(s)-3:]
}

// checkFindings fails on a finding that shows a viewer a demand of 1-4, or one that holds the draft
// demand (a demand of at least draft).
func checkFindings(t *testing.T, p, body string, draft int64) {
	t.Helper()
	var list struct {
		Items []struct {
			ID     string `json:"id"`
			Demand *int64 `json:"demand"`
			Trend  *struct {
				FirstDemand *int64 `json:"first_demand"`
				PrevDemand  *int64 `json:"previous_demand"`
			} `json:"trend"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("%s: %v", p, err)
	}
	small := func(v *int64) bool { return v != nil && *v >= 1 && *v <= 4 }
	for _, f := range list.Items {
		if small(f.Demand) || f.Trend != nil && (small(f.Trend.FirstDemand) || small(f.Trend.PrevDemand)) {
			t.Errorf("%s: %s shows a demand of 1-4", p, f.ID)
		}
		if f.Demand != nil && *f.Demand >= draft {
			t.Errorf("%s: %s shows the draft demand", p, f.ID)
		}
	}
}

// checkDemandExtract fails on a row of the public demand extract with a count of 1-4 or the draft's.
func checkDemandExtract(t *testing.T, p, body string, draft int) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("%s: %v", p, err)
	}
	col := -1
	for i, h := range recs[0] {
		if h == "demand" {
			col = i
		}
	}
	if col < 0 {
		t.Errorf("%s: no demand column in %v (a viewer's demand is the findings')", p, recs[0])
		return
	}
	for _, r := range recs[1:] {
		if n, err := strconv.Atoi(r[col]); err == nil && (n >= 1 && n <= 4 || n >= draft) {
			t.Errorf("%s: %v", p, r)
		}
	}
}
