package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/kapacitet/kapacitet/queries"
)

func init() {
	// backup runs inside the server that owns the database, when one does (it reads under the store's write
	// lock); restore makes a new file, so it never goes to a server: it opens nothing that one owns.
	register(command{name: "backup", db: true, args: "DIR", run: runBackup,
		summary: "write a consistent copy of the database and its kept files to a new folder, with a manifest of checksums"})
	register(command{name: "restore", args: "DIR --db NEW.duckdb", run: runRestore,
		summary: "make a new database from a backup, checking every table and file against its manifest"})
}

func runBackup(e *env, args []string) error {
	f := newFlags(e, "backup")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("backup needs one DIR: a folder that does not exist or is empty")
	}
	if e.files != nil { // from another machine: the folder would be the server's
		return usagef("backup writes its folder beside the database: run it on the database's machine")
	}
	if e.store == nil {
		if _, err := os.Stat(f.db); err != nil {
			return fmt.Errorf("backup: %w", err) // not a new, empty database made to be backed up
		}
	}
	st, err := f.open(e)
	if err != nil {
		return err
	}
	defer st.Close()
	dir := e.path(pos[0])
	m, err := st.Backup(e.ctx, dir, version)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Backup of %s in %s: %d tables, %d rows, %d kept files (data version %d).\n",
		f.db, pos[0], len(m.Tables), m.Rows(), len(m.Files), m.DataVersion)
	if len(m.Missing) > 0 {
		fmt.Fprintf(e.stderr, "warning: %d batch(es) have no kept file to back up (SHA-256 %v)\n", len(m.Missing), m.Missing)
	}
	return nil
}

func runRestore(e *env, args []string) error {
	f := newFlags(e, "restore")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("restore needs one DIR, a backup, and --db NEW.duckdb, the database to make")
	}
	opt, err := storeOptions(e)
	if err != nil {
		return err
	}
	m, err := queries.Restore(e.ctx, e.path(pos[0]), e.path(f.db), opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Restored %s from %s (made %s): %d tables, %d rows, %d kept files, all as in the manifest.\n",
		f.db, pos[0], m.Created.Local().Format("2006-01-02 15:04"), len(m.Tables), m.Rows(), len(m.Files))
	return nil
}

// storeOptions are the DuckDB settings of the environment (KAPACITET_MEMORY_LIMIT, _THREADS, _TEMP_DIR).
func storeOptions(e *env) (queries.Options, error) {
	opt := queries.Options{MemoryLimit: e.getenv("KAPACITET_MEMORY_LIMIT"), TempDir: e.getenv("KAPACITET_TEMP_DIR")}
	if t := e.getenv("KAPACITET_THREADS"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 {
			return opt, usagef("KAPACITET_THREADS must be a whole number ≥ 1, not %q", t)
		}
		opt.Threads = n
	}
	return opt, nil
}
