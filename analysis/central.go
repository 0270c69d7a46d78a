package analysis

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/kapacitet/kapacitet/data"
)

// KindCentral is a finding on a target group of the central announcements (centrale udmeldinger): the
// national social board asks the regions to report on these groups every year, however few citizens they
// count.
const KindCentral = "central_announcement"

// CentralGroups are the target groups of the central announcements: developmental disability with a
// sentence (who may need a secure ward), pregnant women with substance misuse, and severe eating disorders.
var CentralGroups = []string{"udviklingshaemning-dom", "gravide-misbrug", "spiseforstyrrelse"}

// CentralAnnouncements returns, for every year with both supply and demand data and every central group, the
// region's supply and demand (place type alle) and the full-year places its municipalities bought in offers
// outside the region, also when they are small or 0. For a viewer (in.Viewer), demand follows the demand
// tables' disclosure control and purchases outside the region follow the purchase tables' (FlowTable). The severity is the gap's: critical for a critical shortage, warning for a shortage, info
// otherwise.
func CentralAnnouncements(in Input, flows []data.PurchaseFlow, cfg Config, lang string) []Finding {
	sr := prepare(in)
	type yearGroup struct {
		year  int
		group string
	}
	outside := map[yearGroup]int64{} // hundredths bought outside the region
	for _, f := range flows {
		if data.InRegion(f.Buyer) && !data.InRegion(f.Location) {
			outside[yearGroup{f.Year, f.TargetGroup}] += f.PlacesH
		}
	}
	var flowsHidden map[FlowCell]Hidden
	if sr.hidden != nil {
		flowsHidden = hiddenFlows(flows)
	}
	var out []Finding
	for _, y := range sr.years {
		if !sr.supplyYears[y] {
			continue
		}
		for _, g := range CentralGroups {
			k := Key{Year: y, Area: data.RegionCode, TargetGroup: g, PlaceType: data.PlaceTypeAll.Code}
			s, d := sr.supply[k], sr.demand[k]
			sev := Info
			switch cfg.Severity(s, d) {
			case CriticalShortage:
				sev = Critical
			case Shortage:
				sev = Warning
			}
			h := outside[yearGroup{y, g}]
			bought := places(h)
			f := Finding{
				ID:   fmt.Sprintf("%s-%d-%s", KindCentral, y, g),
				Kind: KindCentral, Severity: sev, Year: y, TargetGroup: g, Area: data.RegionCode,
				PlaceType: data.PlaceTypeAll.Code, Supply: s, Demand: d, Gap: d - s, BoughtOutside: &bought,
			}
			f.URL = Link(f)
			if d > 0 {
				share := float64(d-s) / float64(d)
				f.GapShare = &share
			}
			if sr.hidden != nil {
				hideDemand(&f, hiddenAt(&f, sr.hidden))
				// the purchases outside the region are the region's "elsewhere" in the viewer's purchase table
				if shown := flowsHidden[FlowCell{y, g, data.RegionCode, "elsewhere", 0}].Shown(); shown != "" {
					f.hide("bought_outside_region", shown)
					f.BoughtOutside = nil
				}
			}
			f.Sentence = centralSentence(f, h, lang)
			out = append(out, f)
		}
	}
	SortFindings(out)
	return out
}

// centralSentence says a central group's supply, demand and purchases outside the region (h hundredths).
func centralSentence(f Finding, h int64, lang string) string {
	en := lang == "en"
	n := func(v int64) string { return FormatInt(v, lang) }
	group := groupName(f.TargetGroup, lang)
	unit := phrasesFor(lang).count(f.Supply)
	var dem string
	switch shown, hidden := f.Suppressed["demand"]; {
	case hidden && shown == "<5" && en:
		dem = "demand of fewer than 5"
	case hidden && shown == "<5":
		dem = "en efterspørgsel på færre end 5"
	case hidden && en:
		dem = "demand not shown, for confidentiality"
	case hidden:
		dem = "en efterspørgsel, der ikke vises af hensyn til diskretion"
	case en:
		dem = "demand of " + n(f.Demand)
	default:
		dem = "en efterspørgsel på " + n(f.Demand)
	}
	var bought string
	switch shown := f.Suppressed["bought_outside_region"]; {
	case shown != "":
		bought = hiddenPlaces(shown, true, lang)
	case h == 0 && en:
		bought = "no places"
	case h == 0:
		bought = "ingen pladser"
	default:
		bought = fullYearPlaces(h, lang)
	}
	if en {
		return fmt.Sprintf("Central announcement, %s: %s %s in the region and %s in %d; the region's municipalities bought %s outside the region.",
			lowerFirst(group), n(f.Supply), unit, dem, f.Year, bought)
	}
	return fmt.Sprintf("Central udmelding, %s: %s %s i regionen og %s i %d; regionens kommuner købte %s uden for regionen.",
		lowerFirst(group), n(f.Supply), unit, dem, f.Year, bought)
}

// lowerFirst returns s with its first letter in lower case ("borgere med ..." inside a sentence).
func lowerFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToLower(r)) + s[i+utf8.RuneLen(r):]
	}
	return s
}
