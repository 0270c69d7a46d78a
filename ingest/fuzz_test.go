package ingest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kapacitet/kapacitet/data"
)

// The readers and the mapper must never panic, whatever the bytes. `make test` runs each target for a few
// seconds; the seed corpora are in testdata/fuzz/.

func FuzzReadCSV(f *testing.F) {
	for _, name := range []string{"capacity-win1252.csv", "demand-bom-tab.csv"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("year;location\n\"unterminated"))
	capacity, _ := data.DatasetByName("capacity")
	f.Fuzz(func(t *testing.T, content []byte) {
		tb, p := readCSV(capacity, content)
		if p != nil {
			return
		}
		validateOnly(tb, capacity)
	})
}

func FuzzReadXLSX(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "capacity.xlsx")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("PK\x03\x04garbage"))
	capacity, _ := data.DatasetByName("capacity")
	f.Fuzz(func(t *testing.T, content []byte) {
		tb, p := readXLSX(capacity, content, "")
		if p != nil {
			return
		}
		validateOnly(tb, capacity)
	})
}

// validateOnly runs the row checks without a database (offers are then unknown).
func validateOnly(tb *table, d *data.Dataset) {
	v := newValidator(context.Background(), nil, d, tb, valueOpts{limits: data.DefaultLimits(), style: tb.style}, nil)
	if len(v.problems) == 0 {
		tb.each(v.check)
	}
	v.result()
}

func FuzzReadJSON(f *testing.F) {
	for _, name := range []string{"population.json", "survey.ndjson"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		readJSON(content)
	})
}

// FuzzMapper feeds a header cell and a value to the header mapping and to every column of every dataset.
func FuzzMapper(f *testing.F) {
	for _, s := range [][2]string{{"Beliggenhedskommune", "Hjørring"}, {"pladser", "1.234"}, {"Belagte pladser", "16,9"},
		{"målgruppe", "Børn og unge med autisme"}, {"opfyldelsesgrad", "ved ikke"}, {"År", "0851"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, header, cell string) {
		for _, d := range data.Datasets {
			mapHeader(d, []string{header, header}, 1)
			for _, c := range d.Columns {
				v, p := value(c, cell, valueOpts{limits: data.DefaultLimits()})
				value(c, cell, valueOpts{limits: data.DefaultLimits(), style: numbersPoint})
				if p == nil && v != nil && c.Required && cell == "" {
					t.Fatalf("%s.%s: empty cell accepted as %v", d.Name, c.Name, v)
				}
			}
		}
	})
}
