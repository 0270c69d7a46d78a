package dashboards

import (
	"encoding/json"
	"html/template"
	"slices"
	"unicode/utf8"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// chartSeries is one named series of values along the category axis.
type chartSeries struct {
	Name   string
	Values []int64
}

// stackedBar builds the ECharts option of a stacked bar chart as JSON for a <script type="application/json">
// block; charts.js draws it. No JavaScript functions: number formats are added by charts.js.
func stackedBar(categories []string, series []chartSeries, colors []string) (template.JS, error) {
	var ls []lineSeries
	for _, s := range series {
		l := lineSeries{Name: s.Name}
		for _, v := range s.Values {
			l.Values = append(l.Values, &v)
		}
		ls = append(ls, l)
	}
	return bars(categories, ls, colors, "total")
}

// lineSeries is one named series of values along the category axis; nil is a value not shown (hidden from
// a viewer, or no data), drawn as a gap.
type lineSeries struct {
	Name   string
	Values []*int64
	Tenths bool // the values are tenths (a percent with one decimal)
}

// lineChart builds the ECharts option of a small line chart (supply against demand over the years) as JSON,
// like stackedBar.
func lineChart(categories []string, series []lineSeries, colors []string) (template.JS, error) {
	line := charts.NewLine()
	line.SetGlobalOptions(common(colors, opts.Grid{Left: "3%", Right: "4%", Top: "10%", Bottom: "22%", ContainLabel: opts.Bool(true)})...)
	line.SetXAxis(categories)
	for _, s := range series {
		items := make([]opts.LineData, len(s.Values))
		for i, v := range s.Values {
			items[i] = opts.LineData{Name: categories[i], Value: s.value(v)}
		}
		line.AddSeries(s.Name, items)
	}
	return optionJS(line)
}

// common are the options every chart has: no animation, the legend below, an axis tooltip, aria, the grid
// and the colours.
func common(colors []string, grid opts.Grid) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithAnimation(false),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithGridOpts(grid),
		charts.WithColorsOpts(opts.Colors(colors)),
	}
}

// barChart builds the ECharts option of bars side by side (supply against demand per municipality), like
// lineChart: nil is a value not shown.
func barChart(categories []string, series []lineSeries, colors []string) (template.JS, error) {
	return bars(categories, series, colors, "")
}

// bars is a bar chart, stacked when stack names the stack. Bars of long names (target groups) lie down, the
// names to their left, the first on top as in the table; short names (municipalities) stand on the axis.
func bars(categories []string, series []lineSeries, colors []string, stack string) (template.JS, error) {
	bar := charts.NewBar()
	long := slices.ContainsFunc(categories, func(c string) bool { return utf8.RuneCountInString(c) > 16 })
	if long {
		bar.SetGlobalOptions(append(common(colors, opts.Grid{Left: "2%", Right: "4%", Top: "3%", Bottom: "12%", ContainLabel: opts.Bool(true)}),
			charts.WithXAxisOpts(opts.XAxis{Type: "value"}),
			charts.WithYAxisOpts(opts.YAxis{Type: "category", Inverse: opts.Bool(true), AxisLabel: &opts.AxisLabel{Interval: "0"}}))...)
		bar.XYReversal()
	} else {
		bar.SetGlobalOptions(append(common(colors, opts.Grid{Left: "3%", Right: "3%", Top: "8%", Bottom: "18%", ContainLabel: opts.Bool(true)}),
			charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Rotate: 35, Interval: "0"}}))...)
	}
	bar.SetXAxis(categories)
	for _, s := range series {
		items := make([]opts.BarData, len(s.Values))
		for i, v := range s.Values {
			items[i] = opts.BarData{Name: categories[i], Value: s.value(v)}
		}
		var o []charts.SeriesOpts
		if stack != "" {
			o = append(o, charts.WithBarChartOpts(opts.BarChart{Stack: stack}))
		}
		bar.AddSeries(s.Name, items, o...)
	}
	return optionJS(bar)
}

// value is a chart's value: the number, or "-", ECharts' mark of a missing one.
func (s lineSeries) value(v *int64) any {
	switch {
	case v == nil:
		return "-"
	case s.Tenths:
		return float64(*v) / 10
	}
	return *v
}

// optionJS is a chart's option as JSON for the page (charts.js draws it).
func optionJS(c interface {
	Validate()
	JSON() map[string]interface{}
}) (template.JS, error) {
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		return "", err
	}
	return template.JS(b), nil
}

// regionMapName is the name charts.js registers the region's map under (data-map-name).
const regionMapName = "nordjylland"

// mapChart builds the ECharts option of the region's municipalities coloured by one measure (values by
// municipality name, in the table's order); nil is a value not shown, left uncoloured.
func mapChart(names []string, s lineSeries) (template.JS, error) {
	m := charts.NewMap()
	m.RegisterMapType(regionMapName)
	lo, hi := 0.0, 0.0
	items := make([]opts.MapData, len(names))
	for i, n := range names {
		v := s.value(s.Values[i])
		items[i] = opts.MapData{Name: n, Value: v}
		if f, ok := v.(float64); ok {
			lo, hi = min(lo, f), max(hi, f)
		} else if x, ok := v.(int64); ok {
			lo, hi = min(lo, float64(x)), max(hi, float64(x))
		}
	}
	m.SetGlobalOptions(charts.WithAnimation(false), charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item"}),
		charts.WithVisualMapOpts(opts.VisualMap{Calculable: opts.Bool(true), Min: float32(lo), Max: float32(hi), Left: "0", Bottom: "0",
			InRange: &opts.VisualMapInRange{Color: []string{"#e6eef5", "#1f5f8b"}}}))
	m.AddSeries(s.Name, items)
	return optionJS(m)
}
