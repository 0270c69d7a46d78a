package dashboards_test

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"
)

// /data for everyone: the editions with their labels, the published rows per dataset and year counted here
// from the demo files, how many municipalities have delivered each dataset for the latest year (counts, no
// names), and the templates; in English with ?lang=en.
func TestDataPage(t *testing.T) {
	srv, _ := mustServe(t)
	res, body := get(t, srv.URL+"/data")
	if res.StatusCode != 200 {
		t.Fatalf("/data: %d", res.StatusCode)
	}
	body = html.UnescapeString(body)
	today := time.Now()
	label := regexp.MustCompile(`Udgave 1, offentliggjort (\d\d\.\d\d\.\d{4})`)
	if m := label.FindAllStringSubmatch(body, -1); len(m) != 5 {
		t.Errorf("%d edition labels, want one per demo year (5)", len(m))
	} else if d, _ := time.Parse("02.01.2006", m[0][1]); d.Sub(today).Abs() > 36*time.Hour {
		t.Errorf("edition published %s, not today", m[0][1])
	}
	// the published rows by dataset and year, from the demo files
	for _, ds := range []struct{ file, name string }{{"capacity", "Pladser"}, {"demand", "Efterspørgsel"}, {"purchases", "Køb af pladser"}} {
		_, rows := demoCSV(t, ds.file)
		byYear := map[string]int{}
		for _, r := range rows {
			byYear[r["year"]]++
		}
		cells := ""
		total := 0
		for y := 2019; y <= 2023; y++ {
			n := byYear[fmt.Sprint(y)]
			total += n
			cells += fmt.Sprintf(`<td class="n">%s</td>`, danish(int64(n)))
		}
		cells += fmt.Sprintf(`<td class="n">%s</td>`, danish(int64(total)))
		if !strings.Contains(body, "<tr><th scope=\"row\">"+ds.name+"</th>"+cells+"</tr>") {
			t.Errorf("%s: the row %s is not on the page", ds.name, cells)
		}
	}
	// delivery of 2023, the latest year: how many of the 11, never who is missing
	_, demand := demoCSV(t, "demand")
	munis := map[string]bool{}
	for _, r := range demand {
		if r["year"] == "2023" {
			munis[r["municipality"]] = true
		}
	}
	want := fmt.Sprintf("%d af 11 kommuner har indberettet efterspørgsel for 2023.", len(munis))
	if len(munis) == 11 {
		want = "Alle 11 kommuner har indberettet efterspørgsel for 2023."
	}
	if !strings.Contains(body, "Indberetninger for 2023") || !strings.Contains(body, want) {
		t.Errorf("the delivery of demand: no %q", want)
	}
	if strings.Contains(body, "mangler:") {
		t.Error("the public page names who has not delivered")
	}
	for _, d := range []string{"population", "offers", "capacity", "demand", "survey", "purchases", "tariffs"} {
		if !strings.Contains(body, `href="/data/templates/`+d+`.xlsx"`) {
			t.Errorf("no template link for %s", d)
		}
	}
	// the downloads: the table of rows per dataset as CSV (its link on the page), every finding, the reports
	for _, link := range []string{`href="/data?download=table-datasets.csv&lang=da" download`, `href="/data?download=table-datasets.xlsx&lang=da" download`,
		`href="/api/v1/findings?municipality=all&lang=da"`, `href="/report/2023?lang=da"`} {
		if !strings.Contains(body, link) {
			t.Errorf("/data lacks the link %s", link)
		}
	}
	_, rows := demoCSV(t, "capacity")
	if _, csv := get(t, srv.URL+"/data?download=table-datasets.csv"); !strings.Contains(csv, "\nPladser;") || !strings.Contains(csv, ";"+danish(int64(len(rows)))+"\r\n") && !strings.Contains(csv, ";"+danish(int64(len(rows)))+"\n") {
		t.Errorf("the CSV of the datasets lacks the capacity rows (%d): %s", len(rows), csv)
	}
	// the extracts of each dataset carry the page's filters that apply to it, and lead to those rows
	_, filtered := get(t, srv.URL+"/data?year=2023&target_group=autisme-boern")
	filtered = html.UnescapeString(filtered)
	link := regexp.MustCompile(`href="(/api/v1/extracts/capacity\.csv\?[^"]*)"`).FindStringSubmatch(filtered)
	if link == nil || !strings.Contains(link[1], "target_group=autisme-boern") || !strings.Contains(link[1], "year=2023") {
		t.Fatalf("the capacity CSV link: %v", link)
	}
	if !strings.Contains(filtered, `href="/api/v1/extracts/population.parquet?lang=da&year=2023"`) {
		t.Error("the population link has a filter population lacks, or lacks the year")
	}
	nwant := 0
	for _, r := range rows {
		if r["year"] == "2023" && r["target_group"] == "autisme-boern" {
			nwant++
		}
	}
	if res, csv := get(t, srv.URL+link[1]); res.StatusCode != 200 || strings.Count(csv, "\n") != nwant+1 {
		t.Errorf("the capacity CSV: %d, %d lines, want %d", res.StatusCode, strings.Count(csv, "\n"), nwant+1)
	}
	// the findings: a row of the published findings per year, counted here from the findings API, and their
	// extract with the page's filters, which leads to the findings the API gives for them
	_, all := get(t, srv.URL+"/api/v1/findings?municipality=all")
	var list struct {
		Items []struct {
			Year int `json:"year"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(all), &list); err != nil || len(list.Items) == 0 {
		t.Fatalf("the findings API: %v, %d findings", err, len(list.Items))
	}
	perYear := map[int]int{}
	for _, f := range list.Items {
		perYear[f.Year]++
	}
	cells := ""
	for y := 2019; y <= 2023; y++ {
		cells += fmt.Sprintf(`<td class="n">%s</td>`, danish(int64(perYear[y])))
	}
	if row := "<tr><th scope=\"row\">Fund</th>" + cells + fmt.Sprintf(`<td class="n">%s</td>`, danish(int64(len(list.Items)))) + "</tr>"; !strings.Contains(body, row) {
		t.Errorf("/data lacks the findings row %s", row)
	}
	for _, format := range []string{"parquet", "csv", "xlsx", "arrow"} {
		if !strings.Contains(body, `href="/api/v1/extracts/findings.`+format+`?lang=da" download`) {
			t.Errorf("/data lacks the findings extract as %s", format)
		}
	}
	_, narrow := get(t, srv.URL+"/data?year=2023&target_group=autisme-boern&municipality=851&place_type=doegn")
	narrow = html.UnescapeString(narrow)
	link = regexp.MustCompile(`href="(/api/v1/extracts/findings\.csv\?[^"]*)"`).FindStringSubmatch(narrow)
	if link == nil {
		t.Fatal("no findings CSV link on /data with filters")
	}
	for _, p := range []string{"year=2023", "target_group=autisme-boern", "municipality=851", "place_type=doegn"} {
		if !strings.Contains(link[1], p) {
			t.Errorf("the findings CSV link %s lacks %s", link[1], p)
		}
	}
	_, selected := get(t, srv.URL+"/api/v1/findings?year=2023&target_group=autisme-boern&municipality=851&place_type=doegn")
	list.Items = nil
	if err := json.Unmarshal([]byte(selected), &list); err != nil || len(list.Items) == 0 {
		t.Fatalf("the findings of Aalborg's autism places in 2023: %v, %d", err, len(list.Items))
	}
	res, found := get(t, srv.URL+link[1])
	records, err := csv.NewReader(strings.NewReader(found)).ReadAll()
	if res.StatusCode != 200 || err != nil || len(records) != len(list.Items)+1 {
		t.Errorf("the findings CSV of the filters: %d, %v, %d rows, the API %d findings", res.StatusCode, err, len(records)-1, len(list.Items))
	}
	_, en := get(t, srv.URL+"/data?lang=en")
	if !strings.Contains(en, "Edition 1, published ") || !strings.Contains(en, "Data and editions") || !strings.Contains(en, `lang="en"`) {
		t.Error("the English /data page")
	}
}
