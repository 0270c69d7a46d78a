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
}

// Format is a file format ingest reads.
type Format string

const (
	FormatCSV     Format = "csv"
	FormatXLSX    Format = "xlsx"
	FormatJSON    Format = "json"
	FormatParquet Format = "parquet"
)

// DetectFormat decides a file's format from its content, then its name: a ZIP container is XLSX, "PAR1" is
// Parquet, a first non-space '[' or '{' is JSON; anything else is CSV.
func DetectFormat(name string, content []byte) Format {
	switch {
	case bytes.HasPrefix(content, []byte("PK\x03\x04")):
		return FormatXLSX
	case bytes.HasPrefix(content, []byte("PAR1")):
		return FormatParquet
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(content, utf8BOM), " \t\r\n")
	if len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{') {
		return FormatJSON
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx", ".xlsm":
		return FormatXLSX
	case ".parquet":
		return FormatParquet
	case ".json", ".ndjson", ".jsonl":
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
	default:
		return charmap.Windows1252.NewDecoder().Bytes(content)
	}
}

// findHeader picks the header among the first rows: the first row that names the most of the dataset's
// columns (title rows above it name none). With no row naming any column, the first row is the header and
// the missing columns are reported.
func findHeader(d *data.Dataset, rows [][]string) int {
	known := map[string]bool{}
	for _, c := range d.Columns {
		for _, n := range append([]string{c.Name}, c.Aliases...) {
			known[data.Normalize(n)] = true
		}
	}
	best, bestN := 0, 0
	for i, r := range rows {
		if i == 20 {
			break
		}
		n := 0
		for _, cell := range r {
			if known[data.Normalize(cell)] {
				n++
			}
		}
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
	r.FieldsPerRecord = -1
	var recs [][]string
	var lines []int
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &Problem{Line: pe.StartLine, DA: "ugyldig CSV: " + pe.Err.Error(), EN: "invalid CSV: " + pe.Err.Error()}
			}
			return nil, &Problem{DA: "ugyldig CSV: " + err.Error(), EN: "invalid CSV: " + err.Error()}
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		recs = append(recs, rec)
		lines = append(lines, line)
	}
	if len(recs) == 0 {
		return nil, &Problem{DA: "filen er tom", EN: "the file is empty"}
	}
	h := findHeader(d, recs)
	return &table{header: recs[h], headerPos: lines[h], rows: recs[h+1:], pos: lines[h+1:], unit: "line"}, nil
}

// detectSeparator picks ';', ',' or tab: the one that occurs most often in the busiest of the first ten
// non-blank lines (a title line above the header has few separators; the header has many).
func detectSeparator(content []byte) rune {
	sep, best := ',', 0
	seen := 0
	for _, line := range strings.Split(string(content), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		for _, c := range []rune{';', ',', '\t'} {
			if n := strings.Count(line, string(c)); n > best {
				sep, best = c, n
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
	t := &table{unit: "record"}
	var objects []map[string]json.RawMessage
	if bytes.HasPrefix(trimmed, []byte("[")) {
		if err := json.Unmarshal(trimmed, &objects); err != nil {
			return nil, &Problem{DA: "ugyldig JSON: " + err.Error(), EN: "invalid JSON: " + err.Error()}
		}
		for i := range objects {
			t.pos = append(t.pos, i+1)
		}
	} else {
		t.unit = "line"
		for i, line := range bytes.Split(text, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var o map[string]json.RawMessage
			if err := json.Unmarshal(line, &o); err != nil {
				return nil, &Problem{Line: i + 1, DA: "ugyldig JSON-linje: " + err.Error(), EN: "invalid JSON line: " + err.Error()}
			}
			objects = append(objects, o)
			t.pos = append(t.pos, i+1)
		}
	}
	if len(objects) == 0 {
		return nil, &Problem{DA: "filen har ingen poster", EN: "the file has no records"}
	}
	index := map[string]int{}
	for _, o := range objects {
		for _, k := range sortedKeys(o, trimmed) {
			if _, ok := index[k]; !ok {
				index[k] = len(t.header)
				t.header = append(t.header, k)
			}
		}
	}
	for n, o := range objects {
		row := make([]string, len(t.header))
		for k, raw := range o {
			v, p := jsonText(raw)
			if p != nil {
				p.Line, p.Column = t.pos[n], k
				return nil, p
			}
			row[index[k]] = v
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

// sortedKeys returns an object's keys in the order they appear in the file (maps forget it), falling back
// to any order for keys it cannot place.
func sortedKeys(o map[string]json.RawMessage, file []byte) []string {
	keys := make([]string, 0, len(o))
	for k := range o {
		keys = append(keys, k)
	}
	at := func(k string) int {
		q, _ := json.Marshal(k)
		if i := bytes.Index(file, q); i >= 0 {
			return i
		}
		return len(file)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && at(keys[j]) < at(keys[j-1]); j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
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
			return nil, &Problem{DA: "ugyldig Parquet-fil: " + err.Error(), EN: "invalid Parquet file: " + err.Error()}
		}
		t := &table{header: header, rows: rows, unit: "record"}
		for i := range rows {
			t.pos = append(t.pos, i+1)
		}
		return t, nil
	default:
		return readCSV(d, content)
	}
}
