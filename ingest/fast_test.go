package ingest

import (
	"bytes"
	"context"
	"fmt"
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
