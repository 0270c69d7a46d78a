package dashboards

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/labstack/echo/v5"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// Extracts: GET /api/v1/extracts/{dataset}.{parquet|csv|xlsx|arrow} streams a dataset's rows, names beside codes,
// with the pages' filters, record batch by record batch from DuckDB to the client (memory does not grow with
// the extract). The public gets the editions: of survey the comments an admin has approved (null elsewhere), of demand and purchases what
// the findings show of them (disclosure control, extractpublic.go).

// extractFormats are the formats and their content types.
var extractFormats = map[string]string{
	"xlsx":    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"parquet": "application/vnd.apache.parquet",
	"arrow":   "application/vnd.apache.arrow.stream",
	"csv":     "text/csv; charset=utf-8",
}

// fromFindings are the datasets whose public extract is built from the published findings
// (extractpublic.go): their rows count persons.
var fromFindings = map[string]bool{"demand": true, "purchases": true}

// extractFilterOf is the pages' filters of r as the extracts read them: place type alle, the region and all
// areas are no filter (every row is of one place type and one municipality).
func extractFilterOf(r *request) queries.ExtractFilter {
	f := queries.ExtractFilter{Draft: r.View.Draft, Year: r.Year, TargetGroup: r.TargetGroup, Lang: r.Lang}
	if r.PlaceType != data.PlaceTypeAll.Code {
		f.PlaceType = r.PlaceType
	}
	if r.Municipality != analysis.AllAreas && r.Municipality != data.RegionCode {
		f.Municipality = r.Municipality
	}
	return f
}

// extractRequest is an extract asked for: the dataset, the format and the filters.
type extractRequest struct {
	dataset *data.Dataset
	format  string
	filter  queries.ExtractFilter
	excelDA bool // CSV for Danish Excel: ";", decimal comma, a byte order mark
	public  bool // for the public: disclosure control (extractpublic.go)
}

func (s *Server) parseExtract(c *echo.Context) (extractRequest, error) {
	var x extractRequest
	name, format, _ := strings.Cut(c.Param("file"), ".")
	d, ok := data.ExtractByName(name)
	if _, known := extractFormats[format]; !ok || !known {
		return x, echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("Ukendt udtræk %q: DATASÆT.parquet, .csv, .xlsx eller .arrow (datasæt: %s). (Unknown extract.)", c.Param("file"), data.ExtractNames()))
	}
	x.dataset, x.format = d, format
	r, err := parseRequest(c)
	if err != nil {
		return x, err
	}
	f := extractFilterOf(&r)
	f.Category = c.QueryParam("category")
	if _, ok := data.CodeByCode(data.Categories, f.Category); f.Category != "" && !ok {
		return x, badRequest{fmt.Sprintf("Ukendt kategori %q: kommunal, privat eller socialaftale. (Unknown category.)", f.Category)}
	}
	for _, p := range []struct {
		name string
		into *int64
	}{{"batch", &f.Batch}, {"edition", &f.Edition}} {
		if v := c.QueryParam(p.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return x, badRequest{fmt.Sprintf("Ugyldig %s %q. (Invalid %s.)", p.name, v, p.name)}
			}
			*p.into = n
		}
	}
	switch dialect := c.QueryParam("dialect"); dialect {
	case "":
	case "excel-da":
		x.excelDA = format == "csv"
	default:
		return x, badRequest{fmt.Sprintf("Ukendt dialect %q: excel-da. (Unknown dialect.)", dialect)}
	}
	if err := checkExtract(d, f); err != nil {
		return x, invalid(err)
	}
	// the public (not an analyst, not drafts): the survey's free text only where approved, demand and
	// purchases from the findings
	who := callerOf(c)
	x.public = !f.Draft && who.Role != "analyst" && who.Role != "admin"
	f.ApprovedComments = x.public && d.Name == "survey"
	x.filter = f
	return x, nil
}

// fileName says what an extract holds: kapacitet_capacity_2022_autisme-boern.parquet.
func (x extractRequest) fileName() string {
	parts := []string{"kapacitet", x.dataset.Name}
	f := x.filter
	if f.Year != 0 {
		parts = append(parts, strconv.Itoa(f.Year))
	}
	for _, p := range []string{f.TargetGroup, f.PlaceType, f.Category} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	if f.Municipality != 0 {
		parts = append(parts, strconv.Itoa(f.Municipality))
	}
	if f.Batch != 0 {
		parts = append(parts, fmt.Sprintf("batch%d", f.Batch))
	}
	if f.Edition != 0 {
		parts = append(parts, fmt.Sprintf("udgave%d", f.Edition))
	}
	if f.Draft {
		parts = append(parts, "kladde")
	}
	return strings.Join(parts, "_") + "." + x.format
}

// apiExtract answers GET /api/v1/extracts/{dataset}.{format}.
func (s *Server) apiExtract(c *echo.Context) error {
	x, err := s.parseExtract(c)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Type", extractFormats[x.format])
	h.Set("Content-Disposition", attachment(x.fileName()))
	h.Set("Cache-Control", "no-store")
	w := bufio.NewWriterSize(c.Response(), 64<<10)
	rows, err := s.writeExtract(c.Request().Context(), w, x, nil)
	if err == nil {
		err = w.Flush()
	}
	if r, _ := echo.UnwrapResponse(c.Response()); err != nil && (r == nil || !r.Committed) {
		// nothing sent yet: the error answers as an error, not as a file
		h.Del("Content-Disposition")
		h.Del("Content-Type")
	}
	who := callerOf(c)
	name := who.Name
	if !who.Signed {
		name = "public"
	}
	s.logExport(name, who.Role, x, c.Request().URL.RawQuery, rows, err)
	return err
}

// logExport records an export in the export log (and the server's log); a failure to record is logged.
func (s *Server) logExport(who, role string, x extractRequest, args string, rows int64, failed error) {
	if len(args) > 2000 { // a query string can be long; the log keeps its start
		args = args[:2000] + "…"
	}
	e := queries.ExportEntry{Who: who, Role: role, Dataset: x.dataset.Name, Format: x.format, Args: args, Rows: rows}
	if failed != nil {
		e.Error = failed.Error()
	}
	s.Logger.Debug("export", "who", who, "role", role, "dataset", e.Dataset, "format", e.Format, "filters", args, "rows", rows, "error", failed)
	if err := s.Store.LogExport(context.Background(), e); err != nil {
		s.Logger.Error("export log", "error", err)
	}
}

// builtInGo says whether the extract is built in Go rather than read from a table by DuckDB: the findings,
// and the public's demand and purchases (from the findings). DuckDB's COPY cannot write those.
func (x extractRequest) builtInGo() bool {
	return x.dataset == data.FindingsExtract || x.public && fromFindings[x.dataset.Name]
}

// writeExtract streams the extract to w in its format and counts the rows. Nothing is written before the
// query has started, so an error of the query still answers with the error shape.
func (s *Server) writeExtract(ctx context.Context, w io.Writer, x extractRequest, progress func(rows int64)) (rows int64, err error) {
	switch {
	case x.dataset == data.FindingsExtract:
		return s.findingsExtract(ctx, w, x)
	case x.public && x.dataset.Name == "demand":
		return s.publicDemand(ctx, w, x)
	case x.public && x.dataset.Name == "purchases":
		return s.publicPurchases(ctx, w, x)
	}
	if x.format == "parquet" {
		return s.copyParquet(ctx, w, x, "")
	}
	var out extractWriter
	err = s.Store.Extract(ctx, x.dataset, x.filter, func(schema *arrow.Schema) error {
		out, err = newExtractWriter(w, x, schema, s.Version)
		return err
	}, func(rec arrow.RecordBatch) error {
		rows += rec.NumRows()
		if progress != nil {
			progress(rows)
		}
		return out.write(rec)
	})
	if err != nil {
		if a, ok := out.(interface{ abort() }); ok {
			a.abort() // an XLSX's temporary files
		}
		return rows, err
	}
	return rows, out.close()
}

// copyParquet writes a Parquet extract with DuckDB's COPY (queries.CopyParquet): to path when given (the
// CLI's file), else to a temporary file that is then streamed to w and removed.
func (s *Server) copyParquet(ctx context.Context, w io.Writer, x extractRequest, path string) (int64, error) {
	kv := extractMetadata(x, s.Version)
	if path != "" {
		return s.Store.CopyParquet(ctx, x.dataset, x.filter, path, kv, nil)
	}
	tmp, err := os.CreateTemp("", "kapacitet-extract-*.parquet")
	if err != nil {
		return 0, err
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	rows, err := s.Store.CopyParquet(ctx, x.dataset, x.filter, tmp.Name(), kv, nil)
	if err != nil {
		return rows, err
	}
	f, err := os.Open(tmp.Name())
	if err != nil {
		return rows, err
	}
	defer f.Close()
	_, err = io.Copy(w, f)
	return rows, err
}

// extractWriter writes record batches in one format.
type extractWriter interface {
	write(arrow.RecordBatch) error
	close() error
}

func newExtractWriter(w io.Writer, x extractRequest, schema *arrow.Schema, version string) (extractWriter, error) {
	switch x.format {
	case "arrow":
		return &arrowWriter{ipc.NewWriter(w, ipc.WithSchema(schema))}, nil
	case "xlsx":
		return newXLSXWriter(w, x, schema)
	}
	return newCSVWriter(w, x, schema)
}

// extractMetadata is what a Parquet extract says about itself.
func extractMetadata(x extractRequest, version string) map[string]string {
	m := map[string]string{"kapacitet.version": version, "kapacitet.dataset": x.dataset.Name,
		"kapacitet.view": map[bool]string{true: "draft", false: "published"}[x.filter.Draft]}
	if x.filter.Edition != 0 {
		m["kapacitet.edition"] = strconv.FormatInt(x.filter.Edition, 10)
	}
	if x.filter.Batch != 0 {
		m["kapacitet.batch"] = strconv.FormatInt(x.filter.Batch, 10)
	}
	return m
}

type arrowWriter struct{ w *ipc.Writer }

func (a *arrowWriter) write(rec arrow.RecordBatch) error { return a.w.Write(rec) }
func (a *arrowWriter) close() error                      { return a.w.Close() }

// csvWriter writes UTF-8 CSV: "," and "." decimals, or for Danish Excel ";", decimal commas and a byte
// order mark. Empty cells are missing values.
type csvWriter struct {
	w       *csv.Writer
	excelDA bool
	row     []string
}

func newCSVWriter(w io.Writer, x extractRequest, schema *arrow.Schema) (*csvWriter, error) {
	c := &csvWriter{w: csv.NewWriter(w), excelDA: x.excelDA}
	if x.excelDA {
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
		c.w.Comma = ';'
	}
	var head []string
	for _, f := range schema.Fields() {
		head = append(head, f.Name)
	}
	return c, c.w.Write(head)
}

func (c *csvWriter) write(rec arrow.RecordBatch) error {
	cols := rec.Columns()
	for i := 0; i < int(rec.NumRows()); i++ {
		c.row = c.row[:0]
		for _, col := range cols {
			v := ""
			if !col.IsNull(i) {
				v = col.ValueStr(i)
				if c.excelDA && col.DataType().ID() == arrow.DECIMAL128 {
					v = strings.Replace(v, ".", ",", 1)
				}
			}
			c.row = append(c.row, v)
		}
		if err := c.w.Write(c.row); err != nil {
			return err
		}
	}
	return c.w.Error()
}

func (c *csvWriter) close() error {
	c.w.Flush()
	return c.w.Error()
}

// ExportRequest is an extract asked for outside HTTP (kapacitet export): the dataset, the format and the
// filters; ExcelDA gives CSV for Danish Excel.
type ExportRequest struct {
	Dataset, Format string
	Filter          queries.ExtractFilter
	ExcelDA         bool
	Who, Args       string // for the export log: who asked (the CLI's caller) and with which arguments
	// Path, for Parquet, is the file DuckDB writes directly (the CLI's -o), rather than through w
	Path string
}

func (d Deps) exportRequest(req ExportRequest) (*Server, extractRequest, error) {
	s, err := newServer(d)
	if err != nil {
		return nil, extractRequest{}, err
	}
	ds, ok := data.ExtractByName(req.Dataset)
	if _, known := extractFormats[req.Format]; !ok || !known {
		return nil, extractRequest{}, fmt.Errorf("unknown dataset or format %s.%s: datasets %s; formats parquet, csv, xlsx, arrow", req.Dataset, req.Format, data.ExtractNames())
	}
	x := extractRequest{dataset: ds, format: req.Format, filter: req.Filter, excelDA: req.ExcelDA && req.Format == "csv"}
	if err := checkExtract(ds, x.filter); err != nil {
		return nil, x, err
	}
	return s, x, nil
}

// Export writes the extract of req to w, as the API does, calling progress with the rows written so far.
func Export(ctx context.Context, d Deps, req ExportRequest, w io.Writer, progress func(rows int64)) (int64, error) {
	s, x, err := d.exportRequest(req)
	if err != nil {
		return 0, err
	}
	var rows int64
	switch {
	case x.format == "parquet" && req.Path != "" && !x.builtInGo():
		rows, err = s.copyParquet(ctx, nil, x, req.Path)
	case req.Path != "": // built in Go: written to the file here
		var f *os.File
		if f, err = os.Create(req.Path); err == nil {
			rows, err = s.writeExtract(ctx, f, x, progress)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
	default:
		rows, err = s.writeExtract(ctx, w, x, progress)
	}
	s.logExport(req.Who, "cli", x, req.Args, rows, err)
	return rows, err
}

// ExportPartitioned writes the extract of req as a Hive-partitioned folder of Parquet files at dir, by
// "year" and/or "municipality" (the dataset's first municipality column), e.g. year=2022/location=851/...;
// the partition columns are in the paths, not in the files (as Spark, Trino and DuckDB read them). DuckDB's
// COPY writes it.
func ExportPartitioned(ctx context.Context, d Deps, req ExportRequest, by []string, dir string) (rows int64, err error) {
	s, x, err := d.exportRequest(req)
	if err != nil {
		return 0, err
	}
	defer func() { s.logExport(req.Who, "cli", x, req.Args, rows, err) }()
	if x.builtInGo() {
		return 0, errors.New("--partition-by is for the datasets, not the findings: export them as one file")
	}
	var cols []string
	for _, b := range by {
		col, err := queries.PartitionColumn(x.dataset, b)
		if err != nil {
			return 0, err
		}
		cols = append(cols, col)
	}
	return s.Store.CopyParquet(ctx, x.dataset, x.filter, dir, extractMetadata(x, s.Version), cols)
}
