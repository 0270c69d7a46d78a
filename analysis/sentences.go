package analysis

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kapacitet/kapacitet/data"
)

// phrases holds the sentence templates of one language. Numbers are formatted before they are filled in.
type phrases struct {
	shortage, surplus, surplusNoDemand, balance                    string
	risen, fallen, unchanged                                       string
	survey, surveyOwn, areaIn, join, noForecast, oneYear           string
	growing, forecastPoint                                         string
	overOccupancy, atRisk, emergency, emergencyYear, place, places string
	changeSubject, change, opened, closed, openedClosed            string
	changeOffers, otherOffer, otherOffers, and                     string
	surveyOne, surveyMany, surveyVerbOne, surveyVerbMany           string
	almostUnchanged                                                string
	hidden, hiddenSmall, growingHidden                             string
}

var da = phrases{
	shortage:        "%s: efterspørgslen på %s %s overstiger udbuddet på %s med %s %s (%s) i %d.",
	surplus:         "%s: udbuddet på %s %s overstiger efterspørgslen på %s med %s %s (%s) i %d.",
	surplusNoDemand: "%s: der er %s %s, men ingen efterspørgsel i %d.",
	balance:         "%s: udbuddet på %s %s og efterspørgslen på %s er i balance i %d.",
	risen:           "Efterspørgslen er steget %s siden %d",
	fallen:          "Efterspørgslen er faldet %s siden %d",
	unchanged:       "Efterspørgslen er uændret siden %d",
	survey:          "%d af %d %s %s, at udbuddet kun i ringe grad dækker behovet",
	surveyOne:       "kommune",
	surveyMany:      "kommuner",
	surveyVerbOne:   "vurderer",
	surveyVerbMany:  "vurderer",
	almostUnchanged: "Efterspørgslen er næsten uændret siden %d",
	surveyOwn:       "kommunen vurderer, at udbuddet kun i ringe grad dækker behovet",
	areaIn:          "%s i %s",
	join:            ", og ",
	noForecast:      "Der er kun data for %d år, så der laves ingen prognose.",
	oneYear:         "Der er kun data for ét år, så der laves ingen prognose.",
	growing:         "%s: efterspørgslen efter %s ventes at nå %s, mere end udbuddet på %s i %d.",
	forecastPoint:   "%s (± %s) i %d",
	overOccupancy:   "%s: belægningen var %s i %d (%s helårspladser på %s %s), altså overbelægning.",
	atRisk:          "%s: belægningen var %s i %d, mere end %d procentpoint under den forudsatte belægning på %s.",
	emergency:       "%s: belægningen har været mere end %d procentpoint under den forudsatte belægning på %s to år i træk (%s). Tilbuddet er kandidat til nødsporet.",
	emergencyYear:   "%d: %s",
	place:           "plads",
	places:          "pladser",
	changeSubject:   "%s, %s",
	change:          "%s: %s siden %d (fra %s til %s)",
	opened:          "%s %s åbnet",
	closed:          "%s %s lukket",
	openedClosed:    "%s %s åbnet og %s lukket",
	changeOffers:    ", herunder %s",
	otherOffer:      "1 andet tilbud",
	otherOffers:     "%d andre tilbud",
	and:             " og ",
	hiddenSmall:     "%s: udbuddet er %s %s i %d, og efterspørgslen er færre end 5 (vises ikke af hensyn til diskretion).",
	hidden:          "%s: udbuddet er %s %s i %d; efterspørgslen vises ikke af hensyn til diskretion.",
	growingHidden:   "%s: efterspørgslen efter %s ventes at overstige udbuddet på %s i %d (prognosen vises ikke af hensyn til diskretion).",
}

var en = phrases{
	shortage:        "%s: demand for %s %s exceeds supply of %s by %s %s (%s) in %d.",
	surplus:         "%s: supply of %s %s exceeds demand of %s by %s %s (%s) in %d.",
	surplusNoDemand: "%s: there are %s %s but no demand in %d.",
	balance:         "%s: supply of %s %s and demand of %s are in balance in %d.",
	risen:           "Demand has risen %s since %d",
	fallen:          "Demand has fallen %s since %d",
	unchanged:       "Demand is unchanged since %d",
	survey:          "%d of %d %s %s that supply meets the need only poorly",
	surveyOne:       "municipality",
	surveyMany:      "municipalities",
	surveyVerbOne:   "considers",
	surveyVerbMany:  "consider",
	almostUnchanged: "Demand is almost unchanged since %d",
	surveyOwn:       "the municipality considers that supply meets the need only poorly",
	areaIn:          "%s in %s",
	join:            ", and ",
	noForecast:      "There are data for only %d years, so no forecast is made.",
	oneYear:         "There are data for one year only, so no forecast is made.",
	growing:         "%s: demand for %s is expected to reach %s, more than the supply of %s in %d.",
	forecastPoint:   "%s (± %s) in %d",
	overOccupancy:   "%s: occupancy was %s in %d (%s full-year places in %s %s): over-occupancy.",
	atRisk:          "%s: occupancy was %s in %d, more than %d percentage points below the budgeted occupancy of %s.",
	emergency:       "%s: occupancy has been more than %d percentage points below the budgeted %s two years in a row (%s). The offer is a candidate for the emergency track.",
	emergencyYear:   "%d: %s",
	place:           "place",
	places:          "places",
	changeSubject:   "%s, %s",
	change:          "%s: %s since %d (from %s to %s)",
	opened:          "%s %s opened",
	closed:          "%s %s closed",
	openedClosed:    "%s %s opened and %s closed",
	changeOffers:    ", including %s",
	otherOffer:      "1 other offer",
	otherOffers:     "%d other offers",
	and:             " and ",
	hiddenSmall:     "%s: supply is %s %s in %d, and demand is fewer than 5 (not shown, for confidentiality).",
	hidden:          "%s: supply is %s %s in %d; demand is not shown, for confidentiality.",
	growingHidden:   "%s: demand for %s is expected to exceed the supply of %s in %d (the forecast is not shown, for confidentiality).",
}

func phrasesFor(lang string) *phrases { // a pointer: the templates are many, and read for every sentence
	if lang == "en" {
		return &en
	}
	return &da
}

func groupName(code, lang string) string {
	if g, ok := data.TargetGroupByCode(code); ok {
		return g.Name(lang)
	}
	return code
}

// subject names a finding's target group, and its municipality when it is not about the whole region.
func subject(f Finding, lang string) string {
	return inArea(groupName(f.TargetGroup, lang), f.Area, lang)
}

// inArea adds "i <kommune>" to name when area is a municipality, not the region.
func inArea(name string, area int, lang string) string {
	if m, ok := data.MunicipalityByCode(area); ok && area != data.RegionCode {
		return fill(phrasesFor(lang).areaIn, name, m.Name)
	}
	return name
}

// capitalized returns s with its first letter in upper case.
func capitalized(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 1)
	writeCapitalized(&b, s)
	return b.String()
}

// writeCapitalized writes s to b with its first letter in upper case.
func writeCapitalized(b *strings.Builder, s string) {
	r, size := utf8.DecodeRuneInString(s)
	b.WriteRune(unicode.ToUpper(r))
	b.WriteString(s[size:])
}

// placeTypeName names a place type, in the singular when it counts one place ("1 døgnplads").
func placeTypeName(code string, n int64, lang string) string {
	if n == 1 {
		if one, ok := placeTypeSingular[code]; ok {
			if lang == "en" {
				return one[1]
			}
			return one[0]
		}
	}
	if c, ok := data.PlaceTypeByCode(code); ok {
		return c.Name(lang)
	}
	return code
}

var placeTypeSingular = map[string][2]string{
	"dag": {"dagplads", "day place"}, "doegn": {"døgnplads", "residential place"},
	"alle": {"dag- eller døgnplads", "day or residential place"},
}

func (p *phrases) count(n int64) string {
	if n == 1 || n == -1 {
		return p.place
	}
	return p.places
}

// gapSentence says a gap finding in one sentence (plus trend and survey clauses), from its numbers.
func gapSentence(f Finding, cfg Config, lang string) string {
	p := phrasesFor(lang)
	n := func(v int64) string { return FormatInt(v, lang) }
	name := subject(f, lang)
	pt := func(v int64) string { return placeTypeName(f.PlaceType, v, lang) }
	year := itoa(f.Year)
	var s string
	switch shown, hidden := f.Suppressed["demand"]; {
	case hidden && shown == "<5":
		s = fill(p.hiddenSmall, name, n(f.Supply), pt(f.Supply), year)
	case hidden:
		s = fill(p.hidden, name, n(f.Supply), pt(f.Supply), year)
	case f.Severity == Shortage || f.Severity == CriticalShortage:
		s = fill(p.shortage, name, n(f.Demand), pt(f.Demand), n(f.Supply), n(f.Gap), p.count(f.Gap), gapPct(f, cfg, lang), year)
	case f.Severity == Surplus:
		if f.Demand == 0 {
			s = fill(p.surplusNoDemand, name, n(f.Supply), pt(f.Supply), year)
		} else {
			s = fill(p.surplus, name, n(f.Supply), pt(f.Supply), n(f.Demand), n(-f.Gap), p.count(-f.Gap), gapPct(f, cfg, lang), year)
		}
	default:
		s = fill(p.balance, name, n(f.Supply), pt(f.Supply), n(f.Demand), year)
	}
	var clauses []string
	if t := f.Trend; t != nil && t.FirstYear < f.Year && t.FirstDemand != nil && *t.FirstDemand > 0 && t.ChangeSince != nil {
		first := *t.FirstDemand
		change := f.Demand - first
		switch pct := RoundDiv(100*abs(change), first); {
		case change == 0:
			clauses = append(clauses, fill(p.unchanged, itoa(t.FirstYear)))
		case pct == 0: // less than half a percent: not "unchanged" next to two different numbers
			clauses = append(clauses, fill(p.almostUnchanged, itoa(t.FirstYear)))
		case change > 0:
			clauses = append(clauses, fill(p.risen, PctWhole(abs(change), first, lang), itoa(t.FirstYear)))
		default:
			clauses = append(clauses, fill(p.fallen, PctWhole(abs(change), first, lang), itoa(t.FirstYear)))
		}
	}
	if f.Survey != nil && f.Survey.Low > 0 {
		if f.Area == data.RegionCode {
			// Danish counts the municipalities asked ("1 af 1 kommune"); English agrees the verb with those
			// who answered ("1 of 11 municipalities considers")
			// the noun counts those who answered ("1 af 1 kommune", "1 of 1 municipality"); English agrees the
			// verb with those who scored low ("1 of 11 municipalities considers")
			noun, verb := p.surveyMany, p.surveyVerbMany
			if f.Survey.Scored == 1 {
				noun = p.surveyOne
			}
			if f.Survey.Low == 1 {
				verb = p.surveyVerbOne
			}
			clauses = append(clauses, fill(p.survey, itoa(f.Survey.Low), itoa(f.Survey.Scored), noun, verb))
		} else {
			clauses = append(clauses, p.surveyOwn)
		}
	}
	_, hidden := f.Suppressed["trend.forecast"]
	noForecast := f.Trend != nil && len(f.Trend.Forecast) == 0 && !hidden
	if len(clauses) == 0 && !noForecast {
		return s
	}
	// the sentence written once: its clauses joined, the first capitalised, then the forecast's note (its
	// length worked out first, so that the sentence holds no spare bytes)
	note := ""
	if noForecast {
		note = p.oneYear
		if f.Trend.Years != 1 {
			note = fill(p.noForecast, itoa(f.Trend.Years))
		}
	}
	size := len(s) + 2 + len(note) + utf8.UTFMax // the spaces and full stop, and a capital longer than its letter
	for _, c := range clauses {
		size += len(p.join) + len(c)
	}
	var b strings.Builder
	b.Grow(size)
	b.WriteString(s)
	for i, c := range clauses {
		if i == 0 {
			b.WriteByte(' ')
			writeCapitalized(&b, c)
		} else {
			b.WriteString(p.join)
			b.WriteString(c)
		}
	}
	if len(clauses) > 0 {
		b.WriteByte('.')
	}
	if noForecast {
		b.WriteByte(' ')
		b.WriteString(note)
	}
	return b.String()
}

// gapPct writes the gap's share of demand as a whole percent, or with the decimals that keep it on the
// right side of the thresholds behind the severity (a shortage of 14,99 % is not shown as "15 %").
func gapPct(f Finding, cfg Config, lang string) string {
	g := abs(f.Gap)
	v := float64(RoundDiv(10000*g, f.Demand)) / 100 // exact to two decimals
	var ok func(float64) bool
	switch f.Severity {
	case CriticalShortage:
		ok = func(x float64) bool { return x >= float64(cfg.CriticalPct) }
	case Shortage:
		ok = func(x float64) bool { return x >= float64(cfg.ShortagePct) && x < float64(cfg.CriticalPct) }
	default: // surplus
		ok = func(x float64) bool { return x >= float64(cfg.SurplusPct) }
	}
	return percent(clear(v, ok, lang), lang)
}

// growingSentence says where demand is heading when its forecast exceeds today's supply.
func growingSentence(f Finding, lang string) string {
	p := phrasesFor(lang)
	if _, hidden := f.Suppressed["trend.forecast"]; hidden {
		return fill(p.growingHidden, subject(f, lang), placeTypeName(f.PlaceType, 0, lang), FormatInt(f.Supply, lang), itoa(f.Year))
	}
	var points []string
	for _, pt := range f.Trend.Forecast {
		if !pt.Exceeds { // a forecast year below supply is not "more than" it
			continue
		}
		// a forecast above supply reads as above it ("34,2", not "34" next to a supply of 34)
		value := clear(pt.Value, func(v float64) bool { return pt.Value <= float64(f.Supply) || v > float64(f.Supply) }, lang)
		points = append(points, fill(p.forecastPoint, value, FormatInt(int64(math.Round(f.Trend.Band)), lang), itoa(pt.Year)))
	}
	return fill(p.growing, subject(f, lang), placeTypeName(f.PlaceType, 0, lang),
		strings.Join(points, p.and), FormatInt(f.Supply, lang), itoa(f.Year))
}

// fill puts args into the verbs of a template, %s and %d alike, in order: the sentences' formatting, made
// in one allocation without fmt's boxing of each argument (an analysis writes thousands of sentences). A
// missing argument is written as fmt would, "%!s(MISSING)"; "%%" is a percent sign.
func fill(tmpl string, args ...string) string {
	n := len(tmpl)
	for _, a := range args {
		n += len(a)
	}
	var b strings.Builder
	b.Grow(n)
	next := 0
	for {
		i := strings.IndexByte(tmpl, '%')
		if i < 0 || i+1 == len(tmpl) {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		switch verb := tmpl[i+1]; {
		case verb == '%':
			b.WriteByte('%')
		case next < len(args):
			b.WriteString(args[next])
			next++
		default:
			b.WriteString("%!" + string(verb) + "(MISSING)")
		}
		tmpl = tmpl[i+2:]
	}
}
