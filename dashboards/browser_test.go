package dashboards_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser starts Debian's headless Chromium (never a downloaded one) and records every request and every
// console error of the pages it loads.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	requests []string
	errors   []string
}

func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM; `make test` installs it when run as root")
	return ""
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelC(); cancelA() })
	b := &browser{ctx: ctx}
	// the first Run starts the browser; chromedp enables the network, runtime and log domains itself
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	err := chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.requests = append(b.requests, e.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range e.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				b.errors = append(b.errors, "console: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			b.errors = append(b.errors, "exception: "+e.ExceptionDetails.Text+" "+exceptionText(e.ExceptionDetails))
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				b.errors = append(b.errors, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// foreign returns the requests that went to a host other than base's.
func (b *browser) foreign(base string) []string {
	u, _ := url.Parse(base)
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, r := range b.requests {
		ru, err := url.Parse(r)
		if err != nil || (ru.Scheme != "data" && ru.Host != u.Host) {
			out = append(out, r)
		}
	}
	return out
}

func (b *browser) errs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

func parseDanish(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(s), ".", ""), 10, 64)
	if err != nil {
		t.Fatalf("number %q: %v", s, err)
	}
	return n
}

// In a real browser the chart draws, with the same numbers as its table; no console error, no request to
// another host. The checks themselves are checked: a control page with an image from another host, and an
// error the page writes to the console, must each be caught, and a failing page leaves a screenshot.
func TestBrowserOverview(t *testing.T) {
	srv := serveWithControl(t)
	b := newBrowser(t)
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?year=2022"), chromedp.WaitVisible(chromedp.CSS(`#chart-places canvas`))); err != nil {
		t.Fatal(err)
	}
	instance, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById('chart-places').hasAttribute('_echarts_instance_')`))
	if err != nil {
		t.Fatal(err)
	}
	seriesSums, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(function(){
		var o = echarts.getInstanceByDom(document.getElementById('chart-places')).getOption();
		var out = {};
		o.series.forEach(function(s){ out[s.name] = s.data.reduce(function(a, d){ return a + ((d && d.value) || 0); }, 0); });
		return out; })()`))
	if err != nil {
		t.Fatal(err)
	}
	footCells, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#table-places tfoot td')).map(function(td){ return td.textContent; })`))
	if err != nil {
		t.Fatal(err)
	}
	if !instance {
		t.Error("the chart did not draw (no _echarts_instance_)")
	}
	if len(footCells) != 4 {
		t.Fatalf("table totals: %v", footCells)
	}
	for i, name := range []string{"Kommunale pladser", "Private pladser", "Nordjysk Socialaftale-pladser"} {
		if got, want := int64(seriesSums[name]), parseDanish(t, footCells[i]); got != want {
			t.Errorf("%s: chart %d, table %d", name, got, want)
		}
	}
	if got := parseDanish(t, footCells[0]); got != 4876 {
		t.Errorf("municipal places 2022: %d, want 4876", got)
	}
	if errs := b.errs(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	if f := b.foreign(srv.URL); len(f) > 0 {
		t.Errorf("requests to another host: %v", f)
	}
	// the chart's image download: a PNG drawn in the page
	png, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){ var got = '';
		var click = HTMLAnchorElement.prototype.click;
		HTMLAnchorElement.prototype.click = function(){ got = this.href + ' ' + this.download; };
		document.querySelector('#chart-places').closest('.chart-table').querySelector('.chart-tools button').click();
		HTMLAnchorElement.prototype.click = click;
		return got; })()`))
	if err != nil || !strings.HasPrefix(png, "data:image/png;base64,") || !strings.HasSuffix(png, " chart-places.png") {
		t.Errorf("the PNG download: %.60q %v", png, err)
	}
	// the control page (served beside the dashboards, without their Content-Security-Policy) shows an image
	// from another host (another loopback address): the check must find that request
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/control"), chromedp.Sleep(300*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	if f := b.foreign(srv.URL); len(f) != 1 || !strings.Contains(f[0], "control.png") {
		t.Errorf("the control page's foreign image was not detected: %v", f)
	}
	// and a failing page is saved as a screenshot: a PNG of the control page
	if file := b.screenshot(t, "control"); file == "" {
		t.Error("no screenshot of the control page")
	} else if png, err := os.ReadFile(file); err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("the screenshot %s is not a PNG: %v", file, err)
	} else {
		os.Remove(file)
	}
	// control for the console: an error written by a page must be caught
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/?year=2022"), chromedp.Evaluate[chromedp.Void](`console.error('negative control')`), chromedp.Sleep(200*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	consoleSeen := false
	for _, e := range b.errs() {
		consoleSeen = consoleSeen || strings.Contains(e, "negative control")
	}
	if !consoleSeen {
		t.Errorf("the console control was not detected: %v", b.errs())
	}
}

// serveWithControl serves the demo's dashboards and two control pages: at /control a page with an image from
// another host, at /control-a11y one with an image without a text alternative.
func serveWithControl(t *testing.T) *httptest.Server {
	t.Helper()
	demo, _ := mustServe(t)
	mux := http.NewServeMux()
	mux.HandleFunc("/control", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="da"><title>Kontrol</title><img src="http://127.0.0.2:9/control.png" alt="">`)
	})
	mux.HandleFunc("/control-a11y", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="da"><title>Kontrol</title><main><h1>Kontrol</h1><img src="/static/favicon.svg"></main>`)
	})
	mux.Handle("/", demo.Config.Handler)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// screenshot saves the page shown as name.png in $KAPACITET_SCREENSHOTS (default: failed-screenshots/ in
// the package's folder, ignored by git) and returns the file, "" when it could not.
func (b *browser) screenshot(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("KAPACITET_SCREENSHOTS")
	if dir == "" {
		dir = "failed-screenshots"
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	file := filepath.Join(dir, strings.Map(func(r rune) rune {
		if r == '/' || r == '?' || r == '&' || r == '=' || r == ':' {
			return '_'
		}
		return r
	}, name)+".png")
	if err == nil {
		err = os.WriteFile(file, png, 0o644)
	}
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return ""
	}
	t.Logf("screenshot of %s: %s", name, file)
	return file
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// Every page in a real browser, in both languages: every chart draws (an ECharts instance) with the same
// numbers as the table beside it (its series by the table's column headers), missing where the table hides
// one; on a 360 px phone the page does not scroll sideways and the charts shrink to the screen, and grow
// back on a large one; no console error, no request to another host. A page that fails leaves a screenshot.
func TestBrowserChartsMatchTables(t *testing.T) {
	srv, _ := mustServe(t)
	b := newBrowser(t)
	for _, lang := range []string{"da", "en"} {
		for _, c := range []struct {
			path   string
			charts int // at least
			hidden bool
		}{
			{"/gaps?year=2023&municipality=all&target_group=spiseforstyrrelse", 5, true},
			{"/groups/autisme-boern?year=2023&place_type=doegn", 2, true},
			{"/groups/udviklingshaemning-dom?year=2022", 2, false},
			{"/offers?year=2022", 1, false},
			{"/?year=2022&measure=per_1000", 2, false},
			{"/?year=2023&measure=gap&target_group=spiseforstyrrelse", 2, true},
			{"/municipalities/851?year=2023", 2, false},
			{"/municipalities/825?year=2022&target_group=socialpsykiatri", 1, false},
			{"/data?year=2023", 0, false},
			{"/report/2023?draft=false", 3, false},
		} {
			url := srv.URL + c.path + "&lang=" + lang
			failed := t.Failed()
			n, hidden := chartsMatchTables(t, b, url, lang)
			if n < c.charts {
				t.Errorf("%s %s: %d charts, want at least %d", lang, c.path, n, c.charts)
			}
			if c.hidden && hidden == 0 {
				t.Errorf("%s %s: no hidden number (the demo has small counts there)", lang, c.path)
			}
			phone(t, b, url)
			if errs := b.errs(); len(errs) > 0 {
				t.Errorf("%s: console errors: %v", url, errs)
			}
			if f := b.foreign(srv.URL); len(f) > 0 {
				t.Errorf("%s: requests to another host: %v", url, f)
			}
			if t.Failed() && !failed {
				b.screenshot(t, lang+c.path)
			}
		}
	}
}

// phone shows the page at url, with its charts drawn, on a 360 px wide screen: the page itself must not be
// wider than the screen (wide tables scroll in their own box) and every chart is redrawn to fit it; back on
// a 1280 px screen the charts are wider again.
func phone(t *testing.T, b *browser, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	widths := `Array.from(document.querySelectorAll('[data-chart]')).map(function(el){ var c = el.querySelector('canvas'); return c ? c.getBoundingClientRect().width : -1; })`
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](widths))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740), chromedp.Sleep(400*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	page, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	narrow, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](widths))
	if err != nil {
		t.Fatal(err)
	}
	if page > 360 {
		// name the elements that stick out, the innermost first
		wider, _ := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('body *')).filter(function(el){
			return el.getBoundingClientRect().right > 361 && !Array.from(el.children).some(function(c){ return c.getBoundingClientRect().right > 361; }); })
			.slice(0, 5).map(function(el){ return el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right) + ' ' + el.textContent.slice(0, 40); })`))
		t.Errorf("%s: at 360 px the page is %.0f px wide: %v", url, page, wider)
	}
	for i, w := range narrow {
		if w <= 0 || w > 360 {
			t.Errorf("%s: at 360 px chart %d is %.0f px wide", url, i, w)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 1000), chromedp.Sleep(400*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	again, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](widths))
	if err != nil {
		t.Fatal(err)
	}
	for i := range again {
		if i < len(wide) && i < len(narrow) && (again[i] <= narrow[i] || math.Abs(again[i]-wide[i]) > 1) {
			t.Errorf("%s: chart %d is %.0f px wide at 1280 px, %.0f px at 360 px and %.0f px back at 1280 px", url, i, wide[i], narrow[i], again[i])
		}
	}
}

// chartsMatchTables opens url and checks every chart against its table (#ID-table, or the table beside it):
// each series (a Sankey's
// links), found by its name among the table's column headers, holds the column's numbers, and "-" (missing) where the table
// shows "<5", "–" or nothing. It returns the charts and the hidden numbers it saw.
func chartsMatchTables(t *testing.T, b *browser, url, lang string) (charts, hidden int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(`footer`))); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	waitForCharts(b)
	type chart struct {
		ID       string
		Instance bool
		Series   map[string][]any
		Head     []string
		Table    [][]string
		Formats  []string // 1234.5 as the chart's tooltip and value axes write it
		Tools    []string // the chart's downloads: the PNG button's text, the table links' hrefs
	}
	found, err := chromedp.Run(ctx, chromedp.Evaluate[[]chart](`Array.from(document.querySelectorAll('[data-chart]')).map(function(el){
		var inst = echarts.getInstanceByDom(el), series = {}, formats = [];
		if (inst) { var o = inst.getOption();
			[].concat(o.tooltip || []).forEach(function(t){ formats.push(t.valueFormatter ? t.valueFormatter(1234.5) : 'no tooltip format'); });
			[].concat(o.xAxis || [], o.yAxis || []).filter(function(a){ return a.type === 'value'; }).forEach(function(a){
				formats.push(a.axisLabel && a.axisLabel.formatter ? a.axisLabel.formatter(1234.5) : 'no axis format'); }); }
		if (inst) { inst.getOption().series.forEach(function(s){
			series[s.name] = (s.type === 'sankey' ? s.links : s.data).map(function(d){ return d.value; }); }); }
		// a header's full name is its abbreviation's title when it has one
		var cells = function(tr){ return Array.from(tr.children).map(function(c){ var a = c.querySelector('abbr'); return (a ? a.title : c.textContent).trim(); }); };
		var table = document.getElementById(el.id + '-table') || el.closest('.chart-table').querySelector('table');
		var head = Array.from(table.querySelectorAll('thead tr')).map(cells)[0] || [];
		var rows = Array.from(table.querySelectorAll('tbody tr')).map(cells);
		var box = el.closest('.chart-table'), tools = box ? Array.from(box.querySelectorAll('.chart-tools button, .chart-tools a')).map(function(x){ return x.getAttribute('href') || x.textContent; }) : [];
		return {ID: el.id, Instance: !!inst, Series: series, Head: head, Table: rows, Formats: formats, Tools: tools}; })`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"da": "1.234,5", "en": "1,234.5"}[lang]
	for _, c := range found {
		if !c.Instance {
			t.Errorf("%s %s: no chart drawn", url, c.ID)
			continue
		}
		for _, f := range c.Formats {
			if f != want {
				t.Errorf("%s %s: the chart writes 1234.5 as %q, want %q", url, c.ID, f, want)
			}
		}
		if len(c.Formats) == 0 {
			t.Errorf("%s %s: no number format in the chart's tooltip or axes", url, c.ID)
		}
		// its downloads: the image, and its table as CSV and XLSX
		if len(c.Tools) != 3 || !strings.Contains(c.Tools[0], "PNG") || !strings.Contains(c.Tools[1], "download=") || !strings.HasSuffix(c.Tools[2], ".xlsx") {
			t.Errorf("%s %s: downloads %q", url, c.ID, c.Tools)
		}
		for name, values := range c.Series {
			col := slices.Index(c.Head, name)
			if col < 0 || len(values) != len(c.Table) {
				t.Errorf("%s %s: series %q has %d values; table columns %v, %d rows", url, c.ID, name, len(values), c.Head, len(c.Table))
				continue
			}
			for i, row := range c.Table {
				switch cell := row[col]; cell {
				case "<5", "–", "":
					hidden += map[bool]int{true: 1}[cell != ""]
					if values[i] != "-" {
						t.Errorf("%s %s %s %s: the chart shows %v where the table shows %q", url, c.ID, name, row[0], values[i], cell)
					}
				default:
					if n, ok := values[i].(float64); !ok || math.Abs(n-parseNumber(t, cell, lang)) > 1e-4 { // a Sankey's values are float32
						t.Errorf("%s %s %s %s: chart %v, table %s", url, c.ID, name, row[0], values[i], cell)
					}
				}
			}
		}
	}
	return len(found), hidden
}

// parseNumber reads a number as the page of lang writes it in a table: "1.234", "-24", "91,9 %" (Danish),
// "1,234", "91.9%" (English).
func parseNumber(t *testing.T, s, lang string) float64 {
	t.Helper()
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	s = strings.ReplaceAll(s, "−", "-")
	if lang == "en" {
		s = strings.ReplaceAll(s, ",", "")
	} else {
		s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("number %q: %v", s, err)
	}
	return v
}

// The report printed by headless chromium to a PDF (the browser's "Print to PDF", with the page size of the
// print stylesheet, A4): a sensible number of pages, and the text of every finding of the year, the page
// header with the title and the edition, and the charts' tables in it (pdftotext -raw: in the order the
// page writes it; from poppler-utils).
func TestBrowserReportPDF(t *testing.T) {
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not found: install Debian's poppler-utils (apt-get install -y poppler-utils); `make test` installs it when run as root", tool)
		}
	}
	srv, _ := mustServe(t)
	b := newBrowser(t)
	ctx, cancel := context.WithTimeout(b.ctx, 120*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/report/2023"), chromedp.WaitVisible(chromedp.CSS(`#chart-groups canvas`))); err != nil {
		t.Fatal(err)
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("pdfinfo", file).Output()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)$`).FindSubmatch(info)
	size := regexp.MustCompile(`(?m)^Page size:\s+([\d.]+) x ([\d.]+) pts`).FindSubmatch(info)
	if m == nil || size == nil {
		t.Fatalf("pdfinfo: %s", info)
	}
	pages, _ := strconv.Atoi(string(m[1]))
	// A4 is 595 x 842 points; the demo's 2023 has some 1.200 findings, a sentence each
	if w, _ := strconv.ParseFloat(string(size[1]), 64); math.Abs(w-595) > 2 {
		t.Errorf("page width %s pt, want A4 (595)", size[1])
	}
	if pages < 10 || pages > 150 {
		t.Errorf("%d pages", pages)
	}
	out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", file, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(out)), " ")
	_, api := get(t, srv.URL+"/api/v1/findings?year=2023&municipality=all")
	var list struct {
		Items []struct{ ID, Sentence string }
	}
	if err := json.Unmarshal([]byte(api), &list); err != nil || len(list.Items) == 0 {
		t.Fatalf("findings: %v", err)
	}
	missing := 0
	for _, f := range list.Items {
		if !strings.Contains(text, strings.Join(strings.Fields(f.Sentence), " ")) {
			if missing++; missing <= 5 {
				t.Errorf("the PDF lacks %s: %q", f.ID, f.Sentence)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d findings are not in the PDF", missing, len(list.Items))
	}
	if n := strings.Count(text, "Afdækning af udbud og efterspørgsel 2023 – Udgave 1, offentliggjort"); n < pages {
		t.Errorf("the page header is on %d of %d pages", n, pages)
	}
	for _, part := range []string{"Dag- og døgnpladser fordelt pr. beliggenhedskommune", "Udbud og efterspørgsel pr. målgruppe i regionen", "Centrale udmeldinger", "Udgave og rettelser"} {
		if !strings.Contains(text, part) {
			t.Errorf("the PDF lacks %q", part)
		}
	}
	if t.Failed() {
		b.screenshot(t, "report-2023")
	}
	if keep := os.Getenv("KAPACITET_SCREENSHOTS"); keep != "" { // the PDF to look at
		os.WriteFile(filepath.Join(keep, "report-2023.pdf"), pdf, 0o644)
	}
}

// axeViolation is what the test keeps of an axe-core violation.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// axe runs axe-core (from npm, node_modules/axe-core) on the page shown, for WCAG 2.1 A and AA, and
// returns its violations.
func (b *browser) axe(t *testing.T, source string) []axeViolation {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](source)); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
		.then(function(r){ return r.violations.map(function(v){ return {ID: v.id, Impact: v.impact || '', Help: v.help,
			Nodes: v.nodes.slice(0, 3).map(function(n){ return n.target.join(' ') + ': ' + (n.failureSummary || '').slice(0, 160); })}; }); })`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run: %v", err)
	}
	return v
}

// axeSource is axe-core's script; make test installs it with npm (package.json's devDependencies).
func axeSource(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core: %v (run npm ci, or make test)", err)
	}
	return string(b)
}

// Every page in both languages, with its charts drawn, checked by axe-core for WCAG 2.1 AA: no serious or
// critical violation. A control page with an image without a text alternative must be caught.
func TestBrowserAccessibility(t *testing.T) {
	source := axeSource(t)
	srv := serveWithControl(t)
	b := newBrowser(t)
	paths := append(append([]string(nil), pages...), "/tilgaengelighed", "/groups/nosuch", "/signin")
	for _, lang := range []string{"da", "en"} {
		for _, p := range paths {
			url := srv.URL + p + "?lang=" + lang
			if err := chromedp.Do(b.ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(`footer`))); err != nil {
				t.Fatalf("%s: %v", url, err)
			}
			waitForCharts(b)
			failed := t.Failed()
			for _, v := range b.axe(t, source) {
				if v.Impact == "serious" || v.Impact == "critical" {
					t.Errorf("%s: %s (%s): %s %v", url, v.ID, v.Impact, v.Help, v.Nodes)
				}
			}
			if t.Failed() && !failed {
				b.screenshot(t, "a11y-"+lang+p)
			}
		}
	}
	// the control: an image without alt text is a critical violation axe-core reports
	if err := chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/control-a11y"), chromedp.WaitReady(chromedp.CSS(`img`))); err != nil {
		t.Fatal(err)
	}
	caught := false
	for _, v := range b.axe(t, source) {
		caught = caught || (v.ID == "image-alt" && v.Impact == "critical")
	}
	if !caught {
		t.Error("axe-core did not catch the control page's image without alt text")
	}
}

// waitForCharts waits until every chart of the page has drawn (a map waits for its GeoJSON), 10 s at most.
func waitForCharts(b *browser) {
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(100 * time.Millisecond) {
		waiting, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`window.echarts ? Array.from(document.querySelectorAll('[data-chart]')).filter(function(el){ return !echarts.getInstanceByDom(el); }).length : 0`))
		if err != nil || waiting == 0 {
			return
		}
	}
}
