package ingest

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kapacitet/kapacitet/data"
)

// sampleRows are two rows of d with a value of every kind, written here by hand: a full one and one with
// the optional columns empty.
func sampleRows(d *data.Dataset) []data.Row {
	full, sparse := data.Row{}, data.Row{}
	for _, c := range d.Columns {
		var a, b any
		switch c.Kind {
		case data.KindYear:
			a, b = int64(2023), int64(2023)
		case data.KindInt:
			a, b = int64(1234), int64(0)
		case data.KindDecimal:
			a, b = data.Hundredths(123456), data.Hundredths(3)
		case data.KindText:
			a, b = "0123 Åbo æøå", "x"
		case data.KindBool:
			a, b = true, false
		case data.KindPlaceType:
			a, b = "doegn", "dag"
		case data.KindOwnership:
			a, b = "regional", "privat"
		case data.KindTargetGroup:
			a, b = "udviklingshaemning-dom", "autisme-boern"
		case data.KindTargetGroupList:
			a, b = []string{"autisme-boern", "hjerneskade"}, []string{"unge-sikret"}
		case data.KindMunicipality:
			a, b = int64(825), int64(851)
		case data.KindScore:
			a, b = nil, int64(3) // nil: "ved ikke"
		}
		full[c.Name] = a
		if !c.Required && c.Kind != data.KindScore {
			b = nil
		}
		sparse[c.Name] = b
	}
	return []data.Row{full, sparse}
}

// Every dataset's template reads back through ingest's own XLSX reader: the data sheet is the one chosen,
// its header names every column in order, and the filled-in rows parse to the rows given, with the
// template's year.
func TestTemplateReadsBack(t *testing.T) {
	for _, d := range data.Datasets {
		t.Run(d.Name, func(t *testing.T) {
			rows := sampleRows(d)
			var buf bytes.Buffer
			if err := Template(&buf, d, TemplateOptions{Year: 2024, Municipality: 825, Rows: rows}); err != nil {
				t.Fatal(err)
			}
			tb, p := readXLSX(d, buf.Bytes(), "")
			if p != nil {
				t.Fatal(p)
			}
			if tb.sheet != "Data" || tb.headerPos != 1 {
				t.Fatalf("sheet %q, header on row %d; want Data, 1", tb.sheet, tb.headerPos)
			}
			idx, ignored, problems := mapHeader(d, tb.header, 1)
			for i := range d.Columns {
				if idx[i] != i {
					t.Errorf("column %s is at %d, want %d (header %q)", d.Columns[i].Name, idx[i], i, tb.header)
				}
			}
			if len(ignored) > 0 || len(problems) > 0 || len(tb.header) != len(d.Columns) {
				t.Errorf("header %q: ignored %v, problems %v", tb.header, ignored, problems)
			}
			if len(tb.rows) != len(rows) {
				t.Fatalf("%d rows read back, want %d", len(tb.rows), len(rows))
			}
			o := valueOpts{limits: data.DefaultLimits(), style: tb.style}
			for r, rec := range tb.rows {
				want := data.Row{}
				for k, v := range rows[r] {
					want[k] = v
				}
				want["year"] = int64(2024)
				got := data.Row{}
				for i, c := range d.Columns {
					raw := ""
					if i < len(rec) {
						raw = rec[i]
					}
					v, p := value(c, raw, o)
					if p != nil {
						t.Errorf("row %d, %s: %q: %s", r+2, c.Name, raw, p.DA)
					}
					got[c.Name] = v
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("row %d:\n got %v\nwant %v", r+2, got, want)
				}
			}
		})
	}
}

// The drop-down lists cover exactly the coded columns (municipality, target group, place type, ownership),
// each its own column, and point into the hidden sheet; the guidance names every column.
func TestTemplateSheetsAndLists(t *testing.T) {
	listed := map[data.Kind]bool{data.KindMunicipality: true, data.KindTargetGroup: true, data.KindPlaceType: true, data.KindOwnership: true}
	for _, d := range data.Datasets {
		var buf bytes.Buffer
		if err := Template(&buf, d, TemplateOptions{Year: 2025}); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Data", "Vejledning"}
		wantLists := 0
		for _, c := range d.Columns {
			if listed[c.Kind] {
				wantLists++
			}
		}
		if wantLists > 0 {
			want = append(want, "Lister")
			if vis, err := f.GetSheetVisible("Lister"); err != nil || vis {
				t.Errorf("%s: the sheet Lister is visible (%v)", d.Name, err)
			}
		}
		if got := f.GetSheetList(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: sheets %v, want %v", d.Name, got, want)
		}
		dvs, err := f.GetDataValidations("Data")
		if err != nil {
			t.Fatal(err)
		}
		if len(dvs) != wantLists {
			t.Errorf("%s: %d validations, want %d", d.Name, len(dvs), wantLists)
		}
		for _, dv := range dvs {
			col := strings.TrimRight(strings.Split(dv.Sqref, ":")[0], "0123456789")
			n, err := excelize.ColumnNameToNumber(col)
			if err != nil || n > len(d.Columns) || !listed[d.Columns[n-1].Kind] {
				t.Errorf("%s: a validation on %s", d.Name, dv.Sqref)
			}
			if dv.Type != "list" || !strings.HasPrefix(dv.Formula1, "Lister!$") || !strings.HasPrefix(dv.Sqref, col+"2:"+col) {
				t.Errorf("%s: validation %s: type %s, formula %s", d.Name, dv.Sqref, dv.Type, dv.Formula1)
			}
		}
		guide, err := f.GetRows("Vejledning")
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		for _, r := range guide {
			text.WriteString(strings.Join(r, "|") + "\n")
		}
		for _, c := range d.Columns {
			if !strings.Contains(text.String(), "\n"+TemplateHeader(c)+"|") {
				t.Errorf("%s: the guidance has no line for %s", d.Name, c.Name)
			}
		}
		if !strings.Contains(text.String(), "kapacitet ingest "+d.Name) {
			t.Errorf("%s: the guidance does not say how the file is loaded", d.Name)
		}
		f.Close()
	}
}

func TestMunicipalityColumn(t *testing.T) {
	want := map[string]string{"population": "municipality", "offers": "", "capacity": "location", "demand": "municipality",
		"survey": "municipality", "purchases": "buyer", "tariffs": ""}
	for _, d := range data.Datasets {
		if got := MunicipalityColumn(d); got != want[d.Name] {
			t.Errorf("%s: %q, want %q", d.Name, got, want[d.Name])
		}
	}
}
