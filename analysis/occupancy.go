package analysis

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kapacitet/kapacitet/data"
)

// OfferYear is one offer's capacity and occupancy in a year. Occupied and Budgeted are exact hundredths
// (16,90 full-year places = 1690; 95 % = 9500).
type OfferYear struct {
	Year        int
	OfferID     string
	Name        string
	Location    int
	TargetGroup string // the offer's first target group
	Places      int64
	Occupied    data.Hundredths
	HasOccupied bool
	Budgeted    data.Hundredths // percent in hundredths; 0 when unknown
	Enhanced    bool            // under enhanced cooperation that year
	Secure      bool
	National    bool
}

// pctOf is occupied (hundredths of a place) of places, in percent.
func pctOf(occupied, places int64) float64 { return float64(occupied) / float64(places) }

// Occupancy returns over-occupancy, at-risk and emergency-track findings. Over-occupancy (occupancy above
// cfg.OverOccupancyPct) is critical for secure wards and national offers and a warning elsewhere; an offer
// under enhanced cooperation more than cfg.AtRiskPoints below its budgeted occupancy is at risk, and two
// years in a row an emergency-track candidate.
func Occupancy(offers []OfferYear, cfg Config, lang string) []Finding {
	p := phrasesFor(lang)
	offers = append([]OfferYear(nil), offers...)
	sort.SliceStable(offers, func(i, j int) bool {
		if offers[i].OfferID != offers[j].OfferID {
			return offers[i].OfferID < offers[j].OfferID
		}
		return offers[i].Year < offers[j].Year
	})
	atRisk := map[string]map[int]OfferYear{}
	var out []Finding
	for _, o := range offers {
		if !o.HasOccupied || o.Places <= 0 {
			continue
		}
		occ := int64(o.Occupied) // hundredths of a place
		// an occupancy more than the configured points below the budget, shown so that it reads so next to
		// the budget shown as a whole percent
		below := func(y OfferYear) string {
			limit := float64(int64(y.Budgeted)-100*cfg.AtRiskPoints) / 100 // the budget is shown with its decimals
			return percent(clear(pctOf(int64(y.Occupied), y.Places), func(v float64) bool { return v < limit }, lang), lang)
		}
		base := Finding{Year: o.Year, TargetGroup: o.TargetGroup, Area: o.Location, PlaceType: data.PlaceTypeAll.Code,
			Supply: o.Places,
			Offer: &OfferRef{ID: o.OfferID, Name: o.Name, Occupancy: float64(occ) / 100 / float64(o.Places),
				Budgeted: float64(o.Budgeted) / 10000}}
		// occupancy > limit%  ⇔  occupied/places·100 > limit  ⇔  occ·100 > limit·places·100
		if occ*100 > cfg.OverOccupancyPct*o.Places*100 {
			f := base
			f.ID = fmt.Sprintf("over_occupancy-%d-%s", o.Year, o.OfferID)
			f.Kind, f.Severity = KindOverOccupancy, Warning
			if o.Secure || o.National {
				f.Severity = Critical
			}
			shown := percent(clear(pctOf(occ, o.Places), func(v float64) bool { return v > float64(cfg.OverOccupancyPct) }, lang), lang)
			// the occupied places, with a second decimal when one would read as full ("16,01", not "16,0" of 16)
			occText := FormatHundredths(occ, lang)
			if RoundDiv(occ, 10) <= o.Places*10 {
				occText = formatDecimals(occ, 2, lang)
			}
			f.Sentence = fmt.Sprintf(p.overOccupancy, o.Name, shown, o.Year,
				occText, FormatInt(o.Places, lang), p.count(o.Places))
			f.URL = Link(f)
			out = append(out, f)
		}
		// occupancy < budget − points  ⇔  occ·100 < (budget − points·100)·places   (budget in hundredths of %)
		if o.Enhanced && o.Budgeted > 0 && occ*100 < (int64(o.Budgeted)-cfg.AtRiskPoints*100)*o.Places {
			f := base
			f.ID = fmt.Sprintf("at_risk-%d-%s", o.Year, o.OfferID)
			f.Kind, f.Severity = KindAtRisk, Warning
			f.Sentence = fmt.Sprintf(p.atRisk, o.Name, below(o), o.Year, cfg.AtRiskPoints,
				percentHundredths(int64(o.Budgeted), lang))
			f.URL = Link(f)
			out = append(out, f)
			if atRisk[o.OfferID] == nil {
				atRisk[o.OfferID] = map[int]OfferYear{}
			}
			atRisk[o.OfferID][o.Year] = o
			if prev, ok := atRisk[o.OfferID][o.Year-1]; ok {
				e := base
				e.ID = fmt.Sprintf("emergency_track-%d-%s", o.Year, o.OfferID)
				e.Kind, e.Severity = KindEmergencyTrack, Critical
				var years []string
				for _, y := range []OfferYear{prev, o} {
					years = append(years, fmt.Sprintf(p.emergencyYear, y.Year, below(y)))
				}
				e.Sentence = fmt.Sprintf(p.emergency, o.Name, cfg.AtRiskPoints, percentHundredths(int64(o.Budgeted), lang), strings.Join(years, "; "))
				e.URL = Link(e)
				out = append(out, e)
			}
		}
	}
	SortFindings(out)
	return out
}
