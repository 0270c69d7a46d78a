package ingest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// loadAndRead loads content as dataset into a fresh database and reads the stored rows back.
func loadAndRead(t *testing.T, ds, name string, content []byte, opt Options) (Result, []data.Row) {
	t.Helper()
	st := mustOpen(t)
	ctx := context.Background()
	res, err := File(ctx, st, dataset(t, ds), name, content, opt)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	rows, err := st.DatasetRows(ctx, dataset(t, ds), queries.View{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	return res, rows
}

func h(v int64) data.Hundredths { return data.Hundredths(v) }

func capacityRow(loc int64, own string, agr any, pt, tg string, places int64, occ any, cat string) data.Row {
	return data.Row{"year": int64(2023), "offer_id": nil, "location": loc, "ownership": own, "agreement": agr,
		"place_type": pt, "target_group": tg, "places": places, "occupied": occ, "category": cat}
}

func compareRows(t *testing.T, name string, got, want []data.Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d: %v", name, len(got), len(want), got)
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("%s row %d:\n got %v\nwant %v", name, i+1, got[i], want[i])
		}
	}
}

// Windows-1252, ';', CRLF, title rows, blank lines, decimal comma, thousands dot, Danish headers and names.
func TestWindows1252CSV(t *testing.T) {
	content := fixture(t, "capacity-win1252.csv")
	res, rows := loadAndRead(t, "capacity", "capacity-win1252.csv", content, Options{})
	compareRows(t, "capacity-win1252.csv", rows, []data.Row{
		capacityRow(825, "kommunal", false, "doegn", "socialpsykiatri", 3, h(250), "kommunal"),
		capacityRow(810, "privat", nil, "dag", "autisme-boern", 1234, nil, "privat"),
		capacityRow(860, "regional", true, "doegn", "hjerneskade", 12, h(1175), "socialaftale"),
	})
	if !reflect.DeepEqual(res.Ignored, []string{"Bemærkning"}) {
		t.Errorf("ignored columns: %v", res.Ignored)
	}
	// the line a user sees: the Hjørring row is on line 8 (two title lines, a blank line, the header, a blank line)
	bad := bytes.Replace(content, []byte(";12;"), []byte(";tolv;"), 1)
	_, err := File(context.Background(), mustOpen(t), dataset(t, "capacity"), "bad.csv", bad, Options{})
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Problems[0].Line != 8 || ie.Problems[0].Column != "Pladser" || ie.Problems[0].Value != "tolv" {
		t.Errorf("report: %v", err)
	}
}

func TestBOMTabCSV(t *testing.T) {
	_, rows := loadAndRead(t, "demand", "demand.csv", fixture(t, "demand-bom-tab.csv"), Options{})
	compareRows(t, "demand-bom-tab.csv", rows, []data.Row{
		{"year": int64(2023), "municipality": int64(825), "target_group": "socialpsykiatri", "place_type": "doegn", "placed": int64(2), "waiting": int64(1), "expected_next_year": nil},
		{"year": int64(2023), "municipality": int64(773), "target_group": "udviklingshaemning-dom", "place_type": "doegn", "placed": int64(4), "waiting": int64(0), "expected_next_year": nil},
	})
}

func TestJSONAndNDJSON(t *testing.T) {
	_, rows := loadAndRead(t, "population", "population.json", fixture(t, "population.json"), Options{})
	compareRows(t, "population.json", rows, []data.Row{
		{"year": int64(2023), "municipality": int64(825), "age_band": nil, "inhabitants": int64(1789)},
		{"year": int64(2023), "municipality": int64(851), "age_band": nil, "inhabitants": int64(222571)},
	})
	_, rows = loadAndRead(t, "survey", "survey.ndjson", fixture(t, "survey.ndjson"), Options{})
	compareRows(t, "survey.ndjson", rows, []data.Row{
		{"year": int64(2023), "municipality": int64(787), "target_group": "autisme-boern", "score": int64(2), "comment": "Ventetid"},
		{"year": int64(2023), "municipality": int64(840), "target_group": "autisme-boern", "score": nil, "comment": nil},
	})
	// NDJSON reports lines: the Rebild record is on line 3
	bad := bytes.Replace(fixture(t, "survey.ndjson"), []byte(`"Rebild"`), []byte(`"Rebildd"`), 1)
	_, err := File(context.Background(), mustOpen(t), dataset(t, "survey"), "s.ndjson", bad, Options{})
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Problems[0].Line != 3 || ie.Problems[0].Column != "kommune" || ie.Problems[0].Unit != "line" {
		t.Errorf("report: %v", err)
	}
}

// An XLSX written by exceljs (testdata/make-xlsx.js): the data sheet is found by its header, the title row is
// merged, the year is merged down two rows, places are stored as numbers, as text and as formulas, a boolean
// cell, and a totals row.
func TestXLSX(t *testing.T) {
	content := fixture(t, "capacity.xlsx")
	_, rows := loadAndRead(t, "capacity", "capacity.xlsx", content, Options{})
	compareRows(t, "capacity.xlsx", rows, []data.Row{
		capacityRow(851, "kommunal", false, "doegn", "socialpsykiatri", 40, h(3850), "kommunal"),
		capacityRow(787, "privat", false, "dag", "misbrug", 1234, nil, "privat"),
		capacityRow(840, "kommunal", true, "doegn", "udviklingshaemning", 10, h(950), "socialaftale"),
	})
	ctx := context.Background()
	_, err := File(ctx, mustOpen(t), dataset(t, "capacity"), "capacity.xlsx", content, Options{Sheet: "Nope"})
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Problems[0].Value != "Nope" || !bytes.Contains([]byte(ie.Problems[0].DA), []byte(`"Pladser 2023"`)) {
		t.Errorf("unknown sheet: %v", err)
	}
	_, err = File(ctx, mustOpen(t), dataset(t, "capacity"), "capacity.xlsx", content, Options{Sheet: "Noter"})
	if !errors.As(err, &ie) || ie.Problems[0].Sheet != "Noter" {
		t.Errorf("wrong sheet: %v", err)
	}
}

// A Parquet file written by arrow-go (pqarrow), read through DuckDB.
func TestParquet(t *testing.T) {
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "year", Type: arrow.PrimitiveTypes.Int32},
		{Name: "municipality", Type: arrow.BinaryTypes.String},
		{Name: "target_group", Type: arrow.BinaryTypes.String},
		{Name: "place_type", Type: arrow.BinaryTypes.String},
		{Name: "placed", Type: arrow.PrimitiveTypes.Int64},
		{Name: "waiting", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	b.Field(0).(*array.Int32Builder).AppendValues([]int32{2022, 2022}, nil)
	b.Field(1).(*array.StringBuilder).AppendValues([]string{"Morsø", "860"}, nil)
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"misbrug", "Socialpsykiatri"}, nil)
	b.Field(3).(*array.StringBuilder).AppendValues([]string{"dag", "døgn"}, nil)
	b.Field(4).(*array.Int64Builder).AppendValues([]int64{7, 120}, nil)
	b.Field(5).(*array.Int64Builder).AppendValues([]int64{1, 0}, []bool{true, true})
	rec := b.NewRecordBatch()
	defer rec.Release()
	tbl := array.NewTableFromRecords(schema, []arrow.RecordBatch{rec})
	defer tbl.Release()
	var buf bytes.Buffer
	if err := pqarrow.WriteTable(tbl, &buf, 1024, nil, pqarrow.DefaultWriterProps()); err != nil {
		t.Fatal(err)
	}
	_, rows := loadAndRead(t, "demand", "demand.parquet", buf.Bytes(), Options{})
	compareRows(t, "demand.parquet", rows, []data.Row{
		{"year": int64(2022), "municipality": int64(773), "target_group": "misbrug", "place_type": "dag", "placed": int64(7), "waiting": int64(1), "expected_next_year": nil},
		{"year": int64(2022), "municipality": int64(860), "target_group": "socialpsykiatri", "place_type": "doegn", "placed": int64(120), "waiting": int64(0), "expected_next_year": nil},
	})
}

// A number cell is a number: 1.125 stored as a number has three decimals and is refused, not read as 1125.
func TestXLSXNumberCells(t *testing.T) {
	_, err := File(context.Background(), mustOpen(t), dataset(t, "capacity"), "numbers.xlsx", fixture(t, "numbers.xlsx"), Options{})
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Problems[0].Line != 2 || ie.Problems[0].Column != "occupied" || ie.Problems[0].Value != "1.125" || ie.Problems[0].Unit != "row" {
		t.Errorf("got %v", err)
	}
}

func TestDialectCorners(t *testing.T) {
	ctx := context.Background()
	// a .csv whose title line starts with '[', and a ';' file whose quoted comment holds commas
	survey := "[Udkast] Spørgeskema 2023\naar;kommune;maalgruppe;opfyldelsesgrad;begrundelse\n" +
		"2023;Thisted;autisme-boern;2;\"Ventetid, også på dagtilbud, og på døgn, igen, og igen\"\n"
	_, rows := loadAndRead(t, "survey", "survey.csv", []byte(survey), Options{})
	compareRows(t, "survey.csv", rows, []data.Row{{"year": int64(2023), "municipality": int64(787), "target_group": "autisme-boern",
		"score": int64(2), "comment": "Ventetid, også på dagtilbud, og på døgn, igen, og igen"}})
	// JSON with escaped keys (Python's default) and a key first seen in the second record
	js := `[{"\u00e5r": 2023, "kommune": "L\u00e6s\u00f8", "indbyggere": 1789},
	        {"indbyggere": 222571, "kommune": 851, "år": 2023, "aldersgruppe": "0-17"}]`
	_, rows = loadAndRead(t, "population", "p.json", []byte(js), Options{})
	compareRows(t, "p.json", rows, []data.Row{
		{"year": int64(2023), "municipality": int64(825), "age_band": nil, "inhabitants": int64(1789)},
		{"year": int64(2023), "municipality": int64(851), "age_band": "0-17", "inhabitants": int64(222571)},
	})
	// a JSON array reports records, not lines
	_, err := File(ctx, mustOpen(t), dataset(t, "population"), "p.json", []byte(`[{"year": 2023, "municipality": 851, "inhabitants": 1}, {"year": 2023, "municipality": 851, "inhabitants": {"n": 1}}]`), Options{})
	var ie *InvalidError
	if !errors.As(err, &ie) || ie.Problems[0].Line != 2 || ie.Problems[0].Unit != "record" {
		t.Errorf("JSON record report: %v", err)
	}
	// UTF-8 with one stray Windows-1252 byte is refused, not read as mojibake
	mixed := append([]byte("year;municipality;inhabitants\n2023;Læsø;1789\n2023;Hj"), append([]byte{0xf8}, []byte("rring;63998\n")...)...)
	_, err = File(ctx, mustOpen(t), dataset(t, "population"), "p.csv", mixed, Options{})
	if !errors.As(err, &ie) || !strings.Contains(ie.Problems[0].EN, "mixes UTF-8") {
		t.Errorf("mixed encodings: %v", err)
	}
}
