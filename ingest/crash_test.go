package ingest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/data/scale"
	"github.com/kapacitet/kapacitet/queries"
)

// TestMain lets the crash test run this test binary as the child that ingests and gets killed.
func TestMain(m *testing.M) {
	if db := os.Getenv("KAPACITET_CRASH_DB"); db != "" {
		os.Exit(crashChild(db, os.Getenv("KAPACITET_CRASH_FILE")))
	}
	os.Exit(m.Run())
}

// crashChild ingests file into db and reports every progress step on stdout.
func crashChild(db, file string) int {
	ctx := context.Background()
	st, err := queries.Open(ctx, db, queries.Options{})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	content, _ := os.ReadFile(file)
	d, _ := data.DatasetByName("capacity")
	_, lim := bigCapacity(0)
	_, err = File(ctx, st, d, filepath.Base(file), content, Options{Limits: lim, Progress: func(staged, total int) {
		fmt.Printf("staged %d %d\n", staged, total)
	}})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("done")
	return 0
}

// bigCapacity returns n valid aggregate capacity lines (see scale.CapacityLines) and the limits that admit
// their years.
func bigCapacity(n int) ([]byte, *data.Limits) {
	b, lim := scale.Capacity(n)
	return b, &lim
}

// An ingest killed with SIGKILL after half of its rows are staged leaves the database and <db>.files/
// exactly as before, and the next ingest works.
func TestKilledIngestChangesNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	ctx := context.Background()
	st, err := queries.Open(ctx, db, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := File(ctx, st, dataset(t, "population"), "p.csv", []byte("year,municipality,inhabitants\n2023,851,222571\n"), Options{}); err != nil {
		t.Fatal(err)
	}
	before, _ := st.Checksum(ctx)
	filesBefore := filesIn(t, st.FilesDir())
	st.Close()

	big := filepath.Join(dir, "big.csv")
	content, lim := bigCapacity(300000)
	if err := os.WriteFile(big, content, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "KAPACITET_CRASH_DB="+db, "KAPACITET_CRASH_FILE="+big)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "staged" {
			staged, _ := strconv.Atoi(f[1])
			total, _ := strconv.Atoi(f[2])
			if staged >= total/2 { // staged; the transaction has not committed yet
				cmd.Process.Signal(syscall.SIGKILL)
				killed = true
				break
			}
		}
		if f[0] == "done" || f[0] == "error" {
			break
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatal("the child finished or failed before it could be killed half-way")
	}

	st, err = queries.Open(ctx, db, queries.Options{})
	if err != nil {
		t.Fatalf("reopen after the kill: %v", err)
	}
	defer st.Close()
	if after, _ := st.Checksum(ctx); after != before {
		t.Errorf("the database changed:\n%s\n%s", before, after)
	}
	if got := filesIn(t, st.FilesDir()); got != filesBefore {
		t.Errorf("<db>.files/ changed: %s, want %s", got, filesBefore)
	}
	res, err := File(ctx, st, dataset(t, "capacity"), "big.csv", content, Options{Limits: lim})
	if err != nil || res.Rows != 300000 {
		t.Errorf("the next ingest: %+v %v", res, err)
	}
}
