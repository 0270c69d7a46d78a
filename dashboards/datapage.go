package dashboards

import (
	"context"
	"net/url"
	"slices"
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// dataPage is /data: what is loaded and published (editions, rows per dataset and year, the findings per
// year, who has delivered, templates) and the extracts of every dataset and of the findings.
type dataPage struct {
	pageHead  // its Year is the year of the delivery round shown
	T         map[string]string
	Editions  []EditionView
	Years     []int // years with rows, the columns of Datasets
	Datasets  []datasetRow
	Delivery  []DeliveryLine
	Templates []templateLink
	Extracts  []extractLinks
}

type datasetRow struct {
	Name  string
	Rows  []int64 // by Years
	Total int64
}

type templateLink struct{ Name, URL string }

// extractLinks are a dataset's extracts in every format, with the page's filters.
type extractLinks struct {
	Name    string
	Public  bool // the public's extract is what the findings show of it (demand, purchases)
	Formats []templateLink
}

// extractLinksOf lists the extracts of every dataset and of the findings with the filters of r that apply to
// it (a filter on a column a dataset lacks is left out of its links).
func extractLinksOf(r *request) []extractLinks {
	all := extractFilterOf(r)
	var out []extractLinks
	for _, d := range append(slices.Clip(data.Datasets), data.FindingsExtract) {
		q := url.Values{"lang": {r.Lang}}
		f := queries.ExtractFilter{Draft: all.Draft, Year: all.Year}
		if f.Year != 0 {
			q.Set("year", strconv.Itoa(f.Year))
		}
		if f.Draft {
			q.Set("draft", "true")
		}
		for _, p := range []struct {
			param, value string
			set          func(*queries.ExtractFilter)
		}{
			{"target_group", all.TargetGroup, func(f *queries.ExtractFilter) { f.TargetGroup = all.TargetGroup }},
			{"place_type", all.PlaceType, func(f *queries.ExtractFilter) { f.PlaceType = all.PlaceType }},
			{"municipality", strconv.Itoa(all.Municipality), func(f *queries.ExtractFilter) { f.Municipality = all.Municipality }},
		} {
			with := f
			p.set(&with)
			if p.value == "" || p.value == "0" {
				continue
			}
			if checkExtract(d, with) == nil { // a filter the dataset has
				f = with
				q.Set(p.param, p.value)
			}
		}
		links := extractLinks{Name: datasetName(d, r.Lang), Public: fromFindings[d.Name]}
		for _, format := range []string{"parquet", "csv", "xlsx", "arrow"} {
			links.Formats = append(links.Formats, templateLink{Name: map[string]string{"parquet": "Parquet", "csv": "CSV", "xlsx": "XLSX", "arrow": "Arrow"}[format], URL: "/api/v1/extracts/" + d.Name + "." + format + "?" + q.Encode()})
		}
		out = append(out, links)
	}
	return out
}

func (s *Server) dataPage(c *echo.Context) error { return page(s, c, "data.html", s.buildDataPage) }

func (s *Server) buildDataPage(ctx context.Context, rd *queries.Reader, r *request) (dataPage, error) {
	p := dataPage{pageHead: pageHead{Lang: r.Lang, Path: "/data"}, T: texts[r.Lang]}
	p.Title = text(r.Lang, "data_title")
	var err error
	if p.Editions, err = Editions(ctx, rd, r.Lang); err != nil {
		return p, err
	}
	counts, err := rd.DatasetYears(ctx, r.View)
	if err != nil {
		return p, err
	}
	for _, c := range counts {
		p.Years = append(p.Years, c.Year)
	}
	// the findings the viewer sees (published, or with draft those of the current rows), counted by year
	findings, err := Findings(ctx, rd, r.View, s.Analysis, r.Lang)
	if err != nil {
		return p, err
	}
	perYear := map[int]int64{}
	for _, f := range findings {
		p.Years = append(p.Years, f.Year)
		perYear[f.Year]++
	}
	slices.Sort(p.Years)
	p.Years = slices.Compact(p.Years)
	for _, d := range data.Datasets {
		row := datasetRow{Name: datasetName(d, r.Lang), Rows: make([]int64, len(p.Years))}
		for _, c := range counts {
			if c.Dataset == d.Name {
				for i, y := range p.Years {
					if y == c.Year {
						row.Rows[i] = c.Rows
					}
				}
				row.Total += c.Rows
			}
		}
		p.Datasets = append(p.Datasets, row)
		p.Templates = append(p.Templates, templateLink{Name: row.Name, URL: "/data/templates/" + d.Name + ".xlsx"})
	}
	found := datasetRow{Name: datasetName(data.FindingsExtract, r.Lang), Total: int64(len(findings))}
	for _, y := range p.Years {
		found.Rows = append(found.Rows, perYear[y])
	}
	p.Datasets = append(p.Datasets, found)
	p.Extracts = extractLinksOf(r)
	// the delivery round: the year asked for, or the latest with any rows loaded (drafts too: who has
	// delivered is public, as counts)
	p.Year = r.Filter.Year
	if p.Year == 0 {
		all, err := rd.DatasetYears(ctx, queries.View{Draft: true})
		if err != nil {
			return p, err
		}
		for _, c := range all {
			p.Year = max(p.Year, c.Year)
		}
	}
	if p.Year != 0 {
		st, err := Delivery(ctx, rd, p.Year, r.Lang)
		if err != nil {
			return p, err
		}
		p.Delivery = st.Summary
	}
	return p, p.pageHead.frame(ctx, rd, r)
}
