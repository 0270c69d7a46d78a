package ingest

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// table is what every reader yields: the header and the data rows as text, each with the position the user
// sees in the file (a CSV line, a spreadsheet row, a JSON record).
type table struct {
	header    []string
	headerPos int
	rows      [][]string
	pos       []int
	unit      string // "line", "row" or "record": what pos counts
	sheet     string // the spreadsheet's sheet, for XLSX
	style     numberStyle
	sep       rune // CSV: the separator detected; 0 for other formats
	// stream, when set, yields the rows after those in rows, one at a time (large CSV files are never held as
	// records); a problem ends it.
	stream func() (rec []string, pos int, ok bool, p *Problem)
}

// each calls fn for every data row, in file order.
func (t *table) each(fn func(rec []string, pos int)) *Problem {
	for i, r := range t.rows {
		fn(r, t.pos[i])
	}
	if t.stream == nil {
		return nil
	}
	for {
		rec, pos, ok, p := t.stream()
		if p != nil {
			return p
		}
		if !ok {
			return nil
		}
		fn(rec, pos)
	}
}

// Format is a file format ingest reads.
type Format string

const (
	FormatCSV     Format = "csv"
	FormatXLSX    Format = "xlsx"
	FormatJSON    Format = "json"
	FormatParquet Format = "parquet"
)

// DetectFormat decides a file's format: a ZIP container is XLSX and "PAR1" is Parquet whatever the name;
// otherwise the extension decides (.csv/.txt/.tsv, .xlsx, .parquet, .json/.ndjson); without one, a first
// non-space '[' or '{' is JSON and anything else CSV.
func DetectFormat(name string, content []byte) Format {
	switch {
	case bytes.HasPrefix(content, []byte("PK\x03\x04")):
		return FormatXLSX
	case bytes.HasPrefix(content, []byte("PAR1")):
		return FormatParquet
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".txt", ".tsv", ".tab":
		return FormatCSV // a title line may start with '[' ("[Udkast] Befolkning 2023")
	case ".xlsx", ".xlsm":
		return FormatXLSX
	case ".parquet":
		return FormatParquet
	case ".json", ".ndjson", ".jsonl":
		return FormatJSON
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(content, utf8BOM), " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{') {
		return FormatJSON
	}
	return FormatCSV
}

var utf8BOM = []byte("\xef\xbb\xbf")

// decodeText turns a text file into UTF-8: UTF-8 with or without BOM as it is, UTF-16 with a BOM (Excel's
// "Unicode text") decoded, and anything that is not valid UTF-8 read as Windows-1252 (Excel's Danish CSV).
func decodeText(content []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(content, utf8BOM):
		return content[len(utf8BOM):], nil
	case bytes.HasPrefix(content, []byte{0xff, 0xfe}), bytes.HasPrefix(content, []byte{0xfe, 0xff}):
		return unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder().Bytes(content)
	case utf8.Valid(content):
		return content, nil
	case mixedUTF8(content):
		return nil, errors.New("filen blander UTF-8 og et andet tegnsæt (the file mixes UTF-8 and another encoding); gem den igen som UTF-8")
	default:
		return charmap.Windows1252.NewDecoder().Bytes(content)
	}
}

// mixedUTF8 reports a file that has valid multi-byte UTF-8 (so it was written as UTF-8) and invalid bytes too:
// read as Windows-1252 its Danish letters would turn into "Ã¸".
func mixedUTF8(b []byte) bool {
	multi := 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r != utf8.RuneError && size > 1 {
			multi++
		}
		b = b[size:]
	}
	return multi > 0
}

// findHeader picks the header among the first rows: the first row that names the most of the dataset's
// columns (title rows above it name none). With no row naming any column, the first row is the header and
// the missing columns are reported.
func findHeader(d *data.Dataset, rows [][]string) int {
	known := map[string]string{}
	for _, c := range d.Columns {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			known[data.Normalize(n)] = c.Name
		}
	}
	best, bestN := 0, 0
	for i, r := range rows {
		if i == headerSearch {
			break
		}
		cols := map[string]bool{} // distinct columns: a merged title repeats one name over many cells
		for _, cell := range r {
			if c, ok := known[data.Normalize(cell)]; ok {
				cols[c] = true
			}
		}
		n := len(cols)
		if n > bestN {
			best, bestN = i, n
		}
	}
	return best
}

// readCSV reads a CSV export: encoding and separator detected, quoted fields, CRLF or LF, blank lines
// skipped, title rows above the header skipped.
func readCSV(d *data.Dataset, content []byte) (*table, *Problem) {
	text, err := decodeText(content)
	if err != nil {
		return nil, &Problem{DA: "filens tegnsæt kan ikke læses: " + err.Error(), EN: "the file's encoding cannot be read: " + err.Error()}
	}
	if bytes.IndexByte(text, 0) >= 0 {
		return nil, &Problem{DA: "filen er ikke en tekstfil (CSV)", EN: "the file is not a text (CSV) file"}
	}
	r := csv.NewReader(bytes.NewReader(text))
	r.Comma = detectSeparator(text)
	style := numbersDanish // ';' or tab: Excel's Danish export, with decimal commas
	if r.Comma == ',' {
		style = numbersPoint
	}
	r.FieldsPerRecord = -1
	// read records until the header is found among the first ones; the rest are streamed
	read := func() (rec []string, line int, ok bool, p *Problem) {
		for {
			rec, err := r.Read()
			if errors.Is(err, io.EOF) {
				return nil, 0, false, nil
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return nil, 0, false, &Problem{Line: pe.StartLine, Unit: "line", DA: "ugyldig CSV: " + pe.Err.Error(), EN: "invalid CSV: " + pe.Err.Error()}
				}
				return nil, 0, false, &Problem{DA: "ugyldig CSV: " + err.Error(), EN: "invalid CSV: " + err.Error()}
			}
			line, _ := r.FieldPos(0)
			if !blank(rec) {
				return rec, line, true, nil
			}
		}
	}
	var recs [][]string
	var lines []int
	for len(recs) < headerSearch {
		rec, line, ok, p := read()
		if p != nil {
			return nil, p
		}
		if !ok {
			break
		}
		recs = append(recs, rec)
		lines = append(lines, line)
	}
	if len(recs) == 0 {
		return nil, &Problem{DA: "filen er tom", EN: "the file is empty"}
	}
	h := findHeader(d, recs)
	return &table{header: recs[h], headerPos: lines[h], rows: recs[h+1:], pos: lines[h+1:], unit: "line", style: style, sep: r.Comma,
		stream: read}, nil
}

// headerSearch is how many rows the header is looked for in (title rows come first).
const headerSearch = 20

// detectSeparator picks ';', ',' or tab: the one that occurs most often, outside quotes, in the busiest of the
// first ten non-blank lines (a title line above the header has few separators; the header has many).
func detectSeparator(content []byte) rune {
	sep, best := ',', 0
	seen := 0
	for len(content) > 0 { // the first lines only (not strings.Split of the whole file)
		line := content
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			line = content[:i]
		}
		content = content[len(line):]
		if len(content) > 0 {
			content = content[1:]
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		counts := map[rune]int{}
		quoted := false
		for _, r := range string(line) {
			switch {
			case r == '"':
				quoted = !quoted
			case !quoted && (r == ';' || r == ',' || r == '\t'):
				counts[r]++
			}
		}
		for _, c := range []rune{';', ',', '\t'} {
			if counts[c] > best {
				sep, best = c, counts[c]
			}
		}
		if seen++; seen == 10 {
			break
		}
	}
	return sep
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// readJSON reads an array of objects or NDJSON (one object a line). The header is every key in the order of
// first appearance; numbers keep their text, booleans read "true"/"false", null is empty.
func readJSON(content []byte) (*table, *Problem) {
	text, err := decodeText(content)
	if err != nil {
		return nil, &Problem{DA: "filens tegnsæt kan ikke læses", EN: "the file's encoding cannot be read"}
	}
	trimmed := bytes.TrimSpace(text)
	t := &table{unit: "record", style: numbersPoint}
	index := map[string]int{}
	// object reads one object from dec, keys in file order (a map would forget it)
	object := func(dec *json.Decoder, pos int) *Problem {
		bad := func(err error) *Problem {
			return &Problem{Line: pos, Unit: t.unit, DA: "ugyldig JSON: " + err.Error(), EN: "invalid JSON: " + err.Error()}
		}
		tok, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return &Problem{Line: pos, Unit: t.unit, DA: "en post skal være et objekt {...}", EN: "a record must be an object {...}"}
		}
		row := make([]string, len(t.header))
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return bad(err)
			}
			key, _ := tok.(string)
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return bad(err)
			}
			v, p := jsonText(raw)
			if p != nil {
				p.Line, p.Unit, p.Column = pos, t.unit, key
				return p
			}
			i, ok := index[key]
			if !ok {
				i = len(t.header)
				index[key] = i
				t.header = append(t.header, key)
			}
			for len(row) <= i {
				row = append(row, "")
			}
			row[i] = v
		}
		if _, err := dec.Token(); err != nil { // '}'
			return bad(err)
		}
		t.rows = append(t.rows, row)
		t.pos = append(t.pos, pos)
		return nil
	}
	if bytes.HasPrefix(trimmed, []byte("[")) {
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		if _, err := dec.Token(); err != nil {
			return nil, &Problem{DA: "ugyldig JSON: " + err.Error(), EN: "invalid JSON: " + err.Error()}
		}
		for n := 1; dec.More(); n++ {
			if p := object(dec, n); p != nil {
				return nil, p
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, &Problem{DA: "ugyldig JSON: " + err.Error(), EN: "invalid JSON: " + err.Error()}
		}
	} else {
		t.unit = "line"
		for i, line := range bytes.Split(text, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			dec := json.NewDecoder(bytes.NewReader(line))
			if p := object(dec, i+1); p != nil {
				return nil, p
			}
			if dec.More() {
				return nil, &Problem{Line: i + 1, Unit: "line", DA: "mere end ét objekt på linjen", EN: "more than one object on the line"}
			}
		}
	}
	if len(t.rows) == 0 {
		return nil, &Problem{DA: "filen har ingen poster", EN: "the file has no records"}
	}
	for i := range t.rows { // rows read before a later key appeared are shorter
		for len(t.rows[i]) < len(t.header) {
			t.rows[i] = append(t.rows[i], "")
		}
	}
	return t, nil
}

func jsonText(raw json.RawMessage) (string, *Problem) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "null":
		return "", nil
	case s == "true", s == "false":
		return s, nil
	case strings.HasPrefix(s, "\""):
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return "", &Problem{Value: s, DA: "ugyldig tekst", EN: "invalid string"}
		}
		return v, nil
	case strings.HasPrefix(s, "{"), strings.HasPrefix(s, "["):
		return "", &Problem{Value: s, DA: "et felt skal være en enkelt værdi, ikke et objekt eller en liste", EN: "a field must be a single value, not an object or a list"}
	default:
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return "", &Problem{Value: s, DA: "ugyldig værdi", EN: "invalid value"}
		}
		return n.String(), nil
	}
}

// readTable reads content in its format (see DetectFormat).
func readTable(ctx context.Context, st *queries.Store, d *data.Dataset, name string, content []byte, sheet string) (*table, *Problem) {
	if len(bytes.TrimSpace(content)) == 0 {
		return nil, &Problem{DA: "filen er tom", EN: "the file is empty"}
	}
	switch DetectFormat(name, content) {
	case FormatXLSX:
		return readXLSX(d, content, sheet)
	case FormatJSON:
		return readJSON(content)
	case FormatParquet:
		header, rows, err := st.ParquetText(ctx, content)
		if err != nil {
			// DuckDB's message names a temporary file and SQL: not for users
			return nil, &Problem{DA: "ugyldig Parquet-fil: den kan ikke læses", EN: "invalid Parquet file: it cannot be read"}
		}
		t := &table{header: header, rows: rows, unit: "record", style: numbersPoint}
		for i := range rows {
			t.pos = append(t.pos, i+1)
		}
		return t, nil
	default:
		return readCSV(d, content)
	}
}
