package analysis

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/kapacitet/kapacitet/data"
)

// AllAreas, as Filter.Municipality, selects the findings of the region and of every municipality.
const AllAreas = -1

// Filter selects findings; zero values select everything, except Municipality: 0 selects the region's
// findings (and the offers'), a municipality code that municipality's findings (and those of the offers
// located there), AllAreas every finding.
type Filter struct {
	Year         int
	TargetGroup  string
	PlaceType    string
	Kind         string
	Severity     string
	Offer        string
	Municipality int
}

// Match reports whether f passes the filter.
func (x Filter) Match(f Finding) bool {
	switch x.Municipality {
	case AllAreas:
	case 0:
		if f.Area != data.RegionCode && f.Offer == nil {
			return false
		}
	default:
		if f.Area != x.Municipality {
			return false
		}
	}
	return (x.Year == 0 || f.Year == x.Year) &&
		(x.TargetGroup == "" || f.TargetGroup == x.TargetGroup) &&
		(x.PlaceType == "" || f.PlaceType == x.PlaceType) &&
		(x.Kind == "" || f.Kind == x.Kind) &&
		(x.Severity == "" || f.Severity == x.Severity) &&
		(x.Offer == "" || (f.Offer != nil && f.Offer.ID == x.Offer))
}

// Select returns the findings that pass the filter (never nil, so that JSON says []).
func (x Filter) Select(fs []Finding) []Finding {
	out := []Finding{}
	for _, f := range fs {
		if x.Match(f) {
			out = append(out, f)
		}
	}
	return out
}

// Link is the page that shows a finding's numbers, filtered to it (links in sentences lead there): a
// municipality's self-sufficiency on its page, with the Sankey of its flows; an offer's occupancy at its row
// of /offers; every other finding on /gaps, a gap there with the chart and table of its supply against its
// demand over the years (and the growing demand and capacity changes of the same target group and area
// beside it).
func Link(f Finding) string {
	switch {
	case f.Kind == KindSelfSufficiency && f.Area != data.RegionCode:
		return fmt.Sprintf("/municipalities/%d?target_group=%s&year=%d", f.Area, url.QueryEscape(f.TargetGroup), f.Year)
	case (f.Kind == KindOverOccupancy || f.Kind == KindAtRisk || f.Kind == KindEmergencyTrack) && f.Offer != nil:
		return fmt.Sprintf("/offers?year=%d#offer-%s", f.Year, url.PathEscape(f.Offer.ID))
	}
	x := Filter{Year: f.Year, TargetGroup: f.TargetGroup, PlaceType: f.PlaceType, Municipality: f.Area, Kind: f.Kind}
	switch {
	case f.Kind == KindGap:
		x.Kind = ""
	case f.Offer != nil:
		x = Filter{Year: f.Year, Offer: f.Offer.ID, Kind: f.Kind}
	}
	return x.At("/gaps")
}

// URL is the overview page filtered as x.
func (x Filter) URL() string { return x.At("/") }

// At is the page at path filtered as x. The parameters come in alphabetical order, as url.Values.Encode
// writes them (built directly: every finding has one).
func (x Filter) At(path string) string {
	area := ""
	switch x.Municipality {
	case 0, data.RegionCode:
	case AllAreas:
		area = "all"
	default:
		area = itoa(x.Municipality)
	}
	year := ""
	if x.Year != 0 {
		year = itoa(x.Year)
	}
	b := make([]byte, 0, 96)
	b = append(b, path...)
	b = append(b, '?')
	start := len(b)
	for _, p := range [...][2]string{{"kind", x.Kind}, {"municipality", area}, {"offer", x.Offer},
		{"place_type", x.PlaceType}, {"severity", x.Severity}, {"target_group", x.TargetGroup}, {"year", year}} {
		if p[1] == "" {
			continue
		}
		if len(b) > start {
			b = append(b, '&')
		}
		b = append(b, p[0]...)
		b = append(b, '=')
		b = append(b, url.QueryEscape(p[1])...)
	}
	return string(b)
}

// ParseArea reads a municipality filter: a code or name of one of the region's municipalities, or "all" for
// the region and every municipality (AllAreas). The error is in Danish and English.
func ParseArea(text string) (int, error) {
	if t := strings.TrimSpace(text); strings.EqualFold(t, "all") || strings.EqualFold(t, "alle") {
		return AllAreas, nil
	}
	if strings.TrimSpace(text) == itoa(data.RegionCode) {
		return data.RegionCode, nil // the region itself (PRODUCT.md: areas are the region's code or a municipality's)
	}
	code, ok, _ := data.MunicipalityVocabulary().Match(text)
	if ok {
		n, _ := strconv.Atoi(code)
		if data.InRegion(n) {
			return n, nil
		}
	}
	return 0, fmt.Errorf("ukendt kommune i regionen %q (unknown municipality of the region)", text)
}

// Validate checks the filter's values against the catalogues; the error names the value, in Danish and
// English. The pages, the API and `gaps` share it.
func (x Filter) Validate() error {
	switch {
	case x.Year != 0 && !data.PlausibleYear(x.Year):
		return fmt.Errorf("ugyldigt år %d (invalid year)", x.Year)
	case x.TargetGroup != "" && !isTargetGroup(x.TargetGroup):
		return fmt.Errorf("ukendt målgruppe %q (unknown target group)", x.TargetGroup)
	case x.PlaceType != "" && !isPlaceType(x.PlaceType):
		return fmt.Errorf("ukendt pladstype %q: brug dag, doegn eller alle (unknown place type)", x.PlaceType)
	case x.Kind != "" && !slices.Contains(Kinds, x.Kind):
		return fmt.Errorf("ukendt slags fund %q (unknown kind)", x.Kind)
	case x.Severity != "" && !slices.Contains(Severities, x.Severity):
		return fmt.Errorf("ukendt alvorlighed %q (unknown severity)", x.Severity)
	}
	return nil
}

func isTargetGroup(c string) bool { _, ok := data.TargetGroupByCode(c); return ok }

func isPlaceType(c string) bool { _, ok := data.PlaceTypeByCode(c); return ok }
