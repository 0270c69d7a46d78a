package dashboards_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Bad input over HTTP: corrupted uploads and fuzzed query strings and bodies are answered 4xx (JSON under
// /api/), never 500, and change nothing.

// faultServer is a demo database (published) served by the real handler, with an admin token and the upload
// limit at 1 MiB. The handler trusts 127.0.0.1 as a proxy, so that a test can give each request its own
// client address (X-Forwarded-For) and stay under the per-address rate limit of uploads.
func faultServer(tb testing.TB) (http.Handler, *queries.Store, string) {
	tb.Helper()
	ctx := context.Background()
	st, err := queries.Open(ctx, filepath.Join(tb.TempDir(), "k.duckdb"), queries.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := dashboards.LoadDemo(ctx, st, analysis.DefaultConfig()); err != nil {
		tb.Fatal(err)
	}
	admin, err := st.CreateToken(ctx, "sekretariat", "admin", "test")
	if err != nil {
		tb.Fatal(err)
	}
	lim := data.DefaultLimits()
	lim.MaxUploadMB = 1
	proxies, _ := dashboards.ParseTrustedProxies("127.0.0.1")
	h, err := dashboards.NewServer(dashboards.Deps{Store: st, Analysis: analysis.DefaultConfig(), Limits: lim, TrustedProxies: proxies,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	return h, st, admin
}

// clients numbers the client addresses the requests come from (each its own rate-limit bucket).
var clients atomic.Uint32

// serve sends a request to h as it would come over HTTP through the trusted proxy, from a new client.
func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	n := clients.Add(1)
	req.RemoteAddr = "127.0.0.1:40000"
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// storeState is what a refused upload must leave as it was: every table (rows and checksum), the stored
// files, and nothing left in the staging folder.
type storeState struct {
	Tables []queries.TableSum
	Files  map[string]string
	Stage  []string
}

func stateOfStore(tb testing.TB, st *queries.Store) storeState {
	tb.Helper()
	sums, err := st.TableSums(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	s := storeState{Tables: sums, Files: map[string]string{}}
	entries, _ := os.ReadDir(st.FilesDir())
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(st.FilesDir(), e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		sum := sha256.Sum256(b)
		s.Files[e.Name()] = hex.EncodeToString(sum[:])
	}
	stage, _ := os.ReadDir(filepath.Join(st.Path()+".tmp", "stage"))
	for _, e := range stage {
		s.Stage = append(s.Stage, e.Name())
	}
	return s
}

// apiErrorOf checks that body is the API's error: {"error": {"code": ..., "message": ...}}.
func apiErrorOf(body []byte) (code, message string, ok bool) {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &e); err != nil {
		return "", "", false
	}
	return e.Error.Code, e.Error.Message, e.Error.Code != "" && e.Error.Message != ""
}

func getBody(t *testing.T, h http.Handler, path string) []byte {
	t.Helper()
	rec := serve(h, httptest.NewRequest("GET", path, nil))
	if rec.Code != 200 {
		t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
	}
	return rec.Body.Bytes()
}

// Corrupted uploads (a cut XLSX, a ZIP that is no XLSX, Parquet files with bytes flipped, CSV files with
// mixed encodings or a NUL byte, a form cut short, a body over the limit) are refused with 4xx and the API's
// JSON error, and change nothing: tables, stored files, staging folder.
func TestCorruptUploadsChangeNothing(t *testing.T) {
	h, st, admin := faultServer(t)
	xlsx := getBody(t, h, "/data/templates/capacity.xlsx")
	parquet := getBody(t, h, "/api/v1/extracts/capacity.parquet?year=2023")
	var notXLSX bytes.Buffer
	zw := zip.NewWriter(&notXLSX)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("year,location\n2023,851\n"))
	zw.Close()
	flip := func(b []byte, at ...int) []byte {
		out := bytes.Clone(b)
		for _, i := range at {
			out[i] ^= 0xff
		}
		return out
	}
	n := len(parquet)
	header := "year,location,ownership,agreement,place_type,target_group,places\n"
	form := func(content string) (string, []byte) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "capacity.csv")
		fw.Write([]byte(content))
		mw.Close()
		cut := b.Bytes()[:b.Len()-len(mw.Boundary())-8] // no closing boundary
		return mw.FormDataContentType(), cut
	}
	formType, cutForm := form(header + "2023,851,kommunal,nej,doegn,autisme-boern,3\n")
	cases := []struct {
		name, file, contentType string
		body                    []byte
		status                  int // 0: any 4xx
	}{
		{"a cut XLSX", "capacity.xlsx", "", xlsx[:len(xlsx)/2], 0},
		{"an XLSX cut before its end", "capacity.xlsx", "", xlsx[:len(xlsx)-30], 0},
		{"a ZIP that is no XLSX", "capacity.xlsx", "", notXLSX.Bytes(), 0},
		{"Parquet: its footer's length flipped", "capacity.parquet", "", flip(parquet, n-8, n-7), 0},
		{"Parquet: its metadata flipped", "capacity.parquet", "", flip(parquet, n-40, n-60, n-100, n-200), 0},
		{"Parquet: its first page flipped", "capacity.parquet", "", flip(parquet, 4, 5, 6, 7, 8, 20, 40, 60), 0},
		{"Parquet: its magic flipped", "capacity.parquet", "", flip(parquet, 0, n-1), 0},
		{"Parquet: cut in two", "capacity.parquet", "", parquet[:n/2], 0},
		{"CSV: UTF-8 and another encoding mixed", "capacity.csv", "text/csv",
			[]byte(header + "2023,Læsø,kommunal,nej,doegn,autisme-boern,3\n2023,Hj\xf8rring,kommunal,nej,doegn,autisme-boern,3\n"), 422},
		{"CSV: a NUL byte", "capacity.csv", "text/csv", []byte(header + "2023,851,kommunal,nej,doegn,autisme-boern,3\x00\n"), 422},
		{"CSV: a NUL byte in the header", "capacity.csv", "text/csv", []byte("year,loca\x00tion,ownership,agreement,place_type,target_group,places\n2023,851,kommunal,nej,doegn,autisme-boern,3\n"), 422},
		{"a form cut short", "", formType, cutForm, 400},
		{"over the limit", "capacity.csv", "text/csv", append([]byte(header), bytes.Repeat([]byte("2023,851,kommunal,nej,doegn,autisme-boern,3\n"), 30000)...), 413},
	}
	before := stateOfStore(t, st)
	for _, tc := range cases {
		path := "/api/v1/ingest/capacity"
		if tc.file != "" {
			path += "?file=" + tc.file
		}
		req := httptest.NewRequest("POST", path, bytes.NewReader(tc.body))
		req.Header.Set("Authorization", "Bearer "+admin)
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		rec := serve(h, req)
		code, msg, ok := apiErrorOf(rec.Body.Bytes())
		t.Logf("%s: %d %s: %.200s", tc.name, rec.Code, code, msg)
		if rec.Code < 400 || rec.Code >= 500 || (tc.status != 0 && rec.Code != tc.status) || !ok {
			t.Errorf("%s: %d, want 4xx (%d) with the JSON error: %.500s", tc.name, rec.Code, tc.status, rec.Body.String())
		}
		if after := stateOfStore(t, st); !reflect.DeepEqual(after, before) {
			t.Errorf("%s changed the database:\n got %+v\nwant %+v", tc.name, after, before)
		}
	}
	// and the file intact is taken (dry run): the server still works after them
	req := httptest.NewRequest("POST", "/api/v1/ingest/capacity?file=capacity.parquet&dry_run=true", bytes.NewReader(parquet))
	req.Header.Set("Authorization", "Bearer "+admin)
	if rec := serve(h, req); rec.Code != 200 {
		t.Errorf("the intact Parquet file (dry run): %d %.500s", rec.Code, rec.Body.String())
	}
}

// fuzzRoutes are the pages and API routes whose query parameters FuzzPageQuery fuzzes.
var fuzzRoutes = []string{"/", "/gaps", "/groups/autisme-boern", "/offers", "/municipalities/851", "/api/v1/findings",
	"/api/v1/extracts/capacity.csv", "/data", "/report/2023"}

// httpQuery says whether q can reach a handler as a query string over HTTP: the request line has no space,
// no control character and no fragment, and the URL parses.
func httpQuery(path, q string) (*url.URL, bool) {
	if strings.ContainsAny(q, " #") {
		return nil, false
	}
	for _, r := range q {
		if r < 0x20 || r == 0x7f {
			return nil, false
		}
	}
	u, err := url.ParseRequestURI(path + "?" + q)
	return u, err == nil
}

// FuzzPageQuery sends fuzzed query strings to the pages and the API: never a 500 (nor a panic, which the
// server answers 500). The seeds are each route's parameters with good and bad values, and the tables the
// pages offer for download.
func FuzzPageQuery(f *testing.F) {
	h, _, _ := faultServer(f)
	seeds := []string{"", "year=2023&lang=en", "lang=xx", "year=99999999999999999999", "year=2023&year=abc", "%zz&year=%00",
		"draft=true", "target_group=autisme-boern&place_type=doegn&severity=shortage&kind=gap", "target_group=x&place_type=xx",
		"municipality=Aalborg&category=x", "municipality=Odense", "offer=-5&measure=x&limit=1e9", "dialect=excel-da",
		"edition=0&batch=x", "download=x.csv", "download=../../etc/passwd.xlsx"}
	ids := regexp.MustCompile(`download=([A-Za-z0-9_-]+)\.(csv|xlsx)`)
	for i, route := range fuzzRoutes {
		for _, s := range seeds {
			f.Add(uint8(i), s)
		}
		body := string(getBodyTB(f, h, route))
		for _, m := range ids.FindAllStringSubmatch(body, 4) {
			f.Add(uint8(i), "download="+m[1]+"."+m[2])
			f.Add(uint8(i), "year=2022&lang=en&download="+m[1]+".xlsx")
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, q string) {
		path := fuzzRoutes[int(route)%len(fuzzRoutes)]
		u, ok := httpQuery(path, q)
		if !ok {
			return
		}
		req := httptest.NewRequest("GET", "/", nil)
		req.URL, req.RequestURI = u, u.RequestURI()
		rec := serve(h, req)
		if rec.Code >= 500 {
			t.Errorf("GET %s?%s: %d %.500s", path, q, rec.Code, rec.Body.String())
		}
	})
}

func getBodyTB(tb testing.TB, h http.Handler, path string) []byte {
	tb.Helper()
	rec := serve(h, httptest.NewRequest("GET", path, nil))
	if rec.Code != 200 {
		tb.Fatalf("%s: %d", path, rec.Code)
	}
	return rec.Body.Bytes()
}

// FuzzIngestUpload posts fuzzed bodies under fuzzed ?file= names to the ingest API (a dry run, as an admin):
// never a 500 (nor a panic), and, being dry runs, nothing changes. The seeds are the demo's own files in each
// format the ingest reads, and broken ones.
func FuzzIngestUpload(f *testing.F) {
	h, st, admin := faultServer(f)
	header := "year,location,ownership,agreement,place_type,target_group,places\n"
	good := header + "2023,851,kommunal,nej,doegn,autisme-boern,3\n2023,Læsø,privat,ja,dag,misbrug,1\n"
	f.Add("capacity.csv", []byte(good))
	f.Add("kapacitet.csv", []byte("aar;lokation;ejerform;aftale;pladstype;maalgruppe;pladser\n2023;Aalborg;kommunal;nej;døgn;autisme-boern;3\n"))
	f.Add("capacity.csv", []byte("\xef\xbb\xbf"+good))
	f.Add("capacity.csv", []byte(header+"2023,Hj\xf8rring,kommunal,nej,doegn,autisme-boern,3\n"))
	f.Add("capacity.csv", []byte(header+"2023,851,kommunal,nej,doegn,autisme-boern,x\n2023,999,kommunal,nej,doegn,autisme-boern,3\n"))
	f.Add("capacity.csv", []byte("\xff\xfey\x00e\x00a\x00r\x00\n\x00"))
	f.Add("capacity.csv", []byte(header+"2023,851,kommunal,nej,doegn,autisme-boern,3\x00\n"))
	f.Add("capacity.json", []byte(`[{"year":2023,"location":851,"ownership":"kommunal","agreement":false,"place_type":"doegn","target_group":"autisme-boern","places":3}]`))
	f.Add("capacity.ndjson", []byte(`{"year":2023,"location":"851","ownership":"kommunal","agreement":"nej","place_type":"doegn","target_group":"autisme-boern","places":3}`+"\n"))
	f.Add("capacity.json", []byte(`{"year":`))
	f.Add("capacity.xlsx", getBodyTB(f, h, "/data/templates/capacity.xlsx"))
	f.Add("capacity.xlsx", []byte("PK\x03\x04garbage"))
	f.Add("capacity.parquet", getBodyTB(f, h, "/api/v1/extracts/capacity.parquet?year=2023"))
	f.Add("capacity.parquet", []byte("PAR1garbagePAR1"))
	f.Add("", []byte(good))
	f.Add("../../x.csv", []byte(good))
	f.Add("capacity.txt", []byte(good))
	f.Add("C:\\Users\\das\\capacity.CSV", []byte(good))
	f.Add("kapacitet-\xe6\xf8\xe5.csv", []byte(good)) // a name that is no UTF-8 (was a 500: DuckDB could not store it)
	// each input checks what it may not change cheaply (the data version counts every committed write, and
	// the stored files); TestCorruptUploadsChangeNothing checks the tables themselves
	version, _ := st.Versions()
	files := len(stateOfStore(f, st).Files)
	f.Fuzz(func(t *testing.T, name string, body []byte) {
		q := url.Values{"dry_run": {"true"}, "file": {name}}
		req := httptest.NewRequest("POST", "/api/v1/ingest/capacity?"+q.Encode(), bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+admin)
		rec := serve(h, req)
		if rec.Code >= 500 {
			t.Fatalf("POST ?file=%q (%d bytes): %d %.500s", name, len(body), rec.Code, rec.Body.String())
		}
		if rec.Code != 200 {
			if _, _, ok := apiErrorOf(rec.Body.Bytes()); !ok {
				t.Errorf("POST ?file=%q: %d without the JSON error: %.500s", name, rec.Code, rec.Body.String())
			}
		}
		entries, _ := os.ReadDir(st.FilesDir())
		if v, _ := st.Versions(); v != version || len(entries) != files {
			t.Fatalf("a dry run of ?file=%q changed the database: data version %d, was %d; %d stored files, were %d", name, v, version, len(entries), files)
		}
	})
}
