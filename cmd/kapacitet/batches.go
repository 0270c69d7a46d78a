package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/kapacitet/kapacitet/dashboards"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

func init() {
	register(command{name: "batches", db: true, args: "list | restore N | status --year N", run: runBatches,
		summary: "list the loaded batches, restore a superseded batch (its rows again, as a new draft batch), or show who has delivered each dataset for a year (status)"})
}

func runBatches(e *env, args []string) error {
	f := newFlags(e, "batches")
	year := f.Int("year", 0, "status: the year of the delivery round (required)")
	format := f.String("format", "text", "status: text or json")
	lang := f.String("lang", "da", "status: language of the sentences: da or en")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		pos = []string{"list"}
	}
	if pos[0] != "status" {
		var set []string
		f.Visit(func(fl *flag.Flag) {
			if fl.Name == "year" || fl.Name == "format" || fl.Name == "lang" {
				set = append(set, "--"+fl.Name)
			}
		})
		if len(set) > 0 {
			return usagef("%s is for `batches status`", strings.Join(set, ", "))
		}
	}
	switch {
	case pos[0] == "status" && len(pos) == 1:
		return batchesStatus(e, f, *year, *format, *lang)
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
		res, err := st.RestoreBatch(e.ctx, id, queries.RestoredBy(e.who(), id))
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
		return usagef("batches takes `list`, `restore N` or `status --year N`")
	}
}

// batchesStatus prints the delivery status of year: per dataset the sentence of dashboards.DeliverySummary
// and, for a dataset each municipality delivers, a table of the municipalities; or, with --format json, what
// `/api/v1/delivery` answers.
func batchesStatus(e *env, f *flags, year int, format, lang string) error {
	if year == 0 {
		return usagef("batches status needs --year N")
	}
	if !data.PlausibleYear(year) {
		return usagef("invalid --year %d", year)
	}
	if format != "text" && format != "json" {
		return usagef("--format must be text or json")
	}
	if lang != "da" && lang != "en" {
		return usagef("--lang must be da or en")
	}
	st, err := f.open(e)
	if err != nil {
		return err
	}
	defer st.Close()
	var status dashboards.DeliveryStatus
	err = st.Read(e.ctx, func(rd *queries.Reader) error {
		status, err = dashboards.Delivery(e.ctx, rd, year, lang)
		return err
	})
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(status)
	}
	header, yes, no := "KOMMUNE\tINDBERETTET\tBATCH\tINDLÆST", "ja", "nej"
	if lang == "en" {
		header, yes, no = "MUNICIPALITY\tDELIVERED\tBATCH\tLOADED", "yes", "no"
	}
	for i, line := range status.Summary {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		if line.RegionWide {
			fmt.Fprintln(e.stdout, line.Sentence) // "Tilbud: indberettet for 2024 (...)."
			continue
		}
		fmt.Fprintf(e.stdout, "%s\n%s\n", line.Name, line.Sentence)
		w := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(w, "  "+header)
		for _, it := range status.Items {
			if it.Dataset != line.Dataset {
				continue
			}
			if !it.Delivered {
				fmt.Fprintf(w, "  %d %s\t%s\t–\t–\n", it.Municipality, it.Name, no)
				continue
			}
			fmt.Fprintf(w, "  %d %s\t%s\t%d\t%s\n", it.Municipality, it.Name, yes, *it.Batch, it.LoadedAt.Local().Format("2006-01-02 15:04"))
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return nil
}
