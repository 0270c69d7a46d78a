package dashboards

import (
	"context"
	"encoding/json"
	"slices"
	"sync"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Findings returns the findings the reader may see: for a viewer, those stored with the latest edition of
// each published year (frozen when it was published, disclosure control applied); for a draft view, those
// ComputeFindings computes from the current data. The CLI's gaps command, the API and the pages share it.
func Findings(ctx context.Context, st *queries.Reader, v queries.View, cfg analysis.Config, lang string) ([]analysis.Finding, error) {
	if v.Draft {
		return ComputeFindings(ctx, st, v, cfg, lang)
	}
	eds, err := st.LatestEditions(ctx)
	if err != nil {
		return nil, err
	}
	var lists [][]analysis.Finding
	for _, ed := range eds {
		fs, err := st.Frozen(ctx, ed.ID, lang, "findings", decodeFindings)
		if err != nil {
			return nil, err
		}
		lists = append(lists, fs.([]analysis.Finding))
	}
	return analysis.MergeFindings(lists), nil
}

// decodeFindings reads an edition's findings back from their JSON.
func decodeFindings(t queries.EditionTexts) (any, error) {
	var fs []analysis.Finding
	if len(t.Findings) == 0 {
		return fs, nil
	}
	err := json.Unmarshal(t.Findings, &fs)
	return fs, err
}

// ComputeFindings loads the series the reader may see and runs the analysis for every year: gaps and growing
// demand for the region and each municipality, the offers' occupancy, capacity changes, central
// announcements, self-sufficiency and tariffs; for a viewer's view (not v.Draft) with disclosure control.
// Each part of the analysis runs as soon as its series are read, beside the next reads (the analysis is
// pure).
func ComputeFindings(ctx context.Context, st *queries.Reader, v queries.View, cfg analysis.Config, lang string) ([]analysis.Finding, error) {
	return computeFindings(ctx, st, v, cfg, lang, 0)
}

// computeFindings is ComputeFindings; with year not 0, what publishing that year needs: its findings only,
// self-sufficiency and the central announcements from its purchases alone (they rest on the year's
// purchases; their disclosure control is per year and target group, so the year's cells are hidden as
// they are among every year's, and the other years' tables are not worked through).
func computeFindings(ctx context.Context, st *queries.Reader, v queries.View, cfg analysis.Config, lang string, year int) ([]analysis.Finding, error) {
	var wg sync.WaitGroup
	var parts [6][]analysis.Finding
	run := func(i int, f func() []analysis.Finding) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[i] = f()
		}()
	}
	err := func() error {
		in, err := AnalysisInput(ctx, st, v)
		if err != nil {
			return err
		}
		run(0, func() []analysis.Finding { return analysis.Gaps(in, cfg, lang) })
		// the purchases next, the second longest analysis rests on them; then the tariffs, the next longest,
		// so that what runs after the last read (capacity changes) is short
		flows, err := st.PurchaseFlows(ctx, v)
		if err != nil {
			return err
		}
		if year != 0 {
			flows = slices.DeleteFunc(flows, func(f data.PurchaseFlow) bool { return f.Year != year })
		}
		run(3, func() []analysis.Finding { return analysis.CentralAnnouncements(in, flows, cfg, lang) })
		run(4, func() []analysis.Finding { return analysis.SelfSufficiency(flows, !v.Draft, lang) })
		tariffs, err := st.TariffLines(ctx, v)
		if err != nil {
			return err
		}
		run(5, func() []analysis.Finding { return analysis.Tariffs(tariffs, cfg, lang) })
		occ, err := st.OfferOccupancy(ctx, v)
		if err != nil {
			return err
		}
		run(1, func() []analysis.Finding {
			offers := make([]analysis.OfferYear, 0, len(occ))
			for _, o := range occ {
				offers = append(offers, analysis.OfferYear{Year: o.Year, OfferID: o.OfferID, Name: o.Name, Location: o.Location,
					TargetGroup: o.TargetGroup, Places: o.Places, Occupied: data.Hundredths(o.OccupiedH), HasOccupied: o.HasOccupied,
					Budgeted: data.Hundredths(o.BudgetedH), Enhanced: o.Enhanced, Secure: o.Secure, National: o.National})
			}
			return analysis.Occupancy(offers, cfg, lang)
		})
		lines, err := st.CapacityLines(ctx, v)
		if err != nil {
			return err
		}
		run(2, func() []analysis.Finding { return analysis.CapacityChanges(lines, lang) })
		return nil
	}()
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if year != 0 {
		for i := range parts {
			parts[i] = slices.DeleteFunc(parts[i], func(f analysis.Finding) bool { return f.Year != year })
		}
	}
	return analysis.MergeFindings(parts[:]), nil
}

// AnalysisInput reads supply, demand and survey answers by municipality and adds them up to the region: the
// analysis runs for the region and for each of its municipalities.
func AnalysisInput(ctx context.Context, st *queries.Reader, v queries.View) (analysis.Input, error) {
	in := analysis.Input{Supply: map[analysis.Key]int64{}, Demand: map[analysis.Key]int64{}, Survey: map[analysis.SurveyKey]analysis.SurveyCount{},
		Viewer: !v.Draft}
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

// FindingList is the findings a filter selects, as the API and `gaps --format json` give them; Demo and Note
// say when demo data is among what the reader sees.
type FindingList struct {
	Items []analysis.Finding `json:"items"`
	Demo  bool               `json:"demo,omitempty"`
	Note  string             `json:"note,omitempty"`
}

// SelectFindings runs the analysis on what the reader may see and keeps the findings x selects.
func SelectFindings(ctx context.Context, st *queries.Reader, v queries.View, x analysis.Filter, cfg analysis.Config, lang string) (FindingList, error) {
	all, err := Findings(ctx, st, v, cfg, lang)
	if err != nil {
		return FindingList{}, err
	}
	list := FindingList{Items: x.Select(all)}
	if list.Demo, err = st.ShowsDemo(ctx, v); list.Demo {
		list.Note = data.DemoLabel(lang)
	}
	return list, err
}
