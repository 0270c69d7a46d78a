package dashboards_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A chart's table downloads as CSV (Danish: ";" and a byte order mark) and XLSX (numbers as numbers, the
// header bold and frozen), holding what the page shows: the region's places of 2022 as summed here from the
// demo file, and a hidden demand still "<5". Unknown tables are 404, malformed downloads 400.
func TestTableDownloads(t *testing.T) {
	srv, _ := mustServe(t)
	_, caps := demoCSV(t, "capacity")
	var total int64
	for _, r := range caps {
		if r["year"] == "2022" {
			n, _ := strconv.ParseInt(r["places"], 10, 64)
			total += n
		}
	}
	res, body := get(t, srv.URL+"/?year=2022&download=table-places.csv")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		res.Header.Get("Content-Disposition") != `attachment; filename="kapacitet_overblik_2022_table-places.csv"` {
		t.Fatalf("CSV: %d %v", res.StatusCode, res.Header)
	}
	if !strings.HasPrefix(body, "\ufeff") {
		t.Error("the Danish CSV has no byte order mark")
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) != 13 { // the header, 11 municipalities, the total
		t.Fatalf("CSV rows: %d, %v", len(recs), err)
	}
	if recs[0][1] != "Kommunale pladser" || recs[12][4] != danish(total) {
		t.Errorf("CSV: header %q, total %q; want the full header name and %s", recs[0], recs[12], danish(total))
	}

	res, body = get(t, srv.URL+"/?year=2022&lang=en&download=table-places.xlsx")
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("XLSX: %d %v", res.StatusCode, res.Header)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	last := "E13"
	if typ, _ := f.GetCellType(sheet, last); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("the total is not a number: %v", typ)
	}
	if v, _ := f.GetCellValue(sheet, last, excelize.Options{RawCellValue: true}); v != strconv.FormatInt(total, 10) {
		t.Errorf("XLSX total %q, want %d", v, total)
	}
	if v, _ := f.GetCellValue(sheet, "B1"); v != "Municipal places" {
		t.Errorf("XLSX header %q", v)
	}
	if panes, err := f.GetPanes(sheet); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("the header is not frozen: %+v %v", panes, err)
	}

	// a hidden number stays hidden: Læsø's demand for autism places in 2023
	_, body = get(t, srv.URL+"/groups/autisme-boern?year=2023&download=chart-munis-table.xlsx")
	g, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	rows, _ := g.GetRows(g.GetSheetName(0))
	found := false
	for _, row := range rows {
		if len(row) > 2 && row[0] == "Læsø" {
			found = row[2] == "<5"
		}
	}
	if !found {
		t.Errorf("Læsø's hidden demand: %q", rows)
	}
	for path, code := range map[string]int{"/?download=nosuch.csv": 404, "/?download=table-places.pdf": 400, "/?download=..%2Fx.csv": 400, "/gaps?year=abc&download=chart-0-table.csv": 400} {
		if res, _ := get(t, srv.URL+path); res.StatusCode != code {
			t.Errorf("%s: %d, want %d", path, res.StatusCode, code)
		}
	}
}
