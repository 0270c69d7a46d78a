package dashboards_test

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// /gaps: the findings of a filter worst first, each gap and growing demand with its series over the years as
// a table (and a chart of the same numbers), counted here from the demo files; unknown codes 404/400.
func TestGapsPage(t *testing.T) {
	srv, _ := mustServe(t)
	res, body := get(t, srv.URL+"/gaps?year=2023&target_group=autisme-boern&place_type=doegn")
	if res.StatusCode != 200 {
		t.Fatalf("/gaps: %d", res.StatusCode)
	}
	body = html.UnescapeString(body)
	// the region's residential autism places and demand per year, from the demo files
	supply, demand := map[string]int64{}, map[string]int64{}
	_, capRows := demoCSV(t, "capacity")
	for _, r := range capRows {
		if r["target_group"] == "autisme-boern" && r["place_type"] == "doegn" {
			n, _ := strconv.ParseInt(r["places"], 10, 64)
			supply[r["year"]] += n
		}
	}
	_, demRows := demoCSV(t, "demand")
	for _, r := range demRows {
		if r["target_group"] == "autisme-boern" && r["place_type"] == "doegn" {
			p, _ := strconv.ParseInt(r["placed"], 10, 64)
			w, _ := strconv.ParseInt(r["waiting"], 10, 64)
			demand[r["year"]] += p + w
		}
	}
	rows := ""
	for y := 2019; y <= 2023; y++ {
		ys := strconv.Itoa(y)
		rows += fmt.Sprintf(`<tr><th scope="row">%d</th><td class="n">%s</td><td class="n">%s</td></tr>`, y, danish(supply[ys]), danish(demand[ys]))
	}
	gap := regexp.MustCompile(`(?s)data-id="gap-2023-1081-autisme-boern-doegn".*?</li>`).FindString(body)
	if !strings.Contains(gap, "Børn og unge med autisme: efterspørgslen på 412 døgnpladser overstiger udbuddet på 371 med 41 pladser (10 %) i 2023.") {
		t.Errorf("the autism gap's sentence is not on /gaps:\n%.600s", gap)
	}
	if !strings.Contains(gap, "<tbody>"+rows+"</tbody>") {
		t.Errorf("the autism gap's series, want %s:\n%.2000s", rows, gap)
	}
	if !strings.Contains(gap, `"series":[{"name":"Udbud","type":"line","data":[{"name":"2019","value":`+strconv.FormatInt(supply["2019"], 10)) {
		t.Error("the chart does not hold the supply of 2019")
	}
	// worst first: the severities in the order of the page
	rank := map[string]int{"critical_shortage": 0, "critical": 0, "shortage": 1, "warning": 1, "surplus": 2, "info": 3, "balance": 4}
	last := -1
	for _, m := range regexp.MustCompile(`class="finding sev-([a-z_]+)"`).FindAllStringSubmatch(body, -1) {
		if rank[m[1]] < last {
			t.Errorf("%s after a milder finding", m[1])
		}
		last = rank[m[1]]
	}
	if last < 0 {
		t.Error("no findings on /gaps")
	}
	// the filter form keeps the chosen values
	if !strings.Contains(body, `<option value="autisme-boern" selected>`) || !strings.Contains(body, `<option value="doegn" selected>`) {
		t.Error("the filter form does not show the chosen filter")
	}
	for path, code := range map[string]int{"/gaps?target_group=nosuch": 400, "/gaps?year=1999": 404, "/gaps?municipality=Odense": 400, "/gaps?lang=en&year=2023": 200} {
		if res, _ := get(t, srv.URL+path); res.StatusCode != code {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, code)
		}
	}
}
