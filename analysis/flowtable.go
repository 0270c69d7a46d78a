package analysis

import (
	"encoding/binary"
	"sort"

	"github.com/kapacitet/kapacitet/data"
)

// FlowCell names a number of the self-sufficiency findings a viewer sees: for one year, target group and
// area (the region or one of its municipalities), the full-year places the area bought (Field "bought"),
// bought in itself ("home"), bought elsewhere ("elsewhere"), sold to others ("sold"), bought in area Other
// ("from") or sold to area Other ("to").
type FlowCell struct {
	Year        int
	TargetGroup string
	Area        int
	Field       string
	Other       int
}

// FlowTable is the table of purchases a viewer can see for one year and target group, in hundredths of
// full-year places (Unit 100), all place types together (viewers get no day/residential split of purchases):
// every purchase between two areas of which one is in the region, and per area what it bought, bought in
// itself, bought elsewhere and sold, with the sums between them. The map names the cells; one cell can have
// two names (Aalborg's purchase in Rebild is in both their lists). A name missing from the map is 0 (no such
// purchase), which a viewer knows.
func FlowTable(flows []data.PurchaseFlow, year int, group string) (Table, map[FlowCell]int) {
	type pair struct{ buyer, location int }
	places := map[pair]int64{}
	inRegion := data.InRegion
	for _, f := range flows {
		if f.Year == year && f.TargetGroup == group && f.PlacesH != 0 && (inRegion(f.Buyer) || inRegion(f.Location)) {
			places[pair{f.Buyer, f.Location}] += f.PlacesH
		}
	}
	pairs := make([]pair, 0, len(places))
	areas := map[int]bool{} // municipalities of the region with a finding
	for p := range places {
		pairs = append(pairs, p)
		if inRegion(p.buyer) {
			areas[p.buyer] = true
		}
		if inRegion(p.location) && p.location != p.buyer {
			areas[p.location] = true
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].buyer != pairs[j].buyer {
			return pairs[i].buyer < pairs[j].buyer
		}
		return pairs[i].location < pairs[j].location
	})
	t := Table{Unit: 100}
	names := map[FlowCell]int{}
	cell := func(v int64, area int, field string, other int) int {
		i := len(t.Values)
		t.Values = append(t.Values, v)
		names[FlowCell{year, group, area, field, other}] = i
		return i
	}
	// sum adds a cell that is the sum of parts, named area/field/other
	sum := func(parts []int, area int, field string, other int) int {
		var v int64
		for _, p := range parts {
			v += t.Values[p]
		}
		c := cell(v, area, field, other)
		if len(parts) > 0 {
			t.Relations = append(t.Relations, Relation{Total: c, Parts: parts})
		}
		for len(t.Known) < len(t.Values) {
			t.Known = append(t.Known, false)
		}
		t.Known[c] = len(parts) == 0 // a sum of nothing: 0, and a viewer knows it
		return c
	}
	at := map[pair]int{}
	for _, p := range pairs {
		switch {
		case p.buyer == p.location:
			at[p] = cell(places[p], p.buyer, "home", 0)
		case inRegion(p.buyer):
			at[p] = cell(places[p], p.buyer, "from", p.location)
			if inRegion(p.location) {
				names[FlowCell{year, group, p.location, "to", p.buyer}] = at[p]
			}
		default:
			at[p] = cell(places[p], p.location, "to", p.buyer)
		}
	}
	// parts returns the purchases for which keep is true, in order
	parts := func(keep func(p pair) bool) []int {
		var out []int
		for _, p := range pairs {
			if keep(p) {
				out = append(out, at[p])
			}
		}
		return out
	}
	ms := make([]int, 0, len(areas))
	for m := range areas {
		ms = append(ms, m)
	}
	sort.Ints(ms)
	var bought []int
	for _, m := range ms {
		e := sum(parts(func(p pair) bool { return p.buyer == m && p.location != m }), m, "elsewhere", 0)
		b := parts(func(p pair) bool { return p.buyer == m && p.location == m })
		bought = append(bought, sum(append(b, e), m, "bought", 0))
		sum(parts(func(p pair) bool { return p.buyer != m && p.location == m }), m, "sold", 0)
	}
	region := data.RegionCode
	outside := func(buyers bool) []int { // the areas outside the region that bought in it, or that it bought in
		seen := map[int]bool{}
		var out []int
		for _, p := range pairs {
			a := p.location
			if buyers {
				a = p.buyer
			}
			if !inRegion(a) && !seen[a] {
				seen[a] = true
				out = append(out, a)
			}
		}
		sort.Ints(out)
		return out
	}
	var from, to []int
	for _, l := range outside(false) {
		from = append(from, sum(parts(func(p pair) bool { return p.location == l && inRegion(p.buyer) }), region, "from", l))
	}
	for _, b := range outside(true) {
		to = append(to, sum(parts(func(p pair) bool { return p.buyer == b && inRegion(p.location) }), region, "to", b))
	}
	home := sum(parts(func(p pair) bool { return inRegion(p.buyer) && inRegion(p.location) }), region, "home", 0)
	elsewhere := sum(from, region, "elsewhere", 0)
	b := sum(bought, region, "bought", 0)
	t.Relations = append(t.Relations, Relation{Total: b, Parts: []int{home, elsewhere}})
	sum(to, region, "sold", 0)
	return t, names
}

// hiddenFlows runs disclosure control on every year's and target group's purchase table (FlowTable) and
// returns the hidden cells by name. Kept like hiddenDemand's results.
func hiddenFlows(flows []data.PurchaseFlow) map[FlowCell]Hidden {
	var h setHash
	buf := make([]byte, 0, 64)
	for _, f := range flows {
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(uint16(f.Year))<<48|uint64(uint32(f.Buyer)))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(uint32(f.Location)))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(f.PlacesH))
		buf = append(buf, f.TargetGroup...)
		buf = append(buf, 0)
		buf = append(buf, f.PlaceType...)
		h.add(buf)
	}
	return flowMemo.get(h.key(), func() map[FlowCell]Hidden {
		type yearGroup struct {
			year  int
			group string
		}
		seen := map[yearGroup]bool{}
		out := map[FlowCell]Hidden{}
		for _, f := range flows {
			yg := yearGroup{f.Year, f.TargetGroup}
			if f.TargetGroup == "" || seen[yg] {
				continue
			}
			seen[yg] = true
			t, names := FlowTable(flows, f.Year, f.TargetGroup)
			hidden := Suppress(t)
			for name, c := range names {
				if hidden[c] != Shown {
					out[name] = hidden[c]
				}
			}
		}
		return out
	})
}

var flowMemo memo[map[FlowCell]Hidden]

// PublicFlow is the places one area bought in another (or in itself) in a year for a target group, all
// place types together, as a viewer sees them: in hundredths of full-year places, or hidden.
type PublicFlow struct {
	Year            int
	TargetGroup     string
	Buyer, Location int
	PlacesH         int64
	Hidden          Hidden
}

// PublicFlows lists the purchases a viewer may know of (those of FlowTable: one of the two areas in the
// region), under the disclosure control of the self-sufficiency findings: a flow hidden there is hidden
// here, so an extract shows nothing the pages hide. Ordered by year, target group, buyer and location.
func PublicFlows(flows []data.PurchaseFlow) []PublicFlow {
	hidden := hiddenFlows(flows)
	type key struct {
		year            int
		group           string
		buyer, location int
	}
	places := map[key]int64{}
	for _, f := range flows {
		if f.TargetGroup != "" && f.PlacesH != 0 && (data.InRegion(f.Buyer) || data.InRegion(f.Location)) {
			places[key{f.Year, f.TargetGroup, f.Buyer, f.Location}] += f.PlacesH
		}
	}
	out := make([]PublicFlow, 0, len(places))
	for k, v := range places {
		// the cell's name in FlowTable
		name := FlowCell{k.year, k.group, k.location, "to", k.buyer}
		switch {
		case k.buyer == k.location:
			name = FlowCell{k.year, k.group, k.buyer, "home", 0}
		case data.InRegion(k.buyer):
			name = FlowCell{k.year, k.group, k.buyer, "from", k.location}
		}
		out = append(out, PublicFlow{Year: k.year, TargetGroup: k.group, Buyer: k.buyer, Location: k.location, PlacesH: v, Hidden: hidden[name]})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.Year != b.Year:
			return a.Year < b.Year
		case a.TargetGroup != b.TargetGroup:
			return a.TargetGroup < b.TargetGroup
		case a.Buyer != b.Buyer:
			return a.Buyer < b.Buyer
		}
		return a.Location < b.Location
	})
	return out
}
