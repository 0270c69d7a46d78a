// Package ingest reads the files people have (first cut: UTF-8 CSV with canonical or Danish headers), maps
// headers and values to a dataset of data/, decides what is valid and loads valid files as one batch.
package ingest

import (
	"errors"
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

// Where says where the problem is as the user sees the file: `ark "X", række 4`, `linje 12`, `filen`.
func (p Problem) Where() string {
	where := "filen"
	if p.Line > 0 {
		unit := map[string]string{"row": "række", "record": "post"}[p.Unit]
		if unit == "" {
			unit = "linje"
		}
		where = fmt.Sprintf("%s %d", unit, p.Line)
	}
	if p.Sheet != "" {
		where = fmt.Sprintf("ark %q, %s", p.Sheet, where)
	}
	return where
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Where())
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

// Summary is the report's first line: the file, how many problems, and that nothing was loaded.
func (e *InvalidError) Summary() string {
	n := len(e.Problems)
	return fmt.Sprintf("%s: %d fejl, intet er indlæst (%d problem(s), nothing was loaded)", e.File, n, n)
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	b.WriteString("ingest: " + e.Summary() + ":")
	for i, p := range e.Problems {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  … og %d mere (and %d more)", len(e.Problems)-i, len(e.Problems)-i)
			break
		}
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// ReportJSON is what an ingest did, or why it refused (err), as `ingest --format json` and the API give it.
func ReportJSON(res Result, err error) map[string]any {
	out := map[string]any{"file": res.File, "dataset": res.Dataset, "sha256": res.SHA256, "rows": res.Rows,
		"dry_run": res.DryRun, "batch": res.Batch.ID, "duplicate": res.Batch.Duplicate, "replaced": res.Batch.Replaced,
		"ignored_columns": res.Ignored, "summary": res.Batch.Summary}
	if res.DryRun {
		delete(out, "batch")
	}
	var ie *InvalidError
	if errors.As(err, &ie) {
		out["problems"] = ie.Problems
	}
	return out
}
