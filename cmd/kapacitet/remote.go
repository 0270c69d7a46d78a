package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
	"github.com/kapacitet/kapacitet/queries"
)

// Remote use: `--server URL --token T` sends a database command to a server on another machine over HTTP(S)
// (POST /api/v1/cli), with the files it names, and the server runs it as it runs the commands of its socket.
// What the command writes with -o comes back and is written here.

// remoteFlags finds --server and --token (or KAPACITET_SERVER and KAPACITET_TOKEN) in a command line and
// returns the line without them.
func remoteFlags(args []string, getenv func(string) string) (server, token string, rest []string) {
	server, token = getenv("KAPACITET_SERVER"), getenv("KAPACITET_TOKEN")
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "server" && name != "token") {
			rest = append(rest, a)
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
			i++
		}
		if name == "server" {
			server = value
		} else {
			token = value
		}
	}
	return server, token, rest
}

// forwardHTTP sends command c to the server at url with token, with every file its arguments name that
// exists here, and relays the answer.
func forwardHTTP(e *env, c command, args []string, url, token string) error {
	if token == "" {
		return usagef("--server needs --token (or KAPACITET_TOKEN)")
	}
	// the server gets the one file a command reads besides the database, its configuration, and no other:
	// not --db (the server has its own) and not what -o names (it comes back)
	req := cliRequest{Command: c.name, Args: args, Files: map[string][]byte{}, Env: map[string]string{}}
	send := func(name string) error {
		if name == "" {
			return nil
		}
		b, err := os.ReadFile(name)
		if err != nil {
			return err // the path is in the error
		}
		req.Files[name] = b
		return nil
	}
	if err := send(flagValue(args, "config")); err != nil {
		return err
	}
	if c.name == "assessment" { // the Markdown file of the assessment (64 KiB at most)
		if file := flagValue(args, "file"); file != "-" {
			if err := send(file); err != nil {
				return err
			}
		}
	}
	if cfg := e.getenv("KAPACITET_CONFIG"); cfg != "" && flagValue(args, "config") == "" {
		if err := send(cfg); err != nil {
			return err
		}
		req.Env["KAPACITET_CONFIG"] = cfg
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	hr, err := http.NewRequestWithContext(e.ctx, http.MethodPost, strings.TrimRight(url, "/")+"/api/v1/cli", bytes.NewReader(body))
	if err != nil {
		return usagef("--server %q: %v", url, err)
	}
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		return fmt.Errorf("the server %s did not answer: %w", url, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		var msg struct {
			Error struct{ Message string }
		}
		b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<16))
		if json.Unmarshal(b, &msg) != nil || msg.Error.Message == "" {
			msg.Error.Message = strings.TrimSpace(string(b))
		}
		return fmt.Errorf("the server %s refused the command (%d): %s", url, res.StatusCode, msg.Error.Message)
	}
	allowed := map[string]bool{}
	if out := flagValue(args, "o"); out != "" && out != "-" {
		allowed[out] = true
	}
	return relay(e, res.Body, allowed)
}

// flagValue is the value of flag name in a command line (-name V, --name V, -name=V, --name=V; the last
// one counts), or "".
func flagValue(args []string, name string) string {
	v := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		n, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if n != name {
			continue
		}
		if !hasValue && i+1 < len(args) {
			value = args[i+1]
			i++
		}
		v = value
	}
	return v
}

// outputs are the files a command from another machine writes: kept in memory and sent back when closed.
type outputs struct {
	mu   sync.Mutex
	send func(name string, b []byte) error
}

func (o *outputs) create(name string) io.WriteCloser { return &outputFile{o: o, name: name} }

type outputFile struct {
	o    *outputs
	name string
	buf  bytes.Buffer
}

func (f *outputFile) Write(p []byte) (int, error) { return f.buf.Write(p) }

func (f *outputFile) Close() error {
	f.o.mu.Lock()
	defer f.o.mu.Unlock()
	return f.o.send(f.name, f.buf.Bytes())
}

// asksDraft tells whether a command line asks for drafts: --draft in any form the flag package takes
// (--draft, -draft=1, --draft=TRUE ...); anything but a false value counts as asking.
func asksDraft(args []string) bool {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		f, v, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if f != "draft" {
			continue
		}
		if b, err := strconv.ParseBool(v); !hasValue || err != nil || b {
			return true
		}
	}
	return false
}

// remoteRole is the least role a token needs to run a command from another machine: findings for anyone
// (drafts for analysts), the batches and templates (which show drafts) for analysts, and whatever writes
// (ingest, publish, restore, tokens, demo) for admins.
func remoteRole(name string, args []string) string {
	switch name {
	case "gaps", "report":
		if asksDraft(args) {
			return "analyst"
		}
		return "viewer"
	case "batches":
		if slices.Contains(args, "restore") {
			return "admin"
		}
		return "analyst"
	case "template":
		return "analyst"
	case "export":
		// the rows themselves (the public's extracts, under disclosure control, are the extracts API's)
		return "analyst"
	case "assessment":
		if flagValue(args, "file") == "" {
			return "analyst" // shows the current, unpublished text
		}
	}
	return "admin"
}

// remoteHandler runs the commands of callers on other machines (POST /api/v1/cli, token already checked
// by the server: name and role) on st; commands that name no --config use the server's (cfg).
func remoteHandler(st *queries.Store, cfg []byte) func(w http.ResponseWriter, r *http.Request, name, role string) {
	return func(w http.ResponseWriter, r *http.Request, name, role string) {
		var req cliRequest
		// a command line and a configuration file at most: files to load come through the ingest API
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<20)).Decode(&req); err != nil {
			remoteRefuse(w, http.StatusBadRequest, "bad_request", "Ugyldig kommando. (Invalid command request.)")
			return
		}
		c, ok := commandNamed(req.Command)
		if !ok || !c.db {
			remoteRefuse(w, http.StatusBadRequest, "bad_request", fmt.Sprintf("Ingen databasekommando %q. (Not a database command.)", req.Command))
			return
		}
		if c.name == "ingest" { // files come through the ingest API, with its upload limit
			remoteRefuse(w, http.StatusBadRequest, "bad_request", "Filer indlæses gennem POST /api/v1/ingest/{dataset}. (Files are loaded through the ingest API.)")
			return
		}
		if need := remoteRole(c.name, req.Args); slices.Index(queries.Roles, role) < slices.Index(queries.Roles, need) {
			remoteRefuse(w, http.StatusForbidden, "forbidden", fmt.Sprintf("%s kræver et %s-token. (%s needs a token of role %s.)", c.name, need, c.name, need))
			return
		}
		if req.Files == nil {
			req.Files = map[string][]byte{}
		}
		runStreamed(w, r, c, req, &env{store: st, files: req.Files, outputs: &outputs{}, caller: name, serverConfig: cfg})
	}
}

func remoteRefuse(w http.ResponseWriter, code int, slug, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": slug, "message": msg}})
}

// remoteTarget is the server of `--server URL --token T` for `ingest`, which sends its files to the
// server's ingest API (POST /api/v1/ingest/{dataset}) one by one, validating all of them first as it does
// on the file.
type remoteTarget struct{ url, token string }

// ingest validates (dryRun) or loads one file on the server and returns what the server did, as ingest.File
// would: the result, and the report of an invalid file as an *ingest.InvalidError.
func (t *remoteTarget) ingest(e *env, d *data.Dataset, file string, content []byte, dryRun bool, sheet string) (ingest.Result, error) {
	q := url.Values{"file": {filepath.Base(file)}}
	if dryRun {
		q.Set("dry_run", "true")
	}
	if sheet != "" {
		q.Set("sheet", sheet)
	}
	hr, err := http.NewRequestWithContext(e.ctx, http.MethodPost, strings.TrimRight(t.url, "/")+"/api/v1/ingest/"+d.Name+"?"+q.Encode(), bytes.NewReader(content))
	if err != nil {
		return ingest.Result{}, usagef("--server %q: %v", t.url, err)
	}
	hr.Header.Set("Authorization", "Bearer "+t.token)
	hr.Header.Set("Content-Type", "application/octet-stream")
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		return ingest.Result{}, fmt.Errorf("the server %s did not answer: %w", t.url, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return ingest.Result{}, err
	}
	var report ingest.Report
	var refusal struct {
		Error struct {
			Code, Message string
			Details       json.RawMessage
		}
	}
	switch res.StatusCode {
	case http.StatusOK:
		err = json.Unmarshal(b, &report)
	case http.StatusUnprocessableEntity:
		if err = json.Unmarshal(b, &refusal); err == nil {
			err = json.Unmarshal(refusal.Error.Details, &report)
		}
	case http.StatusRequestEntityTooLarge:
		json.Unmarshal(b, &refusal)
		return ingest.Result{File: file, Dataset: d.Name}, &ingest.InvalidError{File: file, Problems: []ingest.Problem{{DA: refusal.Error.Message, EN: refusal.Error.Message}}}
	default:
		json.Unmarshal(b, &refusal)
		return ingest.Result{}, fmt.Errorf("the server %s refused the file (%d): %s", t.url, res.StatusCode, refusal.Error.Message)
	}
	if err != nil {
		return ingest.Result{}, fmt.Errorf("the server %s answered: %w", t.url, err)
	}
	report.File = file // as the caller named it (the server keeps the base name)
	return report.Result()
}
