package dashboards

import (
	"context"
	"errors"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kapacitet/kapacitet/analysis"
	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// The findings as an extract (data.FindingsExtract): one row per finding, what GET /api/v1/findings gives,
// flat: its numbers (demand and gap null where disclosure control hides them, with what is shown instead in
// suppressed), names beside codes, its sentence in lang and its URL. The public gets the published
// findings; draft=true (analysts) the findings of the current rows.

// errFindingsFilter is the answer to a filter the findings do not have.
var errFindingsFilter = errors.New("fundene kan filtreres på år, målgruppe, kommune, pladstype og kladde, ikke på kategori, batch eller udgave (the findings take year, target_group, municipality, place_type and draft, not category, batch or edition)")

// checkExtract says whether the filter f suits the extract of d.
func checkExtract(d *data.Dataset, f queries.ExtractFilter) error {
	if d == data.FindingsExtract {
		if f.Category != "" || f.Batch != 0 || f.Edition != 0 {
			return errFindingsFilter
		}
		return nil
	}
	_, _, err := queries.ExtractSQL(d, f)
	return err
}

// extractFindings reads the findings the extract x may show (the published ones, or with draft those of the
// current rows) and keeps those its filters select: the rows of the findings extract and of the public's
// demand extract.
func (s *Server) extractFindings(ctx context.Context, x extractRequest) ([]analysis.Finding, error) {
	f := x.filter
	var all []analysis.Finding
	err := s.Store.Read(ctx, func(rd *queries.Reader) error {
		var err error
		all, err = Findings(ctx, rd, queries.View{Draft: f.Draft}, s.Analysis, f.Lang)
		return err
	})
	sel := analysis.Filter{Year: f.Year, TargetGroup: f.TargetGroup, PlaceType: f.PlaceType, Municipality: f.Municipality}
	if sel.Municipality == 0 { // an extract without a municipality has every area
		sel.Municipality = analysis.AllAreas
	}
	return sel.Select(all), err
}

// findingsExtract writes the findings extract of x to w, its columns typed by their kinds in
// data.FindingsExtract.
func (s *Server) findingsExtract(ctx context.Context, w io.Writer, x extractRequest) (int64, error) {
	selected, err := s.extractFindings(ctx, x)
	if err != nil {
		return 0, err
	}
	var fields []arrow.Field
	for _, c := range queries.ExtractColumns(data.FindingsExtract) {
		field := arrow.Field{Name: c.Name, Type: arrow.BinaryTypes.String, Nullable: true}
		switch c.Kind {
		case data.KindYear, data.KindMunicipality:
			field.Type = arrow.PrimitiveTypes.Int32
		case data.KindInt:
			field.Type = arrow.PrimitiveTypes.Int64
		case data.KindDecimal: // the gap's share of demand, to four decimals
			field.Type = &arrow.Decimal128Type{Precision: 9, Scale: 4}
		}
		fields = append(fields, field)
	}
	b := array.NewRecordBuilder(memory.DefaultAllocator, arrow.NewSchema(fields, nil))
	defer b.Release()
	str := func(i int, v string) { b.Field(i).(*array.StringBuilder).Append(v) }
	lang := x.filter.Lang
	for _, g := range selected {
		tg, _ := data.TargetGroupByCode(g.TargetGroup)
		_, hidden := g.Suppressed["demand"]
		str(0, g.ID)
		str(1, g.Kind)
		str(2, g.Severity)
		b.Field(3).(*array.Int32Builder).Append(int32(g.Year))
		b.Field(4).(*array.Int32Builder).Append(int32(g.Area))
		str(5, data.AreaName(g.Area))
		str(6, g.TargetGroup)
		str(7, tg.Name(lang))
		str(8, g.PlaceType)
		b.Field(9).(*array.Int64Builder).Append(g.Supply)
		if hidden {
			b.Field(10).(*array.Int64Builder).AppendNull()
			b.Field(11).(*array.Int64Builder).AppendNull()
		} else {
			b.Field(10).(*array.Int64Builder).Append(g.Demand)
			b.Field(11).(*array.Int64Builder).Append(g.Gap)
		}
		if g.GapShare == nil || hidden {
			b.Field(12).(*array.Decimal128Builder).AppendNull()
		} else {
			b.Field(12).(*array.Decimal128Builder).Append(decimal128.FromI64(int64(math.Round(*g.GapShare * 10000))))
		}
		var sup []string
		for k, v := range g.Suppressed {
			sup = append(sup, k+"="+v)
		}
		slices.Sort(sup)
		if len(sup) == 0 {
			b.Field(13).(*array.StringBuilder).AppendNull()
		} else {
			str(13, strings.Join(sup, "; "))
		}
		str(14, g.Sentence)
		str(15, g.URL)
	}
	return int64(len(selected)), s.writeBuilt(w, x, b)
}
