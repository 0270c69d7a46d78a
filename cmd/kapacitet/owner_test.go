package main

import (
	"context"

	"fmt"
	"github.com/xuri/excelize/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kapacitet/kapacitet/queries"
)

// While `serve` runs, the commands that touch the database run inside it, through <db>.sock (mode 0600), with
// the same output and exit codes as on the file; relative paths are the caller's. When it stops, the socket
// goes and the commands open the file again. (That another process cannot open the file beside the server is
// DuckDB's lock, which one process does not see: ErrLocked is tested in queries.)
func TestCommandsThroughTheServer(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	db := filepath.Join(dir, "k.duckdb")
	if _, errOut, code := cli(t, "demo", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	os.WriteFile("bad.csv", []byte("year,municipality,target_group,place_type,placed,waiting\n2023,851,misbrug,dag,x,1\n"), 0o644)
	commands := [][]string{
		{"gaps", "--year", "2023", "--target-group", "autisme-boern"},
		{"gaps", "--year", "2022", "--format", "json", "--lang", "en"},
		{"gaps", "--draft", "--format", "csv"},
		{"batches", "list"},
		{"publish", "2023"},
		{"publish", "2031"},
		{"ingest", "demand", "bad.csv"},
		{"ingest", "demand", "bad.csv", "--format", "json"},
		{"ingest", "nosuch", "bad.csv"},
		{"token", "list"},
		{"gaps", "--year", "abc"},
	}
	type outcome struct {
		out, errOut string
		code        int
	}
	runAll := func() []outcome {
		var out []outcome
		for _, c := range commands {
			o, e, code := cli(t, append(c, "--db", "k.duckdb")...)
			out = append(out, outcome{o, e, code})
		}
		return out
	}
	local := runAll()

	_, stop := serveFor(t, db)
	sock := db + ".sock"
	if fi, _ := os.Stat(sock); fi.Mode().Perm() != 0o600 || fi.Mode()&os.ModeSocket == 0 {
		t.Errorf("socket mode %v, want a socket of mode 0600", fi.Mode())
	}
	before := socketCommands.Load()
	remote := runAll()
	if n := socketCommands.Load() - before; n != int64(len(commands)) {
		t.Errorf("%d of the %d commands ran inside the server", n, len(commands))
	}
	for i, c := range commands {
		if local[i] != remote[i] {
			t.Errorf("%v: through the server\n%d %q %q\non the file\n%d %q %q", c, remote[i].code, remote[i].out, remote[i].errOut,
				local[i].code, local[i].out, local[i].errOut)
		}
	}
	for _, i := range []int{0, 4, 5, 6} { // a finding, a publish, a refused publish, an invalid file: something to compare
		if local[i].out+local[i].errOut == "" {
			t.Errorf("%v printed nothing", commands[i])
		}
	}
	if local[6].code != 3 || local[5].code != 1 || local[10].code != 2 {
		t.Errorf("exit codes %d %d %d, want 3 1 2", local[6].code, local[5].code, local[10].code)
	}
	// a second server of the same file says so
	if _, errOut, code := cli(t, "serve", "--db", db, "--addr", "127.0.0.1:0"); code != 1 || !strings.Contains(errOut, "already served") {
		t.Errorf("a second server: %d %s", code, errOut)
	}
	// a token made through the server authenticates on the file afterwards
	out, errOut, code := cli(t, "token", "create", "--role", "admin", "--name", "ops", "--db", "k.duckdb")
	if code != 0 {
		t.Fatal(errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	stop()
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket is left behind: %v", err)
	}
	st, err := queries.Open(context.Background(), db, queries.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if tok, ok, err := st.TokenFor(context.Background(), lines[len(lines)-1]); !ok || err != nil || tok.Name != "ops" {
		t.Errorf("the token made through the server: %+v %v %v", tok, ok, err)
	}
}

// Another process while the server runs: its commands go through the socket, and opening the file itself
// gets DuckDB's lock as one sentence with the remedy, never the driver's error.
func TestAnotherProcessBesideTheServer(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	if _, errOut, code := cli(t, "demo", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	serveFor(t, db)
	helper := func(mode string) string {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "KAPACITET_HELPER_DB="+db, "KAPACITET_HELPER_MODE="+mode)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := helper("cli"); !strings.Contains(out, "exit 0") || !strings.Contains(out, "demand.csv") {
		t.Errorf("batches list from another process:\n%s", out)
	}
	out := helper("open")
	if !strings.Contains(out, queries.ErrLocked.Error()) || strings.Contains(strings.ToLower(out), "could not set lock") {
		t.Errorf("opening the served file from another process:\n%s", out)
	}
}

// helperProcess is TestAnotherProcessBesideTheServer's other process: it lists the batches through the CLI
// (mode cli) or opens the file itself (mode open), and prints what happened.
func helperProcess() {
	db := os.Getenv("KAPACITET_HELPER_DB")
	switch os.Getenv("KAPACITET_HELPER_MODE") {
	case "cli":
		var out, errOut strings.Builder
		err := run(context.Background(), []string{"batches", "list", "--db", db}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
		fmt.Printf("%s%s%v\nexit %d\n", out.String(), errOut.String(), err, exitCode(err))
	case "open":
		_, err := queries.Open(context.Background(), db, queries.Options{})
		fmt.Println(err)
	}
}

// From another machine: `--server URL --token T` runs a command on the server over HTTP with the files it
// names (relative to the caller's directory), with the same output and exit code as on the file, and the
// token's role decides what it may run.
func TestCommandsFromAnotherMachine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	if _, errOut, code := cli(t, "demo", "--db", db); code != 0 {
		t.Fatal(errOut)
	}
	here := t.TempDir() // the other machine's working directory
	t.Chdir(here)
	os.WriteFile("bad.csv", []byte("year,municipality,target_group,place_type,placed,waiting\n2023,851,misbrug,dag,x,1\n"), 0o644)
	os.WriteFile("good.csv", []byte("aar;kommune;maalgruppe;pladstype;anbragte;venteliste\n2024;Læsø;misbrug;dag;1;0\n2024;Aalborg;misbrug;dag;7;2\n"), 0o644)
	type outcome struct {
		out, errOut string
		code        int
	}
	local := func(args ...string) outcome {
		o, e, c := cli(t, append(args, "--db", db)...)
		return outcome{o, e, c}
	}
	gaps := []string{"gaps", "--year", "2023", "--target-group", "autisme-boern"}
	ingestBad := []string{"ingest", "demand", "bad.csv"}
	ingestDry := []string{"ingest", "demand", "good.csv", "--dry-run", "--format", "json"}
	ingestTwo := []string{"ingest", "demand", "good.csv", "bad.csv"}
	want := map[string]outcome{"gaps": local(gaps...), "ingest": local(ingestBad...), "publish": local("publish", "2023"),
		"dry": local(ingestDry...), "two": local(ingestTwo...)}
	admin := strings.Split(strings.TrimSpace(local("token", "create", "--role", "admin", "--name", "ops").out), "\n")
	viewer := strings.Split(strings.TrimSpace(local("token", "create", "--role", "viewer", "--name", "kkr").out), "\n")
	adminToken, viewerToken := admin[len(admin)-1], viewer[len(viewer)-1]

	url, stop := serveFor(t, db)
	remote := func(token string, args ...string) outcome {
		o, e, c := cli(t, append(args, "--server", url, "--token", token)...)
		return outcome{o, e, c}
	}
	before := socketCommands.Load()
	if got := remote(viewerToken, gaps...); got != want["gaps"] {
		t.Errorf("gaps from another machine: %+v\nwant %+v", got, want["gaps"])
	}
	if got := remote(adminToken, ingestBad...); got != want["ingest"] || got.code != 3 {
		t.Errorf("ingest from another machine: %+v\nwant %+v", got, want["ingest"])
	}
	if got := remote(adminToken, "publish", "2023"); got != want["publish"] {
		t.Errorf("publish from another machine: %+v\nwant %+v", got, want["publish"])
	}
	// ingest goes through the ingest API, file by file, all validated before any is loaded
	for _, k := range []string{"dry", "two"} {
		args := map[string][]string{"dry": ingestDry, "two": ingestTwo}[k]
		if got := remote(adminToken, args...); got != want[k] {
			t.Errorf("%v from another machine: %+v\nwant %+v", args, got, want[k])
		}
	}
	if got := remote(adminToken, "ingest", "demand", "good.csv"); got.code != 0 || !strings.Contains(got.out, "good.csv: 2 rows loaded as draft batch 8") {
		t.Errorf("ingest from another machine: %+v", got)
	}
	if list := local("batches", "list"); !regexp.MustCompile(`(?m)^8 +demand +good\.csv +2 +active +no +ops `).MatchString(list.out) {
		t.Errorf("the batch loaded from another machine:\n%+v", list)
	}
	// a file the command writes comes back: the template of the same command on the file, byte for byte
	// but for the zip's times, read back as the same rows
	analyst := strings.Split(strings.TrimSpace(remote(adminToken, "token", "create", "--role", "analyst", "--name", "a").out), "\n")
	if got := remote(analyst[len(analyst)-1], "template", "demand", "--municipality", "851", "--year", "2024", "-o=remote.xlsx"); got.code != 0 {
		t.Errorf("template from another machine: %+v", got)
	}
	// the command API does not load files: they go through the ingest API and its upload limit
	req, _ := http.NewRequest("POST", url+"/api/v1/cli", strings.NewReader(`{"command":"ingest","args":["demand","x.csv"],"files":{"x.csv":"eA=="}}`))
	req.Header.Set("Authorization", "Bearer "+adminToken)
	if res, err := http.DefaultClient.Do(req); err != nil || res.StatusCode != 400 {
		t.Errorf("ingest through /api/v1/cli: %v %v", res.StatusCode, err)
	}
	stop() // the file again, for the same template made locally
	local("template", "demand", "--municipality", "851", "--year", "2024", "-o", "local.xlsx")
	rows := func(name string) [][]string {
		f, err := excelize.OpenFile(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		r, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	if r, l := rows("remote.xlsx"), rows("local.xlsx"); len(r) < 2 || fmt.Sprint(r) != fmt.Sprint(l) {
		t.Errorf("the template from another machine:\n%v\nlocally:\n%v", r, l)
	}
	if n := socketCommands.Load() - before; n != 5 { // gaps, publish, token, template; batches list through the socket
		t.Errorf("%d commands ran in the server, want 5", n)
	}
	url, _ = serveFor(t, db) // the server again, for the refusals
	for _, c := range []struct {
		token string
		args  []string
		code  int
		says  string
	}{
		{viewerToken, []string{"publish", "2023"}, 1, "403"},
		{viewerToken, []string{"gaps", "--draft"}, 1, "analyst"},
		{"kap_nosuchtoken", gaps, 1, "401"},
		{"", gaps, 2, "--token"},
	} {
		got := remote(c.token, c.args...)
		if got.code != c.code || !strings.Contains(got.errOut, c.says) {
			t.Errorf("%v with token %q: %+v, want exit %d saying %q", c.args, c.token, got, c.code, c.says)
		}
	}
}

// freeAddr is a loopback address with a port nobody listens on (a server of the test takes it).
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serveFor runs `serve` on db in the background until the returned stop is called (also at the end of the
// test), once its socket and, with addr, its HTTP port answer. It returns the server's URL.
func serveFor(t *testing.T, db string) (url string, stop func()) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan string, 1)
	go func() {
		_, errOut, _ := cliCtx(ctx, "serve", "--db", db, "--addr", addr)
		done <- errOut
	}()
	url = "http://" + addr
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		_, err := os.Stat(db + ".sock")
		res, herr := http.Get(url + "/healthz")
		if herr == nil {
			res.Body.Close()
		}
		if err == nil && herr == nil {
			break
		}
		if time.Since(start) > 20*time.Second {
			cancel()
			t.Fatalf("the server did not start: %s", <-done)
		}
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			<-done
		})
	}
	t.Cleanup(stop)
	return url, stop
}

// A socket beside the database is used only when it is one of this user (or of the database's owner), and
// its answers may not write files: a fake server that sends a file gets an error and no file. A database
// whose socket path would not fit says so; a server's configuration serves the commands that name none.
func TestSocketGuards(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.duckdb")
	os.WriteFile(db+".sock", []byte("not a socket"), 0o600)
	if _, errOut, code := cli(t, "gaps", "--db", db); code != 1 || !strings.Contains(errOut, "is not a socket") {
		t.Errorf("a plain file as the socket: %d %s", code, errOut)
	}
	os.Remove(db + ".sock")
	l, err := net.Listen("unix", db+".sock")
	if err != nil {
		t.Fatal(err)
	}
	planted := filepath.Join(dir, "planted.txt")
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := joinFile(planted, []byte("pwned"))
		w.Write(append([]byte{frameFile, 0, 0, 0, byte(len(b))}, b...))
	}))
	_, errOut, code := cli(t, "batches", "list", "--db", db)
	l.Close()
	if _, err := os.Stat(planted); code == 0 || err == nil || !strings.Contains(errOut, "did not name") {
		t.Errorf("a file sent through the socket: exit %d, %s, file: %v", code, errOut, err)
	}

	long := filepath.Join(dir, strings.Repeat("a", 110), "k.duckdb")
	if _, errOut, code := cli(t, "serve", "--db", long, "--addr", "127.0.0.1:0"); code != 1 || !strings.Contains(errOut, "too long") {
		t.Errorf("a database path too long for its socket: %d %s", code, errOut)
	}

	// the server allows years up to 2060; a command through its socket without --config follows it
	cfg := filepath.Join(dir, "k.toml")
	os.WriteFile(cfg, []byte("[ingest]\nmax_year = 2060\n"), 0o644)
	file := filepath.Join(dir, "2055.csv")
	os.WriteFile(file, []byte("year,municipality,target_group,place_type,placed,waiting\n2055,851,misbrug,dag,5,0\n"), 0o644)
	db2 := filepath.Join(dir, "c.duckdb")
	if _, errOut, code := cli(t, "ingest", "demand", file, "--db", db2, "--dry-run"); code != 3 {
		t.Fatalf("2055 with the default years: %d %s", code, errOut)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		cliCtx(ctx, "serve", "--db", db2, "--addr", "127.0.0.1:0", "--config", cfg)
		close(done)
	}()
	defer func() { stop(); <-done }()
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(db2 + ".sock"); err == nil {
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatal("no socket")
		}
	}
	if out, errOut, code := cli(t, "ingest", "demand", file, "--db", db2); code != 0 || !strings.Contains(out, "1 rows loaded") {
		t.Errorf("2055 through a server that allows it: %d %s %s", code, out, errOut)
	}
}
