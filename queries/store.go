// Package queries is the only package with SQL: it owns the DuckDB file (schema, migrations, batches and
// replacement, publishing) and answers the typed reads the analysis and the pages need.
package queries

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver

	"github.com/kapacitet/kapacitet/data"
)

//go:embed schema/*.sql sql/*.sql
var sqlFS embed.FS

// DuckDB's settings when Options leave them 0 (KAPACITET_MEMORY_LIMIT, KAPACITET_THREADS). DuckDB fills its
// buffers up to the memory limit: with 1GB a process exporting 10 million rows reached 515 MiB, with 512MB
// 366 MiB at 0,94 of the speed (docs/BENCHMARKS.md), so 512MB keeps a server under half a gigabyte.
const (
	DefaultMemoryLimit = "512MB"
	DefaultThreads     = 2
)

// Options are the DuckDB settings; zero values take the defaults.
type Options struct {
	MemoryLimit string // e.g. "512MB"
	Threads     int
	TempDir     string // default: <db>.tmp next to the file
}

// Store owns the DuckDB handle. Writes (batches, publishing) are serialised by a mutex; reads run in
// parallel.
type Store struct {
	*Reader  // reads outside a transaction; see Read
	db       *sql.DB
	path     string
	write    *sync.Mutex   // shared with borrowed copies
	frozen   *sync.Map     // decoded edition texts, by edition and language (see Reader.Frozen)
	borrowed bool          // a command's loan of the server's store: Close leaves it open
	counts   *counts       // shared with borrowed copies
	stop     chan struct{} // closed by Close: ends releaseLoop
}

// counts are what caches and metrics compare, kept in memory by the process that owns the database (every
// write goes through it, see cmd/kapacitet's one owner): the data version (every committed write, as the
// meta table's data_version), the editions published, and the queries the Readers sent.
type counts struct{ data, editions, approvals, queries atomic.Int64 }

// counted is a Reader's querier that counts what it sends.
type counted struct {
	q querier
	n *atomic.Int64
}

func (c counted) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n.Add(1)
	return c.q.QueryContext(ctx, query, args...)
}

func (c counted) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	c.n.Add(1)
	return c.q.QueryRowContext(ctx, query, args...)
}

// Versions are the data version (it changes with every committed write: an ingest, a publish, a token) and
// the number of editions (it changes with every publish), read from memory: no query.
func (s *Store) Versions() (data, editions int64) {
	return s.counts.data.Load(), s.counts.editions.Load()
}

// Approvals counts the comments approved since the store was opened (ApproveComment), read from memory:
// what viewers see changes with them as with the editions.
func (s *Store) Approvals() int64 { return s.counts.approvals.Load() }

// Queries counts the queries the Readers have sent (typed reads and token lookups): the queries a cache
// saved show here.
func (s *Store) Queries() int64 { return s.counts.queries.Load() }

// ErrLocked is returned by Open when another process holds the database file.
var ErrLocked = errors.New("the database is in use by another Kapacitet process: wait until it has finished (a long ingest or export), or, if it is `kapacitet serve`, run the command as the user who started it, so that it goes through the server's socket <db>.sock")

// Open opens or creates the DuckDB file at path, applies the schema and refreshes the reference tables.
func Open(ctx context.Context, path string, opt Options) (*Store, error) {
	if opt.MemoryLimit == "" {
		opt.MemoryLimit = DefaultMemoryLimit
	}
	if opt.Threads <= 0 {
		opt.Threads = DefaultThreads
	}
	if opt.TempDir == "" {
		opt.TempDir = path + ".tmp"
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	q := url.Values{}
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	q.Set("memory_limit", opt.MemoryLimit)
	q.Set("threads", fmt.Sprint(opt.Threads))
	q.Set("temp_directory", opt.TempDir)
	// the default, set because large extracts rely on it: a scan keeps the table's order (extractSQL)
	q.Set("preserve_insertion_order", "true")
	db, err := sql.Open("duckdb", path+"?"+q.Encode())
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		if strings.Contains(strings.ToLower(err.Error()), "could not set lock") {
			return nil, fmt.Errorf("store: %s: %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	frozen := &sync.Map{}
	cs := &counts{}
	s := &Store{Reader: &Reader{q: counted{db, &cs.queries}, frozen: frozen, raw: pooledRaw(db)}, db: db, path: path, write: &sync.Mutex{}, frozen: frozen, counts: cs}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	version, err := s.DataVersion(ctx)
	var editions int64
	if err == nil {
		err = db.QueryRowContext(ctx, `SELECT count(*) FROM editions`).Scan(&editions)
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: versions: %w", err)
	}
	s.counts.data.Store(version)
	s.counts.editions.Store(editions)
	if err := s.collectFiles(ctx); err != nil {
		db.Close()
		return nil, err
	}
	s.stop = make(chan struct{})
	go releaseLoop(s.stop)
	return s, nil
}

// FilesDir is the folder of kept original files, content-addressed: <db>.files/<sha256>.<ext>.
func (s *Store) FilesDir() string { return s.path + ".files" }

// collectFiles removes kept files that no batch refers to: what an ingest wrote before a crash (or a kill)
// stopped it from committing. A file is written before its batch commits, so a committed batch always has
// its file.
func (s *Store) collectFiles(ctx context.Context) error {
	entries, err := os.ReadDir(s.FilesDir())
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: files: %w", err)
	}
	known := map[string]bool{}
	rs, err := s.db.QueryContext(ctx, "SELECT DISTINCT sha256 FROM batches")
	if err != nil {
		return fmt.Errorf("store: files: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var sha string
		if err := rs.Scan(&sha); err != nil {
			return err
		}
		known[sha] = true
	}
	for _, e := range entries {
		path := filepath.Join(s.FilesDir(), e.Name())
		sha, _, _ := strings.Cut(e.Name(), ".")
		final, isPart := strings.CutSuffix(path, ".part")
		switch {
		case known[sha] && isPart:
			// the batch committed but the rename was lost (power cut): finish it
			if _, err := os.Stat(final); os.IsNotExist(err) {
				if err := os.Rename(path, final); err != nil {
					return fmt.Errorf("store: files: %w", err)
				}
				continue
			}
			fallthrough
		case !known[sha]:
			if err := os.Remove(path); err != nil {
				return fmt.Errorf("store: files: %w", err)
			}
		}
	}
	// Parquet files copied for reading, and the files staged (ingest/validate.go's stageDir), by an ingest
	// that was killed
	stale, _ := filepath.Glob(filepath.Join(s.path+".tmp", "ingest-*.parquet"))
	for _, pattern := range []string{"stage-*.csv", "fast-*.csv"} {
		staged, _ := filepath.Glob(filepath.Join(s.path+".tmp", "stage", pattern))
		stale = append(stale, staged...)
	}
	for _, f := range stale {
		os.Remove(f)
	}
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close closes the database (not a borrowed store's).
func (s *Store) Close() error {
	if s.borrowed {
		return nil
	}
	if s.stop != nil {
		close(s.stop)
		s.stop = nil
	}
	return s.db.Close()
}

// Borrow lends the store to a command run inside the server that owns it: the same handle and write lock,
// and a Close that leaves them open.
func (s *Store) Borrow() *Store {
	b := *s
	b.borrowed = true
	return &b
}

// migrate applies the embedded schema files in order, then the dataset tables generated from data/, then
// the reference tables.
func (s *Store) migrate(ctx context.Context) error {
	names := schemaFiles
	var stmts []string
	for _, n := range names {
		b, _ := sqlFS.ReadFile(n)
		stmts = append(stmts, string(b))
	}
	stmts = append(stmts, datasetDDL()...)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	defer tx.Rollback()
	var rebuild []string
	for i, st := range stmts {
		if i == len(names) { // the schema files ran, the dataset tables are next
			if rebuild, err = storedDerived(ctx, tx); err != nil {
				return fmt.Errorf("store: migrate: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("store: migrate: %w\n%s", err, st)
		}
	}
	for _, name := range rebuild {
		if err := copyBack(ctx, tx, name); err != nil {
			return fmt.Errorf("store: migrate %s: %w", name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO meta VALUES ('derived_columns', 'virtual'), ('schema', $1)`, lastSchema); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if err := loadReference(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// storedDerived moves aside the dataset tables of a database made before derived columns were virtual
// (they stored them; meta derived_columns is not 'virtual'), so that the dataset DDL creates them anew, and
// returns their names for copyBack.
func storedDerived(ctx context.Context, tx *sql.Tx) ([]string, error) {
	var mode string
	err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'derived_columns'`).Scan(&mode)
	if err == nil && mode == "virtual" {
		return nil, nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	var out []string
	for _, d := range data.Datasets {
		if len(d.Derived) == 0 {
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables() WHERE table_name = $1`, d.Name).Scan(&n); err != nil {
			return nil, err
		}
		if n == 0 {
			continue
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`ALTER TABLE %[1]s RENAME TO %[1]s_stored`, d.Name)); err != nil {
			return nil, err
		}
		out = append(out, d.Name)
	}
	return out, nil
}

// copyBack copies the rows of a table storedDerived moved aside into its new table, without the derived
// columns (the new table computes them), and drops the old one.
func copyBack(ctx context.Context, tx *sql.Tx, name string) error {
	d, _ := data.DatasetByName(name)
	cols := "batch_id, line, replaced_by"
	for _, c := range d.Columns {
		cols += ", " + c.Name
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO %[1]s (%[2]s) SELECT %[2]s FROM %[1]s_stored`, name, cols)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf(`DROP TABLE %s_stored`, name))
	return err
}

// query returns the text of a named query file (sql/NAME.sql).
func query(name string) string {
	b, err := sqlFS.ReadFile("sql/" + name + ".sql")
	if err != nil {
		panic("queries: no query " + name) // names are constants in this package
	}
	return string(b)
}

// derivedSQL is the SQL of a derived column (a virtual column of the table), as data's Derive computes it.
func derivedSQL(c data.Column) string {
	if c.Name == "category" {
		return `CASE WHEN ownership = 'regional' OR (ownership = 'kommunal' AND coalesce(agreement, false)) THEN 'socialaftale' ELSE ownership END`
	}
	return "NULL"
}

func sqlType(k data.Kind) string {
	switch k {
	case data.KindYear, data.KindMunicipality, data.KindScore:
		return "INTEGER"
	case data.KindInt:
		return "BIGINT"
	case data.KindDecimal:
		return "DECIMAL(18,2)"
	case data.KindBool:
		return "BOOLEAN"
	default:
		return "VARCHAR"
	}
}

// datasetDDL generates each dataset's table and its rows view from the definitions in data/. The view adds
// draft_visible (current rows) and published_visible (rows of the latest edition of their year: loaded by
// then and not replaced by then).
func datasetDDL() []string {
	var out []string
	for _, d := range data.Datasets {
		var cols []string
		for _, c := range d.Columns {
			cols = append(cols, fmt.Sprintf("    %s %s", c.Name, sqlType(c.Kind)))
		}
		for _, c := range d.Derived { // computed when read: nothing to write at ingest
			cols = append(cols, fmt.Sprintf("    %s %s GENERATED ALWAYS AS (%s) VIRTUAL", c.Name, sqlType(c.Kind), derivedSQL(c)))
		}
		out = append(out, fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
    batch_id BIGINT NOT NULL,
    line INTEGER NOT NULL,
    replaced_by BIGINT,
%s
)`, d.Name, strings.Join(cols, ",\n")))
		out = append(out, fmt.Sprintf(`CREATE OR REPLACE VIEW %[1]s_rows AS
SELECT t.*,
       %[2]s AS draft_visible,
       %[3]s AS published_visible
FROM %[1]s t
LEFT JOIN latest_editions e ON e.year = t.year`, d.Name, draftVisible("t"), publishedVisible("t", "e.as_of_batch")))
	}
	return out
}

// draftVisible says whether row t is current (a draft reader sees it): not replaced.
func draftVisible(t string) string { return t + ".replaced_by IS NULL" }

// visibleAsOf says whether row t was current when batch cut was the latest: loaded by then, not replaced by
// then (rows never change but for replaced_by, set once to a later batch).
func visibleAsOf(t, cut string) string {
	return fmt.Sprintf("%[1]s.batch_id <= %[2]s AND (%[1]s.replaced_by IS NULL OR %[1]s.replaced_by > %[2]s)", t, cut)
}

// publishedVisible says whether row t is in its year's latest edition, cut being that edition's batch
// (NULL: the year is not published).
func publishedVisible(t, cut string) string { return "coalesce(" + visibleAsOf(t, cut) + ", false)" }

// demoVisibleSQL asks whether any row a reader sees belongs to a demo batch, over every dataset.
func demoVisibleSQL() string {
	var parts []string
	for _, d := range data.Datasets {
		parts = append(parts, fmt.Sprintf(`EXISTS (SELECT 1 FROM %s_rows r JOIN batches b ON b.id = r.batch_id
    WHERE b.demo AND CASE WHEN $1 THEN r.draft_visible ELSE r.published_visible END)`, d.Name))
	}
	return "SELECT " + strings.Join(parts, "\n    OR ")
}

// loadReference refreshes the reference tables from the catalogues in data/.
func loadReference(ctx context.Context, tx *sql.Tx) error {
	stmts := []string{
		`CREATE OR REPLACE TABLE municipalities (code INTEGER PRIMARY KEY, name VARCHAR, region_code INTEGER, region_name VARCHAR)`,
		`CREATE OR REPLACE TABLE target_groups (code VARCHAR PRIMARY KEY, name_da VARCHAR, name_en VARCHAR, position INTEGER)`,
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return fmt.Errorf("store: reference: %w", err)
		}
	}
	for _, m := range data.Municipalities() {
		if _, err := tx.ExecContext(ctx, `INSERT INTO municipalities VALUES ($1, $2, $3, $4)`, m.Code, m.Name, m.RegionCode, m.RegionName); err != nil {
			return fmt.Errorf("store: reference: %w", err)
		}
	}
	for i, g := range data.TargetGroups() {
		if _, err := tx.ExecContext(ctx, `INSERT INTO target_groups VALUES ($1, $2, $3, $4)`, g.Code, g.NameDA, g.NameEN, i); err != nil {
			return fmt.Errorf("store: reference: %w", err)
		}
	}
	return nil
}

// Checksum summarises the content of every table (row count and a hash of each row), for tests and
// operators who must show that a failed ingest changed nothing.
func (s *Store) Checksum(ctx context.Context) (string, error) {
	tables := []string{"batches", "editions", "edition_texts", "tokens"}
	for _, d := range data.Datasets {
		tables = append(tables, d.Name)
	}
	var out []string
	for _, t := range tables {
		var n int64
		var h string
		q := fmt.Sprintf("SELECT count(*), coalesce(sum(hash(t))::VARCHAR, '0') FROM %s t", t)
		if err := s.db.QueryRowContext(ctx, q).Scan(&n, &h); err != nil {
			return "", fmt.Errorf("store: checksum %s: %w", t, err)
		}
		out = append(out, fmt.Sprintf("%s:%d:%s", t, n, h))
	}
	return strings.Join(out, " "), nil
}
