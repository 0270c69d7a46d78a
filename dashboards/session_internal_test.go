package dashboards

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/queries"
)

// A session cookie is valid until it expires and only as signed: another expiry, name or signature, or a key
// of another database, makes it nobody's.
func TestSessionCookie(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	open := func(name string) *Server {
		st, err := queries.Open(ctx, filepath.Join(dir, name), queries.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		s, err := newServer(Deps{Store: st})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s, other := open("a.duckdb"), open("b.duckdb")
	now := time.Now()
	value, err := s.signSession(session{Name: "das", Expires: now.Add(time.Hour).Unix(), CSRF: "c"})
	if err != nil {
		t.Fatal(err)
	}
	if sess, ok := s.readSession(value, now); !ok || sess.Name != "das" || sess.CSRF != "c" {
		t.Errorf("a fresh session: %+v %v", sess, ok)
	}
	if _, ok := s.readSession(value, now.Add(time.Hour+time.Second)); ok {
		t.Error("an expired session is valid")
	}
	if _, ok := other.readSession(value, now); ok {
		t.Error("another database's key accepts the cookie")
	}
	forged, _ := other.signSession(session{Name: "das", Expires: now.Add(time.Hour).Unix()})
	if _, ok := s.readSession(forged, now); ok {
		t.Error("a cookie signed with another key is valid")
	}
	for _, v := range []string{"", ".", value + "x", "x" + value, value[:len(value)/2]} {
		if _, ok := s.readSession(v, now); ok {
			t.Errorf("%q is valid", v)
		}
	}
	// the key outlives a restart: a server of the same database reads the cookie
	again, err := newServer(Deps{Store: s.Store})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := again.readSession(value, now); !ok {
		t.Error("the same database's next server does not read the cookie")
	}
}
