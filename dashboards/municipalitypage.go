package dashboards

import (
	"context"
	"html/template"
	"math"
	"net/http"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// municipalityPage is /municipalities/{code}: one municipality of the region in a year. The places located
// there by category and target group, its own demand per target group (from the findings, so hidden where
// they hide it), and for one target group its self-sufficiency with a Sankey of the places it bought in
// other municipalities and sold to them (flows hidden from a viewer are listed, not drawn).
type municipalityPage struct {
	pageHead
	Years      []int
	Code       int
	Name       string
	Categories []option // by data.Categories: the short name (Value) the table's header shows and the name (Label)
	Places     template.JS
	PlaceRows  []placeRow
	PlacesText string // the places in total and by category
	Demand     []muniRow
	Groups     []option
	Group      string
	Flow       string // the self-sufficiency sentence
	Sankey     template.JS
	FlowRows   []flowRow
	Hidden     []flowRow // flows a viewer sees only as "<5" or "–"
}

type placeRow struct {
	Code   string // the target group
	Name   string
	Values []string // by category, then the total
}

type flowRow struct{ From, To, Places string }

func (s *Server) municipality(c *echo.Context) error {
	code, err := strconv.Atoi(c.Param("code"))
	m, ok := data.MunicipalityByCode(code)
	if err != nil || !ok || !data.InRegion(code) || code == data.RegionCode {
		return echo.NewHTTPError(http.StatusNotFound, "Ukendt kommune i regionen. (Unknown municipality of the region.)")
	}
	return page(s, c, "municipality.html", func(ctx context.Context, rd *queries.Reader, r *request) (municipalityPage, error) {
		return s.municipalityPage(ctx, rd, r, m)
	})
}

func (s *Server) municipalityPage(ctx context.Context, rd *queries.Reader, r *request, m data.Municipality) (municipalityPage, error) {
	years, err := pageYears(ctx, rd, r)
	if err != nil {
		return municipalityPage{}, err
	}
	t := texts[r.Lang]
	p := municipalityPage{pageHead: pageHead{Lang: r.Lang, Path: "/municipalities/" + strconv.Itoa(m.Code), Year: r.Year}, Code: m.Code, Name: m.Name}
	p.Title = "Kapacitet – " + m.Name
	for _, y := range years {
		p.Years = append(p.Years, y.Year)
	}
	// places located in the municipality, by target group and category
	lines, err := rd.CapacityLines(ctx, r.View)
	if err != nil {
		return p, err
	}
	byGroup := map[string]map[string]int64{}
	for _, l := range lines {
		if l.Year == r.Year && l.Location == m.Code {
			if byGroup[l.TargetGroup] == nil {
				byGroup[l.TargetGroup] = map[string]int64{}
			}
			byGroup[l.TargetGroup][l.Category] += l.Places
		}
	}
	var names []string
	byCategory := make([]int64, len(data.Categories))
	series := make([]chartSeries, len(data.Categories))
	for i, c := range data.Categories {
		series[i].Name = c.Name(r.Lang)
		p.Categories = append(p.Categories, option{Value: t["short_"+c.Code], Label: c.Name(r.Lang)})
	}
	for _, g := range data.TargetGroups() {
		by, ok := byGroup[g.Code]
		if !ok {
			continue
		}
		row := placeRow{Code: g.Code, Name: g.Name(r.Lang)}
		var total int64
		for i, c := range data.Categories {
			series[i].Values = append(series[i].Values, by[c.Code])
			row.Values = append(row.Values, analysis.FormatInt(by[c.Code], r.Lang))
			total += by[c.Code]
			byCategory[i] += by[c.Code]
		}
		row.Values = append(row.Values, analysis.FormatInt(total, r.Lang))
		p.PlaceRows = append(p.PlaceRows, row)
		names = append(names, g.Name(r.Lang))
	}
	if len(names) > 0 {
		p.PlacesText = placesIn(m.Name, r.Year, byCategory, r.Lang)
		if p.Places, err = stackedBar(names, series, []string{"#1f5f8b", "#8fb8d8", "#d9822b"}); err != nil {
			return p, err
		}
	}
	// its own demand, and its self-sufficiency, from the findings
	all, err := Findings(ctx, rd, r.View, s.Analysis, r.Lang)
	if err != nil {
		return p, err
	}
	flows := map[string]analysis.Finding{}
	var largest string
	for _, f := range all {
		if f.Year != r.Year || f.Area != m.Code || f.PlaceType != data.PlaceTypeAll.Code {
			continue
		}
		switch f.Kind {
		case analysis.KindGap:
			g, _ := data.TargetGroupByCode(f.TargetGroup)
			row := muniRow{Code: m.Code, Name: g.Name(r.Lang), Supply: analysis.FormatInt(f.Supply, r.Lang),
				Demand: analysis.FormatInt(f.Demand, r.Lang), Severity: f.Severity, SeverityLabel: t["sev_"+f.Severity]}
			if shown, hidden := f.Suppressed["demand"]; hidden {
				row.Demand = shown
			}
			p.Demand = append(p.Demand, row)
		case analysis.KindSelfSufficiency:
			flows[f.TargetGroup] = f
			if largest == "" || f.Flows.Bought > flows[largest].Flows.Bought {
				largest = f.TargetGroup
			}
		}
	}
	p.Group = r.TargetGroup
	if _, ok := flows[p.Group]; !ok {
		p.Group = largest
	}
	for _, g := range data.TargetGroups() {
		if _, ok := flows[g.Code]; ok {
			p.Groups = append(p.Groups, option{Value: g.Code, Label: g.Name(r.Lang), Selected: g.Code == p.Group})
		}
	}
	if f, ok := flows[p.Group]; ok {
		p.Flow = f.Sentence
		if p.Sankey, err = s.flowSankey(&p, f, r.Lang); err != nil {
			return p, err
		}
	}
	return p, p.pageHead.frame(ctx, rd, r)
}

// flowSankey draws the places the municipality bought in others' offers (left, into it) and in its own, and
// those others bought in its offers (right), as one Sankey; its table rows are the links in the same order.
func (s *Server) flowSankey(p *municipalityPage, f analysis.Finding, lang string) (template.JS, error) {
	t := texts[lang]
	fl := f.Flows
	self := p.Name
	nodes := []opts.SankeyNode{{Name: self}}
	var links []opts.SankeyLink
	add := func(from, to string, places float64) {
		nodes = append(nodes, opts.SankeyNode{Name: map[bool]string{true: from, false: to}[to == self]})
		links = append(links, opts.SankeyLink{Source: from, Target: to, Value: float32(places)})
		p.FlowRows = append(p.FlowRows, flowRow{From: from, To: to, Places: analysis.FormatHundredths(int64(math.Round(places*100)), lang)})
	}
	if _, hidden := f.Suppressed["flows.home"]; !hidden && fl.Home > 0 {
		add(self+" "+t["own_offers"], self, fl.Home)
	}
	name := func(fw analysis.Flow) string {
		if fw.Name == "" {
			return t["unknown_offer"]
		}
		return fw.Name
	}
	for _, fw := range fl.From {
		if fw.Suppressed != "" {
			p.Hidden = append(p.Hidden, flowRow{From: name(fw) + " " + t["offers_in"], To: self, Places: fw.Suppressed})
			continue
		}
		add(name(fw)+" "+t["offers_in"], self, fw.Places)
	}
	for _, fw := range fl.To {
		if fw.Suppressed != "" {
			p.Hidden = append(p.Hidden, flowRow{From: self, To: name(fw) + " " + t["buyer"], Places: fw.Suppressed})
			continue
		}
		add(self, name(fw)+" "+t["buyer"], fw.Places)
	}
	if len(links) == 0 {
		return "", nil
	}
	sk := charts.NewSankey()
	sk.SetGlobalOptions(charts.WithAnimation(false), charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true)}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}))
	sk.AddSeries(t["full_year_places"], nodes, links)
	return optionJS(sk)
}
