package queries_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

func TestOpenCreatesSchemaAndReference(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "k.duckdb")
	st, err := queries.Open(ctx, path, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	years, err := st.Years(ctx, queries.View{Draft: true})
	if err != nil || len(years) != 0 {
		t.Errorf("years of an empty database: %v %v", years, err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	// opening again applies the migrations idempotently
	st, err = queries.Open(ctx, path, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
}

func TestErrLockedIsASentence(t *testing.T) {
	if !errors.Is(errors.Join(queries.ErrLocked), queries.ErrLocked) || queries.ErrLocked.Error() == "" {
		t.Fatal("ErrLocked")
	}
}

// A batch that fails while its rows are appended leaves nothing behind: no batch, no rows.
func TestFailedLoadRollsBack(t *testing.T) {
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, _ := data.DatasetByName("population")
	good := data.Row{"year": int64(2023), "municipality": int64(851), "inhabitants": int64(222571)}
	bad := data.Row{"year": int64(2023), "municipality": int64(825), "inhabitants": "many"} // not a number: the append fails
	_, err = st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "p.csv", SHA256: "p", Rows: []data.Row{good, bad}, Lines: []int{2, 3}})
	if err == nil {
		t.Fatal("loading a bad value succeeded")
	}
	batches, err := st.Batches(ctx)
	if err != nil || len(batches) != 0 {
		t.Errorf("batches after a failed load: %v %v", batches, err)
	}
	res, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "p.csv", SHA256: "p", Rows: []data.Row{good}, Lines: []int{2}})
	if err != nil || res.Rows != 1 {
		t.Fatalf("load after rollback: %+v %v", res, err)
	}
}

// Occupancy compares occupied places with the places of the lines that report them.
func TestOccupancyUsesLinesWithOccupied(t *testing.T) {
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	offers, _ := data.DatasetByName("offers")
	capacity, _ := data.DatasetByName("capacity")
	load := func(d *data.Dataset, sha string, rows ...data.Row) {
		lines := make([]int, len(rows))
		if _, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: sha, SHA256: sha, Rows: rows, Lines: lines}); err != nil {
			t.Fatal(err)
		}
	}
	load(offers, "o", data.Row{"year": int64(2023), "offer_id": "T1", "name": "Tilbud", "operator": "Region", "ownership": "regional",
		"location": int64(851), "budgeted_occupancy": data.Hundredths(9500), "enhanced_cooperation": true})
	line := func(pt string, occ any) data.Row {
		return data.Row{"year": int64(2023), "offer_id": "T1", "location": int64(851), "ownership": "regional", "agreement": true,
			"place_type": pt, "target_group": "misbrug", "places": int64(10), "occupied": occ, "category": "socialaftale"}
	}
	load(capacity, "c", line("dag", nil), line("doegn", data.Hundredths(950)))
	occ, err := st.OfferOccupancy(ctx, queries.View{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(occ) != 1 || occ[0].Places != 10 || occ[0].OccupiedH != 950 || occ[0].BudgetedH != 9500 || !occ[0].Enhanced {
		t.Errorf("occupancy: %+v, want 9,5 of 10 places", occ)
	}
}

// At open, a kept file no batch refers to is removed; a ".part" of a committed batch is finished.
func TestCollectFiles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "k.duckdb")
	st, err := queries.Open(ctx, path, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := data.DatasetByName("population")
	row := data.Row{"year": int64(2023), "municipality": int64(851), "inhabitants": int64(1)}
	if _, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "p.csv", SHA256: "abc", Rows: []data.Row{row}, Lines: []int{2}}); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(st.FilesDir(), 0o700)
	os.WriteFile(filepath.Join(st.FilesDir(), "abc.csv.part"), []byte("x"), 0o600)
	os.WriteFile(filepath.Join(st.FilesDir(), "zzz.csv"), []byte("y"), 0o600)
	st.Close()
	st, err = queries.Open(ctx, path, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries, _ := os.ReadDir(st.FilesDir())
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != "abc.csv" {
		t.Errorf("files after open: %v, want [abc.csv]", names)
	}
}

// DuckDB's trim and Go's strings.TrimSpace agree on every white space rune except those in FastUntrimmed
// (and tab, CR, LF, which the fast path's files cannot have at a field's end).
func TestTrimMatchesGo(t *testing.T) {
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	excluded := map[string]bool{"\t": true, "\r": true, "\n": true}
	for _, s := range queries.FastUntrimmed {
		excluded[s] = true
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !unicode.IsSpace(r) || excluded[string(r)] {
			continue
		}
		in := "a" + string(r)
		got, err := st.TrimText(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.TrimSpace(in); got != want {
			t.Errorf("U+%04X: DuckDB trims to %q, Go to %q: add it to FastUntrimmed", r, got, want)
		}
	}
}

// A database made when derived columns (capacity's category) were stored is rebuilt once when opened: the
// rows stay, and the category is computed by the database from then on.
func TestMigratesStoredDerivedColumns(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	st, err := queries.Open(ctx, path, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	// the old layout, written by hand: category stored, as the code before wrote it
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DROP TABLE capacity`,
		`CREATE TABLE capacity (batch_id BIGINT NOT NULL, line INTEGER NOT NULL, replaced_by BIGINT, year INTEGER,
			offer_id VARCHAR, location INTEGER, ownership VARCHAR, agreement BOOLEAN, place_type VARCHAR,
			target_group VARCHAR, places BIGINT, occupied DECIMAL(18,2), category VARCHAR)`,
		`INSERT INTO capacity VALUES (1, 2, NULL, 2023, NULL, 851, 'kommunal', true, 'dag', 'misbrug', 7, NULL, 'socialaftale'),
			(1, 3, NULL, 2023, NULL, 851, 'privat', false, 'dag', 'misbrug', 4, NULL, 'privat')`,
		`INSERT INTO batches (id, dataset, file_name, sha256, row_count, key_values, years, loaded_by)
			VALUES (1, 'capacity', 'c.csv', 'x', 2, 'year+location: 2023/851', [2023], 'test')`,
		`DELETE FROM meta WHERE key = 'derived_columns'`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()
	st, err = queries.Open(ctx, path, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := data.DatasetByName("capacity")
	rows, err := st.DatasetRows(ctx, d, queries.View{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0]["category"] != "socialaftale" || rows[1]["category"] != "privat" || rows[0]["places"] != int64(7) {
		t.Errorf("rows after the migration: %v", rows)
	}
	st.Close()
	// the category is computed now: it cannot be written
	db, err = sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `INSERT INTO capacity (batch_id, line, year, category) VALUES (2, 2, 2023, 'x')`); err == nil {
		t.Error("category is still a stored column")
	}
}
