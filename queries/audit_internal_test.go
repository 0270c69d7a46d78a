package queries

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// A database made before tokens could expire and before the audit log opens: its tokens never expire, its
// audit log is empty and is written from then on.
func TestMigrateToExpiryAndAudit(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.duckdb")
	db, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"schema/001_batches.sql", "schema/002_editions.sql", "schema/003_tokens.sql", "schema/004_assessments.sql", "schema/005_exports.sql"} {
		b, _ := sqlFS.ReadFile(name)
		if _, err := db.ExecContext(ctx, string(b)); err != nil {
			t.Fatal(name, err)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO tokens (name, role, hash, created_by) VALUES ('gammel', 'admin', $1, 'cli')`, TokenHash("kap_old")); err != nil {
		t.Fatal(err)
	}
	db.Close()

	st, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tk, ok, err := st.TokenFor(ctx, "kap_old")
	if err != nil || !ok || tk.Name != "gammel" || tk.ExpiresAt != nil {
		t.Errorf("the old token: %+v %v %v", tk, ok, err)
	}
	if l, err := st.AuditLog(ctx, "", 10); err != nil || len(l) != 0 {
		t.Errorf("the audit log of an old database: %v %v", l, err)
	}
	if err := st.RevokeToken(ctx, "gammel", "cli:ops"); err != nil {
		t.Fatal(err)
	}
	if l, err := st.AuditLog(ctx, "", 10); err != nil || len(l) != 1 || l[0].Action != "token_revoke" {
		t.Errorf("the audit log after a revocation: %v %v", l, err)
	}
	st.Close()
	// opened again: the schema files run again and change nothing
	st2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	if l, err := st2.AuditLog(ctx, "", 10); err != nil || len(l) != 1 {
		t.Errorf("the audit log reopened: %v %v", l, err)
	}
}
