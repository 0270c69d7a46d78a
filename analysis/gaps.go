package analysis

import (
	"encoding/json"
	"math"
	"slices"
	"strings"

	"github.com/kapacitet/kapacitet/data"
)

// Finding kinds and severities.
const (
	KindGap            = "gap"
	KindGrowing        = "growing"
	KindOverOccupancy  = "over_occupancy"
	KindAtRisk         = "at_risk"
	KindEmergencyTrack = "emergency_track"

	CriticalShortage = "critical_shortage"
	Shortage         = "shortage"
	Balance          = "balance"
	Surplus          = "surplus"

	Info     = "info"
	Warning  = "warning"
	Critical = "critical"
)

// Kinds and Severities list the values findings take, for validating filters.
var (
	Kinds = []string{KindGap, KindGrowing, KindOverOccupancy, KindAtRisk, KindEmergencyTrack, KindCapacityChange, KindSelfSufficiency,
		KindTariff, KindTariffRise, KindCentral}
	Severities = []string{CriticalShortage, Shortage, Balance, Surplus, Info, Warning, Critical}
)

// Key identifies a cell of a supply or demand series. PlaceType is "dag" or "doegn" in the input; findings
// also use "alle".
type Key struct {
	Year        int
	Area        int
	TargetGroup string
	PlaceType   string
}

// SurveyKey identifies the survey answers of an area's municipalities for a target group in a year.
type SurveyKey struct {
	Year        int
	Area        int
	TargetGroup string
}

// SurveyCount counts answers: Low scored 1-2; Scored gave a score (not "ved ikke").
type SurveyCount struct {
	Low    int `json:"low"`
	Scored int `json:"scored"`
}

// Input is what the gap analysis reads: supply (places located in the area) and demand (placed + waiting of
// the area's acting municipalities) by year, area, target group and place type, and survey counts.
type Input struct {
	Supply map[Key]int64
	Demand map[Key]int64
	Survey map[SurveyKey]SurveyCount
	// Viewer: the findings are for a viewer, so disclosure control applies (PRODUCT.md): demand of 1-4, and
	// whatever would let it be worked out, is hidden (DemandTable, Suppress).
	Viewer bool
}

// Trend is how demand has moved and where it is heading.
type Trend struct {
	FirstYear       int      `json:"first_year"`
	FirstDemand     *int64   `json:"first_demand"`       // nil when hidden from a viewer
	ChangeSince     *float64 `json:"change_since_first"` // fraction; nil when the first demand is 0
	PrevDemand      *int64   `json:"previous_demand,omitempty"`
	ChangeSincePrev *float64 `json:"change_since_previous,omitempty"`
	Years           int      `json:"years"`
	Forecast        []Point  `json:"forecast,omitempty"`
	Band            float64  `json:"band,omitempty"` // ± one residual standard deviation
	Growing         bool     `json:"growing"`
}

// Point is one forecast value.
type Point struct {
	Year    int     `json:"year"`
	Value   float64 `json:"value"`
	Exceeds bool    `json:"exceeds_supply"` // above today's supply (decided exactly)
}

// Finding is one conclusion with its numbers and its sentence.
type Finding struct {
	ID          string             `json:"id"`
	Kind        string             `json:"kind"`
	Severity    string             `json:"severity"`
	Year        int                `json:"year"`
	TargetGroup string             `json:"target_group"`
	Area        int                `json:"area"`
	PlaceType   string             `json:"place_type"`
	Supply      int64              `json:"supply"`
	Demand      int64              `json:"demand"`
	Gap         int64              `json:"gap"`
	GapShare    *float64           `json:"gap_share"` // gap / demand; nil when demand is 0
	Sentence    string             `json:"sentence"`
	URL         string             `json:"url"`
	Trend       *Trend             `json:"trend,omitempty"`
	Survey      *SurveyCount       `json:"survey,omitempty"`
	Offer       *OfferRef          `json:"offer,omitempty"`
	Change      *CapacityChange    `json:"change,omitempty"`
	Flows       *Flows             `json:"flows,omitempty"`
	Tariff      *TariffDevelopment `json:"tariff,omitempty"`
	// BoughtOutside is the full-year places the region's municipalities bought outside the region
	// (central announcements); nil when hidden from a viewer.
	BoughtOutside *float64 `json:"bought_outside_region,omitempty"`
	// Suppressed lists the fields hidden from a viewer (disclosure control) and what is shown instead: "<5"
	// for a count of 1-4, "–" for a number hidden so that such a count cannot be worked out.
	Suppressed map[string]string `json:"suppressed,omitempty"`
}

// MarshalJSON writes a finding with its hidden demand and gap as null.
func (f Finding) MarshalJSON() ([]byte, error) {
	type plain Finding
	out := struct {
		plain
		Demand *int64 `json:"demand"`
		Gap    *int64 `json:"gap"`
	}{plain: plain(f), Demand: &f.Demand, Gap: &f.Gap}
	if _, hidden := f.Suppressed["demand"]; hidden {
		out.Demand, out.Gap = nil, nil
	}
	return json.Marshal(out)
}

// OfferRef names the offer an occupancy finding is about.
type OfferRef struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Occupancy float64 `json:"occupancy"` // fraction
	Budgeted  float64 `json:"budgeted,omitempty"`
}

// Severity classifies supply s against demand d with cfg's thresholds, exactly in integers.
// It returns "" when both are 0 (no finding).
func (cfg Config) Severity(s, d int64) string {
	g := d - s
	switch {
	case s == 0 && d == 0:
		return ""
	case g >= cfg.MinGap && 100*g >= cfg.CriticalPct*d:
		return CriticalShortage
	case g >= cfg.MinGap && 100*g >= cfg.ShortagePct*d:
		return Shortage
	case -g >= cfg.MinGap && 100*(-g) >= cfg.SurplusPct*d:
		return Surplus
	default:
		return Balance
	}
}

// Gaps returns a gap finding for every year, area, target group and place type (dag, doegn and alle) with
// supply or demand, and a growing finding where the demand forecast exceeds today's supply. Findings are
// ordered by year, area, severity (worst first), target group and place type.
func Gaps(in Input, cfg Config, lang string) []Finding {
	sr := prepare(in)
	yearList, hidden := sr.years, sr.hidden
	// Each series (area, target group, place type) by year: its demand, its supply and its cells hidden from
	// a viewer, in the years of yearList (the years with demand data), read once from the maps. A year with
	// demand data but no line for a group is a year with demand 0 for that group (and likewise for supply); a
	// year without any demand data, or without any supply data, has no gap findings at all.
	yearIndex := make(map[int]int, len(yearList))
	for i, y := range yearList {
		yearIndex[y] = i
	}
	demand, supply := bySeries(sr.demand, yearIndex), bySeries(sr.supply, yearIndex)
	hiddenIn := bySeries(hidden, yearIndex) // a year not among yearList is read from hidden itself
	counted := make([]bool, len(yearList))
	for i, y := range yearList {
		counted[i] = sr.supplyYears[y]
	}
	series := make([]seriesKey, 0, len(demand)+len(supply))
	for sk := range demand {
		series = append(series, sk)
	}
	for sk := range supply {
		if _, both := demand[sk]; !both {
			series = append(series, sk)
		}
	}
	// First each cell's severity and trend (a cell with supply or demand: a key of either map, as a cell
	// with neither is no finding), then the order of its findings (a gap, and a growing finding when its
	// forecast exceeds supply), then each finding written once, in its place in that order: findings are
	// large to copy, and there are many.
	type cell struct {
		sk        seriesKey
		year      int
		s, d      int64 // supply and demand
		sev       string
		tb        *trendBox
		pos, gpos int // the places of its gap and growing findings in the output
	}
	ncells := 0
	for _, sk := range series {
		dem, sup := demand[sk], supply[sk]
		for i := range yearList {
			if counted[i] && (dem != nil && dem[i] != 0 || sup != nil && sup[i] != 0) {
				ncells++
			}
		}
	}
	cells := make([]cell, 0, ncells)
	ngrowing := 0
	for _, sk := range series {
		dem, sup := demand[sk], supply[sk]
		for i, y := range yearList {
			if !counted[i] {
				continue
			}
			var s, d int64
			if sup != nil {
				s = sup[i]
			}
			if dem != nil {
				d = dem[i]
			}
			sev := cfg.Severity(s, d)
			if sev == "" {
				continue
			}
			tb := trend(dem, yearList, i, s, cfg)
			cells = append(cells, cell{sk: sk, year: y, s: s, d: d, sev: sev, tb: tb})
			if tb.Growing {
				ngrowing++
			}
		}
	}
	order := gapOrder(len(cells)+ngrowing, func(rank func(year, area int, sev, group, pt, kind string, i int)) {
		for i, c := range cells { // i: 2 × the cell, + 1 for its growing finding
			rank(c.year, c.sk.area, c.sev, c.sk.group, c.sk.placeType, KindGap, 2*i)
			if c.tb.Growing {
				rank(c.year, c.sk.area, growingSeverity(c.sev), c.sk.group, c.sk.placeType, KindGrowing, 2*i+1)
			}
		}
	})
	for n, i := range order {
		if i%2 == 0 {
			cells[i/2].pos = n
		} else {
			cells[i/2].gpos = n
		}
	}
	out := make([]Finding, len(order))
	for _, c := range cells {
		sk, tb := c.sk, c.tb
		s, d := c.s, c.d
		f := &out[c.pos]
		*f = Finding{
			ID:   "gap-" + itoa(c.year) + "-" + itoa(sk.area) + "-" + sk.group + "-" + sk.placeType,
			Kind: KindGap, Severity: c.sev, Year: c.year, TargetGroup: sk.group, Area: sk.area, PlaceType: sk.placeType,
			Supply: s, Demand: d, Gap: d - s, Trend: &tb.Trend,
		}
		if d > 0 {
			tb.share = float64(d-s) / float64(d)
			f.GapShare = &tb.share
		}
		if sc, ok := in.Survey[SurveyKey{c.year, sk.area, sk.group}]; ok && sc.Scored > 0 {
			f.Survey = &sc
		}
		if hs := hiddenIn[sk]; hs != nil {
			other := hiddenAt(f, hidden) // a year not among yearList
			hideDemand(f, func(y int) Hidden {
				if i, ok := yearIndex[y]; ok {
					return hs[i]
				}
				return other(y)
			})
		}
		f.Sentence, f.URL = gapSentence(*f, cfg, lang), Link(*f)
		if tb.Growing {
			g := &out[c.gpos]
			*g = *f
			g.ID = "growing" + f.ID[len("gap"):]
			g.Kind, g.Severity = KindGrowing, growingSeverity(c.sev)
			g.Sentence, g.URL = growingSentence(*g, lang), Link(*g)
		}
	}
	return out
}

// gapOrder returns the findings each ranks (calling rank for each of them), n in all, as their i, in the
// order of SortFindings. The findings have no ties (one of each kind per year, area, target group and place
// type), so that order is that of their ranks alone; those are packed into one integer each when they fit,
// which sorts several times faster than compareFindings.
func gapOrder(n int, each func(rank func(year, area int, sev, group, pt, kind string, i int))) []int {
	groups := map[string]uint64{}
	minYear, maxYear, fits := math.MaxInt, math.MinInt, n < 1<<24
	each(func(year, area int, _, group, _, _ string, _ int) {
		groups[group] = 0
		minYear, maxYear = min(minYear, year), max(maxYear, year)
		fits = fits && area >= 0 && area+1 < 1<<14
	})
	fits = fits && len(groups) < 1<<10 && maxYear-minYear < 1<<10
	order := make([]int, 0, n)
	if !fits {
		keys := make([]findingKey, 0, n)
		each(func(year, area int, sev, group, pt, kind string, i int) {
			keys = append(keys, rankKey(year, area, sev, group, pt, kind, "", i))
		})
		slices.SortFunc(keys, compareFindings)
		for _, k := range keys {
			order = append(order, k.i)
		}
		return order
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	slices.Sort(names)
	for r, g := range names {
		groups[g] = uint64(r)
	}
	keys := make([]uint64, 0, n)
	each(func(year, area int, sev, group, pt, kind string, i int) {
		k := rankKey(year, area, sev, group, pt, kind, "", i)
		kindRank := uint64(0)
		if kind != KindGap {
			kindRank = 1
		}
		// from the top: the newest year first, the region (area −1) first, severity, target group, place
		// type, kind (gap before growing), then i
		keys = append(keys, uint64(maxYear-year)<<54|uint64(k.area+1)<<40|uint64(k.sev)<<37|groups[group]<<27|
			uint64(k.pt)<<25|kindRank<<24|uint64(i))
	})
	slices.Sort(keys)
	for _, k := range keys {
		order = append(order, int(k&(1<<24-1)))
	}
	return order
}

// bySeries gathers the cells of m by series, each series' values in the order of the years of yearIndex (a
// cell of another year is left out).
func bySeries[V any](m map[Key]V, yearIndex map[int]int) map[seriesKey][]V {
	out := map[seriesKey][]V{}
	for k, v := range m {
		sk := seriesKey{k.Area, k.TargetGroup, k.PlaceType}
		vals := out[sk]
		if vals == nil {
			vals = make([]V, len(yearIndex))
			out[sk] = vals
		}
		if i, ok := yearIndex[k.Year]; ok {
			vals[i] = v
		}
	}
	return out
}

// growingSeverity is the severity of growing demand beside a gap of severity sev: critical beside a
// shortage, else a warning.
func growingSeverity(sev string) string {
	if sev == Shortage || sev == CriticalShortage {
		return Critical
	}
	return Warning
}

// withAll adds the "alle" place type: the sum of day and residential places.
func withAll(m map[Key]int64) map[Key]int64 {
	out := make(map[Key]int64, len(m)*3/2)
	for k, v := range m {
		out[k] += v
		a := k
		a.PlaceType = data.PlaceTypeAll.Code
		out[a] += v
	}
	return out
}

var severityRank = map[string]int{CriticalShortage: 0, Critical: 0, Shortage: 1, Warning: 1, Surplus: 2, Info: 3, Balance: 4}

// SortFindings orders findings by year, area, severity (worst first), target group, place type, kind and
// id. It sorts small keys and moves each finding once: findings are large to copy.
func SortFindings(fs []Finding) { copy(fs, sortJoined(fs)) }

// sortJoined returns the findings of lists joined and sorted as SortFindings sorts them.
func sortJoined(lists ...[]Finding) []Finding {
	type at struct{ list, i int }
	n := 0
	for _, fs := range lists {
		n += len(fs)
	}
	keys, where := make([]findingKey, 0, n), make([]at, 0, n)
	for l, fs := range lists {
		for i := range fs {
			keys = append(keys, keyOf(&fs[i], len(keys)))
			where = append(where, at{l, i})
		}
	}
	slices.SortFunc(keys, compareFindings)
	sorted := make([]Finding, len(keys))
	for n, k := range keys {
		w := where[k.i]
		sorted[n] = lists[w.list][w.i]
	}
	return sorted
}

// MergeFindings merges lists sorted by SortFindings into one sorted list: the same as sorting them joined,
// with ties in the order of the lists.
func MergeFindings(lists [][]Finding) []Finding {
	n := 0
	keys := make([][]findingKey, len(lists))
	for l, fs := range lists {
		n += len(fs)
		keys[l] = make([]findingKey, len(fs))
		for i := range fs {
			keys[l][i] = keyOf(&fs[i], l)
		}
	}
	out := make([]Finding, 0, n)
	next := make([]int, len(lists))
	for len(out) < n {
		best := -1
		for l := range lists {
			if next[l] < len(lists[l]) && (best < 0 || compareFindings(keys[l][next[l]], keys[best][next[best]]) < 0) {
				best = l
			}
		}
		out = append(out, lists[best][next[best]])
		next[best]++
	}
	return out
}

// findingKey is what findings sort by: the newest year first; the region before its municipalities; by
// severity, target group, place type (doegn, dag, alle), kind and id; then i.
type findingKey struct {
	year, area, sev, pt, i int
	group, kind, id        string
}

func keyOf(f *Finding, i int) findingKey {
	return rankKey(f.Year, f.Area, f.Severity, f.TargetGroup, f.PlaceType, f.Kind, f.ID, i)
}

// rankKey is the sort key of a finding with these fields.
func rankKey(year, area int, severity, group, placeType, kind, id string, i int) findingKey {
	if area == data.RegionCode {
		area = -1 // the region before its municipalities
	}
	pt := 2
	switch placeType {
	case "doegn":
		pt = 0
	case "dag":
		pt = 1
	}
	return findingKey{year: -year, area: area, sev: severityRank[severity], pt: pt, i: i, group: group, kind: kind, id: id}
}

func compareFindings(a, b findingKey) int {
	switch {
	case a.year != b.year:
		return a.year - b.year
	case a.area != b.area:
		return a.area - b.area
	case a.sev != b.sev:
		return a.sev - b.sev
	case a.group != b.group:
		return strings.Compare(a.group, b.group)
	case a.pt != b.pt:
		return a.pt - b.pt
	case a.kind != b.kind:
		return strings.Compare(a.kind, b.kind)
	case a.id != b.id:
		return strings.Compare(a.id, b.id) // the same order on every run, whatever order they came in
	}
	return a.i - b.i
}

// seriesKey names a series of demand over the years: an area's demand for a target group and place type.
type seriesKey struct {
	area             int
	group, placeType string
}

// trendBox holds a trend and the numbers its pointers point to, made in one allocation.
type trendBox struct {
	Trend
	first, prev         int64
	changeFirst, change float64
	share               float64 // the gap's share of demand, for the finding the trend belongs to
	forecast            [2]Point
}

// trend computes demand's change since the first year with demand data and since the year before, and a
// least-squares forecast when enough years exist: demand holds the series' demand in each of allYears (nil:
// 0 in all), the finding's year is allYears[at]. Growing is decided exactly (integer arithmetic).
func trend(demand []int64, allYears []int, at int, supply int64, cfg Config) *trendBox {
	years := allYears[:at+1] // the years with demand data up to the finding's
	value := func(i int) int64 {
		if demand == nil {
			return 0
		}
		return demand[i]
	}
	b := &trendBox{}
	t := &b.Trend
	b.first = value(0)
	t.FirstYear, t.FirstDemand, t.Years = years[0], &b.first, len(years)
	now := value(at)
	if b.first > 0 {
		b.changeFirst = float64(now-b.first) / float64(b.first)
		t.ChangeSince = &b.changeFirst
	}
	if at > 0 && years[at-1] == years[at]-1 {
		b.prev = value(at - 1)
		t.PrevDemand = &b.prev
		if b.prev > 0 {
			b.change = float64(now-b.prev) / float64(b.prev)
			t.ChangeSincePrev = &b.change
		}
	}
	if len(years) < cfg.MinYearsForForecast {
		return b
	}
	// least squares y = a + b·x over the years, exact in integers: x counts years from the first, so that
	// with at most 50 years and demands below 10⁹ no product leaves int64 (otherwise no forecast is made)
	n := int64(len(years))
	var sx, sy, sxx, sxy int64
	for i, y := range years {
		x, v := int64(y-years[0]), value(i)
		if v < 0 || v >= 1_000_000_000 || supply < 0 || supply >= 1_000_000_000 || n > 50 {
			return b
		}
		sx += x
		sy += v
		sxx += x * x
		sxy += x * v
	}
	num, den := n*sxy-sx*sy, n*sxx-sx*sx // b = num/den; den > 0 with two or more years
	// predict(x) = a + b·x = (sy·den − num·sx + n·num·x) / (n·den)
	predictNum := func(y int) int64 { return sy*den - num*sx + n*num*int64(y-years[0]) }
	predict := func(y int) float64 { return float64(predictNum(y)) / float64(n*den) }
	var ssr float64
	for i, y := range years {
		r := float64(value(i)) - predict(y)
		ssr += r * r
	}
	if len(years) > 2 {
		t.Band = math.Sqrt(ssr / float64(len(years)-2))
	}
	t.Forecast = b.forecast[:0]
	year := years[at]
	for i := 1; i <= cfg.ForecastYears; i++ {
		above := predictNum(year+i) > supply*n*den // exact: the forecast exceeds today's supply
		t.Forecast = append(t.Forecast, Point{Year: year + i, Value: predict(year + i), Exceeds: above})
		t.Growing = t.Growing || above
	}
	return b
}
