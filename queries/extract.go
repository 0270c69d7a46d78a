package queries

import (
	"context"
	"fmt"
	"maps"
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
	// ApprovedComments: the survey's comments only where an admin has approved them (comment_approvals),
	// NULL elsewhere: what the public may read of them, as on the group page
	ApprovedComments bool
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
		if c.Kind == data.KindMunicipality || c.Kind == data.KindTargetGroup || c.Kind == data.KindTargetGroupList {
			out = append(out, ExtractColumn{Name: c.Name + "_name", Kind: data.KindText, Of: c.Name})
		}
	}
	return out
}

// ExtractSQL is the query of an extract of d under f and its arguments: the rows in load order, with names
// beside codes; the filters are placeholders.
func ExtractSQL(d *data.Dataset, f ExtractFilter) (string, []any, error) {
	return extractQuery(d, f, nil)
}

// inOrder is how an extract of a large table is read without joins (which do not keep the table's order)
// and without a sort: names from literals of the catalogues, each year's latest edition as a literal of its
// batch (cuts: year → as_of_batch), and an edition filter as its year and batch (edition).
type inOrder struct {
	cuts    map[int]int64
	edition [2]int64 // year, as_of_batch of f.Edition
}

// extractQuery is ExtractSQL's query, or with o the query of the same rows in the table's order.
func extractQuery(d *data.Dataset, f ExtractFilter, o *inOrder) (string, []any, error) {
	nameCol := "name_da"
	if f.Lang == "en" {
		nameCol = "name_en"
	}
	var sel, joins, munis []string
	has := map[string]bool{}
	for _, c := range ExtractColumns(d) {
		has[c.Name] = c.Of == ""
		switch {
		case c.Of == "" && c.Name == "comment" && f.ApprovedComments:
			sel = append(sel, `CASE WHEN EXISTS (SELECT 1 FROM comment_approvals a WHERE a.year = r.year AND a.municipality = r.municipality
        AND a.target_group = r.target_group AND a.comment = r.comment) THEN r.comment END AS comment`)
		case c.Of == "":
			sel = append(sel, "r."+c.Name)
			if c.Kind == data.KindMunicipality {
				munis = append(munis, "r."+c.Name)
			}
		case c.Kind == data.KindText && strings.HasSuffix(c.Name, "_name"):
			alias := "n_" + c.Of
			col, _ := d.Column(c.Of)
			switch {
			case o != nil && col.Kind == data.KindTargetGroupList:
				sel = append(sel, fmt.Sprintf("array_to_string(list_filter(list_transform(string_split(r.%s, ';'), c -> %s), n -> n IS NOT NULL), '; ') AS %s",
					c.Of, groupNameCase("c", f.Lang), c.Name))
			case o != nil && col.Kind == data.KindMunicipality:
				sel = append(sel, fmt.Sprintf("(%s)[r.%s] AS %s", municipalityNameList(), c.Of, c.Name))
			case o != nil:
				sel = append(sel, fmt.Sprintf("%s AS %s", groupNameCase("r."+c.Of, f.Lang), c.Name))
			case col.Kind == data.KindTargetGroupList: // "a;b": the names in the codes' order, "; " between them
				sel = append(sel, fmt.Sprintf(`(SELECT string_agg(g.%[1]s, '; ' ORDER BY u.i) FROM (SELECT unnest(string_split(r.%[2]s, ';')) AS code,
        generate_subscripts(string_split(r.%[2]s, ';'), 1) AS i) u JOIN target_groups g ON g.code = u.code) AS %[3]s`, nameCol, c.Of, c.Name))
			case col.Kind == data.KindMunicipality:
				joins = append(joins, fmt.Sprintf("LEFT JOIN municipalities %s ON %s.code = r.%s", alias, alias, c.Of))
				sel = append(sel, fmt.Sprintf("%s.name AS %s", alias, c.Name))
			default:
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
	from := d.Name + "_rows"
	switch {
	case o != nil && f.Edition != 0:
		from = d.Name
		where = append(where, "r.year = "+arg(o.edition[0]), visibleAsOf("r", arg(o.edition[1])))
	case f.Edition != 0:
		// the edition's rows, whatever was published since: its year's rows as of its batch
		where = append(where, fmt.Sprintf(`EXISTS (SELECT 1 FROM editions e WHERE e.id = %s AND e.year = r.year AND %s)`,
			arg(f.Edition), visibleAsOf("r", "e.as_of_batch")))
	case o != nil:
		from = d.Name
		years := slices.Sorted(maps.Keys(o.cuts))
		var pairs []string
		for _, y := range years {
			pairs = append(pairs, fmt.Sprintf("%d: %d", y, o.cuts[y]))
		}
		cut := "NULL::BIGINT"
		if len(pairs) > 0 {
			cut = "MAP {" + strings.Join(pairs, ", ") + "}[r.year]"
		}
		where = append(where, "CASE WHEN "+arg(f.Draft)+" THEN "+draftVisible("r")+" ELSE "+publishedVisible("r", cut)+" END")
	default:
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
	if f.Batch != 0 {
		where = append(where, "r.batch_id = "+arg(f.Batch))
	}
	order := loadOrder
	if o != nil {
		order = ""
	}
	q := fmt.Sprintf("SELECT %s\nFROM %s r\n%s\nWHERE %s%s",
		strings.Join(sel, ", "), from, strings.Join(joins, "\n"), strings.Join(where, "\n  AND "), order)
	return q, args, nil
}

// municipalityNameList is a list literal of every municipality's name at its code (1-based, as SQL indexes
// lists; NULL elsewhere): a name by its code without a join.
func municipalityNameList() string {
	ms := data.Municipalities()
	top := 0
	for _, m := range ms {
		top = max(top, m.Code)
	}
	names := make([]string, top)
	for i := range names {
		names[i] = "NULL"
	}
	for _, m := range ms {
		names[m.Code-1] = sqlString(m.Name)
	}
	return "[" + strings.Join(names, ", ") + "]::VARCHAR[]"
}

// groupNameCase is a CASE naming the target group whose code is expr in lang (NULL for an unknown code).
func groupNameCase(expr, lang string) string {
	var b strings.Builder
	b.WriteString("CASE " + expr)
	for _, g := range data.TargetGroups() {
		name := g.NameDA
		if lang == "en" {
			name = g.NameEN
		}
		b.WriteString(" WHEN " + sqlString(g.Code) + " THEN " + sqlString(name))
	}
	b.WriteString(" END")
	return b.String()
}

// loadOrder ends every extract's query: the rows in the order they were loaded.
const loadOrder = "\nORDER BY r.batch_id, r.line"

// SortedUpTo is the number of rows of a dataset's table up to which its extracts are sorted into load order
// by their ORDER BY. A larger table is read in load order as it lies, which DuckDB keeps through a scan's
// filters and projections (preserve_insertion_order) but not through a join (a COPY of 5 million rows through
// the rows view's join had 1,7 million rows out of place): so without joins (inOrder). The sort held every row
// in memory: 1,2 GiB peak RSS for 10 million rows, against 0,3 GiB without it, and 2,4 times the time.
// Tests set it to 0 to read the demo's small tables the way of a large one.
var SortedUpTo int64 = 100_000

// extractSQL is ExtractSQL's query for d under f as the store runs it: without the sort when d's table is
// larger than SortedUpTo rows.
func (s *Store) extractSQL(ctx context.Context, d *data.Dataset, f ExtractFilter) (string, []any, error) {
	q, args, err := ExtractSQL(d, f)
	if err != nil {
		return "", nil, err
	}
	var n int64
	err = s.db.QueryRowContext(ctx, `SELECT coalesce(sum(estimated_size), 0)::BIGINT FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $1`, d.Name).Scan(&n)
	// the public's survey is sorted whatever its size: the approvals are a join (a survey is small)
	if err != nil || n <= SortedUpTo || f.ApprovedComments {
		return q, args, err
	}
	eds, err := s.Editions(ctx) // newest first
	if err != nil {
		return "", nil, fmt.Errorf("store: extract: %w", err)
	}
	o := &inOrder{cuts: map[int]int64{}, edition: [2]int64{0, -1}} // no such edition: no rows, as with the join
	for _, e := range eds {
		if _, ok := o.cuts[e.Year]; !ok {
			o.cuts[e.Year] = e.AsOfBatch // the year's latest
		}
		if e.ID == f.Edition {
			o.edition = [2]int64{int64(e.Year), e.AsOfBatch}
		}
	}
	return extractQuery(d, f, o)
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

// CopyParquet writes the extract of d under f as Parquet with DuckDB's own COPY: ZSTD, row groups of
// 122.880 rows, DuckDB's types (DECIMAL, INTEGER, BIGINT, BOOLEAN, VARCHAR), the key-value metadata kv; to
// the file path, or with partitionBy (columns) a Hive-partitioned folder at path (the partition columns in
// the paths only). The filters stay placeholders: they go into a temporary table of the connection, which
// the statement reads (COPY itself takes no parameters). It returns the rows written.
func (s *Store) CopyParquet(ctx context.Context, d *data.Dataset, f ExtractFilter, path string, kv map[string]string, partitionBy []string) (int64, error) {
	q, args, err := s.extractSQL(ctx, d, f)
	if err != nil {
		return 0, err
	}
	if len(partitionBy) > 0 {
		q = strings.TrimSuffix(q, loadOrder) // a partitioned COPY writes each partition in its own files
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	s.counts.queries.Add(1)
	if len(args) > 0 {
		var cols []string
		for i, a := range args {
			t := "BIGINT"
			switch a.(type) {
			case bool:
				t = "BOOLEAN"
			case string:
				t = "VARCHAR"
			}
			cols = append(cols, fmt.Sprintf("$%d::%s AS a%d", i+1, t, i+1))
		}
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE extract_args AS SELECT "+strings.Join(cols, ", "), args...); err != nil {
			return 0, fmt.Errorf("store: extract: %w", err)
		}
		defer conn.ExecContext(context.Background(), "DROP TABLE IF EXISTS temp.extract_args")
		// each argument as a variable of the connection, which the query reads as a constant (a subquery
		// would be a join, and a join does not keep the table's order: extractSQL)
		for i := len(args); i >= 1; i-- { // $10 before $1
			v := fmt.Sprintf("kapacitet_extract_a%d", i)
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("SET VARIABLE %s = (SELECT a%d FROM temp.extract_args)", v, i)); err != nil {
				return 0, fmt.Errorf("store: extract: %w", err)
			}
			defer conn.ExecContext(context.Background(), "RESET VARIABLE "+v)
			q = strings.ReplaceAll(q, fmt.Sprintf("$%d", i), fmt.Sprintf("getvariable('%s')", v))
		}
	}
	opts := []string{"FORMAT parquet", "COMPRESSION zstd", "ROW_GROUP_SIZE 122880"}
	if len(kv) > 0 {
		var pairs []string
		for _, k := range sortedStrings(kv) {
			pairs = append(pairs, fmt.Sprintf("%s: %s", sqlString(k), sqlString(kv[k])))
		}
		opts = append(opts, "KV_METADATA {"+strings.Join(pairs, ", ")+"}")
	}
	if len(partitionBy) > 0 {
		for _, c := range partitionBy {
			if _, ok := d.Column(c); !ok {
				return 0, fmt.Errorf("store: extract: %s has no column %s", d.Name, c)
			}
		}
		opts = append(opts, "PARTITION_BY ("+strings.Join(partitionBy, ", ")+")", "OVERWRITE_OR_IGNORE")
	}
	res, err := conn.ExecContext(ctx, fmt.Sprintf("COPY (%s) TO %s (%s)", q, sqlString(path), strings.Join(opts, ", ")))
	if err != nil {
		return 0, fmt.Errorf("store: extract: %w", err)
	}
	return res.RowsAffected()
}

// sqlString is s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func sortedStrings(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
