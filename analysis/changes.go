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
	// every distinct line numbered once, and with it its target group and category (numbered too); then each
	// year's places and offer name per line (the places of repeated lines added up, the name the last one's)
	type yearLine struct {
		places int64
		name   string
		seen   bool
	}
	type groupCategory struct{ group, category string }
	ids := map[lineKey]int{}
	var keys []lineKey
	gcIDs := map[groupCategory]int{}
	var gcs []groupCategory
	var lineGC []int
	lineID := make([]int, len(lines))
	for i, l := range lines {
		k := lineKey{l.Location, l.Category, l.TargetGroup, l.PlaceType, l.OfferID, l.Ownership, l.Agreement}
		id, ok := ids[k]
		if !ok {
			id = len(keys)
			ids[k] = id
			keys = append(keys, k)
			gc := groupCategory{l.TargetGroup, l.Category}
			g, ok := gcIDs[gc]
			if !ok {
				g = len(gcs)
				gcIDs[gc] = g
				gcs = append(gcs, gc)
			}
			lineGC = append(lineGC, g)
		}
		lineID[i] = id
	}
	byYear := map[int][]yearLine{}
	for i, l := range lines {
		ys := byYear[l.Year]
		if ys == nil {
			ys = make([]yearLine, len(keys))
			byYear[l.Year] = ys
		}
		y := &ys[lineID[i]]
		y.places += l.Places
		y.name = l.OfferName
		y.seen = true
	}
	type cellKey struct{ Year, Area, gc int }
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
		for id, k := range keys {
			if !now[id].seen && !before[id].seen {
				continue
			}
			a, b := before[id].places, now[id].places
			name := now[id].name
			if name == "" {
				name = before[id].name
			}
			for _, area := range []int{data.RegionCode, k.Location} {
				ck := cellKey{year, area, lineGC[id]}
				c := cells[ck]
				if c == nil {
					c = &cell{change: CapacityChange{Category: k.Category}}
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
					if c.offers == nil {
						c.offers = map[string]*OfferChange{}
					}
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
	out := make([]Finding, 0, len(cells))
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
		gc := gcs[k.gc]
		f := Finding{
			ID:   KindCapacityChange + "-" + itoa(k.Year) + "-" + itoa(k.Area) + "-" + gc.group + "-" + gc.category,
			Kind: KindCapacityChange, Severity: Info, Year: k.Year, TargetGroup: gc.group, Area: k.Area,
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
