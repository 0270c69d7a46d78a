package dashboards_test

import (
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// /offers: occupancy against budgeted occupancy per offer, computed here from the demo files; the offers under
// enhanced cooperation, secure wards and national offers first; Kvisten at risk and on the emergency track in
// 2020, Kompasset over-occupied in 2022, as the demo data was built to show.
func TestOffersPage(t *testing.T) {
	srv, _ := mustServe(t)
	_, caps := demoCSV(t, "capacity")
	_, offers := demoCSV(t, "offers")
	row := func(body, id string) []string {
		m := regexp.MustCompile(`(?s)<tr id="offer-` + id + `" data-offer="` + id + `"><th scope="row">([^<]*)</th><td>[^<]*</td><td>([^<]*)</td><td class="n">([^<]*)</td><td class="n">([^<]*)</td><td class="n">([^<]*)</td><td class="n">([^<]*)</td><td>(.*?)</td></tr>`).FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("offer %s: no row", id)
		}
		return m[1:]
	}
	for _, c := range []struct {
		year, id, mark string
		kind           string
	}{
		{"2020", "300102", "nødspor", "forstærket samarbejde"},
		{"2022", "300104", "overbelagt", "sikret afdeling, landsdækkende"},
	} {
		_, body := get(t, srv.URL+"/offers?year="+c.year)
		body = html.UnescapeString(body)
		var places, occupied float64
		for _, r := range caps {
			if r["year"] == c.year && r["offer_id"] == c.id && r["occupied"] != "" {
				p, _ := strconv.ParseFloat(r["places"], 64)
				o, _ := strconv.ParseFloat(r["occupied"], 64)
				places, occupied = places+p, occupied+o
			}
		}
		var budget string
		for _, o := range offers {
			if o["year"] == c.year && o["offer_id"] == c.id {
				budget = o["budgeted_occupancy"]
			}
		}
		b, _ := strconv.ParseFloat(budget, 64)
		got := row(body, c.id)
		want := []string{strconv.FormatFloat(places, 'f', 0, 64), strings.ReplaceAll(fmt.Sprintf("%.1f", occupied), ".", ","),
			strings.ReplaceAll(fmt.Sprintf("%.1f %%", 100*occupied/places), ".", ","), strings.ReplaceAll(fmt.Sprintf("%.1f %%", b), ".", ",")}
		if got[1] != c.kind || got[2] != want[0] || got[3] != want[1] || got[4] != want[2] || got[5] != want[3] {
			t.Errorf("%s %s: %q, want %s, %q", c.year, c.id, got, c.kind, want)
		}
		if !strings.Contains(got[6], ">"+c.mark+"</a>") {
			t.Errorf("%s %s is not marked %s: %s", c.year, c.id, c.mark, got[6])
		}
		// the watched offers come before the others
		if w, o := strings.Index(body, `id="watched-heading"`), strings.Index(body, `id="others-heading"`); w < 0 || o < 0 || w > o {
			t.Errorf("%s: the watched offers are not first", c.year)
		}
	}
	_, body := get(t, srv.URL+"/offers?year=2020")
	if strings.Count(body, "mark-at_risk") != 2 {
		t.Errorf("2020: %d offers at risk, want Kvisten and Birken", strings.Count(body, "mark-at_risk"))
	}
	// the chart's sentence counts the marks: in the demo files no offer is over-occupied in 2020; Kvisten
	// (300102) and Birken (400201) are more than 5 points below their budget in 2019 and 2020, so both are at
	// risk and on the emergency track
	if !strings.Contains(body, "I 2020 var 0 tilbud overbelagt, 2 tilbud i risiko og 2 tilbud kandidat til nødspor.") {
		t.Errorf("2020: the sentence of the marks is missing or wrong")
	}
	for path, code := range map[string]int{"/offers?year=1999": 404, "/offers?year=x": 400, "/offers?lang=en": 200} {
		if res, _ := get(t, srv.URL+path); res.StatusCode != code {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, code)
		}
	}
}
