package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

// filesIn lists <db>.files/ (names and sizes), to show that a failed ingest kept nothing.
func filesIn(t *testing.T, dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		info, _ := e.Info()
		names = append(names, fmt.Sprintf("%s:%d", e.Name(), info.Size()))
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// Each kind of bad input gets its report (line and column as the user sees them) and changes nothing: the
// database's tables and <db>.files/ are exactly as before.
func TestBadInputChangesNothing(t *testing.T) {
	st := mustOpen(t)
	ctx := context.Background()
	if _, err := Demo(ctx, st); err != nil {
		t.Fatal(err)
	}
	before, err := st.Checksum(ctx)
	if err != nil {
		t.Fatal(err)
	}
	filesBefore := filesIn(t, st.Path()+".files")
	const head = "year,location,ownership,agreement,place_type,target_group,places\n"
	xlsx := fixture(t, "capacity.xlsx")
	for _, tc := range []struct {
		kind, dataset, file string
		content             []byte
		sheet               string
		line                int
		column              string
	}{
		{"wrong type", "capacity", "a.csv", []byte(head + "2022,851,kommunal,nej,doegn,misbrug,ti\n"), "", 2, "places"},
		{"negative places", "capacity", "a.csv", []byte(head + "2022,851,kommunal,nej,doegn,misbrug,-3\n"), "", 2, "places"},
		{"unknown municipality", "capacity", "a.csv", []byte(head + "2022,Aalborgg,kommunal,nej,doegn,misbrug,3\n"), "", 2, "location"},
		{"unknown target group", "capacity", "a.csv", []byte(head + "2022,851,kommunal,nej,doegn,autisme,3\n"), "", 2, "target_group"},
		{"missing column", "capacity", "a.csv", []byte("year,location,ownership,place_type,target_group\n2022,851,kommunal,doegn,misbrug\n"), "", 1, "places"},
		{"duplicate key", "demand", "d.csv", []byte("year,municipality,target_group,place_type,placed,waiting\n2022,851,misbrug,dag,3,0\n2022,Aalborg,Borgere med misbrug,Dag,4,0\n"), "", 3, "place_type"},
		{"truncated file", "capacity", "a.csv", []byte(head + "2022,851,kommunal,nej,doegn,misbrug,3\n2022,851,\"kommu"), "", 3, ""},
		{"empty file", "capacity", "a.csv", []byte{}, "", 0, ""},
		{"binary garbage", "capacity", "a.csv", []byte("\x00\x01\x02PKG\xff\xfe\x00garbage\x00"), "", 0, ""},
		{"wrong sheet", "capacity", "a.xlsx", xlsx, "Nope", 0, ""},
		{"bad year", "capacity", "a.csv", []byte(head + "23,851,kommunal,nej,doegn,misbrug,3\n"), "", 2, "year"},
		{"bad place type", "capacity", "a.csv", []byte(head + "2022,851,kommunal,nej,nat,misbrug,3\n"), "", 2, "place_type"},
		{"private agreement place", "capacity", "a.csv", []byte(head + "2022,851,privat,ja,doegn,misbrug,3\n"), "", 2, "agreement"},
		{"unknown offer", "capacity", "a.csv", []byte("year,offer_id,place_type,target_group,places\n2022,999999,doegn,misbrug,3\n"), "", 2, "offer_id"},
		{"extra field", "capacity", "a.csv", []byte(head + "2022,851,kommunal,nej,doegn,misbrug,3,4\n"), "", 2, "kolonne 8"},
	} {
		_, err := File(ctx, st, dataset(t, tc.dataset), tc.file, tc.content, Options{Sheet: tc.sheet})
		var ie *InvalidError
		if !errors.As(err, &ie) || len(ie.Problems) == 0 {
			t.Errorf("%s: got %v, want an InvalidError", tc.kind, err)
			continue
		}
		p := ie.Problems[0]
		if p.Line != tc.line || p.Column != tc.column || p.DA == "" || p.EN == "" {
			t.Errorf("%s: first problem %+v, want line %d, column %q", tc.kind, p, tc.line, tc.column)
		}
		after, err := st.Checksum(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Errorf("%s: the database changed", tc.kind)
		}
		if got := filesIn(t, st.Path()+".files"); got != filesBefore {
			t.Errorf("%s: <db>.files/ changed: %s", tc.kind, got)
		}
	}
	// negative control: a valid file does change both
	if _, err := File(ctx, st, dataset(t, "capacity"), "ok.csv", []byte(head+"2022,851,kommunal,nej,doegn,misbrug,3\n"), Options{}); err != nil {
		t.Fatal(err)
	}
	if after, _ := st.Checksum(ctx); after == before {
		t.Error("the checksum does not see a load")
	}
	if filesIn(t, st.Path()+".files") == filesBefore {
		t.Error("the file listing does not see a kept file")
	}
}
