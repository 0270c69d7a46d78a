package dashboards_test

import (
	"context"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
)

// /groups/{code}: the region's series, the year per municipality (a count of 1-4 as "<5", another hidden one
// as "–"), the survey's scores (comments for analysts only) and the offers serving the group, all counted
// here from the demo files; an unknown group is 404, a bad place type 400.
func TestGroupPage(t *testing.T) {
	srv, st := mustServe(t)
	res, raw := get(t, srv.URL+"/groups/autisme-boern?year=2023&place_type=doegn")
	if res.StatusCode != 200 {
		t.Fatalf("/groups/autisme-boern: %d", res.StatusCode)
	}
	body := html.UnescapeString(raw)
	sum := func(file, area, group, pt, year string, cols ...string) map[string]int64 {
		_, rows := demoCSV(t, file)
		out := map[string]int64{}
		for _, r := range rows {
			if r["target_group"] != group || r["place_type"] != pt || (year != "" && r["year"] != year) {
				continue
			}
			key := r["year"]
			if area != "" {
				key = r[area]
			}
			for _, c := range cols {
				n, _ := strconv.ParseInt(r[c], 10, 64)
				out[key] += n
			}
		}
		return out
	}
	supply, demand := sum("capacity", "", "autisme-boern", "doegn", "", "places"), sum("demand", "", "autisme-boern", "doegn", "", "placed", "waiting")
	for y := 2019; y <= 2023; y++ {
		ys := strconv.Itoa(y)
		row := `<tr><th scope="row">` + ys + `</th><td class="n">` + danish(supply[ys]) + `</td><td class="n">` + danish(demand[ys]) + `</td>`
		if !strings.Contains(body, row) {
			t.Errorf("the series lacks %s", row)
		}
	}
	// 2024 and 2025 are forecast rows: no supply or demand, a forecast between its band
	fc := regexp.MustCompile(`<tr><th scope="row">(2024|2025)</th><td class="n"></td><td class="n"></td><td class="n">(\d+)</td><td class="n">(\d+)</td><td class="n">(\d+)</td></tr>`).FindAllStringSubmatch(body, -1)
	if len(fc) != 2 {
		t.Errorf("forecast rows: %v", fc)
	}
	for _, m := range fc {
		v, lo, hi := atoi(m[2]), atoi(m[3]), atoi(m[4])
		if !(lo <= v && v <= hi) || v <= demand["2023"] {
			t.Errorf("forecast %s: %d in [%d, %d], demand 2023 %d", m[1], v, lo, hi, demand["2023"])
		}
	}
	// per municipality in 2023
	ms, md := sum("capacity", "location", "autisme-boern", "doegn", "2023", "places"), sum("demand", "municipality", "autisme-boern", "doegn", "2023", "placed", "waiting")
	for _, m := range data.RegionMunicipalities(data.RegionCode) {
		c := strconv.Itoa(m.Code)
		cells := regexp.MustCompile(`<tr data-code="` + c + `"><th scope="row"><a href="/municipalities/` + c + `\?year=2023&amp;lang=da">[^<]+</a></th><td class="n">([^<]*)</td><td class="n">([^<]*)</td>`).FindStringSubmatch(raw)
		if cells == nil {
			t.Errorf("%s: no row", m.Name)
			continue
		}
		cells[2] = html.UnescapeString(cells[2])
		if cells[1] != danish(ms[c]) {
			t.Errorf("%s: supply %s, want %d", m.Name, cells[1], ms[c])
		}
		switch d := md[c]; {
		case d >= 1 && d <= 4 && cells[2] != "<5":
			t.Errorf("%s: demand %d shows as %s, want <5", m.Name, d, cells[2])
		case (d == 0 || d >= 5) && cells[2] != danish(d) && cells[2] != "–":
			t.Errorf("%s: demand %s, want %d or –", m.Name, cells[2], d)
		}
	}
	// the survey: every municipality's score; the comments only with an analyst's token
	_, answers := demoCSV(t, "survey")
	var comment string
	for _, r := range answers {
		if r["year"] != "2023" || r["target_group"] != "autisme-boern" {
			continue
		}
		code, _ := strconv.Atoi(r["municipality"])
		m, _ := data.MunicipalityByCode(code)
		score := r["score"]
		if score == "" {
			score = "ved ikke"
		}
		if !strings.Contains(body, `<tr><th scope="row">`+m.Name+`</th><td class="n">`+score+`</td>`) {
			t.Errorf("survey: %s %s", m.Name, score)
		}
		if r["comment"] != "" {
			comment = r["comment"]
		}
	}
	if comment == "" {
		t.Fatal("the demo has no comment for autism in 2023 to test with")
	}
	if strings.Contains(body, comment) {
		t.Error("the public sees a survey comment")
	}
	analyst, _ := st.CreateToken(context.Background(), "analytiker", "analyst", "test")
	if _, b := getAs(t, srv.URL+"/groups/autisme-boern?year=2023", analyst); !strings.Contains(html.UnescapeString(b), comment) {
		t.Error("an analyst does not see the survey comments")
	}
	// the offers serving the group in 2023
	_, offers := demoCSV(t, "offers")
	n := 0
	for _, o := range offers {
		if o["year"] == "2023" && strings.Contains(";"+o["target_groups"]+";", ";autisme-boern;") {
			n++
			if !strings.Contains(body, `data-offer="`+o["offer_id"]+`"><th scope="row">`+o["name"]+`</th>`) {
				t.Errorf("offer %s is not listed", o["name"])
			}
		}
	}
	if n == 0 || strings.Count(body, "data-offer=") != n {
		t.Errorf("%d offers listed, want %d", strings.Count(body, "data-offer="), n)
	}
	for path, code := range map[string]int{"/groups/nosuch": 404, "/groups/autisme-boern?place_type=x": 400, "/groups/autisme-boern?year=1999": 404, "/groups/autisme-boern?lang=en": 200} {
		if res, _ := get(t, srv.URL+path); res.StatusCode != code {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, code)
		}
	}
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(s, 10, 64)
	return n
}
