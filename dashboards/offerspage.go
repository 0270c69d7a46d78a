package dashboards

import (
	"context"
	"html/template"
	"slices"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// offersPage is /offers: the year's offers with occupancy against budgeted occupancy; the offers under
// enhanced cooperation, secure wards and national offers first (with a chart), and the ones at risk, on the
// emergency track or over-occupied marked with their findings.
type offersPage struct {
	pageHead
	Years           []int
	Chart           template.JS
	Sentence        string // how many offers are marked, by mark
	Watched, Others []offerOccupancyRow
}

type offerOccupancyRow struct {
	ID, Name, Location, Kinds   string // Kinds: enhanced cooperation, secure ward, national offer
	Places, Occupied, Occupancy string
	Budgeted                    string
	Marks                       []offerMark
}

type offerMark struct{ Kind, Label, Sentence, URL string }

func (s *Server) offers(c *echo.Context) error { return page(s, c, "offers.html", s.offersPage) }

func (s *Server) offersPage(ctx context.Context, rd *queries.Reader, r *request) (offersPage, error) {
	years, err := pageYears(ctx, rd, r)
	if err != nil {
		return offersPage{}, err
	}
	t := texts[r.Lang]
	p := offersPage{pageHead: pageHead{Lang: r.Lang, Path: "/offers", Year: r.Year, Title: text(r.Lang, "offers_title")}}
	for _, y := range years {
		p.Years = append(p.Years, y.Year)
	}
	occ, err := rd.OfferOccupancy(ctx, r.View)
	if err != nil {
		return p, err
	}
	all, err := Findings(ctx, rd, r.View, s.Analysis, r.Lang)
	if err != nil {
		return p, err
	}
	marks := map[string][]offerMark{}
	for _, f := range all {
		if f.Year == r.Year && f.Offer != nil && (f.Kind == analysis.KindAtRisk || f.Kind == analysis.KindEmergencyTrack || f.Kind == analysis.KindOverOccupancy) {
			marks[f.Offer.ID] = append(marks[f.Offer.ID], offerMark{Kind: f.Kind, Label: t["mark_"+f.Kind], Sentence: f.Sentence,
				URL: analysis.Filter{Year: f.Year, Offer: f.Offer.ID, Kind: f.Kind}.At("/gaps") + "&lang=" + r.Lang})
		}
	}
	var names []string
	var occupancy, budgeted []*int64
	for _, o := range occ {
		if o.Year != r.Year {
			continue
		}
		m, _ := data.MunicipalityByCode(o.Location)
		row := offerOccupancyRow{ID: o.OfferID, Name: o.Name, Location: m.Name, Places: analysis.FormatInt(o.Places, r.Lang),
			Occupancy: "–", Occupied: "–", Budgeted: "–", Marks: marks[o.OfferID]}
		var kinds []string
		for _, k := range []struct {
			on  bool
			key string
		}{{o.Enhanced, "enhanced"}, {o.Secure, "secure"}, {o.National, "national"}} {
			if k.on {
				kinds = append(kinds, t[k.key])
			}
		}
		row.Kinds = strings.Join(kinds, ", ")
		var ov, bv *int64
		if o.HasOccupied && o.Places > 0 {
			row.Occupied = analysis.FormatHundredths(o.OccupiedH, r.Lang)
			row.Occupancy = analysis.PctOneDecimal(o.OccupiedH, 100*o.Places, r.Lang)
			v := analysis.RoundDiv(1000*o.OccupiedH, 100*o.Places) // tenths of a percent
			ov = &v
		}
		if o.BudgetedH > 0 {
			row.Budgeted = analysis.PctOneDecimal(o.BudgetedH, 10000, r.Lang)
			v := analysis.RoundDiv(o.BudgetedH, 10)
			bv = &v
		}
		if len(kinds) > 0 {
			p.Watched = append(p.Watched, row)
			names, occupancy, budgeted = append(names, o.Name), append(occupancy, ov), append(budgeted, bv)
		} else {
			p.Others = append(p.Others, row)
		}
	}
	p.Sentence = offerMarks(r.Year, marks, r.Lang)
	byName := func(a, b offerOccupancyRow) int { return strings.Compare(a.Name, b.Name) }
	slices.SortStableFunc(p.Others, byName)
	if len(names) > 0 {
		// the chart in the table's order (the order of the query: by offer)
		if p.Chart, err = barChart(names, []lineSeries{{Name: t["occupancy"], Values: occupancy, Tenths: true},
			{Name: t["budgeted"], Values: budgeted, Tenths: true}}, []string{"#1f5f8b", "#9a9a9a"}); err != nil {
			return p, err
		}
	}
	return p, p.pageHead.frame(ctx, rd, r)
}
