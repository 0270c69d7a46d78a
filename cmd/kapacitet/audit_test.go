package main

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/queries"
)

// token create --expires: days or a Go duration; a token past its expiry no longer authenticates; list shows
// EXPIRES; an invalid --expires is a usage error that says what it takes.
func TestTokenExpires(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.duckdb")
	out, errOut, code := cli(t, "token", "create", "--role", "analyst", "--name", "kvartal", "--expires", "90d", "--db", db)
	if code != 0 {
		t.Fatalf("create --expires 90d: %d %s", code, errOut)
	}
	in90 := time.Now().Add(90 * 24 * time.Hour)
	if !strings.Contains(out, "valid until "+in90.Format("2006-01-02")) {
		t.Errorf("create does not say until when: %s", out)
	}
	if _, errOut, code := cli(t, "token", "create", "--role", "viewer", "--name", "time", "--expires", "2160h", "--db", db); code != 0 {
		t.Fatalf("create --expires 2160h: %d %s", code, errOut)
	}
	out, _, code = cli(t, "token", "create", "--role", "admin", "--name", "kort", "--expires", "1s", "--db", db)
	if code != 0 {
		t.Fatal(out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	short := lines[len(lines)-1]
	if _, _, code := cli(t, "token", "create", "--role", "viewer", "--name", "altid", "--db", db); code != 0 {
		t.Fatal("create without --expires")
	}
	for _, bad := range []string{"soon", "0d", "0s", "-5h", "90", "d", "1.5d", "99999999d"} {
		_, errOut, code := cli(t, "token", "create", "--role", "viewer", "--name", "x", "--expires", bad, "--db", db)
		if code != 2 || !strings.Contains(errOut, `invalid --expires "`+bad+`"`) || !strings.Contains(errOut, "90d") {
			t.Errorf("--expires %s: exit %d, %q", bad, code, errOut)
		}
	}
	time.Sleep(1100 * time.Millisecond)
	st, err := queries.Open(context.Background(), db, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.TokenFor(context.Background(), short); ok {
		t.Error("a token past its expiry authenticates")
	}
	st.Close()
	out, _, _ = cli(t, "token", "list", "--db", db)
	rows := map[string]string{}
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 0 {
			rows[f[0]] = l
		}
	}
	if !strings.Contains(rows["NAME"], "EXPIRES") {
		t.Errorf("list has no EXPIRES column:\n%s", out)
	}
	if !strings.Contains(rows["kvartal"], in90.Format("2006-01-02")) || !strings.Contains(rows["time"], in90.Format("2006-01-02")) {
		t.Errorf("list does not show the expiry of 90 days:\n%s", out)
	}
	if !strings.Contains(rows["kort"], "(expired)") || strings.Contains(rows["kvartal"], "expired") {
		t.Errorf("list does not mark the expired token:\n%s", out)
	}
	if !regexp.MustCompile(`altid\s+viewer\s+\S+ \S+\s+cli\s+-\s+-`).MatchString(rows["altid"]) {
		t.Errorf("a token without expiry is not listed with -:\n%s", out)
	}
}

// The CLI's writes are in the audit log under the OS user ("cli:USER"): ingest, publish, restore, token
// create and revoke, the assessment.
func TestCLIAudit(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	header := "year,municipality,target_group,place_type,placed,waiting\n"
	for i, rows := range []string{"2024,851,misbrug,dag,50,2\n", "2024,851,misbrug,dag,51,2\n"} {
		file := filepath.Join(dir, "d"+string(rune('1'+i))+".csv")
		if err := os.WriteFile(file, []byte(header+rows), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, errOut, code := cli(t, "ingest", "demand", file, "--db", db); code != 0 {
			t.Fatalf("ingest: %d %s", code, errOut)
		}
	}
	md := filepath.Join(dir, "v.md")
	os.WriteFile(md, []byte("Vurdering."), 0o644)
	for _, args := range [][]string{
		{"assessment", "2024", "--file", md},
		{"publish", "2024"},
		{"batches", "restore", "1"},
		{"token", "create", "--role", "admin", "--name", "ops", "--expires", "30d"},
		{"token", "revoke", "ops"},
	} {
		if out, errOut, code := cli(t, append(args, "--db", db)...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, errOut)
		}
	}
	u, err := user.Current()
	if err != nil {
		t.Skip("no OS user:", err)
	}
	who := "cli:" + u.Username
	st, err := queries.Open(context.Background(), db, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.AuditLog(context.Background(), "", 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range list {
		if e.Who != who {
			t.Errorf("%s by %q, want %q", e.Action, e.Who, who)
		}
		got = append(got, e.Action)
	}
	want := "token_revoke token_create restore publish assessment ingest ingest"
	if strings.Join(got, " ") != want {
		t.Errorf("actions %v, want %s", got, want)
	}
	if len(list) == 7 && (list[1].Details["token"] != "ops" || list[1].Details["role"] != "admin" || list[2].Details["restore_of"] == nil ||
		list[3].Details["year"] == nil || list[6].Details["dataset"] != "demand" || list[6].Details["file"] != "d1.csv") {
		t.Errorf("details: %+v", list)
	}
}

// Commands from another machine are in the audit log under their token with the client's address (through
// the command API and the ingest API); a command on the server's machine that goes through its socket under
// the OS user.
func TestRemoteAudit(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	out, errOut, code := cli(t, "token", "create", "--role", "admin", "--name", "ops", "--db", db)
	if code != 0 {
		t.Fatal(errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	file := filepath.Join(dir, "d.csv")
	os.WriteFile(file, []byte("year,municipality,target_group,place_type,placed,waiting\n2024,851,misbrug,dag,50,2\n"), 0o644)
	url, stop := serveFor(t, db)
	for _, args := range [][]string{
		{"token", "create", "--role", "viewer", "--name", "kkr", "--server", url, "--token", token},
		{"ingest", "demand", file, "--server", url, "--token", token},
		{"token", "revoke", "kkr", "--db", db}, // through the socket
	} {
		if out, errOut, code := cli(t, args...); code != 0 {
			t.Fatalf("%v: %d %s %s", args, code, out, errOut)
		}
	}
	stop()
	u, err := user.Current()
	if err != nil {
		t.Skip("no OS user:", err)
	}
	st, err := queries.Open(context.Background(), db, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	list, err := st.AuditLog(context.Background(), "", 10)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ who, action, client string }
	want := []row{{"cli:" + u.Username, "token_revoke", ""}, {"ops", "ingest", "127.0.0.1"}, {"ops", "token_create", "127.0.0.1"}, {"cli:" + u.Username, "token_create", ""}}
	if len(list) != len(want) {
		t.Fatalf("%d entries: %+v", len(list), list)
	}
	for i, e := range list {
		client, _ := e.Details["client"].(string)
		if got := (row{e.Who, e.Action, client}); got != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, got, want[i])
		}
	}
}
