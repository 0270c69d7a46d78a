package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/file"

	"github.com/kapacitet/kapacitet/data"
)

// kapacitet export writes a dataset's rows (every demo row of capacity), and --partition-by year,municipality
// a Hive-partitioned folder that DuckDB reads back with hive_partitioning: every purchase row of the demo
// file, the same sum of full-year places, the partition columns in the paths and not in the files.
func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	_, caps, _ := data.DemoRows("capacity")
	file1 := filepath.Join(dir, "cap.parquet")
	if out, errOut, code := cli(t, "export", "capacity", "-o", file1, "--db", demoDB); code != 0 || !strings.Contains(out, strconv.Itoa(len(caps))+" rækker") {
		t.Fatalf("export capacity: exit %d: %s%s", code, out, errOut)
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM read_parquet('` + file1 + `')`).Scan(&n); err != nil || n != len(caps) {
		t.Errorf("capacity.parquet: %d rows, want %d (%v)", n, len(caps), err)
	}

	_, purchases, _ := data.DemoRows("purchases")
	var want float64
	years := map[string]bool{}
	for _, r := range purchases {
		f, _ := strconv.ParseFloat(r["places"], 64)
		want += f
		years[r["year"]] = true
	}
	folder := filepath.Join(dir, "purchases")
	if out, errOut, code := cli(t, "export", "purchases", "--partition-by", "year,municipality", "-o", folder, "--db", demoDB); code != 0 {
		t.Fatalf("export --partition-by: exit %d: %s%s", code, out, errOut)
	}
	var rows, nyears int
	var sum float64
	err = db.QueryRow(`SELECT count(*), sum(places), count(DISTINCT year) FROM read_parquet('`+folder+`/**/*.parquet', hive_partitioning = true)`).Scan(&rows, &sum, &nyears)
	if err != nil || rows != len(purchases) || int(sum*100+0.5) != int(want*100+0.5) || nyears != len(years) {
		t.Errorf("the partitioned purchases: %d rows, %.2f places, %d years; want %d, %.2f, %d (%v)", rows, sum, nyears, len(purchases), want, len(years), err)
	}
	parts, _ := filepath.Glob(filepath.Join(folder, "year=*", "buyer=*", "*.parquet"))
	if len(parts) == 0 {
		t.Fatal("no year=*/buyer=* partitions")
	}
	f, err := os.Open(parts[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		t.Fatal(err)
	}
	schema := pf.MetaData().Schema
	for _, col := range []string{"year", "buyer"} {
		if schema.ColumnIndexByName(col) >= 0 {
			t.Errorf("%s: the partition column %s is in the file", parts[0], col)
		}
	}
	if schema.ColumnIndexByName("buyer_name") < 0 || schema.ColumnIndexByName("places") < 0 {
		t.Errorf("%s: columns missing", parts[0])
	}
	for _, args := range [][]string{
		{"export", "nosuch", "-o", file1}, {"export", "capacity"}, {"export", "capacity", "--format", "pdf", "-o", file1},
		{"export", "capacity", "--format", "csv", "--partition-by", "year", "-o", folder}, {"export", "population", "--place-type", "dag", "-o", file1},
	} {
		if _, errOut, code := cli(t, append(args, "--db", demoDB)...); code == 0 {
			t.Errorf("%q: exit 0: %s", args, errOut)
		}
	}
}
