package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
	"github.com/kapacitet/kapacitet/queries"
)

// Langs are the languages an edition stores its findings and correction log in.
var Langs = []string{"da", "en"}

// Publish builds the next edition of year (`kapacitet publish` and the API share it): the year's current
// rows, frozen, with the year's findings as a viewer gets them (disclosure control applied) and the
// correction log against the year's previous edition, in Danish and English. Findings of a year rest on
// earlier years as their latest editions have them. When nothing changed since the year's latest edition,
// no edition is made and created is false.
func Publish(ctx context.Context, st *queries.Store, year int, cfg analysis.Config, by string) (ed queries.Edition, created bool, err error) {
	return st.Publish(ctx, year, by, func(rd *queries.Reader, in queries.PublishInput) (map[string]queries.EditionTexts, error) {
		ed, prev := in.Edition, in.Prev
		var changes []analysis.RowChange
		for _, r := range in.Rows {
			changes = append(changes, analysis.RowChange{Dataset: r.Dataset, Added: r.Added, Removed: r.Removed})
		}
		out := map[string]queries.EditionTexts{}
		for _, lang := range Langs {
			year, err := computeFindings(ctx, rd, queries.View{}, cfg, lang, ed.Year)
			if err != nil {
				return nil, err
			}
			js, err := json.Marshal(year)
			if err != nil {
				return nil, err
			}
			// both editions' findings as stored, so that the comparison sees what viewers see
			now, err := decodeFindings(queries.EditionTexts{Findings: js})
			if err != nil {
				return nil, err
			}
			var before []analysis.Finding
			if prev != nil {
				t, err := rd.EditionTexts(ctx, prev.ID, lang)
				if err != nil {
					return nil, err
				}
				b, err := decodeFindings(t)
				if err != nil {
					return nil, fmt.Errorf("publish: edition %d: %w", prev.ID, err)
				}
				before = b.([]analysis.Finding)
			}
			var log []analysis.Correction
			if prev != nil {
				log = analysis.Corrections(changes, before, now.([]analysis.Finding), lang)
				if in.AssessmentChanged {
					log = append([]analysis.Correction{analysis.AssessmentCorrection(lang)}, log...)
				}
			}
			cs, err := json.Marshal(log)
			if err != nil {
				return nil, err
			}
			out[lang] = queries.EditionTexts{Findings: js, Corrections: cs}
		}
		return out, nil
	})
}

// LoadDemo loads the demo data (ingest.Demo) and publishes each of its years that has no edition yet, by
// "demo". It returns what ingest did.
func LoadDemo(ctx context.Context, st *queries.Store, cfg analysis.Config) ([]ingest.Result, error) {
	res, err := ingest.Demo(ctx, st)
	if err != nil {
		return res, err
	}
	eds, err := st.LatestEditions(ctx)
	if err != nil {
		return res, err
	}
	published := map[int]bool{}
	for _, e := range eds {
		published[e.Year] = true
	}
	years, err := demoYears()
	if err != nil {
		return res, err
	}
	for _, y := range years {
		if published[y] {
			continue
		}
		if _, _, err := Publish(ctx, st, y, cfg, "demo"); err != nil {
			return res, err
		}
	}
	return res, nil
}

// demoYears are the years of the demo data, in order.
func demoYears() ([]int, error) {
	seen := map[int]bool{}
	var out []int
	for _, d := range data.Datasets {
		_, rows, err := data.DemoRows(d.Name)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			var y int
			if _, err := fmt.Sscan(r["year"], &y); err != nil {
				return nil, fmt.Errorf("demo %s: year %q", d.Name, r["year"])
			}
			if !seen[y] {
				seen[y] = true
				out = append(out, y)
			}
		}
	}
	sort.Ints(out)
	return out, nil
}
