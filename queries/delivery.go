package queries

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/kapacitet/kapacitet/data"
)

// Delivery says whether one municipality (or, for a region-wide dataset, the region) has delivered a
// dataset for a year: `/api/v1/delivery` and `kapacitet batches status` list them.
type Delivery struct {
	Dataset      string     `json:"dataset"`
	Municipality int        `json:"municipality"` // a municipality code, or data.RegionCode for a region-wide dataset
	Name         string     `json:"name"`         // the municipality's (or the region's) Danish name
	Delivered    bool       `json:"delivered"`
	Batch        *int64     `json:"batch"`     // the latest batch holding its current rows; nil when not delivered
	LoadedAt     *time.Time `json:"loaded_at"` // when that batch was loaded; nil when not delivered
}

// deliveryColumn is the column that says which municipality delivered a row, per dataset: the acting
// municipality for demand, survey and population, the location for capacity (each municipality reports
// the places located in it), the buyer for purchases. Datasets not named here (offers, tariffs) have no such
// column: the region delivers them for all, so they are delivered region-wide.
var deliveryColumn = map[string]string{
	"population": "municipality",
	"capacity":   "location",
	"demand":     "municipality",
	"survey":     "municipality",
	"purchases":  "buyer",
}

// deliverySQL is delivery.sql with a part for every dataset. Only names from data's definitions are
// formatted in; the year and the region code are placeholders ($1, $2).
func deliverySQL() (string, error) {
	var parts []string
	for _, d := range data.Datasets {
		area := "$2" // region-wide: one delivery, the region's
		if col, ok := deliveryColumn[d.Name]; ok {
			if _, ok := d.Column(col); !ok {
				return "", fmt.Errorf("store: delivery: %s has no column %s", d.Name, col)
			}
			area = col
		}
		parts = append(parts, fmt.Sprintf(query("delivery_part"), d.Name, area))
	}
	return fmt.Sprintf(query("delivery"), strings.Join(parts, "UNION ALL\n")), nil
}

// Delivery returns the delivery status of year: one item per dataset (in data.Datasets order) and
// municipality of the region (in code order), or a single region item (data.RegionCode) for a dataset
// without a municipality column.
//
// A municipality has delivered a dataset for a year when current rows (replaced_by IS NULL: what a draft
// sees, published or not) of that dataset and year name it in the dataset's municipality column
// (deliveryColumn); a region-wide dataset is delivered when it has any current row of the year. Batch is the
// latest batch holding such rows: when a later batch replaced all of an earlier one's rows, only the later
// counts. Rows without a municipality (a capacity line with an offer id and no location) and rows of
// municipalities outside the region count for no one.
func (s *Reader) Delivery(ctx context.Context, year int) ([]Delivery, error) {
	q, err := deliverySQL()
	if err != nil {
		return nil, err
	}
	type key struct {
		dataset string
		area    int
	}
	type found struct {
		batch    int64
		loadedAt time.Time
	}
	got := map[key]found{}
	rs, err := s.q.QueryContext(ctx, q, year, data.RegionCode)
	if err != nil {
		return nil, fmt.Errorf("store: delivery: %w", err)
	}
	defer rs.Close()
	for rs.Next() {
		var (
			dataset string
			area    sql.NullInt64
			f       found
		)
		if err := rs.Scan(&dataset, &area, &f.batch, &f.loadedAt); err != nil {
			return nil, fmt.Errorf("store: delivery: %w", err)
		}
		if area.Valid {
			got[key{dataset, int(area.Int64)}] = f
		}
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("store: delivery: %w", err)
	}

	munis := data.RegionMunicipalities(data.RegionCode)
	sort.Slice(munis, func(i, j int) bool { return munis[i].Code < munis[j].Code })
	var out []Delivery
	for _, d := range data.Datasets {
		areas := []int{data.RegionCode}
		if _, ok := deliveryColumn[d.Name]; ok {
			areas = areas[:0]
			for _, m := range munis {
				areas = append(areas, m.Code)
			}
		}
		for _, a := range areas {
			item := Delivery{Dataset: d.Name, Municipality: a, Name: data.AreaName(a)}
			if f, ok := got[key{d.Name, a}]; ok {
				item.Delivered, item.Batch, item.LoadedAt = true, &f.batch, &f.loadedAt
			}
			out = append(out, item)
		}
	}
	return out, nil
}
