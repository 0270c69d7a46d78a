package dashboards

import (
	"fmt"
	"io"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/xuri/excelize/v2"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// xlsxWriter writes an extract as a workbook: the sheet "Data" (the header bold and frozen, numbers as
// numbers, decimals with two decimals, column widths set) streamed row by row (excelize keeps big sheets in a
// temporary file, not in memory), and the sheet "Kodebog" explaining every column and code.
type xlsxWriter struct {
	w      io.Writer
	x      extractRequest
	f      *excelize.File
	sw     *excelize.StreamWriter
	row    int
	styles map[arrow.Type]int
}

func newXLSXWriter(w io.Writer, x extractRequest, schema *arrow.Schema) (*xlsxWriter, error) {
	f := excelize.NewFile()
	x2 := &xlsxWriter{w: w, x: x, f: f, row: 1, styles: map[arrow.Type]int{}}
	fail := func(err error) (*xlsxWriter, error) {
		f.Close()
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", "Data"); err != nil {
		return fail(err)
	}
	sw, err := f.NewStreamWriter("Data")
	if err != nil {
		return fail(err)
	}
	x2.sw = sw
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE6EE"}}})
	if err != nil {
		return fail(err)
	}
	dec, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return fail(err)
	}
	x2.styles[arrow.DECIMAL128] = dec
	var cells []any
	for i, fl := range schema.Fields() {
		width := 12.0
		switch {
		case fl.Type.ID() == arrow.STRING || fl.Type.ID() == arrow.LARGE_STRING:
			width = 22
		case len(fl.Name) > 10:
			width = float64(len(fl.Name)) + 2
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return fail(err)
		}
		cells = append(cells, excelize.Cell{StyleID: head, Value: fl.Name})
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return fail(err)
	}
	return x2, nil
}

func (x *xlsxWriter) write(rec arrow.RecordBatch) error {
	cols := rec.Columns()
	cells := make([]any, len(cols))
	for i := 0; i < int(rec.NumRows()); i++ {
		for j, col := range cols {
			cells[j] = x.cell(col, i)
		}
		x.row++
		cell, _ := excelize.CoordinatesToCellName(1, x.row)
		if err := x.sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	return nil
}

// cell is one value as a number, a truth value or text; nil for a missing one.
func (x *xlsxWriter) cell(col arrow.Array, i int) any {
	if col.IsNull(i) {
		return nil
	}
	switch a := col.(type) {
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Decimal128:
		f, _ := strconv.ParseFloat(a.ValueStr(i), 64)
		return excelize.Cell{StyleID: x.styles[arrow.DECIMAL128], Value: f}
	case *array.Boolean:
		return a.Value(i)
	}
	return col.ValueStr(i)
}

// abort drops the workbook and its temporary files (the extract failed).
func (x *xlsxWriter) abort() { x.f.Close() }

func (x *xlsxWriter) close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	if err := x.codebook(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.w)
	return err
}

// codebook writes the sheet "Kodebog": each column with what it holds, then the codes of the coded columns
// with their names.
func (x *xlsxWriter) codebook() error {
	const sheet = "Kodebog"
	if _, err := x.f.NewSheet(sheet); err != nil {
		return err
	}
	lang := x.x.filter.Lang
	t := texts[lang]
	bold, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	rows := [][]any{{t["codebook_column"], t["codebook_meaning"]}}
	coded := map[data.Kind]bool{}
	for _, c := range queries.ExtractColumns(x.x.dataset) {
		meaning := fmt.Sprintf(t["codebook_name_of"], c.Of)
		if c.Of == "" {
			col, _ := x.x.dataset.Column(c.Name)
			meaning = col.DA
			if lang == "en" {
				meaning = col.EN
			}
			coded[col.Kind] = true
		}
		rows = append(rows, []any{c.Name, meaning})
	}
	rows = append(rows, []any{}, []any{t["codebook_code"], t["codebook_name"]})
	heads := []int{1, len(rows)}
	add := func(title string, codes []data.Code) {
		rows = append(rows, []any{title})
		heads = append(heads, len(rows))
		for _, c := range codes {
			rows = append(rows, []any{c.Code, c.Name(lang)})
		}
	}
	if coded[data.KindPlaceType] {
		add("place_type", data.PlaceTypes)
	}
	if coded[data.KindOwnership] {
		add("ownership", data.Ownerships)
	}
	if _, ok := x.x.dataset.Column("category"); ok {
		add("category", data.Categories)
	}
	if coded[data.KindTargetGroup] || coded[data.KindTargetGroupList] {
		var codes []data.Code
		for _, g := range data.TargetGroups() {
			codes = append(codes, data.Code{Code: g.Code, NameDA: g.NameDA, NameEN: g.NameEN})
		}
		add("target_group", codes)
	}
	if coded[data.KindMunicipality] {
		var codes []data.Code
		for _, m := range data.RegionMunicipalities(data.RegionCode) {
			codes = append(codes, data.Code{Code: strconv.Itoa(m.Code), NameDA: m.Name, NameEN: m.Name})
		}
		add(t["codebook_municipalities"], codes)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.f.SetSheetRow(sheet, cell, &r); err != nil {
			return err
		}
	}
	for _, h := range heads {
		if err := x.f.SetRowStyle(sheet, h, h, bold); err != nil {
			return err
		}
	}
	if err := x.f.SetColWidth(sheet, "A", "A", 24); err != nil {
		return err
	}
	return x.f.SetColWidth(sheet, "B", "B", 70)
}
