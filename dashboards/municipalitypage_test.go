package dashboards_test

import (
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
)

// /municipalities/{code}: Aalborg's places in 2023 by target group and category, its own demand, and the
// places of one target group bought and sold, all counted here from the demo files (the category by
// PRODUCT.md's rule: regional, or municipal under the agreement, is an agreement place); flows below 5 are
// listed as "<5", not drawn; a municipality outside the region is 404.
func TestMunicipalityPage(t *testing.T) {
	srv, _ := mustServe(t)
	_, raw := get(t, srv.URL+"/municipalities/851?year=2023&target_group=udviklingshaemning")
	body := html.UnescapeString(raw)
	// places by target group and category
	_, caps := demoCSV(t, "capacity")
	places := map[string]map[string]int64{}
	for _, r := range caps {
		if r["year"] != "2023" || r["location"] != "851" {
			continue
		}
		cat := r["ownership"]
		if cat == "regional" || (cat == "kommunal" && r["agreement"] == "true") {
			cat = "socialaftale"
		}
		if places[r["target_group"]] == nil {
			places[r["target_group"]] = map[string]int64{}
		}
		n, _ := strconv.ParseInt(r["places"], 10, 64)
		places[r["target_group"]][cat] += n
	}
	if len(places) == 0 {
		t.Fatal("no demo capacity for Aalborg 2023 (the test reads the wrong columns)")
	}
	for code, by := range places {
		g, _ := data.TargetGroupByCode(code)
		row := `<tr><th scope="row"><a href="/groups/` + code + `?year=2023&lang=da">` + g.Name("da") + `</a></th>`
		for _, c := range []string{"kommunal", "privat", "socialaftale"} {
			row += `<td class="n">` + danish(by[c]) + `</td>`
		}
		row += `<td class="n">` + danish(by["kommunal"]+by["privat"]+by["socialaftale"]) + `</td></tr>`
		if !strings.Contains(body, row) {
			t.Errorf("places of %s: no %s", code, row)
		}
	}
	// the places of developmental disability Aalborg bought and sold, from the purchases and the offers' locations
	_, offers := demoCSV(t, "offers")
	location := map[string]string{}
	for _, o := range offers {
		if o["year"] == "2023" {
			location[o["offer_id"]] = o["location"]
		}
	}
	_, purchases := demoCSV(t, "purchases")
	from, to := map[string]float64{}, map[string]float64{}
	for _, r := range purchases {
		if r["year"] != "2023" || r["target_group"] != "udviklingshaemning" {
			continue
		}
		p, _ := strconv.ParseFloat(r["places"], 64)
		loc := location[r["offer_id"]]
		switch {
		case r["buyer"] == "851":
			from[loc] += p
		case loc == "851":
			to[r["buyer"]] += p
		}
	}
	name := func(code string) string {
		n, _ := strconv.Atoi(code)
		m, _ := data.MunicipalityByCode(n)
		return m.Name
	}
	decimal := func(v float64) string {
		return strings.ReplaceAll(strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64), ".", ",")
	}
	check := func(fromName, toName string, v float64) {
		t.Helper()
		drawn := `<tr><th scope="row">` + fromName + `</th><td>` + toName + `</td><td class="n">` + decimal(v) + `</td></tr>`
		listed := `<li>` + fromName + ` → ` + toName + `: `
		switch {
		case v < 5 && strings.Contains(body, drawn):
			t.Errorf("%s → %s, %.2f places, is drawn", fromName, toName, v)
		case v < 5 && !strings.Contains(body, listed+"<5</li>") && !strings.Contains(body, listed+"–</li>"):
			t.Errorf("%s → %s, %.2f places, is not listed as hidden", fromName, toName, v)
		case v >= 5 && !strings.Contains(body, drawn) && !strings.Contains(body, listed+"–</li>"):
			t.Errorf("%s → %s: no %s", fromName, toName, drawn)
		}
	}
	for loc, v := range from {
		if loc == "851" {
			check("Aalborg (egne tilbud)", "Aalborg", v)
		} else {
			check(name(loc)+" (tilbud)", "Aalborg", v)
		}
	}
	for buyer, v := range to {
		check("Aalborg", name(buyer)+" (køber)", v)
	}
	if len(from) < 2 || len(to) < 2 {
		t.Errorf("too few flows to test: %v %v", from, to)
	}
	if !regexp.MustCompile(`<option value="udviklingshaemning" selected>`).MatchString(body) {
		t.Error("the chosen target group is not selected")
	}
	for path, code := range map[string]int{"/municipalities/101": 404, "/municipalities/x": 404, "/municipalities/1081": 404, "/municipalities/851?year=1999": 404, "/municipalities/825?lang=en": 200} {
		if res, _ := get(t, srv.URL+path); res.StatusCode != code {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, code)
		}
	}
}
