package dashboards_test

import (
	"html"
	"math"
	"strconv"
	"strings"
	"testing"
)

// The overview's places per 1.000 inhabitants and its map by measure, counted here from the demo's capacity
// and population files; a measure it does not know is 400; the map's GeoJSON comes from this server with
// every municipality named.
func TestOverviewMap(t *testing.T) {
	srv, _ := mustServe(t)
	_, caps := demoCSV(t, "capacity")
	_, pops := demoCSV(t, "population")
	places, pop := map[string]int64{}, map[string]int64{}
	var total, inhabitants int64
	for _, r := range caps {
		if r["year"] == "2022" {
			n, _ := strconv.ParseInt(r["places"], 10, 64)
			places[r["location"]] += n
			total += n
		}
	}
	for _, r := range pops {
		if r["year"] == "2022" && r["age_band"] == "" {
			n, _ := strconv.ParseInt(r["inhabitants"], 10, 64)
			pop[r["municipality"]] += n
			inhabitants += n
		}
	}
	one := func(v float64) string {
		return strings.ReplaceAll(strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64), ".", ",")
	}
	_, body := get(t, srv.URL+"/?year=2022&measure=per_1000")
	body = html.UnescapeString(body)
	if want := `<span class="value" id="per-1000">` + one(1000*float64(total)/float64(inhabitants)) + `</span>`; !strings.Contains(body, want) {
		t.Errorf("no %s", want)
	}
	mapTable := body[strings.Index(body, `id="chart-map-table"`):]
	mapTable = mapTable[:strings.Index(mapTable, "</table>")]
	for code, n := range places {
		body := mapTable
		if want := `<tr data-code="` + code + `"><th scope="row">`; !strings.Contains(body, want) {
			t.Errorf("map table: no row for %s", code)
			continue
		}
		cell := `<td class="n">` + one(1000*float64(n)/float64(pop[code])) + `</td></tr>`
		if i := strings.Index(body, `<tr data-code="`+code+`"><th scope="row">`); !strings.HasPrefix(body[strings.Index(body[i:], "</th>")+i+5:], cell) {
			t.Errorf("%s: places per 1.000 %.2f, not %s", code, 1000*float64(n)/float64(pop[code]), cell)
		}
	}
	if res, _ := get(t, srv.URL+"/?measure=nosuch"); res.StatusCode != 400 {
		t.Errorf("an unknown measure: %d", res.StatusCode)
	}
	res, geo := get(t, srv.URL+"/static/map/nordjylland.json")
	if res.StatusCode != 200 || strings.Count(geo, `"name":`) != 11 || !strings.Contains(geo, `"name":"Læsø"`) {
		t.Errorf("the map: %d, %d names", res.StatusCode, strings.Count(geo, `"name":`))
	}
}
