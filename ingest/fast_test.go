package ingest

import (
	"context"
	"reflect"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// The fast path (DuckDB reads and checks a plain CSV itself) stores exactly what the row-by-row path stores,
// in the same order (so with the same lines), and declines what it cannot read plainly.
func TestFastPathEqualsRowByRow(t *testing.T) {
	ctx := context.Background()
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
	for _, tc := range cases {
		d := dataset(t, tc.dataset)
		var got [2][]data.Row
		for i, noFast := range []bool{false, true} {
			st := mustOpen(t)
			res, err := File(ctx, st, d, tc.name, tc.content, Options{NoFast: noFast, Limits: lim})
			if err != nil {
				t.Fatalf("%s (no fast %v): %v", tc.name, noFast, err)
			}
			if res.Fast != (tc.fast && !noFast) {
				t.Errorf("%s %s: fast path %v, want %v", tc.dataset, tc.name, res.Fast, tc.fast && !noFast)
			}
			rows, err := st.DatasetRows(ctx, d, queries.View{Draft: true})
			if err != nil {
				t.Fatal(err)
			}
			got[i] = rows
		}
		if !reflect.DeepEqual(got[0], got[1]) {
			t.Errorf("%s %s: the paths differ:\n fast %v\n rows %v", tc.dataset, tc.name, head(got[0]), head(got[1]))
		}
	}
}

func head(r []data.Row) []data.Row {
	if len(r) > 3 {
		return r[:3]
	}
	return r
}
