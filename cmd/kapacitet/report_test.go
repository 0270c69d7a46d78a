package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// kapacitet assessment sets DAS's text and shows it; publish carries it into the next edition; kapacitet
// report writes the report as one file with its styles, scripts and the assessment, in Danish or English.
func TestReportAndAssessmentCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "k.duckdb")
	if _, errOut, code := cli(t, "demo", "--db", db); code != 0 {
		t.Fatalf("demo: %s", errOut)
	}
	md := filepath.Join(t.TempDir(), "vurdering.md")
	os.WriteFile(md, []byte("## Vurdering\n\nDer mangler *sikrede pladser*.\n"), 0o644)
	if out, errOut, code := cli(t, "assessment", "2023", "--file", md, "--db", db); code != 0 || !strings.Contains(out, "gemt") {
		t.Fatalf("assessment --file: exit %d: %s%s", code, out, errOut)
	}
	out, _, _ := cli(t, "assessment", "2023", "--db", db)
	if !strings.Contains(out, "Der mangler *sikrede pladser*.") || !strings.Contains(out, "offentliggjort (published): ingen") {
		t.Errorf("assessment: %s", out)
	}
	file := filepath.Join(t.TempDir(), "rapport.html")
	if _, errOut, code := cli(t, "report", "--year", "2023", "-o", file, "--db", db); code != 0 {
		t.Fatalf("report: %s", errOut)
	}
	b, _ := os.ReadFile(file)
	page := string(b)
	for _, part := range []string{"<style>", "echarts", "Afdækning af udbud og efterspørgsel 2023", "@top-left", "DAS har ikke skrevet sin vurdering af 2023 endnu."} {
		if !strings.Contains(page, part) {
			t.Errorf("the report file lacks %q", part)
		}
	}
	if strings.Contains(page, `<link rel="stylesheet"`) || strings.Contains(page, `<script src=`) {
		t.Error("the report file refers to the server's files")
	}
	if out, errOut, code := cli(t, "report", "--year", "2023", "--draft", "-o", "-", "--db", db); code != 0 || !strings.Contains(out, "<em>sikrede pladser</em>") {
		t.Errorf("report --draft: exit %d: %s", code, errOut)
	}
	if out, _, code := cli(t, "publish", "2023", "--db", db); code != 0 || !strings.Contains(out, "DAS' vurdering af året er ændret.") {
		t.Errorf("publish: %s", out)
	}
	if out, _, _ := cli(t, "report", "--year", "2023", "-o", "-", "--lang", "en", "--db", db); !strings.Contains(out, "<em>sikrede pladser</em>") || !strings.Contains(out, `<html lang="en">`) {
		t.Error("the published report in English lacks the assessment")
	}
	for _, args := range [][]string{{"report", "-o", file}, {"report", "--year", "2023"}, {"report", "--year", "2023", "-o", file, "--lang", "de"}, {"assessment"}, {"assessment", "abc"}} {
		if _, errOut, code := cli(t, append(args, "--db", db)...); code != 2 {
			t.Errorf("%q: exit %d, want 2: %s", args, code, errOut)
		}
	}
}
