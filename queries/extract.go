package queries

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/kapacitet/kapacitet/data"
)

// ExtractFilter selects the rows of a dataset extract. Zero values select everything; a filter on a column
// the dataset lacks is an error (ExtractSQL).
type ExtractFilter struct {
	Draft        bool // the current rows (analysts); else the rows of each year's latest edition
	Year         int
	TargetGroup  string
	Municipality int // a municipality column (any of the dataset's) equals it
	PlaceType    string
	Category     string // capacity only
	Batch        int64  // the rows loaded by this batch
	Edition      int64  // the rows of this edition (its year's rows as of its batch)
	Lang         string // the language of the names beside the codes
	// Equal are exact values of columns (a Hive partition: year=2022, location=851), and those columns are
	// left out of the extract (their values are in the partition's path)
	Equal map[string]int64
}

// ExtractColumn is a column of an extract: the dataset's columns in their order, each code followed by its
// name (municipality and target-group names).
type ExtractColumn struct {
	Name string
	Kind data.Kind
	Of   string // for a name column: the code column it names
}

// ExtractColumns lists an extract's columns for dataset d.
func ExtractColumns(d *data.Dataset) []ExtractColumn {
	var out []ExtractColumn
	for _, c := range append(append([]data.Column(nil), d.Columns...), d.Derived...) {
		out = append(out, ExtractColumn{Name: c.Name, Kind: c.Kind})
		if c.Kind == data.KindMunicipality || c.Kind == data.KindTargetGroup {
			out = append(out, ExtractColumn{Name: c.Name + "_name", Kind: data.KindText, Of: c.Name})
		}
	}
	return out
}

// ExtractSQL is the query of an extract of d under f and its arguments: the rows in load order, with names
// beside codes; the filters are placeholders.
func ExtractSQL(d *data.Dataset, f ExtractFilter) (string, []any, error) {
	nameCol := "name_da"
	if f.Lang == "en" {
		nameCol = "name_en"
	}
	var sel, joins, munis []string
	has := map[string]bool{}
	for _, c := range ExtractColumns(d) {
		has[c.Name] = c.Of == ""
		_, omit := f.Equal[c.Name]
		switch {
		case c.Of == "":
			if !omit {
				sel = append(sel, "r."+c.Name)
			}
			if c.Kind == data.KindMunicipality {
				munis = append(munis, "r."+c.Name)
			}
		case c.Kind == data.KindText && strings.HasSuffix(c.Name, "_name"):
			alias := "n_" + c.Of
			if col, _ := d.Column(c.Of); col.Kind == data.KindMunicipality {
				joins = append(joins, fmt.Sprintf("LEFT JOIN municipalities %s ON %s.code = r.%s", alias, alias, c.Of))
				sel = append(sel, fmt.Sprintf("%s.name AS %s", alias, c.Name))
			} else {
				joins = append(joins, fmt.Sprintf("LEFT JOIN target_groups %s ON %s.code = r.%s", alias, alias, c.Of))
				sel = append(sel, fmt.Sprintf("%s.%s AS %s", alias, nameCol, c.Name))
			}
		}
	}
	var args []any
	var where []string
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Edition != 0 {
		// the edition's rows, whatever was published since: its year's rows as of its batch
		where = append(where, fmt.Sprintf(`EXISTS (SELECT 1 FROM editions e WHERE e.id = %s AND e.year = r.year AND r.batch_id <= e.as_of_batch
    AND (r.replaced_by IS NULL OR r.replaced_by > e.as_of_batch))`, arg(f.Edition)))
	} else {
		where = append(where, "CASE WHEN "+arg(f.Draft)+" THEN r.draft_visible ELSE r.published_visible END")
	}
	need := func(col, filter string) error {
		if !has[col] {
			return fmt.Errorf("%s has no %s: the filter %s does not apply to it", d.Name, col, filter)
		}
		return nil
	}
	if f.Year != 0 {
		where = append(where, "r.year = "+arg(f.Year))
	}
	for _, c := range []struct{ col, value string }{{"target_group", f.TargetGroup}, {"place_type", f.PlaceType}, {"category", f.Category}} {
		if c.value == "" {
			continue
		}
		if err := need(c.col, c.col); err != nil {
			return "", nil, err
		}
		where = append(where, "r."+c.col+" = "+arg(c.value))
	}
	if f.Municipality != 0 {
		if len(munis) == 0 {
			return "", nil, fmt.Errorf("%s has no municipality column: the filter municipality does not apply to it", d.Name)
		}
		p := arg(f.Municipality)
		var either []string
		for _, m := range munis {
			either = append(either, m+" = "+p)
		}
		where = append(where, "("+strings.Join(either, " OR ")+")")
	}
	for _, col := range sortedKeys(f.Equal) {
		if err := need(col, col); err != nil {
			return "", nil, err
		}
		where = append(where, "r."+col+" = "+arg(f.Equal[col]))
	}
	if f.Batch != 0 {
		where = append(where, "r.batch_id = "+arg(f.Batch))
	}
	q := fmt.Sprintf("SELECT %s\nFROM %s_rows r\n%s\nWHERE %s\nORDER BY r.batch_id, r.line",
		strings.Join(sel, ", "), d.Name, strings.Join(joins, "\n"), strings.Join(where, "\n  AND "))
	return q, args, nil
}

// PartitionColumn is the column of d that a Hive partition by what names ("year", "municipality") splits
// on: year, or the first municipality column (the place's for capacity and offers, the buyer's for
// purchases), so that every row is in one partition.
func PartitionColumn(d *data.Dataset, what string) (string, error) {
	switch what {
	case "year":
		return "year", nil
	case "municipality":
		for _, c := range d.Columns {
			if c.Kind == data.KindMunicipality {
				return c.Name, nil
			}
		}
		return "", fmt.Errorf("%s has no municipality column to partition by", d.Name)
	}
	return "", fmt.Errorf("cannot partition by %q: year or municipality", what)
}

// PartitionSQL lists the distinct values of cols among the rows an extract of d under f selects.
func PartitionSQL(d *data.Dataset, f ExtractFilter, cols []string) (string, []any, error) {
	q, args, err := ExtractSQL(d, ExtractFilter{Draft: f.Draft, Year: f.Year, TargetGroup: f.TargetGroup, Municipality: f.Municipality,
		PlaceType: f.PlaceType, Category: f.Category, Batch: f.Batch, Edition: f.Edition, Lang: f.Lang})
	if err != nil {
		return "", nil, err
	}
	q = q[:strings.LastIndex(q, "\nORDER BY")] // the rows, unordered
	return fmt.Sprintf("SELECT DISTINCT %s FROM (%s) ORDER BY ALL", strings.Join(cols, ", "), q), args, nil
}

func sortedKeys(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Partitions lists the distinct values of cols (integer columns: year, a municipality) among the rows of
// the extract of d under f, in order.
func (s *Reader) Partitions(ctx context.Context, d *data.Dataset, f ExtractFilter, cols []string) ([][]int64, error) {
	q, args, err := PartitionSQL(d, f, cols)
	if err != nil {
		return nil, err
	}
	rs, err := s.q.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: partitions: %w", err)
	}
	defer rs.Close()
	var out [][]int64
	for rs.Next() {
		v := make([]int64, len(cols))
		ptrs := make([]any, len(cols))
		for i := range v {
			ptrs[i] = &v[i]
		}
		if err := rs.Scan(ptrs...); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rs.Err()
}

// ExportEntry is one line of the export log.
type ExportEntry struct {
	At                               time.Time
	Who, Role, Dataset, Format, Args string
	Rows                             int64
	Error                            string
}

// LogExport records an export. It is not a change of the data: caches keep their versions.
func (s *Store) LogExport(ctx context.Context, e ExportEntry) error {
	s.write.Lock()
	defer s.write.Unlock()
	var failure any
	if e.Error != "" {
		failure = e.Error
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO export_log (who, role, dataset, format, filters, row_count, error) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		e.Who, e.Role, e.Dataset, e.Format, e.Args, e.Rows, failure)
	if err != nil {
		return fmt.Errorf("store: export log: %w", err)
	}
	return nil
}

// ExportLog lists the exports, the newest first, at most limit.
func (s *Reader) ExportLog(ctx context.Context, limit int) ([]ExportEntry, error) {
	rs, err := s.q.QueryContext(ctx, `SELECT made_at, who, role, dataset, format, filters, row_count, coalesce(error, '') FROM export_log ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: export log: %w", err)
	}
	defer rs.Close()
	var out []ExportEntry
	for rs.Next() {
		var e ExportEntry
		if err := rs.Scan(&e.At, &e.Who, &e.Role, &e.Dataset, &e.Format, &e.Args, &e.Rows, &e.Error); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rs.Err()
}
