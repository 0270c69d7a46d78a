// Package ingest reads the files people have (first cut: UTF-8 CSV with canonical or Danish headers), maps
// headers and values to a dataset of data/, decides what is valid and loads valid files as one batch.
package ingest

import (
	"fmt"
	"strings"
)

// Problem is one reason a file cannot be loaded: where (line as the user sees it in the file, column as
// written), what (the value) and why, in Danish and English.
type Problem struct {
	Line   int    `json:"line"`           // 0 when the problem concerns the whole file
	Unit   string `json:"unit,omitempty"` // what Line counts: "line" (CSV, NDJSON), "row" (XLSX), "record" (JSON array, Parquet)
	Sheet  string `json:"sheet,omitempty"`
	Column string `json:"column,omitempty"`
	Value  string `json:"value,omitempty"`
	DA     string `json:"reason_da"`
	EN     string `json:"reason_en"`
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Sheet != "" {
		fmt.Fprintf(&b, "ark %q, ", p.Sheet)
	}
	unit := map[string]string{"row": "række", "record": "post"}[p.Unit]
	if unit == "" {
		unit = "linje"
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "%s %d", unit, p.Line)
	} else {
		b.WriteString("filen")
	}
	if p.Column != "" {
		fmt.Fprintf(&b, ", kolonne %q", p.Column)
	}
	if p.Value != "" {
		fmt.Fprintf(&b, ", værdi %q", p.Value)
	}
	fmt.Fprintf(&b, ": %s (%s)", p.DA, p.EN)
	return b.String()
}

// InvalidError is returned when a file has invalid rows: nothing was loaded. It lists every problem.
type InvalidError struct {
	File     string
	Problems []Problem
}

// maxListed bounds the problems an error message lists; the error keeps them all.
const maxListed = 50

func (e *InvalidError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ingest: %s: %d fejl, intet er indlæst (%d problem(s), nothing was loaded):", e.File, len(e.Problems), len(e.Problems))
	for i, p := range e.Problems {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  … og %d mere (and %d more)", len(e.Problems)-i, len(e.Problems)-i)
			break
		}
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}
