package analysis

import "github.com/kapacitet/kapacitet/data"

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
