package ingest

import (
	"context"
	"fmt"
	"strings"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// check applies the row rules that look beyond one cell: references to offers (capacity), the dataset's
// rules, uniqueness within the file; then it fills the derived columns.
func check(ctx context.Context, st *queries.Store, d *data.Dataset, header []string, headerLine int, rows []data.Row, raws []map[string]string, lines []int, lim data.Limits) []Problem {
	idx, _, _ := mapHeader(d, header, headerLine)
	written := func(col string) string {
		for i, c := range d.Columns {
			if c.Name == col && idx[i] >= 0 {
				return header[idx[i]]
			}
		}
		return col
	}
	var problems []Problem
	// the value as the user wrote it; a value the file left out (filled from the offer) as stored
	add := func(n int, col, da, en string) {
		v := raws[n][col]
		if strings.TrimSpace(v) == "" {
			v = display(rows[n][col])
		}
		problems = append(problems, Problem{Line: lines[n], Column: written(col), Value: v, DA: da, EN: en})
	}
	if _, ok := d.Column("offer_id"); ok && d.Name == "capacity" {
		problems = append(problems, completeFromOffers(ctx, st, rows, add)...)
	}
	if d.Rules != nil {
		for n, r := range rows {
			for _, v := range d.Rules(r, lim) {
				add(n, v.Column, v.DA, v.EN)
			}
		}
	}
	if len(d.Unique) > 0 {
		seen := map[string]int{}
		for n, r := range rows {
			var parts []string
			for _, c := range d.Unique {
				parts = append(parts, display(r[c]))
			}
			k := strings.Join(parts, "\x00")
			if first, ok := seen[k]; ok {
				add(n, d.Unique[len(d.Unique)-1], fmt.Sprintf("rækken gentager linje %d (samme %s)", lines[first], strings.Join(d.Unique, ", ")),
					fmt.Sprintf("the row repeats line %d (same %s)", lines[first], strings.Join(d.Unique, ", ")))
				continue
			}
			seen[k] = n
		}
	}
	if len(problems) == 0 && d.Derive != nil {
		for _, r := range rows {
			d.Derive(r)
		}
	}
	return problems
}

// completeFromOffers checks capacity lines that name an offer against the offers loaded for that year, and
// fills their location and ownership when left out.
func completeFromOffers(ctx context.Context, st *queries.Store, rows []data.Row, add func(int, string, string, string)) []Problem {
	years := map[int]bool{}
	for _, r := range rows {
		if r["offer_id"] != nil {
			years[int(r["year"].(int64))] = true
		}
	}
	if len(years) == 0 {
		return nil
	}
	var list []int
	for y := range years {
		list = append(list, y)
	}
	offers, err := st.OffersFor(ctx, list)
	if err != nil {
		return []Problem{{DA: "kunne ikke læse tilbuddene: " + err.Error(), EN: "could not read the offers: " + err.Error()}}
	}
	for n, r := range rows {
		id, ok := r["offer_id"].(string)
		if !ok {
			continue
		}
		y := int(r["year"].(int64))
		o, found := offers[y][id]
		if !found {
			add(n, "offer_id", fmt.Sprintf("tilbuddet findes ikke blandt tilbuddene for %d (indlæs tilbud først)", y),
				fmt.Sprintf("no such offer among the offers of %d (load offers first)", y))
			continue
		}
		if r["location"] == nil {
			r["location"] = int64(o.Location)
		} else if r["location"].(int64) != int64(o.Location) {
			add(n, "location", fmt.Sprintf("tilbuddet ligger i kommune %d", o.Location), fmt.Sprintf("the offer is located in municipality %d", o.Location))
		}
		if r["ownership"] == nil {
			r["ownership"] = o.Ownership
		} else if r["ownership"] != o.Ownership {
			add(n, "ownership", "tilbuddets driftsform er "+o.Ownership, "the offer's ownership is "+o.Ownership)
		}
	}
	return nil
}

func display(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []string:
		return strings.Join(x, ";")
	default:
		return fmt.Sprint(x)
	}
}
