package analysis

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kapacitet/kapacitet/data"
)

// KindCapacityChange is a finding of places opened and closed since the year before.
const KindCapacityChange = "capacity_change"

// CapacityChange is what changed in a target group's places of one category in an area since the year before.
type CapacityChange struct {
	Category string        `json:"category"`
	Previous int64         `json:"previous"` // places the year before
	Opened   int64         `json:"opened"`   // places added on lines that grew or are new
	Closed   int64         `json:"closed"`   // places removed on lines that shrank or are gone
	Offers   []OfferChange `json:"offers,omitempty"`
}

// OfferChange is one offer's change in places.
type OfferChange struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Change int64  `json:"change"`
}

// CapacityChanges compares every capacity line with the same line the year before (years whose previous year
// has capacity data) and returns, per year, area (the region and each municipality), target group and
// category, the places opened and closed and the offers behind them. A line is an offer's places of a place
// type, or a location's places of an ownership and agreement without an offer.
func CapacityChanges(lines []data.CapacityLine, lang string) []Finding {
	type lineKey struct {
		Location                                         int
		Category, TargetGroup, PlaceType, OfferID, Owner string
		Agreement                                        bool
	}
	byYear := map[int]map[lineKey]data.CapacityLine{}
	for _, l := range lines {
		if byYear[l.Year] == nil {
			byYear[l.Year] = map[lineKey]data.CapacityLine{}
		}
		k := lineKey{l.Location, l.Category, l.TargetGroup, l.PlaceType, l.OfferID, l.Ownership, l.Agreement}
		sum := byYear[l.Year][k]
		l.Places += sum.Places
		byYear[l.Year][k] = l
	}
	type cellKey struct {
		Year, Area            int
		TargetGroup, Category string
	}
	type cell struct {
		now    int64
		change CapacityChange
		offers map[string]*OfferChange
	}
	cells := map[cellKey]*cell{}
	for year, now := range byYear {
		before, ok := byYear[year-1]
		if !ok {
			continue
		}
		keys := map[lineKey]bool{}
		for k := range now {
			keys[k] = true
		}
		for k := range before {
			keys[k] = true
		}
		for k := range keys {
			a, b := before[k].Places, now[k].Places
			name := now[k].OfferName
			if name == "" {
				name = before[k].OfferName
			}
			for _, area := range []int{data.RegionCode, k.Location} {
				ck := cellKey{year, area, k.TargetGroup, k.Category}
				c := cells[ck]
				if c == nil {
					c = &cell{change: CapacityChange{Category: k.Category}, offers: map[string]*OfferChange{}}
					cells[ck] = c
				}
				c.now += b
				c.change.Previous += a
				if b > a {
					c.change.Opened += b - a
				} else {
					c.change.Closed += a - b
				}
				if b != a && k.OfferID != "" {
					o := c.offers[k.OfferID]
					if o == nil {
						o = &OfferChange{ID: k.OfferID, Name: name}
						c.offers[k.OfferID] = o
					}
					o.Change += b - a
				}
			}
		}
	}
	var out []Finding
	for k, c := range cells {
		if c.change.Opened == 0 && c.change.Closed == 0 {
			continue
		}
		for _, o := range c.offers {
			if o.Change != 0 {
				c.change.Offers = append(c.change.Offers, *o)
			}
		}
		sort.Slice(c.change.Offers, func(i, j int) bool {
			a, b := c.change.Offers[i], c.change.Offers[j]
			if abs(a.Change) != abs(b.Change) {
				return abs(a.Change) > abs(b.Change)
			}
			return a.ID < b.ID
		})
		change := c.change
		f := Finding{
			ID:   fmt.Sprintf("%s-%d-%d-%s-%s", KindCapacityChange, k.Year, k.Area, k.TargetGroup, k.Category),
			Kind: KindCapacityChange, Severity: Info, Year: k.Year, TargetGroup: k.TargetGroup, Area: k.Area,
			PlaceType: data.PlaceTypeAll.Code, Supply: c.now, Change: &change,
		}
		if change.Closed > change.Opened {
			f.Severity = Warning
		}
		f.URL = Link(f)
		f.Sentence = changeSentence(f, lang)
		out = append(out, f)
	}
	SortFindings(out)
	return out
}

var categoryWords = map[string][2]string{
	"kommunal": {"kommunale pladser", "municipal places"}, "privat": {"private pladser", "private places"},
	"socialaftale": {"Socialaftale-pladser", "agreement places"},
}

// changeSentence says what opened and closed since the year before, and in which offers.
func changeSentence(f Finding, lang string) string {
	p := phrasesFor(lang)
	c := f.Change
	n := func(v int64) string { return FormatInt(v, lang) }
	cat := c.Category
	if w, ok := categoryWords[cat]; ok {
		cat = w[0]
		if lang == "en" {
			cat = w[1]
		}
	}
	subj := inArea(fmt.Sprintf(p.changeSubject, groupName(f.TargetGroup, lang), cat), f.Area, lang)
	var what string
	switch {
	case c.Opened > 0 && c.Closed > 0:
		what = fmt.Sprintf(p.openedClosed, n(c.Opened), p.count(c.Opened), n(c.Closed))
	case c.Opened > 0:
		what = fmt.Sprintf(p.opened, n(c.Opened), p.count(c.Opened))
	default:
		what = fmt.Sprintf(p.closed, n(c.Closed), p.count(c.Closed))
	}
	s := fmt.Sprintf(p.change, subj, what, f.Year-1, n(c.Previous), n(f.Supply))
	if len(c.Offers) > 0 {
		var names []string
		for i, o := range c.Offers {
			if i == 3 {
				break
			}
			sign := "+"
			if o.Change < 0 {
				sign = "−"
			}
			name := o.Name
			if name == "" {
				name = o.ID
			}
			names = append(names, fmt.Sprintf("%s (%s%s)", name, sign, n(abs(o.Change))))
		}
		if rest := len(c.Offers) - len(names); rest == 1 {
			names = append(names, p.otherOffer)
		} else if rest > 1 {
			names = append(names, fmt.Sprintf(p.otherOffers, rest))
		}
		list := names[0]
		if len(names) > 1 {
			list = strings.Join(names[:len(names)-1], ", ") + p.and + names[len(names)-1]
		}
		s += fmt.Sprintf(p.changeOffers, list)
	}
	return s + "."
}
