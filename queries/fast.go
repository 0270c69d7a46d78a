package queries

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/kapacitet/kapacitet/data"
)

// ErrNotFast means the fast path declined a file: it is not plainly valid in the forms the fast path reads.
// Nothing was changed; ingest then validates the file row by row and reports exactly what is wrong.
var ErrNotFast = errors.New("not for the fast path")

// FastCSV describes a UTF-8 CSV file that DuckDB reads and checks itself: the header on line 1 and one record
// on each following line (no blank lines, no line breaks inside fields), and no white space but spaces, the
// separator and line ends (CRLF or LF) anywhere in it. Paths are a copy of the file in parts, each line
// with its number and the separator put in front of it, and the header (line 1; numbered 0 when repeated) at
// the top of every part, so that every row keeps its line.
type FastCSV struct {
	Paths   []string
	Delim   rune
	Columns int         // fields in the header (without the line number)
	Index   []int       // the field of each dataset column, -1 when absent
	Limits  data.Limits // year range, occupancy tolerance
	Lines   int         // lines of the file after the header
	Trim    bool        // some field has spaces at its ends (otherwise no field is trimmed, which is faster)
	Lower   bool        // some field has upper-case letters (otherwise codes are compared as they are)
	// Typed: every year and whole number in the file is digits without a leading zero, and every
	// municipality code digits (checked while the copy was written): DuckDB reads those columns as numbers.
	Typed bool
	// Unique: no two lines have equal unique columns (hashed while the copy was written, after normalising
	// them to the values ingest stores; only set together with Typed): no duplicate query after the insert.
	Unique bool
}

// FastUntrimmed are the white space runes (besides tab, CR and LF) that Go's strings.TrimSpace trims and
// DuckDB's trim does not: a file with any of them takes the row-by-row path. TestTrimMatchesGo checks the list.
var FastUntrimmed = []string{"\v", "\f", "\u00a0", "\u0085", "\u2028", "\u2029"}

// fastDatasets are the datasets whose row rules the fast path checks in SQL (fastRules); capacity lines that
// name an offer, and offers (lists of target groups), always take the row-by-row path.
var fastDatasets = []string{"population", "capacity", "demand", "survey", "purchases", "tariffs"}

// FastEligible reports whether the fast path can read dataset d at all.
func FastEligible(d *data.Dataset) bool {
	if !slices.Contains(fastDatasets, d.Name) {
		return false
	}
	for _, c := range d.Columns {
		if c.Kind == data.KindTargetGroupList {
			return false
		}
	}
	return true
}

// codeList is the SQL list of a vocabulary's canonical codes, for IN.
func codeList(v *data.Vocabulary, numeric bool) string {
	var q []string
	for _, c := range v.Codes() {
		if numeric {
			q = append(q, c)
		} else {
			q = append(q, "'"+strings.ReplaceAll(c, "'", "''")+"'")
		}
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// yesNoList is the SQL list of the yes/no words meaning b.
func yesNoList(b bool) string {
	var q []string
	for w, v := range data.YesNo {
		if v == b {
			q = append(q, "'"+w+"'")
		}
	}
	slices.Sort(q)
	return "(" + strings.Join(q, ", ") + ")"
}

// fastConvert is the SQL that reads raw (a field, NULL when empty) as column c, and the condition, on raw
// and the converted value v, that the text is in a form the row-by-row path reads to the same value. The
// fast path only takes plain forms: digits without leading zeros (a number cast back to text gives the
// text again), decimals with at most two places, canonical codes, municipality codes; anything else
// (thousands dots, names, "Døgn") fails the condition and the file takes the row-by-row path. lower: codes
// may be written in any case.
func fastConvert(c data.Column, raw, v string, lim data.Limits, lower, typed bool) (conv, ok string) {
	code := raw
	if lower {
		code = "lower(" + raw + ")"
	}
	if typed && typedKind(c.Kind) != "" { // raw is a number already, read from plain digits
		switch c.Kind {
		case data.KindYear:
			return raw, fmt.Sprintf("%s BETWEEN %d AND %d", raw, lim.MinYear, lim.MaxYear)
		case data.KindInt:
			return raw, fmt.Sprintf("%s < %d", raw, data.MaxWhole)
		default: // municipality
			return raw, fmt.Sprintf("%s IN %s", raw, codeList(data.MunicipalityVocabulary(), true))
		}
	}
	switch c.Kind {
	case data.KindYear:
		return fmt.Sprintf("TRY_CAST(%s AS INTEGER)", raw),
			fmt.Sprintf("%[1]s::VARCHAR = %[2]s AND %[1]s BETWEEN %[3]d AND %[4]d", v, raw, lim.MinYear, lim.MaxYear)
	case data.KindInt:
		return fmt.Sprintf("TRY_CAST(%s AS BIGINT)", raw),
			fmt.Sprintf("%[1]s::VARCHAR = %[2]s AND %[1]s >= 0 AND %[1]s < %[3]d", v, raw, data.MaxWhole)
	case data.KindDecimal:
		return fmt.Sprintf("TRY_CAST(replace(%s, ',', '.') AS DECIMAL(18,2))", raw),
			fmt.Sprintf("regexp_full_match(%s, '\\d{1,15}([.,]\\d{1,2})?')", raw)
	case data.KindBool:
		return fmt.Sprintf("CASE WHEN %[1]s IN %[2]s THEN true WHEN %[1]s IN %[3]s THEN false END", code, yesNoList(true), yesNoList(false)),
			v + " IS NOT NULL"
	case data.KindScore:
		return fmt.Sprintf("CASE WHEN %[1]s = 'ved ikke' THEN NULL ELSE TRY_CAST(%[2]s AS INTEGER) END", code, raw),
			fmt.Sprintf("(%[2]s = 'ved ikke' OR %[1]s::VARCHAR = %[3]s AND %[1]s BETWEEN 1 AND 5)", v, code, raw)
	case data.KindMunicipality:
		// municipal systems write codes with leading zeros ("0851")
		return fmt.Sprintf("TRY_CAST(%s AS INTEGER)", raw),
			fmt.Sprintf("(%[1]s::VARCHAR = %[2]s OR %[1]s::VARCHAR = ltrim(%[2]s, '0')) AND %[1]s IN %[3]s", v, raw, codeList(data.MunicipalityVocabulary(), true))
	case data.KindPlaceType, data.KindOwnership, data.KindTargetGroup:
		voc := map[data.Kind]*data.Vocabulary{data.KindPlaceType: data.PlaceTypeVocabulary(),
			data.KindOwnership: data.OwnershipVocabulary(), data.KindTargetGroup: data.TargetGroupVocabulary()}[c.Kind]
		return code, v + " IN " + codeList(voc, false)
	default:
		return raw, "true"
	}
}

// typedKind is the type DuckDB reads a column of kind k as when FastCSV.Typed, or "" (text).
func typedKind(k data.Kind) string {
	switch k {
	case data.KindYear, data.KindMunicipality:
		return "INTEGER"
	case data.KindInt:
		return "BIGINT"
	}
	return ""
}

// fastRules is the SQL form of the dataset's row rules (data/datasets.go). Only capacity has rules among
// fastDatasets; its lines that name an offer are declined.
func fastRules(d *data.Dataset, lim data.Limits) string {
	if d.Name != "capacity" {
		return "true"
	}
	return fmt.Sprintf(`offer_id IS NULL AND location IS NOT NULL AND ownership IS NOT NULL
		AND NOT (ownership = 'privat' AND coalesce(agreement, false))
		AND (occupied IS NULL OR occupied * 100 <= places * %d)`, 100+lim.OccupancyTolerancePct)
}

// insertFast reads the file with DuckDB's CSV reader and inserts its rows as batch id in one statement,
// converting each value as ingest would; a row with a value in a form the fast path does not take, or that
// breaks a row rule, stops the statement (error()). Then it checks the row count and the duplicates and
// returns what it loaded, or ErrNotFast (the caller rolls back).
func insertFast(ctx context.Context, conn *sql.Conn, d *data.Dataset, id int64, f *FastCSV, progress func(int, int)) (fastLoad, error) {
	if !FastEligible(d) {
		return fastLoad{}, ErrNotFast
	}
	types := make([]string, f.Columns)
	for i, c := range d.Columns {
		if f.Typed && f.Index[i] >= 0 {
			types[f.Index[i]] = typedKind(c.Kind)
		}
	}
	fields := []string{"'line': 'INTEGER'"}
	var raws []string
	for i := 0; i < f.Columns; i++ {
		if types[i] != "" { // plain digits: no spaces to trim
			fields = append(fields, fmt.Sprintf("'c%d': '%s'", i, types[i]))
			raws = append(raws, fmt.Sprintf("c%d AS r%d", i, i))
			continue
		}
		fields = append(fields, fmt.Sprintf("'c%d': 'VARCHAR'", i))
		if f.Trim {
			// spaces are the only white space a field can have at its ends (FastCSV's contract), so this
			// trims as Go's strings.TrimSpace does
			raws = append(raws, fmt.Sprintf("nullif(trim(c%d), '') AS r%d", i, i))
		} else {
			raws = append(raws, fmt.Sprintf("c%d AS r%d", i, i)) // empty fields are NULL already
		}
	}
	var convs, oks, names, outs []string
	for i, c := range d.Columns {
		raw := "NULL"
		if f.Index[i] >= 0 {
			raw = fmt.Sprintf("r%d", f.Index[i])
		}
		conv, ok := fastConvert(c, raw, c.Name, f.Limits, f.Lower, f.Typed)
		if c.Required {
			ok = fmt.Sprintf("(%s IS NOT NULL AND %s)", raw, ok)
		} else {
			ok = fmt.Sprintf("(%s IS NULL OR %s)", raw, ok)
		}
		convs = append(convs, fmt.Sprintf("%s AS %s", conv, c.Name))
		oks = append(oks, ok)
		names = append(names, c.Name)
		outs = append(outs, c.Name)
	}
	q := fmt.Sprintf(`INSERT INTO %[1]s (batch_id, line, %[2]s)
		SELECT CASE WHEN %[3]s AND %[4]s THEN %[5]d ELSE error('not plain') END, line, %[6]s
		FROM (SELECT *, %[7]s FROM (SELECT line, %[8]s
			FROM read_csv($1, header = true, auto_detect = false, delim = '%[9]s', quote = '"', escape = '"',
				strict_mode = true, null_padding = false, columns = {%[10]s})))`,
		d.Name, strings.Join(names, ", "), strings.Join(oks, " AND "), fastRules(d, f.Limits), id,
		strings.Join(outs, ", "), strings.Join(convs, ", "), strings.Join(raws, ", "), string(f.Delim), strings.Join(fields, ", "))
	if _, err := conn.ExecContext(ctx, q, f.Paths); err != nil {
		// a value not in a plain form, a broken rule, a record with more or fewer fields, a stray quote:
		// the row-by-row path says where
		return fastLoad{}, ErrNotFast
	}
	// the batch's replacement keys and years, its rows per year and target group (the summary, when it
	// replaces nothing), then the duplicates: the distinct hashes of the unique columns (equal rows hash
	// equally; two different rows with equal hashes only send the file to the row-by-row path, which
	// compares the values themselves)
	years := map[int]bool{}
	var keys []string
	err := scanAll(ctx, conn, fmt.Sprintf("SELECT DISTINCT %[2]s FROM %[1]s WHERE batch_id = $1", d.Name, strings.Join(d.Key, ", ")), func(r *sql.Rows) error {
		vals := make([]any, len(d.Key))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.Scan(ptrs...); err != nil {
			return err
		}
		row := data.Row{}
		for i, k := range d.Key {
			c, _ := d.Column(k)
			row[k] = canonical(c.Kind, vals[i])
		}
		year, _ := row["year"].(int64)
		years[int(year)] = true
		keys = append(keys, KeyOf(d, row))
		return nil
	}, id)
	if err != nil {
		return fastLoad{}, err
	}
	n := 0
	var added []SummaryLine
	err = scanAll(ctx, conn, fmt.Sprintf("SELECT year, %[2]s, count(*) FROM %[1]s WHERE batch_id = $1 GROUP BY ALL", d.Name, summaryGroup(d)), func(r *sql.Rows) error {
		var l SummaryLine
		err := r.Scan(&l.Year, &l.TargetGroup, &l.Added)
		n += l.Added
		added = append(added, l)
		return err
	}, id)
	if err != nil {
		return fastLoad{}, err
	}
	if n != f.Lines || n == 0 { // blank lines or line breaks inside fields
		return fastLoad{}, ErrNotFast
	}
	if len(d.Unique) > 0 && !f.Unique {
		var distinct int
		q := fmt.Sprintf("SELECT count(*) FROM (SELECT DISTINCT hash(%s) FROM %s WHERE batch_id = $1)", strings.Join(d.Unique, ", "), d.Name)
		if err := conn.QueryRowContext(ctx, q, id).Scan(&distinct); err != nil {
			return fastLoad{}, err
		}
		if distinct != n {
			return fastLoad{}, ErrNotFast
		}
	}
	if progress != nil {
		progress(n, n)
	}
	res := fastLoad{count: n, keys: keys, added: added}
	for y := range years {
		res.years = append(res.years, y)
	}
	sortSummary(res.added)
	return res, nil
}

// fastLoad is what insertFast loaded: rows, years, replacement keys and rows per year and target group.
type fastLoad struct {
	count int
	years []int
	keys  []string
	added []SummaryLine
}

func scanAll(ctx context.Context, conn *sql.Conn, q string, fn func(*sql.Rows) error, args ...any) error {
	rs, err := conn.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs); err != nil {
			return err
		}
	}
	return rs.Err()
}

// TrimText is DuckDB's trim of s, as the fast path trims fields (for the test that it trims as Go does).
func (s *Store) TrimText(ctx context.Context, text string) (string, error) {
	var out string
	err := s.db.QueryRowContext(ctx, "SELECT trim($1)", text).Scan(&out)
	return out, err
}
