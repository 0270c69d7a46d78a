package dashboards

import "testing"

// Redirects after sign-in stay on this site: a path, never another host, however it is disguised.
func TestLocalPath(t *testing.T) {
	for p, want := range map[string]string{
		"/admin?year=2024": "/admin?year=2024", "/gaps": "/gaps", "": "", "admin": "",
		"//evil.org": "", "/\t/evil.org": "", "/\\evil.org": "", "\\\\evil.org": "", "https://evil.org": "",
		"/%09/evil.org": "/%09/evil.org", // escaped: a path of this site, which a browser does not unescape into a host
		"/\n/evil.org":  "", "http:/evil.org": "", "/x\x7f": "",
	} {
		if got := localPath(p); got != want {
			t.Errorf("localPath(%q) = %q, want %q", p, got, want)
		}
	}
}
