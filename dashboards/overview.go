package dashboards

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"reflect"
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// request holds the common query parameters of pages and API, validated: the selection of findings (Year 0:
// the latest on pages, every year in the API), the language and the view.
type request struct {
	analysis.Filter
	Lang    string
	View    queries.View
	Measure string // the overview map's measure: places (default), per_1000, gap
	Signed  bool   // the caller gave a token or is signed in
}

// parseRequest reads and validates the shared query parameters; draft=true needs an analyst or admin token.
func parseRequest(c *echo.Context) (request, error) {
	r := request{Lang: lang(c.QueryParam("lang")), Signed: callerOf(c).Signed, Filter: analysis.Filter{TargetGroup: c.QueryParam("target_group"),
		PlaceType: c.QueryParam("place_type"), Kind: c.QueryParam("kind"), Severity: c.QueryParam("severity"),
		Offer: c.QueryParam("offer")}}
	if y := c.QueryParam("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			return r, badRequest{fmt.Sprintf("Ugyldigt år %q. (Invalid year.)", y)}
		}
		r.Year = n
	}
	if err := r.Validate(); err != nil {
		return r, invalid(err)
	}
	if m := c.QueryParam("municipality"); m != "" {
		area, err := analysis.ParseArea(m)
		if err != nil {
			return r, invalid(err)
		}
		r.Municipality = area
	}
	switch m := c.QueryParam("measure"); m {
	case "", "places", "per_1000", "gap":
		r.Measure = m
	default:
		return r, badRequest{fmt.Sprintf("Ukendt mål %q: places, per_1000 eller gap. (Unknown measure.)", m)}
	}
	switch d := c.QueryParam("draft"); d {
	case "true", "1":
		if _, err := require(c, "analyst"); err != nil {
			return r, err
		}
		r.View.Draft = true
	case "", "false", "0":
	default:
		return r, badRequest{fmt.Sprintf("Ugyldig værdi af draft %q: true eller false. (Invalid draft.)", d)}
	}
	return r, nil
}

// pageYears reads the years the reader may see and picks the page's year (resolveYear).
func pageYears(ctx context.Context, rd *queries.Reader, r *request) ([]queries.YearData, error) {
	years, err := rd.Years(ctx, r.View)
	if err != nil {
		return nil, err
	}
	return years, resolveYear(r, years)
}

// resolveYear picks the requested year, or the default one (queries.LatestYear).
func resolveYear(r *request, years []queries.YearData) error {
	if len(years) == 0 {
		return nil
	}
	if r.Year == 0 {
		r.Year = queries.LatestYear(years)
		return nil
	}
	for _, y := range years {
		if y.Year == r.Year {
			return nil
		}
	}
	return echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("Ingen data for %d. (No data for that year.)", r.Year))
}

type locationRow struct {
	Code                           int
	Name                           string
	Kommunal, Privat, Socialaftale int64
	Total                          int64
}

type findingView struct {
	analysis.Finding
	SeverityLabel string
}

type overviewPage struct {
	pageHead
	T                  map[string]string
	Years              []int
	Rows               []locationRow
	Totals             locationRow
	AgreementMunicipal int64
	AgreementRegional  int64
	AgreementShare     string
	Summary            string
	AgreementOf        string
	CategoryNames      []string
	CategoryShort      []string // table headers
	Chart              template.JS
	Findings           []findingView
	Balance            []findingView
	Filtered           bool
	Incomplete         string // the year lacks supply or demand data: no gap findings
	Per1000            string // places per 1.000 inhabitants in the region
	Map                mapView
	Empty              bool
}

func (s *Server) overview(c *echo.Context) error {
	return page(s, c, "overview.html", s.overviewPage)
}

// page answers a page request: the shared parameters, then build reads everything the page shows from one
// read transaction, then the template name renders it.
func page[P any](s *Server, c *echo.Context, name string, build func(context.Context, *queries.Reader, *request) (P, error)) error {
	r, err := parseRequest(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var p P
	err = s.Store.Read(ctx, func(rd *queries.Reader) error {
		p, err = build(ctx, rd, &r)
		return err
	})
	if err != nil {
		return err
	}
	return s.render(c, name, p)
}

// overviewPage reads everything the overview shows from one snapshot.
func (s *Server) overviewPage(ctx context.Context, rd *queries.Reader, r *request) (overviewPage, error) {
	years, err := pageYears(ctx, rd, r)
	if err != nil {
		return overviewPage{}, err
	}
	p := overviewPage{pageHead: pageHead{Lang: r.Lang, Year: r.Year, Path: "/"}, T: texts[r.Lang]}
	for _, y := range years {
		p.Years = append(p.Years, y.Year)
		if y.Year == r.Year && !(y.Supply && y.Demand) {
			p.Incomplete = fmt.Sprintf(p.T["incomplete"], r.Year)
		}
	}
	p.Title = text(r.Lang, "title")
	if len(years) == 0 {
		p.Empty = true
		return p, nil
	}
	places, err := rd.PlacesByLocation(ctx, r.View, r.Year)
	if err != nil {
		return p, err
	}
	s.fillPlaces(&p, places)
	findings, err := Findings(ctx, rd, r.View, s.Analysis, r.Lang)
	if err != nil {
		return p, err
	}
	if err := s.fillMap(ctx, rd, &p, r, findings); err != nil {
		return p, err
	}
	for _, f := range findings {
		if !r.Match(f) {
			continue
		}
		v := findingView{Finding: f, SeverityLabel: p.T["sev_"+f.Severity]}
		switch {
		case f.Kind == analysis.KindGap && f.Severity == analysis.Balance:
			if f.PlaceType != data.PlaceTypeAll.Code || r.PlaceType == data.PlaceTypeAll.Code {
				p.Balance = append(p.Balance, v)
			}
		case (f.Kind == analysis.KindGap || f.Kind == analysis.KindGrowing) && f.PlaceType == data.PlaceTypeAll.Code && r.PlaceType == "":
			// a gap of day and residential places together is shown when asked for (place_type=alle); other
			// kinds (capacity changes) exist only at that level
		case r.Kind == "" && (f.Kind == analysis.KindTariff || f.Kind == analysis.KindTariffRise || f.Kind == analysis.KindSelfSufficiency):
			// tariffs and self-sufficiency are many findings per year; the overview shows them when asked for
			// (kind=tariff, ...), and /gaps and the API always
		default:
			p.Findings = append(p.Findings, v)
		}
	}
	p.Filtered = r.Filter != analysis.Filter{Year: r.Year}
	return p, p.pageHead.frame(ctx, rd, r)
}

// fillPlaces builds the table, the totals, the sentence and the chart of places by location municipality.
func (s *Server) fillPlaces(p *overviewPage, places []queries.PlacesByLocation) {
	byCode := map[int]*locationRow{}
	for _, m := range data.RegionMunicipalities(data.RegionCode) {
		p.Rows = append(p.Rows, locationRow{Code: m.Code, Name: m.Name})
	}
	for i := range p.Rows {
		byCode[p.Rows[i].Code] = &p.Rows[i]
	}
	for _, pl := range places {
		row := byCode[pl.Location]
		if row == nil {
			continue
		}
		switch pl.Category {
		case "kommunal":
			row.Kommunal += pl.Places
		case "privat":
			row.Privat += pl.Places
		case "socialaftale":
			row.Socialaftale += pl.Places
			if pl.Ownership == "regional" {
				p.AgreementRegional += pl.Places
			} else {
				p.AgreementMunicipal += pl.Places
			}
		}
		row.Total += pl.Places
	}
	p.Totals.Name = p.T["total"]
	var names []string
	var kom, pri, soc []int64
	for _, r := range p.Rows {
		p.Totals.Kommunal += r.Kommunal
		p.Totals.Privat += r.Privat
		p.Totals.Socialaftale += r.Socialaftale
		p.Totals.Total += r.Total
		names = append(names, r.Name)
		kom, pri, soc = append(kom, r.Kommunal), append(pri, r.Privat), append(soc, r.Socialaftale)
	}
	for _, c := range data.Categories {
		p.CategoryNames = append(p.CategoryNames, c.Name(p.Lang))
		p.CategoryShort = append(p.CategoryShort, p.T["short_"+c.Code])
	}
	n := func(v int64) string { return analysis.FormatInt(v, p.Lang) }
	if p.Totals.Total > 0 {
		p.AgreementShare = analysis.PctOneDecimal(p.Totals.Socialaftale, p.Totals.Total, p.Lang)
		p.Summary = fmt.Sprintf(p.T["summary"], regionName(p.Lang), p.Year, n(p.Totals.Total), n(p.Totals.Socialaftale),
			analysis.PctWhole(p.Totals.Socialaftale, p.Totals.Total, p.Lang))
	}
	p.AgreementOf = fmt.Sprintf(p.T["agreement_of"], n(p.AgreementMunicipal), n(p.AgreementRegional))
	chart, err := stackedBar(names, []chartSeries{
		{Name: p.CategoryNames[0], Values: kom}, {Name: p.CategoryNames[1], Values: pri}, {Name: p.CategoryNames[2], Values: soc},
	}, []string{"#1f5f8b", "#8fb8d8", "#d9822b"})
	if err != nil {
		s.Logger.Error("chart", "error", err)
	}
	p.Chart = chart
}

// render executes a page template into a buffer first, so a template error becomes a clean 500.
func (s *Server) render(c *echo.Context, name string, page any) error {
	return s.renderStatus(c, http.StatusOK, name, page)
}

// renderStatus renders template name with page as the answer with status.
func (s *Server) renderStatus(c *echo.Context, status int, name string, page any) error {
	var buf bytes.Buffer
	if err := s.pages.ExecuteTemplate(&buf, name, withQuery(page, c.Request().URL.Query())); err != nil {
		return err
	}
	return c.HTMLBlob(status, buf.Bytes())
}

func (s *Server) apiFindings(c *echo.Context) error {
	r, err := parseRequest(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	var list FindingList
	err = s.Store.Read(ctx, func(rd *queries.Reader) error {
		list, err = SelectFindings(ctx, rd, r.View, r.Filter, s.Analysis, r.Lang)
		return err
	})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, list)
}

// ready answers /readyz: 200 when the database answers with this binary's migrations applied.
func (s *Server) ready(c *echo.Context) error {
	if err := s.Store.Ready(c.Request().Context()); err != nil {
		s.Logger.Warn("not ready", "error", err)
		return echo.NewHTTPError(http.StatusServiceUnavailable, "Databasen er ikke klar. (The database is not ready.)")
	}
	return c.String(http.StatusOK, "ready\n")
}

func (s *Server) static(c *echo.Context) error {
	p := c.Param("*")
	if p == "" || p[len(p)-1] == '/' {
		return echo.ErrNotFound
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	return s.files(c)
}

// withQuery returns page with its pageHead's Query set from the request's parameters q: all but lang (the
// language switch sets it) and download, with the page's year when the request left it to the default.
// page is a page struct by value (every page embeds pageHead); anything else is returned as it is.
func withQuery(page any, q url.Values) any {
	v := reflect.ValueOf(page)
	if v.Kind() != reflect.Struct {
		return page
	}
	cp := reflect.New(v.Type()).Elem()
	cp.Set(v)
	f := cp.FieldByName("Query")
	if !f.IsValid() || !f.CanSet() || f.Kind() != reflect.String {
		return page
	}
	q = maps.Clone(q)
	delete(q, "lang")
	delete(q, "download")
	if y := cp.FieldByName("Year"); q.Get("year") == "" && y.IsValid() && y.Kind() == reflect.Int && y.Int() > 0 {
		q.Set("year", strconv.FormatInt(y.Int(), 10))
	}
	f.SetString(q.Encode())
	return cp.Interface()
}
