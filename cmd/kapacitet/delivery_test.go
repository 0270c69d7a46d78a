package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// batches status: Aalborg and Morsø have delivered demand for 2024, the nine others not; nobody has
// delivered anything else.
func TestBatchesStatus(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	header := "year,municipality,target_group,place_type,placed,waiting\n"
	for _, f := range []struct{ name, rows string }{
		{"aalborg.csv", "2024,851,misbrug,dag,50,2\n"}, // batch 1
		{"morsoe.csv", "2024,Morsø,misbrug,dag,5,0\n"}, // batch 2
	} {
		name, file := f.name, filepath.Join(dir, f.name)
		if err := os.WriteFile(file, []byte(header+f.rows), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, errOut, code := cli(t, "ingest", "demand", file, "--db", db); code != 0 {
			t.Fatalf("ingest %s: %d %s", name, code, errOut)
		}
	}

	out, errOut, code := cli(t, "batches", "status", "--year", "2024", "--db", db)
	if code != 0 {
		t.Fatalf("status: %d %s", code, errOut)
	}
	for _, want := range []string{
		"2 af 11 kommuner har indberettet efterspørgsel for 2024; mangler: Brønderslev, Frederikshavn, Hjørring, Jammerbugt, Læsø, Mariagerfjord, Rebild, Thisted, Vesthimmerland.\n",
		"Ingen af de 11 kommuner har indberettet befolkning for 2024.\n",
		"Tilbud: ikke indberettet for 2024.\n",
		"Takster: ikke indberettet for 2024.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	// the demand table: Aalborg from batch 1, Morsø from batch 2, Læsø not
	demand := out[strings.Index(out, "Efterspørgsel\n"):]
	demand = demand[:strings.Index(demand, "\n\n")]
	rows := map[string]string{}
	for _, line := range strings.Split(demand, "\n")[3:] {
		f := strings.Fields(line)
		rows[f[1]] = strings.Join(f[2:4], " ")
	}
	if len(rows) != 11 || rows["Læsø"] != "nej –" || rows["Aalborg"] != "ja 1" || rows["Morsø"] != "ja 2" {
		t.Errorf("demand table %v:\n%s", rows, demand)
	}
	if !regexp.MustCompile(`851 Aalborg +ja +1 +\d{4}-\d\d-\d\d \d\d:\d\d`).MatchString(demand) {
		t.Errorf("Aalborg's row has no time of loading:\n%s", demand)
	}

	out, _, _ = cli(t, "batches", "status", "--year", "2024", "--db", db, "--lang", "en")
	if want := "2 of 11 municipalities have delivered demand for 2024; missing: Brønderslev, Frederikshavn, Hjørring, Jammerbugt, Læsø, Mariagerfjord, Rebild, Thisted, Vesthimmerland.\n"; !strings.Contains(out, want) {
		t.Errorf("English status lacks %q:\n%s", want, out)
	}

	out, _, _ = cli(t, "batches", "status", "--year", "2024", "--db", db, "--format", "json")
	var res struct {
		Items []struct {
			Dataset      string
			Municipality int
			Delivered    bool
			Batch        *int64
			LoadedAt     *string `json:"loaded_at"`
		}
		Summary []struct{ Dataset, Sentence string }
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	delivered := map[int]bool{}
	for _, it := range res.Items {
		if it.Delivered {
			delivered[it.Municipality] = it.Dataset == "demand" && it.Batch != nil && it.LoadedAt != nil
		}
	}
	if len(res.Items) != 5*11+2 || len(delivered) != 2 || !delivered[851] || !delivered[773] || len(res.Summary) != 7 {
		t.Errorf("json: %d items, delivered %v, %d summary lines", len(res.Items), delivered, len(res.Summary))
	}

	// 2023: nothing delivered
	out, _, _ = cli(t, "batches", "status", "--year", "2023", "--db", db)
	if !strings.Contains(out, "Ingen af de 11 kommuner har indberettet efterspørgsel for 2023.\n") {
		t.Errorf("2023:\n%s", out)
	}

	for _, args := range [][]string{
		{"batches", "status"},
		{"batches", "status", "--year", "24"},
		{"batches", "status", "--year", "2024", "--format", "csv"},
		{"batches", "status", "--year", "2024", "--lang", "de"},
		{"batches", "list", "--year", "2024"},
		{"batches", "status", "2024"},
	} {
		if _, _, code := cli(t, append(args, "--db", db)...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if out, _, code := cli(t, "batches", "--db", db); code != 0 || !strings.Contains(out, "morsoe.csv") {
		t.Errorf("batches list: %d %s", code, out)
	}
}
