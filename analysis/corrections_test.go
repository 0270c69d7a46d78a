package analysis

import (
	"strings"
	"testing"
)

// A correction log written by hand: rows, a gap's numbers and severity, a hidden demand that changed (no
// numbers given), a changed sentence of another kind, a new and a withdrawn finding; Danish and English.
func TestCorrections(t *testing.T) {
	gap := func(id string, area int, pt string, s, d int64, sev string) Finding {
		return Finding{ID: id, Kind: KindGap, Year: 2023, TargetGroup: "misbrug", Area: area, PlaceType: pt, Supply: s, Demand: d,
			Severity: sev, Sentence: id}
	}
	hidden := func(f Finding) Finding { f.Demand = 0; f.Suppressed = map[string]string{"demand": "<5"}; return f }
	old := []Finding{
		gap("a", 1081, "doegn", 100, 104, Balance),
		hidden(gap("b", 825, "dag", 1, 3, Balance)),
		{ID: "c", Kind: KindOverOccupancy, Year: 2023, Sentence: "Kvisten var 103 % belagt i 2023."},
		{ID: "gone", Kind: KindAtRisk, Year: 2023, Sentence: "Birken er i risiko."},
		gap("same", 851, "dag", 9, 9, Balance),
	}
	b := hidden(gap("b", 825, "dag", 1, 4, Balance))
	b.Sentence = "b changed"
	new := []Finding{
		gap("a", 1081, "doegn", 101, 120, Shortage),
		b,
		{ID: "c", Kind: KindOverOccupancy, Year: 2023, Sentence: "Kvisten var 104 % belagt i 2023."},
		{ID: "new", Kind: KindAtRisk, Year: 2023, Sentence: "Kvisten er i risiko."},
		gap("same", 851, "dag", 9, 9, Balance),
	}
	rows := []RowChange{{Dataset: "demand", Added: 1, Removed: 1}, {Dataset: "capacity", Added: 2}}
	want := map[string][]string{
		"da": {
			"Efterspørgsel: 1 række tilføjet, 1 række fjernet eller erstattet.",
			"Pladser: 2 rækker tilføjet, 0 rækker fjernet eller erstattet.",
			"Borgere med misbrug (døgnpladser), 2023: udbuddet er rettet fra 100 til 101.",
			"Borgere med misbrug (døgnpladser), 2023: efterspørgslen er rettet fra 104 til 120.",
			"Borgere med misbrug (døgnpladser), 2023: vurderingen er ændret fra balance til mangel.",
			"Borgere med misbrug i Læsø (dagpladser), 2023: efterspørgslen er rettet (tallene vises ikke af diskretionshensyn).",
			"Rettet: Kvisten var 104 % belagt i 2023.",
			"Nyt: Kvisten er i risiko.",
			"Udgået: Birken er i risiko.",
		},
		"en": {
			"Demand: 1 row added, 1 row removed or replaced.",
			"Capacity: 2 rows added, 0 rows removed or replaced.",
			"Citizens with substance misuse (residential places), 2023: supply corrected from 100 to 101.",
			"Citizens with substance misuse (residential places), 2023: demand corrected from 104 to 120.",
			"Citizens with substance misuse (residential places), 2023: the assessment changed from balance to shortage.",
			"Citizens with substance misuse in Læsø (day places), 2023: demand corrected (the numbers are not shown, for confidentiality).",
			"Corrected: Kvisten var 104 % belagt i 2023.",
			"New: Kvisten er i risiko.",
			"Withdrawn: Birken er i risiko.",
		},
	}
	for lang, w := range want {
		var got []string
		for _, c := range Corrections(rows, old, new, lang) {
			got = append(got, c.Sentence)
			if c.FindingID == "b" && (c.Old != nil || c.New != nil) {
				t.Errorf("a hidden demand's correction gives its numbers: %v → %v", c.Old, c.New)
			}
		}
		if strings.Join(got, "\n") != strings.Join(w, "\n") {
			t.Errorf("%s:\n got  %s\n want %s", lang, strings.Join(got, "\n      "), strings.Join(w, "\n      "))
		}
	}
}
