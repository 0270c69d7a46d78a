package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// templateLists are the drop-down lists a template must offer, by header, from the catalogues: the region's
// municipalities, the target groups, the place types and the ownerships, by their Danish names.
func templateLists() map[string][]string {
	var munis, groups, places, owners []string
	for _, m := range data.RegionMunicipalities(data.RegionCode) {
		munis = append(munis, m.Name)
	}
	for _, g := range data.TargetGroups() {
		groups = append(groups, g.NameDA)
	}
	for _, p := range data.PlaceTypes {
		places = append(places, p.NameDA)
	}
	for _, o := range data.Ownerships {
		owners = append(owners, o.NameDA)
	}
	return map[string][]string{"Kommune": munis, "Beliggenhedskommune": munis, "Målgruppe": groups, "Pladstype": places, "Driftsform": owners}
}

// codeOf maps the names a template writes to the codes the demo files hold.
func codeOf() map[string]string {
	m := map[string]string{"Ja": "true", "Nej": "false"}
	for _, x := range data.RegionMunicipalities(data.RegionCode) {
		m[x.Name] = strconv.Itoa(x.Code)
	}
	for _, g := range data.TargetGroups() {
		m[g.NameDA] = g.Code
	}
	for _, c := range append(append([]data.Code(nil), data.PlaceTypes...), data.Ownerships...) {
		m[c.NameDA] = c.Code
	}
	return m
}

// listCells resolves a list validation's source: a range of the hidden sheet ("Lister!$A$1:$A$11") or a
// list typed in ("\"a,b\"").
func listCells(t *testing.T, f *excelize.File, formula string) []string {
	t.Helper()
	if strings.HasPrefix(formula, `"`) {
		return strings.Split(strings.Trim(formula, `"`), ",")
	}
	sheet, ref, ok := strings.Cut(strings.ReplaceAll(formula, "$", ""), "!")
	from, to, _ := strings.Cut(ref, ":")
	c1, r1, err1 := excelize.CellNameToCoordinates(from)
	c2, r2, err2 := excelize.CellNameToCoordinates(to)
	if !ok || err1 != nil || err2 != nil || c1 != c2 {
		t.Fatalf("a list from %q", formula)
	}
	if vis, err := f.GetSheetVisible(sheet); err != nil || vis {
		t.Errorf("the list sheet %s is visible (%v)", sheet, err)
	}
	var out []string
	for r := r1; r <= r2; r++ {
		cell, _ := excelize.CoordinatesToCellName(c1, r)
		v, err := f.GetCellValue(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// templateCase is one dataset's round trip: the template of a municipality, filled in and loaded again.
type templateCase struct {
	dataset, municipality string   // as given to --municipality
	code                  string   // the municipality's code in the demo files
	year                  int      // --year (0: the default, the year after the demo's latest)
	header                []string // the Danish header, column by column as the demo files' columns
	municipalityColumn    string   // the column the rows are chosen by
	decimals              []string // columns stored with two decimals
	before                []string // datasets to load into the new database first
	change                string   // the column whose value in the first row the test raises by 5
	add                   func(lists map[string][]string, have map[string]bool) ([]any, []string)
}

// A template for one municipality from the demo database: its header, its drop-down lists (resolved through
// the hidden sheet and compared with the catalogues), the municipality's rows of the year before filled in
// (compared with the demo files), then changed and extended as a user would, saved and loaded into a new
// database, where the rows are what the test wrote.
func TestTemplateRoundTrip(t *testing.T) {
	cases := []templateCase{
		{dataset: "demand", municipality: "Aalborg", code: "851",
			header:             []string{"År", "Kommune", "Målgruppe", "Pladstype", "Anbragte", "Venteliste", "Forventet næste år"},
			municipalityColumn: "municipality", change: "placed",
			// a target group and place type Aalborg had no line for
			add: func(lists map[string][]string, have map[string]bool) ([]any, []string) {
				for _, g := range data.TargetGroups() {
					for _, p := range data.PlaceTypes {
						if !have[g.Code+"/"+p.Code] {
							return []any{"Aalborg", g.NameDA, p.NameDA, 3, 1, 4}, []string{"851", g.Code, p.Code, "3", "1", "4"}
						}
					}
				}
				return nil, nil
			}},
		{dataset: "capacity", municipality: "846", code: "846", year: 2023, before: []string{"offers"},
			header:             []string{"År", "Tilbuds-id", "Beliggenhedskommune", "Driftsform", "Socialaftale", "Pladstype", "Målgruppe", "Pladser", "Belagte pladser"},
			municipalityColumn: "location", decimals: []string{"occupied"}, change: "places",
			// a private residential line of a target group Mariagerfjord had none of
			add: func(lists map[string][]string, have map[string]bool) ([]any, []string) {
				for _, g := range data.TargetGroups() {
					if !have["privat/doegn/"+g.Code] {
						return []any{"", "Mariagerfjord", "privat", "Nej", "døgnpladser", g.NameDA, 2, 1.5},
							[]string{"", "846", "privat", "false", "doegn", g.Code, "2", "1.50"}
					}
				}
				return nil, nil
			}},
	}
	for _, tc := range cases {
		t.Run(tc.dataset, func(t *testing.T) { templateRoundTrip(t, tc) })
	}
}

func templateRoundTrip(t *testing.T, tc templateCase) {
	dir := t.TempDir()
	demoHeader, demo, err := data.DemoRows(tc.dataset)
	if err != nil {
		t.Fatal(err)
	}
	year := tc.year
	if year == 0 {
		for _, r := range demo {
			y, _ := strconv.Atoi(r["year"])
			year = max(year, y+1)
		}
	}
	col := map[string]int{}
	for i, h := range demoHeader {
		col[h] = i
	}
	decimal := func(name, v string) string {
		if v != "" && slices.Contains(tc.decimals, name) {
			f, _ := strconv.ParseFloat(v, 64)
			return fmt.Sprintf("%.2f", f)
		}
		return v
	}
	// the municipality's demo rows of the year before, as the template must give them: in the template's year
	var want [][]string
	have := map[string]bool{}
	for _, r := range demo {
		if r["year"] != strconv.Itoa(year-1) || r[tc.municipalityColumn] != tc.code {
			continue
		}
		rec := []string{strconv.Itoa(year)}
		for _, h := range demoHeader[1:] {
			rec = append(rec, decimal(h, r[h]))
		}
		want = append(want, rec)
		have[r["target_group"]+"/"+r["place_type"]] = true
		if r["offer_id"] == "" {
			have[r["ownership"]+"/"+r["place_type"]+"/"+r["target_group"]] = true
		}
	}
	if len(want) == 0 {
		t.Fatalf("no demo rows of %s in %d", tc.code, year-1)
	}

	args := []string{"template", tc.dataset, "--municipality", tc.municipality, "-o", "skabelon.xlsx", "--db", demoDB}
	if tc.year != 0 {
		args = append(args, "--year", strconv.Itoa(tc.year))
	}
	t.Chdir(dir) // a relative -o is the caller's directory
	out, errOut, code := cli(t, args...)
	if code != 0 {
		t.Fatalf("template: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, fmt.Sprintf("%d rækker", len(want))) {
		t.Errorf("template says %q, want %d rows", out, len(want))
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "skabelon.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Data", "Vejledning", "Lister"}) {
		t.Errorf("sheets %v", got)
	}
	recs, err := f.GetRows("Data", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], tc.header) {
		t.Errorf("header %q, want %q", recs[0], tc.header)
	}

	// the drop-down lists are the catalogues, on exactly the coded columns
	lists := templateLists()
	dvs, err := f.GetDataValidations("Data")
	if err != nil {
		t.Fatal(err)
	}
	var validated, wantValidated []string
	for _, h := range tc.header {
		if lists[h] != nil {
			wantValidated = append(wantValidated, h)
		}
	}
	for _, dv := range dvs {
		from, to, _ := strings.Cut(dv.Sqref, ":")
		c, r, err := excelize.CellNameToCoordinates(from)
		c2, r2, err2 := excelize.CellNameToCoordinates(to)
		if err != nil || err2 != nil || c != c2 || r != 2 || r2 < len(want)+100 || c > len(tc.header) {
			t.Errorf("a validation on %s", dv.Sqref)
			continue
		}
		h := tc.header[c-1]
		validated = append(validated, h)
		if got := listCells(t, f, dv.Formula1); dv.Type != "list" || !slices.Equal(got, lists[h]) {
			t.Errorf("%s: %s list %q, want %q", h, dv.Type, got, lists[h])
		}
	}
	if !slices.Equal(validated, wantValidated) {
		t.Errorf("lists on %q, want %q", validated, wantValidated)
	}

	// the filled-in rows are the demo's
	codes := codeOf()
	canonical := func(rec []string) []string {
		out := make([]string, len(demoHeader))
		for i := range out {
			v := ""
			if i < len(rec) {
				v = rec[i]
			}
			if c, ok := codes[v]; ok {
				v = c
			}
			out[i] = decimal(demoHeader[i], v)
		}
		return out
	}
	var got [][]string
	for _, r := range recs[1:] {
		got = append(got, canonical(r))
	}
	compareRecords(t, "filled-in rows", got, want)

	// a user raises the first row's value and adds a line
	ci := col[tc.change]
	n, err := strconv.Atoi(recs[1][ci])
	if err != nil {
		t.Fatalf("row 2, %s: %q", tc.change, recs[1][ci])
	}
	cell, _ := excelize.CoordinatesToCellName(ci+1, 2)
	f.SetCellValue("Data", cell, n+5)
	first := canonical(recs[1])
	for i, w := range want {
		if slices.Equal(w, first) {
			want[i] = slices.Clone(w)
			want[i][ci] = strconv.Itoa(n + 5)
			break
		}
	}
	cells, added := tc.add(lists, have)
	if cells == nil {
		t.Fatal("no line to add")
	}
	cell, _ = excelize.CoordinatesToCellName(1, len(recs)+1)
	if err := f.SetSheetRow("Data", cell, &[]any{year}); err != nil {
		t.Fatal(err)
	}
	cell, _ = excelize.CoordinatesToCellName(2, len(recs)+1)
	if err := f.SetSheetRow("Data", cell, &cells); err != nil {
		t.Fatal(err)
	}
	want = append(want, append([]string{strconv.Itoa(year)}, added...))
	filled := filepath.Join(dir, "udfyldt.xlsx")
	if err := f.SaveAs(filled); err != nil {
		t.Fatal(err)
	}

	// loaded into a new database
	db := filepath.Join(dir, "ny.duckdb")
	for _, ds := range tc.before {
		b, _, err := data.DemoFile(ds)
		if err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(dir, ds+".csv")
		os.WriteFile(file, b, 0o644)
		if _, errOut, code := cli(t, "ingest", ds, file, "--db", db); code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", ds, code, errOut)
		}
	}
	if out, errOut, code := cli(t, "ingest", tc.dataset, filled, "--db", db); code != 0 {
		t.Fatalf("ingest the filled-in template: exit %d: %s%s", code, out, errOut)
	}
	st, err := queries.Open(context.Background(), db, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, _ := data.DatasetByName(tc.dataset)
	rows, err := st.DatasetRows(context.Background(), d, queries.View{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, r := range rows {
		var rec []string
		for _, h := range demoHeader {
			rec = append(rec, data.Text(r[h]))
		}
		got = append(got, rec)
	}
	compareRecords(t, "loaded rows", got, want)
}

// compareRecords compares two lists of records in any order.
func compareRecords(t *testing.T, what string, got, want [][]string) {
	t.Helper()
	key := func(rs [][]string) []string {
		var out []string
		for _, r := range rs {
			out = append(out, strings.Join(r, ","))
		}
		slices.Sort(out)
		return out
	}
	g, w := key(got), key(want)
	if !slices.Equal(g, w) {
		t.Errorf("%s: %d, want %d:\n got %q\nwant %q", what, len(g), len(w), g, w)
	}
}

// The command line: -o - writes the workbook to stdout; a dataset sent for the whole year gets no rows; wrong
// arguments are usage errors.
func TestTemplateCommandLine(t *testing.T) {
	out, errOut, code := cli(t, "template", "tariffs", "--year", "2031", "-o", "-", "--db", demoDB)
	if code != 0 || !strings.HasPrefix(out, "PK") {
		t.Fatalf("-o -: exit %d: %s", code, errOut)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(out)))
	if err != nil {
		t.Fatal(err)
	}
	if recs, _ := f.GetRows("Data"); len(recs) != 1 || len(recs[0]) != 4 {
		t.Errorf("tariffs: %q", recs)
	}
	f.Close()
	file := filepath.Join(t.TempDir(), "tilbud.xlsx")
	out, errOut, code = cli(t, "template", "tilbud", "--municipality", "Morsø", "-o", file, "--db", demoDB)
	if code != 0 || !strings.Contains(out, "ingen rækker") {
		t.Errorf("offers for Morsø: exit %d: %s%s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"template", "demand"},
		{"template", "-o", file},
		{"template", "nope", "-o", file},
		{"template", "demand", "--municipality", "all", "-o", file},
		{"template", "demand", "--municipality", "Odense", "-o", file},
		{"template", "demand", "--year", "1800", "-o", file},
	} {
		if _, errOut, code := cli(t, append(args, "--db", demoDB)...); code != 2 {
			t.Errorf("%q: exit %d, want 2: %s", args, code, errOut)
		}
	}
}
