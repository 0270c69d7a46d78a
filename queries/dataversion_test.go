package queries_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Every write bumps the data version once (a load, a publish, a token made or revoked); a refused write and a
// publish with nothing new leave it.
func TestDataVersion(t *testing.T) {
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	want := int64(0)
	check := func(what string) {
		t.Helper()
		if v, err := st.DataVersion(ctx); err != nil || v != want {
			t.Errorf("after %s: data version %d, want %d (%v)", what, v, want, err)
		}
		// the copy in memory that caches compare without a query
		if v, _ := st.Versions(); v != want {
			t.Errorf("after %s: data version in memory %d, want %d", what, v, want)
		}
	}
	check("opening")
	d, _ := data.DatasetByName("demand")
	rows := []data.Row{{"year": int64(2024), "municipality": int64(851), "target_group": "misbrug", "place_type": "dag", "placed": int64(3), "waiting": int64(0)}}
	if _, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "a.csv", SHA256: "a", Rows: rows, Lines: []int{2}}); err != nil {
		t.Fatal(err)
	}
	want++
	check("a load")
	if _, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "b.csv", SHA256: "b", Rows: rows, Lines: []int{2}, DryRun: true}); err != nil {
		t.Fatal(err)
	}
	check("a dry run")
	if _, _, err := st.Publish(ctx, 2024, "test", nil); err != nil {
		t.Fatal(err)
	}
	want++
	check("a publish")
	if _, eds := st.Versions(); eds != 1 {
		t.Errorf("editions after a publish: %d", eds)
	}
	if _, created, err := st.Publish(ctx, 2024, "test", nil); err != nil || created {
		t.Fatal(created, err)
	}
	check("a publish of nothing new")
	if _, err := st.CreateToken(ctx, "x", "viewer", "test"); err != nil {
		t.Fatal(err)
	}
	want++
	check("a token")
	if _, err := st.CreateToken(ctx, "x", "viewer", "test"); err == nil {
		t.Fatal("a second token x")
	}
	check("a refused token")
	if err := st.RevokeToken(ctx, "x", "test"); err != nil {
		t.Fatal(err)
	}
	want++
	check("a revocation")
	if err := st.RevokeToken(ctx, "x", "test"); err == nil {
		t.Fatal("revoked twice")
	}
	check("a refused revocation")
	// opened again, the versions in memory start from the database's
	path := st.Path()
	st.Close()
	if st, err = queries.Open(ctx, path, queries.Options{}); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, eds := st.Versions(); v != want || eds != 1 {
		t.Errorf("reopened: data version %d, editions %d; want %d, 1", v, eds, want)
	}
}
