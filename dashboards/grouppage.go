package dashboards

import (
	"context"
	"html/template"
	"math"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// groupPage is /groups/{code}: one target group. Supply against demand of the region over the years with the
// forecast and its band, the year's supply and demand per municipality, the survey's scores (every comment for
// analysts and admins, the approved ones for viewers), and the offers serving the group. Every number of supply and demand comes from the
// findings, so a viewer sees nothing they hide.
type groupPage struct {
	pageHead
	Code, Name     string
	PlaceType      string
	PlaceTypes     []option
	Years          []int
	Sentences      []string // the year's findings of the region for the group and place type
	Series         template.JS
	SeriesRows     []forecastRow
	Munis          template.JS
	MuniRows       []muniRow
	MuniSentence   string
	Survey         []surveyRow
	SurveySentence string
	Comments       bool // the comments column: the caller may read every comment, or some are approved
	Offers         []offerRow
}

type forecastRow struct {
	Year                                int
	Supply, Demand, Forecast, Low, High string
}

type muniRow struct {
	Code                      int
	Name, Supply, Demand, Gap string
	SeverityLabel, Severity   string
}

type surveyRow struct{ Name, Score, Comment string }

type offerRow struct{ ID, Name, Location, Places string }

func (s *Server) group(c *echo.Context) error {
	g, ok := data.TargetGroupByCode(c.Param("code"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "Ukendt målgruppe. (Unknown target group.)")
	}
	comments := callerOf(c).Role != "viewer"
	return page(s, c, "group.html", func(ctx context.Context, rd *queries.Reader, r *request) (groupPage, error) {
		return s.groupPage(ctx, rd, r, g, comments)
	})
}

func (s *Server) groupPage(ctx context.Context, rd *queries.Reader, r *request, g data.TargetGroup, comments bool) (groupPage, error) {
	years, err := pageYears(ctx, rd, r)
	if err != nil {
		return groupPage{}, err
	}
	t := texts[r.Lang]
	pt := r.PlaceType
	if pt == "" {
		pt = data.PlaceTypeAll.Code
	}
	p := groupPage{pageHead: pageHead{Lang: r.Lang, Path: "/groups/" + g.Code, Year: r.Year}, Code: g.Code, Name: g.Name(r.Lang), PlaceType: pt, Comments: comments}
	p.Title = "Kapacitet – " + p.Name
	for _, y := range years {
		p.Years = append(p.Years, y.Year)
	}
	p.PlaceTypes = placeTypeOptions(pt, r.Lang)
	all, err := Findings(ctx, rd, r.View, s.Analysis, r.Lang)
	if err != nil {
		return p, err
	}
	gs := gapSeriesOf(all)
	// the region over the years, and the forecast of the year shown
	sr := gs.of(seriesKey{data.RegionCode, g.Code, pt}, r.Lang)
	supply, demand := sr.supply, sr.demand
	var forecast, low, high []*int64
	for _, row := range sr.rows {
		p.SeriesRows = append(p.SeriesRows, forecastRow{Year: row.Year, Supply: row.Supply, Demand: row.Demand})
		forecast, low, high = append(forecast, nil), append(low, nil), append(high, nil)
	}
	cats := sr.cats
	if f, ok := gs.byYear[seriesKey{data.RegionCode, g.Code, pt}][r.Year]; ok && f.Trend != nil && r.Year == gs.years[len(gs.years)-1] {
		for _, pnt := range f.Trend.Forecast {
			v, lo, hi := round(pnt.Value), round(pnt.Value-f.Trend.Band), round(pnt.Value+f.Trend.Band)
			cats = append(cats, strconv.Itoa(pnt.Year))
			supply, demand = append(supply, nil), append(demand, nil)
			forecast, low, high = append(forecast, &v), append(low, &lo), append(high, &hi)
			p.SeriesRows = append(p.SeriesRows, forecastRow{Year: pnt.Year, Forecast: analysis.FormatInt(v, r.Lang),
				Low: analysis.FormatInt(lo, r.Lang), High: analysis.FormatInt(hi, r.Lang)})
		}
	}
	if len(cats) > 0 {
		p.Series, err = lineChart(cats, []lineSeries{{Name: t["supply"], Values: supply}, {Name: t["demand"], Values: demand},
			{Name: t["forecast"], Values: forecast}, {Name: t["band_low"], Values: low}, {Name: t["band_high"], Values: high}}, []string{"#1f5f8b", "#d9822b", "#7a4f9e", "#b9a3cf", "#b9a3cf"})
		if err != nil {
			return p, err
		}
	}
	for _, f := range all {
		if f.Year == r.Year && f.Area == data.RegionCode && f.TargetGroup == g.Code && f.PlaceType == pt &&
			(f.Kind == analysis.KindGap || f.Kind == analysis.KindGrowing || f.Kind == analysis.KindCentral) {
			p.Sentences = append(p.Sentences, f.Sentence)
		}
	}
	// the year per municipality
	var names []string
	var ms, md []*int64
	for _, m := range data.RegionMunicipalities(data.RegionCode) {
		f, ok := gs.byYear[seriesKey{m.Code, g.Code, pt}][r.Year]
		if !ok {
			continue
		}
		row := muniRow{Code: m.Code, Name: m.Name, Supply: analysis.FormatInt(f.Supply, r.Lang), Severity: f.Severity,
			SeverityLabel: t["sev_"+f.Severity]}
		sv, dv, gv := f.Supply, f.Demand, f.Gap
		names = append(names, m.Name)
		ms = append(ms, &sv)
		if shown, hidden := f.Suppressed["demand"]; hidden {
			row.Demand, row.Gap = shown, f.Suppressed["gap"]
			md = append(md, nil)
		} else {
			row.Demand, row.Gap = analysis.FormatInt(dv, r.Lang), analysis.FormatInt(gv, r.Lang)
			md = append(md, &dv)
		}
		p.MuniRows = append(p.MuniRows, row)
	}
	if len(names) > 0 {
		p.MuniSentence = severityCounts("severity_counts", p.MuniRows, r.Year, r.Lang)
		if p.Munis, err = barChart(names, []lineSeries{{Name: t["supply"], Values: ms}, {Name: t["demand"], Values: md}}, supplyDemandColors); err != nil {
			return p, err
		}
	}
	// the survey: each municipality's score; every comment for analysts and admins, the approved ones for
	// viewers (an admin approves them at /admin)
	answers, err := rd.SurveyAnswers(ctx, r.View, r.Year, g.Code)
	if err != nil {
		return p, err
	}
	for _, a := range answers {
		m, _ := data.MunicipalityByCode(a.Municipality)
		row := surveyRow{Name: m.Name, Score: t["dont_know"]}
		if a.Score != nil {
			row.Score = strconv.Itoa(*a.Score)
		}
		if comments || a.Approved {
			row.Comment = a.Comment
		}
		if row.Comment != "" {
			p.Comments = true
		}
		p.Survey = append(p.Survey, row)
	}
	if f, ok := gs.byYear[seriesKey{data.RegionCode, g.Code, data.PlaceTypeAll.Code}][r.Year]; ok && f.Survey != nil {
		p.SurveySentence = surveyCounts(f.Survey.Low, f.Survey.Scored, r.Lang)
	}
	offers, err := rd.OffersForGroup(ctx, r.View, r.Year, g.Code)
	if err != nil {
		return p, err
	}
	for _, o := range offers {
		m, _ := data.MunicipalityByCode(o.Location)
		p.Offers = append(p.Offers, offerRow{ID: o.ID, Name: o.Name, Location: m.Name, Places: analysis.FormatInt(o.Places, r.Lang)})
	}
	return p, p.pageHead.frame(ctx, rd, r)
}

// surveyCounts says how many of the municipalities that gave a score scored 1-2 ("7 af 11 kommuner ...").
func surveyCounts(low, scored int, lang string) string {
	if lang == "en" {
		return strconv.Itoa(low) + " of " + strconv.Itoa(scored) + " municipalities that gave a score find that supply meets the need poorly (1-2)."
	}
	return strconv.Itoa(low) + " af " + strconv.Itoa(scored) + " kommuner, der gav en vurdering, vurderer, at udbuddet kun i ringe grad dækker behovet (1-2)."
}

func round(v float64) int64 { return int64(math.Round(v)) }
