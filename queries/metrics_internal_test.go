package queries

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// Ready holds while the last migration of the binary is the one the database records, and fails when the
// database is behind (as a file from an older binary, before it is opened by this one) or closed.
func TestReady(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.db.ExecContext(ctx, `UPDATE meta SET value = '001_batches.sql' WHERE key = 'schema'`); err != nil {
		t.Fatal(err)
	}
	if err := st.Ready(ctx); err == nil || !strings.Contains(err.Error(), "001_batches.sql applied") {
		t.Fatalf("behind: %v", err)
	}
	st.Close()
	if err := st.Ready(ctx); err == nil {
		t.Fatal("closed: ready")
	}
}
