package queries_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// An expired token is looked up like an unknown one (by its secret and by its name); the list shows its
// expiry; a token without one never expires.
func TestTokenExpiry(t *testing.T) {
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	past := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	future := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	old, err := st.CreateTokenUntil(ctx, "gammel", "admin", "test", past)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := st.CreateTokenUntil(ctx, "frisk", "analyst", "test", future)
	if err != nil {
		t.Fatal(err)
	}
	forever, err := st.CreateToken(ctx, "altid", "viewer", "test")
	if err != nil {
		t.Fatal(err)
	}
	for secret, want := range map[string]bool{old: false, fresh: true, forever: true} {
		if _, ok, err := st.TokenFor(ctx, secret); err != nil || ok != want {
			t.Errorf("TokenFor %.8s: %v %v, want %v", secret, ok, err, want)
		}
	}
	if _, ok, _ := st.TokenNamed(ctx, "gammel"); ok {
		t.Error("an expired token found by its name (a browser session would stay signed in)")
	}
	list, err := st.Tokens(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("Tokens: %v %v", list, err)
	}
	byName := map[string]queries.Token{}
	for _, tk := range list {
		byName[tk.Name] = tk
	}
	if e := byName["gammel"].ExpiresAt; e == nil || !e.Equal(past) || !byName["gammel"].Expired(time.Now()) {
		t.Errorf("the expired token's expiry: %v", e)
	}
	if e := byName["frisk"].ExpiresAt; e == nil || !e.Equal(future) || byName["frisk"].Expired(time.Now()) {
		t.Errorf("the fresh token's expiry: %v, want %v", e, future)
	}
	if byName["altid"].ExpiresAt != nil || byName["altid"].Expired(time.Now().AddDate(100, 0, 0)) {
		t.Errorf("a token without an expiry: %v", byName["altid"].ExpiresAt)
	}
	// the check a cache makes of a remembered lookup
	tk, ok, _ := st.TokenFor(ctx, fresh)
	if !ok || tk.Expired(future.Add(-time.Second)) || !tk.Expired(future) {
		t.Errorf("Expired around %v: %+v", future, tk)
	}
}

// Every write that changes the data writes its entry of the audit log in its own transaction (an action
// refused or rolled back leaves none); the entry names ctx's actor (with the client's address) or else the
// caller the write was given; the list is newest first, filtered by action and limited.
func TestAuditLog(t *testing.T) {
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, _ := data.DatasetByName("population")
	rows := []data.Row{{"year": int64(2023), "municipality": int64(851), "inhabitants": int64(100)}}
	if _, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "p.csv", SHA256: "a", Rows: rows, Lines: []int{2}, LoadedBy: "loader"}); err != nil {
		t.Fatal(err)
	}
	// a dry run and a duplicate write nothing
	if _, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "p.csv", SHA256: "b", Rows: rows, Lines: []int{2}, LoadedBy: "loader", DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if res, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "p.csv", SHA256: "a", Rows: rows, Lines: []int{2}, LoadedBy: "loader"}); err != nil || !res.Duplicate {
		t.Fatal(res, err)
	}
	web := queries.WithActor(ctx, queries.Actor{Who: "sekretariat", Client: "192.0.2.7"})
	if _, err := st.CreateTokenUntil(web, "ny", "analyst", "ignored", time.Date(2031, 5, 6, 7, 8, 9, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateToken(ctx, "ny", "admin", "test"); err == nil {
		t.Fatal("a second token of the same name")
	}
	if err := st.RevokeToken(ctx, "ny", "cli:ops"); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeToken(ctx, "ny", "cli:ops"); err == nil {
		t.Fatal("revoked twice")
	}
	if err := st.SetAssessment(ctx, 2023, "Tekst.", "das"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Publish(ctx, 2023, "udgiver", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RestoreBatch(ctx, 1, "cli (restore of batch 1)"); err != nil { // in force: nothing to do
		t.Fatal(err)
	}
	if err := st.Audit(web, "", queries.AuditSigninFailed, nil); err != nil {
		t.Fatal(err)
	}
	if err := st.Audit(ctx, "x", "nonsense", nil); err == nil {
		t.Error("an unknown action is written")
	}
	list, err := st.AuditLog(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ who, action, details string }
	want := []row{
		{"", "signin_failed", `{"client":"192.0.2.7"}`},
		{"udgiver", "publish", `{"as_of_batch":1,"edition":1,"edition_id":1,"year":2023}`},
		{"das", "assessment", `{"bytes":6,"year":2023}`},
		{"cli:ops", "token_revoke", `{"token":"ny"}`},
		{"sekretariat", "token_create", `{"client":"192.0.2.7","expires_at":"2031-05-06T07:08:09Z","role":"analyst","token":"ny"}`},
		{"loader", "ingest", `{"batch":1,"dataset":"population","file":"p.csv","replaced":0,"rows":1}`},
	}
	if len(list) != len(want) {
		t.Fatalf("%d entries, want %d: %+v", len(list), len(want), list)
	}
	for i, e := range list {
		b, _ := json.Marshal(e.Details)
		if got := (row{e.Who, e.Action, string(b)}); got != want[i] {
			t.Errorf("entry %d: %+v, want %+v", i, got, want[i])
		}
		if i > 0 && e.ID >= list[i-1].ID {
			t.Errorf("entry %d is not older than the one before", i)
		}
		if time.Since(e.At) > time.Minute || time.Since(e.At) < 0 {
			t.Errorf("entry %d at %v", i, e.At)
		}
	}
	if l, _ := st.AuditLog(ctx, "token_revoke", 10); len(l) != 1 || l[0].Who != "cli:ops" {
		t.Errorf("filtered by action: %+v", l)
	}
	if l, _ := st.AuditLog(ctx, "", 2); len(l) != 2 || l[1].Action != "publish" {
		t.Errorf("limited to 2: %+v", l)
	}
	// a restore of a superseded batch is a restore, by the actor
	if _, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "p2.csv", SHA256: "c", Rows: rows, Lines: []int{2}, LoadedBy: "loader"}); err != nil {
		t.Fatal(err)
	}
	cli := queries.WithActor(ctx, queries.Actor{Who: "cli:ops"})
	if res, err := st.RestoreBatch(cli, 1, "cli (restore of batch 1)"); err != nil || res.ID != 3 {
		t.Fatal(res, err)
	}
	l, _ := st.AuditLog(ctx, "restore", 1)
	if len(l) != 1 || l[0].Who != "cli:ops" || l[0].Details["restore_of"] != json.Number("1") || l[0].Details["batch"] != json.Number("3") {
		t.Errorf("the restore's entry: %+v", l)
	}
}
