package queries

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/duckdb/duckdb-go/v2"

	"github.com/kapacitet/kapacitet/data"
)

// View chooses which rows a read sees: viewers see published rows, analysts may see drafts.
type View struct {
	Draft bool
}

// querier is what reads need: the database or one transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Reader answers the typed reads. The Store's own Reader reads outside any transaction; Store.Read gives
// one that reads a single consistent snapshot.
type Reader struct {
	q      querier
	frozen *sync.Map
	// raw runs fn on the driver's connection the reads use (that of the transaction, or one of the pool's):
	// the Arrow reads of the large series (batches)
	raw func(ctx context.Context, fn func(driver.Conn) error) error
}

// Read runs fn with a Reader over one transaction, so that every read of fn sees the same version of the
// data even while a batch is loaded or a year published. fn must not write.
func (s *Store) Read(ctx context.Context, fn func(*Reader) error) error {
	conn, tx, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("store: begin read: %w", err)
	}
	defer conn.Close()
	defer tx.Rollback()
	return fn(&Reader{q: counted{tx, &s.counts.queries}, frozen: s.frozen, raw: rawOf(conn)})
}

// begin starts a transaction on a connection of its own, so that the transaction's Reader can also reach
// the driver's connection (rawOf) for its Arrow reads, which see the transaction's snapshot. Roll the
// transaction back or commit it, then close the connection.
func (s *Store) begin(ctx context.Context) (*sql.Conn, *sql.Tx, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	return conn, tx, nil
}

// rawOf gives the driver's connection of conn (between the statements of its transaction).
func rawOf(conn *sql.Conn) func(context.Context, func(driver.Conn) error) error {
	return func(_ context.Context, fn func(driver.Conn) error) error {
		return conn.Raw(func(dc any) error { return fn(dc.(driver.Conn)) })
	}
}

// pooledRaw gives a connection of db's pool, for a Reader outside any transaction.
func pooledRaw(db *sql.DB) func(context.Context, func(driver.Conn) error) error {
	return func(ctx context.Context, fn func(driver.Conn) error) error {
		conn, err := db.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		return rawOf(conn)(ctx, fn)
	}
}

func (s *Reader) rows(ctx context.Context, name string, args []any, scan func(*sql.Rows) error) error {
	rs, err := s.q.QueryContext(ctx, query(name), args...)
	if err != nil {
		return fmt.Errorf("store: %s: %w", name, err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := scan(rs); err != nil {
			return fmt.Errorf("store: %s: %w", name, err)
		}
	}
	if err := rs.Err(); err != nil {
		return fmt.Errorf("store: %s: %w", name, err)
	}
	return nil
}

// collect reads the rows of the named query from its Arrow record batches (batches) into a slice, one
// element per row made by row from a rowValues that reads the columns by type (rowValues.int, .str, ...):
// the large series the analysis reads go through it. The batches are held until the last has come, so that
// the slice is made once at its length. Columns are read with no value boxed per cell as database/sql's rows
// do, and each distinct string is copied out of the batches once (codes repeat in every row). A column of a
// type its reader does not expect is an error naming the column; NULL reads as 0, "" or false. n is the
// number of columns the query must have.
func collect[T any](ctx context.Context, s *Reader, name string, args []any, n int, row func(r *rowValues) T) ([]T, error) {
	var held []arrow.RecordBatch
	defer func() {
		for _, b := range held {
			b.Release()
		}
	}()
	rows := 0
	err := s.batches(ctx, name, args, func(b arrow.RecordBatch) error {
		if int(b.NumCols()) != n {
			return fmt.Errorf("%d columns, want %d", b.NumCols(), n)
		}
		b.Retain()
		held = append(held, b)
		rows += int(b.NumRows())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", name, err)
	}
	out := make([]T, 0, rows)
	r := &rowValues{strs: map[string]string{}}
	for _, b := range held {
		r.cols = b.Columns()
		for r.row = 0; r.row < int(b.NumRows()); r.row++ {
			out = append(out, row(r))
			if r.err != nil {
				return nil, fmt.Errorf("store: %s: %w", name, r.err)
			}
		}
	}
	return out, nil
}

// rowValues is one row of a record batch (collect reads them).
type rowValues struct {
	cols []arrow.Array
	row  int
	strs map[string]string // the strings read so far, copied out of their batches
	err  error             // the first value of an unexpected type
}

func (r *rowValues) unexpected(i int, want string) {
	if r.err == nil {
		r.err = fmt.Errorf("column %d: %s, want %s", i, r.cols[i].DataType(), want)
	}
}

// int64 is column i as an integer.
func (r *rowValues) int64(i int) int64 {
	c := r.cols[i]
	if c.IsNull(r.row) {
		return 0
	}
	switch x := c.(type) {
	case *array.Int64:
		return x.Value(r.row)
	case *array.Int32:
		return int64(x.Value(r.row))
	case *array.Int16:
		return int64(x.Value(r.row))
	case *array.Int8:
		return int64(x.Value(r.row))
	}
	r.unexpected(i, "an integer")
	return 0
}

func (r *rowValues) int(i int) int { return int(r.int64(i)) }

// str is column i as a string (a copy, the batch's memory is reused).
func (r *rowValues) str(i int) string {
	c := r.cols[i]
	if c.IsNull(r.row) {
		return ""
	}
	var v string
	switch x := c.(type) {
	case *array.String:
		v = x.Value(r.row)
	case *array.LargeString:
		v = x.Value(r.row)
	case *array.StringView:
		v = x.Value(r.row)
	default:
		r.unexpected(i, "a string")
		return ""
	}
	if s, ok := r.strs[v]; ok {
		return s
	}
	s := strings.Clone(v)
	r.strs[s] = s
	return s
}

// bool is column i as a truth value.
func (r *rowValues) bool(i int) bool {
	c := r.cols[i]
	if c.IsNull(r.row) {
		return false
	}
	x, ok := c.(*array.Boolean)
	if !ok {
		r.unexpected(i, "a truth value")
		return false
	}
	return x.Value(r.row)
}

// YearData says what a year has: capacity rows (supply), demand rows, or both.
type YearData struct {
	Year           int
	Supply, Demand bool
}

// Years returns the years with capacity or demand rows, ascending.
func (s *Reader) Years(ctx context.Context, v View) ([]YearData, error) {
	var out []YearData
	err := s.rows(ctx, "years", []any{v.Draft}, func(r *sql.Rows) error {
		var y YearData
		err := r.Scan(&y.Year, &y.Supply, &y.Demand)
		out = append(out, y)
		return err
	})
	return out, err
}

// LatestYear is the year a reader sees by default: the latest with both supply and demand, else the latest
// with either; 0 when there is none.
func LatestYear(years []YearData) int {
	for i := len(years) - 1; i >= 0; i-- {
		if years[i].Supply && years[i].Demand {
			return years[i].Year
		}
	}
	if len(years) > 0 {
		return years[len(years)-1].Year
	}
	return 0
}

// PlacesByLocation is places in a location municipality of one category.
type PlacesByLocation struct {
	Location  int
	Category  string
	Ownership string
	Places    int64
}

// PlacesByLocation returns places by location municipality and category in year, for the region.
func (s *Reader) PlacesByLocation(ctx context.Context, v View, year int) ([]PlacesByLocation, error) {
	var out []PlacesByLocation
	err := s.rows(ctx, "places_by_location", []any{year, data.RegionCode, v.Draft}, func(r *sql.Rows) error {
		var p PlacesByLocation
		err := r.Scan(&p.Location, &p.Category, &p.Ownership, &p.Places)
		out = append(out, p)
		return err
	})
	return out, err
}

// Cell is one value of a supply or demand series.
type Cell struct {
	Year         int
	Municipality int // location (supply) or acting municipality (demand)
	TargetGroup  string
	PlaceType    string
	Value        int64
}

func (s *Reader) cells(ctx context.Context, name string, v View) ([]Cell, error) {
	return collect(ctx, s, name, []any{data.RegionCode, v.Draft}, 5, func(r *rowValues) Cell {
		return Cell{Year: r.int(0), Municipality: r.int(1), TargetGroup: r.str(2), PlaceType: r.str(3), Value: r.int64(4)}
	})
}

// Supply returns places by year, location municipality, target group and place type.
func (s *Reader) Supply(ctx context.Context, v View) ([]Cell, error) {
	return s.cells(ctx, "supply", v)
}

// Demand returns placed + waiting by year, acting municipality, target group and place type.
func (s *Reader) Demand(ctx context.Context, v View) ([]Cell, error) {
	return s.cells(ctx, "demand", v)
}

// SurveyCount is the survey answers of one municipality for a target group in a year.
type SurveyCount struct {
	Year         int
	Municipality int
	TargetGroup  string
	Low, Scored  int
}

// Survey returns survey answer counts by year, municipality and target group.
func (s *Reader) Survey(ctx context.Context, v View) ([]SurveyCount, error) {
	return collect(ctx, s, "survey", []any{data.RegionCode, v.Draft}, 5, func(r *rowValues) SurveyCount {
		return SurveyCount{Year: r.int(0), Municipality: r.int(1), TargetGroup: r.str(2), Low: r.int(3), Scored: r.int(4)}
	})
}

// CapacityLines returns every capacity line of the region's municipalities per year.
func (s *Reader) CapacityLines(ctx context.Context, v View) ([]data.CapacityLine, error) {
	return collect(ctx, s, "capacity_lines", []any{data.RegionCode, v.Draft}, 10, func(r *rowValues) data.CapacityLine {
		return data.CapacityLine{Year: r.int(0), Location: r.int(1), Category: r.str(2), TargetGroup: r.str(3),
			PlaceType: r.str(4), OfferID: r.str(5), OfferName: r.str(6), Ownership: r.str(7), Agreement: r.bool(8), Places: r.int64(9)}
	})
}

// PurchaseFlows returns the purchases by year, buyer, location of the offer, target group and place type.
func (s *Reader) PurchaseFlows(ctx context.Context, v View) ([]data.PurchaseFlow, error) {
	return collect(ctx, s, "purchase_flows", []any{v.Draft}, 6, func(r *rowValues) data.PurchaseFlow {
		return data.PurchaseFlow{Year: r.int(0), Buyer: r.int(1), Location: r.int(2), TargetGroup: r.str(3),
			PlaceType: r.str(4), PlacesH: r.int64(5)}
	})
}

// TariffLines returns the tariffs of the offers located in the region, per year.
func (s *Reader) TariffLines(ctx context.Context, v View) ([]data.TariffLine, error) {
	return collect(ctx, s, "tariff_lines", []any{data.RegionCode, v.Draft}, 7, func(r *rowValues) data.TariffLine {
		l := data.TariffLine{Year: r.int(0), OfferID: r.str(1), OfferName: r.str(2), Location: r.int(3), TariffType: r.str(5), AmountH: r.int64(6)}
		if groups := r.str(4); groups != "" {
			l.TargetGroups = strings.Split(groups, ";")
		}
		return l
	})
}

// OfferOccupancy is an offer's places and occupancy in a year.
type OfferOccupancy struct {
	Year                       int
	OfferID, Name              string
	Location                   int
	TargetGroup                string
	Places                     int64
	OccupiedH, BudgetedH       int64 // hundredths
	HasOccupied                bool
	Enhanced, Secure, National bool
}

// OfferOccupancy returns every offer's places and occupancy per year.
func (s *Reader) OfferOccupancy(ctx context.Context, v View) ([]OfferOccupancy, error) {
	return collect(ctx, s, "offer_occupancy", []any{v.Draft}, 12, func(r *rowValues) OfferOccupancy {
		return OfferOccupancy{Year: r.int(0), OfferID: r.str(1), Name: r.str(2), Location: r.int(3), TargetGroup: r.str(4),
			Places: r.int64(5), OccupiedH: r.int64(6), HasOccupied: r.bool(7), BudgetedH: r.int64(8), Enhanced: r.bool(9),
			Secure: r.bool(10), National: r.bool(11)}
	})
}

// OfferRef is what a capacity line needs to know of the offer it names.
type OfferRef struct {
	Location  int
	Ownership string
}

// OffersFor returns the current offers of years, by year and offer id.
func (s *Reader) OffersFor(ctx context.Context, years []int) (map[int]map[string]OfferRef, error) {
	list := "["
	for i, y := range years {
		if i > 0 {
			list += ","
		}
		list += fmt.Sprint(y)
	}
	list += "]"
	out := map[int]map[string]OfferRef{}
	err := s.rows(ctx, "offer_lookup", []any{list}, func(r *sql.Rows) error {
		var y int
		var id string
		var o OfferRef
		if err := r.Scan(&y, &id, &o.Location, &o.Ownership); err != nil {
			return err
		}
		if out[y] == nil {
			out[y] = map[string]OfferRef{}
		}
		out[y][id] = o
		return nil
	})
	return out, err
}

// ShowsDemo reports whether the rows a reader sees include the illustrative demo data.
func (s *Reader) ShowsDemo(ctx context.Context, v View) (bool, error) {
	var demo bool
	err := s.q.QueryRowContext(ctx, demoVisibleSQL(), v.Draft).Scan(&demo)
	if err != nil {
		return false, fmt.Errorf("store: demo_visible: %w", err)
	}
	return demo, nil
}

// Batch is a loaded file.
type Batch struct {
	ID                        int64
	Dataset, FileName, SHA256 string
	Rows                      int
	KeyValues, LoadedBy       string
	LoadedAt                  time.Time
	Status                    string
	Published, Demo           bool
}

// Batches lists every batch, oldest first.
func (s *Reader) Batches(ctx context.Context) ([]Batch, error) {
	var out []Batch
	err := s.rows(ctx, "list_batches", nil, func(r *sql.Rows) error {
		var b Batch
		err := r.Scan(&b.ID, &b.Dataset, &b.FileName, &b.SHA256, &b.Rows, &b.KeyValues, &b.LoadedBy, &b.LoadedAt,
			&b.Status, &b.Published, &b.Demo)
		out = append(out, b)
		return err
	})
	return out, err
}

// DatasetRows returns the rows of dataset d the view sees, in load order (batch, line), with the canonical
// Go types of data.Row (int64, data.Hundredths, string, bool, nil).
func (s *Reader) DatasetRows(ctx context.Context, d *data.Dataset, v View) ([]data.Row, error) {
	q := fmt.Sprintf(`SELECT %s FROM %s_rows WHERE CASE WHEN $1 THEN draft_visible ELSE published_visible END ORDER BY batch_id, line`,
		rowColumns(d), d.Name)
	rs, err := s.q.QueryContext(ctx, q, v.Draft)
	if err != nil {
		return nil, fmt.Errorf("store: rows of %s: %w", d.Name, err)
	}
	rows, _, err := scanDatasetRows(rs, d)
	return rows, err
}

// rowColumns selects a row for scanDatasetRows: the line, then every column of d (AllColumns).
func rowColumns(d *data.Dataset) string {
	names := []string{"line"}
	for _, c := range d.AllColumns() {
		names = append(names, c.Name)
	}
	return strings.Join(names, ", ")
}

// scanDatasetRows reads rows selected as rowColumns(d) into data.Row
// values and their lines, and closes rs.
func scanDatasetRows(rs *sql.Rows, d *data.Dataset) ([]data.Row, []int, error) {
	defer rs.Close()
	cols := d.AllColumns()
	vals := make([]any, len(cols)+1)
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var rows []data.Row
	var lines []int
	for rs.Next() {
		if err := rs.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		r := data.Row{}
		for i, c := range cols {
			r[c.Name] = canonical(c.Kind, vals[i+1])
		}
		rows = append(rows, r)
		lines = append(lines, int(canonical(data.KindInt, vals[0]).(int64)))
	}
	return rows, lines, rs.Err()
}

// canonical converts a value scanned from DuckDB to data.Row's types.
func canonical(k data.Kind, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case duckdb.Decimal:
		return data.Hundredths(new(big.Int).Set(x.Value).Int64() * pow10(2-int(x.Scale)))
	case string:
		if k == data.KindTargetGroupList {
			return strings.Split(x, ";")
		}
		return x
	default:
		return v
	}
}

func pow10(n int) int64 {
	p := int64(1)
	for ; n > 0; n-- {
		p *= 10
	}
	return p
}
