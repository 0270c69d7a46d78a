package analysis

import (
	"fmt"
	"sort"

	"github.com/kapacitet/kapacitet/data"
)

// Correction is one entry of an edition's correction log: what changed since the year's previous edition,
// in numbers and in a sentence. Kind is "rows" (a dataset's rows of the year), "changed" (a gap finding's
// supply, demand or severity, or another finding's sentence), "added" or "removed" (a finding).
type Correction struct {
	Kind      string `json:"kind"`
	Dataset   string `json:"dataset,omitempty"`
	Added     int    `json:"added,omitempty"`   // rows
	Removed   int    `json:"removed,omitempty"` // rows
	FindingID string `json:"finding_id,omitempty"`
	Field     string `json:"field,omitempty"` // supply, demand or severity
	// Old and New are the field's values: numbers, or the severity's code; nil when hidden from a viewer.
	Old      any    `json:"old,omitempty"`
	New      any    `json:"new,omitempty"`
	Sentence string `json:"sentence"`
}

// RowChange is what changed in one dataset's rows of a year between two editions (a corrected row counts
// as removed and added).
type RowChange struct {
	Dataset        string
	Added, Removed int
}

// Corrections compares a year's findings in its previous edition (old) with the new ones and lists what
// changed: first the datasets' rows, then, in the order of the new findings, every gap whose supply, demand
// or severity changed, every other finding whose sentence changed, every new finding, and then every finding
// that is gone. Numbers a viewer may
// not see (suppressed in either edition) are not given.
func Corrections(rows []RowChange, old, new []Finding, lang string) []Correction {
	en := lang == "en"
	var out []Correction
	for _, r := range rows {
		d, _ := data.DatasetByName(r.Dataset)
		name := r.Dataset
		if d != nil {
			name = d.NameDA
			if en {
				name = d.NameEN
			}
		}
		s := fmt.Sprintf("%s: %s tilføjet, %s fjernet eller erstattet.", name, rowCount(r.Added, lang), rowCount(r.Removed, lang))
		if en {
			s = fmt.Sprintf("%s: %s added, %s removed or replaced.", name, rowCount(r.Added, lang), rowCount(r.Removed, lang))
		}
		out = append(out, Correction{Kind: "rows", Dataset: r.Dataset, Added: r.Added, Removed: r.Removed, Sentence: s})
	}
	before := map[string]Finding{}
	for _, f := range old {
		before[f.ID] = f
	}
	seen := map[string]bool{}
	for _, f := range new {
		seen[f.ID] = true
		o, ok := before[f.ID]
		if !ok {
			out = append(out, Correction{Kind: "added", FindingID: f.ID, Sentence: map[bool]string{false: "Nyt: ", true: "New: "}[en] + f.Sentence})
			continue
		}
		out = append(out, changes(o, f, lang)...)
	}
	var gone []Finding
	for _, f := range old {
		if !seen[f.ID] {
			gone = append(gone, f)
		}
	}
	sort.SliceStable(gone, func(i, j int) bool { return gone[i].ID < gone[j].ID })
	for _, f := range gone {
		out = append(out, Correction{Kind: "removed", FindingID: f.ID, Sentence: map[bool]string{false: "Udgået: ", true: "Withdrawn: "}[en] + f.Sentence})
	}
	return out
}

// changes lists the changes of a gap finding's supply, demand and severity; another finding, or a gap
// whose numbers are the same but whose sentence changed (a trend, a forecast), gets its new sentence.
func changes(o, f Finding, lang string) []Correction {
	en := lang == "en"
	if f.Kind != KindGap {
		if o.Sentence == f.Sentence {
			return nil
		}
		return []Correction{{Kind: "changed", FindingID: f.ID, Sentence: map[bool]string{false: "Rettet: ", true: "Corrected: "}[en] + f.Sentence}}
	}
	subj := subject(f, lang)
	if f.PlaceType != "" && f.PlaceType != data.PlaceTypeAll.Code {
		subj += " (" + placeTypeName(f.PlaceType, 2, lang) + ")"
	}
	subj = fmt.Sprintf("%s, %d", subj, f.Year)
	var out []Correction
	number := func(field, da, eng string, a, b int64, hidden bool) {
		if a == b && !hidden {
			return
		}
		c := Correction{Kind: "changed", FindingID: f.ID, Field: field}
		switch {
		case hidden && en:
			c.Sentence = fmt.Sprintf("%s: %s corrected (the numbers are not shown, for confidentiality).", subj, eng)
		case hidden:
			c.Sentence = fmt.Sprintf("%s: %s er rettet (tallene vises ikke af diskretionshensyn).", subj, da)
		case en:
			c.Old, c.New = a, b
			c.Sentence = fmt.Sprintf("%s: %s corrected from %s to %s.", subj, eng, FormatInt(a, lang), FormatInt(b, lang))
		default:
			c.Old, c.New = a, b
			c.Sentence = fmt.Sprintf("%s: %s er rettet fra %s til %s.", subj, da, FormatInt(a, lang), FormatInt(b, lang))
		}
		out = append(out, c)
	}
	number("supply", "udbuddet", "supply", o.Supply, f.Supply, false)
	_, oh := o.Suppressed["demand"]
	_, nh := f.Suppressed["demand"]
	if oh || nh {
		// a hidden demand: say that it changed only when a shown number or the sentence says so anyway
		if o.Demand != f.Demand || o.Sentence != f.Sentence {
			number("demand", "efterspørgslen", "demand", 0, 0, true)
		}
	} else {
		number("demand", "efterspørgslen", "demand", o.Demand, f.Demand, false)
	}
	if o.Severity != f.Severity {
		c := Correction{Kind: "changed", FindingID: f.ID, Field: "severity", Old: o.Severity, New: f.Severity}
		c.Sentence = fmt.Sprintf("%s: vurderingen er ændret fra %s til %s.", subj, severityWord(o.Severity, lang), severityWord(f.Severity, lang))
		if en {
			c.Sentence = fmt.Sprintf("%s: the assessment changed from %s to %s.", subj, severityWord(o.Severity, lang), severityWord(f.Severity, lang))
		}
		out = append(out, c)
	}
	if len(out) == 0 && o.Sentence != f.Sentence {
		out = append(out, Correction{Kind: "changed", FindingID: f.ID, Sentence: map[bool]string{false: "Rettet: ", true: "Corrected: "}[en] + f.Sentence})
	}
	return out
}

// severityWord names a severity in a sentence ("kritisk mangel").
func severityWord(code, lang string) string {
	words := map[string][2]string{
		CriticalShortage: {"kritisk mangel", "critical shortage"}, Shortage: {"mangel", "shortage"},
		Balance: {"balance", "balance"}, Surplus: {"overskud", "surplus"},
		Info: {"information", "information"}, Warning: {"advarsel", "warning"}, Critical: {"kritisk", "critical"},
	}
	w, ok := words[code]
	if !ok {
		return code
	}
	if lang == "en" {
		return w[1]
	}
	return w[0]
}

// rowCount says a number of rows ("1 række", "3 rækker").
func rowCount(n int, lang string) string {
	unit := map[[2]bool]string{{true, false}: "række", {false, false}: "rækker", {true, true}: "row", {false, true}: "rows"}[[2]bool{n == 1, lang == "en"}]
	return FormatInt(int64(n), lang) + " " + unit
}

// KindAssessment is the correction kind of a changed assessment by DAS.
const KindAssessment = "assessment"

// AssessmentCorrection is the correction log's line for an edition whose assessment by DAS changed.
func AssessmentCorrection(lang string) Correction {
	if lang == "en" {
		return Correction{Kind: KindAssessment, Sentence: "DAS's assessment of the year has been revised."}
	}
	return Correction{Kind: KindAssessment, Sentence: "DAS' vurdering af året er ændret."}
}
