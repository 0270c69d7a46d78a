package queries

import (
	"context"
	"fmt"
	"strings"

	"github.com/kapacitet/kapacitet/data"
)

// DatasetYear counts a dataset's rows of a year that the reader may see.
type DatasetYear struct {
	Dataset string
	Year    int
	Rows    int64
}

// DatasetYears counts every dataset's rows by year, as v sees them (the /data page), by dataset and year.
func (s *Reader) DatasetYears(ctx context.Context, v View) ([]DatasetYear, error) {
	var parts []string
	for _, d := range data.Datasets {
		parts = append(parts, fmt.Sprintf(query("dataset_years_part"), d.Name))
	}
	q := strings.Join(parts, "\nUNION ALL\n") + "\nORDER BY dataset, year"
	rs, err := s.q.QueryContext(ctx, q, v.Draft)
	if err != nil {
		return nil, fmt.Errorf("store: dataset years: %w", err)
	}
	defer rs.Close()
	var out []DatasetYear
	for rs.Next() {
		var y DatasetYear
		if err := rs.Scan(&y.Dataset, &y.Year, &y.Rows); err != nil {
			return nil, fmt.Errorf("store: dataset years: %w", err)
		}
		out = append(out, y)
	}
	return out, rs.Err()
}
