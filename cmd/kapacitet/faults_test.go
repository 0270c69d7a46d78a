package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/data/scale"
	"github.com/kapacitet/kapacitet/queries"
)

// Safety under faults: a command killed with SIGKILL in the middle of an ingest or a publish, the CLI client
// of a server killed in the middle of its command, and an ingest whose writes fail (a full disk, simulated
// with RLIMIT_FSIZE) all leave the database and <db>.files/ exactly as they were (or, when the command got
// to its commit first, with its whole result), and the database opens again.
//
// The commands run in a child process: this test binary run again with KAPACITET_FAULT_ARGS, which runs the
// command line as main does (see faultChild), so the child is the real program on the real file.

// init runs the child before TestMain (which would build the demo database first).
func init() {
	if args := os.Getenv("KAPACITET_FAULT_ARGS"); args != "" {
		os.Exit(faultChild(args))
	}
}

// faultChild runs a command line (JSON) as main does. With KAPACITET_FAULT_FSIZE it first limits the size
// of every file it writes to that many bytes and ignores SIGXFSZ, so that a write beyond it fails with EFBIG
// as on a full disk instead of killing the process.
func faultChild(argsJSON string) int {
	var args []string
	if err := json.Unmarshal([]byte(argsJSON), &args); err != nil {
		fmt.Fprintln(os.Stderr, "fault child:", err)
		return 99
	}
	if s := os.Getenv("KAPACITET_FAULT_FSIZE"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			fmt.Fprintln(os.Stderr, "fault child:", err)
			return 99
		}
		signal.Ignore(syscall.SIGXFSZ)
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n}); err != nil {
			fmt.Fprintln(os.Stderr, "fault child: setrlimit:", err)
			return 99
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kapacitet:", err)
	}
	return exitCode(err)
}

// child is a command run in a child process.
type child struct {
	cmd         *exec.Cmd
	out, errOut bytes.Buffer
	started     time.Time
	done        chan struct{}
	err         error // of Wait, once done is closed
}

func startChild(t *testing.T, env []string, args ...string) *child {
	t.Helper()
	b, _ := json.Marshal(args)
	c := &child{done: make(chan struct{})}
	c.cmd = exec.Command(os.Args[0], "-test.run=^$")
	c.cmd.Env = append(append(os.Environ(), "KAPACITET_FAULT_ARGS="+string(b)), env...)
	c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.errOut
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c.started = time.Now()
	go func() {
		c.err = c.cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		c.cmd.Process.Kill()
		<-c.done
	})
	return c
}

func (c *child) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// kill sends SIGKILL and reports whether it killed the child (false: it had ended by itself).
func (c *child) kill() bool {
	c.cmd.Process.Signal(syscall.SIGKILL)
	<-c.done
	var ee *exec.ExitError
	if errors.As(c.err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return true
		}
	}
	return false
}

func (c *child) code() int {
	<-c.done
	if c.err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(c.err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// dbState is what must not change: every table's row count and checksum and the stored files (name and
// SHA-256), as a new process that opens the database sees them. Orphans are the files of <db>.files/ that
// were there before the open (which removes what no batch refers to); Stage the files left in the staging
// folder after it.
type dbState struct {
	Tables  []queries.TableSum
	Files   map[string]string
	Orphans []string
	Stage   []string
}

// counts are the tables' row counts alone (a completed command's rows have their own timestamps).
func (s dbState) counts() map[string]int64 {
	m := map[string]int64{}
	for _, t := range s.Tables {
		m[t.Name] = t.Rows
	}
	return m
}

func filesOf(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out[e.Name()] = hex.EncodeToString(sum[:])
	}
	return out
}

func namesIn(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// stateOf opens db as a new process would (without limits) and reads its state.
func stateOf(t *testing.T, db string) dbState {
	t.Helper()
	before := filesOf(t, db+".files")
	ctx := context.Background()
	st, err := queries.Open(ctx, db, queries.Options{})
	if err != nil {
		t.Fatalf("the database does not open: %v", err)
	}
	defer st.Close()
	sums, err := st.TableSums(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := dbState{Tables: sums, Files: filesOf(t, db+".files"), Stage: namesIn(filepath.Join(db+".tmp", "stage"))}
	for name := range before {
		if _, ok := s.Files[name]; !ok {
			s.Orphans = append(s.Orphans, name)
		}
	}
	return s
}

// sameState compares the tables and the stored files of two states.
func sameState(t *testing.T, what string, got, want dbState) {
	t.Helper()
	if !reflect.DeepEqual(got.Tables, want.Tables) {
		t.Errorf("%s: the tables changed:\n got %v\nwant %v", what, got.Tables, want.Tables)
	}
	if !reflect.DeepEqual(got.Files, want.Files) {
		t.Errorf("%s: <db>.files/ changed:\n got %v\nwant %v", what, got.Files, want.Files)
	}
	if len(got.Stage) > 0 {
		t.Errorf("%s: files left in the staging folder: %v", what, got.Stage)
	}
}

// copyDB copies the database db (its file, WAL and stored files) into a new folder of the test.
func copyDB(t *testing.T, db string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "k.duckdb")
	for _, suffix := range []string{"", ".wal"} {
		b, err := os.ReadFile(db + suffix)
		if os.IsNotExist(err) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(db + ".files"); err == nil {
		if err := os.CopyFS(to+".files", os.DirFS(db+".files")); err != nil {
			t.Fatal(err)
		}
	}
	return to
}

// bigCapacityFile writes n capacity lines (years from 1900, so with faultConfig's year range) with a UTF-8
// BOM, which sends them through the validator and the stager rather than the fast path: a longer ingest
// whose staged files show that it is inside its work. It returns the file and the config file.
func bigCapacityFile(t *testing.T, n int) (file, config string) {
	t.Helper()
	dir := t.TempDir()
	file, config = filepath.Join(dir, "big.csv"), filepath.Join(dir, "k.toml")
	var b bytes.Buffer
	b.WriteString("\xef\xbb\xbf")
	if err := scale.CapacityLines(&b, n); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte(fmt.Sprintf("[ingest]\nmin_year = %d\nmax_year = 2100\n", scale.FirstYear)), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, config
}

// working waits until the ingest of db is inside its work (files in the staging folder) or the child has
// ended, and says which (and when).
func working(c *child, db string) (bool, time.Duration) {
	return waitFor(c, func() bool { return len(namesIn(filepath.Join(db+".tmp", "stage"))) > 0 })
}

// kept waits until the ingest of db has stored its original file under its final name (before its commit),
// or the child has ended.
func kept(c *child, db string, before dbState) (bool, time.Duration) {
	return waitFor(c, func() bool {
		for _, name := range namesIn(db + ".files") {
			if _, ok := before.Files[name]; !ok && !strings.HasSuffix(name, ".part") {
				return true
			}
		}
		return false
	})
}

func waitFor(c *child, cond func() bool) (bool, time.Duration) {
	for !c.exited() {
		if cond() {
			return true, time.Since(c.started)
		}
		time.Sleep(time.Millisecond)
	}
	return false, time.Since(c.started)
}

// beforeOrWhole checks the state after a kill: as before, or, when the command got to its commit first, with
// its whole result (whole says whether it is). It says which.
func beforeOrWhole(t *testing.T, what string, after, before dbState, whole func(dbState) bool) (committed bool) {
	t.Helper()
	if reflect.DeepEqual(after.Tables, before.Tables) {
		sameState(t, what, after, before)
		return false
	}
	if !whole(after) {
		t.Errorf("%s: neither as before nor the whole result:\n got %v\nwant %v or the whole result", what, after.Tables, before.Tables)
	}
	if len(after.Stage) > 0 {
		t.Errorf("%s: files left in the staging folder: %v", what, after.Stage)
	}
	return true
}

// wholeIngest says whether a state is before's with a whole batch of the file (rows lines) more.
func wholeIngest(before dbState, file string, rows int64) func(dbState) bool {
	return func(after dbState) bool {
		b, err := os.ReadFile(file)
		if err != nil {
			return false
		}
		sum := sha256.Sum256(b)
		kept := after.Files[hex.EncodeToString(sum[:])+filepath.Ext(file)] == hex.EncodeToString(sum[:])
		n, m := after.counts(), before.counts()
		return kept && len(after.Files) == len(before.Files)+1 && n["batches"] == m["batches"]+1 && n["capacity"] == m["capacity"]+rows
	}
}

// An ingest killed at several moments of its work (from the moment it stages rows until after its end): each
// kill leaves the database and <db>.files/ as they were, or, when it came after the commit, with the whole
// batch; the database takes the file again afterwards (checked after the first kill).
func TestKilledIngestLeavesDatabaseWhole(t *testing.T) {
	base := copyDB(t, demoDB)
	const rows = 400_000
	file, config := bigCapacityFile(t, rows)
	before := stateOf(t, base)
	ingestArgs := func(db string) []string { return []string{"ingest", "capacity", file, "--db", db, "--config", config} }
	inside, committed := 0, 0
	tries := []struct {
		when  string // staged: once rows are staged; kept: once the original is stored (the last step before the commit)
		delay time.Duration
	}{{"staged", 0}, {"staged", 300 * time.Millisecond}, {"kept", 0}, {"staged", 3 * time.Second}}
	for i, try := range tries {
		db := copyDB(t, base)
		c := startChild(t, nil, ingestArgs(db)...)
		started, at := working(c, db)
		if try.when == "kept" {
			started, at = kept(c, db, before)
		}
		time.Sleep(try.delay)
		killed := c.kill()
		if !killed && c.code() != 0 {
			t.Fatalf("the ingest failed by itself: %.500s %.500s", c.out.String(), c.errOut.String())
		}
		after := stateOf(t, db)
		what := fmt.Sprintf("kill %v after %s", try.delay, try.when)
		whole := beforeOrWhole(t, what, after, before, wholeIngest(before, file, rows))
		t.Logf("%s (at %v): killed %v, %s seen %v, committed %v, orphaned files removed on open %v",
			what, at, killed, try.when, started, whole, after.Orphans)
		if killed && started && !whole {
			inside++
		}
		if whole {
			committed++
			continue
		}
		if i > 0 {
			continue
		}
		if _, errOut, code := cli(t, ingestArgs(db)...); code != 0 {
			t.Errorf("the ingest after the kill: %d %s", code, errOut)
		}
	}
	t.Logf("%d of %d kills landed inside the ingest (before its commit); %d after the commit", inside, len(tries), committed)
}

// A publish killed at moments spread over its run (from 0 to 1,5 times the run of a whole publish) leaves the
// database as it was, or, when it got to its commit first, with the whole new edition.
func TestKilledPublishLeavesDatabaseWhole(t *testing.T) {
	base := copyDB(t, demoDB)
	// a 2023 correction, so that the publish makes edition 2 with a correction log
	fix := filepath.Join(t.TempDir(), "fix.csv")
	os.WriteFile(fix, []byte("year;location;ownership;agreement;place_type;target_group;places\n2023;Aalborg;kommunal;nej;døgn;autisme-boern;1\n"), 0o644)
	if _, errOut, code := cli(t, "ingest", "capacity", fix, "--db", base); code != 0 {
		t.Fatal(errOut)
	}
	before := stateOf(t, base)
	full := copyDB(t, base)
	c := startChild(t, nil, "publish", "2023", "--db", full)
	if c.code() != 0 || !strings.Contains(c.out.String(), "2023: Udgave 2") {
		t.Fatalf("publish: %d %s%s", c.code(), c.out.String(), c.errOut.String())
	}
	took := time.Since(c.started)
	published := stateOf(t, full)
	if published.counts()["editions"] != before.counts()["editions"]+1 {
		t.Fatalf("the publish made no edition: %v", published.counts())
	}
	whole := func(after dbState) bool {
		return reflect.DeepEqual(after.counts(), published.counts()) && reflect.DeepEqual(after.Files, before.Files)
	}
	inside, committed, tries := 0, 0, 8
	for i := range tries {
		db := copyDB(t, base)
		delay := took * time.Duration(3*i) / time.Duration(2*(tries-1))
		c := startChild(t, nil, "publish", "2023", "--db", db)
		opened := false // the WAL appears when the store has opened the file (its reference tables)
		for deadline := c.started.Add(delay); time.Now().Before(deadline) && !c.exited(); time.Sleep(time.Millisecond) {
			if _, err := os.Stat(db + ".wal"); err == nil {
				opened = true
			}
		}
		killed := c.kill()
		if !killed && c.code() != 0 {
			t.Fatalf("the publish failed by itself: %s%s", c.out.String(), c.errOut.String())
		}
		done := beforeOrWhole(t, fmt.Sprintf("kill %v into the publish", delay), stateOf(t, db), before, whole)
		t.Logf("kill %v into the publish (a whole one took %v): killed %v, database opened %v, committed %v", delay, took, killed, opened, done)
		if killed && opened && !done {
			inside++
		}
		if done {
			committed++
		}
	}
	t.Logf("%d of %d kills landed after the database was opened and before the publish committed; %d after the commit", inside, tries, committed)
}

// The CLI client of a running server killed while the server runs its ingest: the server keeps answering and
// takes the next commands, and the database is whole: the ingest rolled back (the client's connection closed,
// which cancels the command) or committed whole.
func TestKilledClientOfServer(t *testing.T) {
	db := copyDB(t, demoDB)
	const rows = 400_000
	file, config := bigCapacityFile(t, rows)
	small := filepath.Join(t.TempDir(), "small.csv")
	os.WriteFile(small, []byte("year,municipality,inhabitants\n2023,851,222571\n"), 0o644)
	before := stateOf(t, db)
	url, stop := serveFor(t, db)
	c := startChild(t, nil, "ingest", "capacity", file, "--db", db, "--config", config)
	// killed once the server has stored the original: inside the batch's transaction, before its commit
	started, at := kept(c, db, before)
	killed := c.kill()
	t.Logf("client killed %v, %v after its start, the original stored at %v (seen %v)", killed, time.Since(c.started), at, started)
	res, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("the server does not answer after its client was killed: %v", err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("/healthz: %d", res.StatusCode)
	}
	// the server takes the next commands (through its socket): a read, and a dry run, which takes the write
	// lock and a transaction of its own after the killed client's command has ended
	n := socketCommands.Load()
	if out, errOut, code := cli(t, "batches", "--db", db); code != 0 || !strings.Contains(out, "capacity") {
		t.Errorf("batches through the server after the kill: %d %s %s", code, out, errOut)
	}
	if out, errOut, code := cli(t, "ingest", "--dry-run", "population", small, "--db", db); code != 0 || !strings.Contains(out, "dry run") {
		t.Errorf("a dry run through the server after the kill: %d %s %s", code, out, errOut)
	}
	if socketCommands.Load() != n+2 {
		t.Error("the commands did not go through the server's socket")
	}
	stop() // waits for the commands in flight
	if beforeOrWhole(t, "client killed", stateOf(t, db), before, wholeIngest(before, file, rows)) {
		t.Log("the server finished the ingest after its client died")
	} else {
		t.Log("the server rolled the ingest back when its client died")
	}
}

// An ingest whose writes fail part-way (a full disk: RLIMIT_FSIZE) fails with a clear error and exit code 1,
// never a panic, and leaves the database as it was; it opens fine afterwards in a process without the limit.
// The limits hit, in turn: the staged files at 1 MiB and at 4 MiB, and, at 1 MiB above the file's size (the
// database file is larger), DuckDB's own writes to the database file at its commit.
func TestIngestOnFullDisk(t *testing.T) {
	base := copyDB(t, demoDB)
	before := stateOf(t, base)
	fi, err := os.Stat(base)
	if err != nil {
		t.Fatal(err)
	}
	lines := 200_000
	file, config := bigCapacityFile(t, lines)
	ffi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	// the third limit admits the stored original and the staged files, not the database's growth
	limits := []int64{1 << 20, 4 << 20, ffi.Size() + 1<<20}
	if limits[2]+4<<20 > fi.Size() {
		t.Fatalf("the database (%d bytes) must be 4 MiB larger than the third limit (%d)", fi.Size(), limits[2])
	}
	for _, limit := range limits {
		db := copyDB(t, base)
		c := startChild(t, []string{"KAPACITET_FAULT_FSIZE=" + strconv.FormatInt(limit, 10)},
			"ingest", "capacity", file, "--db", db, "--config", config)
		code := c.code()
		msg := strings.TrimSpace(c.errOut.String())
		t.Logf("limit %d bytes: exit %d: %.300s", limit, code, msg)
		if code == 0 {
			t.Errorf("limit %d: the ingest succeeded: %.300s", limit, c.out.String())
			continue
		}
		if code != 1 || strings.Contains(msg, "panic") || strings.Contains(msg, "goroutine ") ||
			!strings.Contains(strings.ToLower(msg), "file too large") {
			t.Errorf("limit %d: exit %d, want 1 with the error (file too large): %s", limit, code, msg)
		}
		sameState(t, fmt.Sprintf("limit %d", limit), stateOf(t, db), before)
	}
}
