package dashboards

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"sync"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// mapView is the overview's map of the 11 municipalities coloured by one measure, with its table.
type mapView struct {
	Measure, Caption, Column string
	Measures                 []option
	Group                    string // the target group of the gap measure
	Groups                   []option
	Chart                    template.JS
	Rows                     []mapRow
	Sentence                 string // where the measure is highest and lowest
}

type mapRow struct{ Code, Name, Value string }

// fillMap colours the map by the measure asked for: places located in each municipality, places per 1.000
// inhabitants (the population dataset of the year), or the gap of a target group (place type alle, from the
// findings, so hidden where they hide it). It also sets the region's places per 1.000 inhabitants.
func (s *Server) fillMap(ctx context.Context, rd *queries.Reader, p *overviewPage, r *request, findings []analysis.Finding) error {
	t := texts[r.Lang]
	m := &p.Map
	m.Measure = r.Measure
	if m.Measure == "" {
		m.Measure = "places"
	}
	for _, code := range []string{"places", "per_1000", "gap"} {
		m.Measures = append(m.Measures, option{Value: code, Label: t["measure_"+code], Selected: code == m.Measure})
	}
	m.Group = r.TargetGroup
	if m.Group == "" {
		m.Group = data.TargetGroups()[0].Code
	}
	for _, g := range data.TargetGroups() {
		m.Groups = append(m.Groups, option{Value: g.Code, Label: g.Name(r.Lang), Selected: g.Code == m.Group})
	}
	pop, err := rd.Population(ctx, r.View, r.Year)
	if err != nil {
		return err
	}
	var inhabitants int64
	for _, n := range pop {
		inhabitants += n
	}
	if inhabitants > 0 {
		p.Per1000 = analysis.FormatHundredths(analysis.RoundDiv(100*1000*p.Totals.Total, inhabitants), r.Lang)
	}
	gaps := map[int]analysis.Finding{}
	for _, f := range findings {
		if f.Kind == analysis.KindGap && f.Year == r.Year && f.TargetGroup == m.Group && f.PlaceType == data.PlaceTypeAll.Code {
			gaps[f.Area] = f
		}
	}
	m.Caption, m.Column = t["map_"+m.Measure], t["measure_"+m.Measure]
	if m.Measure == "gap" {
		g, _ := data.TargetGroupByCode(m.Group)
		m.Caption += ": " + g.Name(r.Lang)
	}
	series := lineSeries{Name: m.Column, Tenths: m.Measure == "per_1000"}
	format := func(v int64) string { return analysis.FormatInt(v, r.Lang) }
	if series.Tenths {
		format = func(v int64) string { return analysis.FormatHundredths(v*10, r.Lang) }
	}
	var names []string
	for _, row := range p.Rows {
		mr := mapRow{Code: strconv.Itoa(row.Code), Name: row.Name, Value: "–"}
		var v *int64
		switch m.Measure {
		case "places":
			n := row.Total
			v = &n
		case "per_1000":
			if n := pop[row.Code]; n > 0 {
				tenths := analysis.RoundDiv(10*1000*row.Total, n)
				v = &tenths
			}
		case "gap":
			if f, ok := gaps[row.Code]; ok {
				if shown, hidden := f.Suppressed["gap"]; hidden {
					mr.Value = shown
				} else {
					n := f.Gap
					v = &n
				}
			}
		}
		if v != nil {
			mr.Value = format(*v)
		}
		series.Values = append(series.Values, v)
		names = append(names, row.Name)
		m.Rows = append(m.Rows, mr)
	}
	m.Sentence = extremes(m.Measure, names, series.Values, format, r.Lang)
	m.Chart, err = mapChart(names, series)
	return err
}

// regionMap is the region's GeoJSON as charts.js registers it: each municipality's feature named as the
// pages name it (ECharts matches a map series' data to a feature's "name"; the file names them by code).
var regionMap = sync.OnceValues(func() ([]byte, error) {
	var geo struct {
		Type     string `json:"type"`
		Features []struct {
			Type       string          `json:"type"`
			Geometry   json.RawMessage `json:"geometry"`
			Properties map[string]any  `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(data.RegionGeoJSON(), &geo); err != nil {
		return nil, err
	}
	for i := range geo.Features {
		code, _ := strconv.Atoi(geo.Features[i].Properties["kommunekode"].(string))
		if m, ok := data.MunicipalityByCode(code); ok {
			geo.Features[i].Properties["name"] = m.Name
		}
	}
	return json.Marshal(geo)
})

// regionMapJSON answers GET /static/map/nordjylland.json.
func (s *Server) regionMapJSON(c *echo.Context) error {
	b, err := regionMap()
	if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=86400")
	return c.Blob(http.StatusOK, "application/json", b)
}
