package dashboards_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Ingest over HTTP: an admin uploads a file raw or as a form; a file with a bad row answers 422 with every
// problem and changes nothing; above the upload limit 413; others may not.
func TestIngestAPI(t *testing.T) {
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(t.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	lim := data.DefaultLimits()
	lim.MaxUploadMB = 1
	h, err := dashboards.NewServer(dashboards.Deps{Store: st, Analysis: analysis.DefaultConfig(), Limits: lim})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	admin, _ := st.CreateToken(ctx, "sekretariat", "admin", "test")
	analyst, _ := st.CreateToken(ctx, "analytiker", "analyst", "test")
	post := func(path, token, contentType string, body []byte) (int, map[string]any) {
		req, _ := http.NewRequest("POST", srv.URL+path, bytes.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var out map[string]any
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s: not JSON: %s", path, b)
		}
		return res.StatusCode, out
	}
	good := []byte("aar;kommune;maalgruppe;pladstype;anbragte;venteliste\n2024;Aalborg;Misbrug;Dag;10;2\n2024;Læsø;misbrug;døgn;3;0\n")
	code, out := post("/api/v1/ingest/demand?file=aalborg.csv", admin, "text/csv", good)
	if code != 200 || out["rows"] != 2.0 || out["file"] != "aalborg.csv" || out["batch"] != 1.0 {
		t.Errorf("raw upload: %d %v", code, out)
	}
	// the same rows as a form, under another name: the same content, so already loaded
	var form bytes.Buffer
	mw := multipart.NewWriter(&form)
	fw, _ := mw.CreateFormFile("file", `C:\Users\das\laesoe.csv`)
	fw.Write(good)
	mw.Close()
	code, out = post("/api/v1/ingest/efterspørgsel", admin, mw.FormDataContentType(), form.Bytes())
	if code != 200 || out["duplicate"] != true || out["file"] != "laesoe.csv" {
		t.Errorf("form upload: %d %v", code, out)
	}
	before, _ := st.Checksum(ctx)
	bad := []byte("year,municipality,target_group,place_type,placed,waiting\n2024,851,misbrug,dag,10,2\n2024,851,misbrug,dag,x,2\n2024,999,misbrug,dag,1,0\n")
	code, out = post("/api/v1/ingest/demand?file=bad.csv", admin, "text/csv", bad)
	e, _ := out["error"].(map[string]any)
	details, _ := e["details"].(map[string]any)
	problems, _ := details["problems"].([]any)
	if code != 422 || e["code"] != "invalid_file" || len(problems) != 2 {
		t.Errorf("bad file: %d %v", code, out)
	}
	if after, _ := st.Checksum(ctx); after != before {
		t.Error("a refused upload changed the database")
	}
	code, out = post("/api/v1/ingest/demand?file=big.csv", admin, "text/csv", append(good, bytes.Repeat([]byte("2024,851,misbrug,dag,1,0\n"), 50000)...))
	if e, _ := out["error"].(map[string]any); code != 413 || e["code"] != "request_entity_too_large" {
		t.Errorf("1,2 MiB with a 1 MiB limit: %d %v", code, out)
	}
	if after, _ := st.Checksum(ctx); after != before {
		t.Error("a refused upload changed the database")
	}
	code, out = post("/api/v1/ingest/demand", admin, "multipart/form-data; boundary=xx", []byte("garbage"))
	if e, _ := out["error"].(map[string]any); code != 400 || e["code"] != "invalid" {
		t.Errorf("a malformed form: %d %v", code, out)
	}
	code, out = post("/api/v1/ingest/demand?file=x.parquet", admin, "application/octet-stream", []byte("PAR1garbagePAR1"))
	if b, _ := json.Marshal(out); code != 422 || strings.Contains(string(b), ".tmp") || strings.Contains(string(b), "SELECT") {
		t.Errorf("a broken Parquet file: %d %s", code, b)
	}
	if after, _ := st.Checksum(ctx); after != before {
		t.Error("a refused upload changed the database")
	}
	for token, want := range map[string]int{"": 401, analyst: 403} {
		if code, _ := post("/api/v1/ingest/demand", token, "text/csv", good); code != want {
			t.Errorf("upload as %q: %d, want %d", token, code, want)
		}
	}
	if code, out := post("/api/v1/ingest/nosuch", admin, "text/csv", good); code != 404 || !strings.Contains(out["error"].(map[string]any)["message"].(string), "nosuch") {
		t.Errorf("unknown dataset: %d %v", code, out)
	}
}
