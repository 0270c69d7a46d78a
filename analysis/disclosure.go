package analysis

import (
	"math"
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

// Suppress decides which cells of t a viewer must not see: every small value (primary), and then, one at a
// time, a shown cell of a sum through which a hidden cell could be worked out (secondary), until
// none can: not from a sum with one hidden cell, not by combining sums (linear algebra), and not by narrowing
// the hidden cells' ranges (a primary cell is known to be 1-4, every cell to be at least 0) to one value.
// It is a pure function and deterministic.
func Suppress(t Table) []Hidden {
	h := make([]Hidden, len(t.Values))
	for i, v := range t.Values {
		if t.small(v) {
			h[i] = Primary
		}
	}
	for {
		exposed := Exposed(t, h)
		if len(exposed) == 0 {
			return h
		}
		// hide the shown cell, among those in a sum with an exposed cell, after which the fewest cells are
		// exposed; then the one outside the totals (a region's or an area's total is what readers want most),
		// then the smallest
		candidates := shownIn(t, h, func(c int) bool { return containsInt(exposed, c) })
		if len(candidates) == 0 {
			// every cell of the sums with the exposed cells is hidden, so the sums that work them out are others
			// (a combination of sums): any shown cell of a sum with a hidden cell
			candidates = shownIn(t, h, func(c int) bool { return h[c] != Shown })
		}
		isTotal := map[int]bool{}
		for _, r := range t.Relations {
			isTotal[r.Total] = true
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
