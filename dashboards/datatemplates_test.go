package dashboards_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
)

// The template route over real HTTP: an XLSX attachment named after the dataset, municipality and year. The
// municipality's rows of the year before are filled in for analysts and admins only (they hold person counts
// below 5 and comments, which the public must not get), from published data unless draft=true; unknown
// datasets are 404, bad parameters 400.
func TestDataTemplateRoute(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	header, rows := demoCSV(t, "demand")
	latest := 0
	var aalborg []map[string]string // Aalborg's demand in the latest demo year
	for _, r := range rows {
		y, _ := strconv.Atoi(r["year"])
		latest = max(latest, y)
	}
	for _, r := range rows {
		if r["year"] == strconv.Itoa(latest) && r["municipality"] == "851" {
			aalborg = append(aalborg, r)
		}
	}
	analyst, err := st.CreateToken(ctx, "analyst test", "analyst", "test")
	if err != nil {
		t.Fatal(err)
	}
	// placed (column E) and waiting (F) of the filled-in rows, sorted
	filled := func(body string) []string {
		t.Helper()
		f, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := f.GetRows("Data", excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range recs[1:] {
			if len(r) < 6 || r[0] != strconv.Itoa(latest+1) {
				t.Fatalf("row %q: not a row of %d", r, latest+1)
			}
			out = append(out, r[4]+"/"+r[5])
		}
		slices.Sort(out)
		return out
	}
	var want []string
	for _, r := range aalborg {
		want = append(want, r["placed"]+"/"+r["waiting"])
	}
	slices.Sort(want)

	viewer, err := st.CreateToken(ctx, "viewer test", "viewer", "test")
	if err != nil {
		t.Fatal(err)
	}
	for token, code := range map[string]int{"": 401, viewer: 403} {
		if got, _ := getAs(t, srv.URL+"/data/templates/demand.xlsx?municipality=Aalborg", token); got != code {
			t.Errorf("a filled-in template for %q: %d, want %d", token, got, code)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/data/templates/demand.xlsx?municipality=Aalborg", nil)
	req.Header.Set("Authorization", "Bearer "+analyst)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("template: %d %s", res.StatusCode, b)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type %q", ct)
	}
	wantName := "kapacitet_skabelon_demand_aalborg_" + strconv.Itoa(latest+1) + ".xlsx"
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="`+wantName+`"` {
		t.Errorf("Content-Disposition %q, want the file %s", cd, wantName)
	}
	if got := filled(string(b)); !slices.Equal(got, want) {
		t.Errorf("filled-in rows (placed/waiting):\n got %v\nwant %v", got, want)
	}

	// a draft correction of Aalborg's latest year: only with draft=true
	var draft []map[string]string
	var corrected []string
	for _, r := range aalborg {
		c := map[string]string{}
		for k, v := range r {
			c[k] = v
		}
		n, _ := strconv.Atoi(r["placed"])
		c["placed"] = strconv.Itoa(n + 100)
		draft = append(draft, c)
		corrected = append(corrected, c["placed"]+"/"+c["waiting"])
	}
	slices.Sort(corrected)
	d, _ := data.DatasetByName("demand")
	if _, err := ingest.File(ctx, st, d, "rettelse.csv", csvOf(header, draft), ingest.Options{LoadedBy: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, body := getAs(t, srv.URL+"/data/templates/demand.xlsx?municipality=851", analyst); !slices.Equal(filled(body), want) {
		t.Errorf("the published template shows a draft:\n got %v\nwant %v", filled(body), want)
	}
	if code, body := getAs(t, srv.URL+"/data/templates/demand.xlsx?municipality=851&draft=true", analyst); code != 200 || !slices.Equal(filled(body), corrected) {
		t.Errorf("the analyst's draft template: %d\n got %v\nwant %v", code, filled(body), corrected)
	}

	res, body := get(t, srv.URL+"/data/templates/kapacitet.xlsx")
	if res.StatusCode != 404 || !strings.Contains(body, "Ukendt datasæt") {
		t.Errorf("unknown dataset: %d %s", res.StatusCode, body)
	}
	// a year given, no municipality: an empty template named without one
	res, body = get(t, srv.URL+"/data/templates/capacity.xlsx?year=2030")
	if cd := res.Header.Get("Content-Disposition"); res.StatusCode != 200 || !strings.Contains(cd, `"kapacitet_skabelon_capacity_2030.xlsx"`) {
		t.Errorf("capacity 2030: %d %q", res.StatusCode, cd)
	} else if f, err := excelize.OpenReader(strings.NewReader(body)); err != nil {
		t.Error(err)
	} else if recs, _ := f.GetRows("Data"); len(recs) != 1 {
		t.Errorf("capacity 2030 without a municipality has %d rows, want the header only", len(recs))
	}
	for path, code := range map[string]int{
		"/data/templates/demand.csv":                                  404,
		"/data/templates/demand.xlsx?municipality=Aalborg&draft=true": 401,
		"/data/templates/demand.xlsx?municipality=all":                400,
		"/data/templates/demand.xlsx?municipality=Odense":             400, // not in the region
		"/data/templates/demand.xlsx?year=abc":                        400,
		"/data/templates/demand.xlsx?year=1800":                       400,
	} {
		if res, body := get(t, srv.URL+path); res.StatusCode != code {
			t.Errorf("%s: %d, want %d: %s", path, res.StatusCode, code, body)
		}
	}
}
