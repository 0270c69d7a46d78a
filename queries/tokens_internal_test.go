package queries

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The database holds a token's SHA-256, never the token: no column of any row contains it.
func TestTokenStoredAsHash(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	secret, err := st.CreateToken(ctx, "a", "admin", "test")
	if err != nil {
		t.Fatal(err)
	}
	var row string
	if err := st.db.QueryRowContext(ctx, `SELECT t::VARCHAR FROM tokens t`).Scan(&row); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(row, secret) || strings.Contains(row, secret[4:]) {
		t.Errorf("the token is stored: %s", row)
	}
	if !strings.Contains(row, "a") || len(secret) != 4+43 {
		t.Errorf("row %s, token %q", row, secret)
	}
}
