package dashboards

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Findings loads the series the reader may see and runs the analysis: gap and growing findings for the region
// and each municipality, and the offers' occupancy findings, for every year. The CLI's gaps command and the pages share it.
func Findings(ctx context.Context, st *queries.Reader, v queries.View, cfg analysis.Config, lang string) ([]analysis.Finding, error) {
	in, err := AnalysisInput(ctx, st, v)
	if err != nil {
		return nil, err
	}
	out := analysis.Gaps(in, cfg, lang)
	occ, err := st.OfferOccupancy(ctx, v)
	if err != nil {
		return nil, err
	}
	var offers []analysis.OfferYear
	for _, o := range occ {
		offers = append(offers, analysis.OfferYear{Year: o.Year, OfferID: o.OfferID, Name: o.Name, Location: o.Location,
			TargetGroup: o.TargetGroup, Places: o.Places, Occupied: data.Hundredths(o.OccupiedH), HasOccupied: o.HasOccupied,
			Budgeted: data.Hundredths(o.BudgetedH), Enhanced: o.Enhanced, Secure: o.Secure, National: o.National})
	}
	out = append(out, analysis.Occupancy(offers, cfg, lang)...)
	lines, err := st.CapacityLines(ctx, v)
	if err != nil {
		return nil, err
	}
	out = append(out, analysis.CapacityChanges(lines, lang)...)
	analysis.SortFindings(out)
	return out, nil
}

// AnalysisInput reads supply, demand and survey answers by municipality and adds them up to the region: the
// analysis runs for the region and for each of its municipalities.
func AnalysisInput(ctx context.Context, st *queries.Reader, v queries.View) (analysis.Input, error) {
	in := analysis.Input{Supply: map[analysis.Key]int64{}, Demand: map[analysis.Key]int64{}, Survey: map[analysis.SurveyKey]analysis.SurveyCount{}}
	supply, err := st.Supply(ctx, v)
	if err != nil {
		return in, err
	}
	demand, err := st.Demand(ctx, v)
	if err != nil {
		return in, err
	}
	for _, cells := range []struct {
		cells []queries.Cell
		to    map[analysis.Key]int64
	}{{supply, in.Supply}, {demand, in.Demand}} {
		for _, c := range cells.cells {
			for _, area := range []int{data.RegionCode, c.Municipality} {
				cells.to[analysis.Key{Year: c.Year, Area: area, TargetGroup: c.TargetGroup, PlaceType: c.PlaceType}] += c.Value
			}
		}
	}
	survey, err := st.Survey(ctx, v)
	if err != nil {
		return in, err
	}
	for _, s := range survey {
		for _, area := range []int{data.RegionCode, s.Municipality} {
			k := analysis.SurveyKey{Year: s.Year, Area: area, TargetGroup: s.TargetGroup}
			c := in.Survey[k]
			c.Low += s.Low
			c.Scored += s.Scored
			in.Survey[k] = c
		}
	}
	return in, nil
}

// ParseArea reads a municipality filter: a code or name of one of the region's municipalities, or "all" for
// the region and every municipality (analysis.AllAreas). The error is in Danish and English.
func ParseArea(text string) (int, error) {
	if strings.EqualFold(strings.TrimSpace(text), "all") || strings.EqualFold(strings.TrimSpace(text), "alle") {
		return analysis.AllAreas, nil
	}
	code, ok, _ := data.MunicipalityVocabulary().Match(text)
	if ok {
		n, _ := strconv.Atoi(code)
		if m, found := data.MunicipalityByCode(n); found && m.RegionCode == data.RegionCode {
			return n, nil
		}
	}
	return 0, fmt.Errorf("ukendt kommune i regionen %q (unknown municipality of the region)", text)
}
