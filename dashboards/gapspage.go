package dashboards

import (
	"context"
	"fmt"
	"html/template"
	"slices"
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// gapsPage is /gaps: every finding the filter selects, worst first, each with its sentence and, for gaps
// and growing demand, a small chart of supply against demand over the years with its numbers as a table.
type gapsPage struct {
	pageHead
	Filter gapsFilter
	Items  []gapItem
	Empty  bool
}

// gapsFilter is the filter form: the choices and what is chosen.
type gapsFilter struct {
	Years                                        []int
	Groups, Areas, PlaceTypes, Severities, Kinds []option
	Draft                                        bool
}

type option struct {
	Value, Label string
	Selected     bool
}

// gapItem is one finding on the page; Chart and Rows only for gaps and growing demand.
type gapItem struct {
	findingView
	ChartID string
	Chart   template.JS
	Rows    []seriesRow
}

// seriesRow is one year of a finding's series as its table shows it ("–" where a number is not shown).
type seriesRow struct {
	Year           int
	Supply, Demand string
}

func (s *Server) gaps(c *echo.Context) error { return page(s, c, "gaps.html", s.gapsPage) }

func (s *Server) gapsPage(ctx context.Context, rd *queries.Reader, r *request) (gapsPage, error) {
	years, err := pageYears(ctx, rd, r)
	if err != nil {
		return gapsPage{}, err
	}
	p := gapsPage{pageHead: pageHead{Lang: r.Lang, Path: "/gaps", Year: r.Year, Title: text(r.Lang, "gaps_title")}}
	if len(years) == 0 {
		p.Empty = true
		return p, nil
	}
	all, err := Findings(ctx, rd, r.View, s.Analysis, r.Lang)
	if err != nil {
		return p, err
	}
	gs := gapSeriesOf(all)
	selected := r.Select(all)
	// worst first, then as the findings come (year, area, target group, place type)
	slices.SortStableFunc(selected, func(a, b analysis.Finding) int { return severityOrder(a.Severity) - severityOrder(b.Severity) })
	t := texts[r.Lang]
	for i, f := range selected {
		item := gapItem{findingView: findingView{Finding: f, SeverityLabel: t["sev_"+f.Severity]}}
		if f.Kind == analysis.KindGap || f.Kind == analysis.KindGrowing {
			sr := gs.of(seriesKey{f.Area, f.TargetGroup, f.PlaceType}, r.Lang)
			item.Rows = sr.rows
			if len(sr.cats) > 0 {
				item.ChartID = fmt.Sprintf("chart-%d", i)
				item.Chart, err = lineChart(sr.cats, []lineSeries{{Name: t["supply"], Values: sr.supply}, {Name: t["demand"], Values: sr.demand}}, supplyDemandColors)
				if err != nil {
					return p, err
				}
			}
		}
		p.Items = append(p.Items, item)
	}
	p.Filter = gapsFilterOf(r, years)
	return p, p.pageHead.frame(ctx, rd, r)
}

// seriesKey names a series of gap findings over the years.
type seriesKey struct {
	area      int
	group, pt string
}

// gapSeries are every year's gap findings by their series: the charts of supply against demand are read
// from the findings, so a viewer's chart holds no number its findings hide.
type gapSeries struct {
	byYear map[seriesKey]map[int]analysis.Finding
	years  []int
}

func gapSeriesOf(all []analysis.Finding) gapSeries {
	gs := gapSeries{byYear: map[seriesKey]map[int]analysis.Finding{}}
	for _, f := range all {
		if f.Kind != analysis.KindGap {
			continue
		}
		k := seriesKey{f.Area, f.TargetGroup, f.PlaceType}
		if gs.byYear[k] == nil {
			gs.byYear[k] = map[int]analysis.Finding{}
		}
		gs.byYear[k][f.Year] = f
		if !slices.Contains(gs.years, f.Year) {
			gs.years = append(gs.years, f.Year)
		}
	}
	slices.Sort(gs.years)
	return gs
}

// series is one series as a chart and a table show it.
type series struct {
	cats           []string
	supply, demand []*int64
	rows           []seriesRow
}

// of is series k over the years with a finding, in lang's number format; a hidden demand is nil in the
// chart and what a viewer sees in the table ("<5", "–").
func (gs gapSeries) of(k seriesKey, lang string) series {
	var s series
	for _, y := range gs.years {
		g, ok := gs.byYear[k][y]
		if !ok {
			continue
		}
		s.cats = append(s.cats, strconv.Itoa(y))
		sv, dv := g.Supply, g.Demand
		row := seriesRow{Year: y, Supply: analysis.FormatInt(sv, lang), Demand: analysis.FormatInt(dv, lang)}
		s.supply = append(s.supply, &sv)
		if shown, hidden := g.Suppressed["demand"]; hidden {
			s.demand = append(s.demand, nil)
			row.Demand = shown
		} else {
			s.demand = append(s.demand, &dv)
		}
		s.rows = append(s.rows, row)
	}
	return s
}

var supplyDemandColors = []string{"#1f5f8b", "#d9822b"}

// severityOrder ranks severities worst first.
func severityOrder(s string) int {
	return slices.Index([]string{analysis.CriticalShortage, analysis.Critical, analysis.Shortage, analysis.Warning,
		analysis.Surplus, analysis.Info, analysis.Balance}, s)
}

// gapsFilterOf is the filter form for r: every choice, the chosen ones marked.
func gapsFilterOf(r *request, years []queries.YearData) gapsFilter {
	t := texts[r.Lang]
	f := gapsFilter{Draft: r.View.Draft}
	for _, y := range years {
		f.Years = append(f.Years, y.Year)
	}
	add := func(to *[]option, value, label, chosen string) {
		*to = append(*to, option{Value: value, Label: label, Selected: value == chosen})
	}
	add(&f.Groups, "", t["all"], r.TargetGroup)
	for _, g := range data.TargetGroups() {
		add(&f.Groups, g.Code, g.Name(r.Lang), r.TargetGroup)
	}
	area := ""
	switch r.Municipality {
	case 0:
	case analysis.AllAreas:
		area = "all"
	default:
		area = strconv.Itoa(r.Municipality)
	}
	add(&f.Areas, "", regionName(r.Lang), area)
	add(&f.Areas, "all", t["all_areas"], area)
	for _, m := range data.RegionMunicipalities(data.RegionCode) {
		add(&f.Areas, strconv.Itoa(m.Code), m.Name, area)
	}
	add(&f.PlaceTypes, "", t["all"], r.PlaceType)
	f.PlaceTypes = append(f.PlaceTypes, placeTypeOptions(r.PlaceType, r.Lang)...)
	add(&f.Severities, "", t["all"], r.Severity)
	for _, sv := range []string{analysis.CriticalShortage, analysis.Shortage, analysis.Balance, analysis.Surplus, analysis.Critical, analysis.Warning, analysis.Info} {
		add(&f.Severities, sv, t["sev_"+sv], r.Severity)
	}
	add(&f.Kinds, "", t["all"], r.Kind)
	for _, k := range analysis.Kinds {
		add(&f.Kinds, k, k, r.Kind)
	}
	return f
}

// placeTypeOptions are the place types dag, doegn and alle as a form's choices, chosen marked.
func placeTypeOptions(chosen, lang string) []option {
	var out []option
	for _, code := range []string{"dag", "doegn", data.PlaceTypeAll.Code} {
		c, _ := data.PlaceTypeByCode(code)
		out = append(out, option{Value: code, Label: c.Name(lang), Selected: code == chosen})
	}
	return out
}
