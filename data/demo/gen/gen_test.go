package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/kapacitet/kapacitet/data"
)

// The committed demo files are exactly what the generator writes.
func TestCommittedFilesAreGenerated(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
	if len(files) != 7 {
		t.Fatalf("generated %d files, want 7", len(files))
	}
	for _, f := range files {
		got, _ := os.ReadFile(f)
		want, err := os.ReadFile(filepath.Join("..", filepath.Base(f)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator's output: run `make demo-data` and commit", filepath.Base(f))
		}
	}
}

func readDemo(t *testing.T, name string) []map[string]string {
	t.Helper()
	_, rows, err := data.DemoRows(name) // the committed files (TestCommittedFilesAreGenerated)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func atoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

// The published 2022 place counts and the autism figures of PRODUCT.md, counted straight from the CSV files.
func TestDemoReproducesPublishedFigures(t *testing.T) {
	totals := map[string]int{}
	autismSupply := map[string]int{}
	for _, r := range readDemo(t, "capacity") {
		n := atoi(t, r["places"])
		if r["year"] == "2022" {
			switch {
			case r["ownership"] == "regional":
				totals["regional"] += n
			case r["ownership"] == "kommunal" && r["agreement"] == "true":
				totals["kommunal-aftale"] += n
			default:
				totals[r["ownership"]] += n
			}
		}
		if r["target_group"] == "autisme-boern" && r["place_type"] == "doegn" {
			autismSupply[r["year"]] += n
		}
	}
	for k, want := range map[string]int{"kommunal": 4876, "privat": 3152, "kommunal-aftale": 1785, "regional": 636} {
		if totals[k] != want {
			t.Errorf("2022 %s places: got %d, want %d", k, totals[k], want)
		}
	}
	autismDemand := map[string]int{}
	for _, r := range readDemo(t, "demand") {
		if r["target_group"] == "autisme-boern" && r["place_type"] == "doegn" {
			autismDemand[r["year"]] += atoi(t, r["placed"]) + atoi(t, r["waiting"])
		}
	}
	if autismSupply["2023"] != 371 || autismDemand["2023"] != 412 || autismDemand["2019"] != 361 {
		t.Errorf("autism residential: supply 2023 %d (want 371), demand 2023 %d (want 412), demand 2019 %d (want 361)",
			autismSupply["2023"], autismDemand["2023"], autismDemand["2019"])
	}
	low, answered := 0, 0
	for _, r := range readDemo(t, "survey") {
		if r["year"] == "2023" && r["target_group"] == "autisme-boern" {
			answered++
			if r["score"] == "1" || r["score"] == "2" {
				low++
			}
		}
	}
	if low != 7 || answered != 11 {
		t.Errorf("autism survey 2023: %d of %d scored 1-2, want 7 of 11", low, answered)
	}
	offers := readDemo(t, "offers")
	names := map[string]bool{}
	for _, o := range offers {
		names[o["name"]] = true
	}
	if len(names) < 55 || len(names) > 65 {
		t.Errorf("agreement offers: %d names, want about 60", len(names))
	}
	for _, n := range []string{"Neurocenter Østerskoven", "Specialbørnehjemmet Kvisten", "Institut for Syn og Hørelse"} {
		if !names[n] {
			t.Errorf("offer %q missing", n)
		}
	}
}

// Small person counts exist (Læsø, rare groups), so disclosure control has something to do.
func TestDemoHasSmallCounts(t *testing.T) {
	small := 0
	for _, r := range readDemo(t, "demand") {
		if n := atoi(t, r["placed"]) + atoi(t, r["waiting"]); n >= 1 && n <= 4 {
			small++
		}
	}
	if small < 20 {
		t.Errorf("demand lines with 1-4 persons: %d, want at least 20", small)
	}
}
