package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/queries"
)

// token create prints the token alone on the last line (letters, digits, - and _); the database keeps only
// its hash; list shows names and roles, revoke ends it, and the same name is not given twice.
func TestTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.duckdb")
	out, errOut, code := cli(t, "token", "create", "--role", "analyst", "--name", "Aalborg analytiker", "--db", db)
	if code != 0 {
		t.Fatalf("create: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{20,}$`).MatchString(secret) {
		t.Fatalf("the last line is not a token: %q", secret)
	}
	if _, _, code := cli(t, "token", "create", "--role", "admin", "--name", "Aalborg analytiker", "--db", db); code != 2 {
		t.Errorf("a second token of the same name: exit %d", code)
	}
	for _, bad := range [][]string{{"--role", "root", "--name", "x"}, {"--role", "admin"}} {
		if _, _, code := cli(t, append([]string{"token", "create", "--db", db}, bad...)...); code != 2 {
			t.Errorf("token create %v: exit %d, want 2", bad, code)
		}
	}
	st, err := queries.Open(context.Background(), db, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tok, ok, err := st.TokenFor(context.Background(), secret)
	if err != nil || !ok || tok.Role != "analyst" || tok.Name != "Aalborg analytiker" {
		t.Errorf("the token does not authenticate: %+v %v %v", tok, ok, err)
	}
	st.Close()
	out, _, _ = cli(t, "token", "list", "--db", db)
	if !strings.Contains(out, "Aalborg analytiker") || !strings.Contains(out, "analyst") || strings.Contains(out, secret) {
		t.Errorf("token list:\n%s", out)
	}
	if out, errOut, code := cli(t, "token", "revoke", "Aalborg analytiker", "--db", db); code != 0 || !strings.Contains(out, "revoked") {
		t.Errorf("revoke: %d %s %s", code, out, errOut)
	}
	if _, _, code := cli(t, "token", "revoke", "Aalborg analytiker", "--db", db); code != 2 {
		t.Errorf("revoke twice: exit %d, want 2", code)
	}
	st, err = queries.Open(context.Background(), db, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, ok, _ := st.TokenFor(context.Background(), secret); ok {
		t.Error("a revoked token still authenticates")
	}
}
