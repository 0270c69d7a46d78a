package dashboards_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
)

// /api/v1/delivery over real HTTP: analysts and admins only; the demo's demand of 2023 comes from the
// municipalities with rows in data/demo/demand.csv; a 2024 file of Aalborg's is one of 11.
func TestDeliveryAPI(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	tokens := map[string]string{"": ""}
	for _, role := range []string{"viewer", "analyst", "admin"} {
		secret, err := st.CreateToken(ctx, role+" delivery", role, "test")
		if err != nil {
			t.Fatal(err)
		}
		tokens[role] = secret
	}
	type item struct {
		Dataset      string
		Municipality int
		Name         string
		Delivered    bool
		Batch        *int64
		LoadedAt     *string `json:"loaded_at"`
	}
	type answer struct {
		Items   []item
		Summary []struct{ Dataset, Sentence string }
	}
	do := func(path, token string) (int, answer, string) {
		t.Helper()
		code, body := getAs(t, srv.URL+path, token)
		var a answer
		if code == 200 {
			if err := json.Unmarshal([]byte(body), &a); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		return code, a, body
	}
	for who, want := range map[string]int{"": 401, "viewer": 403, "analyst": 200, "admin": 200} {
		if code, _, body := do("/api/v1/delivery?year=2023", tokens[who]); code != want {
			t.Errorf("delivery as %q: %d, want %d: %s", who, code, want, body)
		}
	}
	for _, q := range []string{"", "?year=", "?year=abc", "?year=24"} {
		if code, _, body := do("/api/v1/delivery"+q, tokens["analyst"]); code != 400 {
			t.Errorf("delivery%s: %d, want 400: %s", q, code, body)
		}
	}

	// 2023: the municipalities with demo demand rows of 2023, from the demo's batch of demand
	_, rows := demoCSV(t, "demand")
	demo := map[int]bool{}
	for _, r := range rows {
		if r["year"] == "2023" {
			code, _ := strconv.Atoi(r["municipality"])
			demo[code] = true
		}
	}
	batches, err := st.Batches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var demandBatch int64
	for _, b := range batches {
		if b.Dataset == "demand" {
			demandBatch = b.ID
		}
	}
	_, a, _ := do("/api/v1/delivery?year=2023", tokens["analyst"])
	var demand []item
	for _, it := range a.Items {
		if it.Dataset == "demand" {
			demand = append(demand, it)
		}
		if it.Dataset == "offers" && (it.Municipality != data.RegionCode || !it.Delivered) {
			t.Errorf("offers of 2023: %+v", it)
		}
	}
	if len(demand) != 11 {
		t.Fatalf("%d demand items for 2023, want 11", len(demand))
	}
	for _, it := range demand {
		if it.Delivered != demo[it.Municipality] || (it.Delivered && (it.Batch == nil || *it.Batch != demandBatch || it.LoadedAt == nil)) {
			t.Errorf("demand of 2023, %d %s: %+v, want delivered %v from batch %d", it.Municipality, it.Name, it, demo[it.Municipality], demandBatch)
		}
	}

	// 2024: Aalborg's demand only
	d, _ := data.DatasetByName("demand")
	if _, err := ingest.File(ctx, st, d, "aalborg-2024.csv", []byte("year,municipality,target_group,place_type,placed,waiting\n2024,851,misbrug,dag,50,2\n"), ingest.Options{LoadedBy: "test"}); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{
		"":   "1 af 11 kommuner har indberettet efterspørgsel for 2024; mangler: Brønderslev, Frederikshavn, Hjørring, Jammerbugt, Læsø, Mariagerfjord, Morsø, Rebild, Thisted, Vesthimmerland.",
		"en": "1 of 11 municipalities has delivered demand for 2024; missing: Brønderslev, Frederikshavn, Hjørring, Jammerbugt, Læsø, Mariagerfjord, Morsø, Rebild, Thisted, Vesthimmerland.",
	} {
		code, a, body := do("/api/v1/delivery?year=2024&lang="+lang, tokens["admin"])
		if code != 200 || len(a.Summary) != 7 {
			t.Fatalf("2024 (%q): %d %s", lang, code, body)
		}
		for _, l := range a.Summary {
			if l.Dataset == "demand" && l.Sentence != want {
				t.Errorf("2024 (%q):\n got %q\nwant %q", lang, l.Sentence, want)
			}
		}
		delivered := 0
		for _, it := range a.Items {
			if it.Delivered {
				delivered++
				if it.Dataset != "demand" || it.Municipality != 851 || it.Name != "Aalborg" {
					t.Errorf("2024: %+v delivered", it)
				}
			}
		}
		if delivered != 1 {
			t.Errorf("2024: %d delivered, want 1", delivered)
		}
	}
}

// getAs GETs url with `Authorization: Bearer token` (none when token is ""): the status and the body.
func getAs(t *testing.T, url, token string) (int, string) {
	t.Helper()
	return requestAs(t, http.MethodGet, url, token)
}

// requestAs sends a request without a body with `Authorization: Bearer token` (none when token is ""):
// the status and the body.
func requestAs(t *testing.T, method, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b)
}
