package dashboards_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/analysis"
)

// pages are every page of the dashboards with the demo data's codes.
var pages = []string{"/", "/gaps", "/groups/autisme-boern", "/municipalities/851", "/offers", "/data", "/report/2023"}

// Every page in both languages: the security headers, the language, our own favicon and no other host; every
// chart with its sentence and its source with the "opgjort pr." date (the day the test loaded the demo data);
// malformed parameters a 400 page and unknown years and codes a 404 page, in the page's language, in the
// site's layout, never a 500 or a stack trace.
func TestEveryPage(t *testing.T) {
	copenhagen, _ := time.LoadLocation("Europe/Copenhagen")
	loaded := time.Now().In(copenhagen)
	srv, _ := mustServe(t)
	asOf := map[string]string{"da": "Opgjort pr. " + loaded.Format("02.01.2006") + ".", "en": "As of " + loaded.Format("2 January 2006") + "."}
	headings := map[string]map[int]string{
		"da": {400: "Ugyldig forespørgsel", 401: "Adgang kræver et token", 404: "Siden findes ikke"},
		"en": {400: "Bad request", 401: "A token is needed", 404: "Page not found"},
	}
	check := func(res *http.Response, body, url, lang string) {
		t.Helper()
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		script := regexp.MustCompile(`script-src [^;]*`).FindString(csp)
		if script != "script-src 'self'" || !strings.Contains(csp, "frame-ancestors") || h.Get("X-Content-Type-Options") != "nosniff" ||
			h.Get("Referrer-Policy") == "" || !strings.EqualFold(h.Get("Content-Type"), "text/html; charset=utf-8") {
			t.Errorf("%s: headers %v", url, h)
		}
		if !strings.Contains(body, `<html lang="`+lang+`">`) || !strings.Contains(body, `<link rel="icon" href="/static/favicon.svg"`) {
			t.Errorf("%s: not a %s page of the site's layout", url, lang)
		}
		if strings.Contains(body, "http://") || strings.Contains(body, "https://") {
			t.Errorf("%s: refers to another host", url)
		}
		if strings.Contains(body, "goroutine") || strings.Contains(body, ".go:") {
			t.Errorf("%s: leaks internals", url)
		}
	}
	for _, lang := range []string{"da", "en"} {
		for _, p := range pages {
			url := p + "?year=2023&lang=" + lang
			if strings.HasPrefix(p, "/report/") {
				url = p + "?lang=" + lang // the year is the path's
			}
			res, body := get(t, srv.URL+url)
			if res.StatusCode != 200 {
				t.Errorf("%s: %d", url, res.StatusCode)
				continue
			}
			check(res, body, url, lang)
			charts := 0
			for _, fig := range figures(body) {
				charts++
				if !strings.Contains(fig, `class="sentence"`) {
					t.Errorf("%s: a chart without its sentence: %.300s", url, fig)
				}
				if !strings.Contains(fig, `<p class="source">`) || !strings.Contains(fig, asOf[lang]) {
					t.Errorf("%s: a chart without its source and %q: %.300s", url, asOf[lang], fig)
				}
				if !strings.Contains(fig, "<table") {
					t.Errorf("%s: a chart without its table", url)
				}
			}
			if p != "/data" && charts == 0 {
				t.Errorf("%s: no chart", url)
			}
			bad := map[string]int{"year=abc": 400, "draft=maybe": 400, "target_group=nosuch": 400, "place_type=x": 400,
				"municipality=Odense": 400, "severity=x": 400, "kind=x": 400, "measure=x": 400, "draft=true": 401}
			switch {
			case strings.HasPrefix(p, "/report/"):
				delete(bad, "year=abc") // the year is the path's: /report/1999 and /report/abc below
			case p != "/data":
				// /data shows the delivery round of any year, also one nothing is loaded for yet
				bad["year=1999"] = 404
			}
			for q, code := range bad {
				url := p + "?" + q + "&lang=" + lang
				res, body := get(t, srv.URL+url)
				if res.StatusCode != code {
					t.Errorf("%s: %d, want %d", url, res.StatusCode, code)
				}
				check(res, body, url, lang)
				if !strings.Contains(body, "<h1>"+headings[lang][code]+"</h1>") {
					t.Errorf("%s: the page does not say %q", url, headings[lang][code])
				}
			}
		}
		for p, code := range map[string]int{"/groups/nosuch": 404, "/municipalities/101": 404, "/municipalities/1081": 404, "/municipalities/x": 404,
			"/nosuch": 404, "/report/1999": 404, "/report/abc": 400} {
			url := p + "?lang=" + lang
			res, body := get(t, srv.URL+url)
			if res.StatusCode != code {
				t.Errorf("%s: %d, want %d", url, res.StatusCode, code)
			}
			check(res, body, url, lang)
			if !strings.Contains(body, "<h1>"+headings[lang][code]+"</h1>") {
				t.Errorf("%s: the page does not say %q", url, headings[lang][code])
			}
		}
	}
}

// figures are the parts of a page that hold a chart: from the section or list item around each chart
// element to its end.
func figures(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`data-chart="`).FindAllStringIndex(body, -1) {
		start := max(strings.LastIndex(body[:m[0]], "<section"), strings.LastIndex(body[:m[0]], "<li "))
		rest := body[m[1]:]
		end := len(rest)
		for _, tag := range []string{"</section>", "</li>"} {
			if i := strings.Index(rest, tag); i >= 0 && i < end {
				end = i
			}
		}
		if start < 0 {
			start = m[0]
		}
		out = append(out, body[start:m[1]+end])
	}
	return out
}

// The link of a finding leads to a page that shows its numbers: the page answers, holds the finding's
// sentence (on /offers as its row's mark) and, where the link has a fragment, the element it names. Every
// kind, in both years, for the region and the municipalities, in both languages.
func TestFindingLinks(t *testing.T) {
	srv, _ := mustServe(t)
	for _, lang := range []string{"da", "en"} {
		for _, year := range []string{"2022", "2023"} {
			_, body := get(t, srv.URL+"/api/v1/findings?municipality=all&year="+year+"&lang="+lang)
			var list struct{ Items []analysis.Finding }
			if err := json.Unmarshal([]byte(body), &list); err != nil {
				t.Fatal(err)
			}
			// up to four findings of each kind and page: the first, the last and two between
			byKind := map[string][]analysis.Finding{}
			for _, f := range list.Items {
				page, _, _ := strings.Cut(f.URL, "?")
				byKind[f.Kind+" "+page] = append(byKind[f.Kind+" "+page], f)
			}
			kinds := map[string]bool{}
			for k, fs := range byKind {
				kinds[strings.Fields(k)[0]] = true
				for _, i := range []int{0, len(fs) / 3, 2 * len(fs) / 3, len(fs) - 1} {
					f := fs[i]
					u, frag, _ := strings.Cut(f.URL, "#")
					res, page := get(t, srv.URL+u+"&lang="+lang)
					if res.StatusCode != 200 {
						t.Errorf("%s %s: %d", f.ID, f.URL, res.StatusCode)
						continue
					}
					if !strings.Contains(page, html.EscapeString(f.Sentence)) {
						t.Errorf("%s: %s does not show %q", f.ID, f.URL, f.Sentence)
					}
					if frag != "" && !strings.Contains(page, `id="`+frag+`"`) {
						t.Errorf("%s: %s has no element %s", f.ID, f.URL, frag)
					}
				}
			}
			for _, k := range []string{analysis.KindGap, analysis.KindSelfSufficiency, analysis.KindCapacityChange, analysis.KindTariff, analysis.KindCentral} {
				if !kinds[k] {
					t.Errorf("%s %s: no finding of kind %s to follow", lang, year, k)
				}
			}
		}
	}
	// the occupancy findings of the demo: Kompasset over-occupied in 2022
	_, body := get(t, srv.URL+"/api/v1/findings?municipality=all&year=2022&kind=over_occupancy")
	var list struct{ Items []analysis.Finding }
	json.Unmarshal([]byte(body), &list)
	if len(list.Items) == 0 || list.Items[0].URL != "/offers?year=2022#offer-300104" {
		t.Errorf("over-occupancy 2022: %+v", list.Items)
	}
}

// The language switch keeps the page's filters (and its year, also when the request left it to the default).
func TestLanguageSwitchKeepsFilters(t *testing.T) {
	srv, _ := mustServe(t)
	for _, tc := range []struct{ path, want string }{
		{"/gaps?target_group=autisme-boern&place_type=doegn&year=2022", `href="/gaps?lang=en&amp;place_type=doegn&amp;target_group=autisme-boern&amp;year=2022"`},
		{"/groups/misbrug?lang=en&place_type=dag", `href="/groups/misbrug?lang=da&amp;place_type=dag&amp;year=2023"`},
		{"/", `href="/?lang=en&amp;year=2023"`},
	} {
		_, body := get(t, srv.URL+tc.path)
		if !strings.Contains(body, tc.want) {
			i := strings.Index(body, "hreflang")
			t.Errorf("%s: no %s near %q", tc.path, tc.want, body[max(0, i-200):i])
		}
	}
}
