package dashboards

import (
	"encoding/json"
	"html/template"

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
	bar := charts.NewBar()
	bar.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Bottom: "0"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "axis"}),
		charts.WithAriaOpts(&opts.Aria{Enabled: opts.Bool(true)}),
		charts.WithGridOpts(opts.Grid{Left: "3%", Right: "3%", Top: "8%", Bottom: "18%", ContainLabel: opts.Bool(true)}),
		charts.WithXAxisOpts(opts.XAxis{AxisLabel: &opts.AxisLabel{Rotate: 35, Interval: "0"}}),
		charts.WithColorsOpts(opts.Colors(colors)),
	)
	bar.SetXAxis(categories)
	for _, s := range series {
		items := make([]opts.BarData, len(s.Values))
		for i, v := range s.Values {
			items[i] = opts.BarData{Name: categories[i], Value: v}
		}
		bar.AddSeries(s.Name, items, charts.WithBarChartOpts(opts.BarChart{Stack: "total"}))
	}
	bar.Validate()
	b, err := json.Marshal(bar.JSON())
	if err != nil {
		return "", err
	}
	return template.JS(b), nil
}
