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
	Lang, Title, Path string
	Year              int
	Demo              bool
	DemoLabel, AsOf   string
	Edition           string
	Filter            gapsFilter
	Items             []gapItem
	Empty             bool
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
	years, err := rd.Years(ctx, r.View)
	if err != nil {
		return gapsPage{}, err
	}
	if err := resolveYear(r, years); err != nil {
		return gapsPage{}, err
	}
	p := gapsPage{Lang: r.Lang, Path: "/gaps", Year: r.Year, Title: text(r.Lang, "gaps_title")}
	if len(years) == 0 {
		p.Empty = true
		return p, nil
	}
	all, err := Findings(ctx, rd, r.View, s.Analysis, r.Lang)
	if err != nil {
		return p, err
	}
	// every year's gaps by their series (area, target group, place type): the charts show what the findings
	// show, so a viewer's chart holds no number its findings hide
	type series struct {
		area      int
		group, pt string
	}
	byYear := map[series]map[int]analysis.Finding{}
	var allYears []int
	for _, f := range all {
		if f.Kind != analysis.KindGap {
			continue
		}
		k := series{f.Area, f.TargetGroup, f.PlaceType}
		if byYear[k] == nil {
			byYear[k] = map[int]analysis.Finding{}
		}
		byYear[k][f.Year] = f
		if !slices.Contains(allYears, f.Year) {
			allYears = append(allYears, f.Year)
		}
	}
	slices.Sort(allYears)
	selected := r.Select(all)
	// worst first, then as the findings come (year, area, target group, place type)
	slices.SortStableFunc(selected, func(a, b analysis.Finding) int { return severityOrder(a.Severity) - severityOrder(b.Severity) })
	t := texts[r.Lang]
	for i, f := range selected {
		item := gapItem{findingView: findingView{Finding: f, SeverityLabel: t["sev_"+f.Severity]}}
		if f.Kind == analysis.KindGap || f.Kind == analysis.KindGrowing {
			k := series{f.Area, f.TargetGroup, f.PlaceType}
			var cats []string
			var supply, demand []*int64
			for _, y := range allYears {
				g, ok := byYear[k][y]
				if !ok {
					continue
				}
				cats = append(cats, strconv.Itoa(y))
				sv, dv := g.Supply, g.Demand
				row := seriesRow{Year: y, Supply: analysis.FormatInt(sv, r.Lang), Demand: analysis.FormatInt(dv, r.Lang)}
				supply = append(supply, &sv)
				if shown, hidden := g.Suppressed["demand"]; hidden {
					demand = append(demand, nil)
					row.Demand = shown
				} else {
					demand = append(demand, &dv)
				}
				item.Rows = append(item.Rows, row)
			}
			if len(cats) > 0 {
				item.ChartID = fmt.Sprintf("chart-%d", i)
				item.Chart, err = lineChart(cats, []lineSeries{{t["supply"], supply}, {t["demand"], demand}}, []string{"#1f5f8b", "#d9822b"})
				if err != nil {
					return p, err
				}
			}
		}
		p.Items = append(p.Items, item)
	}
	p.Filter = gapsFilterOf(r, years)
	if p.Demo, err = rd.ShowsDemo(ctx, r.View); err != nil {
		return p, err
	}
	p.DemoLabel = data.DemoLabel(r.Lang)
	if r.View.Draft {
		p.Edition = t["draft"]
	} else if p.Edition, err = editionOf(ctx, rd, r.Year, r.Lang); err != nil {
		return p, err
	}
	return p, nil
}

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
	for _, pt := range []string{"dag", "doegn", data.PlaceTypeAll.Code} {
		c, _ := data.PlaceTypeByCode(pt)
		add(&f.PlaceTypes, pt, c.Name(r.Lang), r.PlaceType)
	}
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
