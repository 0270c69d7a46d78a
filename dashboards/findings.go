package dashboards

import (
	"context"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Findings loads the series the reader may see and runs the analysis: region-level gap and growing findings
// and the offers' occupancy findings, for every year. The CLI's gaps command and the pages share it.
func Findings(ctx context.Context, st *queries.Reader, v queries.View, cfg analysis.Config, lang string) ([]analysis.Finding, error) {
	in, err := RegionInput(ctx, st, v)
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
	analysis.SortFindings(out)
	return out, nil
}

// RegionInput sums the municipalities' supply, demand and survey answers to the region.
func RegionInput(ctx context.Context, st *queries.Reader, v queries.View) (analysis.Input, error) {
	in := analysis.Input{Supply: map[analysis.Key]int64{}, Demand: map[analysis.Key]int64{}, Survey: map[analysis.SurveyKey]analysis.SurveyCount{}}
	supply, err := st.Supply(ctx, v)
	if err != nil {
		return in, err
	}
	demand, err := st.Demand(ctx, v)
	if err != nil {
		return in, err
	}
	for _, c := range supply {
		in.Supply[analysis.Key{Year: c.Year, Area: data.RegionCode, TargetGroup: c.TargetGroup, PlaceType: c.PlaceType}] += c.Value
	}
	for _, c := range demand {
		in.Demand[analysis.Key{Year: c.Year, Area: data.RegionCode, TargetGroup: c.TargetGroup, PlaceType: c.PlaceType}] += c.Value
	}
	survey, err := st.Survey(ctx, v)
	if err != nil {
		return in, err
	}
	for _, s := range survey {
		k := analysis.SurveyKey{Year: s.Year, Area: data.RegionCode, TargetGroup: s.TargetGroup}
		c := in.Survey[k]
		c.Low += s.Low
		c.Scored += s.Scored
		in.Survey[k] = c
	}
	return in, nil
}
