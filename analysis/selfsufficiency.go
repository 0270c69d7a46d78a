package analysis

import (
	"encoding/json"
	"sort"

	"github.com/kapacitet/kapacitet/data"
)

// KindSelfSufficiency is a finding of how much of what an area buys lies in the area itself, and of the
// places it buys from and sells to others.
const KindSelfSufficiency = "self_sufficiency"

// Flows are an area's purchases in a year for a target group and place type, in full-year places.
// Self-sufficiency is Home / Bought: the share of the places the area's municipalities buy for their own
// citizens that lie in offers located in the area (for the region: in the region).
type Flows struct {
	Bought    float64  `json:"bought"`                // places the area's municipalities bought
	Home      float64  `json:"home"`                  // of them in offers located in the area
	Share     *float64 `json:"share"`                 // Home / Bought; nil when nothing was bought
	Elsewhere float64  `json:"elsewhere"`             // Bought − Home
	Sold      float64  `json:"sold"`                  // places others bought in offers located in the area
	From      []Flow   `json:"bought_from,omitempty"` // where the area bought elsewhere, largest first
	To        []Flow   `json:"sold_to,omitempty"`     // who bought in the area, largest first

	bought, home, sold int64             // hundredths
	hidden             map[string]string // for a viewer: hidden fields (bought, home, elsewhere, sold, share) and what shows
}

// MarshalJSON writes the flows with their hidden numbers as null.
func (fl Flows) MarshalJSON() ([]byte, error) {
	type plain Flows
	out := struct {
		plain
		Bought    *float64 `json:"bought"`
		Home      *float64 `json:"home"`
		Elsewhere *float64 `json:"elsewhere"`
		Sold      *float64 `json:"sold"`
	}{plain(fl), &fl.Bought, &fl.Home, &fl.Elsewhere, &fl.Sold}
	for field, v := range map[string]**float64{"bought": &out.Bought, "home": &out.Home, "elsewhere": &out.Elsewhere, "sold": &out.Sold} {
		if _, hidden := fl.hidden[field]; hidden {
			*v = nil
		}
	}
	return json.Marshal(out)
}

// Flow is the places bought between the finding's area and another (Area 0: an offer not among the year's
// offers).
type Flow struct {
	Area   int     `json:"area"`
	Name   string  `json:"name"`
	Places float64 `json:"places"` // null when hidden from a viewer
	// Suppressed is what a viewer sees instead of the places: "<5" or "–" (disclosure control).
	Suppressed string `json:"suppressed,omitempty"`

	h int64 // hundredths
}

// MarshalJSON writes a flow with its hidden places as null.
func (f Flow) MarshalJSON() ([]byte, error) {
	type plain Flow
	out := struct {
		plain
		Places *float64 `json:"places"`
	}{plain(f), &f.Places}
	if f.Suppressed != "" {
		out.Places = nil
	}
	return json.Marshal(out)
}

// SelfSufficiency returns, per year, area (the region and each of its municipalities that bought or sold
// places), target group and place type (dag, doegn and alle), the self-sufficiency and the flows of places
// bought from and sold to other areas. Purchases without a target group count only under no target group.
// For a viewer, disclosure control applies (FlowTable, Suppress): place type alle only, and every number
// below 5 full-year places, and whatever would let it be worked out, is hidden.
func SelfSufficiency(flows []data.PurchaseFlow, viewer bool, lang string) []Finding {
	type cellKey struct {
		Year, Area             int
		TargetGroup, PlaceType string
	}
	type cell struct {
		bought, home, sold int64
		from, to           map[int]int64
	}
	cells := map[cellKey]*cell{}
	get := func(k cellKey) *cell {
		c := cells[k]
		if c == nil {
			c = &cell{from: map[int]int64{}, to: map[int]int64{}}
			cells[k] = c
		}
		return c
	}
	inRegion := data.InRegion
	for _, f := range flows {
		if f.TargetGroup == "" || f.PlacesH == 0 {
			continue
		}
		for _, pt := range []string{f.PlaceType, data.PlaceTypeAll.Code} {
			if pt == "" || viewer && pt != data.PlaceTypeAll.Code { // a viewer gets alle only
				continue
			}
			at := func(area int) *cell { return get(cellKey{f.Year, area, f.TargetGroup, pt}) }
			if inRegion(f.Buyer) {
				c := at(f.Buyer)
				c.bought += f.PlacesH
				if f.Location == f.Buyer {
					c.home += f.PlacesH
				} else {
					c.from[f.Location] += f.PlacesH
				}
				r := at(data.RegionCode)
				r.bought += f.PlacesH
				if inRegion(f.Location) {
					r.home += f.PlacesH
				} else {
					r.from[f.Location] += f.PlacesH
				}
			}
			if inRegion(f.Location) && f.Location != f.Buyer {
				c := at(f.Location)
				c.sold += f.PlacesH
				c.to[f.Buyer] += f.PlacesH
				if !inRegion(f.Buyer) {
					r := at(data.RegionCode)
					r.sold += f.PlacesH
					r.to[f.Buyer] += f.PlacesH
				}
			}
		}
	}
	var hidden map[FlowCell]Hidden
	if viewer {
		hidden = hiddenFlows(flows)
	}
	out := make([]Finding, 0, len(cells))
	for k, c := range cells {
		fl := Flows{Bought: places(c.bought), Home: places(c.home), Elsewhere: places(c.bought - c.home),
			Sold: places(c.sold), From: flowList(c.from), To: flowList(c.to), bought: c.bought, home: c.home, sold: c.sold}
		if c.bought > 0 {
			share := float64(c.home) / float64(c.bought)
			fl.Share = &share
		}
		f := Finding{
			ID:   KindSelfSufficiency + "-" + itoa(k.Year) + "-" + itoa(k.Area) + "-" + k.TargetGroup + "-" + k.PlaceType,
			Kind: KindSelfSufficiency, Severity: Info, Year: k.Year, TargetGroup: k.TargetGroup, Area: k.Area,
			PlaceType: k.PlaceType, Flows: &fl,
		}
		f.URL = Link(f)
		if viewer {
			hideFlows(&f, hidden)
		}
		f.Sentence = flowSentence(f, lang)
		out = append(out, f)
	}
	SortFindings(out)
	return out
}

// hideFlows hides from a viewer the numbers of a self-sufficiency finding that disclosure control hides, and
// the share when what it divides is hidden. Hidden flows go to the end of their list, by area, so that their
// place in it says nothing of their size.
func hideFlows(f *Finding, hidden map[FlowCell]Hidden) {
	fl := f.Flows
	at := func(field string, other int) string {
		return hidden[FlowCell{f.Year, f.TargetGroup, f.Area, field, other}].Shown()
	}
	fl.hidden = map[string]string{}
	for _, n := range []struct {
		field string
		v     *float64
	}{{"bought", &fl.Bought}, {"home", &fl.Home}, {"elsewhere", &fl.Elsewhere}, {"sold", &fl.Sold}} {
		if shown := at(n.field, 0); shown != "" {
			fl.hidden[n.field] = shown
			f.hide("flows."+n.field, shown)
			*n.v = 0
		}
	}
	if _, b := fl.hidden["bought"]; b || fl.hidden["home"] != "" {
		if fl.Share != nil {
			fl.hidden["share"] = "–"
			f.hide("flows.share", "–")
		}
		fl.Share = nil
	}
	for _, list := range []struct {
		field string
		flows []Flow
	}{{"from", fl.From}, {"to", fl.To}} {
		for i := range list.flows {
			if shown := at(list.field, list.flows[i].Area); shown != "" {
				list.flows[i].Suppressed, list.flows[i].Places = shown, 0
			}
		}
		sort.SliceStable(list.flows, func(i, j int) bool {
			a, b := list.flows[i], list.flows[j]
			if (a.Suppressed == "") != (b.Suppressed == "") {
				return a.Suppressed == ""
			}
			return a.Suppressed != "" && a.Area < b.Area
		})
	}
}

// places converts hundredths of full-year places to a number for JSON.
func places(h int64) float64 { return float64(h) / 100 }

// flowList lists the areas of m, largest first (then by code).
func flowList(m map[int]int64) []Flow {
	var out []Flow
	for area, h := range m {
		name := ""
		if mu, ok := data.MunicipalityByCode(area); ok {
			name = mu.Name
		}
		out = append(out, Flow{Area: area, Name: name, Places: places(h), h: h})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].h != out[j].h {
			return out[i].h > out[j].h
		}
		return out[i].Area < out[j].Area
	})
	return out
}

// fullYearPlaces writes hundredths of full-year places with one decimal and their unit ("1,0 helårsplads",
// "16,9 helårspladser").
func fullYearPlaces(h int64, lang string) string {
	unit := [2][2]string{{"helårspladser", "full-year places"}, {"helårsplads", "full-year place"}}
	one := 0
	if RoundDiv(h, 10) == 10 {
		one = 1
	}
	l := 0
	if lang == "en" {
		l = 1
	}
	return FormatHundredths(h, lang) + " " + unit[one][l]
}

// flowWords are the phrases of a self-sufficiency sentence, for a municipality or the region, in one language.
type flowWords struct {
	bought, allHome, allAway, mixed, away, in, most, sold, nothing string
}

var flowPhrases = map[[2]bool]flowWords{ // {region, English}
	{false, false}: {bought: "%s: kommunen købte %s i %d", allHome: ", alle i tilbud beliggende i kommunen selv",
		allAway: ", alle %s%s", mixed: ", heraf %s i tilbud beliggende i kommunen selv og %s %s%s", away: "i andre kommuner",
		in: "i %s", most: ", mest i %s (%s)", sold: "; andre kommuner købte %s i kommunens tilbud",
		nothing: "%s: kommunen købte ingen pladser i %d; andre kommuner købte %s i kommunens tilbud"},
	{true, false}: {bought: "%s: regionens kommuner købte %s i %d", allHome: ", alle i tilbud beliggende i regionen",
		allAway: ", alle %s%s", mixed: ", heraf %s i tilbud beliggende i regionen og %s %s%s", away: "uden for regionen",
		in: "i %s", most: ", mest i %s (%s)", sold: "; kommuner uden for regionen købte %s i regionens tilbud",
		nothing: "%s: regionens kommuner købte ingen pladser i %d; kommuner uden for regionen købte %s i regionens tilbud"},
	{false, true}: {bought: "%s: the municipality bought %s in %d", allHome: ", all of them in offers located in the municipality",
		allAway: ", all of them %s%s", mixed: ", %s of them in offers located in the municipality and %s %s%s", away: "in other municipalities",
		in: "in %s", most: ", most in %s (%s)", sold: "; other municipalities bought %s in its offers",
		nothing: "%s: the municipality bought no places in %d; other municipalities bought %s in its offers"},
	{true, true}: {bought: "%s: the region's municipalities bought %s in %d", allHome: ", all of them in offers located in the region",
		allAway: ", all of them %s%s", mixed: ", %s of them in offers located in the region and %s %s%s", away: "outside the region",
		in: "in %s", most: ", most in %s (%s)", sold: "; municipalities outside the region bought %s in the region's offers",
		nothing: "%s: the region's municipalities bought no places in %d; municipalities outside the region bought %s in the region's offers"},
}

// hiddenPlaces is what a sentence says for a number of full-year places hidden from a viewer and shown as
// shown ("<5" or "–"), with the unit or bare ("færre end 5 helårspladser", "færre end 5").
func hiddenPlaces(shown string, unit bool, lang string) string {
	return map[[3]bool]string{ // {"<5", with the unit, English}
		{true, true, false}: "færre end 5 helårspladser", {true, true, true}: "fewer than 5 full-year places",
		{true, false, false}: "færre end 5", {true, false, true}: "fewer than 5",
		{false, true, false}: "et antal helårspladser, der ikke vises af diskretionshensyn,", {false, true, true}: "an undisclosed number of full-year places",
		{false, false, false}: "et antal, der ikke vises af diskretionshensyn,", {false, false, true}: "an undisclosed number",
	}[[3]bool{shown == "<5", unit, lang == "en"}]
}

// flowSentence says how much of what an area bought lay in the area, where it bought the rest, and what others
// bought in the area; for a viewer, what disclosure control hides reads "færre end 5" or as not shown.
func flowSentence(f Finding, lang string) string {
	fl := f.Flows
	en := lang == "en"
	w := flowPhrases[[2]bool{f.Area == data.RegionCode, en}]
	subj := inArea(groupName(f.TargetGroup, lang), f.Area, lang)
	if f.PlaceType != data.PlaceTypeAll.Code {
		subj += " (" + placeTypeName(f.PlaceType, 2, lang) + ")"
	}
	// n says field's number h with its unit, bare without it, or what a viewer sees instead
	n := func(field string, h int64, unit bool) string {
		if shown := fl.hidden[field]; shown != "" {
			return hiddenPlaces(shown, unit, lang)
		}
		if unit {
			return fullYearPlaces(h, lang)
		}
		return FormatHundredths(h, lang)
	}
	zero := func(field string, h int64) bool { return fl.hidden[field] == "" && h == 0 } // 0, and shown
	if zero("bought", fl.bought) {
		return fill(w.nothing, subj, itoa(f.Year), n("sold", fl.sold, true)) + "."
	}
	s := fill(w.bought, subj, n("bought", fl.bought, true), itoa(f.Year))
	// where the places outside the area lie: the one area, or the largest of several (when it is shown and
	// no hidden one could be larger)
	away, most := w.away, ""
	largest := len(fl.From) > 1 && fl.From[0].Name != "" && fl.From[0].Suppressed == ""
	for _, fr := range fl.From {
		largest = largest && fr.Suppressed != "–"
	}
	if len(fl.From) == 1 && fl.From[0].Name != "" {
		away = fill(w.in, fl.From[0].Name)
	} else if largest {
		most = fill(w.most, fl.From[0].Name, FormatHundredths(fl.From[0].h, lang))
	}
	switch {
	case zero("elsewhere", fl.bought-fl.home):
		s += w.allHome
	case zero("home", fl.home):
		s += fill(w.allAway, away, most)
	default:
		home := n("home", fl.home, false)
		if fl.Share != nil {
			// a whole percent, unless it would read as all or nothing
			v := 100 * float64(fl.home) / float64(fl.bought)
			home += " (" + percent(clear(v, func(x float64) bool { return x != 100 && x != 0 }, lang), lang) + ")"
		}
		s += fill(w.mixed, home, n("elsewhere", fl.bought-fl.home, false), away, most)
	}
	if !zero("sold", fl.sold) {
		s += fill(w.sold, n("sold", fl.sold, true))
	}
	return capitalized(s) + "."
}
