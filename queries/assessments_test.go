package queries_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// DAS's assessment is a draft until the year is published; each edition keeps the text it was published
// with; a changed assessment alone makes a new edition, an unchanged one does not; an empty text removes it.
func TestAssessment(t *testing.T) {
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d, _ := data.DatasetByName("demand")
	rows := []data.Row{{"year": int64(2024), "municipality": int64(851), "target_group": "misbrug", "place_type": "dag", "placed": int64(3), "waiting": int64(0)}}
	if _, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "a.csv", SHA256: "a", Rows: rows, Lines: []int{2}}); err != nil {
		t.Fatal(err)
	}
	see := func(draft bool) string {
		t.Helper()
		a, ok, err := st.Assessment(ctx, queries.View{Draft: draft}, 2024)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return "(none)"
		}
		return a.Text
	}
	publish := func() bool {
		t.Helper()
		var changed []bool
		_, created, err := st.Publish(ctx, 2024, "test", func(rd *queries.Reader, in queries.PublishInput) (map[string]queries.EditionTexts, error) {
			changed = append(changed, in.AssessmentChanged)
			return nil, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(changed) != 1 {
			t.Fatalf("build ran %d times", len(changed))
		}
		return created
	}
	if err := st.SetAssessment(ctx, 2024, "# Vurdering\n\nMangel på **autisme**pladser.", "das"); err != nil {
		t.Fatal(err)
	}
	if got := see(false); got != "(none)" {
		t.Errorf("the public sees an unpublished assessment: %q", got)
	}
	if !publish() {
		t.Fatal("the first publish made no edition")
	}
	if got := see(false); !strings.Contains(got, "autisme") {
		t.Errorf("published: %q", got)
	}
	if err := st.SetAssessment(ctx, 2024, "Ny vurdering.", "das"); err != nil {
		t.Fatal(err)
	}
	if got, draft := see(false), see(true); !strings.Contains(got, "autisme") || draft != "Ny vurdering." {
		t.Errorf("after a new draft: public %q, draft %q", got, draft)
	}
	if !publish() {
		t.Error("a changed assessment alone made no edition")
	}
	if got := see(false); got != "Ny vurdering." {
		t.Errorf("published again: %q", got)
	}
	if publish() {
		t.Error("nothing changed, yet a new edition")
	}
	if err := st.SetAssessment(ctx, 2024, "  ", "das"); err != nil {
		t.Fatal(err)
	}
	if !publish() || see(false) != "(none)" || see(true) != "(none)" {
		t.Errorf("a removed assessment: public %q, draft %q", see(false), see(true))
	}
	if err := st.SetAssessment(ctx, 2024, strings.Repeat("x", queries.MaxAssessment+1), "das"); err == nil {
		t.Error("an oversized assessment was stored")
	}
}
