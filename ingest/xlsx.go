package ingest

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/kapacitet/kapacitet/data"
)

// totalsLabels are first cells that mark a totals row, which is not data ("I alt", "Total", "Sum").
var totalsLabels = map[string]bool{"ialt": true, "total": true, "totalt": true, "sum": true, "samlet": true}

// readXLSX reads a workbook: the sheet named by sheet, or else the first sheet whose header names the most
// of the dataset's columns. Title rows, empty rows and totals rows are skipped, merged cells take their value
// in every cell they cover, numbers and formulas are read as their stored (cached) values.
func readXLSX(d *data.Dataset, content []byte, sheet string) (*table, *Problem) {
	f, err := excelize.OpenReader(bytes.NewReader(content))
	if err != nil {
		return nil, &Problem{DA: "ugyldig XLSX-fil: " + err.Error(), EN: "invalid XLSX file: " + err.Error()}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	candidates := sheets
	if sheet != "" {
		candidates = nil
		for _, s := range sheets {
			if s == sheet || data.Normalize(s) == data.Normalize(sheet) {
				candidates = []string{s}
			}
		}
		if candidates == nil {
			return nil, &Problem{Value: sheet, DA: "arket findes ikke; arkene er " + quoteList(sheets), EN: "no such sheet; the sheets are " + quoteList(sheets)}
		}
	}
	var best *table
	bestScore := -1
	for _, name := range candidates {
		t, score, p := readSheet(f, d, name)
		if p != nil {
			return nil, p
		}
		if score > bestScore {
			best, bestScore = t, score
		}
	}
	if best == nil || (sheet == "" && bestScore == 0) {
		return nil, &Problem{DA: "intet ark har en overskrift med datasættets kolonner; arkene er " + quoteList(sheets) + " (vælg et med --sheet)",
			EN: "no sheet has a header with the dataset's columns; the sheets are " + quoteList(sheets) + " (choose one with --sheet)"}
	}
	return best, nil
}

// readSheet reads one sheet into a table and says how many of the dataset's columns its header names.
func readSheet(f *excelize.File, d *data.Dataset, sheet string) (*table, int, *Problem) {
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, 0, &Problem{Sheet: sheet, DA: "arket kan ikke læses: " + err.Error(), EN: "the sheet cannot be read: " + err.Error()}
	}
	var all [][]string
	for rows.Next() {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			rows.Close()
			return nil, 0, &Problem{Sheet: sheet, Line: len(all) + 1, Unit: "row", DA: "rækken kan ikke læses: " + err.Error(), EN: "the row cannot be read: " + err.Error()}
		}
		all = append(all, cells)
	}
	if err := rows.Close(); err != nil {
		return nil, 0, &Problem{Sheet: sheet, DA: "arket kan ikke læses: " + err.Error(), EN: "the sheet cannot be read: " + err.Error()}
	}
	fillMerged(f, sheet, all)
	danishText(f, sheet, all)
	var recs [][]string
	var pos []int
	for i, r := range all {
		if !blank(r) {
			recs = append(recs, r)
			pos = append(pos, i+1)
		}
	}
	if len(recs) == 0 {
		return &table{unit: "row", sheet: sheet}, 0, nil
	}
	h := findHeader(d, recs)
	t := &table{header: recs[h], headerPos: pos[h], unit: "row", sheet: sheet, style: numbersPoint}
	for i := h + 1; i < len(recs); i++ {
		if isTotals(recs[i]) {
			continue
		}
		t.rows = append(t.rows, recs[i])
		t.pos = append(t.pos, pos[i])
	}
	score := 0
	idx, _, _ := mapHeader(d, t.header, t.headerPos)
	for _, i := range idx {
		if i >= 0 {
			score++
		}
	}
	return t, score, nil
}

// fillMerged gives every cell of a merged range the range's value (a year merged down a column, say).
func fillMerged(f *excelize.File, sheet string, rows [][]string) {
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		return
	}
	for _, m := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		if r1 > len(rows) {
			continue
		}
		v := "" // the raw value of the range's top-left cell (GetCellValue would give the formatted one)
		if c1 <= len(rows[r1-1]) {
			v = rows[r1-1][c1-1]
		}
		for r := r1; r <= r2 && r <= len(rows); r++ {
			for c := c1; c <= c2; c++ {
				for len(rows[r-1]) < c {
					rows[r-1] = append(rows[r-1], "")
				}
				rows[r-1][c-1] = v
			}
		}
	}
}

// isTotals: a row with a totals label in any cell ("2023 | I alt | ... | 30"). No municipality, target group
// or code is spelled like one.
func isTotals(r []string) bool {
	for _, c := range r {
		if totalsLabels[data.Normalize(c)] {
			return true
		}
	}
	return false
}

// danishText rewrites text cells written the Danish way ("1.234", "16,9" typed as text) to the point style of
// number cells, so that one style reads the sheet; number cells ("1.125" stored as a number) stay as stored.
func danishText(f *excelize.File, sheet string, rows [][]string) {
	for r, row := range rows {
		for c, v := range row {
			v = strings.TrimSpace(v)
			if !thousands.MatchString(v) && !(strings.Contains(v, ",") && decDanish.MatchString(v)) {
				continue
			}
			name, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				continue
			}
			if t, err := f.GetCellType(sheet, name); err != nil || (t != excelize.CellTypeSharedString && t != excelize.CellTypeInlineString) {
				continue
			}
			row[c] = strings.ReplaceAll(strings.ReplaceAll(v, ".", ""), ",", ".")
		}
	}
}

func quoteList(names []string) string {
	var q []string
	for _, n := range names {
		q = append(q, fmt.Sprintf("%q", n))
	}
	return strings.Join(q, ", ")
}
