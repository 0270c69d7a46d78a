// Package scale writes deterministic data sets at national scale for benchmarks and load tests: every
// dataset of data/ in its canonical CSV form, valid by the ingest rules.
package scale

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/kapacitet/kapacitet/data"
)

// Options of a national data set.
type Options struct {
	Seed      uint64
	Years     int // years ending with LastYear
	LastYear  int
	Purchases int // at most this many purchase rows
	PerOffer  int // inhabitants per offer (offers in proportion to population)
}

// DefaultOptions: 10 years to 2023, one offer per 8.000 inhabitants, 100.000 purchases.
func DefaultOptions() Options {
	return Options{Seed: 1, Years: 10, LastYear: 2023, Purchases: 100_000, PerOffer: 8_000}
}

type offer struct {
	id, name, operator, ownership, legal, group string
	location                                    int
	dag, doegn                                  int
	budget                                      int
	agreement, enhanced, secure, national       bool
}

// Counts says how many rows each file got.
type Counts map[string]int

// National writes the seven datasets for all 98 municipalities to dir (population.csv, offers.csv, ...),
// in ingest order, and returns the row counts.
func National(dir string, o Options) (Counts, error) {
	if o.Years < 1 || o.LastYear-o.Years+1 < 2000 || o.PerOffer < 1000 {
		return nil, fmt.Errorf("scale: invalid options %+v", o)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	munis := data.Municipalities()
	groups := data.TargetGroups()
	var years []int
	for y := o.LastYear - o.Years + 1; y <= o.LastYear; y++ {
		years = append(years, y)
	}
	// population: the shipped figures where they exist, otherwise a plausible size; 0,3 % growth a year
	known := map[int]int{}
	for _, p := range data.ReferencePopulation() {
		if p.Year == 2023 {
			known[p.Municipality] = p.Inhabitants
		}
	}
	pop := map[int]int{}
	for _, m := range munis {
		n := known[m.Code]
		if n == 0 {
			n = 15_000 + int(math.Pow(rng.Float64(), 2)*110_000)
			if m.Code == 101 {
				n = 650_000
			}
		}
		pop[m.Code] = n
	}
	popIn := func(code, year int) int {
		return int(math.Round(float64(pop[code]) * math.Pow(1.003, float64(year-2023))))
	}
	// offers in proportion to population
	var offers []offer
	owners := []string{"kommunal", "kommunal", "kommunal", "kommunal", "kommunal", "regional", "privat", "privat", "privat", "privat"}
	legal := []string{"SEL § 104", "SEL § 107", "SEL § 108", "SEL § 66", "SEL § 101", "SEL § 110"}
	for _, m := range munis {
		for k := 0; k < max(1, pop[m.Code]/o.PerOffer); k++ {
			own := owners[rng.IntN(len(owners))]
			op := m.Name + " Kommune"
			switch own {
			case "regional":
				op = m.RegionName
			case "privat":
				op = fmt.Sprintf("Privat leverandør %d", 1+rng.IntN(400))
			}
			of := offer{
				id: fmt.Sprintf("N%03d%03d", m.Code, k+1), name: fmt.Sprintf("Tilbud %d, %s", k+1, m.Name), operator: op,
				ownership: own, legal: legal[rng.IntN(len(legal))], group: groups[rng.IntN(len(groups))].Code,
				location: m.Code, budget: 95 + rng.IntN(4), agreement: own != "privat" && rng.IntN(3) == 0,
			}
			of.enhanced = of.agreement && rng.IntN(12) == 0
			of.secure = rng.IntN(200) == 0
			of.national = rng.IntN(150) == 0
			if rng.IntN(2) == 0 {
				of.dag = 4 + rng.IntN(40)
			}
			if of.dag == 0 || rng.IntN(2) == 0 {
				of.doegn = 2 + rng.IntN(30)
			}
			offers = append(offers, of)
		}
	}
	counts := Counts{}
	w := newWriters(dir, counts)
	for _, y := range years {
		for _, m := range munis {
			w.row("population", strconv.Itoa(y), strconv.Itoa(m.Code), "", strconv.Itoa(popIn(m.Code, y)))
		}
	}
	b := func(v bool) string { return strconv.FormatBool(v) }
	for _, y := range years {
		for _, of := range offers {
			w.row("offers", strconv.Itoa(y), of.id, of.name, of.operator, of.ownership, strconv.Itoa(of.location), of.legal,
				of.group, b(of.enhanced), b(of.secure), b(of.national), strconv.Itoa(of.budget))
		}
	}
	occupied := func(places int, rate float64) string {
		return strconv.FormatFloat(math.Round(float64(places)*rate*10)/10, 'f', 1, 64)
	}
	type line struct {
		of     offer
		pt     string
		places int
	}
	var lines []line
	for _, of := range offers {
		if of.dag > 0 {
			lines = append(lines, line{of, "dag", of.dag})
		}
		if of.doegn > 0 {
			lines = append(lines, line{of, "doegn", of.doegn})
		}
	}
	purchases := 0
	for yi, y := range years {
		for _, l := range lines {
			places := max(1, l.places+yi/3-1)
			rate := 0.85 + 0.14*rng.Float64()
			w.row("capacity", strconv.Itoa(y), l.of.id, strconv.Itoa(l.of.location), l.of.ownership, b(l.of.agreement),
				l.pt, l.of.group, strconv.Itoa(places), occupied(places, rate))
			kind, days, perDay := "dagtakst", 220.0, 900+rng.Float64()*2000
			if l.pt == "doegn" {
				kind, days, perDay = "døgntakst", 365.0, 1500+rng.Float64()*8000
			}
			tariff := math.Round(perDay * math.Pow(1.025, float64(yi)))
			w.row("tariffs", strconv.Itoa(y), l.of.id, kind, fmt.Sprintf("%.2f", tariff))
			// purchases: the occupied places split over up to three buyers (distinct), within the row budget
			buyers := []int{l.of.location}
			for len(buyers) < 3 {
				if c := munis[rng.IntN(len(munis))].Code; !slices.Contains(buyers, c) {
					buyers = append(buyers, c)
				}
			}
			for _, code := range buyers {
				if purchases == o.Purchases {
					break
				}
				p := math.Round(float64(places)*rate/3*10) / 10
				if p <= 0 {
					continue
				}
				w.row("purchases", strconv.Itoa(y), strconv.Itoa(code), l.of.id, l.of.group, l.pt, fmt.Sprintf("%.1f", p),
					fmt.Sprintf("%.2f", math.Round(p*days*tariff)))
				purchases++
			}
		}
	}
	for _, y := range years {
		for _, m := range munis {
			for _, g := range groups {
				for _, pt := range []string{"dag", "doegn"} {
					need := float64(popIn(m.Code, y)) / 10_000 * (0.5 + rng.Float64()*3)
					d := int(math.Round(need))
					if d == 0 {
						continue
					}
					waiting := int(math.Round(float64(d) * 0.05 * rng.Float64()))
					w.row("demand", strconv.Itoa(y), strconv.Itoa(m.Code), g.Code, pt, strconv.Itoa(d-waiting), strconv.Itoa(waiting), "")
				}
				score := strconv.Itoa(1 + rng.IntN(5))
				if rng.IntN(15) == 0 {
					score = "ved ikke"
				}
				w.row("survey", strconv.Itoa(y), strconv.Itoa(m.Code), g.Code, score, "")
			}
		}
	}
	return counts, w.close()
}

// writers holds one CSV writer per dataset, each with its canonical header.
type writers struct {
	files  map[string]*os.File
	csv    map[string]*csv.Writer
	counts Counts
	err    error
}

func newWriters(dir string, counts Counts) *writers {
	w := &writers{files: map[string]*os.File{}, csv: map[string]*csv.Writer{}, counts: counts}
	for _, d := range data.Datasets {
		f, err := os.Create(filepath.Join(dir, d.Name+".csv"))
		if err != nil {
			w.err = err
			return w
		}
		w.files[d.Name] = f
		w.csv[d.Name] = csv.NewWriter(f)
		var header []string
		for _, c := range d.Columns {
			header = append(header, c.Name)
		}
		w.csv[d.Name].Write(header)
	}
	return w
}

func (w *writers) row(dataset string, cells ...string) {
	if w.err != nil {
		return
	}
	w.err = w.csv[dataset].Write(cells)
	w.counts[dataset]++
}

func (w *writers) close() error {
	for name, c := range w.csv {
		c.Flush()
		if err := c.Error(); err != nil && w.err == nil {
			w.err = err
		}
		if err := w.files[name].Close(); err != nil && w.err == nil {
			w.err = err
		}
	}
	return w.err
}

// CapacityLines writes n valid aggregate capacity lines (a header first), unique by year, location,
// ownership, place type and target group: 6.664 lines a year from FirstYear on, so large n needs a year range
// wider than the default limits (see data.Limits).
func CapacityLines(w io.Writer, n int) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("year,location,ownership,agreement,place_type,target_group,places\n")
	munis := data.Municipalities()
	groups := data.TargetGroups()
	i := 0
	for y := FirstYear; i < n; y++ {
		for _, m := range munis {
			for _, g := range groups {
				for _, o := range []string{"kommunal", "privat"} {
					for _, pt := range []string{"dag", "doegn"} {
						if i == n {
							return bw.Flush()
						}
						fmt.Fprintf(bw, "%d,%d,%s,false,%s,%s,%d\n", y, m.Code, o, pt, g.Code, 1+i%40)
						i++
					}
				}
			}
		}
	}
	return bw.Flush()
}

// Capacity returns n capacity lines (CapacityLines) as a file, and the ingest limits that admit their years
// (from FirstYear: a million lines span many years).
func Capacity(n int) ([]byte, data.Limits) {
	var b bytes.Buffer
	CapacityLines(&b, n) // a bytes.Buffer does not fail
	lim := data.DefaultLimits()
	lim.MinYear, lim.MaxYear = FirstYear, 2100
	return b.Bytes(), lim
}

// FirstYear is the first year of CapacityLines.
const FirstYear = 1900
