package dashboards_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
)

// Readers in a loop while a capacity file for 2023 is loaded and published again and again: every response
// shows the data before or after, never a mix, and no request fails. A draft reader (analyst) sees each
// ingest, the public each publish. The file doubles every 2023 line, so after it every target group's and
// category's places changed: the region's supply per target group (gap findings, read from the supply query)
// and its places per category (capacity changes, read from the capacity lines) come from two reads, and a
// response mixing two states would not add up.
func TestReadersSeeOldOrNew(t *testing.T) {
	srv, st := mustServe(t)
	ctx := context.Background()
	analyst, err := st.CreateToken(ctx, "reader", "analyst", "test")
	if err != nil {
		t.Fatal(err)
	}
	header, rows := demoCSV(t, "capacity")
	var orig, doubled []map[string]string
	var oldTotal int64
	for _, r := range rows {
		if r["year"] != "2023" {
			continue
		}
		n, _ := strconv.ParseInt(r["places"], 10, 64)
		oldTotal += n
		orig = append(orig, r)
		d := map[string]string{}
		for k, v := range r {
			d[k] = v
		}
		d["places"] = strconv.FormatInt(2*n, 10)
		if o := r["occupied"]; o != "" {
			f, _ := strconv.ParseFloat(o, 64)
			d["occupied"] = strconv.FormatFloat(2*f, 'f', 2, 64)
		}
		doubled = append(doubled, d)
	}
	// a large file: the same lines (those without an offer, which needs the year's offers) for the years
	// 2024-2050 too, so that each load replaces some 10.000 rows while the readers read
	var more []map[string]string
	for y := 2024; y <= 2050; y++ {
		for _, r := range orig {
			if r["offer_id"] != "" {
				continue
			}
			c := map[string]string{}
			for k, v := range r {
				c[k] = v
			}
			c["year"] = strconv.Itoa(y)
			more = append(more, c)
		}
	}
	files := [][]byte{csvOf(header, append(doubled, more...)), csvOf(header, append(orig, more...))}
	newTotal := 2 * oldTotal

	type view struct {
		total int64            // the region's places, summed from the gap findings of every target group
		cc    map[string]int64 // capacity changes: this year's places per target group and category
		gap   map[string]int64 // gap supply per target group
	}
	read := func(token string) (view, error) {
		path := "/api/v1/findings?year=2023&municipality=1081&place_type=alle"
		if token != "" {
			path += "&draft=true"
		}
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return view{}, err
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			return view{}, fmt.Errorf("%d %s", res.StatusCode, b)
		}
		var list struct{ Items []analysis.Finding }
		if err := json.Unmarshal(b, &list); err != nil {
			return view{}, err
		}
		v := view{cc: map[string]int64{}, gap: map[string]int64{}}
		for _, f := range list.Items {
			switch f.Kind {
			case analysis.KindGap:
				v.total += f.Supply
				v.gap[f.TargetGroup] += f.Supply
			case analysis.KindCapacityChange:
				v.cc[f.TargetGroup+" "+f.Change.Category] = f.Supply
			}
		}
		return v, nil
	}
	first, err := read(analyst)
	if err != nil || first.total != oldTotal {
		t.Fatalf("before: %d places (want %d by hand), %v", first.total, oldTotal, err)
	}
	// check says what is wrong with a response, if anything: the old state exactly, or the doubled one with
	// every group's and category's places changed and adding up to the group's supply
	check := func(v view) string {
		switch v.total {
		case oldTotal:
			for k, n := range v.cc {
				if first.cc[k] != n {
					return fmt.Sprintf("the old supply with new capacity lines (%s: %d, was %d)", k, n, first.cc[k])
				}
			}
			if len(v.cc) != len(first.cc) {
				return "the old supply with other capacity changes"
			}
		case newTotal:
			sum := map[string]int64{}
			for k, n := range v.cc {
				g, _, _ := cut(k)
				sum[g] += n
			}
			for g, s := range v.gap {
				if sum[g] != s {
					return fmt.Sprintf("%s: supply %d, capacity lines %d", g, s, sum[g])
				}
			}
		default:
			return fmt.Sprintf("%d places: neither %d nor %d", v.total, oldTotal, newTotal)
		}
		return ""
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	var reads [2]atomic.Int64
	for i, token := range []string{analyst, ""} {
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !stop.Load() {
					v, err := read(token)
					msg := ""
					if err != nil {
						msg = err.Error()
					} else {
						msg = check(v)
					}
					reads[i].Add(1)
					if msg != "" {
						mu.Lock()
						problems = append(problems, msg)
						mu.Unlock()
					}
				}
			}()
		}
	}
	d, _ := data.DatasetByName("capacity")
	for round := range 4 {
		res, err := ingest.File(ctx, st, d, fmt.Sprintf("kapacitet-2023-%d.csv", round), files[round%2], ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if round == 0 {
			t.Logf("each load: %d rows", res.Rows)
		}
		if _, _, err := dashboards.Publish(ctx, st, 2023, analysis.DefaultConfig(), "test"); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("%d draft and %d public reads during 4 ingests and publishes", reads[0].Load(), reads[1].Load())
	if reads[0].Load() < 4 || reads[1].Load() < 4 {
		t.Errorf("too few reads to say anything: %d and %d", reads[0].Load(), reads[1].Load())
	}
}

func cut(k string) (string, string, bool) {
	for i := range k {
		if k[i] == ' ' {
			return k[:i], k[i+1:], true
		}
	}
	return k, "", false
}
