package analysis

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
)

// Self-sufficiency and flows, with every number and sentence worked out by hand from the purchases below.
func TestSelfSufficiency(t *testing.T) {
	flows := []data.PurchaseFlow{
		{Year: 2023, Buyer: 851, Location: 851, TargetGroup: "autisme-boern", PlaceType: "doegn", PlacesH: 300},
		{Year: 2023, Buyer: 851, Location: 840, TargetGroup: "autisme-boern", PlaceType: "doegn", PlacesH: 100},
		{Year: 2023, Buyer: 840, Location: 851, TargetGroup: "autisme-boern", PlaceType: "doegn", PlacesH: 250},
		{Year: 2023, Buyer: 101, Location: 851, TargetGroup: "autisme-boern", PlaceType: "doegn", PlacesH: 50}, // København: outside the region
		{Year: 2023, Buyer: 851, Location: 101, TargetGroup: "autisme-boern", PlaceType: "dag", PlacesH: 150},
		{Year: 2022, Buyer: 825, Location: 825, TargetGroup: "misbrug", PlaceType: "dag", PlacesH: 19900},
		{Year: 2022, Buyer: 825, Location: 851, TargetGroup: "misbrug", PlaceType: "dag", PlacesH: 100},
	}
	byID := map[string]Finding{}
	for _, lang := range []string{"da", "en"} {
		for _, f := range SelfSufficiency(flows, false, lang) {
			if f.Area == 101 {
				t.Errorf("a finding for a municipality outside the region: %s", f.Sentence)
			}
			byID[lang+" "+f.ID] = f
		}
	}
	cases := []struct {
		id                        string
		bought, home, sold, share float64
		sentence                  string
	}{
		{"da self_sufficiency-2023-851-autisme-boern-doegn", 4, 3, 3, 0.75,
			"Børn og unge med autisme i Aalborg (døgnpladser): kommunen købte 4,0 helårspladser i 2023, heraf 3,0 (75 %) i tilbud beliggende i kommunen selv og 1,0 i Rebild; andre kommuner købte 3,0 helårspladser i kommunens tilbud."},
		{"da self_sufficiency-2023-1081-autisme-boern-doegn", 6.5, 6.5, 0.5, 1,
			"Børn og unge med autisme (døgnpladser): regionens kommuner købte 6,5 helårspladser i 2023, alle i tilbud beliggende i regionen; kommuner uden for regionen købte 0,5 helårspladser i regionens tilbud."},
		{"da self_sufficiency-2023-851-autisme-boern-dag", 1.5, 0, 0, 0,
			"Børn og unge med autisme i Aalborg (dagpladser): kommunen købte 1,5 helårspladser i 2023, alle i København."},
		{"en self_sufficiency-2023-851-autisme-boern-dag", 1.5, 0, 0, 0,
			"Children and young people with autism in Aalborg (day places): the municipality bought 1.5 full-year places in 2023, all of them in København."},
		{"da self_sufficiency-2023-840-autisme-boern-doegn", 2.5, 0, 1, 0,
			"Børn og unge med autisme i Rebild (døgnpladser): kommunen købte 2,5 helårspladser i 2023, alle i Aalborg; andre kommuner købte 1,0 helårsplads i kommunens tilbud."},
		{"da self_sufficiency-2023-851-autisme-boern-alle", 5.5, 3, 3, 300.0 / 550,
			"Børn og unge med autisme i Aalborg: kommunen købte 5,5 helårspladser i 2023, heraf 3,0 (55 %) i tilbud beliggende i kommunen selv og 2,5 i andre kommuner, mest i København (1,5); andre kommuner købte 3,0 helårspladser i kommunens tilbud."},
		{"en self_sufficiency-2023-1081-autisme-boern-alle", 8, 6.5, 0.5, 6.5 / 8,
			"Children and young people with autism: the region's municipalities bought 8.0 full-year places in 2023, 6.5 (81%) of them in offers located in the region and 1.5 in København; municipalities outside the region bought 0.5 full-year places in the region's offers."},
		// 199 of 200 is 99,5 %: a whole 100 % would say that nothing was bought elsewhere
		{"da self_sufficiency-2022-825-misbrug-dag", 200, 199, 0, 0.995,
			"Borgere med misbrug i Læsø (dagpladser): kommunen købte 200,0 helårspladser i 2022, heraf 199,0 (99,5 %) i tilbud beliggende i kommunen selv og 1,0 i Aalborg."},
		{"da self_sufficiency-2022-851-misbrug-dag", 0, 0, 1, -1,
			"Borgere med misbrug i Aalborg (dagpladser): kommunen købte ingen pladser i 2022; andre kommuner købte 1,0 helårsplads i kommunens tilbud."},
	}
	for _, c := range cases {
		f, ok := byID[c.id]
		if !ok {
			t.Errorf("%s: no finding", c.id)
			continue
		}
		fl := f.Flows
		if fl.Bought != c.bought || fl.Home != c.home || fl.Sold != c.sold || fl.Elsewhere != c.bought-c.home {
			t.Errorf("%s: bought %v home %v sold %v elsewhere %v, want %v %v %v", c.id, fl.Bought, fl.Home, fl.Sold, fl.Elsewhere, c.bought, c.home, c.sold)
		}
		if (fl.Share == nil) != (c.share < 0) || fl.Share != nil && *fl.Share != c.share {
			t.Errorf("%s: share %v, want %v", c.id, fl.Share, c.share)
		}
		if f.Sentence != c.sentence {
			t.Errorf("%s:\n got  %s\n want %s", c.id, f.Sentence, c.sentence)
		}
		if f.Kind != KindSelfSufficiency || f.Severity != Info {
			t.Errorf("%s: kind %s severity %s", c.id, f.Kind, f.Severity)
		}
	}
	if n := len(byID); n != 2*14 {
		t.Errorf("%d findings in both languages, want 28 (2023: Aalborg and the region for doegn, dag and alle, Rebild for doegn and alle; 2022: Læsø, Aalborg and the region for dag and alle)", n)
	}
}

// What a viewer reads, worked out by hand. Læsø bought 3,0 places, all in Aalborg: every number of that
// purchase is below 5 (Læsø's bought and elsewhere, the flow in both lists, Aalborg's sold). The region's
// 13,0 bought, all in the region, less Aalborg's own 10,0 would give it away, so Aalborg's own places are
// hidden too (the cell outside the totals first), and then Aalborg's bought, which equals them. The region's
// numbers stay.
func TestSelfSufficiencyForAViewer(t *testing.T) {
	flows := []data.PurchaseFlow{
		{Year: 2023, Buyer: 825, Location: 851, TargetGroup: "autisme-boern", PlaceType: "doegn", PlacesH: 300},
		{Year: 2023, Buyer: 851, Location: 851, TargetGroup: "autisme-boern", PlaceType: "doegn", PlacesH: 600},
		{Year: 2023, Buyer: 851, Location: 851, TargetGroup: "autisme-boern", PlaceType: "dag", PlacesH: 400},
	}
	want := map[string]struct {
		sentence, json string
	}{
		"da 825": {"Børn og unge med autisme i Læsø: kommunen købte færre end 5 helårspladser i 2023, alle i Aalborg.",
			`"flows":{"share":null,"bought_from":[{"area":851,"name":"Aalborg","suppressed":"\u003c5","places":null}],"bought":null,"home":0,"elsewhere":null,"sold":0},"suppressed":{"flows.bought":"\u003c5","flows.elsewhere":"\u003c5","flows.share":"–"}`},
		"da 851": {"Børn og unge med autisme i Aalborg: kommunen købte et antal helårspladser, der ikke vises af diskretionshensyn, i 2023, alle i tilbud beliggende i kommunen selv; andre kommuner købte færre end 5 helårspladser i kommunens tilbud.",
			`"flows":{"share":null,"sold_to":[{"area":825,"name":"Læsø","suppressed":"\u003c5","places":null}],"bought":null,"home":null,"elsewhere":0,"sold":null},"suppressed":{"flows.bought":"–","flows.home":"–","flows.share":"–","flows.sold":"\u003c5"}`},
		"en 851": {"Children and young people with autism in Aalborg: the municipality bought an undisclosed number of full-year places in 2023, all of them in offers located in the municipality; other municipalities bought fewer than 5 full-year places in its offers.", ""},
		"da 1081": {"Børn og unge med autisme: regionens kommuner købte 13,0 helårspladser i 2023, alle i tilbud beliggende i regionen.",
			`"flows":{"share":1,"bought":13,"home":13,"elsewhere":0,"sold":0}`},
	}
	got := 0
	for _, lang := range []string{"da", "en"} {
		for _, f := range SelfSufficiency(flows, true, lang) {
			if f.PlaceType != "alle" {
				t.Errorf("a viewer gets place type %s: %s", f.PlaceType, f.Sentence)
			}
			w, ok := want[fmt.Sprintf("%s %d", lang, f.Area)]
			if !ok {
				continue
			}
			got++
			if f.Sentence != w.sentence {
				t.Errorf("%s:\n got  %s\n want %s", f.ID, f.Sentence, w.sentence)
			}
			js, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(js), w.json) {
				t.Errorf("%s: JSON\n %s\nwithout\n %s", f.ID, js, w.json)
			}
		}
	}
	if got != len(want) {
		t.Errorf("%d of the %d findings", got, len(want))
	}
}
