package dashboards_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"maps"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/xuri/excelize/v2"

	"github.com/kapacitet/kapacitet/queries"
)

// The capacity extract of 2023 for autism places in each format, read back by readers that are not the
// writer (pqarrow, arrow's IPC reader, a CSV parser): the rows and sums of the demo file, DECIMAL for the
// occupied full-year places (not DOUBLE), names beside codes; the file name says what is inside. Person
// counts are for analysts; unknown datasets and formats are 404, filters a dataset lacks 400.
func TestExtracts(t *testing.T) {
	srv, st := mustServe(t)
	_, caps := demoCSV(t, "capacity")
	var want struct {
		rows           int
		places, occHun int64
	}
	for _, r := range caps {
		if r["year"] == "2023" && r["target_group"] == "autisme-boern" {
			want.rows++
			n, _ := strconv.ParseInt(r["places"], 10, 64)
			want.places += n
			if o := r["occupied"]; o != "" {
				f, _ := strconv.ParseFloat(o, 64)
				want.occHun += int64(f*100 + 0.5)
			}
		}
	}
	const q = "?year=2023&target_group=autisme-boern"
	check := func(format string, rows int, places, occHun int64) {
		t.Helper()
		if rows != want.rows || places != want.places || occHun != want.occHun {
			t.Errorf("%s: %d rows, %d places, %d hundredths occupied; want %+v", format, rows, places, occHun, want)
		}
	}
	// Parquet, read with pqarrow
	res, body := get(t, srv.URL+"/api/v1/extracts/capacity.parquet"+q)
	if res.StatusCode != 200 || res.Header.Get("Content-Disposition") != `attachment; filename="kapacitet_capacity_2023_autisme-boern.parquet"` {
		t.Fatalf("parquet: %d %v", res.StatusCode, res.Header)
	}
	pf, err := file.NewParquetReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	if v := pf.MetaData().KeyValueMetadata().FindValue("kapacitet.dataset"); v == nil || *v != "capacity" {
		t.Errorf("parquet metadata: %v", pf.MetaData().KeyValueMetadata())
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tbl.Release()
	sch := tbl.Schema()
	typeOf := func(name string) arrow.DataType {
		i := sch.FieldIndices(name)
		if len(i) == 0 {
			t.Fatalf("no column %s in %v", name, sch)
		}
		return sch.Field(i[0]).Type
	}
	if dt, ok := typeOf("occupied").(*arrow.Decimal128Type); !ok || dt.Scale != 2 {
		t.Errorf("occupied is %v, want DECIMAL(…, 2)", typeOf("occupied"))
	}
	if typeOf("places").ID() != arrow.INT64 || typeOf("year").ID() != arrow.INT32 || typeOf("agreement").ID() != arrow.BOOL || typeOf("location_name").ID() != arrow.STRING {
		t.Errorf("types: %v", sch)
	}
	places, occ := int64(0), int64(0)
	var order []int64 // the places in the file's order, to compare with the CSV's (both in load order)
	tr := array.NewTableReader(tbl, 1000)
	for tr.Next() {
		rec := tr.RecordBatch()
		places, occ = sumRecord(t, rec, places, occ)
		p := rec.Column(rec.Schema().FieldIndices("places")[0]).(*array.Int64)
		for i := 0; i < p.Len(); i++ {
			order = append(order, p.Value(i))
		}
	}
	check("parquet", int(tbl.NumRows()), places, occ)

	// Arrow IPC stream
	_, body = get(t, srv.URL+"/api/v1/extracts/capacity.arrow"+q)
	rd, err := ipc.NewReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	places, occ = 0, 0
	for rd.Next() {
		rows += int(rd.RecordBatch().NumRows())
		places, occ = sumRecord(t, rd.RecordBatch(), places, occ)
	}
	rd.Release()
	check("arrow", rows, places, occ)

	// CSV, and CSV for Danish Excel
	for _, dialect := range []string{"", "excel-da"} {
		_, body = get(t, srv.URL+"/api/v1/extracts/capacity.csv"+q+"&dialect="+dialect)
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
		if dialect != "" {
			r.Comma = ';'
			if !strings.HasPrefix(body, "\ufeff") {
				t.Error("excel-da: no byte order mark")
			}
		}
		recs, err := r.ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("csv %s: %v", dialect, err)
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		places, occ = 0, 0
		for _, rec := range recs[1:] {
			n, _ := strconv.ParseInt(rec[col["places"]], 10, 64)
			places += n
			if o := strings.Replace(rec[col["occupied"]], ",", ".", 1); o != "" {
				f, _ := strconv.ParseFloat(o, 64)
				occ += int64(f*100 + 0.5)
			}
			if rec[col["target_group_name"]] != "Børn og unge med autisme" || rec[col["location_name"]] == "" {
				t.Errorf("csv %s: names %q", dialect, rec)
			}
		}
		check("csv "+dialect, len(recs)-1, places, occ)
		for i, rec := range recs[1:] {
			if n, _ := strconv.ParseInt(rec[col["places"]], 10, 64); i < len(order) && n != order[i] {
				t.Errorf("csv %s row %d: places %d, the Parquet file's row %d has %d: not the same order", dialect, i, n, i, order[i])
				break
			}
		}
	}

	// XLSX, read with excelize: numbers as numbers, the header frozen, the codebook
	_, body = get(t, srv.URL+"/api/v1/extracts/capacity.xlsx"+q)
	xf, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer xf.Close()
	xrows, err := xf.GetRows("Data", excelize.Options{RawCellValue: true})
	if err != nil || len(xrows) < 2 {
		t.Fatalf("xlsx: %v", err)
	}
	col := map[string]int{}
	for i, h := range xrows[0] {
		col[h] = i
	}
	places, occ = 0, 0
	for i, r := range xrows[1:] {
		cell, _ := excelize.CoordinatesToCellName(col["places"]+1, i+2)
		if typ, _ := xf.GetCellType("Data", cell); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
			t.Fatalf("xlsx %s is %v, not a number", cell, typ)
		}
		n, _ := strconv.ParseInt(r[col["places"]], 10, 64)
		places += n
		if len(r) > col["occupied"] && r[col["occupied"]] != "" {
			f, _ := strconv.ParseFloat(r[col["occupied"]], 64)
			occ += int64(f*100 + 0.5)
		}
	}
	check("xlsx", len(xrows)-1, places, occ)
	if panes, err := xf.GetPanes("Data"); err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("xlsx: the header is not frozen: %+v", panes)
	}
	book, _ := xf.GetRows("Kodebog")
	var codebook []string
	for _, r := range book {
		codebook = append(codebook, strings.Join(r, "="))
	}
	for _, want := range []string{"autisme-boern=Børn og unge med autisme", "doegn=døgnpladser", "851=Aalborg", "places="} {
		found := false
		for _, r := range codebook {
			found = found || strings.HasPrefix(r, want)
		}
		if !found {
			t.Errorf("the codebook lacks %q: %q", want, codebook)
		}
	}

	// person counts: the public gets what the findings show, an analyst the rows
	publicPurchases(t, srv.URL)
	analyst, _ := st.CreateToken(context.Background(), "x", "analyst", "test")
	_, demand := demoCSV(t, "demand")
	publicDemand(t, srv.URL, demand)
	publicSurvey(t, st, srv.URL, analyst)
	if code, body := getAs(t, srv.URL+"/api/v1/extracts/demand.csv", analyst); code != 200 || strings.Count(body, "\n") != len(demand)+1 {
		t.Errorf("demand for an analyst: %d, %d lines, want %d", code, strings.Count(body, "\n"), len(demand)+1)
	}
	// every export is in the log: who, what, filters, rows
	log, err := st.ExportLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var public, analystDemand bool
	for _, e := range log {
		public = public || (e.Who == "public" && e.Dataset == "capacity" && e.Format == "parquet" && e.Rows == int64(want.rows) && strings.Contains(e.Args, "target_group=autisme-boern"))
		analystDemand = analystDemand || (e.Who == "x" && e.Role == "analyst" && e.Dataset == "demand" && e.Rows == int64(len(demand)))
	}
	if !public || !analystDemand {
		t.Errorf("the export log lacks the exports: %+v", log)
	}
	for path, code := range map[string]int{"/api/v1/extracts/nosuch.csv": 404, "/api/v1/extracts/capacity.pdf": 404, "/api/v1/extracts/population.csv?place_type=dag": 400,
		"/api/v1/extracts/capacity.csv?category=x": 400, "/api/v1/extracts/capacity.csv?batch=x": 400, "/api/v1/extracts/capacity.csv?draft=true": 401,
		"/api/v1/extracts/offers.csv?year=2099": 200} {
		if res, body := get(t, srv.URL+path); res.StatusCode != code {
			t.Errorf("%s: %d, want %d: %s", path, res.StatusCode, code, body)
		}
	}
}

// sumRecord adds a record batch's places and occupied hundredths (a DECIMAL with two decimals).
func sumRecord(t *testing.T, rec arrow.RecordBatch, places, occ int64) (int64, int64) {
	t.Helper()
	sch := rec.Schema()
	p := rec.Column(sch.FieldIndices("places")[0]).(*array.Int64)
	o, ok := rec.Column(sch.FieldIndices("occupied")[0]).(*array.Decimal128)
	if !ok {
		t.Fatalf("occupied is %T", rec.Column(sch.FieldIndices("occupied")[0]))
	}
	for i := 0; i < int(rec.NumRows()); i++ {
		places += p.Value(i)
		if !o.IsNull(i) {
			occ += int64(o.Value(i).LowBits()) // small, positive
		}
	}
	return places, occ
}

// publicDemand checks the public's demand extract against the demo file: every municipality's demand per
// target group, place type and year as summed here (placed + waiting), except that none of 1 to 4 is shown
// (those are null, shown as "<5"), and a hidden one says why.
func publicDemand(t *testing.T, base string, demand []map[string]string) {
	t.Helper()
	want := map[string]int64{}
	for _, r := range demand {
		p, _ := strconv.ParseInt(r["placed"], 10, 64)
		w, _ := strconv.ParseInt(r["waiting"], 10, 64)
		want[r["year"]+"/"+r["municipality"]+"/"+r["target_group"]+"/"+r["place_type"]] += p + w
	}
	res, body := get(t, base+"/api/v1/extracts/demand.csv")
	if res.StatusCode != 200 {
		t.Fatalf("demand for the public: %d", res.StatusCode)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) < 100 {
		t.Fatalf("the public's demand: %d rows, %v", len(recs), err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	if _, ok := col["placed"]; ok {
		t.Error("the public's demand has the rows' columns")
	}
	var shown, small int
	for _, r := range recs[1:] {
		key := r[col["year"]] + "/" + r[col["municipality"]] + "/" + r[col["target_group"]] + "/" + r[col["place_type"]]
		d := want[key] // 0 where the file has no line (a target group without citizens)
		switch v := r[col["demand"]]; {
		case v == "" && r[col["demand_shown"]] == "":
			t.Errorf("%s: hidden without saying so", key)
		case v == "":
			small += map[bool]int{true: 1}[d >= 1 && d <= 4]
		case v != strconv.FormatInt(d, 10):
			t.Errorf("%s: demand %s, the file sums %d", key, v, d)
		case d >= 1 && d <= 4:
			t.Errorf("%s: a demand of %d is shown", key, d)
		default:
			shown++
		}
	}
	if shown < 50 || small == 0 {
		t.Errorf("the public's demand: %d shown, %d small ones hidden", shown, small)
	}
}

// publicPurchases checks the public's purchases extract against the demo file: the full-year places each
// municipality bought in another (or itself) per year and target group, summed here over the place types,
// none of 0,01-4,99 shown (null, "<5").
func publicPurchases(t *testing.T, base string) {
	t.Helper()
	_, purchases := demoCSV(t, "purchases")
	_, offers := demoCSV(t, "offers")
	location := map[string]string{} // year/offer → the offer's location that year
	for _, o := range offers {
		location[o["year"]+"/"+o["offer_id"]] = o["location"]
	}
	want := map[string]int64{}
	for _, r := range purchases {
		f, _ := strconv.ParseFloat(r["places"], 64)
		want[r["year"]+"/"+r["buyer"]+"/"+location[r["year"]+"/"+r["offer_id"]]+"/"+r["target_group"]] += int64(math.Round(f * 100))
	}
	res, body := get(t, base+"/api/v1/extracts/purchases.csv")
	if res.StatusCode != 200 {
		t.Fatalf("purchases for the public: %d", res.StatusCode)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(recs) < 50 {
		t.Fatalf("the public's purchases: %d rows, %v", len(recs), err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var shown, small int
	for _, r := range recs[1:] {
		key := r[col["year"]] + "/" + r[col["buyer"]] + "/" + r[col["location"]] + "/" + r[col["target_group"]]
		h := want[key]
		switch v := r[col["places"]]; {
		case v == "" && r[col["places_shown"]] == "":
			t.Errorf("%s: hidden without saying so", key)
		case v == "":
			small += map[bool]int{true: 1}[h > 0 && h < 500]
		case h > 0 && h < 500:
			t.Errorf("%s: %s full-year places shown", key, v)
		default:
			f, _ := strconv.ParseFloat(v, 64)
			if int64(math.Round(f*100)) != h {
				t.Errorf("%s: %s places, the file sums %d hundredths", key, v, h)
			}
			shown++
		}
	}
	if shown < 20 || small == 0 {
		t.Errorf("the public's purchases: %d shown, %d small ones hidden", shown, small)
	}
}

// publicSurvey checks the survey's comments in extracts: the public gets a comment only once an admin has
// approved it (as the group page shows it), an analyst every comment. Expected from the demo's CSV.
func publicSurvey(t *testing.T, st *queries.Store, base, analyst string) {
	t.Helper()
	years := map[string]bool{}                     // the years of the last extract read
	comments := func(body string) map[string]int { // "year/municipality/group/text" of each row with a comment
		recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
		if err != nil || len(recs) == 0 {
			t.Fatalf("survey CSV: %v: %.200s", err, body)
		}
		col := map[string]int{}
		for i, h := range recs[0] {
			col[h] = i
		}
		if _, ok := col["comment"]; !ok {
			t.Fatalf("the survey has no comment column: %q", recs[0])
		}
		out := map[string]int{}
		clear(years)
		for _, r := range recs[1:] {
			years[r[col["year"]]] = true
			if c := r[col["comment"]]; c != "" {
				out[r[col["year"]]+"/"+r[col["municipality"]]+"/"+r[col["target_group"]]+"/"+c]++
			}
		}
		return out
	}
	_, public := get(t, base+"/api/v1/extracts/survey.csv")
	if got := comments(public); len(got) != 0 {
		t.Errorf("the public sees comments no admin approved: %v", got)
	}
	published := maps.Clone(years)
	_, rows := demoCSV(t, "survey")
	all := map[string]int{}
	var pick map[string]string // a published row with a comment
	for _, r := range rows {
		if r["comment"] == "" {
			continue
		}
		all[r["year"]+"/"+r["municipality"]+"/"+r["target_group"]+"/"+r["comment"]]++
		if pick == nil && published[r["year"]] {
			pick = r
		}
	}
	if pick == nil {
		t.Fatal("the demo's published survey has no comment to approve")
	}
	if _, body := getAs(t, base+"/api/v1/extracts/survey.csv?draft=true", analyst); !reflect.DeepEqual(comments(body), all) {
		t.Errorf("the analyst's comments: %v, want %v", comments(body), all)
	}
	year, _ := strconv.Atoi(pick["year"])
	muni, _ := strconv.Atoi(pick["municipality"])
	c := queries.Comment{Year: year, Municipality: muni, TargetGroup: pick["target_group"], Text: pick["comment"]}
	if _, err := st.ApproveComment(context.Background(), c.Key(), "test"); err != nil {
		t.Fatal(err)
	}
	key := pick["year"] + "/" + pick["municipality"] + "/" + pick["target_group"] + "/" + pick["comment"]
	_, public = get(t, base+"/api/v1/extracts/survey.csv")
	if got, want := comments(public), map[string]int{key: all[key]}; !reflect.DeepEqual(got, want) {
		t.Errorf("after the approval the public sees %v, want %v", got, want)
	}
}
