package dashboards

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v5"
	"github.com/yuin/goldmark"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// reportPage is /report/{year}: the yearly mapping of supply and demand as one document, to read on screen
// and to print (A4, static/print.css): DAS's assessment, the summary, the key charts and tables, every
// finding of the year by focus area and target group, the central announcements, the offers under enhanced
// cooperation and the secure wards, the changes since the year before, and the edition with its corrections.
type reportPage struct {
	pageHead
	Assessment  template.HTML // DAS's assessment, from Markdown (raw HTML in it is not passed on)
	Summary     []string
	Key         []string // the sentences of the region's shortages
	Overview    overviewPage
	Groups      template.JS // the region's supply against demand per target group
	GroupRows   []muniRow   // (Code unused) by target group
	GroupsText  string
	Areas       []reportArea
	Central     []findingView
	Offers      offersPage
	Changes     []changeRow
	Corrections []analysis.Correction
}

type reportArea struct {
	Name   string
	Groups []reportGroup
}

type reportGroup struct {
	Code, Name string
	Region     []findingView // the region's findings, then the municipalities' and the offers'
	Local      []findingView
}

type changeRow struct {
	Group, Category        string
	Previous, Opened, Now  string
	Closed, Offers, Change string
}

// report answers /report/{year}, and /report/latest with the latest year (the pages' default year).
func (s *Server) report(c *echo.Context) error {
	u := c.Request().URL
	q := u.Query()
	q.Del("year")
	if y := c.Param("year"); y != "latest" {
		year, err := strconv.Atoi(y)
		if err != nil || !data.PlausibleYear(year) {
			return badRequest{fmt.Sprintf("Ugyldigt år %q. (Invalid year.)", y)}
		}
		q.Set("year", strconv.Itoa(year))
	}
	u.RawQuery = q.Encode() // the year of the path is the page's year parameter
	return page(s, c, "report.html", s.reportPage)
}

// reportPage builds the report of r.Year from one read transaction.
func (s *Server) reportPage(ctx context.Context, rd *queries.Reader, r *request) (reportPage, error) {
	t := texts[r.Lang]
	var p reportPage
	var err error
	// the overview's part first: it settles the year (the latest by default; 404 for one without data)
	if p.Overview, err = s.overviewPage(ctx, rd, r); err != nil {
		return p, err
	}
	if r.Year == 0 {
		return p, echo.NewHTTPError(http.StatusNotFound, "Ingen data er offentliggjort endnu. (Nothing is published yet.)")
	}
	p.pageHead = pageHead{Lang: r.Lang, Path: fmt.Sprintf("/report/%d", r.Year), Year: r.Year,
		PrintCSS: fmt.Sprintf("/report/%d/print.css?lang=%s", r.Year, r.Lang)}
	if r.View.Draft {
		p.PrintCSS += "&draft=true"
	}
	p.Title = fmt.Sprintf(t["report_title"], r.Year)
	if p.Offers, err = s.offersPage(ctx, rd, r); err != nil {
		return p, err
	}
	if a, ok, err := rd.Assessment(ctx, r.View, r.Year); err != nil {
		return p, err
	} else if ok {
		if p.Assessment, err = markdown(a.Text); err != nil {
			return p, err
		}
	}
	all, err := Findings(ctx, rd, r.View, s.Analysis, r.Lang)
	if err != nil {
		return p, err
	}
	var year []analysis.Finding
	for _, f := range all {
		if f.Year == r.Year {
			year = append(year, f)
		}
	}
	if err := s.reportGroups(&p, year, r.Lang); err != nil {
		return p, err
	}
	s.reportSummary(&p, year, r.Lang)
	byGroup := map[string]*reportGroup{}
	for _, a := range data.FocusAreas() {
		area := reportArea{Name: a.Name(r.Lang)}
		for _, g := range data.TargetGroups() {
			if g.FocusArea == a.Code {
				area.Groups = append(area.Groups, reportGroup{Code: g.Code, Name: g.Name(r.Lang)})
			}
		}
		p.Areas = append(p.Areas, area)
	}
	for i := range p.Areas {
		for j := range p.Areas[i].Groups {
			byGroup[p.Areas[i].Groups[j].Code] = &p.Areas[i].Groups[j]
		}
	}
	for _, f := range year {
		v := findingView{Finding: f, SeverityLabel: t["sev_"+f.Severity]}
		switch g := byGroup[f.TargetGroup]; {
		case f.Kind == analysis.KindCentral:
			p.Central = append(p.Central, v)
		case g == nil:
			return p, fmt.Errorf("report: finding %s of no target group of the catalogue", f.ID)
		case f.Area == data.RegionCode && f.Offer == nil:
			g.Region = append(g.Region, v)
		default:
			g.Local = append(g.Local, v)
		}
		if f.Kind == analysis.KindCapacityChange && f.Area == data.RegionCode && f.Change != nil {
			gr, _ := data.TargetGroupByCode(f.TargetGroup)
			cat := f.Change.Category
			if c, ok := data.CodeByCode(data.Categories, cat); ok {
				cat = c.Name(r.Lang)
			}
			var offers []string
			for _, o := range f.Change.Offers {
				offers = append(offers, o.Name)
			}
			n := func(v int64) string { return analysis.FormatInt(v, r.Lang) }
			p.Changes = append(p.Changes, changeRow{Group: gr.Name(r.Lang), Category: cat, Previous: n(f.Change.Previous),
				Opened: n(f.Change.Opened), Closed: n(f.Change.Closed), Now: n(f.Supply), Offers: strings.Join(offers, ", ")})
		}
	}
	if !r.View.Draft {
		eds, err := Editions(ctx, rd, r.Lang)
		if err != nil {
			return p, err
		}
		for _, ed := range eds { // the newest first
			if ed.Year == r.Year {
				p.Corrections = ed.Corrections
				break
			}
		}
	}
	return p, p.pageHead.frame(ctx, rd, r)
}

// reportSummary writes the summary: the overview's sentence of places, how many target groups have each
// severity in the region (day and residential places together; reportGroups counted them), how many have a
// demand growing past today's supply, and the sentences of the region's shortages.
func (s *Server) reportSummary(p *reportPage, year []analysis.Finding, lang string) {
	if p.Overview.Summary != "" {
		p.Summary = append(p.Summary, p.Overview.Summary)
	}
	if len(p.GroupRows) == 0 {
		return
	}
	var growing int64
	for _, f := range year {
		if f.Area != data.RegionCode || f.PlaceType != data.PlaceTypeAll.Code {
			continue
		}
		switch {
		case f.Kind == analysis.KindGap && (f.Severity == analysis.CriticalShortage || f.Severity == analysis.Shortage):
			p.Key = append(p.Key, f.Sentence)
		case f.Kind == analysis.KindGrowing:
			growing++
		}
	}
	p.Summary = append(p.Summary, p.GroupsText,
		fmt.Sprintf(texts[lang]["report_growing"], analysis.FormatInt(growing, lang), analysis.FormatInt(int64(len(p.GroupRows)), lang)))
}

// reportGroups builds the chart and table of the region's supply against demand per target group (day and
// residential places together), read from the gap findings, so hidden where they hide it.
func (s *Server) reportGroups(p *reportPage, year []analysis.Finding, lang string) error {
	t := texts[lang]
	gaps := map[string]analysis.Finding{}
	for _, f := range year {
		if f.Kind == analysis.KindGap && f.Area == data.RegionCode && f.PlaceType == data.PlaceTypeAll.Code {
			gaps[f.TargetGroup] = f
		}
	}
	var names []string
	var supply, demand []*int64
	for _, g := range data.TargetGroups() {
		f, ok := gaps[g.Code]
		if !ok {
			continue
		}
		row := muniRow{Name: g.Name(lang), Supply: analysis.FormatInt(f.Supply, lang), Severity: f.Severity, SeverityLabel: t["sev_"+f.Severity]}
		sv, dv := f.Supply, f.Demand
		names, supply = append(names, g.Name(lang)), append(supply, &sv)
		if shown, hidden := f.Suppressed["demand"]; hidden {
			row.Demand, row.Gap = shown, f.Suppressed["gap"]
			demand = append(demand, nil)
		} else {
			row.Demand, row.Gap = analysis.FormatInt(f.Demand, lang), analysis.FormatInt(f.Gap, lang)
			demand = append(demand, &dv)
		}
		p.GroupRows = append(p.GroupRows, row)
	}
	if len(names) == 0 {
		return nil
	}
	p.GroupsText = severityCounts("report_groups", p.GroupRows, p.Year, lang)
	var err error
	p.Groups, err = barChart(names, []lineSeries{{Name: t["supply"], Values: supply}, {Name: t["demand"], Values: demand}}, supplyDemandColors)
	return err
}

// markdown renders DAS's text: CommonMark, raw HTML in it left out (an admin writes it, a viewer reads it).
func markdown(text string) (template.HTML, error) {
	var b bytes.Buffer
	if err := goldmark.Convert([]byte(text), &b); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil // goldmark leaves raw HTML out unless told otherwise
}

// reportPrintCSS answers GET /report/{year}/print.css: the page header of the printed report (title and
// edition), which CSS can only take from a stylesheet, and the page's inline styles may not exist (CSP).
func (s *Server) reportPrintCSS(c *echo.Context) error {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || !data.PlausibleYear(year) {
		return echo.ErrNotFound
	}
	r, err := parseRequest(c)
	if err != nil {
		return err
	}
	var head string
	err = s.Store.Read(c.Request().Context(), func(rd *queries.Reader) error {
		var err error
		head, err = reportHeader(c.Request().Context(), rd, &r, year)
		return err
	})
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "text/css; charset=utf-8", []byte(pageHeaderCSS(head)))
}

// reportHeader is the text at the top of every printed page: the report's title and the edition.
func reportHeader(ctx context.Context, rd *queries.Reader, r *request, year int) (string, error) {
	r.Year = year
	_, _, edition, err := frame(ctx, rd, r)
	return fmt.Sprintf(texts[r.Lang]["report_title"], year) + " – " + edition, err
}

// pageHeaderCSS puts head at the top of every printed page.
func pageHeaderCSS(head string) string {
	var b strings.Builder
	for _, r := range head {
		switch {
		case r == '"' || r == '\\':
			b.WriteString(`\` + string(r))
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\%x `, r)
		default:
			b.WriteRune(r)
		}
	}
	return "@page { @top-left { content: \"" + b.String() + "\"; font: 9pt system-ui, sans-serif; color: #444; } }\n"
}

// ReportFile is the report of year as one HTML file (kapacitet report -o FILE.html): the page of
// /report/{year} with its stylesheets (the print header too) and scripts inline, so that it opens, charts
// and prints without the server. draft shows the current rows (the caller has checked the right to).
func ReportFile(ctx context.Context, d Deps, year int, lang string, draft bool) ([]byte, error) {
	s, err := newServer(d)
	if err != nil {
		return nil, err
	}
	r := request{Lang: lang, Filter: analysis.Filter{Year: year}, View: queries.View{Draft: draft}}
	var p reportPage
	err = s.Store.Read(ctx, func(rd *queries.Reader) error {
		var err error
		if p, err = s.reportPage(ctx, rd, &r); err != nil {
			return err
		}
		head, err := reportHeader(ctx, rd, &r, year)
		if err != nil {
			return err
		}
		var css, js []byte
		for _, f := range []string{"style.css"} {
			b, err := fs.ReadFile(StaticFS(), f)
			if err != nil {
				return err
			}
			css = append(css, b...)
		}
		css = append(css, pageHeaderCSS(head)...)
		for _, f := range []string{"vendor/echarts.min.js", "charts.js"} {
			b, err := fs.ReadFile(StaticFS(), f)
			if errors.Is(err, fs.ErrNotExist) {
				continue // built without `make assets`: the tables without charts
			}
			if err != nil {
				return err
			}
			js = append(append(js, b...), '\n')
		}
		p.Standalone, p.Inline, p.Scripts = true, template.CSS(css), template.JS(js)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	err = s.pages.ExecuteTemplate(&b, "report.html", p)
	return b.Bytes(), err
}

// apiAssessment answers GET /api/v1/assessment/{year}: DAS's assessment as published (draft=true: the
// current text, for analysts and admins), {"year", "text", "updated_at", "updated_by"}; 404 when there is
// none.
func (s *Server) apiAssessment(c *echo.Context) error {
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	r, err := parseRequest(c)
	if err != nil {
		return err
	}
	var a queries.Assessment
	var ok bool
	err = s.Store.Read(c.Request().Context(), func(rd *queries.Reader) error {
		a, ok, err = rd.Assessment(c.Request().Context(), r.View, year)
		return err
	})
	if err != nil {
		return err
	}
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("Ingen vurdering af %d. (No assessment of that year.)", year))
	}
	out := map[string]any{"year": a.Year, "text": a.Text}
	if r.View.Draft {
		out["updated_at"], out["updated_by"] = a.UpdatedAt, a.UpdatedBy
	}
	return c.JSON(http.StatusOK, out)
}

// assessmentRefused is the answer to the store's refusal of an assessment: 413 when too large, 400 when
// not text; other errors as they are.
func assessmentRefused(err error) error {
	switch {
	case errors.Is(err, queries.ErrAssessmentTooLarge):
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("Vurderingen må højst fylde %d bytes. (The assessment is too large.)", queries.MaxAssessment))
	case errors.Is(err, queries.ErrAssessmentNotText):
		return badRequest{"Vurderingen skal være UTF-8-tekst. (The assessment must be UTF-8 text.)"}
	}
	return err
}

// apiSetAssessment answers PUT /api/v1/assessment/{year} (admins): the body is the Markdown text (64 KiB at
// most; empty removes it), published with the year's next edition.
func (s *Server) apiSetAssessment(c *echo.Context) error {
	who, err := require(c, "admin")
	if err != nil {
		return err
	}
	year, err := yearParam(c)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(c.Request().Body, queries.MaxAssessment+1))
	if err != nil {
		return err
	}
	if err := assessmentRefused(s.Store.SetAssessment(c.Request().Context(), year, string(body), who.Name)); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"year": year, "saved": true})
}

// accessibility answers /tilgaengelighed: the accessibility statement the web accessibility act asks for.
func (s *Server) accessibility(c *echo.Context) error {
	l := lang(c.QueryParam("lang"))
	return s.render(c, "tilgaengelighed.html", pageHead{Lang: l, Path: "/tilgaengelighed", Title: text(l, "a11y_title")})
}
