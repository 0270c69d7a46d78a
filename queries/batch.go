package queries

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/kapacitet/kapacitet/data"
)

// NewBatch is a validated file ready to load: its rows (in the dataset's column order, derived columns
// filled) with the line each came from.
type NewBatch struct {
	Dataset  *data.Dataset
	FileName string
	SHA256   string
	Rows     []data.Row
	Lines    []int
	LoadedBy string
	Demo     bool
	DryRun   bool // do everything, report it, then roll back
	// Staged, instead of Rows and Lines: validated rows written as canonical CSV files (see StagedColumns),
	// loaded with DuckDB's read_csv; Count, Years and Keys describe them.
	Staged []string
	// Fast, instead of Rows or Staged: a CSV file DuckDB reads and validates itself (see FastCSV); when it
	// is not plainly valid, LoadBatch returns ErrNotFast and changes nothing.
	Fast  *FastCSV
	Count int
	Years []int
	Keys  []string
	// Progress, when set, is told how many rows are staged in the transaction, every progressStep rows and
	// at the end (for a progress bar, and for the crash test).
	Progress func(staged, total int)
	// BeforeCommit, when set, runs after everything else and before the commit; an error rolls back (ingest
	// waits there for the original file to be on disk).
	BeforeCommit func() error
	// RestoreOf, when not 0, is the batch this one restores (RestoreBatch): the audit log says restore
	// rather than ingest.
	RestoreOf int64
}

const progressStep = 10000

// BatchResult says what a load did.
type BatchResult struct {
	ID        int64
	Rows      int
	Replaced  int  // earlier rows replaced
	Duplicate bool // the same file was already loaded and is in force: nothing was done
	DryRun    bool // everything was done and then rolled back
	Summary   []SummaryLine
}

// SummaryLine counts the rows a batch added and replaced for one year and target group ("" for datasets
// without target groups).
type SummaryLine struct {
	Year        int    `json:"year"`
	TargetGroup string `json:"target_group,omitempty"`
	Added       int    `json:"added"`
	Replaced    int    `json:"replaced"`
}

// LoadBatch loads a batch in one transaction: it records the batch, inserts its rows and marks as replaced
// the current rows of earlier batches that share its replacement key values. Loading a file that is
// already in force (same dataset and SHA-256) changes nothing and returns Duplicate. The batch's entry of the
// audit log (ingest, or restore) is written in the same transaction.
func (s *Store) LoadBatch(ctx context.Context, b NewBatch) (BatchResult, error) {
	s.write.Lock()
	defer s.write.Unlock()
	d := b.Dataset
	// One connection, one explicit transaction: the Appender appends inside the connection's transaction,
	// so the batch record, its rows and the replacement commit or roll back together.
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return BatchResult{}, fmt.Errorf("store: connect: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return BatchResult{}, fmt.Errorf("store: begin: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()

	var prevID int64
	var prevStatus string
	err = conn.QueryRowContext(ctx, query("batch_by_sha"), d.Name, b.SHA256).Scan(&prevID, &prevStatus)
	if err == nil && prevStatus == "active" {
		return BatchResult{ID: prevID, Rows: max(len(b.Rows), b.Count), Duplicate: true}, nil
	}

	var id int64
	if err := conn.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) + 1 FROM batches").Scan(&id); err != nil {
		return BatchResult{}, fmt.Errorf("store: batch id: %w", err)
	}
	count, yearList, keyList := b.Count, b.Years, b.Keys
	var added []SummaryLine // the summary, when the rows were counted while loading
	switch {
	case b.Fast != nil:
		var fl fastLoad
		fl, err = insertFast(ctx, conn, d, id, b.Fast, b.Progress)
		count, yearList, keyList, added = fl.count, fl.years, fl.keys, fl.added
	case b.Staged != nil:
		err = insertStaged(ctx, conn, d, id, b)
	default:
		count, yearList, keyList = len(b.Rows), nil, nil
		years := map[int]bool{}
		keys := map[string]bool{}
		for _, r := range b.Rows {
			years[int(r["year"].(int64))] = true
			keys[KeyOf(d, r)] = true
		}
		for y := range years {
			yearList = append(yearList, y)
		}
		for k := range keys {
			keyList = append(keyList, k)
		}
		err = appendRows(conn, d, id, b)
	}
	if errors.Is(err, ErrNotFast) {
		return BatchResult{}, err
	}
	if err != nil {
		return BatchResult{}, fmt.Errorf("store: append rows: %w", err)
	}
	sort.Ints(yearList)
	sort.Strings(keyList)
	yearText := make([]string, len(yearList))
	for i, y := range yearList {
		yearText[i] = strconv.Itoa(y)
	}
	_, err = conn.ExecContext(ctx, `INSERT INTO batches (id, dataset, file_name, sha256, row_count, key_values, years, loaded_by, demo)
		VALUES ($1, $2, $3, $4, $5, $6, $7::INTEGER[], $8, $9)`,
		id, d.Name, b.FileName, b.SHA256, count, strings.Join(d.Key, "+")+": "+strings.Join(keyList, ", "),
		"["+strings.Join(yearText, ",")+"]", b.LoadedBy, b.Demo)
	if err != nil {
		return BatchResult{}, fmt.Errorf("store: record batch: %w", err)
	}

	var match []string
	for _, k := range d.Key {
		match = append(match, fmt.Sprintf("n.%[1]s IS NOT DISTINCT FROM t.%[1]s", k))
	}
	upd, err := conn.ExecContext(ctx, fmt.Sprintf(`UPDATE %[1]s AS t SET replaced_by = $1
		WHERE t.replaced_by IS NULL AND t.batch_id <> $1
		  AND EXISTS (SELECT 1 FROM %[1]s n WHERE n.batch_id = $1 AND %[2]s)`, d.Name, strings.Join(match, " AND ")), id)
	if err != nil {
		return BatchResult{}, fmt.Errorf("store: replace: %w", err)
	}
	replaced, _ := upd.RowsAffected()
	if replaced > 0 {
		_, err = conn.ExecContext(ctx, fmt.Sprintf(`UPDATE batches SET status = CASE
			WHEN EXISTS (SELECT 1 FROM %[1]s r WHERE r.batch_id = batches.id AND r.replaced_by IS NULL) THEN 'partly_superseded'
			ELSE 'superseded' END
			WHERE id IN (SELECT DISTINCT batch_id FROM %[1]s WHERE replaced_by = $1)`, d.Name), id)
		if err != nil {
			return BatchResult{}, fmt.Errorf("store: batch status: %w", err)
		}
	}
	res := BatchResult{ID: id, Rows: count, Replaced: int(replaced), DryRun: b.DryRun}
	if replaced == 0 && added != nil {
		res.Summary = added
	} else if res.Summary, err = summary(ctx, conn, d, id); err != nil {
		return BatchResult{}, err
	}
	if b.DryRun {
		return res, nil // the deferred ROLLBACK undoes everything
	}
	action, details := AuditIngest, map[string]any{"dataset": d.Name, "batch": id, "file": b.FileName, "rows": count, "replaced": replaced}
	if b.RestoreOf != 0 {
		action, details["restore_of"] = AuditRestore, b.RestoreOf
	}
	if b.Demo {
		details["demo"] = true
	}
	if err := audit(ctx, conn, b.LoadedBy, action, details); err != nil {
		return BatchResult{}, err
	}
	if _, err := conn.ExecContext(ctx, bumpDataVersion); err != nil {
		return BatchResult{}, fmt.Errorf("store: data version: %w", err)
	}
	if b.BeforeCommit != nil {
		if err := b.BeforeCommit(); err != nil {
			return BatchResult{}, err
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return BatchResult{}, fmt.Errorf("store: commit: %w", err)
	}
	committed = true
	s.counts.data.Add(1)
	return res, nil
}

// summary counts, inside the batch's transaction, the rows it added and replaced per year and target group.
func summary(ctx context.Context, conn *sql.Conn, d *data.Dataset, id int64) ([]SummaryLine, error) {
	q := fmt.Sprintf(`SELECT year, %[2]s AS g, count(*) FILTER (WHERE batch_id = $1), count(*) FILTER (WHERE replaced_by = $1)
		FROM %[1]s WHERE batch_id = $1 OR replaced_by = $1 GROUP BY ALL ORDER BY year, g`, d.Name, summaryGroup(d))
	var out []SummaryLine
	err := scanAll(ctx, conn, q, func(r *sql.Rows) error {
		var l SummaryLine
		err := r.Scan(&l.Year, &l.TargetGroup, &l.Added, &l.Replaced)
		out = append(out, l)
		return err
	}, id)
	if err != nil {
		return nil, fmt.Errorf("store: summary: %w", err)
	}
	return out, nil
}

// summaryGroup is the column a batch's summary counts rows by besides the year: the target group, or
// nothing (”).
func summaryGroup(d *data.Dataset) string {
	if _, ok := d.Column("target_group"); ok {
		return "target_group"
	}
	return "''"
}

// sortSummary orders summary lines by year and target group, as summary's ORDER BY does.
func sortSummary(l []SummaryLine) {
	sort.Slice(l, func(i, j int) bool {
		if l[i].Year != l[j].Year {
			return l[i].Year < l[j].Year
		}
		return l[i].TargetGroup < l[j].TargetGroup
	})
}

// dbValue converts a row value to what the Appender takes.
func dbValue(v any) driver.Value {
	switch x := v.(type) {
	case data.Hundredths:
		return duckdb.Decimal{Width: 18, Scale: 2, Value: big.NewInt(int64(x))}
	case []string:
		return strings.Join(x, ";")
	default:
		return v
	}
}

// ErrNotFound is returned when a batch does not exist.
var ErrNotFound = errors.New("not found")

// RestoredBy is who a restore's new batch names as having loaded it: "das (restore of batch 4)"
// (`kapacitet batches restore` and /admin).
func RestoredBy(who string, id int64) string { return fmt.Sprintf("%s (restore of batch %d)", who, id) }

// RestoreBatch brings back the rows of batch id as a new batch: the same file loaded again, so it replaces
// what replaced it (by the same replacement keys). A batch that is still in force is a no-op (Duplicate).
func (s *Store) RestoreBatch(ctx context.Context, id int64, by string) (BatchResult, error) {
	var b Batch
	var found bool
	list, err := s.Batches(ctx)
	if err != nil {
		return BatchResult{}, err
	}
	for _, x := range list {
		if x.ID == id {
			b, found = x, true
		}
	}
	if !found {
		return BatchResult{}, fmt.Errorf("store: batch %d: %w", id, ErrNotFound)
	}
	d, ok := data.DatasetByName(b.Dataset)
	if !ok {
		return BatchResult{}, fmt.Errorf("store: batch %d has unknown dataset %q", id, b.Dataset)
	}
	rows, lines, err := s.batchRows(ctx, d, id)
	if err != nil {
		return BatchResult{}, err
	}
	return s.LoadBatch(ctx, NewBatch{Dataset: d, FileName: b.FileName, SHA256: b.SHA256, Rows: rows, Lines: lines,
		LoadedBy: by, Demo: b.Demo, RestoreOf: id})
}

// batchRows reads every row a batch loaded, replaced or not, in file order.
func (s *Store) batchRows(ctx context.Context, d *data.Dataset, id int64) ([]data.Row, []int, error) {
	rs, err := s.db.QueryContext(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE batch_id = $1 ORDER BY line",
		rowColumns(d), d.Name), id)
	if err != nil {
		return nil, nil, fmt.Errorf("store: rows of batch %d: %w", id, err)
	}
	return scanDatasetRows(rs, d)
}

// appendRows appends the batch's rows with DuckDB's Appender, inside the connection's transaction.
func appendRows(conn *sql.Conn, d *data.Dataset, id int64, b NewBatch) error {
	cols := d.Columns
	names := append([]string{"batch_id"}, StagedColumns(d)...)
	return conn.Raw(func(dc any) error {
		app, err := duckdb.NewAppenderWithColumns(dc.(driver.Conn), "", "", d.Name, names)
		if err != nil {
			return err
		}
		args := make([]driver.Value, len(cols)+2)
		for i, r := range b.Rows {
			args[0], args[1] = id, int32(b.Lines[i])
			for j, c := range cols {
				args[j+2] = dbValue(r[c.Name])
			}
			if err := app.AppendRow(args...); err != nil {
				app.Close()
				return fmt.Errorf("line %d: %w", b.Lines[i], err)
			}
			if b.Progress != nil && (i+1)%progressStep == 0 {
				if err := app.Flush(); err != nil {
					app.Close()
					return err
				}
				b.Progress(i+1, len(b.Rows))
			}
		}
		if err := app.Close(); err != nil {
			return err
		}
		if b.Progress != nil {
			b.Progress(len(b.Rows), len(b.Rows))
		}
		return nil
	})
}

// StagedColumns are the columns of a canonical staging file, in order: the file's line, then the dataset's
// stored columns (not the derived ones, which the database computes). Values are canonical (codes, "16.90",
// true/false), an empty field is NULL.
func StagedColumns(d *data.Dataset) []string {
	names := []string{"line"}
	for _, c := range d.Columns {
		names = append(names, c.Name)
	}
	return names
}

// insertStaged loads the canonical staging files with DuckDB's own CSV reader, typed by the dataset's
// definition, one file at a time (progress after each).
func insertStaged(ctx context.Context, conn *sql.Conn, d *data.Dataset, id int64, b NewBatch) error {
	types := []string{"'line': 'INTEGER'"}
	for _, c := range d.Columns {
		types = append(types, fmt.Sprintf("'%s': '%s'", c.Name, sqlType(c.Kind)))
	}
	names := append([]string{"batch_id"}, StagedColumns(d)...)
	sel := append([]string{"$2"}, StagedColumns(d)...)
	q := fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM read_csv($1, header = true, auto_detect = false, delim = ',',
		quote = '"', escape = '"', nullstr = '', columns = {%s})`, d.Name, strings.Join(names, ", "), strings.Join(sel, ", "),
		strings.Join(types, ", "))
	staged := 0
	for _, f := range b.Staged {
		res, err := conn.ExecContext(ctx, q, f, id)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		staged += int(n)
		if b.Progress != nil {
			b.Progress(staged, b.Count)
		}
	}
	if staged != b.Count {
		return fmt.Errorf("staged %d rows, expected %d", staged, b.Count)
	}
	return nil
}

// KeyOf is a row's replacement key values, as the batch record lists them ("2023/851").
func KeyOf(d *data.Dataset, r data.Row) string {
	if len(d.Key) == 1 {
		return data.Text(r[d.Key[0]])
	}
	var b strings.Builder
	for i, k := range d.Key {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(data.Text(r[k]))
	}
	return b.String()
}
