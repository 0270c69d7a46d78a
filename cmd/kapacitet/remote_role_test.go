package main

import "testing"

// The role a remote command needs: drafts in any spelling the flag package takes need an analyst, a false
// draft does not; export's rows need an analyst (the public's extracts are the API's); writes need an admin.
func TestRemoteRole(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"gaps", nil, "viewer"},
		{"gaps", []string{"--draft"}, "analyst"},
		{"gaps", []string{"-draft=1"}, "analyst"},
		{"gaps", []string{"--draft=TRUE"}, "analyst"},
		{"gaps", []string{"--draft=t"}, "analyst"},
		{"gaps", []string{"--draft=false"}, "viewer"},
		{"gaps", []string{"--draft=0"}, "viewer"},
		{"gaps", []string{"--draft=maybe"}, "analyst"}, // refused by the flag anyway; never less than analyst
		{"report", []string{"--year", "2023", "-o", "r.html"}, "viewer"},
		{"report", []string{"--year", "2023", "--draft=1"}, "analyst"},
		{"export", []string{"survey", "-o", "s.csv"}, "analyst"},
		{"assessment", []string{"2023"}, "analyst"},
		{"assessment", []string{"2023", "--file", "a.md"}, "admin"},
		{"publish", []string{"2023"}, "admin"},
	} {
		if got := remoteRole(c.name, c.args); got != c.want {
			t.Errorf("%s %q: %s, want %s", c.name, c.args, got, c.want)
		}
	}
}
