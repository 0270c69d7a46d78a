package dashboards

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/labstack/echo/v5"
	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Every chart's table can be downloaded as CSV and XLSX: the page's URL with ?download=TABLEID.csv (or .xlsx)
// answers the table of that id as the page shows it, so a download holds exactly what the reader sees (a
// hidden number stays hidden) in the page's language. charts.js links to it beside each chart.

var tableID = regexp.MustCompile(`^[a-z][a-z0-9-]{0,63}$`)

// downloads answers a page request with ?download= by the table it names, and passes others on.
func (s *Server) downloads(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		want := c.QueryParam("download")
		if want == "" {
			return next(c)
		}
		id, format, _ := strings.Cut(want, ".")
		if !tableID.MatchString(id) || (format != "csv" && format != "xlsx") {
			return badRequest{fmt.Sprintf("Ugyldig download %q: TABEL.csv eller TABEL.xlsx. (Invalid download.)", want)}
		}
		u := c.Request().URL
		q := u.Query()
		q.Del("download")
		u.RawQuery = q.Encode()
		rec := &recorder{ResponseWriter: c.Response()}
		c.SetResponse(rec)
		defer c.SetResponse(rec.ResponseWriter) // also when the page panics: the 500 goes to the client
		err := next(c)
		c.SetResponse(rec.ResponseWriter)
		h := c.Response().Header()
		if err != nil || rec.status != http.StatusOK {
			if err == nil {
				err = rec.flush()
			}
			return err
		}
		h.Del("ETag")
		h.Del("Content-Type") // the page's; the download's is set below
		rows, caption, ok := findTable(rec.body.Bytes(), id)
		if !ok {
			return echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("Siden har ingen tabel %q. (The page has no such table.)", id))
		}
		lang := lang(c.QueryParam("lang"))
		name := "kapacitet_" + strings.Trim(strings.ReplaceAll(strings.Trim(u.Path, "/"), "/", "_"), "_")
		if name == "kapacitet_" {
			name = "kapacitet_overblik"
		}
		if y := c.QueryParam("year"); y != "" {
			name += "_" + y
		}
		name += "_" + id + "." + format
		h.Set("Content-Disposition", attachment(name))
		var b bytes.Buffer
		if format == "csv" {
			writeCSV(&b, rows, lang)
			return c.Blob(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
		}
		if err := writeXLSX(&b, rows, caption, lang); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
	}
}

// tableRow is a row of a table as the page shows it: its cells' texts, and whether it is a header row.
type tableRow struct {
	cells  []string
	header bool
}

// findTable reads the table with id from a page: its rows (head, body, foot) with each cell's text (a
// header's full name where it is abbreviated) and its caption.
func findTable(page []byte, id string) (rows []tableRow, caption string, ok bool) {
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil, "", false
	}
	var table *html.Node
	var find func(*html.Node)
	find = func(n *html.Node) {
		if table != nil {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Table && attr(n, "id") == id {
			table = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if table == nil {
		return nil, "", false
	}
	var walk func(n *html.Node, inHead bool)
	walk = func(n *html.Node, inHead bool) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Caption:
				caption = cellText(c)
			case atom.Thead:
				walk(c, true)
			case atom.Tbody, atom.Tfoot:
				walk(c, false)
			case atom.Tr:
				r := tableRow{header: inHead}
				for cell := c.FirstChild; cell != nil; cell = cell.NextSibling {
					if cell.Type == html.ElementNode && (cell.DataAtom == atom.Th || cell.DataAtom == atom.Td) {
						r.cells = append(r.cells, cellText(cell))
					}
				}
				rows = append(rows, r)
			}
		}
	}
	walk(table, false)
	return rows, caption, true
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// cellText is a cell's text, an abbreviation's full name in its place ("Kommunale pladser", not "Kommunale").
func cellText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Abbr && attr(n, "title") != "" {
			b.WriteString(attr(n, "title"))
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// writeCSV writes rows as a spreadsheet of lang opens them: Danish with ";" and a byte order mark (Excel's
// Danish CSV), English with ",". The cells are the page's texts, in its number format.
func writeCSV(b *bytes.Buffer, rows []tableRow, lang string) {
	w := csv.NewWriter(b)
	if lang != "en" {
		b.WriteString("\ufeff")
		w.Comma = ';'
	}
	for _, r := range rows {
		w.Write(r.cells)
	}
	w.Flush()
}

// writeXLSX writes rows as one sheet: the header rows bold and frozen, numbers (in the page's format) as
// numbers, percentages as percentages, other cells ("<5", "–", names) as text.
func writeXLSX(b *bytes.Buffer, rows []tableRow, caption, lang string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := sheetName(caption)
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return err
	}
	heads := 0
	widths := map[int]int{}
	for i, r := range rows {
		for j, v := range r.cells {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			widths[j] = max(widths[j], len([]rune(v)))
			n, percent, isNumber := parseNumber(v, lang)
			switch {
			case r.header || !isNumber:
				err = f.SetCellStr(sheet, cell, v)
			default:
				err = f.SetCellFloat(sheet, cell, n, -1, 64)
				if err == nil && percent {
					err = f.SetCellStyle(sheet, cell, cell, pct)
				}
			}
			if err != nil {
				return err
			}
			if r.header {
				if err := f.SetCellStyle(sheet, cell, cell, bold); err != nil {
					return err
				}
			}
		}
		if r.header && i == heads {
			heads++
		}
	}
	for j, w := range widths {
		col, _ := excelize.ColumnNumberToName(j + 1)
		if err := f.SetColWidth(sheet, col, col, float64(min(max(w, 6), 60))+2); err != nil {
			return err
		}
	}
	if heads > 0 {
		top, _ := excelize.CoordinatesToCellName(1, heads+1)
		if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: heads, TopLeftCell: top, ActivePane: "bottomLeft"}); err != nil {
			return err
		}
	}
	return f.Write(b)
}

// sheetName is a caption as a sheet's name: 31 characters at most, none of Excel's forbidden ones.
func sheetName(caption string) string {
	name := strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, caption)
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if strings.TrimSpace(name) == "" {
		return "Tabel"
	}
	return name
}

// parseNumber reads a number as a page of lang writes it: "1.234", "-24", "−24", "23,1 %" (Danish), "1,234",
// "91.9%" (English). percent numbers are fractions (23,1 % is 0.231).
func parseNumber(s, lang string) (n float64, percent, ok bool) {
	s = strings.TrimSpace(s)
	if strings.HasSuffix(s, "%") {
		percent, s = true, strings.TrimSpace(strings.TrimSuffix(s, "%"))
	}
	s = strings.ReplaceAll(s, "−", "-")
	if lang == "en" {
		s = strings.ReplaceAll(s, ",", "")
	} else {
		s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	}
	if s == "" || strings.ContainsAny(s, "eEinfINFxX") { // no exponents, infinities or hex: a page never writes them
		return 0, false, false
	}
	n, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false, false
	}
	if percent {
		n /= 100
	}
	return n, percent, true
}

// attachment is the Content-Disposition of a download called name (the program's names: letters, digits,
// "_", "-" and ".", which need no escaping).
func attachment(name string) string { return fmt.Sprintf(`attachment; filename="%s"`, name) }
