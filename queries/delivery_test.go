package queries_test

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
	"github.com/kapacitet/kapacitet/queries"
)

// Delivery by hand: which municipality delivered what, from which batch, on a few small files.
func TestDelivery(t *testing.T) {
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	load := func(dataset, name, content string) int64 {
		t.Helper()
		d, _ := data.DatasetByName(dataset)
		res, err := ingest.File(ctx, st, d, name, []byte(content), ingest.Options{LoadedBy: "test"})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return res.Batch.ID
	}
	demandHeader := "year,municipality,target_group,place_type,placed,waiting\n"
	offersHeader := "year,offer_id,name,operator,ownership,location\n"
	// batch 1: Aalborg and Morsø in 2024, Thisted in 2023 only
	b1 := load("demand", "first.csv", demandHeader+"2024,851,misbrug,dag,50,2\n2024,773,misbrug,dag,10,1\n2023,787,misbrug,dag,7,0\n")
	// batch 2 replaces Morsø's 2024 rows: Morsø's delivery is batch 2 now, Aalborg's still batch 1
	b2 := load("demand", "morsoe.csv", demandHeader+"2024,773,misbrug,dag,12,0\n")
	// offers have no municipality column: delivered region-wide; batch 4 replaces all of batch 3 (key: year)
	load("offers", "offers-a.csv", offersHeader+"2024,900001,Bostedet,Aalborg Kommune,kommunal,851\n")
	b4 := load("offers", "offers-b.csv", offersHeader+"2024,900001,Bostedet Ny,Aalborg Kommune,kommunal,851\n")
	// capacity is delivered by its location; København is not of the region
	b5 := load("capacity", "capacity.csv", "year,location,ownership,place_type,target_group,places\n2024,810,kommunal,doegn,misbrug,5\n2024,101,privat,doegn,misbrug,3\n")
	// purchases by their buyer (Rebild), not the location of what was bought
	b6 := load("purchases", "purchases.csv", "year,buyer,offer_id,target_group,place_type,places\n2024,840,900001,misbrug,dag,1.5\n")

	batches, err := st.Batches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	loadedAt := map[int64]string{}
	for _, b := range batches {
		loadedAt[b.ID] = b.LoadedAt.UTC().String()
	}

	items, err := st.Delivery(ctx, 2024)
	if err != nil {
		t.Fatal(err)
	}
	// the region's 11 municipalities for population, capacity, demand, survey and purchases; one region item
	// for offers and tariffs
	if want := 5*11 + 2; len(items) != want {
		t.Fatalf("%d items, want %d", len(items), want)
	}
	want := map[string]int64{ // dataset/municipality -> batch; every other item is not delivered
		"demand/851": b1, "demand/773": b2, "offers/1081": b4, "capacity/810": b5, "purchases/840": b6,
	}
	order := []string{"population", "offers", "capacity", "demand", "survey", "purchases", "tariffs"}
	seen := map[string]bool{}
	prev := struct {
		dataset string
		code    int
	}{}
	for _, it := range items {
		k := it.Dataset + "/" + strconv.Itoa(it.Municipality)
		seen[k] = true
		if it.Dataset == prev.dataset && it.Municipality <= prev.code {
			t.Errorf("%s after %d: not in code order", k, prev.code)
		}
		prev.dataset, prev.code = it.Dataset, it.Municipality
		if m, ok := data.MunicipalityByCode(it.Municipality); ok && m.Name != it.Name {
			t.Errorf("%s: name %q, want %q", k, it.Name, m.Name)
		}
		batch, delivered := want[k]
		switch {
		case it.Delivered != delivered:
			t.Errorf("%s: delivered %v, want %v", k, it.Delivered, delivered)
		case !delivered && (it.Batch != nil || it.LoadedAt != nil):
			t.Errorf("%s: not delivered but batch %v, loaded at %v", k, it.Batch, it.LoadedAt)
		case delivered && (it.Batch == nil || *it.Batch != batch):
			t.Errorf("%s: batch %v, want %d", k, it.Batch, batch)
		case delivered && (it.LoadedAt == nil || it.LoadedAt.UTC().String() != loadedAt[batch]):
			t.Errorf("%s: loaded at %v, want %s", k, it.LoadedAt, loadedAt[batch])
		}
	}
	for _, k := range []string{"offers/1081", "tariffs/1081", "demand/787", "capacity/825"} {
		if !seen[k] {
			t.Errorf("no item %s", k)
		}
	}
	if seen["capacity/101"] || seen["demand/1081"] {
		t.Error("an item for a municipality outside the region, or a region item for a municipal dataset")
	}
	var datasets []string
	for _, it := range items {
		if len(datasets) == 0 || datasets[len(datasets)-1] != it.Dataset {
			datasets = append(datasets, it.Dataset)
		}
	}
	if len(datasets) != len(order) {
		t.Fatalf("datasets %v, want %v", datasets, order)
	}
	for i := range order {
		if datasets[i] != order[i] {
			t.Errorf("datasets %v, want %v", datasets, order)
		}
	}

	// 2023: only Thisted's demand
	items, err = st.Delivery(ctx, 2023)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		thisted := it.Dataset == "demand" && it.Municipality == 787
		if it.Delivered != thisted || (thisted && *it.Batch != b1) {
			t.Errorf("2023 %s/%d: delivered %v batch %v", it.Dataset, it.Municipality, it.Delivered, it.Batch)
		}
	}
}
