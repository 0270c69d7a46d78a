package dashboards

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// The public's extract of demand: the rows count persons, so the public gets what the findings show of
// them, under the same disclosure control: each municipality's demand per target group and place type (the
// gap findings' demand), null where the findings hide it, with what they show instead ("<5", "–"). Built from
// the published findings, so an extract never shows what a page hides.

// publicDemand writes the public's demand extract of x to w.
func (s *Server) publicDemand(ctx context.Context, w io.Writer, x extractRequest) (int64, error) {
	f := x.filter
	if f.Batch != 0 || f.Edition != 0 {
		return 0, badRequest{"Batch og udgave kan kun vælges af analytikere for efterspørgsel. (Batch and edition filters of demand are for analysts.)"}
	}
	selected, err := s.extractFindings(ctx, x) // the public's: published
	if err != nil {
		return 0, err
	}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "year", Type: arrow.PrimitiveTypes.Int32},
		{Name: "municipality", Type: arrow.PrimitiveTypes.Int32},
		{Name: "municipality_name", Type: arrow.BinaryTypes.String},
		{Name: "target_group", Type: arrow.BinaryTypes.String},
		{Name: "target_group_name", Type: arrow.BinaryTypes.String},
		{Name: "place_type", Type: arrow.BinaryTypes.String},
		{Name: "demand", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "demand_shown", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	var rows int64
	for _, g := range selected {
		if g.Kind != analysis.KindGap || g.Area == data.RegionCode || g.PlaceType == data.PlaceTypeAll.Code {
			continue
		}
		m, _ := data.MunicipalityByCode(g.Area)
		tg, _ := data.TargetGroupByCode(g.TargetGroup)
		b.Field(0).(*array.Int32Builder).Append(int32(g.Year))
		b.Field(1).(*array.Int32Builder).Append(int32(g.Area))
		b.Field(2).(*array.StringBuilder).Append(m.Name)
		b.Field(3).(*array.StringBuilder).Append(g.TargetGroup)
		b.Field(4).(*array.StringBuilder).Append(tg.Name(f.Lang))
		b.Field(5).(*array.StringBuilder).Append(g.PlaceType)
		if shown, hidden := g.Suppressed["demand"]; hidden {
			b.Field(6).(*array.Int64Builder).AppendNull()
			b.Field(7).(*array.StringBuilder).Append(shown)
		} else {
			b.Field(6).(*array.Int64Builder).Append(g.Demand)
			b.Field(7).(*array.StringBuilder).AppendNull()
		}
		rows++
	}
	return rows, s.writeBuilt(w, x, b)
}

// goWriter is the writer of an extract built in Go: the formats' writers, and Parquet by pqarrow (ZSTD,
// the same metadata as DuckDB's).
func (s *Server) goWriter(w io.Writer, x extractRequest, schema *arrow.Schema) (extractWriter, error) {
	if x.format != "parquet" {
		return newExtractWriter(w, x, schema, s.Version)
	}
	props := parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd), parquet.WithCreatedBy("kapacitet "+s.Version))
	fw, err := pqarrow.NewFileWriter(schema, struct{ io.Writer }{w}, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		return nil, err
	}
	for k, v := range extractMetadata(x, s.Version) {
		if err := fw.AppendKeyValueMetadata(k, v); err != nil {
			return nil, fmt.Errorf("parquet metadata: %w", err)
		}
	}
	return &parquetWriter{fw}, nil
}

type parquetWriter struct{ w *pqarrow.FileWriter }

func (p *parquetWriter) write(rec arrow.RecordBatch) error { return p.w.WriteBuffered(rec) }
func (p *parquetWriter) close() error                      { return p.w.Close() }

// publicPurchases writes the public's purchases extract of x: the full-year places each area bought in
// another (or in itself) per year and target group, all place types together, null where the
// self-sufficiency findings hide them (analysis.PublicFlows), with what they show instead.
func (s *Server) publicPurchases(ctx context.Context, w io.Writer, x extractRequest) (int64, error) {
	f := x.filter
	if f.Batch != 0 || f.Edition != 0 || f.PlaceType != "" {
		return 0, badRequest{"Køb kan kun filtreres på batch, udgave og pladstype af analytikere. (Batch, edition and place type filters of purchases are for analysts.)"}
	}
	var flows []data.PurchaseFlow
	err := s.Store.Read(ctx, func(rd *queries.Reader) error {
		var err error
		flows, err = rd.PurchaseFlows(ctx, queries.View{})
		return err
	})
	if err != nil {
		return 0, err
	}
	dec := &arrow.Decimal128Type{Precision: 18, Scale: 2}
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "year", Type: arrow.PrimitiveTypes.Int32},
		{Name: "buyer", Type: arrow.PrimitiveTypes.Int32},
		{Name: "buyer_name", Type: arrow.BinaryTypes.String},
		{Name: "location", Type: arrow.PrimitiveTypes.Int32},
		{Name: "location_name", Type: arrow.BinaryTypes.String},
		{Name: "target_group", Type: arrow.BinaryTypes.String},
		{Name: "target_group_name", Type: arrow.BinaryTypes.String},
		{Name: "places", Type: dec, Nullable: true},
		{Name: "places_shown", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(memory.DefaultAllocator, schema)
	defer b.Release()
	var rows int64
	for _, p := range analysis.PublicFlows(flows) {
		if (f.Year != 0 && p.Year != f.Year) || (f.TargetGroup != "" && p.TargetGroup != f.TargetGroup) ||
			(f.Municipality != 0 && p.Buyer != f.Municipality && p.Location != f.Municipality) {
			continue
		}
		buyer, _ := data.MunicipalityByCode(p.Buyer)
		loc, _ := data.MunicipalityByCode(p.Location)
		tg, _ := data.TargetGroupByCode(p.TargetGroup)
		b.Field(0).(*array.Int32Builder).Append(int32(p.Year))
		b.Field(1).(*array.Int32Builder).Append(int32(p.Buyer))
		b.Field(2).(*array.StringBuilder).Append(buyer.Name)
		b.Field(3).(*array.Int32Builder).Append(int32(p.Location))
		b.Field(4).(*array.StringBuilder).Append(loc.Name)
		b.Field(5).(*array.StringBuilder).Append(p.TargetGroup)
		b.Field(6).(*array.StringBuilder).Append(tg.Name(f.Lang))
		if p.Hidden != analysis.Shown {
			b.Field(7).(*array.Decimal128Builder).AppendNull()
			b.Field(8).(*array.StringBuilder).Append(p.Hidden.Shown())
		} else {
			b.Field(7).(*array.Decimal128Builder).Append(decimal128.FromI64(p.PlacesH))
			b.Field(8).(*array.StringBuilder).AppendNull()
		}
		rows++
	}
	return rows, s.writeBuilt(w, x, b)
}

// writeBuilt writes the record built in b as the extract x.
func (s *Server) writeBuilt(w io.Writer, x extractRequest, b *array.RecordBuilder) error {
	rec := b.NewRecordBatch()
	defer rec.Release()
	out, err := s.goWriter(w, x, rec.Schema())
	if err != nil {
		return err
	}
	if err := out.write(rec); err != nil {
		return err
	}
	return out.close()
}
