package main

import (
	"fmt"
	"io"

	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

func init() {
	register(command{name: "report", db: true, args: "--year N -o FILE.html", run: runReport,
		summary: "write the yearly report as one HTML file (charts included) to read, send or print to PDF"})
	register(command{name: "assessment", db: true, args: "YEAR [--file FILE.md]", run: runAssessment,
		summary: "show DAS's assessment of a year, or set it from a Markdown file (- for stdin); published with the year's next edition"})
}

func runReport(e *env, args []string) error {
	f := newFlags(e, "report")
	year := f.Int("year", 0, "the year of the report (required)")
	out := f.String("o", "", "the HTML file to write (required; - writes it to stdout)")
	lang := f.String("lang", "da", "language: da or en")
	draft := f.Bool("draft", false, "the current rows and assessment, not the latest edition")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) > 0:
		return usagef("report takes no arguments: --year N -o FILE.html")
	case !data.PlausibleYear(*year):
		return usagef("report needs --year N")
	case *out == "":
		return usagef("report needs -o FILE.html (or -o - for stdout)")
	case *lang != "da" && *lang != "en":
		return usagef("invalid --lang %q: da or en", *lang)
	}
	cfg, st, err := f.openWithConfig(e)
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := dashboards.ReportFile(e.ctx, dashboards.Deps{Store: st, Analysis: cfg}, *year, *lang, *draft)
	if err != nil {
		return err
	}
	if err := e.writeOutput(*out, b); err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(e.stdout, "%s: rapport for %d, %d bytes (report of %d)\n", *out, *year, len(b), *year)
	}
	return nil
}

func runAssessment(e *env, args []string) error {
	f := newFlags(e, "assessment")
	file := f.String("file", "", "set the assessment from this Markdown file (- reads stdin; an empty file removes it)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	year, err := yearArg("assessment", pos)
	if err != nil {
		return err
	}
	st, err := f.open(e)
	if err != nil {
		return err
	}
	defer st.Close()
	if *file == "" {
		for _, draft := range []bool{true, false} {
			a, ok, err := st.Assessment(e.ctx, queries.View{Draft: draft}, year)
			if err != nil {
				return err
			}
			label := map[bool]string{true: "nuværende tekst (current text)", false: "offentliggjort (published)"}[draft]
			switch {
			case !ok:
				fmt.Fprintf(e.stdout, "# %d, %s: ingen (none)\n", year, label)
			case draft:
				fmt.Fprintf(e.stdout, "# %d, %s, %s af (by) %s:\n%s\n", year, label, a.UpdatedAt.Format("2006-01-02 15:04"), a.UpdatedBy, a.Text)
			default:
				fmt.Fprintf(e.stdout, "# %d, %s:\n%s\n", year, label, a.Text)
			}
		}
		return nil
	}
	var text []byte
	if *file == "-" {
		text, err = io.ReadAll(io.LimitReader(e.stdin, queries.MaxAssessment+1))
	} else {
		text, err = e.readFile(*file, queries.MaxAssessment)
	}
	if err == errTooLarge {
		err = queries.ErrAssessmentTooLarge
	}
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	if err := st.SetAssessment(e.ctx, year, string(text), e.who()); err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	fmt.Fprintf(e.stdout, "%d: DAS' vurdering gemt; den offentliggøres med årets næste udgave (kapacitet publish %d). (Assessment saved; it is published with the year's next edition.)\n", year, year)
	return nil
}
