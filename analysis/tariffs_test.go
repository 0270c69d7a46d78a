package analysis

import (
	"testing"

	"github.com/kapacitet/kapacitet/data"
)

// Tariff development, with every number and sentence worked out by hand from the tariffs below.
func TestTariffs(t *testing.T) {
	autism, both := []string{"autisme-boern"}, []string{"autisme-boern", "misbrug"}
	lines := []data.TariffLine{
		// A: +2,0 % into 2022 (within the frame), +2,94 % into 2023 (above 2,5 %)
		{Year: 2021, OfferID: "A", OfferName: "Alfa", Location: 851, TargetGroups: autism, TariffType: "døgntakst", AmountH: 100000},
		{Year: 2022, OfferID: "A", OfferName: "Alfa", Location: 851, TargetGroups: autism, TariffType: "døgntakst", AmountH: 102000},
		{Year: 2023, OfferID: "A", OfferName: "Alfa", Location: 851, TargetGroups: autism, TariffType: "døgntakst", AmountH: 105000},
		// B: exactly +2,5 % (the frame, not above it)
		{Year: 2022, OfferID: "B", OfferName: "Beta", Location: 840, TargetGroups: both, TariffType: "Døgntakst", AmountH: 200000},
		{Year: 2023, OfferID: "B", OfferName: "Beta", Location: 840, TargetGroups: both, TariffType: "Døgntakst", AmountH: 205000},
		{Year: 2023, OfferID: "B", OfferName: "Beta", Location: 840, TargetGroups: both, TariffType: "dagtakst", AmountH: 50000},
		// C: an hourly rate: in no average, but its rise counts
		{Year: 2022, OfferID: "C", OfferName: "Gamma", Location: 851, TargetGroups: autism, TariffType: "timetakst", AmountH: 30000},
		{Year: 2023, OfferID: "C", OfferName: "Gamma", Location: 851, TargetGroups: autism, TariffType: "timetakst", AmountH: 40000},
	}
	cfg := DefaultConfig()
	if cfg.TariffFramePct != 2.5 {
		t.Fatalf("default frame %v, want 2,5 %%", cfg.TariffFramePct)
	}
	byID := map[string]Finding{}
	for _, lang := range []string{"da", "en"} {
		for _, f := range Tariffs(lines, cfg, lang) {
			byID[lang+" "+f.ID] = f
		}
	}
	cases := []struct {
		id, severity string
		average      float64
		offers       int
		sentence     string
	}{
		{"da tariff-2021-1081-autisme-boern-doegn", Info, 1000, 1,
			"Børn og unge med autisme: den gennemsnitlige døgntakst var 1.000 kr. i 2021 (1 tilbud)."},
		{"da tariff-2022-1081-autisme-boern-doegn", Warning, 1510, 2,
			"Børn og unge med autisme: den gennemsnitlige døgntakst var 1.510 kr. i 2022 (2 tilbud), 51 % mere end i 2021. Stigningen fra 2021 er over den aftalte ramme på 2,5 % om året."},
		// 1.550 against 1.510 is +2,65 %: above the frame, and "3 %" reads so
		{"da tariff-2023-1081-autisme-boern-doegn", Warning, 1550, 2,
			"Børn og unge med autisme: den gennemsnitlige døgntakst var 1.550 kr. i 2023 (2 tilbud), 3 % mere end i 2022 og 55 % mere end i 2021. Stigningen fra 2022 er over den aftalte ramme på 2,5 % om året."},
		{"en tariff-2023-1081-autisme-boern-doegn", Warning, 1550, 2,
			"Children and young people with autism: the average residential tariff was DKK 1,550 in 2023 (2 offers), 3% more than in 2022 and 55% more than in 2021. The rise since 2022 is above the agreed frame of 2.5% a year."},
		{"da tariff-2023-851-autisme-boern-doegn", Warning, 1050, 1,
			"Børn og unge med autisme i Aalborg: den gennemsnitlige døgntakst var 1.050 kr. i 2023 (1 tilbud), 3 % mere end i 2022 og 5 % mere end i 2021. Stigningen fra 2022 er over den aftalte ramme på 2,5 % om året."},
		// exactly the frame: no warning, and the rise is not rounded up to 3 %
		{"da tariff-2023-840-misbrug-doegn", Info, 2050, 1,
			"Borgere med misbrug i Rebild: den gennemsnitlige døgntakst var 2.050 kr. i 2023 (1 tilbud), 2,5 % mere end i 2022."},
		{"da tariff-2023-840-misbrug-dag", Info, 500, 1,
			"Borgere med misbrug i Rebild: den gennemsnitlige dagtakst var 500 kr. i 2023 (1 tilbud)."},
		{"da tariff_rise-2023-A-døgntakst", Warning, 1050, 1,
			"Alfa: taksten (døgntakst) steg 3 % fra 2022 til 2023 (fra 1.020 kr. til 1.050 kr.), mere end den aftalte ramme på 2,5 % om året."},
		{"en tariff_rise-2023-A-døgntakst", Warning, 1050, 1,
			"Alfa: the residential tariff rose 3% from 2022 to 2023 (from DKK 1,020 to DKK 1,050), more than the agreed frame of 2.5% a year."},
		{"en tariff_rise-2023-C-timetakst", Warning, 400, 1,
			"Gamma: the tariff (timetakst) rose 33% from 2022 to 2023 (from DKK 300 to DKK 400), more than the agreed frame of 2.5% a year."},
	}
	for _, c := range cases {
		f, ok := byID[c.id]
		if !ok {
			t.Errorf("%s: no finding", c.id)
			continue
		}
		if f.Severity != c.severity || f.Tariff.Average != c.average || f.Tariff.Offers != c.offers {
			t.Errorf("%s: severity %s average %v offers %d, want %s %v %d", c.id, f.Severity, f.Tariff.Average, f.Tariff.Offers, c.severity, c.average, c.offers)
		}
		if f.Sentence != c.sentence {
			t.Errorf("%s:\n got  %s\n want %s", c.id, f.Sentence, c.sentence)
		}
	}
	if f := byID["da tariff_rise-2023-C-timetakst"]; f.PlaceType != "alle" || f.Area != 851 || f.TargetGroup != "autisme-boern" {
		t.Errorf("the hourly rate's rise: place type %s area %d group %s", f.PlaceType, f.Area, f.TargetGroup)
	}
	for _, id := range []string{"tariff_rise-2023-B-Døgntakst", "tariff_rise-2022-A-døgntakst", "tariff-2023-1081-autisme-boern-alle"} {
		if _, ok := byID["da "+id]; ok {
			t.Errorf("%s: a finding, want none (at the frame, within it, or no average for place type alle)", id)
		}
	}
	// a frame of 3 % leaves A's 2,94 % alone
	cfg.TariffFramePct = 3
	for _, f := range Tariffs(lines, cfg, "da") {
		if f.ID == "tariff_rise-2023-A-døgntakst" {
			t.Errorf("with a frame of 3 %%: %s", f.Sentence)
		}
	}
}
