package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/ingest"
	"github.com/kapacitet/kapacitet/queries"
)

// version is set at build time (-ldflags "-X main.version=...").
var version = "dev"

// env is what a command gets: its arguments, environment and streams.
type env struct {
	ctx            context.Context
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	// inside a server (a command sent through its socket): the server's store, which commands use instead
	// of opening the file, and the caller's working directory, against which relative paths are read
	store *queries.Store
	cwd   string
	// from another machine (--server): the files the caller sent, by the names it gave (read instead of the
	// file system), the files the command writes (sent back), and the caller's token name
	files   map[string][]byte
	outputs *outputs
	caller  string
	// `ingest --server`: the server whose ingest API loads the files
	remote *remoteTarget
	// inside a server: its configuration file, for the commands that name none
	serverConfig []byte
}

// who names the caller in batches, editions and tokens: "cli", or the token of a remote caller.
func (e *env) who() string {
	if e.caller != "" {
		return e.caller
	}
	return "cli"
}

// withActor is ctx naming the caller in the audit log's entries of what the command writes: a remote
// caller's token, as the server's authentication put it in the request's context with the client's address,
// or else the user the CLI runs as on this machine, "cli:USER" (through the server's socket that is the
// server's user: the socket admits only it).
func (e *env) withActor(ctx context.Context) context.Context {
	if a, ok := queries.ActorOf(ctx); ok && a.Who != "" {
		return ctx
	}
	if e.caller != "" {
		return queries.WithActor(ctx, queries.Actor{Who: e.caller})
	}
	return queries.WithActor(ctx, queries.Actor{Who: "cli:" + osUser()})
}

// osUser is the name of the user the process runs as ("unknown" when neither the system nor $USER says).
func osUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// readFile reads a file the user named, after checking its size against max: from the caller's files when
// the command came from another machine, else from the file system (relative to the caller's directory).
func (e *env) readFile(name string, max int64) ([]byte, error) {
	if e.files != nil {
		b, ok := e.files[name]
		if !ok {
			return nil, fmt.Errorf("%s: the file was not sent with the command: %w", name, os.ErrNotExist)
		}
		if int64(len(b)) > max {
			return nil, errTooLarge
		}
		return b, nil
	}
	p := e.path(name)
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if fi.Size() > max {
		return nil, errTooLarge
	}
	return os.ReadFile(p)
}

var errTooLarge = errors.New("too large")

// createFile creates a file the command writes (-o): on the file system, or, for a caller on another
// machine, in memory and sent back to it when closed.
func (e *env) createFile(name string) (io.WriteCloser, error) {
	if e.outputs != nil {
		return e.outputs.create(name), nil
	}
	return os.Create(e.path(name))
}

// writeOutput writes a command's file (-o): to stdout for "-", else as createFile.
func (e *env) writeOutput(name string, b []byte) error {
	if name == "-" {
		_, err := e.stdout.Write(b)
		return err
	}
	w, err := e.createFile(name)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// path resolves a file name the user gave: relative to the caller's working directory.
func (e *env) path(p string) string {
	if e.cwd == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(e.cwd, p)
}

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(e *env, args []string) error
	db                  bool // touches the database: runs inside the server that owns it, when one does
}

var commands []command

func register(c command) { commands = append(commands, c) }

// usageError is a wrong command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{fmt.Sprintf(format, a...)} }

// exitCode maps an error to the exit codes of PRODUCT.md: 0 ok, 1 failure, 2 usage, 3 invalid input.
func exitCode(err error) int {
	var ue usageError
	var ie *ingest.InvalidError
	var re remoteError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &re):
		return re.code
	case errors.As(err, &ue):
		return 2
	case errors.As(err, &ie):
		return 3
	default:
		return 1
	}
}

// run is the whole program: main only calls it, so tests run the CLI in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{ctx: ctx, getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printHelp(stdout)
		return usagef("no command given")
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help":
		if len(args) > 1 {
			return run(ctx, []string{args[1], "--help"}, getenv, stdin, stdout, stderr)
		}
		printHelp(stdout)
		return nil
	case "version", "--version":
		fmt.Fprintln(stdout, "kapacitet", version)
		return nil
	}
	for _, c := range commands {
		if c.name == name {
			if c.db && e.store == nil {
				if url, token, rest := remoteFlags(args[1:], e.getenv); url != "" {
					if token == "" {
						return usagef("--server needs --token (or KAPACITET_TOKEN)")
					}
					if c.name == "ingest" { // through the server's ingest API
						e.remote = &remoteTarget{url, token}
						return c.run(e, rest)
					}
					return forwardHTTP(e, c, rest, url, token) // a server on another machine
				}
				// while a server owns the database, the command runs inside it
				if sent, err := forward(e, c, args[1:]); sent {
					return err
				}
			}
			e.ctx = e.withActor(e.ctx)
			return c.run(e, args[1:])
		}
	}
	return usagef("unknown command %q; `kapacitet help` lists the commands", name)
}

func printHelp(w io.Writer) {
	sort.Slice(commands, func(i, j int) bool { return commands[i].name < commands[j].name })
	fmt.Fprintln(w, "kapacitet: supply and demand of specialised social places in North Jutland")
	fmt.Fprintln(w, "\nUsage: kapacitet COMMAND [flags] [arguments]   (flags may come before or after arguments)")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-10s %s\n  %-10s %s\n", "help", "this list; `kapacitet help COMMAND` or COMMAND --help for one", "version", "print the version")
	fmt.Fprintln(w, "\nCommon flags: --db FILE (default kapacitet.duckdb, or KAPACITET_DB), --config FILE (thresholds and limits, TOML; see kapacitet config).")
	fmt.Fprintln(w, "Exit codes: 0 ok, 1 failure, 2 usage, 3 invalid input.")
}

// flags is a command's flag set with the common flags.
type flags struct {
	*flag.FlagSet
	db, config string
	cmd        command
	e          *env
}

func newFlags(e *env, name string) *flags {
	var c command
	for _, x := range commands {
		if x.name == name {
			c = x
		}
	}
	f := &flags{FlagSet: flag.NewFlagSet(c.name, flag.ContinueOnError), cmd: c, e: e}
	f.SetOutput(e.stderr)
	def := e.getenv("KAPACITET_DB")
	if def == "" {
		def = "kapacitet.duckdb"
	}
	f.StringVar(&f.db, "db", def, "database file (KAPACITET_DB)")
	f.StringVar(&f.config, "config", e.getenv("KAPACITET_CONFIG"), "configuration file, TOML: thresholds and limits (KAPACITET_CONFIG; see kapacitet config)")
	f.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: kapacitet %s [flags] %s\n%s\n\nFlags:\n", c.name, c.args, c.summary)
		f.PrintDefaults()
	}
	return f
}

// parse reads flags that may come before or after the positional arguments.
func (f *flags) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		rest := f.Args()
		if len(rest) == 0 {
			// every command checks the configuration file, so that a wrong key is found at once
			if _, err := f.analysisConfig(); err != nil {
				return nil, usageError{err.Error()}
			}
			if _, err := f.limits(); err != nil {
				return nil, usageError{err.Error()}
			}
			return pos, nil
		}
		if rest[0] == "--" {
			return append(pos, rest[1:]...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// noArgs is a usage error unless pos is empty.
func (f *flags) noArgs(pos []string) error {
	if len(pos) > 0 {
		return usagef("%s takes no arguments", f.cmd.name)
	}
	return nil
}

// open opens the database, or, inside the server that owns it, lends the server's store (its Close leaves
// it open).
func (f *flags) open(e *env) (*queries.Store, error) {
	if e.store != nil && e.files != nil {
		return e.store.Borrow(), nil // from another machine: the server's own database, whatever --db says
	}
	if e.store != nil {
		want, _ := filepath.Abs(e.path(f.db))
		have, _ := filepath.Abs(e.store.Path())
		if want != have {
			return nil, fmt.Errorf("this server serves %s, not %s", have, want)
		}
		return e.store.Borrow(), nil
	}
	threads := 0
	if t := e.getenv("KAPACITET_THREADS"); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil || n < 1 {
			return nil, usagef("KAPACITET_THREADS must be a whole number ≥ 1, not %q", t)
		}
		threads = n
	}
	return queries.Open(e.ctx, f.db, queries.Options{
		MemoryLimit: e.getenv("KAPACITET_MEMORY_LIMIT"),
		Threads:     threads,
		TempDir:     e.getenv("KAPACITET_TEMP_DIR"),
	})
}

// configFile reads --config (nil without one: the defaults).
func (f *flags) configFile() ([]byte, error) {
	if f.config == "" {
		return f.e.serverConfig, nil // inside a server: its own configuration, unless the command names one
	}
	b, err := f.e.readFile(f.config, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return b, nil
}

// openWithConfig reads the analysis configuration, then opens the database (see open).
func (f *flags) openWithConfig(e *env) (analysis.Config, *queries.Store, error) {
	cfg, err := f.analysisConfig()
	if err != nil {
		return cfg, nil, err
	}
	st, err := f.open(e)
	return cfg, st, err
}

// analysisConfig is the analysis part of the configuration in force (the defaults, with --config over them).
func (f *flags) analysisConfig() (analysis.Config, error) {
	b, err := f.configFile()
	if err != nil {
		return analysis.Config{}, err
	}
	return analysis.ParseConfig(b)
}

func (f *flags) limits() (data.Limits, error) {
	b, err := f.configFile()
	if err != nil {
		return data.Limits{}, err
	}
	return data.ParseLimits(b)
}

// logger writes the server's log to w: key=value lines, or JSON lines (format "json").
func logger(w io.Writer, format string) (*slog.Logger, error) {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	switch format {
	case "text", "":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format is text or json, not %q", format)
}
