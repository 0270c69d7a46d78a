package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/kapacitet/kapacitet/queries"
)

// One owner of the database: DuckDB lets one process open the file. While `kapacitet serve` runs, it listens
// on the unix socket <db>.sock (mode 0600: whoever may read the database file may use it), and every command
// that touches the database sends its command line there and runs inside the server, on the server's store,
// exactly as it would run on the file: the same code, output and exit code. Without a server, the command
// opens the file itself.

// socketPath is where the server of database db listens.
func socketPath(db string) string {
	abs, err := filepath.Abs(db)
	if err != nil {
		abs = db
	}
	return abs + ".sock"
}

// dbOf is the database a command line names: --db (or -db, with = or as the next argument), else
// KAPACITET_DB, else the default.
func dbOf(args []string, getenv func(string) string) string {
	for _, db := range []string{flagValue(args, "db"), getenv("KAPACITET_DB")} {
		if db != "" {
			return db
		}
	}
	return "kapacitet.duckdb"
}

// cliRequest is a command line sent to the server: the arguments after the command's name, the caller's
// working directory and its KAPACITET_ variables.
type cliRequest struct {
	Command string            `json:"command"`
	Args    []string          `json:"args"`
	Cwd     string            `json:"cwd,omitempty"`
	Env     map[string]string `json:"env"`
	Files   map[string][]byte `json:"files,omitempty"` // from another machine: the files the command names
}

// cliResult ends the answer: the exit code and the error as main would print it.
type cliResult struct {
	Code    int    `json:"code"`
	Message string `json:"message,omitempty"`
	Help    bool   `json:"help,omitempty"`
}

// Frames of the answer: one byte for the stream (1 stdout, 2 stderr, 3 the result), four for the length.
const (
	frameStdout = 1
	frameStderr = 2
	frameResult = 3
	frameFile   = 4 // a file the command wrote, for a caller on another machine: name length (2 bytes), name, content
)

// remoteError is a command's failure inside the server, with its exit code.
type remoteError struct {
	msg  string
	code int
}

func (e remoteError) Error() string { return e.msg }

// socketClient talks HTTP over the unix socket at path.
func socketClient(path string) *http.Client {
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
}

// forward sends a command to the server that owns its database, when one listens, and relays its output:
// sent is false when there is no server (the command then opens the file itself).
func forward(e *env, c command, args []string) (sent bool, err error) {
	db := dbOf(args, e.getenv)
	sock := socketPath(db)
	fi, err := os.Lstat(sock)
	if err != nil {
		return false, nil
	}
	if err := trustedSocket(fi, db); err != nil {
		return true, err
	}
	conn, err := net.DialTimeout("unix", sock, 2*time.Second)
	if err != nil {
		return false, nil // a socket left by a server that is gone: the file is free (or its lock says who has it)
	}
	conn.Close()
	cwd, _ := os.Getwd()
	req := cliRequest{Command: c.name, Args: args, Cwd: cwd, Env: map[string]string{}}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "KAPACITET_") {
			req.Env[k] = e.getenv(k)
		}
	}
	for _, k := range []string{"KAPACITET_DB", "KAPACITET_CONFIG"} { // also those a test's getenv gives
		if v := e.getenv(k); v != "" {
			req.Env[k] = v
		}
	}
	body, _ := json.Marshal(req)
	hr, err := http.NewRequestWithContext(e.ctx, http.MethodPost, "http://kapacitet/cli", bytes.NewReader(body))
	if err != nil {
		return true, err
	}
	res, err := socketClient(sock).Do(hr)
	if err != nil {
		return true, fmt.Errorf("the server of %s did not answer on %s: %w", dbOf(args, e.getenv), sock, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return true, fmt.Errorf("the server refused the command: %s", strings.TrimSpace(string(msg)))
	}
	return true, relay(e, res.Body, map[string]bool{}) // the server writes its files itself: it sends none
}

// trustedSocket checks that a socket found beside the database is a socket of this user or of the
// database file's owner: a command sends its command line there and prints what comes back.
func trustedSocket(fi os.FileInfo, db string) error {
	if fi.Mode()&os.ModeSocket == 0 {
		return fmt.Errorf("%s is not a socket; remove it, or stop what made it", fi.Name())
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	owners := []uint32{uint32(os.Geteuid())}
	if dbi, err := os.Stat(db); err == nil {
		if ds, ok := dbi.Sys().(*syscall.Stat_t); ok {
			owners = append(owners, ds.Uid)
		}
	}
	if !slices.Contains(owners, st.Uid) {
		return fmt.Errorf("the socket %s belongs to another user (uid %d) than you and the database; not using it", socketPath(db), st.Uid)
	}
	return nil
}

// relay writes a command's answer (frames) to the caller's streams and files and returns its result. Files
// are written only under the names in allowed (the command's -o).
func relay(e *env, body io.Reader, allowed map[string]bool) error {
	r := bufio.NewReader(body)
	for {
		var head [5]byte
		if _, err := io.ReadFull(r, head[:]); err != nil {
			return fmt.Errorf("the server stopped answering: %w", err)
		}
		data := make([]byte, binary.BigEndian.Uint32(head[1:]))
		if _, err := io.ReadFull(r, data); err != nil {
			return fmt.Errorf("the server stopped answering: %w", err)
		}
		switch head[0] {
		case frameStdout:
			e.stdout.Write(data)
		case frameStderr:
			e.stderr.Write(data)
		case frameFile:
			name, content, err := splitFile(data)
			if err != nil {
				return err
			}
			if !allowed[name] {
				return fmt.Errorf("the server sent a file %q the command did not name", name)
			}
			if err := os.WriteFile(e.path(name), content, 0o644); err != nil {
				return err
			}
		case frameResult:
			var out cliResult
			if err := json.Unmarshal(data, &out); err != nil {
				return err
			}
			switch {
			case out.Help:
				return flag.ErrHelp
			case out.Code == 0:
				return nil
			}
			return remoteError{out.Message, out.Code}
		}
	}
}

// frameWriter writes one stream of a command's output as frames, flushed at once.
type frameWriter struct {
	mu     *sync.Mutex
	w      io.Writer
	flush  func()
	stream byte
}

func (f frameWriter) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var head [5]byte
	head[0] = f.stream
	binary.BigEndian.PutUint32(head[1:], uint32(len(p)))
	if _, err := f.w.Write(head[:]); err != nil {
		return 0, err
	}
	if _, err := f.w.Write(p); err != nil {
		return 0, err
	}
	f.flush()
	return len(p), nil
}

// socketCommands counts the commands run inside this process's server (for the tests).
var socketCommands atomic.Int64

// socketHandler runs the commands sent to the socket on st.
// Commands that name no --config use the server's configuration (cfg).
func socketHandler(st *queries.Store, cfg []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/cli" {
			http.NotFound(w, r)
			return
		}
		var req cliRequest
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		c, ok := commandNamed(req.Command)
		if !ok || !c.db || !filepath.IsAbs(req.Cwd) {
			http.Error(w, "not a command of the database", http.StatusBadRequest)
			return
		}
		runStreamed(w, r, c, req, &env{store: st, cwd: req.Cwd, serverConfig: cfg})
	})
}

// runStreamed runs command c for req inside the server, on e (its store and where its files come from),
// and streams its output to w as frames, the result last.
func runStreamed(w http.ResponseWriter, r *http.Request, c command, req cliRequest, e *env) {
	w.Header().Set("Content-Type", "application/octet-stream")
	w.WriteHeader(http.StatusOK)
	flush := func() {
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	mu := &sync.Mutex{}
	e.ctx, e.getenv, e.stdin = r.Context(), func(k string) string { return req.Env[k] }, strings.NewReader("")
	e.ctx = e.withActor(e.ctx)
	e.stdout, e.stderr = frameWriter{mu, w, flush, frameStdout}, frameWriter{mu, w, flush, frameStderr}
	if e.outputs != nil {
		files := frameWriter{mu, w, flush, frameFile}
		e.outputs.send = func(name string, b []byte) error {
			_, err := files.Write(joinFile(name, b))
			return err
		}
	}
	socketCommands.Add(1)
	err := c.run(e, req.Args)
	res := cliResult{Code: exitCode(err), Help: errors.Is(err, flag.ErrHelp)}
	if err != nil && !res.Help {
		res.Message = err.Error()
	}
	b, _ := json.Marshal(res)
	frameWriter{mu, w, flush, frameResult}.Write(b)
}

// joinFile and splitFile pack a file's name and content into a frame.
func joinFile(name string, b []byte) []byte {
	out := binary.BigEndian.AppendUint16(nil, uint16(len(name)))
	return append(append(out, name...), b...)
}

func splitFile(p []byte) (string, []byte, error) {
	if len(p) < 2 || len(p) < 2+int(binary.BigEndian.Uint16(p)) {
		return "", nil, errors.New("the server sent a broken file")
	}
	n := 2 + int(binary.BigEndian.Uint16(p))
	return string(p[2:n]), p[n:], nil
}

func commandNamed(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// listenSocket makes the server's socket for db: refused when another server listens on it; a socket file
// left by a server that is gone is removed first. The socket is mode 0600.
func listenSocket(db string) (net.Listener, string, error) {
	sock := socketPath(db)
	if len(sock) > 107 { // a unix socket's path has room for 107 bytes
		return nil, sock, fmt.Errorf("the database's path is too long for its socket %s (at most 107 bytes, as unix sockets allow): move the database to a shorter path", sock)
	}
	if conn, err := net.DialTimeout("unix", sock, time.Second); err == nil {
		conn.Close()
		return nil, sock, fmt.Errorf("%s is already served (socket %s)", db, sock)
	}
	os.Remove(sock)
	old := syscall.Umask(0o177) // born 0600: no moment in which others may connect
	l, err := net.Listen("unix", sock)
	syscall.Umask(old)
	if err != nil {
		return nil, sock, fmt.Errorf("socket %s: %w", sock, err)
	}
	if err := os.Chmod(sock, 0o600); err != nil {
		l.Close()
		return nil, sock, fmt.Errorf("socket %s: %w", sock, err)
	}
	return l, sock, nil
}
