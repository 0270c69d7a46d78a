package dashboards_test

import (
	"context"
	"strings"
	"testing"
)

// An analyst's draft view marks every chart as a draft; the public's pages mark none.
func TestDraftMarksEveryChart(t *testing.T) {
	srv, st := mustServe(t)
	analyst, err := st.CreateToken(context.Background(), "analytiker", "analyst", "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/?year=2023", "/gaps?year=2023&target_group=autisme-boern", "/groups/autisme-boern?year=2023",
		"/offers?year=2022", "/municipalities/851?year=2023"} {
		code, public := getAs(t, srv.URL+path, "")
		if code != 200 || strings.Contains(public, `class="draft-mark"`) {
			t.Errorf("%s: %d, a draft mark on the public page", path, code)
		}
		code, draft := getAs(t, srv.URL+path+"&draft=true", analyst)
		charts, marks := strings.Count(draft, "data-chart="), strings.Count(draft, `class="draft-mark"`)
		if code != 200 || charts == 0 || marks != charts || !strings.Contains(draft, "KLADDE – ikke offentliggjort") {
			t.Errorf("%s&draft=true: %d, %d charts, %d draft marks", path, code, charts, marks)
		}
	}
}
