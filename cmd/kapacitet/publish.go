package main

import (
	"fmt"
	"strconv"

	"github.com/kapacitet/kapacitet/data"
)

func init() {
	register(command{name: "publish", args: "YEAR", summary: "publish a year: viewers see its loaded batches (until editions exist)", run: runPublish})
}

func runPublish(e *env, args []string) error {
	f := newFlags(e, "publish")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("publish needs one YEAR")
	}
	year, err := strconv.Atoi(pos[0])
	if err != nil || !data.PlausibleYear(year) {
		return usagef("invalid year %q", pos[0])
	}
	st, err := f.open(e)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.Publish(e.ctx, year)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d: %d batch(es) published\n", year, n)
	return nil
}
