package queries_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// demoBackupDir is the folder of demoBackup, removed when the tests end.
var demoBackupDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if demoBackupDir != "" {
		os.RemoveAll(demoBackupDir)
	}
	os.Exit(code)
}

// demoBackup is a demo database (published, with tokens and logged exports) and a backup of it, made once
// for the tests: they copy the backup before they change it.
var demoBackup = sync.OnceValues(func() (string, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kapacitet-backup")
	if err != nil {
		return "", err
	}
	demoBackupDir = dir
	st, err := queries.Open(ctx, filepath.Join(dir, "k.duckdb"), queries.Options{})
	if err != nil {
		return "", err
	}
	defer st.Close()
	if _, err := dashboards.LoadDemo(ctx, st, analysis.DefaultConfig()); err != nil {
		return "", err
	}
	if _, err := st.CreateToken(ctx, "ops", "admin", "cli"); err != nil {
		return "", err
	}
	for _, n := range []int64{3, 5} {
		if err := st.LogExport(ctx, queries.ExportEntry{Who: "cli", Role: "admin", Dataset: "demand", Format: "csv", Rows: n}); err != nil {
			return "", err
		}
	}
	if _, err := st.Backup(ctx, filepath.Join(dir, "backup"), "test"); err != nil {
		return "", err
	}
	return dir, nil
})

// copyBackup copies the demo backup to a new folder of the test.
func copyBackup(t *testing.T) (db, backup string) {
	t.Helper()
	dir, err := demoBackup()
	if err != nil {
		t.Fatal(err)
	}
	backup = filepath.Join(t.TempDir(), "moved") // another path than the export's: load.sql must follow
	if err := os.CopyFS(backup, os.DirFS(filepath.Join(dir, "backup"))); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, "k.duckdb"), backup
}

// A backup restored to a new file is the same database: every table's rows (by count and checksum), every
// edition with its texts, every kept file byte for byte; its views answer, it opens as a store, and its
// sequences go on where they were.
func TestBackupRoundTrip(t *testing.T) {
	ctx := context.Background()
	db, backup := copyBackup(t)
	target := filepath.Join(t.TempDir(), "sub", "restored.duckdb")
	m, err := queries.Restore(ctx, backup, target, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) == 0 || len(m.Missing) > 0 || len(m.Views) < len(data.Datasets)+1 {
		t.Errorf("manifest: %d files, missing %v, views %v", len(m.Files), m.Missing, m.Views)
	}
	orig, err := queries.Open(ctx, db, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	rest, err := queries.Open(ctx, target, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rest.Close()

	a, err := orig.TableSums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, err := rest.TableSums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(a, m.Tables) {
		t.Errorf("tables\noriginal %v\nrestored %v\nmanifest %v", a, b, m.Tables)
	}
	var rows int64
	for _, s := range a {
		rows += s.Rows
		if s.Name == "demand" && s.Rows == 0 {
			t.Error("no demand rows: nothing was compared")
		}
	}
	ca, _ := orig.Checksum(ctx)
	cb, err := rest.Checksum(ctx)
	if err != nil || ca != cb {
		t.Errorf("checksum\n%s\n%s %v", ca, cb, err)
	}

	ea, err := orig.Editions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	eb, err := rest.Editions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ea) == 0 || len(ea) != len(eb) {
		t.Fatalf("editions: %d, restored %d", len(ea), len(eb))
	}
	for i := range ea {
		if ea[i].ID != eb[i].ID || ea[i].Year != eb[i].Year || ea[i].Number != eb[i].Number || ea[i].AsOfBatch != eb[i].AsOfBatch ||
			!ea[i].PublishedAt.Equal(eb[i].PublishedAt) || ea[i].PublishedBy != eb[i].PublishedBy {
			t.Errorf("edition %d: %+v, restored %+v", i, ea[i], eb[i])
		}
		for _, lang := range []string{"da", "en"} {
			ta, err := orig.EditionTexts(ctx, ea[i].ID, lang)
			if err != nil {
				t.Fatal(err)
			}
			tb, err := rest.EditionTexts(ctx, ea[i].ID, lang)
			if err != nil {
				t.Fatal(err)
			}
			if len(ta.Findings) == 0 || !bytes.Equal(ta.Findings, tb.Findings) || !bytes.Equal(ta.Corrections, tb.Corrections) {
				t.Errorf("edition %d %s: the texts differ (%d and %d bytes of findings)", ea[i].ID, lang, len(ta.Findings), len(tb.Findings))
			}
		}
	}
	la, _ := orig.LatestEditions(ctx)
	lb, err := rest.LatestEditions(ctx)
	if err != nil || len(la) != len(lb) {
		t.Errorf("latest editions (a view): %v %v %v", la, lb, err)
	}
	for _, v := range []queries.View{{Draft: true}, {}} { // through the datasets' _rows views
		ya, _ := orig.Years(ctx, v)
		yb, err := rest.Years(ctx, v)
		if err != nil || len(ya) == 0 || !reflect.DeepEqual(ya, yb) {
			t.Errorf("years %+v: %v, restored %v %v", v, ya, yb, err)
		}
	}
	va, _ := orig.DataVersion(ctx)
	vb, err := rest.DataVersion(ctx)
	if err != nil || va != vb || va == 0 {
		t.Errorf("data version %d, restored %d %v", va, vb, err)
	}

	// every kept file, byte for byte, and no other
	entries, err := os.ReadDir(orig.FilesDir())
	if err != nil {
		t.Fatal(err)
	}
	restored, _ := os.ReadDir(rest.FilesDir())
	if len(entries) == 0 || len(entries) != len(restored) || len(entries) != len(m.Files) {
		t.Errorf("%d kept files, %d restored, %d in the manifest", len(entries), len(restored), len(m.Files))
	}
	for _, e := range entries {
		x, _ := os.ReadFile(filepath.Join(orig.FilesDir(), e.Name()))
		y, err := os.ReadFile(filepath.Join(rest.FilesDir(), e.Name()))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("kept file %s: restored %d bytes of %d, %v", e.Name(), len(y), len(x), err)
		}
	}

	// the export log's sequence goes on after the ids it gave
	if err := rest.LogExport(ctx, queries.ExportEntry{Who: "cli", Role: "admin", Dataset: "demand", Format: "csv", Rows: 7}); err != nil {
		t.Errorf("an export logged after the restore: %v", err)
	}
	log, err := rest.ExportLog(ctx, 10)
	if err != nil || len(log) != 3 {
		t.Errorf("export log after the restore: %v %v", log, err)
	}
	// the token still authenticates nothing new but is there; tokens are in the table sums above
	if toks, err := rest.Tokens(ctx); err != nil || len(toks) != 1 || toks[0].Name != "ops" {
		t.Errorf("tokens: %v %v", toks, err)
	}
}

// Restoring onto an existing file is refused and changes nothing; so is backing up into a folder that is not
// empty.
func TestRestoreRefusesAnExistingTarget(t *testing.T) {
	ctx := context.Background()
	db, backup := copyBackup(t)
	target := filepath.Join(t.TempDir(), "k.duckdb")
	os.WriteFile(target, []byte("not mine"), 0o600)
	_, err := queries.Restore(ctx, backup, target, queries.Options{})
	if !errors.Is(err, queries.ErrBackupTarget) || !strings.Contains(err.Error(), target) {
		t.Errorf("restore onto an existing file: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "not mine" {
		t.Errorf("the existing file was changed: %q", b)
	}
	for _, p := range []string{target + ".files", target + ".wal", target + ".tmp"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s was made: %v", p, err)
		}
	}

	st, err := queries.Open(ctx, db, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = st.Backup(ctx, backup, "test")
	if !errors.Is(err, queries.ErrBackupTarget) || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("backup into a folder that is not empty: %v", err)
	}
	if _, err := queries.ReadManifest(backup); err != nil {
		t.Errorf("the backup in the folder was harmed: %v", err)
	}
}

// A damaged backup (a table's file, a kept file, or rows that no longer match the checksums) is refused with
// the reason, and leaves no database behind.
func TestRestoreOfADamagedBackup(t *testing.T) {
	ctx := context.Background()
	flip := func(path string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		b[len(b)/2] ^= 0x01
		os.WriteFile(path, b, 0o600)
	}
	cases := []struct {
		name, want string
		damage     func(t *testing.T, backup string, m *queries.BackupManifest)
	}{
		{"table file", "has changed since the backup", func(t *testing.T, backup string, m *queries.BackupManifest) {
			flip(filepath.Join(backup, "db", exportFile(t, m, "edition_texts")))
		}},
		{"kept file", "has changed since the backup", func(t *testing.T, backup string, m *queries.BackupManifest) {
			flip(filepath.Join(backup, "files", m.Files[0].Name))
		}},
		{"no manifest", "has no manifest.json", func(t *testing.T, backup string, m *queries.BackupManifest) {
			os.Remove(filepath.Join(backup, queries.ManifestName))
		}},
		{"rows", "table edition_texts has checksum", func(t *testing.T, backup string, m *queries.BackupManifest) {
			// a well-formed table file with other rows, and a manifest that vouches for the file: only the
			// checksum after the import can tell
			name := exportFile(t, m, "edition_texts")
			path := filepath.Join(backup, "db", name)
			scratch, err := sql.Open("duckdb", "")
			if err != nil {
				t.Fatal(err)
			}
			defer scratch.Close()
			other := path + ".new"
			q := `COPY (SELECT * REPLACE (findings || ' ' AS findings) FROM read_parquet('` + path + `')) TO '` + other + `' (FORMAT parquet)`
			if _, err := scratch.Exec(q); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(other, path); err != nil {
				t.Fatal(err)
			}
			b, _ := os.ReadFile(path)
			for i := range m.Export {
				if m.Export[i].Name == name {
					m.Export[i].Size = int64(len(b))
					m.Export[i].SHA256 = sha(b)
				}
			}
			mb, _ := json.Marshal(m)
			os.WriteFile(filepath.Join(backup, queries.ManifestName), mb, 0o600)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, backup := copyBackup(t)
			m, err := queries.ReadManifest(backup)
			if err != nil {
				t.Fatal(err)
			}
			c.damage(t, backup, m)
			target := filepath.Join(t.TempDir(), "restored.duckdb")
			_, err = queries.Restore(ctx, backup, target, queries.Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("restore of a backup with a damaged %s: %v, want %q", c.name, err, c.want)
			}
			left, _ := os.ReadDir(filepath.Dir(target))
			if len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

// exportFile is the name of a table's data file in the export (db/).
func exportFile(t *testing.T, m *queries.BackupManifest, table string) string {
	t.Helper()
	for _, f := range m.Export {
		if strings.TrimSuffix(filepath.Base(f.Name), ".parquet") == table {
			return f.Name
		}
	}
	t.Fatalf("no export file of %s in %v", table, m.Export)
	return ""
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// A backup taken while batches are loaded holds whole batches: every batch it has with all of its rows.
func TestBackupDuringIngest(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := queries.Open(ctx, filepath.Join(dir, "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, _ := data.DatasetByName("population")
	load := func(i int) error {
		var rows []data.Row
		for _, m := range []int64{851, 813, 860} {
			rows = append(rows, data.Row{"year": int64(2000 + i%20), "municipality": m, "inhabitants": int64(i)})
		}
		_, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "p.csv", SHA256: sha([]byte{byte(i), byte(i >> 8)}),
			Rows: rows, Lines: []int{2, 3, 4}})
		return err
	}
	if err := load(0); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		for i := 1; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := load(i); err != nil {
				done <- err
				return
			}
		}
	}()
	m, err := st.Backup(ctx, filepath.Join(dir, "backup"), "test")
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	sums := map[string]int64{}
	for _, s := range m.Tables {
		sums[s.Name] = s.Rows
	}
	if sums["batches"] == 0 || sums["population"] != 3*sums["batches"] {
		t.Errorf("the backup has %d batches and %d rows of them, want 3 a batch", sums["batches"], sums["population"])
	}
	if _, err := queries.Restore(ctx, filepath.Join(dir, "backup"), filepath.Join(dir, "restored.duckdb"), queries.Options{}); err != nil {
		t.Fatal(err)
	}
}
