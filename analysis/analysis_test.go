package analysis

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
)

func TestSeverityThresholds(t *testing.T) {
	cfg := DefaultConfig()
	for _, tc := range []struct {
		s, d int64
		want string
	}{
		{0, 0, ""},
		{57, 60, Shortage},          // gap 3 = 5 % of 60: inclusive
		{58, 60, Balance},           // gap 2 < 3
		{97, 100, Balance},          // gap 3 < 5 % of 100
		{95, 100, Shortage},         // gap 5 = 5 %
		{85, 100, CriticalShortage}, // gap 15 = 15 %
		{86, 100, Shortage},         // gap 14 < 15 %
		{17, 20, CriticalShortage},  // gap 3 = 15 % of 20
		{115, 100, Surplus},         // surplus 15 = 15 %
		{114, 100, Balance},         // surplus 14 < 15 %
		{3, 0, Surplus},             // no demand, 3 places
		{2, 0, Balance},             // no demand, 2 places
		{0, 2, Balance},             // gap 2 < 3
		{0, 3, CriticalShortage},
		{371, 412, Shortage},
	} {
		if got := cfg.Severity(tc.s, tc.d); got != tc.want {
			t.Errorf("Severity(S=%d, D=%d) = %q, want %q", tc.s, tc.d, got, tc.want)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{FormatInt(4876, "da"), "4.876"},
		{FormatInt(10449, "en"), "10,449"},
		{FormatInt(1234567, "da"), "1.234.567"},
		{FormatInt(-1234, "da"), "-1.234"},
		{FormatInt(999, "da"), "999"},
		{PctWhole(41, 412, "da"), "10 %"}, // 9,95 % rounds up
		{PctWhole(51, 361, "da"), "14 %"},
		{PctWhole(1, 8, "en"), "13%"}, // 12,5 % rounds half up
		{PctOneDecimal(2421, 10449, "da"), "23,2 %"},
		{PctOneDecimal(21, 200, "en"), "10.5%"},
		{FormatHundredths(1690, "da"), "16,9"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// autismInput is the demo's region-level autism figures, typed in by hand from PRODUCT.md and the issue.
func autismInput() Input {
	in := Input{Supply: map[Key]int64{}, Demand: map[Key]int64{}, Survey: map[SurveyKey]SurveyCount{}}
	supply := []int64{352, 358, 362, 364, 371}
	demand := []int64{361, 368, 379, 396, 412}
	for i, y := range []int{2019, 2020, 2021, 2022, 2023} {
		k := Key{Year: y, Area: data.RegionCode, TargetGroup: "autisme-boern", PlaceType: "doegn"}
		in.Supply[k], in.Demand[k] = supply[i], demand[i]
	}
	in.Survey[SurveyKey{2023, data.RegionCode, "autisme-boern"}] = SurveyCount{Low: 7, Scored: 11}
	return in
}

func find(fs []Finding, id string) *Finding {
	for i := range fs {
		if fs[i].ID == id {
			return &fs[i]
		}
	}
	return nil
}

func TestAutismSentence(t *testing.T) {
	fs := Gaps(autismInput(), DefaultConfig(), "da")
	f := find(fs, "gap-2023-1081-autisme-boern-doegn")
	if f == nil {
		t.Fatal("no 2023 autism finding")
	}
	want := "Børn og unge med autisme: efterspørgslen på 412 døgnpladser overstiger udbuddet på 371 med 41 pladser (10 %) i 2023. " +
		"Efterspørgslen er steget 14 % siden 2019, og 7 af 11 kommuner vurderer, at udbuddet kun i ringe grad dækker behovet."
	if f.Sentence != want {
		t.Errorf("sentence:\n got %s\nwant %s", f.Sentence, want)
	}
	if f.Severity != Shortage || f.Gap != 41 || f.GapShare == nil || math.Abs(*f.GapShare-41.0/412) > 1e-12 {
		t.Errorf("finding: %+v", f)
	}
	if f.URL != "/gaps?place_type=doegn&target_group=autisme-boern&year=2023" {
		t.Errorf("url: %s", f.URL)
	}
	en := find(Gaps(autismInput(), DefaultConfig(), "en"), "gap-2023-1081-autisme-boern-doegn")
	wantEN := "Children and young people with autism: demand for 412 residential places exceeds supply of 371 by 41 places (10%) in 2023. " +
		"Demand has risen 14% since 2019, and 7 of 11 municipalities consider that supply meets the need only poorly."
	if en.Sentence != wantEN {
		t.Errorf("english:\n got %s\nwant %s", en.Sentence, wantEN)
	}
	// the "alle" level exists and equals the residential figures here (no day places)
	if a := find(fs, "gap-2023-1081-autisme-boern-alle"); a == nil || a.Supply != 371 || a.Demand != 412 {
		t.Errorf("alle: %+v", a)
	}
}

func TestForecastAndGrowing(t *testing.T) {
	fs := Gaps(autismInput(), DefaultConfig(), "da")
	f := find(fs, "gap-2023-1081-autisme-boern-doegn")
	// least squares by hand: x = -2..2 around 2021, mean 383.2; slope = Σxy/Σx² = (−722−368+0+396+824)/10 = 13
	// 2024: 383.2 + 3·13 = 422.2; 2025: 435.2. Residuals: 361−357.2=3.8, 368−370.2=−2.2, 379−383.2=−4.2,
	// 396−396.2=−0.2, 412−409.2=2.8; SSR = 14.44+4.84+17.64+0.04+7.84 = 44.8; sd = √(44.8/3)
	if f.Trend == nil || len(f.Trend.Forecast) != 2 {
		t.Fatalf("trend: %+v", f.Trend)
	}
	if got := f.Trend.Forecast[0].Value; math.Abs(got-422.2) > 1e-9 {
		t.Errorf("forecast 2024: got %v, want 422.2", got)
	}
	if got := f.Trend.Forecast[1].Value; math.Abs(got-435.2) > 1e-9 {
		t.Errorf("forecast 2025: got %v, want 435.2", got)
	}
	if want := math.Sqrt(44.8 / 3); math.Abs(f.Trend.Band-want) > 1e-9 {
		t.Errorf("band: got %v, want %v", f.Trend.Band, want)
	}
	if !f.Trend.Growing || find(fs, "growing-2023-1081-autisme-boern-doegn") == nil {
		t.Error("growing finding missing")
	}
	// with two years only: no forecast, and the sentence says so
	in := autismInput()
	for k := range in.Demand {
		if k.Year < 2022 {
			delete(in.Demand, k)
			delete(in.Supply, k)
		}
	}
	f2 := find(Gaps(in, DefaultConfig(), "da"), "gap-2023-1081-autisme-boern-doegn")
	if f2.Trend.Forecast != nil || f2.Trend.Growing {
		t.Errorf("two years: %+v", f2.Trend)
	}
	if want := "Der er kun data for 2 år, så der laves ingen prognose."; f2.Sentence[len(f2.Sentence)-len(want):] != want {
		t.Errorf("two years sentence: %s", f2.Sentence)
	}
}

func TestGrowingIsExact(t *testing.T) {
	// demand 10, 11, 12 → forecast 13 and 14 exactly; supply 14 is not exceeded, supply 13 is
	for _, tc := range []struct {
		supply int64
		want   bool
	}{{14, false}, {13, true}} {
		in := Input{Supply: map[Key]int64{}, Demand: map[Key]int64{}}
		for i, y := range []int{2021, 2022, 2023} {
			k := Key{Year: y, Area: 1081, TargetGroup: "misbrug", PlaceType: "dag"}
			in.Demand[k] = int64(10 + i)
			in.Supply[k] = tc.supply
		}
		f := find(Gaps(in, DefaultConfig(), "da"), "gap-2023-1081-misbrug-dag")
		if f.Trend.Growing != tc.want {
			t.Errorf("supply %d: growing %v, want %v", tc.supply, f.Trend.Growing, tc.want)
		}
	}
}

func TestMissingYearCountsAsZeroDemand(t *testing.T) {
	in := Input{Supply: map[Key]int64{}, Demand: map[Key]int64{}}
	in.Demand[Key{2021, 1081, "misbrug", "dag"}] = 100
	in.Demand[Key{2022, 1081, "misbrug", "dag"}] = 100 // another group: marks 2022 as a year with demand data
	in.Demand[Key{2022, 1081, "gravide-misbrug", "doegn"}] = 1
	in.Demand[Key{2023, 1081, "gravide-misbrug", "doegn"}] = 2
	in.Demand[Key{2021, 1081, "gravide-misbrug", "doegn"}] = 0
	for _, y := range []int{2021, 2022, 2023} {
		in.Supply[Key{y, 1081, "misbrug", "dag"}] = 100
	}
	f := find(Gaps(in, DefaultConfig(), "da"), "gap-2023-1081-gravide-misbrug-doegn")
	if f == nil || f.Trend.FirstYear != 2021 || f.Trend.Years != 3 {
		t.Fatalf("trend: %+v", f)
	}
}

// A year with supply data but no demand data at all has no gap findings (it is not "no demand").
func TestYearWithoutDemandData(t *testing.T) {
	in := autismInput()
	in.Supply[Key{2024, 1081, "autisme-boern", "doegn"}] = 380
	fs := Gaps(in, DefaultConfig(), "da")
	for _, f := range fs {
		if f.Year == 2024 {
			t.Errorf("finding for a year without demand data: %s", f.Sentence)
		}
	}
	if find(fs, "gap-2023-1081-autisme-boern-doegn") == nil {
		t.Error("2023 finding lost")
	}
}

// A missing year of data does not cut the trend: "since 2019" even when 2020 was never loaded.
func TestTrendSpansAMissingYear(t *testing.T) {
	in := autismInput()
	for k := range in.Demand {
		if k.Year == 2020 {
			delete(in.Demand, k)
			delete(in.Supply, k)
		}
	}
	f := find(Gaps(in, DefaultConfig(), "da"), "gap-2023-1081-autisme-boern-doegn")
	if f.Trend.FirstYear != 2019 || f.Trend.Years != 4 || !strings.Contains(f.Sentence, "steget 14 % siden 2019") {
		t.Errorf("trend %+v: %s", f.Trend, f.Sentence)
	}
	g := find(Gaps(in, DefaultConfig(), "da"), "gap-2021-1081-autisme-boern-doegn")
	if g.Trend.PrevDemand != nil {
		t.Errorf("2021 has no previous year loaded, got %d", *g.Trend.PrevDemand)
	}
	one := find(Gaps(in, DefaultConfig(), "da"), "gap-2019-1081-autisme-boern-doegn")
	if !strings.HasSuffix(one.Sentence, "Der er kun data for ét år, så der laves ingen prognose.") {
		t.Errorf("one year: %s", one.Sentence)
	}
}

func TestPercentOfNothing(t *testing.T) {
	if got := PctWhole(3, 0, "da"); got != "–" {
		t.Errorf("PctWhole(3, 0) = %q", got)
	}
}

func TestOccupancy(t *testing.T) {
	kvisten := func(y int, occ data.Hundredths) OfferYear {
		return OfferYear{Year: y, OfferID: "1", Name: "Tilbud A", Location: 851, TargetGroup: "boern-sygepleje",
			Places: 12, Occupied: occ, HasOccupied: true, Budgeted: 9500, Enhanced: true}
	}
	offers := []OfferYear{
		kvisten(2020, 1050), // 87,5 %
		kvisten(2019, 1030), // 85,8 %
		kvisten(2021, 1080), // exactly 90 %: not more than 5 points below 95 %
		{Year: 2022, OfferID: "2", Name: "Sikret B", Location: 810, Places: 16, Occupied: 1690, HasOccupied: true, Secure: true},
		{Year: 2023, OfferID: "2", Name: "Sikret B", Location: 810, Places: 16, Occupied: 1600, HasOccupied: true, Secure: true}, // 100 %: not above
		{Year: 2024, OfferID: "2", Name: "Sikret B", Location: 810, Places: 16, Occupied: 1605, HasOccupied: true, Secure: true}, // 100,3 %
	}
	fs := Occupancy(offers, DefaultConfig(), "da")
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	for _, id := range []string{"at_risk-2019-1", "at_risk-2020-1", "emergency_track-2020-1", "over_occupancy-2022-2", "over_occupancy-2024-2"} {
		if find(fs, id) == nil {
			t.Errorf("missing %s in %v", id, ids)
		}
	}
	if len(fs) != 5 {
		t.Errorf("findings: got %v, want 5", ids)
	}
	if f := find(fs, "over_occupancy-2024-2"); f == nil || !strings.Contains(f.Sentence, "belægningen var 100,3 % i 2024") {
		t.Errorf("just above 100 %%: %+v", f)
	}
	want := "Sikret B: belægningen var 106 % i 2022 (16,9 helårspladser på 16 pladser), altså overbelægning."
	if f := find(fs, "over_occupancy-2022-2"); f == nil || f.Sentence != want || f.Severity != Critical {
		t.Errorf("over-occupancy: %+v", f)
	}
	want = "Tilbud A: belægningen har været mere end 5 procentpoint under den forudsatte belægning på 95 % to år i træk (2019: 86 %; 2020: 88 %). Tilbuddet er kandidat til nødsporet."
	if f := find(fs, "emergency_track-2020-1"); f == nil || f.Sentence != want {
		t.Errorf("emergency track: %+v", f)
	}
}

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte("[analysis]\nshortage_pct = 6\ntariff_frame_pct = 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.ShortagePct != 6 || c.CriticalPct != 15 || c.MinGap != 3 || c.TariffFramePct != 3 || c.tariffFrame() != 300 {
		t.Errorf("config: %+v", c)
	}
	// the shipped defaults are PRODUCT.md's
	d := DefaultConfig()
	if d != (Config{MinGap: 3, ShortagePct: 5, CriticalPct: 15, SurplusPct: 15, MinYearsForForecast: 3, ForecastYears: 2,
		AtRiskPoints: 5, OverOccupancyPct: 100, TariffFramePct: 2.5}) {
		t.Errorf("defaults: %+v", d)
	}
	for text, want := range map[string]string{
		"[analysis]\nshortage_pct = 20\n":    "critical_pct",
		"[analysis]\nshortage_pcts = 2\n":    `unknown key "shortage_pcts"`,
		"[analysis]\n[analyses]\n":           `unknown section or key "analyses"`,
		"[analysis]\nmin_gap = -1\n":         "min_gap = -1",
		"[analysis]\nforecast_years = 1.5\n": "analysis.forecast_years",
	} {
		if _, err := ParseConfig([]byte(text)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want an error naming %s", text, err, want)
		}
	}
}

// Sentences of a municipality's findings name it; its own survey answer is "kommunen vurderer"; one place is
// "1 døgnplads". Expected sentences written by hand.
func TestMunicipalSentences(t *testing.T) {
	in := Input{
		Supply: map[Key]int64{{2022, 773, "misbrug", "doegn"}: 1, {2023, 773, "misbrug", "doegn"}: 1, {2023, 851, "misbrug", "dag"}: 9},
		Demand: map[Key]int64{{2022, 773, "misbrug", "doegn"}: 4, {2023, 773, "misbrug", "doegn"}: 5, {2023, 851, "misbrug", "dag"}: 1},
		Survey: map[SurveyKey]SurveyCount{{2023, 773, "misbrug"}: {Low: 1, Scored: 1}},
	}
	want := map[string][2]string{
		"gap-2023-773-misbrug-doegn": {
			"Borgere med misbrug i Morsø: efterspørgslen på 5 døgnpladser overstiger udbuddet på 1 med 4 pladser (80 %) i 2023. " +
				"Efterspørgslen er steget 25 % siden 2022, og kommunen vurderer, at udbuddet kun i ringe grad dækker behovet. " +
				"Der er kun data for 2 år, så der laves ingen prognose.",
			"Citizens with substance misuse in Morsø: demand for 5 residential places exceeds supply of 1 by 4 places (80%) in 2023. " +
				"Demand has risen 25% since 2022, and the municipality considers that supply meets the need only poorly. " +
				"There are data for only 2 years, so no forecast is made."},
		"gap-2022-773-misbrug-doegn": {
			"Borgere med misbrug i Morsø: efterspørgslen på 4 døgnpladser overstiger udbuddet på 1 med 3 pladser (75 %) i 2022. " +
				"Der er kun data for ét år, så der laves ingen prognose.",
			"Citizens with substance misuse in Morsø: demand for 4 residential places exceeds supply of 1 by 3 places (75%) in 2022. " +
				"There are data for one year only, so no forecast is made."},
		"gap-2023-851-misbrug-dag": {
			"Borgere med misbrug i Aalborg: udbuddet på 9 dagpladser overstiger efterspørgslen på 1 med 8 pladser (800 %) i 2023. " +
				"Der er kun data for 2 år, så der laves ingen prognose.",
			"Citizens with substance misuse in Aalborg: supply of 9 day places exceeds demand of 1 by 8 places (800%) in 2023. " +
				"There are data for only 2 years, so no forecast is made."},
	}
	for i, lang := range []string{"da", "en"} {
		fs := Gaps(in, DefaultConfig(), lang)
		for id, w := range want {
			if f := find(fs, id); f == nil || f.Sentence != w[i] {
				t.Errorf("%s %s:\n got %+v\nwant %s", id, lang, f, w[i])
			}
		}
	}
	// one place: singular
	one := Gaps(Input{Supply: map[Key]int64{{2023, 825, "misbrug", "doegn"}: 1}, Demand: map[Key]int64{{2023, 825, "misbrug", "doegn"}: 1}}, DefaultConfig(), "da")
	if f := find(one, "gap-2023-825-misbrug-doegn"); f == nil || !strings.HasPrefix(f.Sentence, "Borgere med misbrug i Læsø: udbuddet på 1 døgnplads og efterspørgslen på 1 er i balance i 2023.") {
		t.Errorf("singular: %+v", f)
	}
}

// Capacity changes: every line compared with the same line the year before, summed per area, target group
// and category; expected numbers and sentences worked out by hand.
func TestCapacityChanges(t *testing.T) {
	l := func(year, loc int, offer, name, pt string, places int64) data.CapacityLine {
		return data.CapacityLine{Year: year, Location: loc, Category: "kommunal", TargetGroup: "autisme-boern", PlaceType: pt,
			OfferID: offer, OfferName: name, Ownership: "kommunal", Places: places}
	}
	lines := []data.CapacityLine{
		l(2022, 851, "A1", "Bostedet", "doegn", 10), l(2022, 851, "", "", "dag", 4), l(2022, 773, "B2", "Huset", "doegn", 5),
		l(2023, 851, "A1", "Bostedet", "doegn", 16), l(2023, 851, "", "", "dag", 2), l(2023, 773, "B2", "Huset", "doegn", 3),
		l(2023, 773, "C3", "Nyt", "doegn", 1), l(2023, 851, "D4", "Fjerde", "dag", 1),
		// 2021 to 2022: unchanged, no finding
		l(2021, 851, "A1", "Bostedet", "doegn", 10), l(2021, 851, "", "", "dag", 4), l(2021, 773, "B2", "Huset", "doegn", 5),
	}
	want := map[string]struct {
		severity          string
		prev, now, op, cl int64
		da, en            string
	}{
		"capacity_change-2023-1081-autisme-boern-kommunal": {Info, 19, 23, 8, 4,
			"Børn og unge med autisme, kommunale pladser: 8 pladser åbnet og 4 lukket siden 2022 (fra 19 til 23), herunder Bostedet (+6), Huset (−2), Nyt (+1) og 1 andet tilbud.",
			"Children and young people with autism, municipal places: 8 places opened and 4 closed since 2022 (from 19 to 23), including Bostedet (+6), Huset (−2), Nyt (+1) and 1 other offer."},
		"capacity_change-2023-851-autisme-boern-kommunal": {Info, 14, 19, 7, 2,
			"Børn og unge med autisme, kommunale pladser i Aalborg: 7 pladser åbnet og 2 lukket siden 2022 (fra 14 til 19), herunder Bostedet (+6) og Fjerde (+1).",
			"Children and young people with autism, municipal places in Aalborg: 7 places opened and 2 closed since 2022 (from 14 to 19), including Bostedet (+6) and Fjerde (+1)."},
		"capacity_change-2023-773-autisme-boern-kommunal": {Warning, 5, 4, 1, 2,
			"Børn og unge med autisme, kommunale pladser i Morsø: 1 plads åbnet og 2 lukket siden 2022 (fra 5 til 4), herunder Huset (−2) og Nyt (+1).",
			"Children and young people with autism, municipal places in Morsø: 1 place opened and 2 closed since 2022 (from 5 to 4), including Huset (−2) and Nyt (+1)."},
	}
	for i, lang := range []string{"da", "en"} {
		fs := CapacityChanges(lines, lang)
		if len(fs) != len(want) {
			t.Errorf("%d findings, want %d: %+v", len(fs), len(want), fs)
		}
		for id, w := range want {
			f := find(fs, id)
			if f == nil {
				t.Errorf("%s missing", id)
				continue
			}
			c := f.Change
			if f.Severity != w.severity || c.Previous != w.prev || f.Supply != w.now || c.Opened != w.op || c.Closed != w.cl {
				t.Errorf("%s: %+v %+v", id, f, c)
			}
			if s := []string{w.da, w.en}[i]; f.Sentence != s {
				t.Errorf("%s %s:\n got %s\nwant %s", id, lang, f.Sentence, s)
			}
		}
	}
	// only closed; a line gone entirely counts as closed
	only := CapacityChanges([]data.CapacityLine{l(2022, 825, "", "", "doegn", 1), l(2023, 851, "", "", "doegn", 0)}, "da")
	if f := find(only, "capacity_change-2023-825-autisme-boern-kommunal"); f == nil ||
		f.Sentence != "Børn og unge med autisme, kommunale pladser i Læsø: 1 plads lukket siden 2022 (fra 1 til 0)." {
		t.Errorf("closed: %+v", f)
	}
}

// A number rounded for a sentence never contradicts the exact comparison behind the finding, and counts
// agree with their nouns. Expected sentences written by hand.
func TestSentencesReadAsTheirComparison(t *testing.T) {
	// 8,96 of 10 places is 89,6 %: "90 %" would not read as more than 5 points below 95 %
	occ := Occupancy([]OfferYear{
		{Year: 2023, OfferID: "A", Name: "Tilbud A", Location: 851, Places: 10, Occupied: 896, HasOccupied: true, Budgeted: 9500, Enhanced: true},
		{Year: 2023, OfferID: "C", Name: "Tilbud C", Location: 851, Places: 1, Occupied: 110, HasOccupied: true},
	}, DefaultConfig(), "da")
	for id, want := range map[string]string{
		"at_risk-2023-A":        "Tilbud A: belægningen var 89,6 % i 2023, mere end 5 procentpoint under den forudsatte belægning på 95 %.",
		"over_occupancy-2023-C": "Tilbud C: belægningen var 110 % i 2023 (1,1 helårspladser på 1 plads), altså overbelægning.",
	} {
		if f := find(occ, id); f == nil || f.Sentence != want {
			t.Errorf("%s:\n got %+v\nwant %s", id, f, want)
		}
	}
	// demand 31, 32, 33, 34, 34: the forecast is 35,2 in 2024 and 36 in 2025; supply 35 in 2023
	in := Input{Supply: map[Key]int64{}, Demand: map[Key]int64{}, Survey: map[SurveyKey]SurveyCount{
		{2023, data.RegionCode, "misbrug"}: {Low: 1, Scored: 11}, {2022, data.RegionCode, "misbrug"}: {Low: 1, Scored: 1}}}
	for i, d := range []int64{31, 32, 33, 34, 34} {
		in.Demand[Key{2019 + i, data.RegionCode, "misbrug", "doegn"}] = d
		in.Supply[Key{2019 + i, data.RegionCode, "misbrug", "doegn"}] = 35
	}
	da, en := Gaps(in, DefaultConfig(), "da"), Gaps(in, DefaultConfig(), "en")
	want := "Borgere med misbrug: efterspørgslen efter døgnpladser ventes at nå 35,2 (± 0) i 2024 og 36 (± 0) i 2025, mere end udbuddet på 35 i 2023."
	if f := find(da, "growing-2023-1081-misbrug-doegn"); f == nil || f.Sentence != want {
		t.Errorf("growing:\n got %+v\nwant %s", f, want)
	}
	for _, c := range []struct {
		fs       []Finding
		id, part string
	}{
		{en, "gap-2023-1081-misbrug-doegn", "and 1 of 11 municipalities considers that supply meets the need only poorly."},
		{da, "gap-2023-1081-misbrug-doegn", "og 1 af 11 kommuner vurderer, at udbuddet kun i ringe grad dækker behovet."},
		{da, "gap-2022-1081-misbrug-doegn", "og 1 af 1 kommune vurderer, at udbuddet kun i ringe grad dækker behovet."},
	} {
		if f := find(c.fs, c.id); f == nil || !strings.Contains(f.Sentence, c.part) {
			t.Errorf("%s: %+v lacks %q", c.id, f, c.part)
		}
	}
}

// A finding's URL is the overview filtered to it, parameters in alphabetical order, values escaped.
func TestFilterURL(t *testing.T) {
	cases := map[string]Filter{
		"/?":          {},
		"/?year=2023": {Year: 2023},
		"/?municipality=851&place_type=doegn&target_group=autisme-boern&year=2023": {Year: 2023, TargetGroup: "autisme-boern", PlaceType: "doegn", Municipality: 851},
		"/?kind=tariff&municipality=all&offer=A+%26+B&severity=warning":            {Kind: "tariff", Municipality: AllAreas, Offer: "A & B", Severity: "warning"},
		"/?target_group=misbrug": {TargetGroup: "misbrug", Municipality: 1081},
	}
	for want, x := range cases {
		if got := x.URL(); got != want {
			t.Errorf("%+v: %s, want %s", x, got, want)
		}
	}
}

// A finding links to the page that shows its numbers: self-sufficiency on its municipality's page, an
// offer's occupancy at its row of /offers, the rest on /gaps filtered to it (a gap without its kind, so that
// the growing demand and changes of its series show beside it).
func TestLink(t *testing.T) {
	offer := &OfferRef{ID: "A&B 1"}
	cases := map[string]Finding{
		"/gaps?municipality=851&place_type=dag&target_group=autisme-boern&year=2023":                            {Kind: KindGap, Year: 2023, Area: 851, TargetGroup: "autisme-boern", PlaceType: "dag"},
		"/gaps?kind=growing&place_type=alle&target_group=misbrug&year=2022":                                     {Kind: KindGrowing, Year: 2022, Area: 1081, TargetGroup: "misbrug", PlaceType: "alle"},
		"/municipalities/825?target_group=socialpsykiatri&year=2023":                                            {Kind: KindSelfSufficiency, Year: 2023, Area: 825, TargetGroup: "socialpsykiatri", PlaceType: "alle"},
		"/offers?year=2022#offer-A&B%201":                                                                       {Kind: KindAtRisk, Year: 2022, Area: 851, Offer: offer},
		"/gaps?kind=tariff_rise&offer=A%26B+1&year=2021":                                                        {Kind: KindTariffRise, Year: 2021, Area: 851, TargetGroup: "autisme-boern", Offer: offer},
		"/gaps?kind=capacity_change&municipality=773&place_type=alle&target_group=udviklingshaemning&year=2023": {Kind: KindCapacityChange, Year: 2023, Area: 773, TargetGroup: "udviklingshaemning", PlaceType: "alle"},
	}
	for want, f := range cases {
		if got := Link(f); got != want {
			t.Errorf("%+v: %s, want %s", f, got, want)
		}
	}
}

// Merging sorted lists gives what sorting them joined gives, ties in the order of the lists: random findings
// with many equal keys, in random lists.
func TestMergeFindings(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	for round := 0; round < 200; round++ {
		lists := make([][]Finding, 1+rng.IntN(6))
		var joined []Finding
		for l := range lists {
			for n := rng.IntN(30); n > 0; n-- {
				f := Finding{ID: fmt.Sprintf("%d-%d", l, n), Year: 2022 + rng.IntN(2), Area: []int{data.RegionCode, 851, 825}[rng.IntN(3)],
					Severity: pick(Shortage, Balance, Info), TargetGroup: pick("a", "b"), PlaceType: pick("dag", "doegn", "alle"), Kind: pick("gap", "tariff")}
				lists[l] = append(lists[l], f)
			}
			SortFindings(lists[l])
			joined = append(joined, lists[l]...)
		}
		SortFindings(joined)
		merged := MergeFindings(lists)
		if len(merged) != len(joined) {
			t.Fatalf("%d merged, %d joined", len(merged), len(joined))
		}
		for i := range merged {
			if merged[i].ID != joined[i].ID {
				t.Fatalf("round %d: at %d merged %s, sorted %s", round, i, merged[i].ID, joined[i].ID)
			}
		}
	}
}

// Gaps writes its findings in their places in the order rather than sorting them afterwards: the order must
// be SortFindings's, on random series with gaps and growing demand of every severity.
func TestGapsOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 50; round++ {
		in := Input{Supply: map[Key]int64{}, Demand: map[Key]int64{}, Survey: map[SurveyKey]SurveyCount{}, Viewer: round%2 == 0}
		for _, area := range []int{851, 825, 849} {
			for _, g := range []string{"autisme-boern", "udviklingshaemning", "misbrug"} {
				for _, pt := range []string{"dag", "doegn"} {
					base := int64(rng.IntN(60))
					for y := 2019; y <= 2023; y++ {
						k := Key{Year: y, Area: area, TargetGroup: g, PlaceType: pt}
						in.Supply[k] = base + 1 + int64(rng.IntN(20)) // never 0: every cell has a finding
						in.Demand[k] = base + int64(rng.IntN(10)*(y-2018))
					}
				}
			}
		}
		fs := Gaps(in, DefaultConfig(), "da")
		sorted := slices.Clone(fs)
		SortFindings(sorted)
		kinds := map[string]int{}
		for i := range fs {
			kinds[fs[i].Kind]++
			if fs[i].ID != sorted[i].ID {
				t.Fatalf("round %d: at %d %s, sorted %s", round, i, fs[i].ID, sorted[i].ID)
			}
		}
		// 3 areas, 3 groups, dag, doegn and alle, 5 years
		if kinds[KindGap] != 3*3*3*5 || kinds[KindGrowing] == 0 {
			t.Fatalf("round %d: %v", round, kinds)
		}
	}
}
