package analysis

import (
	"math"
	"math/bits"
	"slices"
	"sort"
)

// Disclosure control (PRODUCT.md): person counts of 1-4 show as "<5" to viewers, with secondary suppression
// so that no hidden count can be worked out from what a viewer sees.

// Table is a table of person counts as a viewer sees it: the cells' values and the sums between them.
type Table struct {
	Values    []int64
	Relations []Relation
	// Known marks cells a viewer knows even when hidden (a demand of 0 where there is no finding at all,
	// because supply is 0 too): they are never hidden to protect another cell. May be nil.
	Known []bool
	// Unit is what one person is in Values: 1 for counts (also when 0), 100 for full-year places in
	// hundredths. A value above 0 and below 5 units is small (primary), and a hidden cell is worked out when
	// a viewer can narrow it to less than one unit.
	Unit int64
}

func (t Table) unit() int64 { return max(1, t.Unit) }

// small reports whether v must not be shown: above 0 and below 5 units.
func (t Table) small(v int64) bool { return v >= 1 && v < 5*t.unit() }

// Relation says that cell Total is the sum of cells Parts (a municipality's day and residential places make
// its total; the municipalities' counts make the region's).
type Relation struct {
	Total int
	Parts []int
}

// Hidden says why a cell is hidden: Primary for a count of 1-4 (shown as "<5"), Secondary for a cell hidden
// so that a primary one cannot be worked out (shown as "–").
type Hidden uint8

const (
	Shown Hidden = iota
	Primary
	Secondary
)

// Shown is what a viewer sees for a hidden cell: "<5" (Primary), "–" (Secondary), or "" for a shown one.
func (h Hidden) Shown() string {
	switch h {
	case Primary:
		return "<5"
	case Secondary:
		return "–"
	}
	return ""
}

// SmallCount reports whether a person count must not be shown (1-4).
func SmallCount(v int64) bool { return v >= 1 && v <= 4 }

// Suppress decides which cells of t a viewer must not see: every small value (primary), and then shown cells
// of the sums through which a hidden cell could be worked out (secondary), until none can: not from a sum with
// one hidden cell, not by combining sums (linear algebra), and not by narrowing the hidden cells' ranges (a
// primary cell is known to be 1-4, every cell to be at least 0) to one value. Three ways are tried and the one
// that hides fewest cells is kept (then fewer totals, then the smaller hidden sum): hiding one cell at a time
// where it helps most; first covering each primary cell with a rectangle of cells (a partner in two of its
// sums and a cell that closes both); after either of these, a secondary cell the others protect without it is
// shown again; and, for a small table, the fewest cells that will do (fewestHidden). It is a pure function
// and deterministic.
func Suppress(t Table) []Hidden {
	primary := make([]Hidden, len(t.Values))
	for i, v := range t.Values {
		if t.small(v) {
			primary[i] = Primary
		}
	}
	isTotal := make([]bool, len(t.Values))
	for _, r := range t.Relations {
		isTotal[r.Total] = true
	}
	best := unhideRedundant(t, hideUntilSafe(t, slices.Clone(primary), isTotal))
	bestCost := suppressionCost(t, best, isTotal)
	rect := unhideRedundant(t, hideUntilSafe(t, coverRectangles(t, slices.Clone(primary), isTotal), isTotal))
	if c := suppressionCost(t, rect, isTotal); c.less(bestCost) {
		best, bestCost = rect, c
	}
	if h := fewestHidden(t, primary, isTotal, int(bestCost.cells)-1); h != nil {
		best = h
	}
	return best
}

// searchBudget bounds fewestHidden's search: the sets of cells it looks at, and how many of them it checks
// with Exposed (the sets in which no sum has exactly one hidden cell).
const searchBudget, checkBudget = 3_000_000, 20_000

// fewestHidden looks, for a table of at most 64 cells, for the fewest secondary cells (at most most) that
// protect every primary cell of primary, trying every set of cells of each size in turn, smallest first; of
// the sets of that size it keeps the cheapest (fewer totals, then the smaller hidden sum). It returns nil when
// there is none within most, or when the search would exceed its budget.
func fewestHidden(t Table, primary []Hidden, isTotal []bool, most int) []Hidden {
	if len(t.Values) > 64 || most < 0 {
		return nil
	}
	var masks []uint64 // each sum's cells
	for _, r := range t.Relations {
		m := uint64(1) << r.Total
		for _, p := range r.Parts {
			m |= 1 << p
		}
		masks = append(masks, m)
	}
	var hidden uint64
	var cand []int
	for i, x := range primary {
		switch {
		case x == Primary:
			hidden |= 1 << i
		case t.Known == nil || !t.Known[i]:
			cand = append(cand, i)
		}
	}
	looked, checked := 0, 0
	h := slices.Clone(primary)
	for k := 0; k <= most && k <= len(cand); k++ {
		var best []Hidden
		var bestCost cost
		pick := make([]int, k)
		var rec func(start, d int, set uint64) bool // false: over budget
		rec = func(start, d int, set uint64) bool {
			if d == k {
				looked++
				if looked > searchBudget {
					return false
				}
				for _, m := range masks {
					if bits.OnesCount64(m&set) == 1 {
						return true
					}
				}
				checked++
				if checked > checkBudget {
					return false
				}
				for _, c := range pick {
					h[c] = Secondary
				}
				if len(Exposed(t, h)) == 0 {
					if c := suppressionCost(t, h, isTotal); best == nil || c.less(bestCost) {
						best, bestCost = slices.Clone(h), c
					}
				}
				for _, c := range pick {
					h[c] = Shown
				}
				return true
			}
			for i := start; i <= len(cand)-(k-d); i++ {
				pick[d] = cand[i]
				if !rec(i+1, d+1, set|1<<cand[i]) {
					return false
				}
			}
			return true
		}
		if !rec(0, 0, hidden) {
			return nil
		}
		if best != nil {
			return best
		}
	}
	return nil
}

// cost is what a suppression gives up: hidden cells, hidden totals, and the sum of the hidden values.
type cost struct{ cells, totals, sum int64 }

func (a cost) less(b cost) bool {
	if a.cells != b.cells {
		return a.cells < b.cells
	}
	if a.totals != b.totals {
		return a.totals < b.totals
	}
	return a.sum < b.sum
}

// hide adds cell to what c gives up.
func (c *cost) hide(t Table, isTotal []bool, cell int) {
	c.cells++
	if isTotal[cell] {
		c.totals++
	}
	c.sum += t.Values[cell]
}

func suppressionCost(t Table, h []Hidden, isTotal []bool) cost {
	var c cost
	for i, x := range h {
		if x == Secondary {
			c.hide(t, isTotal, i)
		}
	}
	return c
}

// coverRectangles hides, for each primary cell x, the cheapest rectangle around it: a partner y in one of
// its sums, a partner z in another, and a cell w in a sum with y and in one with z (in a table of rows and
// columns, the corners of a rectangle), so that each sum holds two hidden cells and the four move together.
// Cells already hidden cost nothing; cells a viewer knows are never used.
func coverRectangles(t Table, h []Hidden, isTotal []bool) []Hidden {
	rels := make([][]int, len(t.Values)) // the sums each cell is in
	for ri, r := range t.Relations {
		rels[r.Total] = append(rels[r.Total], ri)
		for _, p := range r.Parts {
			rels[p] = append(rels[p], ri)
		}
	}
	cells := func(ri int) []int { r := t.Relations[ri]; return append([]int{r.Total}, r.Parts...) }
	usable := func(c int) bool { return !(t.Known != nil && t.Known[c]) }
	add := func(c *cost, cell int) {
		if h[cell] == Shown {
			c.hide(t, isTotal, cell)
		}
	}
	for x := range t.Values {
		if h[x] != Primary || len(rels[x]) == 0 {
			continue
		}
		var best []int
		var bestCost cost
		try := func(c cost, corners ...int) {
			if best == nil || c.less(bestCost) {
				best, bestCost = corners, c
			}
		}
		for ai, ra := range rels[x] {
			for _, y := range cells(ra) {
				if y == x || !usable(y) {
					continue
				}
				if len(rels[x]) == 1 {
					var c cost
					add(&c, y)
					try(c, y)
					continue
				}
				for _, rb := range rels[x][ai+1:] {
					for _, z := range cells(rb) {
						if z == x || z == y || !usable(z) {
							continue
						}
						for _, ry := range rels[y] {
							if ry == ra {
								continue
							}
							for _, w := range cells(ry) {
								if w == x || w == y || w == z || !usable(w) || !slices.ContainsFunc(rels[w], func(rz int) bool { return rz != rb && slices.Contains(rels[z], rz) }) {
									continue
								}
								var c cost
								add(&c, y)
								add(&c, z)
								add(&c, w)
								try(c, y, z, w)
							}
						}
					}
				}
			}
		}
		for _, c := range best {
			if h[c] == Shown {
				h[c] = Secondary
			}
		}
	}
	return h
}

// hideUntilSafe hides, one at a time, a shown cell of a sum through which a hidden cell of h could be worked
// out, until none can: the cell after which the fewest cells are exposed; then one outside the totals (a
// region's or an area's total is what readers want most), then the smallest.
func hideUntilSafe(t Table, h []Hidden, isTotal []bool) []Hidden {
	for {
		exposed := Exposed(t, h)
		if len(exposed) == 0 {
			return h
		}
		candidates := shownIn(t, h, func(c int) bool { return containsInt(exposed, c) })
		if len(candidates) == 0 {
			// every cell of the sums with the exposed cells is hidden, so the sums that work them out are others
			// (a combination of sums): any shown cell of a sum with a hidden cell
			candidates = shownIn(t, h, func(c int) bool { return h[c] != Shown })
		}
		best, bestExposed := -1, 0
		for _, c := range candidates {
			h[c] = Secondary
			n := len(Exposed(t, h))
			h[c] = Shown
			better := best < 0 || n < bestExposed ||
				n == bestExposed && (isTotal[best] && !isTotal[c] ||
					isTotal[best] == isTotal[c] && (t.Values[c] < t.Values[best] || t.Values[c] == t.Values[best] && c < best))
			if better {
				best, bestExposed = c, n
			}
		}
		if best < 0 {
			return h // nothing left to hide (cannot happen: an exposed cell is in some sum with a shown cell)
		}
		h[best] = Secondary
	}
}

// unhideRedundant shows again each secondary cell that the other hidden cells protect without it: the
// greedy choice above hides one cell at a time, and a later one can make an earlier one unnecessary. The
// largest cells are tried first (they tell readers the most), ties by cell.
func unhideRedundant(t Table, h []Hidden) []Hidden {
	var secondary []int
	for c, x := range h {
		if x == Secondary {
			secondary = append(secondary, c)
		}
	}
	sort.SliceStable(secondary, func(i, j int) bool { return t.Values[secondary[i]] > t.Values[secondary[j]] })
	for _, c := range secondary {
		h[c] = Shown
		if len(Exposed(t, h)) > 0 {
			h[c] = Secondary
		}
	}
	return h
}

// shownIn returns the cells of t's sums with a cell for which hit is true that are shown and not Known.
func shownIn(t Table, h []Hidden, hit func(c int) bool) []int {
	var out []int
	for _, r := range t.Relations {
		cells := append([]int{r.Total}, r.Parts...)
		in := false
		for _, c := range cells {
			in = in || hit(c)
		}
		for _, c := range cells {
			if in && h[c] == Shown && !containsInt(out, c) && !(t.Known != nil && t.Known[c]) {
				out = append(out, c)
			}
		}
	}
	return out
}

func containsInt(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// Exposed returns the hidden cells of t that a viewer could work out from the shown cells and the sums: by
// linear algebra (a hidden cell that a combination of the sums determines) or by narrowing ranges (a primary
// cell is 1-4, any cell at least 0, all whole numbers; a range narrower than one unit counts as worked out).
// Sorted by cell.
func Exposed(t Table, h []Hidden) []int {
	idx := map[int]int{} // hidden cell → unknown
	var cells []int
	for i, x := range h {
		if x != Shown {
			idx[i] = len(cells)
			cells = append(cells, i)
		}
	}
	if len(cells) == 0 {
		return nil
	}
	// each sum as coefficients over the unknowns = constant: Σ parts − total = 0
	type eq struct {
		a []int64
		c int64
	}
	var eqs []eq
	for _, r := range t.Relations {
		e := eq{a: make([]int64, len(cells))}
		add := func(cell int, sign int64) {
			if u, ok := idx[cell]; ok {
				e.a[u] += sign
			} else {
				e.c -= sign * t.Values[cell]
			}
		}
		for _, p := range r.Parts {
			add(p, 1)
		}
		add(r.Total, -1)
		nonzero := false
		for _, v := range e.a {
			nonzero = nonzero || v != 0
		}
		if nonzero {
			eqs = append(eqs, e)
		}
	}
	exposed := map[int]bool{}
	// linear algebra: reduced row echelon form (the coefficients are small whole numbers, so floating point
	// with a tolerance decides exactly); a pivot whose row has no other unknown is determined
	const eps = 1e-9
	rows := make([][]float64, len(eqs))
	for i, e := range eqs {
		rows[i] = make([]float64, len(cells)+1)
		for j, v := range e.a {
			rows[i][j] = float64(v)
		}
		rows[i][len(cells)] = float64(e.c)
	}
	pivotRow := 0
	for col := 0; col < len(cells) && pivotRow < len(rows); col++ {
		p := -1
		for r := pivotRow; r < len(rows); r++ {
			if math.Abs(rows[r][col]) > eps {
				p = r
				break
			}
		}
		if p < 0 {
			continue
		}
		rows[pivotRow], rows[p] = rows[p], rows[pivotRow]
		inv := 1 / rows[pivotRow][col]
		for j := range rows[pivotRow] {
			rows[pivotRow][j] *= inv
		}
		for r := range rows {
			if r == pivotRow || math.Abs(rows[r][col]) <= eps {
				continue
			}
			f := rows[r][col]
			for j := range rows[r] {
				rows[r][j] -= f * rows[pivotRow][j]
			}
		}
		pivotRow++
	}
	for r := 0; r < pivotRow; r++ {
		nz, at := 0, -1
		for j := 0; j < len(cells); j++ {
			if math.Abs(rows[r][j]) > eps {
				nz++
				at = j
			}
		}
		if nz == 1 {
			exposed[cells[at]] = true
		}
	}
	// ranges: lo ≤ x ≤ hi, narrowed through every sum until nothing changes
	const inf = int64(1) << 50
	lo, hi := make([]int64, len(cells)), make([]int64, len(cells))
	for u, c := range cells {
		lo[u], hi[u] = 0, inf
		if h[c] == Primary {
			lo[u], hi[u] = 1, 5*t.unit()-1
		}
	}
	for changed, rounds := true, 0; changed && rounds < 100; rounds++ {
		changed = false
		for _, e := range eqs {
			for u, a := range e.a {
				if a == 0 {
					continue
				}
				// a·x_u = c − Σ_{k≠u} a_k·x_k
				rlo, rhi := e.c, e.c
				for k, b := range e.a {
					if k == u || b == 0 {
						continue
					}
					if b > 0 {
						rlo, rhi = sat(rlo-b*hi[k]), sat(rhi-b*lo[k])
					} else {
						rlo, rhi = sat(rlo-b*lo[k]), sat(rhi-b*hi[k])
					}
				}
				if a < 0 {
					rlo, rhi = -rhi, -rlo
					a = -a
				}
				nlo, nhi := ceilDiv(rlo, a), floorDiv(rhi, a)
				if nlo > lo[u] {
					lo[u], changed = nlo, true
				}
				if nhi < hi[u] {
					hi[u], changed = nhi, true
				}
			}
		}
	}
	for u, c := range cells {
		if hi[u]-lo[u] < t.unit() {
			exposed[c] = true
		}
	}
	out := make([]int, 0, len(exposed))
	for c := range exposed {
		out = append(out, c)
	}
	sort.Ints(out)
	return out
}

// sat keeps a bound within ±2^55 (an unbounded cell stays unbounded through the sums).
func sat(v int64) int64 {
	const lim = int64(1) << 55
	return max(-lim, min(lim, v))
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }
