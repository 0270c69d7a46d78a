package analysis

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// gapOrder, packed and not, orders findings as compareFindings does: random ranks of gap and growing
// findings, one of each kind per year, area, target group and place type at most.
func TestGapOrderAsCompareFindings(t *testing.T) {
	type rank struct {
		year, area           int
		sev, group, pt, kind string
	}
	r := rand.New(rand.NewPCG(1, 2))
	groups := []string{"autisme-boern", "autisme-voksne", "udviklingshaemning", "socialpsykiatri", "hjerneskade", ""}
	areas := []int{1081, 851, 813, 860, 0}
	for _, years := range [][]int{{2019, 2020, 2021, 2022, 2023}, {1000, 2023}} { // the second does not fit
		seen := map[rank]bool{}
		var ranks []rank
		for range 2000 {
			k := rank{year: years[r.IntN(len(years))], area: areas[r.IntN(len(areas))], group: groups[r.IntN(len(groups))],
				pt: []string{"dag", "doegn", "alle"}[r.IntN(3)], kind: []string{KindGap, KindGrowing}[r.IntN(2)]}
			if seen[k] {
				continue
			}
			seen[k] = true
			if k.kind == KindGap {
				k.sev = []string{CriticalShortage, Shortage, Balance, Surplus}[r.IntN(4)]
			} else {
				k.sev = []string{Critical, Warning}[r.IntN(2)]
			}
			ranks = append(ranks, k)
		}
		got := gapOrder(len(ranks), func(rank func(year, area int, sev, group, pt, kind string, i int)) {
			for i, k := range ranks {
				rank(k.year, k.area, k.sev, k.group, k.pt, k.kind, i)
			}
		})
		keys := make([]findingKey, len(ranks))
		for i, k := range ranks {
			keys[i] = rankKey(k.year, k.area, k.sev, k.group, k.pt, k.kind, "", i)
		}
		slices.SortFunc(keys, compareFindings)
		want := make([]int, len(keys))
		for n, k := range keys {
			want[n] = k.i
		}
		if !slices.Equal(got, want) {
			t.Errorf("years %v: the order of %d findings differs from compareFindings'", years, len(ranks))
		}
	}
}
