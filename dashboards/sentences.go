package dashboards

import (
	"fmt"

	"github.com/kapacitet/kapacitet/analysis"
)

// The sentences the pages give beside charts that no single finding describes: built from the same numbers
// as the chart and its table, so that a sentence never says what the table does not show.

// counted is n with its noun in lang's number format: "1 plads", "2.345 pladser"; one and many are the
// texts' keys of the noun.
func counted(n int64, one, many, lang string) string {
	key := many
	if n == 1 {
		key = one
	}
	return analysis.FormatInt(n, lang) + " " + texts[lang][key]
}

// extremes is the sentence of the overview's map: where the measure is highest and lowest, among the
// municipalities whose value is shown (values[i] of names[i]; nil when hidden or missing); "" with fewer
// than two. format writes a value as the table does.
func extremes(measure string, names []string, values []*int64, format func(int64) string, lang string) string {
	hi, lo := -1, -1
	for i, v := range values {
		if v == nil {
			continue
		}
		if hi < 0 || *v > *values[hi] {
			hi = i
		}
		if lo < 0 || *v < *values[lo] {
			lo = i
		}
	}
	if hi < 0 || hi == lo {
		return ""
	}
	return fmt.Sprintf(texts[lang]["map_sentence_"+measure], names[hi], format(*values[hi]), names[lo], format(*values[lo]))
}

// severityCounts is the sentence of rows by severity (the text key says of what: a target group's
// municipalities, "severity_counts"; the region's target groups, "report_groups"): how many have each.
func severityCounts(key string, rows []muniRow, year int, lang string) string {
	n := map[string]int64{}
	for _, r := range rows {
		n[r.Severity]++
	}
	f := func(s string) string { return analysis.FormatInt(n[s], lang) }
	return fmt.Sprintf(texts[lang][key], year, f(analysis.CriticalShortage), f(analysis.Shortage), f(analysis.Balance), f(analysis.Surplus),
		analysis.FormatInt(int64(len(rows)), lang))
}

// placesIn is the sentence of a municipality's places: in total and by category (by data.Categories).
func placesIn(name string, year int, byCategory []int64, lang string) string {
	var total int64
	args := []any{name, year, ""}
	for _, n := range byCategory {
		total += n
		args = append(args, analysis.FormatInt(n, lang))
	}
	args[2] = counted(total, "noun_place", "noun_places", lang)
	return fmt.Sprintf(texts[lang]["places_in"], args...)
}

// offerMarks is the sentence of the offers page: how many offers of the year are over-occupied, at risk and
// emergency-track candidates.
func offerMarks(year int, marks map[string][]offerMark, lang string) string {
	n := map[string]int64{}
	for _, ms := range marks {
		for _, m := range ms {
			n[m.Kind]++
		}
	}
	c := func(kind string) string { return counted(n[kind], "noun_offer", "noun_offers", lang) }
	return fmt.Sprintf(texts[lang]["offer_marks"], year, c(analysis.KindOverOccupancy), c(analysis.KindAtRisk), c(analysis.KindEmergencyTrack))
}
