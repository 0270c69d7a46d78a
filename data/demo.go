package data

import (
	"embed"
	"io/fs"
)

//go:embed demo/*.csv
var demoFS embed.FS

// DemoLabelDA and DemoLabelEN label the demo data wherever it is shown: its figures are illustrative.
const (
	DemoLabelDA = "Demodata: tallene er illustrative og ikke de officielle indberetninger."
	DemoLabelEN = "Demo data: the figures are illustrative, not the official returns."
)

// DemoFile returns the demo CSV of dataset (e.g. "capacity") and its name.
func DemoFile(dataset string) ([]byte, string, error) {
	name := "demo/" + dataset + ".csv"
	b, err := demoFS.ReadFile(name)
	return b, name, err
}

// DemoFS is the folder of demo CSV files, one per dataset ("demo/capacity.csv", ...).
func DemoFS() fs.FS { return demoFS }
