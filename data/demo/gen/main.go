// Command gen writes Kapacitet's demo data set: plain CSV files of every dataset for the 11 municipalities of
// Region Nordjylland, 2019-2023. The figures are illustrative. They reproduce the place counts the 2023-2024
// agreement publishes for 2022 and are shaped so that the analysis, by computing, reaches the agreement's
// conclusions. The seed is fixed: the output is the same on every run and is committed.
//
//	go run ./data/demo/gen -out data/demo
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/kapacitet/kapacitet/data"
)

const seed = 20231124

func main() {
	out := flag.String("out", "data/demo", "folder to write the CSV files to")
	flag.Parse()
	if err := generate(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// Published 2022 totals (Nordjysk Socialaftale 2023-2024).
const (
	total2022Municipal = 4876
	total2022Private   = 3152
	total2022Regional  = 636
	total2022AgreeMun  = 1785
)

type cell struct {
	group, pt string
}

// groupPlan is the region-level supply of a target group in 2022, how it develops, and how demand relates.
type groupPlan struct {
	group       string
	dag, doegn  int     // region supply 2022
	trend       float64 // supply change per year, fraction of 2022
	privShare   float64 // share of non-agreement places that are private
	surplusDag  bool    // day demand well below supply
	municipalOn int     // municipalities with places of the group (largest first); 0 = all
}

var plans = []groupPlan{
	{group: "autisme-boern", dag: 420, privShare: 0.25},
	{group: "autisme-voksne", dag: 560, doegn: 610, trend: 0.005, privShare: 0.35},
	{group: "udviklingshaemning", dag: 0 /* remainder to 10.449 */, doegn: 1650, trend: 0.004, privShare: 0.22},
	{group: "udviklingshaemning-dom", dag: 40, privShare: 0.1, municipalOn: 5},
	{group: "udviklingshaemning-demens", dag: 80, doegn: 170, trend: 0.01, privShare: 0.2, municipalOn: 8},
	{group: "socialpsykiatri", dag: 1000, doegn: 1250, trend: 0.01, privShare: 0.45},
	{group: "unge-psykisk", dag: 240, doegn: 190, privShare: 0.55, municipalOn: 9},
	{group: "hjerneskade", dag: 230, doegn: 260, privShare: 0.3},
	{group: "fysisk-handicap", dag: 300, doegn: 280, privShare: 0.25},
	{group: "syn-hoerelse", dag: 110, doegn: 70, privShare: 0.05, municipalOn: 4},
	{group: "misbrug", dag: 380, doegn: 170, privShare: 0.55, surplusDag: true},
	{group: "spiseforstyrrelse", dag: 18, doegn: 12, privShare: 0.4, municipalOn: 3},
	{group: "selvskade-boern", privShare: 0.3, municipalOn: 4},
	{group: "gravide-misbrug", privShare: 1, municipalOn: 1},
	{group: "hjemloeshed", dag: 60, doegn: 320, trend: -0.005, privShare: 0.35, municipalOn: 6},
	{group: "boern-sygepleje", dag: 15, doegn: 40, privShare: 0.1, municipalOn: 3},
	{group: "unge-sikret"},
}

// pinned series: region supply and demand by year (2019-2023), the numbers the agreement's conclusions rest on.
var pinned = map[cell][2][5]int{
	// growing shortage 2022-2023; 2023: supply 371, demand 412 (+14 % since 2019's 361)
	{"autisme-boern", "doegn"}: {{352, 358, 362, 364, 371}, {361, 368, 379, 396, 412}},
	// growing shortage 2022-2023
	{"udviklingshaemning-dom", "doegn"}: {{120, 122, 124, 126, 128}, {121, 125, 128, 136, 144}},
	// shortage 2019-2020, closed by 2022
	{"selvskade-boern", "doegn"}: {{22, 23, 27, 32, 33}, {28, 29, 29, 30, 31}},
	// Kompasset is the region's only secure place; demand from the region's own municipalities
	{"unge-sikret", "doegn"}: {{16, 16, 16, 16, 16}, {14, 15, 14, 15, 15}},
	// rare: demand of 0-1 women a year
	{"gravide-misbrug", "doegn"}: {{2, 2, 2, 2, 2}, {1, 1, 0, 1, 1}},
}

func yearIndex(y int) int { return y - 2019 }

type world struct {
	rng    *rand.Rand
	munis  []data.Municipality // the 11, by name
	pop    map[int][5]int      // municipality -> inhabitants 2019..2023
	supply map[cell][5]int
	demand map[cell][5]int
	offers []offer
	// agreement places per cell and year, and per offer line
	agreement map[cell][5]int
}

func generate(out string) error {
	w := &world{
		rng:       rand.New(rand.NewPCG(seed, seed^0x5eed)),
		munis:     data.RegionMunicipalities(data.RegionCode),
		supply:    map[cell][5]int{},
		demand:    map[cell][5]int{},
		agreement: map[cell][5]int{},
	}
	if len(w.munis) != 11 {
		return fmt.Errorf("expected 11 municipalities in region %d, got %d", data.RegionCode, len(w.munis))
	}
	w.population()
	if err := w.sizeOffers(); err != nil {
		return err
	}
	if err := w.planSupplyDemand(); err != nil {
		return err
	}
	files := map[string][][]string{}
	var err error
	if files["capacity"], err = w.capacity(); err != nil {
		return err
	}
	files["offers"] = w.offerRows()
	files["demand"] = w.demandRows()
	files["survey"] = w.surveyRows()
	files["tariffs"], files["purchases"] = w.tariffsAndPurchases()
	files["population"] = w.populationRows()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, d := range data.Datasets {
		rows, ok := files[d.Name]
		if !ok {
			return fmt.Errorf("no demo rows for dataset %s", d.Name)
		}
		var header []string
		for _, c := range d.Columns {
			header = append(header, c.Name)
		}
		if err := writeCSV(filepath.Join(out, d.Name+".csv"), header, rows); err != nil {
			return err
		}
	}
	return nil
}

func writeCSV(path string, header []string, rows [][]string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(f)
	cw.Write(header)
	cw.WriteAll(rows)
	if err := cw.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// population interpolates the shipped 2020 and 2023 figures linearly (2019 extrapolated).
func (w *world) population() {
	w.pop = map[int][5]int{}
	at := map[[2]int]int{}
	for _, p := range data.ReferencePopulation() {
		at[[2]int{p.Municipality, p.Year}] = p.Inhabitants
	}
	for _, m := range w.munis {
		a, b := float64(at[[2]int{m.Code, 2020}]), float64(at[[2]int{m.Code, 2023}])
		var s [5]int
		for i, y := range allYears {
			s[i] = int(math.Round(a + (b-a)*float64(y-2020)/3))
		}
		w.pop[m.Code] = s
	}
}

func (o *offer) places(y int) (dag, doegn int) {
	if c, ok := o.change[y]; ok {
		return c[0], c[1]
	}
	return o.dag, o.doegn
}

// sizeOffers gives the last offer of each ownership the places that make the published 2022 totals.
func (w *world) sizeOffers() error {
	fix := func(list []offer, total int, useDag bool) error {
		sum := 0
		for _, o := range list[:len(list)-1] {
			d, n := o.places(2022)
			sum += d + n
		}
		rest := total - sum
		if rest <= 0 {
			return fmt.Errorf("offers exceed the 2022 total %d by %d", total, -rest)
		}
		if useDag {
			list[len(list)-1].dag = rest
		} else {
			list[len(list)-1].doegn = rest
		}
		return nil
	}
	if err := fix(regionalOffers, total2022Regional, false); err != nil {
		return err
	}
	if err := fix(municipalOffers, total2022AgreeMun, true); err != nil {
		return err
	}
	w.offers = append(append([]offer(nil), regionalOffers...), municipalOffers...)
	for _, o := range w.offers {
		for i, y := range allYears {
			d, n := o.places(y)
			a := w.agreement[cell{o.group, "dag"}]
			a[i] += d
			w.agreement[cell{o.group, "dag"}] = a
			b := w.agreement[cell{o.group, "doegn"}]
			b[i] += n
			w.agreement[cell{o.group, "doegn"}] = b
		}
	}
	return nil
}

// planSupplyDemand fixes region supply and demand per target group, place type and year.
func (w *world) planSupplyDemand() error {
	total := 0
	for _, p := range plans {
		total += p.dag + p.doegn
	}
	for c, s := range pinned {
		if c.pt == "doegn" {
			total += s[0][yearIndex(2022)]
		}
	}
	for i := range plans {
		if plans[i].group == "udviklingshaemning" {
			plans[i].dag = total2022Municipal + total2022Private + total2022Regional + total2022AgreeMun - total
		}
	}
	for _, p := range plans {
		for _, pt := range []string{"dag", "doegn"} {
			c := cell{p.group, pt}
			if s, ok := pinned[c]; ok {
				w.supply[c], w.demand[c] = s[0], s[1]
				continue
			}
			base := p.dag
			if pt == "doegn" {
				base = p.doegn
			}
			if base == 0 {
				continue
			}
			var s, d [5]int
			for i, y := range allYears {
				s[i] = int(math.Round(float64(base) * (1 + p.trend*float64(y-2022))))
				if pt == "dag" && p.surplusDag {
					d[i] = int(math.Round(0.8 * float64(s[i])))
					continue
				}
				margin := max(1, int(math.Round(0.025*float64(s[i]))))
				noise := 0
				if s[i] >= 200 {
					noise = w.rng.IntN(3) - 1
				}
				d[i] = s[i] - margin + noise
			}
			w.supply[c], w.demand[c] = s, d
		}
	}
	for c, a := range w.agreement {
		for i := range a {
			if a[i] > w.supply[c][i] {
				return fmt.Errorf("%s %s %d: agreement offers have %d places, more than the region's supply %d",
					c.group, c.pt, allYears[i], a[i], w.supply[c][i])
			}
		}
	}
	return nil
}

func (w *world) sortedCells() []cell {
	var cs []cell
	for c := range w.supply {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].group != cs[j].group {
			return cs[i].group < cs[j].group
		}
		return cs[i].pt < cs[j].pt
	})
	return cs
}

// split divides total into len(weights) whole parts in proportion (largest remainder, ties by index).
func split(total int, weights []float64) []int {
	sum := 0.0
	for _, x := range weights {
		sum += x
	}
	parts := make([]int, len(weights))
	if total == 0 || sum == 0 {
		return parts
	}
	type rem struct {
		i int
		r float64
	}
	var rs []rem
	given := 0
	for i, x := range weights {
		exact := float64(total) * x / sum
		parts[i] = int(math.Floor(exact))
		given += parts[i]
		rs = append(rs, rem{i, exact - math.Floor(exact)})
	}
	sort.SliceStable(rs, func(a, b int) bool { return rs[a].r > rs[b].r })
	for k := 0; k < total-given; k++ {
		parts[rs[k%len(rs)].i]++
	}
	return parts
}

func planOf(group string) groupPlan {
	for _, p := range plans {
		if p.group == group {
			return p
		}
	}
	return groupPlan{group: group}
}

func b2s(b bool) string { return strconv.FormatBool(b) }

// capacity writes the offers' lines and the aggregate municipal and private lines per location municipality.
func (w *world) capacity() ([][]string, error) {
	cells := w.sortedCells()
	// private places per cell and year: the plan's share of the non-agreement places, adjusted in 2022 so
	// that the private total is exactly the published one.
	priv := map[cell][5]int{}
	for _, c := range cells {
		var pv [5]int
		for i := range allYears {
			rest := w.supply[c][i] - w.agreement[c][i]
			pv[i] = int(math.Round(planOf(c.group).privShare * float64(rest)))
		}
		priv[c] = pv
	}
	i22 := yearIndex(2022)
	sum := 0
	for _, c := range cells {
		sum += priv[c][i22]
	}
	diff := total2022Private - sum
	// move the difference between the private and municipal parts of the largest cells
	big := append([]cell(nil), cells...)
	sort.SliceStable(big, func(a, b int) bool {
		return w.supply[big[a]][i22]-w.agreement[big[a]][i22] > w.supply[big[b]][i22]-w.agreement[big[b]][i22]
	})
	for k := 0; diff != 0; k = (k + 1) % 4 {
		c := big[k]
		pv := priv[c]
		step := 1
		if diff < 0 {
			step = -1
		}
		pv[i22] += step
		priv[c] = pv
		diff -= step
	}
	var rows [][]string
	for _, y := range allYears {
		for _, o := range w.offers {
			d, n := o.places(y)
			for _, l := range []struct {
				pt     string
				places int
			}{{"dag", d}, {"doegn", n}} {
				if l.places == 0 {
					continue
				}
				rows = append(rows, []string{strconv.Itoa(y), o.id, strconv.Itoa(o.location), o.ownership, "true",
					l.pt, o.group, strconv.Itoa(l.places), w.occupied(&o, y, l.pt, l.places)})
			}
		}
		i := yearIndex(y)
		for _, c := range cells {
			rest := w.supply[c][i] - w.agreement[c][i]
			pv := priv[c][i]
			mv := rest - pv
			if mv < 0 || pv < 0 {
				return nil, fmt.Errorf("%v %d: negative aggregate places", c, y)
			}
			for _, part := range []struct {
				own    string
				places int
			}{{"kommunal", mv}, {"privat", pv}} {
				weights := w.locationWeights(c.group, part.own)
				for k, n := range split(part.places, weights) {
					if n == 0 {
						continue
					}
					rows = append(rows, []string{strconv.Itoa(y), "", strconv.Itoa(w.munis[k].Code), part.own, "false",
						c.pt, c.group, strconv.Itoa(n), ""})
				}
			}
		}
	}
	return rows, nil
}

// locationWeights spreads aggregate places over location municipalities: by population, with a fixed
// per-group jitter, and for small groups only in the largest municipalities.
func (w *world) locationWeights(group, own string) []float64 {
	p := planOf(group)
	r := rand.New(rand.NewPCG(seed, hash(group+own)))
	order := make([]int, len(w.munis))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return w.pop[w.munis[order[a]].Code][4] > w.pop[w.munis[order[b]].Code][4] })
	on := p.municipalOn
	if on == 0 {
		on = len(w.munis)
	}
	weights := make([]float64, len(w.munis))
	for rank, i := range order {
		if rank >= on {
			continue
		}
		weights[i] = float64(w.pop[w.munis[i].Code][4]) * (0.6 + 0.8*r.Float64())
	}
	return weights
}

func hash(s string) uint64 {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// occupied returns the offer line's full-year places: fixed for the watched offers (their residential line),
// otherwise between 88 % and 99 % (within 4 points of the budget for offers under enhanced cooperation).
func (w *world) occupied(o *offer, y int, pt string, places int) string {
	if v, ok := o.occupancy[y]; ok && pt == "doegn" {
		return v
	}
	r := rand.New(rand.NewPCG(seed, hash(o.id+pt+strconv.Itoa(y))))
	rate := 0.88 + 0.11*r.Float64()
	if len(o.enhanced) > 0 {
		rate = float64(o.budget)/100 - 0.04*r.Float64()
	}
	return strconv.FormatFloat(math.Round(float64(places)*rate*10)/10, 'f', 1, 64)
}

func (w *world) offerRows() [][]string {
	var rows [][]string
	for _, y := range allYears {
		for _, o := range w.offers {
			d, n := o.places(y)
			if d+n == 0 {
				continue
			}
			groups := o.group
			for _, g := range o.extraGroups {
				groups += ";" + g
			}
			enh := false
			for _, e := range o.enhanced {
				enh = enh || e == y
			}
			rows = append(rows, []string{strconv.Itoa(y), o.id, o.name, o.operator, o.ownership, strconv.Itoa(o.location),
				o.legal, groups, b2s(enh), b2s(o.secure), b2s(o.national), strconv.Itoa(o.budget)})
		}
	}
	return rows
}

// demandRows spreads region demand over acting municipalities by population with a fixed jitter per
// municipality and group; waiting is 3-8 % of demand.
func (w *world) demandRows() [][]string {
	var rows [][]string
	cells := w.sortedCells()
	for _, y := range allYears {
		i := yearIndex(y)
		for _, c := range cells {
			r := rand.New(rand.NewPCG(seed, hash("demand"+c.group+c.pt)))
			weights := make([]float64, len(w.munis))
			for k, m := range w.munis {
				weights[k] = float64(w.pop[m.Code][i]) * (0.7 + 0.6*r.Float64())
			}
			for k, d := range split(w.demand[c][i], weights) {
				if d == 0 && w.demand[c][i] < 11 {
					continue // rare groups: only municipalities with citizens report a line
				}
				wr := rand.New(rand.NewPCG(seed, hash(fmt.Sprint("wait", c, y, k))))
				waiting := int(math.Round(float64(d) * (0.03 + 0.05*wr.Float64())))
				rows = append(rows, []string{strconv.Itoa(y), strconv.Itoa(w.munis[k].Code), c.group, c.pt,
					strconv.Itoa(d - waiting), strconv.Itoa(waiting), ""})
			}
		}
	}
	return rows
}

// surveyLow is how many municipalities score a group 1-2 in a year; surveyDontKnow how many answer "ved ikke".
var surveyLow = map[string][5]int{
	"autisme-boern":          {2, 3, 4, 6, 7},
	"udviklingshaemning-dom": {1, 2, 3, 5, 6},
	"selvskade-boern":        {5, 4, 2, 0, 0},
	"socialpsykiatri":        {1, 1, 1, 1, 1},
}
var surveyDontKnow = map[string][5]int{
	"udviklingshaemning-dom": {0, 0, 1, 1, 1},
	"gravide-misbrug":        {3, 3, 2, 2, 2},
	"spiseforstyrrelse":      {1, 1, 1, 1, 1},
}

var lowComments = []string{
	"Vi mangler pladser i nærområdet og må visitere uden for regionen.",
	"Der er ventetid på egnede døgnpladser.",
	"Tilbuddene matcher ikke borgernes komplekse behov.",
	"Vi har måttet etablere enkeltmandsprojekter.",
}

func (w *world) surveyRows() [][]string {
	var rows [][]string
	for _, y := range allYears {
		i := yearIndex(y)
		for _, g := range data.TargetGroups() {
			r := rand.New(rand.NewPCG(seed, hash(fmt.Sprint("survey", g.Code, y))))
			perm := r.Perm(len(w.munis))
			low, dk := surveyLow[g.Code][i], surveyDontKnow[g.Code][i]
			for rank, k := range perm {
				score, comment := strconv.Itoa(3+r.IntN(2)), ""
				switch {
				case rank < low:
					score = strconv.Itoa(1 + r.IntN(2))
					comment = lowComments[r.IntN(len(lowComments))]
				case rank < low+dk:
					score = "ved ikke"
				case r.IntN(6) == 0:
					score = "5"
				}
				rows = append(rows, []string{strconv.Itoa(y), strconv.Itoa(w.munis[k].Code), g.Code, score, comment})
			}
		}
	}
	sort.SliceStable(rows, func(a, b int) bool {
		if rows[a][0] != rows[b][0] {
			return rows[a][0] < rows[b][0]
		}
		return rows[a][1] < rows[b][1]
	})
	return rows
}

// tariffBase is the 2019 tariff per day (DKK) of a residential place by group; day places cost 45 % of it.
var tariffBase = map[string]float64{
	"autisme-boern": 6200, "autisme-voksne": 3900, "udviklingshaemning": 3300, "udviklingshaemning-dom": 5200,
	"udviklingshaemning-demens": 3600, "socialpsykiatri": 2600, "unge-psykisk": 3400, "selvskade-boern": 7800,
	"hjerneskade": 4700, "fysisk-handicap": 3100, "syn-hoerelse": 4200, "misbrug": 2300, "spiseforstyrrelse": 5600,
	"gravide-misbrug": 6900, "hjemloeshed": 1300, "boern-sygepleje": 9100, "unge-sikret": 11800,
}

// tariffsAndPurchases writes one tariff line per offer line and year (+2,5 % a year) and the purchases that
// fill each line's occupied places: about half by the location municipality, the rest by three others.
func (w *world) tariffsAndPurchases() (tariffs, purchases [][]string) {
	for _, y := range allYears {
		for _, o := range w.offers {
			d, n := o.places(y)
			for _, l := range []struct {
				pt, kind string
				places   int
				factor   float64
				days     float64
			}{{"dag", "dagtakst", d, 0.45, 220}, {"doegn", "døgntakst", n, 1, 365}} {
				if l.places == 0 {
					continue
				}
				r := rand.New(rand.NewPCG(seed, hash(o.id+l.pt)))
				tariff := math.Round(tariffBase[o.group] * l.factor * (0.85 + 0.3*r.Float64()) * math.Pow(1.025, float64(y-2019)))
				tariffs = append(tariffs, []string{strconv.Itoa(y), o.id, l.kind, fmt.Sprintf("%.2f", tariff)})
				occ, _ := strconv.ParseFloat(w.occupied(&o, y, l.pt, l.places), 64)
				tenths := int(math.Round(occ * 10))
				buyers := []int{o.location}
				for _, k := range r.Perm(len(w.munis)) {
					if len(buyers) == 4 {
						break
					}
					if w.munis[k].Code != o.location {
						buyers = append(buyers, w.munis[k].Code)
					}
				}
				weights := []float64{3}
				for _, b := range buyers[1:] {
					weights = append(weights, float64(w.pop[b][yearIndex(y)])/100000+0.2)
				}
				for k, t := range split(tenths, weights) {
					if t == 0 {
						continue
					}
					amount := math.Round(float64(t) / 10 * l.days * tariff)
					purchases = append(purchases, []string{strconv.Itoa(y), strconv.Itoa(buyers[k]), o.id, o.group, l.pt,
						fmt.Sprintf("%d.%d", t/10, t%10), fmt.Sprintf("%.2f", amount)})
				}
			}
		}
	}
	return tariffs, purchases
}

func (w *world) populationRows() [][]string {
	var rows [][]string
	for _, y := range allYears {
		for _, m := range w.munis {
			rows = append(rows, []string{strconv.Itoa(y), strconv.Itoa(m.Code), "", strconv.Itoa(w.pop[m.Code][yearIndex(y)])})
		}
	}
	return rows
}
