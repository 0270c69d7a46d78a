package ingest

import "testing"

// Where is the Danish of WhereIn; the English says the same.
func TestProblemWhere(t *testing.T) {
	for _, tc := range []struct {
		p      Problem
		da, en string
	}{
		{Problem{}, "filen", "the file"},
		{Problem{Line: 12}, "linje 12", "line 12"},
		{Problem{Line: 4, Unit: "row", Sheet: "Pladser"}, `ark "Pladser", række 4`, `sheet "Pladser", row 4`},
		{Problem{Line: 7, Unit: "record"}, "post 7", "record 7"},
	} {
		if got := tc.p.Where(); got != tc.da || tc.p.WhereIn("da") != tc.da {
			t.Errorf("%+v: %q, want %q", tc.p, got, tc.da)
		}
		if got := tc.p.WhereIn("en"); got != tc.en {
			t.Errorf("%+v in English: %q, want %q", tc.p, got, tc.en)
		}
	}
}
