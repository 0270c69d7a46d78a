package dashboards

import (
	"regexp"
	"testing"
)

// Every text key exists in both languages, and every key the templates use exists.
func TestTextsComplete(t *testing.T) {
	for k := range texts["da"] {
		if texts["en"][k] == "" {
			t.Errorf("%s: no English text", k)
		}
	}
	for k := range texts["en"] {
		if texts["da"][k] == "" {
			t.Errorf("%s: no Danish text", k)
		}
	}
	used := regexp.MustCompile(`t \.Lang "([a-z_]+)"`)
	for _, name := range []string{"templates/layout.html", "templates/overview.html", "templates/data.html", "templates/gaps.html", "templates/group.html", "templates/offers.html", "templates/municipality.html", "templates/error.html", "templates/report.html", "templates/tilgaengelighed.html", "templates/signin.html", "templates/admin.html", "templates/admin_audit.html"} {
		b, err := templateFS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if texts["da"][m[1]] == "" {
				t.Errorf("%s uses %q, which has no text", name, m[1])
			}
		}
	}
	for _, c := range []string{"kommunal", "privat", "socialaftale"} {
		if texts["da"]["short_"+c] == "" {
			t.Errorf("no short name for category %s", c)
		}
	}
}
