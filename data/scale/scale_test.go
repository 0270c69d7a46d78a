package scale

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestNationalIsDeterministic(t *testing.T) {
	o := DefaultOptions()
	o.Years, o.Purchases = 2, 500
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	ca, err := National(a, o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := National(b, o); err != nil {
		t.Fatal(err)
	}
	o.Seed = 2
	if _, err := National(c, o); err != nil {
		t.Fatal(err)
	}
	if ca["purchases"] != 500 || ca["population"] != 2*98 || ca["survey"] != 2*98*17 {
		t.Errorf("counts: %v", ca)
	}
	same, differ := true, false
	for _, name := range []string{"population", "offers", "capacity", "demand", "survey", "purchases", "tariffs"} {
		fa, _ := os.ReadFile(filepath.Join(a, name+".csv"))
		fb, _ := os.ReadFile(filepath.Join(b, name+".csv"))
		fc, _ := os.ReadFile(filepath.Join(c, name+".csv"))
		same = same && bytes.Equal(fa, fb)
		differ = differ || !bytes.Equal(fa, fc)
	}
	if !same || !differ {
		t.Errorf("same seed gives the same files: %v; another seed other files: %v", same, differ)
	}
}
