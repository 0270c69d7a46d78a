package queries

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kapacitet/kapacitet/data"
)

// ErrNotFast means the fast path declined a file: it is not plainly valid in the forms the fast path reads.
// Nothing was changed; ingest then validates the file row by row and reports exactly what is wrong.
var ErrNotFast = errors.New("not for the fast path")

// FastCSV describes a UTF-8 CSV file that DuckDB reads and checks itself: the header on line 1 and one record
// on each following line (no blank lines, no line breaks inside fields), and no white space but spaces, the
// separator and line ends (CRLF or LF) anywhere in it.
type FastCSV struct {
	Path    string
	Delim   rune
	Columns int         // fields in the header
	Index   []int       // the field of each dataset column, -1 when absent
	Limits  data.Limits // year range, occupancy tolerance
	Lines   int         // lines of the file after the header
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

// codeList is the SQL list of a vocabulary's canonical codes.
func codeList(v *data.Vocabulary, numeric bool) string {
	var q []string
	for _, c := range v.Codes() {
		if numeric {
			q = append(q, c)
		} else {
			q = append(q, "'"+strings.ReplaceAll(c, "'", "''")+"'")
		}
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// fastConvert is the SQL that reads raw (trimmed text or NULL) as column c, and the condition that the text
// is in a form the row-by-row path reads to the same value. The fast path only takes plain forms: digits,
// decimals with at most two places, canonical codes in any case, municipality codes; anything else (thousands
// dots, names, "Døgn") fails the condition and the file takes the row-by-row path.
func fastConvert(c data.Column, raw string, lim data.Limits) (conv, ok string) {
	switch c.Kind {
	case data.KindYear:
		return fmt.Sprintf("TRY_CAST(%s AS INTEGER)", raw),
			fmt.Sprintf("regexp_full_match(%[1]s, '\\d{4}') AND CAST(%[1]s AS INTEGER) BETWEEN %[2]d AND %[3]d", raw, lim.MinYear, lim.MaxYear)
	case data.KindInt:
		return fmt.Sprintf("TRY_CAST(%s AS BIGINT)", raw), fmt.Sprintf("regexp_full_match(%s, '\\d{1,15}')", raw)
	case data.KindDecimal:
		return fmt.Sprintf("TRY_CAST(replace(%s, ',', '.') AS DECIMAL(18,2))", raw),
			fmt.Sprintf("regexp_full_match(%s, '\\d{1,15}([.,]\\d{1,2})?')", raw)
	case data.KindBool:
		return fmt.Sprintf("CASE WHEN lower(%[1]s) IN ('ja','j','x','1','true','sand','yes','y') THEN true WHEN lower(%[1]s) IN ('nej','n','0','false','falsk','no') THEN false END", raw),
			fmt.Sprintf("lower(%s) IN ('ja','j','x','1','true','sand','yes','y','nej','n','0','false','falsk','no')", raw)
	case data.KindScore:
		return fmt.Sprintf("CASE WHEN lower(%[1]s) = 'ved ikke' THEN NULL ELSE TRY_CAST(%[1]s AS INTEGER) END", raw),
			fmt.Sprintf("(lower(%[1]s) = 'ved ikke' OR regexp_full_match(%[1]s, '[1-5]'))", raw)
	case data.KindMunicipality:
		return fmt.Sprintf("TRY_CAST(%s AS INTEGER)", raw),
			fmt.Sprintf("regexp_full_match(%[1]s, '0*[1-9]\\d{0,8}') AND list_contains(%[2]s, CAST(%[1]s AS INTEGER))", raw, codeList(data.MunicipalityVocabulary(), true))
	case data.KindPlaceType, data.KindOwnership, data.KindTargetGroup:
		voc := map[data.Kind]*data.Vocabulary{data.KindPlaceType: data.PlaceTypeVocabulary(),
			data.KindOwnership: data.OwnershipVocabulary(), data.KindTargetGroup: data.TargetGroupVocabulary()}[c.Kind]
		return fmt.Sprintf("lower(%s)", raw), fmt.Sprintf("list_contains(%s, lower(%s))", codeList(voc, false), raw)
	default:
		return raw, "true"
	}
}

// fastRules is the SQL form of the dataset's row rules (data/datasets.go). Only capacity has rules among
// fastDatasets; its lines that name an offer are declined.
func fastRules(d *data.Dataset, lim data.Limits) string {
	if d.Name != "capacity" {
		return ""
	}
	return fmt.Sprintf(`offer_id IS NULL AND location IS NOT NULL AND ownership IS NOT NULL
		AND NOT (ownership = 'privat' AND coalesce(agreement, false))
		AND (occupied IS NULL OR occupied * 100 <= places * %d)`, 100+lim.OccupancyTolerancePct)
}

// fastDerived is the SQL of a derived column, as data's Derive computes it.
func fastDerived(c data.Column) string {
	if c.Name == "category" {
		return `CASE WHEN ownership = 'regional' OR (ownership = 'kommunal' AND coalesce(agreement, false)) THEN 'socialaftale' ELSE ownership END`
	}
	return "NULL"
}

// prepareFast reads the file once with DuckDB's CSV reader, converting each value as ingest would and
// marking whether it was in a plain form; then checks every row, the duplicates and the line count. It
// returns the row count, years and replacement keys, or ErrNotFast.
func prepareFast(ctx context.Context, conn *sql.Conn, d *data.Dataset, f *FastCSV, progress func(int, int)) (int, []int, []string, error) {
	if !FastEligible(d) {
		return 0, nil, nil, ErrNotFast
	}
	var fields []string
	for i := 0; i < f.Columns; i++ {
		fields = append(fields, fmt.Sprintf("'c%d': 'VARCHAR'", i))
	}
	// each field trimmed once; spaces are the only white space a field can have at its ends (FastCSV's
	// contract), so this trims as Go's strings.TrimSpace does
	var trimmed []string
	for i := 0; i < f.Columns; i++ {
		trimmed = append(trimmed, fmt.Sprintf("nullif(trim(c%d), '') AS r%d", i, i))
	}
	var sel, oks []string
	for i, c := range d.Columns {
		raw := "NULL"
		if f.Index[i] >= 0 {
			raw = fmt.Sprintf("r%d", f.Index[i])
		}
		conv, ok := fastConvert(c, raw, f.Limits)
		if c.Required {
			ok = fmt.Sprintf("(%s IS NOT NULL AND %s)", raw, ok)
		} else {
			ok = fmt.Sprintf("(%s IS NULL OR %s)", raw, ok)
		}
		sel = append(sel, fmt.Sprintf("%s AS %s", conv, c.Name))
		oks = append(oks, ok)
	}
	// rows keep the file's order (insertion order is preserved), so a row's rowid + 2 is its line
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE fast_conv AS SELECT %s, %s AS fast_ok FROM (SELECT %s
		FROM read_csv($1, header = true, auto_detect = false, delim = '%s', quote = '"', escape = '"',
		strict_mode = true, null_padding = false, columns = {%s}))`,
		strings.Join(sel, ", "), strings.Join(oks, " AND "), strings.Join(trimmed, ", "), string(f.Delim), strings.Join(fields, ", "))
	if _, err := conn.ExecContext(ctx, q, f.Path); err != nil {
		return 0, nil, nil, ErrNotFast // a record with more or fewer fields, a stray quote: the slow path says where
	}
	check := "NOT fast_ok"
	if rule := fastRules(d, f.Limits); rule != "" {
		check += " OR NOT (" + rule + ")"
	}
	var n, bad int
	if err := conn.QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE "+check+") FROM fast_conv").Scan(&n, &bad); err != nil {
		return 0, nil, nil, err
	}
	if bad > 0 || n != f.Lines || n == 0 { // a bad value, or blank lines or line breaks inside fields
		return 0, nil, nil, ErrNotFast
	}
	if len(d.Unique) > 0 {
		var dup bool
		q := fmt.Sprintf("SELECT EXISTS (SELECT 1 FROM fast_conv GROUP BY %s HAVING count(*) > 1)", strings.Join(d.Unique, ", "))
		if err := conn.QueryRowContext(ctx, q).Scan(&dup); err != nil {
			return 0, nil, nil, err
		}
		if dup {
			return 0, nil, nil, ErrNotFast
		}
	}
	if progress != nil {
		progress(n, n)
	}
	var years []int
	if err := scanAll(ctx, conn, "SELECT DISTINCT year FROM fast_conv ORDER BY year", func(r *sql.Rows) error {
		var y int
		err := r.Scan(&y)
		years = append(years, y)
		return err
	}); err != nil {
		return 0, nil, nil, err
	}
	var keys []string
	if err := scanAll(ctx, conn, fmt.Sprintf("SELECT DISTINCT %s FROM fast_conv", strings.Join(d.Key, ", ")), func(r *sql.Rows) error {
		vals := make([]any, len(d.Key))
		ptrs := make([]any, len(d.Key))
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
		keys = append(keys, KeyOf(d, row))
		return nil
	}); err != nil {
		return 0, nil, nil, err
	}
	return n, years, keys, nil
}

func scanAll(ctx context.Context, conn *sql.Conn, q string, fn func(*sql.Rows) error) error {
	rs, err := conn.QueryContext(ctx, q)
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

// insertFast inserts the rows prepareFast converted as batch id, with their lines.
func insertFast(ctx context.Context, conn *sql.Conn, d *data.Dataset, id int64) error {
	names := []string{"batch_id", "line"}
	sel := []string{strconv.FormatInt(id, 10), "rowid - (SELECT min(rowid) FROM fast_conv) + 2"}
	for _, c := range d.Columns {
		names = append(names, c.Name)
		sel = append(sel, c.Name)
	}
	for _, c := range d.Derived {
		names = append(names, c.Name)
		sel = append(sel, fastDerived(c))
	}
	_, err := conn.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s (%s) SELECT %s FROM fast_conv", d.Name, strings.Join(names, ", "), strings.Join(sel, ", ")))
	if err == nil {
		_, err = conn.ExecContext(ctx, "DROP TABLE fast_conv")
	}
	return err
}

// TrimText is DuckDB's trim of s, as the fast path trims fields (for the test that it trims as Go does).
func (s *Store) TrimText(ctx context.Context, text string) (string, error) {
	var out string
	err := s.db.QueryRowContext(ctx, "SELECT trim($1)", text).Scan(&out)
	return out, err
}
