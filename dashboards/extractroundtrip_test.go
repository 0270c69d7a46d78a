package dashboards_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xuri/excelize/v2"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Every dataset in every format, read back by readers that are not the writer (pqarrow, arrow's IPC
// reader, a CSV parser, excelize), row by row and column by column against the demo file it was loaded from
// (an extract is in load order: the file's), and for Parquet and Arrow type by type: integers as integers,
// decimals as DECIMAL with two decimals (never DOUBLE), truth values as BOOLEAN, codes and text as strings.
func TestExtractRoundTrip(t *testing.T) { inBothOrders(t, extractRoundTrip) }

func extractRoundTrip(t *testing.T) {
	srv, st := mustServe(t)
	analyst, _ := st.CreateToken(context.Background(), "rt", "analyst", "test")
	for _, d := range data.Datasets {
		_, want := demoCSV(t, d.Name)
		for _, format := range []string{"parquet", "arrow", "csv", "xlsx"} {
			code, body := getAs(t, srv.URL+"/api/v1/extracts/"+d.Name+"."+format, analyst)
			if code != 200 {
				t.Errorf("%s.%s: %d", d.Name, format, code)
				continue
			}
			head, rows, types := readExtract(t, format, []byte(body))
			if len(rows) != len(want) {
				t.Errorf("%s.%s: %d rows, the file has %d", d.Name, format, len(rows), len(want))
				continue
			}
			col := map[string]int{}
			for i, h := range head {
				col[h] = i
			}
			for _, c := range d.Columns {
				i, ok := col[c.Name]
				if !ok {
					t.Errorf("%s.%s: no column %s", d.Name, format, c.Name)
					continue
				}
				if types != nil {
					if got, wantType := types[i], arrowKind(c.Kind); got != wantType {
						t.Errorf("%s.%s %s: %s, want %s", d.Name, format, c.Name, got, wantType)
					}
				}
				for r := range rows {
					if got, exp := normal(c.Kind, rows[r][i]), normal(c.Kind, want[r][c.Name]); got != exp {
						t.Errorf("%s.%s row %d %s: %q, the file has %q", d.Name, format, r+1, c.Name, rows[r][i], want[r][c.Name])
						break
					}
				}
				// the names beside the codes, from the catalogues
				n, named := col[c.Name+"_name"]
				if !named {
					continue
				}
				for r := range rows {
					if got, exp := rows[r][n], nameOf(c.Kind, want[r][c.Name]); got != exp {
						t.Errorf("%s.%s row %d %s_name: %q, want %q", d.Name, format, r+1, c.Name, got, exp)
						break
					}
				}
			}
		}
	}
}

// arrowKind is the Arrow type a column of kind has in an extract, as its name.
func arrowKind(k data.Kind) string {
	switch k {
	case data.KindYear, data.KindMunicipality, data.KindScore:
		return "int32"
	case data.KindInt:
		return "int64"
	case data.KindDecimal:
		return "decimal(18, 2)"
	case data.KindBool:
		return "bool"
	}
	return "utf8"
}

// normal writes a cell so that the same value compares equal whatever wrote it: numbers without trailing
// zeros, truth values as true/false, lists with ";", a missing value as "".
func normal(k data.Kind, v string) string {
	v = strings.TrimSpace(v)
	switch {
	case v == "" || (k == data.KindScore && strings.EqualFold(v, "ved ikke")): // "don't know" is no score
		return ""
	case k == data.KindDecimal || k == data.KindInt || k == data.KindYear || k == data.KindMunicipality || k == data.KindScore:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			return "bad number " + v
		}
		return strconv.FormatInt(int64(math.Round(f*100)), 10)
	case k == data.KindBool:
		return map[string]string{"1": "true", "0": "false", "TRUE": "true", "FALSE": "false"}[v] + map[bool]string{true: v}[v == "true" || v == "false"]
	case k == data.KindTargetGroupList:
		return strings.ReplaceAll(strings.ReplaceAll(v, ",", ";"), " ", "")
	}
	return v
}

// readExtract reads an extract: its header, its rows as text, and (Parquet, Arrow) its columns' types.
func readExtract(t *testing.T, format string, b []byte) (head []string, rows [][]string, types []string) {
	t.Helper()
	records := func(sch *arrow.Schema, next func() (arrow.RecordBatch, bool)) {
		for _, f := range sch.Fields() {
			head = append(head, f.Name)
			types = append(types, f.Type.String())
		}
		for {
			rec, ok := next()
			if !ok {
				return
			}
			for i := 0; i < int(rec.NumRows()); i++ {
				row := make([]string, rec.NumCols())
				for j, c := range rec.Columns() {
					if !c.IsNull(i) {
						row[j] = c.ValueStr(i)
					}
				}
				rows = append(rows, row)
			}
		}
	}
	switch format {
	case "parquet":
		pf, err := file.NewParquetReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 1024}, memory.DefaultAllocator)
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := fr.ReadTable(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		defer tbl.Release()
		tr := array.NewTableReader(tbl, 1024)
		defer tr.Release()
		records(tbl.Schema(), func() (arrow.RecordBatch, bool) {
			if !tr.Next() {
				return nil, false
			}
			return tr.RecordBatch(), true
		})
	case "arrow":
		rd, err := ipc.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Release()
		records(rd.Schema(), func() (arrow.RecordBatch, bool) {
			if !rd.Next() {
				return nil, false
			}
			return rd.RecordBatch(), true
		})
	case "csv":
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil || len(recs) == 0 {
			t.Fatalf("csv: %v", err)
		}
		head, rows = recs[0], recs[1:]
	case "xlsx":
		f, err := excelize.OpenReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		recs, err := f.GetRows("Data", excelize.Options{RawCellValue: true})
		if err != nil || len(recs) == 0 {
			t.Fatalf("xlsx: %v", err)
		}
		head = recs[0]
		for _, r := range recs[1:] {
			row := make([]string, len(head))
			copy(row, r)
			rows = append(rows, row)
		}
	default:
		panic(fmt.Sprint("format ", format))
	}
	return head, rows, types
}

// nameOf is the Danish name of a code (or of each code of a list, "; " between them) in the catalogues.
func nameOf(k data.Kind, code string) string {
	switch k {
	case data.KindMunicipality:
		n, _ := strconv.Atoi(code)
		m, _ := data.MunicipalityByCode(n)
		return m.Name
	case data.KindTargetGroupList:
		var names []string
		for _, c := range strings.FieldsFunc(code, func(r rune) bool { return r == ';' || r == ',' }) {
			names = append(names, nameOf(data.KindTargetGroup, strings.TrimSpace(c)))
		}
		return strings.Join(names, "; ")
	}
	g, _ := data.TargetGroupByCode(code)
	return g.NameDA
}

// inBothOrders runs test as the demo's tables are read (sorted: they are small) and as a large table is read
// (in the table's order, without joins: queries.SortedUpTo 0).
func inBothOrders(t *testing.T, test func(*testing.T)) {
	t.Run("sorted", test)
	t.Run("in-order", func(t *testing.T) {
		defer func(n int64) { queries.SortedUpTo = n }(queries.SortedUpTo)
		queries.SortedUpTo = 0
		test(t)
	})
}
