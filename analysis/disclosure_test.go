package analysis

import (
	"encoding/csv"
	"math/big"
	"os"
	"reflect"
	"strconv"
	"testing"

	"github.com/kapacitet/kapacitet/data"
)

// Small tables worked out by hand.
func TestSuppressByHand(t *testing.T) {
	row := []Relation{{Total: 2, Parts: []int{0, 1}}} // cell 2 = cell 0 + cell 1
	cases := []struct {
		values []int64
		want   []Hidden
	}{
		// 3 + 10 = 13: the 3 alone could be worked out; hiding the 10 (not the total) leaves 1-4 and 9-12
		{[]int64{3, 10, 13}, []Hidden{Primary, Secondary, Shown}},
		// 4 + 4 = 8: two hidden cells of 1-4 that sum to 8 are both 4, so the total goes too
		{[]int64{4, 4, 8}, []Hidden{Primary, Primary, Secondary}},
		// 2 + 2 = 4: all three are small
		{[]int64{2, 2, 4}, []Hidden{Primary, Primary, Primary}},
		// 1 + 3 = 4 shown as <5 + <5 = <5: nothing to add
		{[]int64{1, 3, 4}, []Hidden{Primary, Primary, Primary}},
		// nothing small, nothing hidden; zeros are shown
		{[]int64{0, 7, 7}, []Hidden{Shown, Shown, Shown}},
	}
	for _, c := range cases {
		if got := Suppress(Table{Values: c.values, Relations: row}); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v: %v, want %v", c.values, got, c.want)
		}
	}
	// two rows and their column totals: a 2 in row A alone in its column; the complement is row B's cells
	// (the smallest other row), so that A's and B's cells can trade places: A 2+10=12, B 5+6=11, total 7+16=23
	two := Table{
		Values: []int64{2, 10, 12, 5, 6, 11, 7, 16, 23},
		Relations: []Relation{
			{Total: 2, Parts: []int{0, 1}}, {Total: 5, Parts: []int{3, 4}}, {Total: 8, Parts: []int{6, 7}},
			{Total: 6, Parts: []int{0, 3}}, {Total: 7, Parts: []int{1, 4}}, {Total: 8, Parts: []int{2, 5}},
		},
	}
	got := Suppress(two)
	if n := hiddenCount(got); got[0] != Primary || n != 4 || got[6] != Shown || got[7] != Shown || got[8] != Shown {
		t.Errorf("two rows: %v: want the 2 and three more cells, no total of the table", got)
	}
	if e := recoverable(two, got); len(e) > 0 {
		t.Errorf("two rows: cells %v can be worked out", e)
	}
}

// A municipality of 4 day and 4 residential citizens (8 in all) among two larger ones, with the region's
// sums: 4 + 4 = 8 pins both 4s, so the 8 goes; then each column holds one hidden cell, so each needs one
// more: the cheapest is a whole other row (three cells), and of the two the smaller (C: 20 + 10 = 30, one
// total, against B's 30 + 50 = 80) rather than the region's row (three totals). Four cells, no fewer can do
// (the 8 and one in each of the three columns); hiding one cell at a time where it helps most took far more.
func TestSuppressFewestCells(t *testing.T) {
	// rows R (region), A, B, C; columns dag, doegn, alle
	tb := Table{Values: []int64{54, 64, 118, 4, 4, 8, 30, 50, 80, 20, 10, 30}}
	for r := 0; r < 4; r++ {
		tb.Relations = append(tb.Relations, Relation{Total: 3*r + 2, Parts: []int{3 * r, 3*r + 1}})
	}
	for c := 0; c < 3; c++ {
		tb.Relations = append(tb.Relations, Relation{Total: c, Parts: []int{3 + c, 6 + c, 9 + c}})
	}
	want := []Hidden{Shown, Shown, Shown, Primary, Primary, Secondary, Shown, Shown, Shown, Secondary, Secondary, Secondary}
	got := Suppress(tb)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if e := recoverable(tb, got); len(e) > 0 {
		t.Errorf("cells %v can be worked out", e)
	}
}

func hiddenCount(h []Hidden) int {
	n := 0
	for _, x := range h {
		if x != Shown {
			n++
		}
	}
	return n
}

// readDemo reads a demo file: its records after the header, and the columns by name.
func readDemo(t *testing.T, file string) ([][]string, map[string]int) {
	f, err := os.Open("../data/demo/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	return recs[1:], col
}

// demoSeries reads a demo file as the analysis sees it: the sum of the value columns by year, area (each
// municipality, by the area column, and the region) and place type (dag, doegn and alle), summed here from
// the CSV file.
func demoSeries(t *testing.T, file, area string, values ...string) map[Key]int64 {
	recs, col := readDemo(t, file)
	d := map[Key]int64{}
	for _, r := range recs {
		y, _ := strconv.Atoi(r[col["year"]])
		m, _ := strconv.Atoi(r[col[area]])
		var v int64
		for _, c := range values {
			n, _ := strconv.ParseInt(r[col[c]], 10, 64)
			v += n
		}
		for _, a := range []int{data.RegionCode, m} {
			for _, pt := range []string{r[col["place_type"]], "alle"} {
				d[Key{y, a, r[col["target_group"]], pt}] += v
			}
		}
	}
	return d
}

// Every demand table a viewer can see on the demo data (every year and target group: each filter of the
// findings shows a part of these tables, so none shows more): every count of 1-4 is hidden, and a solver
// that knows every shown cell, every sum, and that a "<5" cell is 1-4 and any cell at least 0, cannot work
// out any hidden cell. The solver is written here apart from Suppress's own check: exact rational
// elimination and range narrowing.
func TestDisclosureOnTheDemo(t *testing.T) {
	demand := demoSeries(t, "demand.csv", "municipality", "placed", "waiting")
	supply := demoSeries(t, "capacity.csv", "location", "places")
	years, groups := map[int]bool{}, map[string]bool{}
	for k := range demand {
		years[k.Year], groups[k.TargetGroup] = true, true
	}
	var cells, primary, secondary int
	for y := range years {
		for g := range groups {
			tb, keys := DemandTable(demand, supply, y, g)
			h := Suppress(tb)
			for i, v := range tb.Values {
				cells++
				switch {
				case SmallCount(v) && h[i] != Primary:
					t.Errorf("%v = %d is shown", keys[i], v)
				case h[i] == Primary:
					primary++
				case h[i] == Secondary:
					secondary++
				}
			}
			if e := recoverable(tb, h); len(e) > 0 {
				for _, c := range e {
					t.Errorf("%v (%d) can be worked out from the shown cells", keys[c], tb.Values[c])
				}
			}
		}
	}
	t.Logf("demo demand: %d cells, %d hidden as <5 (%.1f %%), %d more hidden to protect them (%.1f %%)",
		cells, primary, 100*float64(primary)/float64(cells), secondary, 100*float64(secondary)/float64(cells))
	// the bound of issue 4: what disclosure control hides beyond the counts of 1-4 (which viewers see as "<5")
	if 10*secondary > cells {
		t.Errorf("secondary suppression hides %d of %d cells, more than 10 %%", secondary, cells)
	}
}

// recoverable is the test's solver: the hidden cells it can pin to one value, by exact elimination over the
// rationals (a hidden cell that a combination of the sums determines) or by narrowing each hidden cell's
// range (1-4 for "<5", at least 0 otherwise; whole numbers) through the sums until nothing changes. For a
// table in hundredths (Unit 100) a "<5" is 0,01-4,99 and a cell counts as worked out when its range is
// narrower than 1.
func recoverable(t Table, h []Hidden) []int {
	unit := max(t.Unit, 1)
	var unknown []int
	pos := map[int]int{}
	for i, x := range h {
		if x != Shown {
			pos[i] = len(unknown)
			unknown = append(unknown, i)
		}
	}
	var rows [][]*big.Rat // coefficients of the unknowns, then the constant
	for _, r := range t.Relations {
		row := make([]*big.Rat, len(unknown)+1)
		for i := range row {
			row[i] = new(big.Rat)
		}
		term := func(cell int, sign int64) {
			if u, ok := pos[cell]; ok {
				row[u].Add(row[u], big.NewRat(sign, 1))
			} else {
				row[len(unknown)].Sub(row[len(unknown)], big.NewRat(sign*t.Values[cell], 1))
			}
		}
		term(r.Total, -1)
		for _, p := range r.Parts {
			term(p, 1)
		}
		rows = append(rows, row)
	}
	found := map[int]bool{}
	// Gauss-Jordan
	r := 0
	for c := 0; c < len(unknown) && r < len(rows); c++ {
		p := r
		for p < len(rows) && rows[p][c].Sign() == 0 {
			p++
		}
		if p == len(rows) {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		piv := new(big.Rat).Set(rows[r][c])
		for j := range rows[r] {
			rows[r][j].Quo(rows[r][j], piv)
		}
		for i := range rows {
			if i != r && rows[i][c].Sign() != 0 {
				f := new(big.Rat).Set(rows[i][c])
				for j := range rows[i] {
					rows[i][j].Sub(rows[i][j], new(big.Rat).Mul(f, rows[r][j]))
				}
			}
		}
		r++
	}
	for i := 0; i < r; i++ {
		var nz []int
		for j := 0; j < len(unknown); j++ {
			if rows[i][j].Sign() != 0 {
				nz = append(nz, j)
			}
		}
		if len(nz) == 1 {
			found[unknown[nz[0]]] = true
		}
	}
	// ranges through each sum: total = Σ parts
	lo, hi := map[int]int64{}, map[int]int64{}
	for _, c := range unknown {
		lo[c], hi[c] = 0, 1<<40
		if h[c] == Primary {
			lo[c], hi[c] = 1, 5*unit-1
		}
	}
	val := func(c int) (int64, int64) {
		if _, ok := pos[c]; ok {
			return lo[c], hi[c]
		}
		return t.Values[c], t.Values[c]
	}
	for changed := true; changed; {
		changed = false
		narrow := func(c int, l, u int64) {
			if _, ok := pos[c]; !ok {
				return
			}
			if l > lo[c] {
				lo[c], changed = l, true
			}
			if u < hi[c] {
				hi[c], changed = u, true
			}
		}
		for _, rel := range t.Relations {
			tl, tu := val(rel.Total)
			var sl, su int64
			for _, p := range rel.Parts {
				l, u := val(p)
				sl, su = sl+l, su+u
			}
			narrow(rel.Total, sl, su)
			for _, p := range rel.Parts {
				l, u := val(p)
				narrow(p, tl-(su-u), tu-(sl-l))
			}
		}
	}
	for _, c := range unknown {
		if hi[c]-lo[c] < unit {
			found[c] = true
		}
	}
	var out []int
	for _, c := range unknown {
		if found[c] {
			out = append(out, c)
		}
	}
	return out
}

// Sentences for a viewer, written by hand: Læsø's demand of 2 shows as "færre end 5"; Aalborg's 30, which
// with the region's 32 would give Læsø's away, is hidden as "–" (the smallest cell that protects it); the
// region's total stays.
func TestSuppressedSentences(t *testing.T) {
	in := Input{
		Supply: map[Key]int64{{2023, 825, "misbrug", "doegn"}: 1, {2023, 851, "misbrug", "doegn"}: 20, {2023, 1081, "misbrug", "doegn"}: 21},
		Demand: map[Key]int64{{2023, 825, "misbrug", "doegn"}: 2, {2023, 851, "misbrug", "doegn"}: 30, {2023, 1081, "misbrug", "doegn"}: 32},
		Viewer: true,
	}
	const one = " Der er kun data for ét år, så der laves ingen prognose."
	const oneEN = " There are data for one year only, so no forecast is made."
	want := map[string][2]string{
		"gap-2023-825-misbrug-doegn": {
			"Borgere med misbrug i Læsø: udbuddet er 1 døgnplads i 2023, og efterspørgslen er færre end 5 (vises ikke af hensyn til diskretion)." + one,
			"Citizens with substance misuse in Læsø: supply is 1 residential place in 2023, and demand is fewer than 5 (not shown, for confidentiality)." + oneEN},
		"gap-2023-851-misbrug-doegn": {
			"Borgere med misbrug i Aalborg: udbuddet er 20 døgnpladser i 2023; efterspørgslen vises ikke af hensyn til diskretion." + one,
			"Citizens with substance misuse in Aalborg: supply is 20 residential places in 2023; demand is not shown, for confidentiality." + oneEN},
		// 32 − 21 = 11 of 32 = 34,4 %: a critical shortage
		"gap-2023-1081-misbrug-doegn": {
			"Borgere med misbrug: efterspørgslen på 32 døgnpladser overstiger udbuddet på 21 med 11 pladser (34 %) i 2023." + one,
			"Citizens with substance misuse: demand for 32 residential places exceeds supply of 21 by 11 places (34%) in 2023." + oneEN},
	}
	for i, lang := range []string{"da", "en"} {
		got := map[string]Finding{}
		for _, f := range Gaps(in, DefaultConfig(), lang) {
			got[f.ID] = f
		}
		for id, w := range want {
			if f := got[id]; f.Sentence != w[i] {
				t.Errorf("%s (%s):\n got  %s\n want %s", id, lang, f.Sentence, w[i])
			}
		}
		if f := got["gap-2023-825-misbrug-doegn"]; f.Suppressed["demand"] != "<5" || f.Demand != 0 || f.GapShare != nil || f.Severity != Balance {
			t.Errorf("Læsø: %+v", f)
		}
		if f := got["gap-2023-851-misbrug-doegn"]; f.Suppressed["demand"] != "–" || f.Demand != 0 || f.Severity != CriticalShortage {
			t.Errorf("Aalborg: %+v", f)
		}
	}
	// an analyst (not a viewer) sees every count
	in.Viewer = false
	for _, f := range Gaps(in, DefaultConfig(), "da") {
		if f.Suppressed != nil {
			t.Errorf("%s hidden from an analyst", f.ID)
		}
	}
}
