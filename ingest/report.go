// Package ingest reads the files people have (first cut: UTF-8 CSV with canonical or Danish headers), maps
// headers and values to a dataset of data/, decides what is valid and loads valid files as one batch.
package ingest

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kapacitet/kapacitet/queries"
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
func (p Problem) Where() string { return p.WhereIn("da") }

// problemUnits are what a problem's line counts, in Danish and English ("line" when Unit is empty).
var problemUnits = map[string][2]string{"line": {"linje", "line"}, "row": {"række", "row"}, "record": {"post", "record"}}

// WhereIn says where the problem is in lang ("da" or "en"): `sheet "X", row 4`, `line 12`, `the file`.
func (p Problem) WhereIn(lang string) string {
	en := 0
	if lang == "en" {
		en = 1
	}
	where := [2]string{"filen", "the file"}[en]
	if p.Line > 0 {
		unit, ok := problemUnits[p.Unit]
		if !ok {
			unit = problemUnits["line"]
		}
		where = fmt.Sprintf("%s %d", unit[en], p.Line)
	}
	if p.Sheet != "" {
		where = fmt.Sprintf("%s %q, %s", [2]string{"ark", "sheet"}[en], p.Sheet, where)
	}
	return where
}

// Reason is why, in lang ("da" or "en").
func (p Problem) Reason(lang string) string {
	if lang == "en" {
		return p.EN
	}
	return p.DA
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

// Report is what an ingest did, or why it refused, as `ingest --format json` and the API give it (and
// `ingest --server` reads it back). The fields are in alphabetical order, as the JSON always had them.
type Report struct {
	Batch     *int64                `json:"batch,omitempty"` // nil for a dry run
	Dataset   string                `json:"dataset"`
	DryRun    bool                  `json:"dry_run"`
	Duplicate bool                  `json:"duplicate"`
	File      string                `json:"file"`
	Ignored   []string              `json:"ignored_columns"`
	Problems  []Problem             `json:"problems,omitempty"`
	Replaced  int                   `json:"replaced"`
	Rows      int                   `json:"rows"`
	SHA256    string                `json:"sha256"`
	Summary   []queries.SummaryLine `json:"summary"`
}

// ReportJSON is the report of an ingest that gave res, or refused with err.
func ReportJSON(res Result, err error) Report {
	out := Report{File: res.File, Dataset: res.Dataset, SHA256: res.SHA256, Rows: res.Rows, DryRun: res.DryRun,
		Duplicate: res.Batch.Duplicate, Replaced: res.Batch.Replaced, Ignored: res.Ignored, Summary: res.Batch.Summary}
	if !res.DryRun {
		id := res.Batch.ID
		out.Batch = &id
	}
	var ie *InvalidError
	if errors.As(err, &ie) {
		out.Problems = ie.Problems
	}
	return out
}

// Result is the report read back as what ingest.File returns: the result, and an *InvalidError when it lists
// problems.
func (r Report) Result() (Result, error) {
	res := Result{Dataset: r.Dataset, File: r.File, SHA256: r.SHA256, Rows: r.Rows, Ignored: r.Ignored, DryRun: r.DryRun,
		Batch: queries.BatchResult{Duplicate: r.Duplicate, Replaced: r.Replaced, DryRun: r.DryRun, Summary: r.Summary}}
	if r.Batch != nil {
		res.Batch.ID = *r.Batch
	}
	if len(r.Problems) > 0 {
		return res, &InvalidError{File: r.File, Problems: r.Problems}
	}
	return res, nil
}
