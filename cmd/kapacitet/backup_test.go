package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/queries"
)

// `backup` runs inside the server while it serves the database (relative paths are the caller's); `restore`
// makes a new file from it, the same tables and kept files, and refuses a file that exists, changing nothing.
func TestBackupAndRestore(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	db := filepath.Join(dir, "k.duckdb")
	if _, errOut, code := cli(t, "demo", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	_, stop := serveFor(t, db)
	before := socketCommands.Load()
	out, errOut, code := cli(t, "backup", "b", "--db", "k.duckdb")
	if code != 0 || !strings.Contains(out, "Backup of k.duckdb in b:") {
		t.Fatalf("backup through the server: %d %q %q", code, out, errOut)
	}
	if n := socketCommands.Load() - before; n != 1 {
		t.Errorf("backup ran %d times inside the server, want once", n)
	}
	if _, err := queries.ReadManifest(filepath.Join(dir, "b")); err != nil {
		t.Fatal(err)
	}
	// a folder that is not empty
	if _, errOut, code := cli(t, "backup", "b", "--db", "k.duckdb"); code != 1 || !strings.Contains(errOut, "not empty") {
		t.Errorf("backup into a folder that is not empty: %d %q", code, errOut)
	}
	// restore never goes to a server: a served database exists, and is refused as such
	before = socketCommands.Load()
	if _, errOut, code := cli(t, "restore", "b", "--db", "k.duckdb"); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("restore onto the served database: %d %q", code, errOut)
	}
	if n := socketCommands.Load() - before; n != 0 {
		t.Errorf("restore ran inside the server")
	}
	stop()

	out, errOut, code = cli(t, "restore", "b", "--db", "r.duckdb")
	if code != 0 || !strings.Contains(out, "Restored r.duckdb from b") {
		t.Fatalf("restore: %d %q %q", code, out, errOut)
	}
	sums := func(path string) []queries.TableSum {
		st, err := queries.Open(context.Background(), path, queries.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		s, err := st.TableSums(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if a, b := sums(db), sums(filepath.Join(dir, "r.duckdb")); !reflect.DeepEqual(a, b) {
		t.Errorf("tables\noriginal %v\nrestored %v", a, b)
	}
	kept, _ := os.ReadDir(db + ".files")
	for _, f := range kept {
		x, _ := os.ReadFile(filepath.Join(db+".files", f.Name()))
		y, err := os.ReadFile(filepath.Join(dir, "r.duckdb.files", f.Name()))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("kept file %s: %v", f.Name(), err)
		}
	}
	if len(kept) == 0 {
		t.Error("no kept files compared")
	}
	gaps := func(path string) string {
		out, errOut, code := cli(t, "gaps", "--year", "2023", "--format", "json", "--db", path)
		if code != 0 {
			t.Fatal(errOut)
		}
		return out
	}
	if a, b := gaps("k.duckdb"), gaps("r.duckdb"); a != b || len(a) < 100 {
		t.Errorf("the published findings differ after the restore:\n%.300s\n%.300s", a, b)
	}

	// onto an existing file: refused, nothing changed
	was, _ := os.ReadFile("r.duckdb")
	if _, errOut, code := cli(t, "restore", "b", "--db", "r.duckdb"); code != 1 || !strings.Contains(errOut, "exists") || !strings.Contains(errOut, "nothing was changed") {
		t.Errorf("restore onto an existing file: %d %q", code, errOut)
	}
	if now, _ := os.ReadFile("r.duckdb"); !bytes.Equal(was, now) {
		t.Error("the existing file was changed")
	}
	// usage
	if _, _, code := cli(t, "restore", "--db", "x.duckdb"); code != 2 {
		t.Errorf("restore without DIR: exit %d, want 2", code)
	}
	if _, _, code := cli(t, "backup", "--db", "k.duckdb"); code != 2 {
		t.Errorf("backup without DIR: exit %d, want 2", code)
	}
	// a database that is not there is not made to be backed up
	if _, errOut, code := cli(t, "backup", "c", "--db", "none.duckdb"); code != 1 {
		t.Errorf("backup of no database: %d %q", code, errOut)
	}
	if _, err := os.Stat("none.duckdb"); !os.IsNotExist(err) {
		t.Errorf("backup made a database: %v", err)
	}
}

// A damaged backup is refused with the reason and leaves no database.
func TestRestoreOfADamagedBackupCLI(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if _, errOut, code := cli(t, "backup", "b", "--db", demoDB); code != 0 {
		t.Fatal(errOut)
	}
	m, err := queries.ReadManifest("b")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("b", "files", m.Files[0].Name)
	b, _ := os.ReadFile(path)
	os.WriteFile(path, append(b, '\n'), 0o600)
	_, errOut, code := cli(t, "restore", "b", "--db", "r.duckdb")
	if code != 1 || !strings.Contains(errOut, "damaged") || !strings.Contains(errOut, m.Files[0].Name) {
		t.Errorf("restore of a damaged backup: %d %q", code, errOut)
	}
	for _, p := range []string{"r.duckdb", "r.duckdb.wal", "r.duckdb.files"} {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is left: %v", p, err)
		}
	}
}
