package analysis

import (
	"encoding/binary"
	"hash/maphash"
	"sort"
	"sync"

	"github.com/kapacitet/kapacitet/data"
)

// DemandTable is the table of demand a viewer can see for one year and target group: the region and each
// of its municipalities (rows) by place type dag, doegn and alle (columns), with the sums between them (alle
// = dag + doegn in every row; the region = the sum of its municipalities in every column). Keys name the
// cells. A cell whose demand and supply are both 0 has no finding, so a viewer knows it is 0 (Known).
func DemandTable(demand, supply map[Key]int64, year int, group string) (Table, []Key) {
	areas := []int{data.RegionCode}
	for _, m := range data.RegionMunicipalities(data.RegionCode) {
		areas = append(areas, m.Code)
	}
	types := []string{"dag", "doegn", data.PlaceTypeAll.Code}
	var t Table
	var keys []Key
	cell := func(a, p int) int { return a*len(types) + p }
	for _, area := range areas {
		for _, pt := range types {
			k := Key{Year: year, Area: area, TargetGroup: group, PlaceType: pt}
			keys = append(keys, k)
			t.Values = append(t.Values, demand[k])
			t.Known = append(t.Known, demand[k] == 0 && supply[k] == 0)
		}
	}
	for a := range areas {
		t.Relations = append(t.Relations, Relation{Total: cell(a, 2), Parts: []int{cell(a, 0), cell(a, 1)}})
	}
	for p := range types {
		r := Relation{Total: cell(0, p)}
		for a := 1; a < len(areas); a++ {
			r.Parts = append(r.Parts, cell(a, p))
		}
		t.Relations = append(t.Relations, r)
	}
	return t, keys
}

// hiddenDemand runs disclosure control on every year's and target group's demand table (demand and supply
// with the region and "alle" added) and returns the hidden cells. The result depends on them alone, so the last
// few results are kept (keyed by a hash of the demand) and the pages do not redo it on every request.
func hiddenDemand(demand, supply map[Key]int64, years []int) map[Key]Hidden {
	var h setHash
	buf := make([]byte, 0, 64)
	for i, m := range []map[Key]int64{demand, supply} {
		for k, v := range m {
			buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(i)<<48|uint64(uint16(k.Year))<<32|uint64(uint32(k.Area)))
			buf = binary.LittleEndian.AppendUint64(buf, uint64(v))
			buf = append(buf, k.TargetGroup...)
			buf = append(buf, 0)
			buf = append(buf, k.PlaceType...)
			h.add(buf)
		}
	}
	return demandMemo.get(h.key(), func() map[Key]Hidden { return computeHiddenDemand(demand, supply, years) })
}

var demandMemo memo[map[Key]Hidden]

// memo keeps the last four results of a pure computation, keyed by a hash of its input (results are read
// only once made). Callers asking for a result being computed wait for it rather than compute it again.
type memo[V any] struct {
	sync.Mutex
	entries []*memoEntry[V]
}

type memoEntry[V any] struct {
	key  [2]uint64
	done chan struct{} // closed when v is made
	v    V
}

func (m *memo[V]) get(key [2]uint64, compute func() V) V {
	m.Lock()
	for _, e := range m.entries {
		if e.key == key {
			m.Unlock()
			<-e.done
			return e.v
		}
	}
	e := &memoEntry[V]{key: key, done: make(chan struct{})}
	m.entries = append([]*memoEntry[V]{e}, m.entries[:min(len(m.entries), 3)]...)
	m.Unlock()
	defer close(e.done)
	e.v = compute()
	return e.v
}

// setHash hashes a set of entries independently of their order: the sum and the xor of every entry's hash,
// and their number (128 bits; equal hashes of different sets would need a collision of both).
type setHash struct{ sum, xor, n uint64 }

func (s *setHash) add(entry []byte) {
	h := maphash.Bytes(memoSeed, entry)
	s.sum += h
	s.xor ^= h * 0x9e3779b97f4a7c15
	s.n++
}

func (s setHash) key() [2]uint64 { return [2]uint64{s.sum, s.xor ^ s.n<<32} }

var memoSeed = maphash.MakeSeed()

func computeHiddenDemand(demand, supply map[Key]int64, years []int) map[Key]Hidden {
	groups := map[string]bool{}
	for k := range demand {
		groups[k.TargetGroup] = true
	}
	out := map[Key]Hidden{}
	for _, y := range years {
		for g := range groups {
			t, keys := DemandTable(demand, supply, y, g)
			for i, h := range Suppress(t) {
				if h != Shown {
					out[keys[i]] = h
				}
			}
		}
	}
	return out
}

// hide records that field is hidden from a viewer and shown as shown ("<5" or "–").
func (f *Finding) hide(field, shown string) {
	if f.Suppressed == nil {
		f.Suppressed = map[string]string{}
	}
	f.Suppressed[field] = shown
}

// series is what gap-like findings read from an Input: supply and demand with the region and "alle" added,
// the years with demand data (sorted), the years with supply data, and, for a viewer, the demand cells
// disclosure control hides.
type series struct {
	supply, demand map[Key]int64
	years          []int
	supplyYears    map[int]bool
	hidden         map[Key]Hidden // nil unless in.Viewer
}

func prepare(in Input) series {
	s := series{supply: withAll(in.Supply), demand: withAll(in.Demand), supplyYears: map[int]bool{}}
	for k := range s.supply {
		s.supplyYears[k.Year] = true
	}
	seen := map[int]bool{}
	for k := range s.demand {
		if !seen[k.Year] {
			seen[k.Year] = true
			s.years = append(s.years, k.Year)
		}
	}
	sort.Ints(s.years)
	if in.Viewer {
		s.hidden = hiddenDemand(s.demand, s.supply, s.years)
	}
	return s
}

// hiddenAt is at for hideDemand from the map of hidden demand cells: finding f's cell of each year.
func hiddenAt(f *Finding, hidden map[Key]Hidden) func(year int) Hidden {
	k := Key{Year: f.Year, Area: f.Area, TargetGroup: f.TargetGroup, PlaceType: f.PlaceType}
	return func(y int) Hidden { k.Year = y; return hidden[k] }
}

// hideDemand hides from a gap finding every number that rests on hidden demand: its demand, gap and share;
// the trend's demand in a hidden year and the changes computed from it; and the forecast (and its band) when
// any year of the series is hidden. The severity and whether demand is growing stay, as PRODUCT.md allows.
// at(y) is whether the finding's demand cell of year y is hidden.
func hideDemand(f *Finding, at func(year int) Hidden) {
	mark := func(field string, h Hidden) { f.hide(field, h.Shown()) }
	if h := at(f.Year); h != Shown {
		mark("demand", h)
		mark("gap", Secondary)
		mark("gap_share", Secondary)
		f.Demand, f.Gap, f.GapShare = 0, 0, nil
	}
	t := f.Trend
	if t == nil {
		return
	}
	t2 := *t
	if h := at(t.FirstYear); h != Shown {
		mark("trend.first_demand", h)
		t2.FirstDemand = nil
	}
	if at(t.FirstYear) != Shown || at(f.Year) != Shown {
		t2.ChangeSince = nil
	}
	if t.PrevDemand != nil && at(f.Year-1) != Shown {
		mark("trend.previous_demand", at(f.Year-1))
		t2.PrevDemand = nil
	}
	if at(f.Year-1) != Shown || at(f.Year) != Shown {
		t2.ChangeSincePrev = nil
	}
	if len(t.Forecast) > 0 {
		for y := t.FirstYear; y <= f.Year; y++ {
			if at(y) != Shown {
				mark("trend.forecast", Secondary)
				t2.Forecast, t2.Band = nil, 0
				break
			}
		}
	}
	f.Trend = &t2
}
