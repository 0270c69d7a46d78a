package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

func init() {
	register(command{name: "config", summary: "print the configuration in force (the defaults, with --config FILE over them, and the environment's settings, secrets masked), TOML", run: runConfig})
}

// environment is the configuration the environment gives (KAPACITET_ variables and the common flags), as
// `kapacitet config` prints it: what the commands and serve would run with. The token is never printed.
type environment struct {
	DB             string `toml:"db"`
	ConfigFile     string `toml:"config_file"`
	MemoryLimit    string `toml:"memory_limit"`
	Threads        string `toml:"threads"`
	TempDir        string `toml:"temp_dir"`
	Addr           string `toml:"addr"`
	TrustedProxies string `toml:"trusted_proxies"`
	Server         string `toml:"server"`
	Token          string `toml:"token"`
}

func runConfig(e *env, args []string) error {
	f := newFlags(e, "config")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.noArgs(pos); err != nil {
		return err
	}
	cfg, err := f.analysisConfig()
	if err != nil {
		return err
	}
	lim, err := f.limits()
	if err != nil {
		return err
	}
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return v
	}
	env := environment{DB: f.db, ConfigFile: or(f.config, "(none: the defaults)"),
		MemoryLimit: or(e.getenv("KAPACITET_MEMORY_LIMIT"), queries.DefaultMemoryLimit),
		Threads:     or(e.getenv("KAPACITET_THREADS"), strconv.Itoa(queries.DefaultThreads)),
		TempDir:     or(e.getenv("KAPACITET_TEMP_DIR"), f.db+".tmp"), Addr: or(e.getenv("KAPACITET_ADDR"), ":8080"),
		TrustedProxies: or(e.getenv("KAPACITET_TRUSTED_PROXIES"), "(none)"), Server: or(e.getenv("KAPACITET_SERVER"), "(none)"),
		Token: masked(e.getenv("KAPACITET_TOKEN"))}
	if err := toml.NewEncoder(e.stdout).Encode(struct {
		Analysis analysis.Config `toml:"analysis"`
		Ingest   data.Limits     `toml:"ingest"`
	}{cfg, lim}); err != nil {
		return err
	}
	// the environment's part as comments: the output stays a configuration file --config reads
	var b strings.Builder
	enc := toml.NewEncoder(&b)
	enc.Indent = ""
	if err := enc.Encode(struct {
		Environment environment `toml:"environment"`
	}{env}); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "\n# the environment (KAPACITET_ variables and flags), not read from a configuration file:")
	for _, line := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		fmt.Fprintln(e.stdout, "#", line)
	}
	return nil
}

// masked says whether a secret is set, never what it is.
func masked(secret string) string {
	if secret == "" {
		return "(not set)"
	}
	return "(set, not shown)"
}
