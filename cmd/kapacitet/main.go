// Command kapacitet is the supply-and-demand capacity analytics service for the specialised social sector
// of North Jutland: ingest, analysis, dashboards and extracts over one DuckDB file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "kapacitet:", err)
	}
	os.Exit(exitCode(err))
}
