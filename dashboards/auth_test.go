package dashboards_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
)

// Tokens over real HTTP: drafts need an analyst or admin token, publishing an admin one; an unknown, revoked
// or malformed token is refused; a publish through the API makes the next edition.
func TestTokensAndPublishAPI(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	tokens := map[string]string{}
	for _, role := range []string{"viewer", "analyst", "admin"} {
		secret, err := st.CreateToken(ctx, role+" test", role, "test")
		if err != nil {
			t.Fatal(err)
		}
		tokens[role] = secret
	}
	revoked, err := st.CreateToken(ctx, "old", "admin", "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeToken(ctx, "old", "test"); err != nil {
		t.Fatal(err)
	}
	tokens["revoked"] = revoked
	tokens["unknown"] = "kap_" + strings.Repeat("A", 43)
	do := func(method, path, token string) (int, string) { return requestAs(t, method, srv.URL+path, token) }
	draft := "/api/v1/findings?year=2023&target_group=autisme-boern&place_type=doegn&kind=gap&draft=true"
	for who, want := range map[string]int{"": 401, "viewer": 403, "analyst": 200, "admin": 200, "revoked": 401, "unknown": 401} {
		if code, body := do("GET", draft, tokens[who]); code != want {
			t.Errorf("draft findings as %q: %d, want %d: %s", who, code, want, body)
		}
		if code, _ := do("POST", "/api/v1/publish/2023", tokens[who]); who != "admin" && code != map[string]int{"": 401, "viewer": 403, "analyst": 403, "revoked": 401, "unknown": 401}[who] {
			t.Errorf("publish as %q: %d", who, code)
		}
	}
	if code, _ := do("GET", "/api/v1/findings", "not a bearer"); code != 401 {
		t.Errorf("a token without Bearer: %d, want 401", code)
	}
	req, _ := http.NewRequest("GET", srv.URL+draft, nil)
	req.Header.Set("Authorization", "bearer "+tokens["analyst"]) // the scheme is case-insensitive
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 200 {
		t.Errorf("bearer in lower case: %v %v", res.StatusCode, err)
	}
	// who published an edition: for token holders, not the public
	if _, body := do("GET", "/api/v1/editions", ""); strings.Contains(body, "published_by") {
		t.Errorf("the public sees who published: %.200s", body)
	}
	if _, body := do("GET", "/api/v1/editions", tokens["viewer"]); !strings.Contains(body, `"published_by":"demo"`) {
		t.Errorf("a token holder does not see who published: %.200s", body)
	}
	// an unchanged year: no edition
	code, body := do("POST", "/api/v1/publish/2023", tokens["admin"])
	if code != 200 || !strings.Contains(body, `"created":false`) {
		t.Errorf("publish unchanged: %d %s", code, body)
	}
	// a correction of Aalborg's 2023 demand: a draft an analyst sees and the public does not, until the admin publishes
	header, rows := demoCSV(t, "demand")
	var file []map[string]string
	for _, r := range rows {
		if r["year"] == "2023" && r["municipality"] == "851" {
			if r["target_group"] == "autisme-boern" && r["place_type"] == "doegn" {
				r["waiting"] = "1000"
			}
			file = append(file, r)
		}
	}
	d, _ := data.DatasetByName("demand")
	if _, err := ingest.File(ctx, st, d, "aalborg.csv", csvOf(header, file), ingest.Options{}); err != nil {
		t.Fatal(err)
	}
	demand := func(path, token string) int64 {
		_, body := do("GET", path, token)
		var res struct{ Items []struct{ Demand int64 } }
		if err := json.Unmarshal([]byte(body), &res); err != nil || len(res.Items) != 1 {
			t.Fatalf("%s: %v %s", path, err, body)
		}
		return res.Items[0].Demand
	}
	public := strings.TrimSuffix(draft, "&draft=true")
	before := demand(public, "")
	if before != 412 {
		t.Fatalf("public demand before: %d", before)
	}
	_, orig := demoCSV(t, "demand")
	var aalborgWaiting int64
	for _, r := range orig {
		if r["year"] == "2023" && r["municipality"] == "851" && r["target_group"] == "autisme-boern" && r["place_type"] == "doegn" {
			n, err := strconv.ParseInt(r["waiting"], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			aalborgWaiting = n
		}
	}
	want := 412 - aalborgWaiting + 1000 // by hand: the demo's 412, with Aalborg's waiting now 1000
	if got := demand(draft, tokens["analyst"]); got != want {
		t.Errorf("draft demand: %d, want %d", got, want)
	}
	if got := demand(public, ""); got != 412 {
		t.Errorf("public demand before publishing: %d, want 412", got)
	}
	code, body = do("POST", "/api/v1/publish/2023?lang=en", tokens["admin"])
	if code != 200 || !strings.Contains(body, `"created":true`) || !strings.Contains(body, `"label":"Edition 2, published `) ||
		!strings.Contains(body, `"published_by":"admin test"`) {
		t.Errorf("publish: %d %s", code, body)
	}
	if got := demand(public, ""); got != want {
		t.Errorf("public demand after publishing: %d, want %d", got, want)
	}
	code, body = do("POST", "/api/v1/publish/2031", tokens["admin"])
	if code != 422 || !strings.Contains(body, `"error":{"code":"unprocessable_entity"`) {
		t.Errorf("publish a year without data: %d %s", code, body)
	}
	if code, _ := do("POST", "/api/v1/publish/abc", tokens["admin"]); code != 400 {
		t.Errorf("publish year abc: %d, want 400", code)
	}
}
