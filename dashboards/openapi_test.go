package dashboards_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/kapacitet/kapacitet/dashboards"
)

// The OpenAPI document at /api/v1/openapi.json is valid, names every API route the server has, and every
// live answer of every API route (success and error) matches the document's schema for its status.
func TestOpenAPI(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	res, body := get(t, srv.URL+"/api/v1/openapi.json")
	if res.StatusCode != 200 {
		t.Fatalf("openapi.json: %d", res.StatusCode)
	}
	doc, err := openapi3.NewLoader().LoadFromData([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(ctx); err != nil {
		t.Fatalf("the document is not valid OpenAPI 3: %v", err)
	}
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	// every API route of the server is in the document (and the server lists its routes)
	if routes := dashboards.Routes(srv.Config.Handler); len(routes) < 20 {
		t.Fatalf("the server lists %d routes", len(routes))
	}
	if lacks := undocumented(doc, dashboards.Routes(srv.Config.Handler)); len(lacks) > 0 {
		t.Errorf("the document lacks %v", lacks)
	}

	tokens := map[string]string{}
	for _, role := range []string{"analyst", "admin"} {
		tok, err := st.CreateToken(ctx, "api-"+role, role, "test")
		if err != nil {
			t.Fatal(err)
		}
		tokens[role] = tok
	}
	_, demandCSV := get(t, srv.URL+"/data/templates/demand.xlsx") // any bytes will do for a refused file
	cases := []struct {
		method, path, token, contentType, body string
		status                                 int
	}{
		{"GET", "/api/v1/findings?year=2023&municipality=all", "", "", "", 200},
		{"GET", "/api/v1/findings?year=2023&target_group=autisme-boern&lang=en", tokens["analyst"], "", "", 200},
		{"GET", "/api/v1/findings?year=abc", "", "", "", 400},
		{"GET", "/api/v1/findings?draft=true", "", "", "", 401},
		{"GET", "/api/v1/editions", "", "", "", 200},
		{"GET", "/api/v1/editions?lang=en", tokens["admin"], "", "", 200},
		{"GET", "/api/v1/delivery?year=2023", tokens["analyst"], "", "", 200},
		{"GET", "/api/v1/delivery?year=2023", "", "", "", 401},
		{"GET", "/api/v1/delivery", tokens["analyst"], "", "", 400},
		{"GET", "/api/v1/extracts/capacity.csv?year=2023", "", "", "", 200},
		{"GET", "/api/v1/extracts/offers.parquet", "", "", "", 200},
		{"GET", "/api/v1/extracts/tariffs.xlsx", "", "", "", 200},
		{"GET", "/api/v1/extracts/population.arrow", "", "", "", 200},
		{"GET", "/api/v1/extracts/purchases.csv?draft=true", "", "", "", 401},
		{"GET", "/api/v1/extracts/purchases.xlsx?year=2023", "", "", "", 200},
		{"GET", "/api/v1/extracts/demand.parquet?year=2023", "", "", "", 200},
		{"GET", "/api/v1/extracts/nosuch.csv", "", "", "", 404},
		{"GET", "/api/v1/extracts/population.csv?place_type=dag", "", "", "", 400},
		{"PUT", "/api/v1/assessment/2023", tokens["admin"], "text/markdown", "Ingen **mangel**.", 200},
		{"PUT", "/api/v1/assessment/2023", tokens["analyst"], "text/markdown", "x", 403},
		{"GET", "/api/v1/assessment/2023?draft=true", tokens["analyst"], "", "", 200},
		{"GET", "/api/v1/assessment/2023", "", "", "", 404},
		{"POST", "/api/v1/publish/2023", tokens["admin"], "", "", 200},
		{"GET", "/api/v1/assessment/2023", "", "", "", 200},
		{"POST", "/api/v1/publish/2023", "", "", "", 401},
		{"POST", "/api/v1/publish/1999", tokens["admin"], "", "", 422},
		{"POST", "/api/v1/ingest/demand?dry_run=true&file=d.xlsx", tokens["admin"], "application/octet-stream", demandCSV, 422},
		{"POST", "/api/v1/ingest/demand?dry_run=true&file=d.csv", tokens["admin"], "text/csv", "year,municipality,target_group,place_type,placed,waiting\n2024,851,misbrug,dag,3,0\n", 200},
		{"POST", "/api/v1/ingest/nosuch", tokens["admin"], "text/csv", "a\n", 404},
		{"POST", "/api/v1/cli", tokens["admin"], "application/json", `{"command":"gaps","args":[]}`, 404}, // no CLI in this test server
		{"POST", "/api/v1/cli", "", "application/json", `{}`, 401},
		{"GET", "/api/v1/openapi.json", "", "", "", 200},
	}
	called := map[string]bool{}
	for _, c := range cases {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		if c.contentType != "" {
			req.Header.Set("Content-Type", c.contentType)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("%s %s: %d, want %d: %.200s", c.method, c.path, res.StatusCode, c.status, got)
			continue
		}
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Errorf("%s %s: not in the document: %v", c.method, c.path, err)
			continue
		}
		called[route.Method+" "+route.Path] = true
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true}}
		binary := strings.Contains(res.Header.Get("Content-Type"), "parquet") || strings.Contains(res.Header.Get("Content-Type"), "arrow") ||
			strings.Contains(res.Header.Get("Content-Type"), "spreadsheetml") || strings.Contains(res.Header.Get("Content-Type"), "octet-stream")
		err = openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode,
			Header: res.Header, Body: io.NopCloser(bytes.NewReader(got)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: binary}})
		if err != nil {
			t.Errorf("%s %s (%d): the answer does not match the document: %v", c.method, c.path, res.StatusCode, err)
		}
	}
	// and every operation of the document was called
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			if !called[method+" "+srv.URL+path] && !called[method+" "+path] {
				t.Errorf("no case calls %s %s", method, path)
			}
		}
	}
	// the controls: a route the document lacks, and an answer that does not match, are both caught
	doc.Paths.Delete("/api/v1/editions")
	if lacks := undocumented(doc, dashboards.Routes(srv.Config.Handler)); !slices.Contains(lacks, "GET /api/v1/editions") {
		t.Errorf("a route missing from the document is not caught: %v", lacks)
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/v1/findings", nil)
	route, params, _ := router.FindRoute(req)
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route}
	h := http.Header{"Content-Type": {"application/json"}}
	if err := openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: 200, Header: h,
		Body: io.NopCloser(strings.NewReader(`{"items":[{"id":1,"kind":"gap"}]}`))}); err == nil {
		t.Error("a finding without its fields matches the document")
	}
}

// undocumented lists the server's API routes ("METHOD /path") that doc lacks.
func undocumented(doc *openapi3.T, routes []string) []string {
	param := regexp.MustCompile(`:(\w+)`)
	var out []string
	for _, r := range routes {
		method, path, _ := strings.Cut(r, " ")
		if !strings.HasPrefix(path, "/api/") || method == http.MethodHead || method == http.MethodOptions || method == "echo_route_any" {
			continue
		}
		p := doc.Paths.Find(param.ReplaceAllString(path, "{$1}"))
		if p == nil || p.GetOperation(method) == nil {
			out = append(out, method+" "+path)
		}
	}
	return out
}
