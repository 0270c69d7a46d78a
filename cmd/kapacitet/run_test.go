package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
)

// cli runs the program in-process and returns stdout, stderr and the exit code.
func cli(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	return cliCtx(context.Background(), args...)
}

// cliCtx is cli with a context (a server runs until it is cancelled).
func cliCtx(ctx context.Context, args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	err := run(ctx, args, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err != nil {
		errOut.WriteString(err.Error())
	}
	return out.String(), errOut.String(), exitCode(err)
}

var demoDB string

// TestMain builds one demo database for the tests that only read it.
func TestMain(m *testing.M) {
	if os.Getenv("KAPACITET_HELPER_DB") != "" {
		helperProcess()
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "kapacitet-cli")
	if err != nil {
		panic(err)
	}
	demoDB = filepath.Join(dir, "demo.duckdb")
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"demo", "--db", demoDB}, func(string) string { return "" }, nil, &out, &errOut); err != nil {
		panic(err.Error() + errOut.String())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func gaps(t *testing.T, args ...string) map[string]analysis.Finding {
	t.Helper()
	out, errOut, code := cli(t, append([]string{"gaps", "--db", demoDB, "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("gaps: exit %d: %s", code, errOut)
	}
	var res struct {
		Items []analysis.Finding
		Demo  bool
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Demo {
		t.Error("gaps on demo data does not say it is demo data")
	}
	byID := map[string]analysis.Finding{}
	for _, f := range res.Items {
		byID[f.ID] = f
	}
	return byID
}

func TestDemoFindings2023(t *testing.T) {
	fs := gaps(t, "--year", "2023")
	autism := fs["gap-2023-1081-autisme-boern-doegn"]
	want := "Børn og unge med autisme: efterspørgslen på 412 døgnpladser overstiger udbuddet på 371 med 41 pladser (10 %) i 2023. " +
		"Efterspørgslen er steget 14 % siden 2019, og 7 af 11 kommuner vurderer, at udbuddet kun i ringe grad dækker behovet."
	if autism.Sentence != want {
		t.Errorf("autism sentence:\n got %q\nwant %q", autism.Sentence, want)
	}
	if autism.Severity != "shortage" || autism.Supply != 371 || autism.Demand != 412 || autism.Gap != 41 {
		t.Errorf("autism finding: %+v", autism)
	}
	for _, id := range []string{"growing-2023-1081-autisme-boern-doegn", "growing-2023-1081-udviklingshaemning-dom-doegn"} {
		if _, ok := fs[id]; !ok {
			t.Errorf("%s missing", id)
		}
	}
	if f := fs["gap-2023-1081-udviklingshaemning-dom-doegn"]; f.Severity != "shortage" && f.Severity != "critical_shortage" {
		t.Errorf("udviklingshaemning-dom: %+v", f)
	}
	for _, pt := range []string{"dag", "doegn", "alle"} {
		if f := fs["gap-2023-1081-socialpsykiatri-"+pt]; f.Severity != "balance" {
			t.Errorf("socialpsykiatri %s: %+v", pt, f)
		}
	}
	// most groups are in balance: count residential gap findings by severity
	counts := map[string]int{}
	for _, f := range fs {
		if f.Kind == "gap" && f.PlaceType == "doegn" {
			counts[f.Severity]++
		}
	}
	if counts["balance"] < 10 || counts["shortage"]+counts["critical_shortage"] != 2 {
		t.Errorf("residential severities: %v", counts)
	}
}

func TestDemoConclusionsOverTime(t *testing.T) {
	sev := func(year, id string) string { return gaps(t, "--year", year)[id].Severity }
	for _, y := range []string{"2019", "2020"} {
		if s := sev(y, "gap-"+y+"-1081-selvskade-boern-doegn"); s != "shortage" && s != "critical_shortage" {
			t.Errorf("selvskade-boern %s: %s, want a shortage", y, s)
		}
	}
	for _, y := range []string{"2022", "2023"} {
		if s := sev(y, "gap-"+y+"-1081-selvskade-boern-doegn"); s != "balance" {
			t.Errorf("selvskade-boern %s: %s, want balance", y, s)
		}
		for _, g := range []string{"autisme-boern", "udviklingshaemning-dom"} {
			fs := gaps(t, "--year", y)
			if s := fs["gap-"+y+"-1081-"+g+"-doegn"].Severity; s != "shortage" && s != "critical_shortage" {
				t.Errorf("%s %s: %s, want a shortage", g, y, s)
			}
			if _, ok := fs["growing-"+y+"-1081-"+g+"-doegn"]; !ok {
				t.Errorf("%s %s: not growing", g, y)
			}
		}
	}
	occ2019, occ2020, occ2022 := gaps(t, "--year", "2019"), gaps(t, "--year", "2020"), gaps(t, "--year", "2022")
	kvisten := func(fs map[string]analysis.Finding, prefix string) bool {
		for id, f := range fs {
			if strings.HasPrefix(id, prefix) && f.Offer != nil && f.Offer.Name == "Specialbørnehjemmet Kvisten" {
				return true
			}
		}
		return false
	}
	if !kvisten(occ2019, "at_risk-") || !kvisten(occ2020, "at_risk-") || !kvisten(occ2020, "emergency_track-") {
		t.Error("Kvisten is not at risk in 2019 and 2020 / not an emergency-track candidate in 2020")
	}
	found := false
	for _, f := range occ2022 {
		if f.Kind == "over_occupancy" && f.Offer != nil && strings.HasPrefix(f.Offer.Name, "Kompasset") {
			found = f.Offer.Occupancy > 1
		}
	}
	if !found {
		t.Error("Kompasset is not over-occupied in 2022")
	}
}

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("year,municipality,target_group,place_type,placed,waiting\n2023,Aalborg,autisme-boern,doegn,x,1\n"), 0o644)
	db := filepath.Join(dir, "k.duckdb")
	out, errOut, code := cli(t, "ingest", "demand", bad, "--db", db)
	if code != 3 || !regexp.MustCompile(`linje 2 +placed +x +ikke et helt tal \(not a whole number\)`).MatchString(out) ||
		!strings.Contains(errOut, "1 fejl, intet er indlæst") {
		t.Errorf("bad file: exit %d, %s %s", code, out, errOut)
	}
	if _, _, code := cli(t, "ingest", "nosuchdataset", bad, "--db", db); code != 2 {
		t.Errorf("unknown dataset: exit %d, want 2", code)
	}
	if _, _, code := cli(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if out, _, code := cli(t, "help"); code != 0 || !strings.Contains(out, "ingest") || !strings.Contains(out, "gaps") {
		t.Errorf("help: exit %d: %s", code, out)
	}
	if out, _, code := cli(t, "version"); code != 0 || !strings.HasPrefix(out, "kapacitet ") {
		t.Errorf("version: %d %q", code, out)
	}
	good := filepath.Join(dir, "good.csv")
	os.WriteFile(good, []byte("year,municipality,target_group,place_type,placed,waiting\n2023,Aalborg,autisme-boern,doegn,3,1\n"), 0o644)
	if out, errOut, code := cli(t, "ingest", "--dry-run", "demand", good, "--db", db); code != 0 || !strings.Contains(out, "would add 1 rows and replace 0 (dry run") {
		t.Errorf("dry run: %d %s %s", code, out, errOut)
	}
	if out, errOut, code := cli(t, "ingest", "demand", good, "--db", db); code != 0 || !strings.Contains(out, "draft batch 1") {
		t.Errorf("ingest: %d %s %s", code, out, errOut)
	}
	if out, _, _ := cli(t, "ingest", "demand", good, "--db", db); !strings.Contains(out, "already loaded") {
		t.Errorf("second ingest: %s", out)
	}
	capFile := filepath.Join(dir, "cap.csv")
	os.WriteFile(capFile, []byte("year;location;ownership;agreement;place_type;target_group;places\n2023;Aalborg;kommunal;nej;døgn;autisme-boern;1\n"), 0o644)
	if _, errOut, code := cli(t, "ingest", "capacity", capFile, "--db", db); code != 0 {
		t.Fatalf("ingest capacity: %d %s", code, errOut)
	}
	// the drafts are not published: gaps says so; with --draft it sees them (demand 4, supply 1)
	if _, errOut, code := cli(t, "gaps", "--db", db); code != 1 || !strings.Contains(errOut, "no data") {
		t.Errorf("gaps before publish: %d %s", code, errOut)
	}
	out, _, code = cli(t, "gaps", "--db", db, "--draft", "--format", "csv")
	if code != 0 || !strings.Contains(out, "gap-2023-1081-autisme-boern-doegn,gap,critical_shortage,2023,autisme-boern,1081,doegn,1,4,3,") {
		t.Errorf("gaps --draft: %d %s", code, out)
	}
}

func TestFlagsAfterArguments(t *testing.T) {
	f := newFlags(&env{getenv: func(string) string { return "" }, stderr: &bytes.Buffer{}}, "ingest")
	dry := f.Bool("dry-run", false, "")
	pos, err := f.parse([]string{"capacity", "--dry-run", "a.csv", "--db", "x.duckdb", "b.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(pos, " ") != "capacity a.csv b.csv" || !*dry || f.db != "x.duckdb" {
		t.Errorf("pos %v dry %v db %s", pos, *dry, f.db)
	}
}

// Several files: none is loaded unless all are valid.
func TestIngestSeveralFilesAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(good, []byte("year,municipality,inhabitants\n2023,Aalborg,222571\n"), 0o644)
	os.WriteFile(bad, []byte("year,municipality,inhabitants\n2023,Aalborgg,1\n"), 0o644)
	out, errOut, code := cli(t, "ingest", "population", good, bad, "--db", db)
	if code != 3 || !strings.Contains(out, "nærmeste: 851 Aalborg") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	out, _, _ = cli(t, "ingest", "population", good, "--db", db)
	if !strings.Contains(out, "draft batch 1") {
		t.Errorf("the good file was loaded by the failed command: %s", out)
	}
}

// Morsø's demand file replaces Morsø's rows only; restoring the first batch brings its rows back.
func TestReplaceAndRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	first := filepath.Join(dir, "first.csv")
	morsoe := filepath.Join(dir, "morsoe.csv")
	os.WriteFile(first, []byte("year,municipality,target_group,place_type,placed,waiting\n2023,Morsø,misbrug,dag,10,1\n2023,Aalborg,misbrug,dag,50,2\n"), 0o644)
	os.WriteFile(morsoe, []byte("year,municipality,target_group,place_type,placed,waiting\n2023,773,misbrug,dag,12,0\n"), 0o644)
	for _, f := range []string{first, morsoe} {
		if _, errOut, code := cli(t, "ingest", "demand", f, "--db", db); code != 0 {
			t.Fatal(errOut)
		}
	}
	out, _, _ := cli(t, "batches", "list", "--db", db)
	if !strings.Contains(out, "partly_superseded") || !strings.Contains(out, "morsoe.csv") {
		t.Errorf("batches list:\n%s", out)
	}
	out, errOut, code := cli(t, "batches", "restore", "1", "--db", db)
	// restoring loads batch 1's rows again: they replace Morsø's second row and batch 1's own Aalborg row
	if code != 0 || !strings.Contains(out, "restored as draft batch 3: 2 rows (2 current rows replaced)") {
		t.Errorf("restore: %d %s %s", code, out, errOut)
	}
	out, _, _ = cli(t, "batches", "restore", "3", "--db", db)
	if !strings.Contains(out, "in force") {
		t.Errorf("restore of a batch in force: %s", out)
	}
	if _, _, code := cli(t, "batches", "restore", "99", "--db", db); code != 2 {
		t.Errorf("restore of no batch: exit %d", code)
	}
	out, _, _ = cli(t, "batches", "--db", db)
	status := map[string]string{}
	for _, line := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(line); len(f) > 4 {
			status[f[0]] = f[4]
		}
	}
	if status["1"] != "superseded" || status["2"] != "superseded" || status["3"] != "active" {
		t.Errorf("statuses after restore: %v\n%s", status, out)
	}
}

// The year range is configured: 2060 is refused by default and accepted with a config file that allows it.
func TestConfiguredYearRange(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	file := filepath.Join(dir, "p.csv")
	conf := filepath.Join(dir, "k.toml")
	os.WriteFile(file, []byte("year,municipality,inhabitants\n2060,851,250000\n"), 0o644)
	os.WriteFile(conf, []byte("[ingest]\nmax_year = 2070\n"), 0o644)
	if out, errOut, code := cli(t, "ingest", "population", file, "--db", db); code != 3 || !strings.Contains(out, "mellem 2000 og 2050") {
		t.Errorf("default range: %d %s %s", code, out, errOut)
	}
	if _, errOut, code := cli(t, "ingest", "population", file, "--db", db, "--config", conf); code != 0 {
		t.Errorf("configured range: %d %s", code, errOut)
	}
}

// Per-municipality findings: supply is the places located in the municipality, demand its own placed and
// waiting citizens, summed here from the demo's CSV files; the severity follows PRODUCT.md's rule.
func TestMunicipalFindingsFromDemoFiles(t *testing.T) {
	sum := func(dataset string, match func(map[string]string) bool, value func(map[string]string) int64) map[string]int64 {
		out := map[string]int64{}
		for _, row := range demoRows(t, dataset) {
			if match(row) {
				out[row["area"]] += value(row)
			}
		}
		return out
	}
	num := func(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }
	pick := func(r map[string]string, area string) bool {
		r["area"] = r[area]
		return r["year"] == "2023" && r["target_group"] == "autisme-boern" && r["place_type"] == "doegn"
	}
	supply := sum("capacity", func(r map[string]string) bool { return pick(r, "location") }, func(r map[string]string) int64 { return num(r["places"]) })
	demand := sum("demand", func(r map[string]string) bool { return pick(r, "municipality") },
		func(r map[string]string) int64 { return num(r["placed"]) + num(r["waiting"]) })
	// --draft: the analyst's view, without disclosure control, shows every count
	fs := gaps(t, "--year", "2023", "--municipality", "all", "--target-group", "autisme-boern", "--place-type", "doegn", "--kind", "gap", "--draft")
	if len(fs) != 12 {
		t.Errorf("%d findings, want the region and its 11 municipalities", len(fs))
	}
	for _, code := range []string{"773", "787", "810", "813", "820", "825", "840", "846", "849", "851", "860"} {
		f, ok := fs["gap-2023-"+code+"-autisme-boern-doegn"]
		s, d := supply[code], demand[code]
		g := d - s
		want := "balance"
		switch {
		case g >= 3 && 100*g >= 15*d:
			want = "critical_shortage"
		case g >= 3 && 100*g >= 5*d:
			want = "shortage"
		case -g >= 3 && -100*g >= 15*d:
			want = "surplus"
		}
		if !ok || f.Supply != s || f.Demand != d || f.Severity != want || f.Area != int(num(code)) {
			t.Errorf("%s: got %+v, want supply %d demand %d %s", code, f, s, d, want)
		}
	}
	// Morsø (773) by name gives the same finding, and only Morsø's
	one := gaps(t, "--year", "2023", "--municipality", "Morsø", "--target-group", "autisme-boern", "--place-type", "doegn", "--kind", "gap", "--draft")
	if len(one) != 1 || one["gap-2023-773-autisme-boern-doegn"].Demand != demand["773"] {
		t.Errorf("--municipality Morsø: %v", one)
	}
	// a viewer (no --draft) gets Læsø's demand of 1-4 as "<5", with no demand, gap or share in the JSON, and
	// the rest of the region's table as it is or hidden, never a number that gives Læsø's away
	if d := demand["825"]; d < 1 || d > 4 {
		t.Fatalf("the demo's Læsø demand is %d: the test expects a count of 1-4", d)
	}
	out, errOut, code := cli(t, "gaps", "--db", demoDB, "--year", "2023", "--municipality", "all", "--target-group", "autisme-boern", "--kind", "gap", "--format", "json")
	if code != 0 {
		t.Fatalf("gaps: %d %s", code, errOut)
	}
	var list struct{ Items []map[string]any }
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		t.Fatal(err)
	}
	seen := false
	for _, f := range list.Items {
		if f["id"] != "gap-2023-825-autisme-boern-doegn" {
			continue
		}
		seen = true
		sup, _ := f["suppressed"].(map[string]any)
		if f["demand"] != nil || f["gap"] != nil || f["gap_share"] != nil || sup["demand"] != "<5" ||
			!strings.Contains(f["sentence"].(string), "færre end 5") {
			t.Errorf("Læsø for a viewer: %v", f)
		}
	}
	if !seen {
		t.Error("no finding for Læsø's autism residential places")
	}
	if _, errOut, code := cli(t, "gaps", "--db", demoDB, "--municipality", "Odense"); code != 2 || !strings.Contains(errOut, "unknown municipality") {
		t.Errorf("a municipality outside the region: exit %d %s", code, errOut)
	}
	// every filter is checked as the API checks it: a value outside the catalogues is a usage error; a
	// plausible year without data is a failure that says so
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"--place-type", "xx"}, 2, "unknown place type"}, {[]string{"--kind", "nope"}, 2, "unknown kind"},
		{[]string{"--severity", "typo"}, 2, "unknown severity"}, {[]string{"--target-group", "x"}, 2, "unknown target group"},
		{[]string{"--year", "1850"}, 2, "invalid year"}, {[]string{"--year", "2030"}, 1, "no data for 2030"},
	} {
		if _, errOut, code := cli(t, append([]string{"gaps", "--db", demoDB}, tc.args...)...); code != tc.code || !strings.Contains(errOut, tc.says) {
			t.Errorf("gaps %v: exit %d %s", tc.args, code, errOut)
		}
	}
}

// Capacity changes on the demo: each region-level 2023 finding's places the year before, now, opened and
// closed, recomputed here line by line from capacity.csv.
func TestDemoCapacityChanges(t *testing.T) {
	type cell struct{ prev, now, opened, closed int64 }
	lines := map[int]map[string]int64{2022: {}, 2023: {}}
	category := map[string]string{}
	for _, r := range demoRows(t, "capacity") {
		y, _ := strconv.Atoi(r["year"])
		if lines[y] == nil {
			continue
		}
		cat := r["ownership"]
		if cat == "regional" || cat == "kommunal" && r["agreement"] == "true" {
			cat = "socialaftale"
		}
		key := strings.Join([]string{r["offer_id"], r["location"], r["ownership"], r["agreement"], r["place_type"], r["target_group"]}, "|")
		n, _ := strconv.ParseInt(r["places"], 10, 64)
		lines[y][key] += n
		category[key] = r["target_group"] + "-" + cat
	}
	want := map[string]*cell{}
	for key, c := range category {
		if want[c] == nil {
			want[c] = &cell{}
		}
		w := want[c]
		a, b := lines[2022][key], lines[2023][key]
		w.prev += a
		w.now += b
		if b > a {
			w.opened += b - a
		} else {
			w.closed += a - b
		}
	}
	fs := gaps(t, "--year", "2023", "--kind", "capacity_change")
	n := 0
	for c, w := range want {
		f, ok := fs["capacity_change-2023-1081-"+c]
		if w.opened+w.closed == 0 {
			if ok {
				t.Errorf("%s: a finding without a change", c)
			}
			continue
		}
		n++
		if !ok || f.Change.Previous != w.prev || f.Supply != w.now || f.Change.Opened != w.opened || f.Change.Closed != w.closed {
			t.Errorf("%s: got %+v, want %+v", c, f.Change, w)
		}
	}
	if n == 0 || len(fs) != n {
		t.Errorf("%d findings, %d changed cells", len(fs), n)
	}
}

// demoRows reads a demo CSV file as rows by column name.
func demoRows(t *testing.T, dataset string) []map[string]string {
	t.Helper()
	_, rows, err := data.DemoRows(dataset)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// A file over the size limit is refused before it is read, with the same report as any invalid file (JSON on
// request) and exit 3.
func TestTooLargeFileIsReported(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.csv")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(ingest.MaxFileSize + 1); err != nil { // sparse: nothing is written
		t.Fatal(err)
	}
	f.Close()
	out, errOut, code := cli(t, "ingest", "demand", big, "--db", filepath.Join(dir, "k.duckdb"), "--format", "json")
	var res struct {
		File     string
		Problems []struct {
			EN string `json:"reason_en"`
		}
	}
	if code != 3 || json.Unmarshal([]byte(out), &res) != nil || res.File != big || len(res.Problems) != 1 ||
		!strings.Contains(res.Problems[0].EN, "larger than 100 MiB") || !strings.Contains(errOut, "1 fejl") {
		t.Errorf("exit %d\n%s\n%s", code, out, errOut)
	}
}

// A configuration file is checked by every command: a wrong key, type or value is a usage error (exit 2) that
// names the key, before anything else happens; `config` prints the configuration in force.
func TestConfigFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(text), 0o644)
		return p
	}
	good := write("good.toml", "[analysis]\nshortage_pct = 6\ntariff_frame_pct = 3\n")
	out, errOut, code := cli(t, "config", "--config", good)
	if code != 0 || !strings.Contains(out, "shortage_pct = 6") || !strings.Contains(out, "critical_pct = 15") ||
		!strings.Contains(out, "tariff_frame_pct = 3.0") || !strings.Contains(out, "max_year = 2050") {
		t.Errorf("config: %d %s %s", code, out, errOut)
	}
	bad := []struct{ file, text, want string }{
		{"key.toml", "[analysis]\nshortage_pc = 6\n", `unknown key "shortage_pc" in [analysis]`},
		{"type.toml", "[ingest]\nmax_year = \"2070\"\n", `"ingest.max_year"`},
		{"range.toml", "[analysis]\nshortage_pct = 20\n", "critical_pct = 15: must be between shortage_pct (20) and 100"},
		{"section.toml", "[analyse]\n", `unknown section or key "analyse"`},
		{"syntax.toml", "[analysis\n", "config: line 2: expected '.' or ']' to end table name"},
		{"frame.toml", "[analysis]\ntariff_frame_pct = 2.555\n", "tariff_frame_pct = 2.555: must be between 0 and 100, with at most two decimals"},
	}
	for _, b := range bad {
		conf := write(b.file, b.text)
		for _, args := range [][]string{{"config"}, {"gaps"}, {"batches", "list"}, {"publish", "2023"}} {
			_, errOut, code := cli(t, append(args, "--db", db, "--config", conf)...)
			if code != 2 || !strings.Contains(errOut, b.want) {
				t.Errorf("%s with %s: exit %d, %q; want 2 and %q", args[0], b.file, code, errOut, b.want)
			}
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a command with a bad configuration opened the database")
	}
}

// `config` prints the environment's settings too, as comments (the output is still a configuration file
// that --config reads back), with the token masked.
func TestConfigEnvironment(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"KAPACITET_TOKEN": "kap_secretsecretsecret", "KAPACITET_THREADS": "3",
		"KAPACITET_TRUSTED_PROXIES": "10.0.0.1", "KAPACITET_DB": filepath.Join(dir, "k.duckdb")}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"config"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	text := out.String()
	for _, want := range []string{`# threads = "3"`, `# trusted_proxies = "10.0.0.1"`, `# token = "(set, not shown)"`, `# db = "` + env["KAPACITET_DB"] + `"`} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	if strings.Contains(text, "secretsecret") {
		t.Error("the token is printed")
	}
	conf := filepath.Join(dir, "printed.toml")
	os.WriteFile(conf, out.Bytes(), 0o600)
	if _, errOut, code := cli(t, "config", "--config", conf); code != 0 {
		t.Errorf("the printed configuration does not read back: %s", errOut)
	}
}
