package main

import (
	"github.com/BurntSushi/toml"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
)

func init() {
	register(command{name: "config", summary: "print the configuration in force (the defaults, with --config FILE over them), TOML", run: runConfig})
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
	return toml.NewEncoder(e.stdout).Encode(struct {
		Analysis analysis.Config `toml:"analysis"`
		Ingest   data.Limits     `toml:"ingest"`
	}{cfg, lim})
}
