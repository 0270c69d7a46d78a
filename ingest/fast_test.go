package ingest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// The fast path (DuckDB reads and checks a plain CSV itself) stores exactly what the row-by-row path stores,
// in the same order (so with the same lines), and declines what it cannot read plainly.
func TestFastPathEqualsRowByRow(t *testing.T) {
	ctx := context.Background()
	defer func(m int) { minPart = m }(minPart)
	minPart = 10_000 // big.csv in parts
	var big []byte
	{
		b, _ := bigCapacity(5000)
		big = b
	}
	_, lim := bigCapacity(0)
	cases := []struct {
		dataset, name string
		content       []byte
		fast          bool // expected to take the fast path
	}{
		{"capacity", "big.csv", big, true},
		{"population", "p.csv", []byte("year;municipality;inhabitants\n2022;0851;222.571\n2023; Læsø ;1789\n"), false}, // thousands dot: declined
		{"population", "p.csv", []byte("aar;kommune;indbyggere\n2022;0851;222571\n2023; Læsø ;1789\n"), false},         // a name: declined
		{"population", "p.csv", []byte("aar;kommune;indbyggere;aldersgruppe\r\n2022;0851;222571;\r\n2023; 825 ;1789; 0-17 \r\n"), true},
		{"population", "p.csv", []byte("aar;kommune;indbyggere;aldersgruppe\r\n2022;0851;222571;\r\n2023; 825 ;1789;0-17\t\r\n"), false}, // a tab at a field's end
		{"survey", "s.csv", []byte("year,municipality,target_group,score,comment\n2023,Thisted,Børn og unge med autisme,Ved ikke,\"a, b\"\n2023,787,misbrug,3,\n"), false},
		{"survey", "s.csv", []byte("year,municipality,target_group,score,comment\n2023,787,Autisme-Boern,Ved ikke,\"a, b \"\n2023,787,misbrug,3,\n"), true},
		{"capacity", "c.csv", []byte("year;location;ownership;agreement;place_type;target_group;places;occupied\n2023;851;Kommunal;ja;doegn;misbrug;10;9,5\n2023;851;privat;nej;dag;misbrug;4;\n"), true},
		{"population", "p.csv", []byte("year;municipality;inhabitants;age_band\n2023;851;100;0-17\u2028\n2023;825;50;\n"), false}, // U+2028: Go trims it, DuckDB not
		{"tariffs", "t.csv", []byte("year;offer_id;tariff_type;amount_dkk\n2023;A1;døgntakst;100\n2023;A2\u2029;døgntakst;100\n"), false},
		{"demand", "d.csv", []byte("year\tmunicipality\ttarget_group\tplace_type\tplaced\twaiting\n2023\tMorsø\tmisbrug\tDøgn\t4\t0\n\n2023\tAalborg\tmisbrug\tdag\t7\t1\n"), false}, // a blank line
	}
	for _, name := range []string{"demand", "survey", "purchases", "tariffs", "population"} {
		b, _, _ := data.DemoFile(name)
		cases = append(cases, struct {
			dataset, name string
			content       []byte
			fast          bool
		}{name, name + ".csv", b, true})
	}
	// the second load of the first case replaces part of it: the summary counts replaced rows too
	cases = append(cases, struct {
		dataset, name string
		content       []byte
		fast          bool
	}{"capacity", "big2.csv", big[:bytes.LastIndexByte(big[:len(big)/2], '\n')+1], true})
	for _, tc := range cases {
		d := dataset(t, tc.dataset)
		var got [2]loaded
		for i, noFast := range []bool{false, true} {
			st := mustOpen(t)
			if tc.name == "big2.csv" {
				if _, err := File(ctx, st, d, "big.csv", []byte(strings.ReplaceAll(string(big), ",1\n", ",2\n")), Options{NoFast: noFast, Limits: lim}); err != nil {
					t.Fatal(err)
				}
			}
			res, err := File(ctx, st, d, tc.name, tc.content, Options{NoFast: noFast, Limits: lim})
			if err != nil {
				t.Fatalf("%s (no fast %v): %v", tc.name, noFast, err)
			}
			if res.Fast != (tc.fast && !noFast) {
				t.Errorf("%s %s: fast path %v, want %v", tc.dataset, tc.name, res.Fast, tc.fast && !noFast)
			}
			got[i].rows, err = st.DatasetRows(ctx, d, queries.View{Draft: true})
			if err != nil {
				t.Fatal(err)
			}
			batches, err := st.Batches(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range batches {
				got[i].batches = append(got[i].batches, fmt.Sprint(b.ID, b.Rows, b.KeyValues, b.Status))
			}
			got[i].rowCount, got[i].replaced, got[i].summary = res.Rows, res.Batch.Replaced, res.Batch.Summary
		}
		if !reflect.DeepEqual(got[0].rows, got[1].rows) {
			t.Errorf("%s %s: the paths differ:\n fast %v\n rows %v", tc.dataset, tc.name, head(got[0].rows), head(got[1].rows))
		}
		if tc.name == "big2.csv" && got[0].replaced == 0 {
			t.Error("big2.csv replaced nothing")
		}
		got[0].rows, got[1].rows = nil, nil
		if !reflect.DeepEqual(got[0], got[1]) {
			t.Errorf("%s %s: the paths report differently:\n fast %+v\n rows %+v", tc.dataset, tc.name, got[0], got[1])
		}
	}
}

// loaded is what one path loaded and reported.
type loaded struct {
	rows               []data.Row
	batches            []string
	rowCount, replaced int
	summary            []queries.SummaryLine
}

func head(r []data.Row) []data.Row {
	if len(r) > 3 {
		return r[:3]
	}
	return r
}

// A field with a space at either end must be seen (the fast path then trims fields as the row-by-row path
// does); hasUpper decides only whether codes are compared in lower case.
func TestSpacedFieldsAndUpper(t *testing.T) {
	for in, want := range map[string]bool{
		"a,b\n1,2\n": false, "a,b\n1 ,2\n": true, "a,b\n1, 2\n": true, "a,b\n1,2 \n": true, "a,b\n1,2 \r\n": true,
		"a,b\n 1,2\n": true, " a,b\n": true, "a,b\n1,2 ": true, "a;b\n1 2;3\n": false, "a;b\n1,2 ;3\n": true,
		"a,b\n\"x \",2\n": true, "a,b\n\" x\",2\n": true, "a\tb\n1 2\t3\n": false, "a\tb\n1\t 3\n": true,
	} {
		if got := spacedFields([]byte(in), detectSeparator([]byte(in))); got != want {
			t.Errorf("spacedFields(%q) = %v", in, got)
		}
	}
	for c := 0; c < 128; c++ {
		for pos := 0; pos < 17; pos++ {
			b := []byte("abcdefghijklmnopq")
			b[pos] = byte(c)
			if got, want := hasUpper(b), c >= 'A' && c <= 'Z'; got != want {
				t.Fatalf("hasUpper(%q) = %v", b, got)
			}
		}
	}
	if !hasUpper([]byte("æøåæøåæøåZ")) || hasUpper([]byte("æøåæøåæøåz")) {
		t.Error("hasUpper after multi-byte letters")
	}
}

// Random small capacity files, written with every form the fast path meets (codes in any case, municipality
// codes with leading zeros, yes/no words, quotes, spaces, numbers it declines) and with duplicates among
// their rows, load exactly as row by row: the same rows, or the same report. The files without quotes
// take the typed read and the duplicate check in Go (lineCheck).
func TestFastPathRandomForms(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(7, 11))
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	var typed, unique, dupReports int
	for n := 0; n < 40; n++ {
		var b strings.Builder
		b.WriteString("year;location;ownership;agreement;place_type;target_group;places\n")
		quoted, odd := rng.IntN(5) == 0, rng.IntN(5) == 0 // quotes: text read; odd numbers: declined
		declined := false
		for range 2 + rng.IntN(12) {
			fields := []string{
				pick("2023", "2023", "2022"),
				pick("851", "0851", "825", "851"),
				pick("kommunal", "Kommunal", "regional"),
				pick("ja", "x", "nej", "", "JA", "1", "0"),
				pick("dag", "doegn", "Dag", " dag"),
				pick("misbrug", "MISBRUG", "autisme-boern"),
				pick("1", "7", "20"),
			}
			if quoted {
				fields[5] = `"` + fields[5] + `"`
			}
			if odd && rng.IntN(2) == 0 {
				fields[0], fields[6] = pick("02023", "2023"), pick("007", "1.000", "1e1", "+1")
				declined = true
			}
			b.WriteString(strings.Join(fields, ";") + "\n")
		}
		content := []byte(b.String())
		d := dataset(t, "capacity")
		var reports [2]string
		var rows [2][]data.Row
		for i, noFast := range []bool{false, true} {
			st := mustOpen(t)
			if !noFast {
				tb, _ := readTable(ctx, st, d, "c.csv", content, "")
				if f, cleanup := fastCSV(st, d, "c.csv", content, tb, data.DefaultLimits()); f != nil {
					cleanup()
					if f.Typed != (!quoted && !declined) {
						t.Errorf("%q: typed read %v", content, f.Typed)
					}
					typed += btoi(f.Typed)
					unique += btoi(f.Unique)
				}
			}
			_, err := File(ctx, st, d, "c.csv", content, Options{NoFast: noFast})
			if err != nil {
				reports[i] = err.Error()
				if strings.Contains(err.Error(), "rækken gentager linje") {
					dupReports += 1 - i
				}
			}
			var rerr error
			if rows[i], rerr = st.DatasetRows(ctx, d, queries.View{Draft: true}); rerr != nil {
				t.Fatal(rerr)
			}
		}
		if reports[0] != reports[1] || !reflect.DeepEqual(rows[0], rows[1]) {
			t.Fatalf("%q: the paths differ:\n fast %s %v\n rows %s %v", content, reports[0], rows[0], reports[1], rows[1])
		}
	}
	t.Logf("typed %d, unique %d, duplicate reports %d", typed, unique, dupReports)
	// the test meets every branch: typed reads, files Go found free of duplicates, and duplicate reports
	if typed == 0 || unique == 0 || dupReports == 0 {
		t.Errorf("typed %d, unique %d, duplicate reports %d: some branch was never taken", typed, unique, dupReports)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
