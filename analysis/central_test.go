package analysis

import (
	"testing"

	"github.com/kapacitet/kapacitet/data"
)

// Central announcements, worked out by hand: every central group gets a finding, also with small numbers or
// none; a viewer sees a demand of 1-4 and purchases outside the region below 5 as "fewer than 5".
func TestCentralAnnouncements(t *testing.T) {
	in := Input{
		Supply: map[Key]int64{
			{2023, 1081, "udviklingshaemning-dom", "doegn"}: 10, {2023, 851, "udviklingshaemning-dom", "doegn"}: 10,
			{2023, 1081, "gravide-misbrug", "doegn"}: 1, {2023, 851, "gravide-misbrug", "doegn"}: 1,
		},
		Demand: map[Key]int64{
			{2023, 1081, "udviklingshaemning-dom", "doegn"}: 14, {2023, 851, "udviklingshaemning-dom", "doegn"}: 14,
			{2023, 1081, "gravide-misbrug", "doegn"}: 3, {2023, 851, "gravide-misbrug", "doegn"}: 3,
		},
	}
	flows := []data.PurchaseFlow{
		{Year: 2023, Buyer: 851, Location: 751, TargetGroup: "udviklingshaemning-dom", PlaceType: "doegn", PlacesH: 620}, // Aarhus
		{Year: 2023, Buyer: 851, Location: 101, TargetGroup: "spiseforstyrrelse", PlaceType: "doegn", PlacesH: 250},      // København
		{Year: 2023, Buyer: 101, Location: 851, TargetGroup: "spiseforstyrrelse", PlaceType: "doegn", PlacesH: 900},      // bought into the region: not counted
		{Year: 2023, Buyer: 851, Location: 860, TargetGroup: "spiseforstyrrelse", PlaceType: "doegn", PlacesH: 700},      // inside the region
	}
	want := map[string]struct{ severity, analyst, viewer string }{
		// 14 − 10 = 4 ≥ 3 and 4 ≥ 15 % of 14: a critical shortage
		"central_announcement-2023-udviklingshaemning-dom": {Critical,
			"Central udmelding, borgere med udviklingshæmning og dom: 10 pladser i regionen og en efterspørgsel på 14 i 2023; regionens kommuner købte 6,2 helårspladser uden for regionen.",
			"Central udmelding, borgere med udviklingshæmning og dom: 10 pladser i regionen og en efterspørgsel på 14 i 2023; regionens kommuner købte 6,2 helårspladser uden for regionen."},
		"central_announcement-2023-gravide-misbrug": {Info,
			"Central udmelding, gravide med rusmiddelmisbrug: 1 plads i regionen og en efterspørgsel på 3 i 2023; regionens kommuner købte ingen pladser uden for regionen.",
			"Central udmelding, gravide med rusmiddelmisbrug: 1 plads i regionen og en efterspørgsel på færre end 5 i 2023; regionens kommuner købte ingen pladser uden for regionen."},
		"central_announcement-2023-spiseforstyrrelse": {Info,
			"Central udmelding, borgere med svære spiseforstyrrelser: 0 pladser i regionen og en efterspørgsel på 0 i 2023; regionens kommuner købte 2,5 helårspladser uden for regionen.",
			"Central udmelding, borgere med svære spiseforstyrrelser: 0 pladser i regionen og en efterspørgsel på 0 i 2023; regionens kommuner købte færre end 5 helårspladser uden for regionen."},
	}
	for _, viewer := range []bool{false, true} {
		in.Viewer = viewer
		fs := CentralAnnouncements(in, flows, DefaultConfig(), "da")
		if len(fs) != 3 {
			t.Errorf("viewer %v: %d findings, want one per central group", viewer, len(fs))
		}
		for _, f := range fs {
			w, ok := want[f.ID]
			sentence := w.analyst
			if viewer {
				sentence = w.viewer
			}
			if !ok || f.Sentence != sentence || f.Severity != w.severity {
				t.Errorf("viewer %v: %s %s:\n got  %s\n want %s", viewer, f.ID, f.Severity, f.Sentence, sentence)
			}
			if viewer && f.TargetGroup == "gravide-misbrug" && (f.Demand != 0 || f.Suppressed["demand"] != "<5") {
				t.Errorf("a viewer sees the demand of 3: %+v", f)
			}
			if viewer && f.TargetGroup == "spiseforstyrrelse" && (f.BoughtOutside != nil || f.Suppressed["bought_outside_region"] != "<5") {
				t.Errorf("a viewer sees 2,5 places bought outside: %+v", f)
			}
		}
	}
	in.Viewer = false
	en := CentralAnnouncements(in, flows, DefaultConfig(), "en")
	if got, want := en[len(en)-1].Sentence, "Central announcement, pregnant women with substance misuse: 1 place in the region and demand of 3 in 2023; the region's municipalities bought no places outside the region."; !containsSentence(en, want) {
		t.Errorf("English: %s … want %s", got, want)
	}
}

func containsSentence(fs []Finding, s string) bool {
	for _, f := range fs {
		if f.Sentence == s {
			return true
		}
	}
	return false
}
