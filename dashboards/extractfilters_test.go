package dashboards_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// The extracts' filters on the demo data, counted here from the demo file: municipality (any municipality
// column), category, edition; and a draft batch: not in the public's extract, in an analyst's with
// draft=true, alone with batch=N.
func TestExtractFilters(t *testing.T) { inBothOrders(t, extractFilters) }

func extractFilters(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	analyst, _ := st.CreateToken(ctx, "f", "analyst", "test")
	lines := func(body string) int { return strings.Count(body, "\n") - 1 } // without the header
	_, caps := demoCSV(t, "capacity")
	count := func(keep func(map[string]string) bool) int {
		n := 0
		for _, r := range caps {
			if keep(r) {
				n++
			}
		}
		return n
	}
	for q, want := range map[string]int{
		"municipality=851": count(func(r map[string]string) bool { return r["location"] == "851" }),
		"category=privat":  count(func(r map[string]string) bool { return r["ownership"] == "privat" }),
		"category=socialaftale&year=2022": count(func(r map[string]string) bool {
			return r["year"] == "2022" && (r["ownership"] == "regional" || r["ownership"] == "kommunal" && r["agreement"] == "true")
		}),
	} {
		if _, body := get(t, srv.URL+"/api/v1/extracts/capacity.csv?"+q); lines(body) != want {
			t.Errorf("capacity %s: %d rows, want %d", q, lines(body), want)
		}
	}
	// an edition: the 2022 edition's rows
	_, eds := get(t, srv.URL+"/api/v1/editions")
	var list struct{ Items []struct{ ID, Year int } }
	json.Unmarshal([]byte(eds), &list)
	id := 0
	for _, e := range list.Items {
		if e.Year == 2022 {
			id = e.ID
		}
	}
	if _, body := get(t, srv.URL+"/api/v1/extracts/capacity.csv?edition="+strconv.Itoa(id)); id == 0 || lines(body) != count(func(r map[string]string) bool { return r["year"] == "2022" }) {
		t.Errorf("the 2022 edition (%d): %d rows", id, lines(body))
	}
	// a draft batch of 2024: hidden from the public, there for analysts, alone by its batch
	d, _ := data.DatasetByName("demand")
	rows := []data.Row{{"year": int64(2024), "municipality": int64(851), "target_group": "misbrug", "place_type": "dag", "placed": int64(3), "waiting": int64(0)},
		{"year": int64(2024), "municipality": int64(773), "target_group": "misbrug", "place_type": "dag", "placed": int64(9), "waiting": int64(1)}}
	res, err := st.LoadBatch(ctx, queries.NewBatch{Dataset: d, FileName: "draft.csv", SHA256: "draft", Rows: rows, Lines: []int{2, 3}})
	if err != nil {
		t.Fatal(err)
	}
	if _, body := get(t, srv.URL+"/api/v1/extracts/demand.csv?year=2024"); lines(body) != 0 {
		t.Errorf("the public sees %d draft rows", lines(body))
	}
	if _, body := getAs(t, srv.URL+"/api/v1/extracts/demand.csv?year=2024", analyst); lines(body) != 0 {
		t.Errorf("an analyst without draft=true sees %d draft rows", lines(body))
	}
	if _, body := getAs(t, srv.URL+"/api/v1/extracts/demand.csv?draft=true&year=2024", analyst); lines(body) != 2 {
		t.Errorf("an analyst's drafts: %d rows, want 2", lines(body))
	}
	if _, body := getAs(t, srv.URL+"/api/v1/extracts/demand.csv?draft=true&batch="+strconv.FormatInt(res.ID, 10), analyst); lines(body) != 2 || !strings.Contains(body, "2024,773,Morsø,misbrug") {
		t.Errorf("the batch alone: %s", body)
	}
}
