package main

import (
	"fmt"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/data/scale"
)

func init() {
	register(command{name: "gen", args: "--scale national -o DIR", run: runGen,
		summary: "write a deterministic national data set (98 municipalities, every dataset as CSV) for benchmarks"})
}

func runGen(e *env, args []string) error {
	f := newFlags(e, "gen")
	def := scale.DefaultOptions()
	kind := f.String("scale", "national", "the data set: national")
	rows := f.Int("rows", def.Purchases, "purchase rows at most")
	seed := f.Uint64("seed", def.Seed, "seed: the same seed writes the same files")
	years := f.Int("years", def.Years, fmt.Sprintf("years, ending with %d", def.LastYear))
	out := f.String("o", "", "folder to write to (required)")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if err := f.noArgs(pos); err != nil {
		return err
	}
	if *kind != "national" {
		return usagef("--scale must be national")
	}
	if *out == "" {
		return usagef("gen needs -o DIR")
	}
	if *rows < 1 {
		return usagef("--rows must be at least 1")
	}
	if most := def.LastYear - 2000 + 1; *years < 1 || *years > most {
		return usagef("--years must be 1-%d (the years end with %d and start in 2000 at the earliest)", most, def.LastYear)
	}
	o := def
	o.Seed, o.Purchases, o.Years = *seed, *rows, *years
	counts, err := scale.National(*out, o)
	if err != nil {
		return err
	}
	for _, d := range data.Datasets {
		fmt.Fprintf(e.stdout, "%-11s %8d rows  %s/%s.csv\n", d.Name, counts[d.Name], *out, d.Name)
	}
	return nil
}
