package dashboards_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/data"
)

// The findings extract in every format, read back by readers that are not the writer, against the findings
// API's JSON of the same filters: the same findings in the same order, demand and gap null exactly where the
// API hides them, the gap share worked out here from demand and supply, names from the catalogues; and the
// demo's 2023 autism finding with the numbers PRODUCT.md gives (412 wanted, 371 places: 41, 9,95 %).
func TestFindingsExtract(t *testing.T) {
	srv, st := mustServe(t)
	analyst, _ := st.CreateToken(t.Context(), "fx", "analyst", "test")
	for _, who := range []struct{ name, token, query string }{{"public", "", ""}, {"analyst drafts", analyst, "&draft=true"}} {
		code, body := getAs(t, srv.URL+"/api/v1/findings?year=2023&municipality=all"+who.query, who.token)
		if code != 200 {
			t.Fatalf("%s: findings: %d %s", who.name, code, body)
		}
		var list struct {
			Items []struct {
				ID          string            `json:"id"`
				Kind        string            `json:"kind"`
				Severity    string            `json:"severity"`
				Year        int               `json:"year"`
				Area        int               `json:"area"`
				TargetGroup string            `json:"target_group"`
				PlaceType   string            `json:"place_type"`
				Supply      int64             `json:"supply"`
				Demand      *int64            `json:"demand"`
				Gap         *int64            `json:"gap"`
				Suppressed  map[string]string `json:"suppressed"`
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(body), &list); err != nil || len(list.Items) < 100 {
			t.Fatalf("%s: %v, %d findings", who.name, err, len(list.Items))
		}
		hidden := 0
		for _, format := range []string{"parquet", "arrow", "csv", "xlsx"} {
			code, body := getAs(t, srv.URL+"/api/v1/extracts/findings."+format+"?year=2023"+who.query, who.token)
			if code != 200 {
				t.Fatalf("%s findings.%s: %d %s", who.name, format, code, body)
			}
			head, rows, types := readExtract(t, format, []byte(body))
			col := map[string]int{}
			for i, h := range head {
				col[h] = i
			}
			if len(rows) != len(list.Items) {
				t.Fatalf("%s findings.%s: %d rows, the API %d findings", who.name, format, len(rows), len(list.Items))
			}
			if types != nil {
				for name, want := range map[string]string{"year": "int32", "area": "int32", "demand": "int64", "gap_share": "decimal(9, 4)", "sentence": "utf8"} {
					if got := types[col[name]]; got != want {
						t.Errorf("%s findings.%s %s: %s, want %s", who.name, format, name, got, want)
					}
				}
			}
			for i, f := range list.Items {
				r := rows[i]
				v := func(name string) string { return r[col[name]] }
				tg, _ := data.TargetGroupByCode(f.TargetGroup)
				want := map[string]string{"id": f.ID, "kind": f.Kind, "severity": f.Severity, "year": strconv.Itoa(f.Year),
					"area": strconv.Itoa(f.Area), "area_name": data.AreaName(f.Area), "target_group": f.TargetGroup,
					"target_group_name": tg.NameDA, "place_type": f.PlaceType, "supply": fmt.Sprint(f.Supply), "demand": "", "gap": "", "gap_share": ""}
				if f.Demand != nil {
					want["demand"], want["gap"] = fmt.Sprint(*f.Demand), fmt.Sprint(*f.Gap)
					if d := *f.Demand; d > 0 {
						// the share to four decimals, in integers: (d - s) / d, rounded half away from zero
						n := (d - f.Supply) * 100000 / d
						if n%10 >= 5 {
							n += 10
						} else if n%10 <= -5 {
							n -= 10
						}
						n /= 10
						sign := ""
						if n < 0 {
							sign, n = "-", -n
						}
						want["gap_share"] = fmt.Sprintf("%s%d.%04d", sign, n/10000, n%10000)
					}
				} else {
					hidden++
					if !strings.Contains(v("suppressed"), "demand="+f.Suppressed["demand"]) {
						t.Errorf("%s findings.%s %s: suppressed %q, the API hides demand as %q", who.name, format, f.ID, v("suppressed"), f.Suppressed["demand"])
					}
				}
				for name, w := range want {
					got := v(name)
					if name == "gap_share" && got != "" && w != "" {
						g, _ := strconv.ParseFloat(got, 64)
						e, _ := strconv.ParseFloat(w, 64)
						if fmt.Sprintf("%.4f", g) == fmt.Sprintf("%.4f", e) {
							continue
						}
					}
					if got != w {
						t.Errorf("%s findings.%s %s: %s %q, want %q", who.name, format, f.ID, name, got, w)
					}
				}
				if v("sentence") == "" || !strings.HasPrefix(v("url"), "/") {
					t.Errorf("%s findings.%s %s: sentence %q, url %q", who.name, format, f.ID, v("sentence"), v("url"))
				}
				if f.ID == "gap-2023-1081-autisme-boern-doegn" && (v("supply") != "371" || v("demand") != "412" || v("gap") != "41" || !strings.HasPrefix(v("gap_share"), "0.0995")) {
					t.Errorf("%s findings.%s: the autism finding %v", who.name, format, r)
				}
			}
		}
		if who.token == "" && hidden == 0 {
			t.Errorf("the public's findings of 2023 hide no demand: the check of hidden cells checked nothing")
		}
		// each of the four exports is in the export log with its rows and filters
		log, err := st.ExportLog(t.Context(), 100)
		if err != nil {
			t.Fatal(err)
		}
		logged := map[string]bool{}
		for _, e := range log {
			if e.Dataset == "findings" && e.Rows == int64(len(list.Items)) && strings.Contains(e.Args, "year=2023") && (e.Role == "analyst") == (who.token != "") {
				logged[e.Format] = true
			}
		}
		if len(logged) != 4 {
			t.Errorf("%s: the export log has the findings in %v, want all four formats: %+v", who.name, logged, log)
		}
	}
	for _, q := range []string{"batch=1", "edition=1", "category=privat"} {
		if code, body := getAs(t, srv.URL+"/api/v1/extracts/findings.csv?"+q, ""); code != 400 || !strings.Contains(body, "findings take") {
			t.Errorf("findings.csv?%s: %d %s, want 400", q, code, body)
		}
	}
}
