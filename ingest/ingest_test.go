package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

func mustOpen(t *testing.T) *queries.Store {
	t.Helper()
	st, err := queries.Open(context.Background(), filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func dataset(t testing.TB, name string) *data.Dataset {
	d, ok := data.DatasetByName(name)
	if !ok {
		t.Fatal(name)
	}
	return d
}

var danish = valueOpts{limits: data.DefaultLimits(), style: numbersDanish}

// Numbers in the point style: spreadsheet cells, JSON, Parquet, comma-separated CSV.
func TestPointNumbers(t *testing.T) {
	o := valueOpts{limits: data.DefaultLimits(), style: numbersPoint}
	capacity := dataset(t, "capacity")
	places, _ := capacity.Column("places")
	occupied, _ := capacity.Column("occupied")
	year, _ := capacity.Column("year")
	for _, tc := range []struct {
		col  data.Column
		in   string
		want any
	}{
		{occupied, "2.125", nil}, // three decimals: refused, never 2125
		{occupied, "1.125", nil},
		{occupied, "0.30000000000000004", data.Hundredths(30)},
		{occupied, "16.9", data.Hundredths(1690)},
		{occupied, "16,9", data.Hundredths(1690)},
		{places, "1.234", nil}, // not a whole number in point style
		{places, "2023.0", int64(2023)},
		{places, "1e3", int64(1000)},
		{year, "2023.0", int64(2023)},
		{places, "99999999999999999", nil},
	} {
		got, p := value(tc.col, tc.in, o)
		if got != tc.want || (tc.want == nil) != (p != nil) {
			t.Errorf("%s %q: got %#v, %v; want %#v", tc.col.Name, tc.in, got, p, tc.want)
		}
	}
	if _, p := value(places, "99999999999999999", o); p == nil || p.DA != "tallet er for stort" {
		t.Errorf("too large: %+v", p)
	}
}

func TestValues(t *testing.T) {
	capacity := dataset(t, "capacity")
	col := func(name string) data.Column { c, _ := capacity.Column(name); return c }
	for _, tc := range []struct {
		col  string
		in   string
		want any
	}{
		{"year", "2023", int64(2023)},
		{"places", "1.234", int64(1234)},
		{"places", " 12 ", int64(12)},
		{"occupied", "16,9", data.Hundredths(1690)},
		{"occupied", "16.9", data.Hundredths(1690)},
		{"occupied", "1.234,5", data.Hundredths(123450)},
		{"agreement", "Ja", true},
		{"agreement", "x", true},
		{"agreement", "nej", false},
		{"place_type", "Døgn", "doegn"},
		{"place_type", "dagtilbud", "dag"},
		{"ownership", "Kommunal", "kommunal"},
		{"location", "Hjørring", int64(860)},
		{"location", "Hjoerring Kommune", int64(860)},
		{"target_group", "Børn og unge med autisme", "autisme-boern"},
		{"occupied", "", nil},
	} {
		got, p := value(col(tc.col), tc.in, danish)
		if p != nil || got != tc.want {
			t.Errorf("%s %q: got %#v, %v; want %#v", tc.col, tc.in, got, p, tc.want)
		}
	}
	for _, tc := range []struct{ col, in, reason string }{
		{"places", "abc", "ikke et helt tal"},
		{"places", "-3", "må ikke være negativ"},
		{"places", "", "skal udfyldes"},
		{"year", "23", "ikke et årstal"},
		{"occupied", "1,234", "ikke et tal"}, // three decimals
		{"place_type", "nat", "ukendt pladstype"},
		{"location", "Aalborgg", "nærmeste: 851"},
		{"agreement", "måske", "ikke ja/nej"},
	} {
		_, p := value(col(tc.col), tc.in, danish)
		if p == nil || !strings.Contains(p.DA, tc.reason) || p.EN == "" {
			t.Errorf("%s %q: got %+v, want reason containing %q", tc.col, tc.in, p, tc.reason)
		}
	}
	survey := dataset(t, "survey")
	score, _ := survey.Column("score")
	if v, p := value(score, "Ved ikke", danish); v != nil || p != nil {
		t.Errorf("ved ikke: %v %v", v, p)
	}
	if _, p := value(score, "6", danish); p == nil {
		t.Error("score 6 accepted")
	}
}

func TestMapHeaderDanish(t *testing.T) {
	header := []string{"År", "Beliggenhedskommune", "Driftsform", "Socialaftale", "Pladstype", "Målgruppe", "Pladser", "Bemærkning"}
	idx, ignored, problems := mapHeader(dataset(t, "capacity"), header, 1)
	if len(problems) != 0 {
		t.Fatal(problems)
	}
	if idx[0] != 0 || idx[7] != 6 || idx[1] != -1 {
		t.Errorf("idx: %v", idx)
	}
	if len(ignored) != 1 || ignored[0] != "Bemærkning" {
		t.Errorf("ignored: %v", ignored)
	}
	_, _, problems = mapHeader(dataset(t, "capacity"), []string{"year", "location"}, 3)
	if len(problems) != 3 || problems[0].Line != 3 { // place_type, target_group, places; the header is on line 3
		t.Errorf("missing columns: %v", problems)
	}
}

const goodCapacity = "\xef\xbb\xbfÅr;Beliggenhedskommune;Driftsform;Socialaftale;Pladstype;Målgruppe;Pladser\n" +
	"2022;Aalborg;Kommunal;Nej;Døgn;autisme-boern;10\n" +
	"\n" +
	"2022;Brønderslev;Privat;;Dag;Socialpsykiatri;5\n"

func TestBadRowLoadsNothing(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	bad := "år;beliggenhedskommune;driftsform;socialaftale;pladstype;målgruppe;Pladser\n" +
		"2022;Aalborg;kommunal;nej;døgn;autisme-boern;10\n" +
		"2022;Aalborg;kommunal;nej;døgn;autisme-voksne;ti\n" +
		"2022;Rebild;privat;ja;dag;misbrug;4\n"
	_, err := File(ctx, st, dataset(t, "capacity"), "bad.csv", []byte(bad), Options{})
	var ie *InvalidError
	if !errors.As(err, &ie) {
		t.Fatalf("got %v, want InvalidError", err)
	}
	// every problem at once: the bad cell on line 3 and the private agreement line on line 4
	if len(ie.Problems) != 2 || ie.Problems[1].Line != 4 || ie.Problems[1].Column != "socialaftale" {
		t.Fatalf("problems: %v", ie.Problems)
	}
	p := ie.Problems[0]
	if p.Line != 3 || p.Column != "Pladser" || p.Value != "ti" || p.DA != "ikke et helt tal" {
		t.Errorf("problem: %+v", p)
	}
	// fix the cell: now the private agreement line on line 4 is the only error
	_, err = File(ctx, st, dataset(t, "capacity"), "bad.csv", []byte(strings.Replace(bad, ";ti", ";11", 1)), Options{})
	if !errors.As(err, &ie) || len(ie.Problems) != 1 || ie.Problems[0].Line != 4 || ie.Problems[0].Column != "socialaftale" {
		t.Fatalf("got %v", err)
	}
	batches, _ := st.Batches(ctx)
	if len(batches) != 0 {
		t.Errorf("batches after failed ingests: %d", len(batches))
	}
	if _, err := os.Stat(st.Path() + ".files"); err == nil {
		entries, _ := os.ReadDir(st.Path() + ".files")
		if len(entries) != 0 {
			t.Errorf("kept files of failed ingests: %d", len(entries))
		}
	}
}

func TestLoadReplaceAndDuplicate(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	d := dataset(t, "capacity")
	res, err := File(ctx, st, d, "a.csv", []byte(goodCapacity), Options{LoadedBy: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Batch.Duplicate {
		t.Errorf("first load: %+v", res)
	}
	if _, err := os.Stat(filepath.Join(st.Path()+".files", res.SHA256+".csv")); err != nil {
		t.Errorf("original not kept: %v", err)
	}
	again, err := File(ctx, st, d, "a.csv", []byte(goodCapacity), Options{})
	if err != nil || !again.Batch.Duplicate || again.Batch.ID != res.Batch.ID {
		t.Errorf("same file again: %+v, %v", again, err)
	}
	// Aalborg's 2022 again with 12 places: replaces Aalborg's line only
	aalborg := "year,location,ownership,agreement,place_type,target_group,places\n2022,851,kommunal,false,doegn,autisme-boern,12\n"
	r2, err := File(ctx, st, d, "b.csv", []byte(aalborg), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r2.Batch.Replaced != 1 {
		t.Errorf("replaced: %d, want 1", r2.Batch.Replaced)
	}
	supply, err := st.Supply(ctx, queries.View{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]int64{}
	for _, c := range supply {
		got[c.Municipality] += c.Value
	}
	if got[851] != 12 || got[810] != 5 {
		t.Errorf("supply after replacement: %v", got)
	}
	batches, _ := st.Batches(ctx)
	if batches[0].Status != "partly_superseded" || batches[1].Status != "active" {
		t.Errorf("statuses: %s, %s", batches[0].Status, batches[1].Status)
	}
	// drafts are invisible to viewers until published
	if pub, _ := st.Supply(ctx, queries.View{}); len(pub) != 0 {
		t.Errorf("published supply before publishing: %v", pub)
	}
	if _, _, err := st.Publish(ctx, 2022, "test", nil); err != nil {
		t.Fatal(err)
	}
	pub, _ := st.Supply(ctx, queries.View{})
	total := int64(0)
	for _, c := range pub {
		total += c.Value
	}
	if total != 17 {
		t.Errorf("published supply: %d, want 17", total)
	}
}

func TestCapacityCompletedFromOffer(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	offers := "year,offer_id,name,operator,ownership,location,target_groups,budgeted_occupancy\n2023,T1,Tilbud,Region,regional,Thisted,misbrug,95\n"
	if _, err := File(ctx, st, dataset(t, "offers"), "o.csv", []byte(offers), Options{}); err != nil {
		t.Fatal(err)
	}
	capacity := "year,offer_id,location,place_type,target_group,places,occupied\n2023,T1,,doegn,misbrug,8,7.5\n2023,T1,Aalborg,dag,misbrug,2,\n2023,T9,,dag,misbrug,2,\n"
	_, err := File(ctx, st, dataset(t, "capacity"), "c.csv", []byte(capacity), Options{})
	var ie *InvalidError
	if !errors.As(err, &ie) || len(ie.Problems) != 2 || ie.Problems[0].Line != 3 || ie.Problems[1].Line != 4 {
		t.Fatalf("got %v", err)
	}
	ok := "year,offer_id,place_type,target_group,places,occupied\n2023,T1,doegn,misbrug,8,7.5\n"
	if _, err := File(ctx, st, dataset(t, "capacity"), "c.csv", []byte(ok), Options{}); err != nil {
		t.Fatal(err)
	}
	places, _ := st.PlacesByLocation(ctx, queries.View{Draft: true}, 2023)
	if len(places) != 1 || places[0].Location != 787 || places[0].Category != "socialaftale" || places[0].Places != 8 {
		t.Errorf("places: %+v", places)
	}
}

func TestReviewedInputs(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	capacity := dataset(t, "capacity")
	for _, tc := range []struct {
		name, file string
		line       int
		column     string
		value      string
		reason     string
	}{
		{"an unquoted decimal comma splits a field",
			"year,location,ownership,place_type,target_group,places,occupied\n2022,851,kommunal,doegn,misbrug,10,16,9\n",
			2, "kolonne 8", "9", "flere felter end overskriften"},
		{"a leading zero is no thousands separator",
			"year,location,ownership,place_type,target_group,places\n2022,851,kommunal,doegn,misbrug,0.500\n",
			2, "places", "0.500", "ikke et helt tal"},
		{"a line repeated in the file",
			"year,location,ownership,place_type,target_group,places\n2022,851,kommunal,doegn,misbrug,5\n2022,851,kommunal,doegn,misbrug,5\n",
			3, "target_group", "misbrug", "gentager linje 2"},
		{"the value as written, not as stored",
			"year,location,ownership,agreement,place_type,target_group,places\n2022,851,privat,Ja,doegn,misbrug,5\n",
			2, "agreement", "Ja", "private pladser"},
	} {
		_, err := File(ctx, st, capacity, "x.csv", []byte(tc.file), Options{})
		var ie *InvalidError
		if !errors.As(err, &ie) || len(ie.Problems) != 1 {
			t.Errorf("%s: got %v", tc.name, err)
			continue
		}
		p := ie.Problems[0]
		if p.Line != tc.line || p.Column != tc.column || p.Value != tc.value || !strings.Contains(p.DA, tc.reason) {
			t.Errorf("%s: got %+v", tc.name, p)
		}
	}
	// zero-padded municipality codes are codes
	ok := "year;location;ownership;place_type;target_group;places\n\n2022;0851;kommunal;doegn;misbrug;5\n"
	if res, err := File(ctx, st, capacity, "ok.csv", []byte(ok), Options{DryRun: true}); err != nil || res.Rows != 1 {
		t.Errorf("0851: %+v %v", res, err)
	}
	offers := "year,offer_id,name,operator,ownership,location,budgeted_occupancy\n2023,T1,Tilbud,Region,regional,851,\"0,95\"\n"
	_, err := File(ctx, st, dataset(t, "offers"), "o.csv", []byte(offers), Options{})
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Problems[0].Column != "budgeted_occupancy" || ie.Problems[0].Value != "0,95" {
		t.Errorf("budgeted occupancy as a fraction: %v", err)
	}
}

// Publishing a year publishes that year only, also of a batch with rows of several years, and freezes it:
// a correction reaches viewers only when the year is published again, as its edition 2.
func TestPublishOneYearOfABatch(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	two := "year,municipality,target_group,place_type,placed,waiting\n2022,851,misbrug,dag,10,0\n2023,851,misbrug,dag,20,0\n"
	if _, err := File(ctx, st, dataset(t, "demand"), "d.csv", []byte(two), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Publish(ctx, 2022, "test", nil); err != nil {
		t.Fatal(err)
	}
	cells, err := st.Demand(ctx, queries.View{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 1 || cells[0].Year != 2022 || cells[0].Value != 10 {
		t.Errorf("published demand: %+v, want 2022 only", cells)
	}
	// a correction of 2022 (and a new 2023 row) is a draft: viewers keep the edition until 2022 is published again
	fix := "year,municipality,target_group,place_type,placed,waiting\n2022,851,misbrug,dag,14,0\n2023,851,misbrug,dag,25,0\n"
	if _, err := File(ctx, st, dataset(t, "demand"), "fix.csv", []byte(fix), Options{}); err != nil {
		t.Fatal(err)
	}
	viewer := func() map[int]int64 {
		cells, err := st.Demand(ctx, queries.View{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[int]int64{}
		for _, c := range cells {
			out[c.Year] += c.Value
		}
		return out
	}
	if got := viewer(); len(got) != 1 || got[2022] != 10 {
		t.Errorf("after a correction, before publishing: %v, want 2022: 10", got)
	}
	ed, created, err := st.Publish(ctx, 2022, "test", nil)
	if err != nil || !created || ed.Number != 2 {
		t.Fatalf("publish again: %+v %v %v", ed, created, err)
	}
	if got := viewer(); len(got) != 1 || got[2022] != 14 {
		t.Errorf("after publishing again: %v, want 2022: 14", got)
	}
	// publishing with nothing changed makes no edition
	if again, created, err := st.Publish(ctx, 2022, "test", nil); err != nil || created || again.ID != ed.ID {
		t.Errorf("publish with nothing changed: %+v %v %v", again, created, err)
	}
	if _, _, err := st.Publish(ctx, 2030, "test", nil); !errors.Is(err, queries.ErrNothingToPublish) {
		t.Errorf("publish a year without rows: %v", err)
	}
}

// Morsø's demand file leaves Aalborg's rows alone; restoring the first batch brings Morsø's first row back.
func TestReplacementByKeyAndRestore(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	d := dataset(t, "demand")
	first := "year,municipality,target_group,place_type,placed,waiting\n2023,Morsø,misbrug,dag,10,1\n2023,Aalborg,misbrug,dag,50,2\n"
	morsoe := "year,municipality,target_group,place_type,placed,waiting\n2023,773,misbrug,dag,12,0\n"
	placed := func() map[int64]int64 {
		rows, err := st.DatasetRows(ctx, d, queries.View{Draft: true})
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]int64{}
		for _, r := range rows {
			out[r["municipality"].(int64)] += r["placed"].(int64)
		}
		return out
	}
	if _, err := File(ctx, st, d, "first.csv", []byte(first), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := File(ctx, st, d, "morsoe.csv", []byte(morsoe), Options{}); err != nil {
		t.Fatal(err)
	}
	if got := placed(); got[773] != 12 || got[851] != 50 || len(got) != 2 {
		t.Errorf("after Morsø's file: %v", got)
	}
	if _, err := st.RestoreBatch(ctx, 1, "test"); err != nil {
		t.Fatal(err)
	}
	if got := placed(); got[773] != 10 || got[851] != 50 || len(got) != 2 {
		t.Errorf("after restoring batch 1: %v", got)
	}
}
