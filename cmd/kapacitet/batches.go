package main

import (
	"errors"
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/kapacitet/kapacitet/queries"
)

func init() {
	register(command{name: "batches", db: true, args: "list | restore N", run: runBatches,
		summary: "list the loaded batches, or restore a superseded batch (its rows again, as a new draft batch)"})
}

func runBatches(e *env, args []string) error {
	f := newFlags(e, "batches")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		pos = []string{"list"}
	}
	switch {
	case pos[0] == "list" && len(pos) == 1:
		st, err := f.open(e)
		if err != nil {
			return err
		}
		defer st.Close()
		list, err := st.Batches(e.ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tDATASET\tFILE\tROWS\tSTATUS\tPUBLISHED\tBY\tLOADED")
		for _, b := range list {
			pub := "no"
			if b.Published {
				pub = "yes"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%d\t%s\t%s\t%s\t%s\n", b.ID, b.Dataset, b.FileName, b.Rows, b.Status, pub, b.LoadedBy,
				b.LoadedAt.Local().Format("2006-01-02 15:04"))
		}
		return w.Flush()
	case pos[0] == "restore" && len(pos) == 2:
		id, err := strconv.ParseInt(pos[1], 10, 64)
		if err != nil || id <= 0 {
			return usagef("restore needs a batch id, not %q", pos[1])
		}
		st, err := f.open(e)
		if err != nil {
			return err
		}
		defer st.Close()
		res, err := st.RestoreBatch(e.ctx, id, "cli (restore of batch "+pos[1]+")")
		if errors.Is(err, queries.ErrNotFound) {
			return usagef("there is no batch %d (`kapacitet batches list`)", id)
		}
		if err != nil {
			return err
		}
		if res.Duplicate {
			fmt.Fprintf(e.stdout, "batch %d is in force; nothing to restore\n", id)
			return nil
		}
		fmt.Fprintf(e.stdout, "batch %d restored as draft batch %d: %d rows (%d current rows replaced)\n", id, res.ID, res.Rows, res.Replaced)
		return nil
	default:
		return usagef("batches takes `list` or `restore N`")
	}
}
