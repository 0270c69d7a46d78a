package main

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Issue 10: after the sections' own tables, one table of every row: the figure, its baseline measured in
// the same run with the same DuckDB settings, their ratio, the peak memory, and where the row stands
// against its target.

type summaryRow struct {
	rank                                        int // the row of issue 10's list it belongs to
	name, figure, baseline, ratio, peak, target string
	met                                         string // "yes", "no" or "-" (no target)
}

var summary []summaryRow

func addSummary(rank int, name, figure, baseline, ratio string, peak int64, target string, met bool, hasTarget bool) {
	m := "-"
	if hasTarget {
		m = "no"
		if met {
			m = "yes"
		}
	}
	summary = append(summary, summaryRow{rank, name, figure, baseline, ratio, mib(peak), target, m})
}

// summarizeMain adds the ingest, findings, publish and ready rows.
func summarizeMain(ingest []result, demo, national, publish, ready result) {
	base := ingest[0]
	for i, r := range ingest {
		if i == 0 {
			continue
		}
		ratio := base.perOp.Seconds() / r.perOp.Seconds()
		addSummary(1, r.name, rate(r), rate(base), fmt.Sprintf("%.2f speed", ratio), r.peak, "≥ 0.5 of raw DuckDB (aim 0.8)", ratio >= 0.5, i == 1)
	}
	for _, f := range []struct {
		r      result
		target string
		met    bool
	}{
		{demo, "under 50ms", demo.perOp < 50*time.Millisecond},
		{national, "≤ 1.5× the bare aggregates", ratioOf(national) <= 1.5},
	} {
		if f.r.perOp > 0 {
			addSummary(2, f.r.name, duration(f.r.perOp), duration(f.r.baseline), f.r.ratio, f.r.peak, f.target, f.met, true)
		}
	}
	if publish.perOp > 0 {
		addSummary(3, publish.name, duration(publish.perOp), duration(publish.baseline), publish.ratio, publish.peak, "-", false, false)
	}
	if ready.perOp > 0 {
		addSummary(6, ready.name, duration(ready.perOp), duration(ready.baseline), ready.ratio, ready.peak, "under 1s", ready.perOp < time.Second, true)
	}
}

func ratioOf(r result) float64 {
	if r.baseline <= 0 {
		return 0
	}
	return float64(r.perOp) / float64(r.baseline)
}

func rate(r result) string { return fmt.Sprintf("%.0f rows/s", float64(r.rows)/r.perOp.Seconds()) }

// summarizePage adds a row of the pages' table.
func summarizePage(r pageRow) {
	ratio := r.l.rps() / r.static.rps()
	fig := fmt.Sprintf("%.0f req/s, p99 %s", r.l.rps(), duration(r.l.p99))
	base := fmt.Sprintf("%.0f req/s, p99 %s", r.static.rps(), duration(r.static.p99))
	name := fmt.Sprintf("page %s %s at %d", r.page, r.mode, r.conns)
	switch {
	case r.mode == "cached":
		addSummary(4, name, fig, base, fmt.Sprintf("%.2f rate", ratio), 0, "≥ 0.8 of static, p99 < 50ms", ratio >= 0.8 && r.l.p99 < 50*time.Millisecond, true)
	case r.conns == 4:
		addSummary(4, name, fig, base, fmt.Sprintf("%.2f rate", ratio), 0, "p99 < 150ms", r.l.p99 < 150*time.Millisecond, true)
	default:
		addSummary(4, name, fig, base, fmt.Sprintf("%.2f rate", ratio), 0, "-", false, false)
	}
}

// summarizeExport adds an extract row against COPY.
func summarizeExport(r, base result) {
	ratio := base.perOp.Seconds() / r.perOp.Seconds()
	addSummary(5, r.name, fmt.Sprintf("%s, %s", duration(r.perOp), rate(r)), fmt.Sprintf("%s, %s", duration(base.perOp), rate(base)),
		fmt.Sprintf("%.2f speed", ratio), r.peak, "≥ 0.8 of COPY, RSS < 500MB", ratio >= 0.8 && r.peak < 500_000_000, true)
}

// printSummary prints the table; it returns the rows.
func printSummary() int {
	slices.SortStableFunc(summary, func(a, b summaryRow) int { return a.rank - b.rank })
	fmt.Println()
	fmt.Println("summary: every row, its baseline from the same run (same DuckDB settings), the ratio, the peak RSS of the process (the server's own for the ready row) and the target")
	w := []int{4, 6, 8, 5, 8, 6}
	for _, r := range summary {
		for i, v := range []string{r.name, r.figure, r.baseline, r.ratio, r.peak, r.target} {
			w[i] = max(w[i], len([]rune(v)))
		}
	}
	pad := func(s string, n int) string { return s + strings.Repeat(" ", max(0, n-len([]rune(s)))) }
	line := func(cols ...string) {
		var b strings.Builder
		for i, c := range cols[:6] {
			b.WriteString(pad(c, w[i]) + "  ")
		}
		b.WriteString(cols[6])
		fmt.Println(b.String())
	}
	line("row", "figure", "baseline", "ratio", "peak RSS", "target", "met")
	for _, r := range summary {
		line(r.name, r.figure, r.baseline, r.ratio, r.peak, r.target, r.met)
	}
	return len(summary)
}
