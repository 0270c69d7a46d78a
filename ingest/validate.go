package ingest

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// maxProblems bounds the problems one file reports in full; the rest are counted.
const maxProblems = 10_000

// cacheLimit bounds each column's cache of parsed values (coded values and numbers repeat a lot).
const cacheLimit = 50_000

type parsed struct {
	v any
	p *Problem
}

// validator checks rows one at a time (the header first), completes and derives them, and writes the valid
// ones to staging files in canonical form. It keeps only what the checks across rows need: the key of each
// row (duplicates), the years and the replacement keys.
type validator struct {
	ctx      context.Context
	st       *queries.Store // nil: no offers to look up (fuzzing)
	d        *data.Dataset
	header   []string
	idx      []int
	opts     valueOpts
	ignored  []string
	problems []Problem
	more     int // problems beyond maxProblems
	caches   []map[string]parsed
	row      data.Row
	seen     map[string]int // unique key → first line
	years    map[int]bool
	keys     map[string]bool
	offers   map[int]map[string]queries.OfferRef
	count    int
	stage    *stager
	buf      strings.Builder
}

func newValidator(ctx context.Context, st *queries.Store, d *data.Dataset, t *table, o valueOpts, stage *stager) *validator {
	v := &validator{ctx: ctx, st: st, d: d, header: t.header, opts: o, row: data.Row{}, seen: map[string]int{},
		years: map[int]bool{}, keys: map[string]bool{}, offers: map[int]map[string]queries.OfferRef{}, stage: stage}
	v.idx, v.ignored, v.problems = mapHeader(d, t.header, t.headerPos)
	v.caches = make([]map[string]parsed, len(d.Columns))
	for i := range v.caches {
		v.caches[i] = map[string]parsed{}
	}
	return v
}

func (v *validator) add(p Problem) {
	if len(v.problems) < maxProblems {
		v.problems = append(v.problems, p)
	} else {
		v.more++
	}
}

// written is a column's name as the file writes it.
func (v *validator) written(col string) string {
	for i, c := range v.d.Columns {
		if c.Name == col && v.idx[i] >= 0 {
			return v.header[v.idx[i]]
		}
	}
	return col
}

// cell returns column i's cell of rec as written.
func (v *validator) cell(rec []string, i int) string {
	if v.idx[i] >= 0 && v.idx[i] < len(rec) {
		return rec[v.idx[i]]
	}
	return ""
}

// check validates one row; a valid row is completed, derived and staged.
func (v *validator) check(rec []string, pos int) {
	bad := false
	for i := len(v.header); i < len(rec); i++ {
		if strings.TrimSpace(rec[i]) != "" {
			v.add(Problem{Line: pos, Column: fmt.Sprintf("kolonne %d", i+1), Value: rec[i],
				DA: fmt.Sprintf("rækken har flere felter end overskriften (%d); mangler der anførselstegn om et decimaltal?", len(v.header)),
				EN: fmt.Sprintf("the row has more fields than the header (%d); is a decimal number missing its quotes?", len(v.header))})
			bad = true
		}
	}
	clear(v.row)
	for i, c := range v.d.Columns {
		raw := v.cell(rec, i)
		cache := v.caches[i]
		got, ok := cache[raw]
		if !ok {
			val, p := value(c, raw, v.opts)
			got = parsed{val, p}
			if len(cache) < cacheLimit {
				cache[raw] = got
			}
		}
		if got.p != nil {
			p := *got.p
			p.Line, p.Column = pos, v.written(c.Name)
			v.add(p)
			bad = true
			continue
		}
		v.row[c.Name] = got.v
	}
	if bad {
		return
	}
	// the value as the user wrote it; a value the file left out (filled from the offer) as stored
	report := func(col, da, en string) {
		raw := ""
		for i, c := range v.d.Columns {
			if c.Name == col {
				raw = v.cell(rec, i)
			}
		}
		if strings.TrimSpace(raw) == "" {
			raw = data.Text(v.row[col])
		}
		v.add(Problem{Line: pos, Column: v.written(col), Value: raw, DA: da, EN: en})
		bad = true
	}
	if v.d.Name == "capacity" && v.row["offer_id"] != nil {
		v.completeFromOffer(report)
	}
	if v.d.Rules != nil {
		for _, vi := range v.d.Rules(v.row, v.opts.limits) {
			report(vi.Column, vi.DA, vi.EN)
		}
	}
	if len(v.d.Unique) > 0 {
		v.buf.Reset()
		for _, c := range v.d.Unique {
			v.buf.WriteString(data.Text(v.row[c]))
			v.buf.WriteByte(0)
		}
		k := v.buf.String()
		if first, ok := v.seen[k]; ok {
			report(v.d.Unique[len(v.d.Unique)-1], fmt.Sprintf("rækken gentager linje %d (samme %s)", first, strings.Join(v.d.Unique, ", ")),
				fmt.Sprintf("the row repeats line %d (same %s)", first, strings.Join(v.d.Unique, ", ")))
		} else {
			v.seen[k] = pos
		}
	}
	if bad {
		return
	}
	if v.d.Derive != nil {
		v.d.Derive(v.row)
	}
	v.count++
	v.years[int(v.row["year"].(int64))] = true
	if k := queries.KeyOf(v.d, v.row); !v.keys[k] {
		v.keys[k] = true
	}
	if len(v.problems) == 0 && v.stage != nil {
		v.stage.write(pos, v.d, v.row)
	}
}

// completeFromOffer checks a capacity line that names an offer against the offers of its year, and fills its
// location and ownership when the file left them out.
func (v *validator) completeFromOffer(report func(col, da, en string)) {
	y := int(v.row["year"].(int64))
	offers, ok := v.offers[y]
	if !ok && v.st != nil {
		all, err := v.st.OffersFor(v.ctx, []int{y})
		if err != nil {
			report("offer_id", "kunne ikke læse tilbuddene: "+err.Error(), "could not read the offers: "+err.Error())
			return
		}
		offers = all[y]
		v.offers[y] = offers
	}
	o, found := offers[v.row["offer_id"].(string)]
	if !found {
		report("offer_id", fmt.Sprintf("tilbuddet findes ikke blandt tilbuddene for %d (indlæs tilbud først)", y),
			fmt.Sprintf("no such offer among the offers of %d (load offers first)", y))
		return
	}
	if v.row["location"] == nil {
		v.row["location"] = int64(o.Location)
	} else if v.row["location"].(int64) != int64(o.Location) {
		report("location", fmt.Sprintf("tilbuddet ligger i kommune %d", o.Location), fmt.Sprintf("the offer is located in municipality %d", o.Location))
	}
	if v.row["ownership"] == nil {
		v.row["ownership"] = o.Ownership
	} else if v.row["ownership"] != o.Ownership {
		report("ownership", "tilbuddets driftsform er "+o.Ownership, "the offer's ownership is "+o.Ownership)
	}
}

// result sorts the problems by position and adds the count of those left out.
func (v *validator) result() []Problem {
	sort.SliceStable(v.problems, func(i, j int) bool { return v.problems[i].Line < v.problems[j].Line })
	if v.more > 0 {
		v.problems = append(v.problems, Problem{DA: fmt.Sprintf("… og %d fejl mere", v.more), EN: fmt.Sprintf("… and %d more problems", v.more)})
	}
	return v.problems
}

func (v *validator) sortedYears() []int {
	var out []int
	for y := range v.years {
		out = append(out, y)
	}
	sort.Ints(out)
	return out
}

func (v *validator) keyList() []string {
	out := make([]string, 0, len(v.keys))
	for k := range v.keys {
		out = append(out, k)
	}
	return out
}

// stager writes valid rows in canonical form (queries.StagedColumns) to CSV files of at most stageRows rows,
// for DuckDB's read_csv.
type stager struct {
	dir   string
	files []string
	f     *os.File
	w     *csv.Writer
	n     int
	rec   []string
	err   error
}

const stageRows = 100_000

func newStager(dir string) *stager { return &stager{dir: dir} }

func (s *stager) write(pos int, d *data.Dataset, r data.Row) {
	if s.err != nil {
		return
	}
	if s.w == nil || s.n == stageRows {
		s.flush()
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			s.err = err
			return
		}
		f, err := os.CreateTemp(s.dir, "stage-*.csv")
		if err != nil {
			s.err = err
			return
		}
		s.f, s.w, s.n = f, csv.NewWriter(f), 0
		s.files = append(s.files, f.Name())
		s.w.Write(queries.StagedColumns(d))
	}
	s.rec = append(s.rec[:0], strconv.Itoa(pos))
	for _, c := range d.Columns {
		s.rec = append(s.rec, data.Text(r[c.Name]))
	}
	s.err = s.w.Write(s.rec)
	s.n++
}

func (s *stager) flush() {
	if s.w == nil {
		return
	}
	s.w.Flush()
	if err := s.w.Error(); err != nil && s.err == nil {
		s.err = err
	}
	if err := s.f.Close(); err != nil && s.err == nil {
		s.err = err
	}
	s.w = nil
}

// close finishes the files and returns them.
func (s *stager) close() ([]string, error) {
	s.flush()
	return s.files, s.err
}

// remove deletes the staging files.
func (s *stager) remove() {
	s.flush()
	for _, f := range s.files {
		os.Remove(f)
	}
}

// stageDir is where an ingest's staging files go: next to the database, removed after the load.
func stageDir(st *queries.Store) string { return filepath.Join(st.Path()+".tmp", "stage") }
