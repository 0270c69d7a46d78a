package data

import (
	"bytes"
	"embed"
	"encoding/csv"
	"io/fs"
)

//go:embed demo/*.csv
var demoFS embed.FS

// DemoLabelDA and DemoLabelEN label the demo data wherever it is shown: its figures are illustrative.
const (
	DemoLabelDA = "Demodata: tallene er illustrative og ikke de officielle indberetninger."
	DemoLabelEN = "Demo data: the figures are illustrative, not the official returns."
)

// DemoLabel is the demo label in lang ("en", otherwise Danish).
func DemoLabel(lang string) string {
	if lang == "en" {
		return DemoLabelEN
	}
	return DemoLabelDA
}

// DemoFile returns the demo CSV of dataset (e.g. "capacity") and its name.
func DemoFile(dataset string) ([]byte, string, error) {
	name := "demo/" + dataset + ".csv"
	b, err := demoFS.ReadFile(name)
	return b, name, err
}

// DemoFS is the folder of demo CSV files, one per dataset ("demo/capacity.csv", ...).
func DemoFS() fs.FS { return demoFS }

// DemoRows reads a demo file as rows keyed by its header, with encoding/csv only (tests compute their expected
// values from it independently of the ingest readers).
func DemoRows(dataset string) ([]string, []map[string]string, error) {
	b, _, err := DemoFile(dataset)
	if err != nil {
		return nil, nil, err
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) == 0 {
		return nil, nil, err
	}
	var rows []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		rows = append(rows, m)
	}
	return recs[0], rows, nil
}
