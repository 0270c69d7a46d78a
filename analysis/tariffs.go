package analysis

import (
	"math"
	"sort"
	"strconv"

	"github.com/kapacitet/kapacitet/data"
)

// Tariff finding kinds: the average tariff of a target group and place type over the years, and an offer
// whose tariff rose more than the agreed frame from one year to the next.
const (
	KindTariff     = "tariff"
	KindTariffRise = "tariff_rise"
)

// TariffDevelopment is the numbers of a tariff finding, in kroner. For KindTariff: the average tariff of the
// offers serving the target group (Offers of them) and the average the year before and in the first year
// with tariffs; for KindTariffRise: the offer's tariff and its tariff the year before.
type TariffDevelopment struct {
	TariffType string   `json:"tariff_type,omitempty"` // the offer's tariff type (KindTariffRise)
	Average    float64  `json:"average"`
	Offers     int      `json:"offers"`
	Previous   *float64 `json:"previous,omitempty"`
	FirstYear  int      `json:"first_year,omitempty"`
	First      *float64 `json:"first,omitempty"`
	Rise       *float64 `json:"rise,omitempty"`       // since the year before, a fraction
	RiseFirst  *float64 `json:"rise_first,omitempty"` // since the first year, a fraction
	Frame      float64  `json:"frame"`                // the agreed yearly frame, a fraction

	// exact sums (øre) and counts behind the averages
	sum, prevSum, firstSum       int64
	count, prevCount, firstCount int64
}

// Tariffs returns the tariff development: for every year, area (the region, and each municipality for the
// offers located in it), target group (through the offers' target groups) and place type (a døgntakst is
// doegn, a dagtakst dag; other tariff types count in no average), the average tariff with its change since
// the year before and since the first year, a warning when the average rose more than the frame; and a
// warning for every offer whose tariff of a type rose more than cfg.TariffFramePct from one year to the next.
// All comparisons are exact, in øre.
func Tariffs(lines []data.TariffLine, cfg Config, lang string) []Finding {
	frame := cfg.tariffFrame() // hundredths of a percent
	type cellKey struct {
		Year, Area             int
		TargetGroup, PlaceType string
	}
	type sum struct{ sum, count int64 }
	cells := map[cellKey]sum{}
	type offerKey struct{ OfferID, TariffType string }
	byOffer := map[offerKey]map[int]data.TariffLine{}
	for _, l := range lines {
		k := offerKey{l.OfferID, l.TariffType}
		if byOffer[k] == nil {
			byOffer[k] = map[int]data.TariffLine{}
		}
		byOffer[k][l.Year] = l
		pt := data.TariffPlaceType(l.TariffType)
		if pt == "" {
			continue
		}
		for _, g := range l.TargetGroups {
			for _, area := range []int{data.RegionCode, l.Location} {
				if area == 0 {
					continue
				}
				c := cells[cellKey{l.Year, area, g, pt}]
				c.sum += l.AmountH
				c.count++
				cells[cellKey{l.Year, area, g, pt}] = c
			}
		}
	}
	// rose reports whether b is more than frame above a (averages as sum/count), exactly:
	// b/bn > a/an · (1 + frame/10000)  ⇔  b·an·10000 > a·bn·(10000 + frame)
	rose := func(b, bn, a, an int64) bool { return b*an*10000 > a*bn*(10000+frame) }
	// the first year of each cell's unbroken run of years, found once per cell in year order
	ordered := make([]cellKey, 0, len(cells))
	for k := range cells {
		ordered = append(ordered, k)
	}
	sort.Slice(ordered, func(i, j int) bool { return ordered[i].Year < ordered[j].Year })
	firstYear := make(map[cellKey]int, len(cells))
	for _, k := range ordered {
		prev := k
		prev.Year--
		if f, ok := firstYear[prev]; ok {
			firstYear[k] = f
		} else {
			firstYear[k] = k.Year
		}
	}
	var out []Finding
	for k, c := range cells {
		first := firstYear[k]
		td := TariffDevelopment{Average: kroner(c.sum, c.count), Offers: int(c.count), Frame: float64(frame) / 10000,
			sum: c.sum, count: c.count}
		sev := Info
		if p, ok := cells[cellKey{k.Year - 1, k.Area, k.TargetGroup, k.PlaceType}]; ok {
			prev, rise := kroner(p.sum, p.count), change(c.sum, c.count, p.sum, p.count)
			td.Previous, td.Rise, td.prevSum, td.prevCount = &prev, &rise, p.sum, p.count
			if rose(c.sum, c.count, p.sum, p.count) {
				sev = Warning
			}
		}
		if first < k.Year-1 {
			f := cells[cellKey{first, k.Area, k.TargetGroup, k.PlaceType}]
			v, rise := kroner(f.sum, f.count), change(c.sum, c.count, f.sum, f.count)
			td.FirstYear, td.First, td.RiseFirst, td.firstSum, td.firstCount = first, &v, &rise, f.sum, f.count
		}
		fd := Finding{
			ID:   KindTariff + "-" + itoa(k.Year) + "-" + itoa(k.Area) + "-" + k.TargetGroup + "-" + k.PlaceType,
			Kind: KindTariff, Severity: sev, Year: k.Year, TargetGroup: k.TargetGroup, Area: k.Area, PlaceType: k.PlaceType,
			Tariff: &td,
		}
		fd.URL = Link(fd)
		fd.Sentence = tariffSentence(fd, lang)
		out = append(out, fd)
	}
	for k, years := range byOffer {
		for y, l := range years {
			p, ok := years[y-1]
			if !ok || p.AmountH <= 0 || !rose(l.AmountH, 1, p.AmountH, 1) {
				continue
			}
			prev, rise := kroner(p.AmountH, 1), change(l.AmountH, 1, p.AmountH, 1)
			pt := data.TariffPlaceType(k.TariffType)
			if pt == "" {
				pt = data.PlaceTypeAll.Code
			}
			group := ""
			if len(l.TargetGroups) > 0 {
				group = l.TargetGroups[0]
			}
			fd := Finding{
				ID:   KindTariffRise + "-" + itoa(y) + "-" + k.OfferID + "-" + k.TariffType,
				Kind: KindTariffRise, Severity: Warning, Year: y, TargetGroup: group, Area: l.Location, PlaceType: pt,
				Offer: &OfferRef{ID: k.OfferID, Name: l.OfferName},
				Tariff: &TariffDevelopment{TariffType: k.TariffType, Average: kroner(l.AmountH, 1), Offers: 1, Previous: &prev,
					Rise: &rise, Frame: float64(frame) / 10000, sum: l.AmountH, count: 1, prevSum: p.AmountH, prevCount: 1},
			}
			fd.URL = Link(fd)
			fd.Sentence = tariffRiseSentence(fd, lang)
			out = append(out, fd)
		}
	}
	SortFindings(out)
	return out
}

// kroner is the average sum/count of amounts in øre, in kroner.
func kroner(sum, count int64) float64 { return float64(sum) / float64(count) / 100 }

// change is (b/bn) / (a/an) − 1.
func change(b, bn, a, an int64) float64 { return float64(b*an)/float64(a*bn) - 1 }

// formatKroner writes an amount in øre as whole kroner: "4.290 kr." / "DKK 4,290".
func formatKroner(ore int64, lang string) string {
	n := FormatInt(RoundDiv(ore, 100), lang)
	if lang == "en" {
		return "DKK " + n
	}
	return n + " kr."
}

// tariffWords are the phrases of the tariff sentences in one language.
type tariffWords struct {
	average, offer, offers, up, down, same, since, first, above, rise string
}

var tariffPhrases = map[string]tariffWords{
	"da": {average: "%s: den gennemsnitlige %s var %s i %d (%d %s)", offer: "tilbud", offers: "tilbud",
		up: "%s mere end", down: "%s mindre end", same: "det samme som", since: ", %s i %d", first: " og %s i %d",
		above: ". Stigningen fra %d er over den aftalte ramme på %s om året",
		rise:  "%s: taksten (%s) steg %s fra %d til %d (fra %s til %s), mere end den aftalte ramme på %s om året"},
	"en": {average: "%s: the average %s was %s in %d (%d %s)", offer: "offer", offers: "offers",
		up: "%s more than", down: "%s less than", same: "the same as", since: ", %s in %d", first: " and %s in %d",
		above: ". The rise since %d is above the agreed frame of %s a year",
		rise:  "%s: the %s rose %s from %d to %d (from %s to %s), more than the agreed frame of %s a year"},
}

func tariffWordsFor(lang string) tariffWords {
	if lang == "en" {
		return tariffPhrases["en"]
	}
	return tariffPhrases["da"]
}

// tariffTypeName names the tariff type of a place type, in the definite form Danish needs after "den
// gennemsnitlige".
func tariffTypeName(placeType, lang string) string {
	names := map[string][2]string{"doegn": {"døgntakst", "residential tariff"}, "dag": {"dagtakst", "day tariff"}}
	n := names[placeType]
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// frameText writes the frame (a fraction) as a percent with the decimals it has: "2,5 %", "3 %".
func frameText(frame float64, lang string) string {
	return percentHundredths(int64(math.Round(frame*10000)), lang)
}

// relative says b against a (averages as sums and counts) in whole percent, so that it never reads as the
// opposite of the exact comparison: "3 % mere end", "det samme som". With frame ≥ 0 (hundredths of a
// percent), a rise shown also reads as above the frame exactly when it is.
func relative(w tariffWords, b, bn, a, an, frame int64, lang string) string {
	x, y := b*an, a*bn                           // b/bn against a/an
	v := float64(RoundDiv((x-y)*10000, y)) / 100 // the change in percent, exact to two decimals
	above := x*10000 > y*(10000+frame)
	switch {
	case x == y:
		return w.same
	case x > y:
		return fill(w.up, percent(clear(v, func(s float64) bool {
			return s > 0 && (frame < 0 || (s*100 > float64(frame)) == above)
		}, lang), lang))
	default:
		return fill(w.down, percent(clear(-v, func(s float64) bool { return s > 0 }, lang), lang))
	}
}

// tariffSentence says a target group's average tariff, how it moved, and whether it rose above the frame.
func tariffSentence(f Finding, lang string) string {
	w, t := tariffWordsFor(lang), f.Tariff
	count := w.offers
	if t.count == 1 {
		count = w.offer
	}
	subj := inArea(groupName(f.TargetGroup, lang), f.Area, lang)
	s := fill(w.average, subj, tariffTypeName(f.PlaceType, lang), formatKroner(RoundDiv(t.sum, t.count), lang), itoa(f.Year),
		strconv.FormatInt(t.count, 10), count)
	if t.Previous != nil {
		frame := int64(math.Round(t.Frame * 10000))
		s += fill(w.since, relative(w, t.sum, t.count, t.prevSum, t.prevCount, frame, lang), itoa(f.Year-1))
	}
	if t.First != nil {
		s += fill(w.first, relative(w, t.sum, t.count, t.firstSum, t.firstCount, -1, lang), itoa(t.FirstYear))
	}
	if f.Severity == Warning {
		s += fill(w.above, itoa(f.Year-1), frameText(t.Frame, lang))
	}
	return s + "."
}

// tariffRiseSentence says that an offer's tariff rose more than the frame.
func tariffRiseSentence(f Finding, lang string) string {
	w, t := tariffWordsFor(lang), f.Tariff
	name := f.Offer.Name
	if name == "" {
		name = f.Offer.ID
	}
	// the rise, shown so that it reads as above the frame
	exact := float64(RoundDiv((t.sum-t.prevSum)*10000, t.prevSum)) / 100
	rise := percent(clear(exact, func(s float64) bool { return s > 100*t.Frame }, lang), lang)
	// Danish: "taksten (døgntakst)"; English: "the residential tariff", another type (an hourly rate) as
	// written: "the tariff (timetakst)"
	kind := t.TariffType
	if pt := data.TariffPlaceType(kind); pt != "" && lang == "en" {
		kind = tariffTypeName(pt, lang)
	} else if lang == "en" {
		kind = "tariff (" + kind + ")"
	}
	return capitalized(fill(w.rise, name, kind, rise, itoa(f.Year-1), itoa(f.Year),
		formatKroner(t.prevSum, lang), formatKroner(t.sum, lang), frameText(t.Frame, lang))) + "."
}
