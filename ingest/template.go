package ingest

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/kapacitet/kapacitet/data"
	"github.com/kapacitet/kapacitet/queries"
)

// A template is the XLSX file a municipality fills in for the yearly round: the sheet "Data" with the
// dataset's header (the Danish aliases ingest reads back) and drop-down lists for the coded columns, the
// sheet "Vejledning" that explains it in Danish, and the hidden sheet "Lister" that holds the lists (Excel
// limits a list typed into a validation to 255 characters).
const (
	TemplateDataSheet  = "Data"
	TemplateGuideSheet = "Vejledning"
	TemplateListSheet  = "Lister"
)

// templateBlankRows is how many rows below the filled ones the drop-down lists cover.
const templateBlankRows = 1000

// TemplateOptions say what a template holds besides its dataset.
type TemplateOptions struct {
	Year         int        // the year the template is for (required); filled-in rows get it
	Municipality int        // the municipality it is for; 0: none
	Rows         []data.Row // rows to fill in as a starting point (last year's, usually), in order
}

// MunicipalityColumn is the column of d that names the municipality a file of d is sent for: the municipality
// column of its replacement key (capacity's location, purchases' buyer, the others' municipality). It is ""
// for a dataset whose files replace a whole year (offers, tariffs).
func MunicipalityColumn(d *data.Dataset) string {
	for _, k := range d.Key {
		if c, ok := d.Column(k); ok && c.Kind == data.KindMunicipality {
			return c.Name
		}
	}
	return ""
}

// TemplateFrom reads from rd what a template of d needs: the year (year, or else the one after the latest
// year of d's rows in the view, else after the latest year of any capacity or demand data, else today's) and,
// for a municipality, its rows of the year before the template's year. A dataset without a municipality
// column (MunicipalityColumn) gets no rows.
func TemplateFrom(ctx context.Context, rd *queries.Reader, d *data.Dataset, v queries.View, year, municipality int, today time.Time) (TemplateOptions, error) {
	opt := TemplateOptions{Year: year, Municipality: municipality}
	col := MunicipalityColumn(d)
	if year != 0 && (municipality == 0 || col == "") {
		return opt, nil
	}
	rows, err := rd.DatasetRows(ctx, d, v)
	if err != nil {
		return opt, err
	}
	if opt.Year == 0 {
		latest := 0
		for _, r := range rows {
			latest = max(latest, int(r["year"].(int64)))
		}
		if latest == 0 {
			years, err := rd.Years(ctx, v)
			if err != nil {
				return opt, err
			}
			if len(years) > 0 {
				latest = years[len(years)-1].Year
			}
		}
		opt.Year = today.Year()
		if latest > 0 {
			opt.Year = latest + 1
		}
	}
	if municipality == 0 || col == "" {
		return opt, nil
	}
	for _, r := range rows {
		if r["year"] == int64(opt.Year-1) && r[col] == int64(municipality) {
			opt.Rows = append(opt.Rows, r)
		}
	}
	return opt, nil
}

// WriteTemplate writes the template of d for year and municipality to w (see TemplateFrom and Template),
// reading what it needs from st in one read transaction, and returns what it holds. st may be nil when year
// is given and municipality is 0: the template then needs no data.
func WriteTemplate(ctx context.Context, st *queries.Store, w io.Writer, d *data.Dataset, v queries.View, year, municipality int, today time.Time) (TemplateOptions, error) {
	opt := TemplateOptions{Year: year}
	if st != nil {
		err := st.Read(ctx, func(rd *queries.Reader) error {
			var err error
			opt, err = TemplateFrom(ctx, rd, d, v, year, municipality, today)
			return err
		})
		if err != nil {
			return opt, err
		}
	}
	return opt, Template(w, d, opt)
}

// Template writes the XLSX template of dataset d to w. Its derived columns are left out: the database
// computes them.
func Template(w io.Writer, d *data.Dataset, opt TemplateOptions) error {
	if !data.PlausibleYear(opt.Year) {
		return fmt.Errorf("ingest: template: invalid year %d", opt.Year)
	}
	f := excelize.NewFile()
	defer f.Close()
	t := &templateBook{f: f, d: d, opt: opt}
	// the sheets in the order they show: the data, the guidance, then the hidden lists
	if err := f.SetSheetName("Sheet1", TemplateDataSheet); err != nil {
		return err
	}
	if _, err := f.NewSheet(TemplateGuideSheet); err != nil {
		return err
	}
	for _, step := range []func() error{t.styles, t.dataSheet, t.guideSheet} {
		if err := step(); err != nil {
			return fmt.Errorf("ingest: template of %s: %w", d.Name, err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("ingest: template of %s: %w", d.Name, err)
	}
	return nil
}

// templateBook is a template while it is written.
type templateBook struct {
	f     *excelize.File
	d     *data.Dataset
	opt   TemplateOptions
	lists []valueList // the lists of the hidden sheet, in column order
	// styles
	header, title, wrap, bold int
	number                    map[data.Kind]int
}

// valueList is one drop-down list: the values the template offers for a kind of column.
type valueList struct {
	kind   data.Kind
	values []string
	ref    string // its cells on the hidden sheet, once written
}

// templateList returns the drop-down list of a kind of column, and false for a kind without one. Every value
// is a spelling ingest reads back (names, which are friendlier than codes).
func templateList(k data.Kind) (valueList, bool) {
	l := valueList{kind: k}
	switch k {
	case data.KindMunicipality:
		for _, m := range data.RegionMunicipalities(data.RegionCode) {
			l.values = append(l.values, municipalityName(int64(m.Code)))
		}
	case data.KindTargetGroup:
		for _, g := range data.TargetGroups() {
			l.values = append(l.values, spelled(data.TargetGroupVocabulary(), g.NameDA, g.Code))
		}
	case data.KindPlaceType:
		l.values = codeNames(data.PlaceTypeVocabulary(), data.PlaceTypes)
	case data.KindOwnership:
		l.values = codeNames(data.OwnershipVocabulary(), data.Ownerships)
	default:
		return l, false
	}
	return l, true
}

func codeNames(v *data.Vocabulary, list []data.Code) []string {
	var out []string
	for _, c := range list {
		out = append(out, spelled(v, c.NameDA, c.Code))
	}
	return out
}

// spelled is name when the vocabulary reads it back as code, else code.
func spelled(v *data.Vocabulary, name, code string) string {
	if c, ok, _ := v.Match(name); ok && c == code {
		return name
	}
	return code
}

func municipalityName(code int64) string {
	m, ok := data.MunicipalityByCode(int(code))
	if !ok {
		return strconv.FormatInt(code, 10)
	}
	return spelled(data.MunicipalityVocabulary(), m.Name, strconv.Itoa(m.Code))
}

// TemplateHeader is the header cell of column c in a template: its first Danish alias, capitalised
// ("forventet_næste_år" is "Forventet næste år"), which ingest's header mapping reads back as c.
func TemplateHeader(c data.Column) string {
	name := c.Name
	if len(c.Aliases) > 0 {
		name = c.Aliases[0]
	}
	name = strings.ReplaceAll(name, "_", " ")
	if s, ok := strings.CutSuffix(name, " id"); ok {
		name = s + "-id"
	}
	return capitalise(name)
}

func capitalise(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[size:]
}

func (t *templateBook) styles() error {
	f := t.f
	fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}
	var err error
	newStyle := func(s *excelize.Style) int {
		id, e := f.NewStyle(s)
		if err == nil {
			err = e
		}
		return id
	}
	t.header = newStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: fill,
		Border:    []excelize.Border{{Type: "bottom", Color: "4472C4", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	t.title = newStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	t.bold = newStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	t.wrap = newStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	text := "@"
	t.number = map[data.Kind]int{
		data.KindInt:     newStyle(&excelize.Style{NumFmt: 3}), // #,##0: Excel shows 1.234 in Danish
		data.KindDecimal: newStyle(&excelize.Style{NumFmt: 4}), // #,##0.00
		// text columns keep what is typed (an offer id "012345" keeps its zero)
		data.KindText: newStyle(&excelize.Style{CustomNumFmt: &text}),
	}
	return err
}

// cellValue is how a row's value is written: numbers as numbers, codes by their Danish names, yes/no as
// Ja/Nej, a missing score as "ved ikke"; nil leaves the cell empty.
func cellValue(c data.Column, v any) any {
	switch x := v.(type) {
	case nil:
		if c.Kind == data.KindScore {
			return "ved ikke"
		}
		return nil
	case bool:
		if x {
			return "Ja"
		}
		return "Nej"
	case data.Hundredths:
		return float64(x) / 100
	case int64:
		if c.Kind == data.KindMunicipality {
			return municipalityName(x)
		}
		return x
	case string:
		switch c.Kind {
		case data.KindTargetGroup:
			return targetGroupName(x)
		case data.KindPlaceType:
			return codeName(data.PlaceTypeVocabulary(), data.PlaceTypes, x)
		case data.KindOwnership:
			return codeName(data.OwnershipVocabulary(), data.Ownerships, x)
		}
		return x
	case []string:
		names := make([]string, len(x))
		for i, g := range x {
			names[i] = targetGroupName(g)
		}
		return strings.Join(names, "; ")
	}
	return v
}

func targetGroupName(code string) string {
	if g, ok := data.TargetGroupByCode(code); ok {
		return spelled(data.TargetGroupVocabulary(), g.NameDA, code)
	}
	return code
}

func codeName(v *data.Vocabulary, list []data.Code, code string) string {
	if c, ok := data.CodeByCode(list, code); ok {
		return spelled(v, c.NameDA, code)
	}
	return code
}

// cellText is a written value as text, for column widths.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', 2, 64)
	default:
		return fmt.Sprint(x)
	}
}

// dataSheet writes the header, the rows, the drop-down lists and the hidden sheet that holds them.
func (t *templateBook) dataSheet() error {
	f, d, sheet := t.f, t.d, TemplateDataSheet
	widths := make([]int, len(d.Columns))
	for i, c := range d.Columns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if id, ok := t.number[c.Kind]; ok {
			if err := f.SetColStyle(sheet, col, id); err != nil {
				return err
			}
		} else if c.Kind != data.KindYear && c.Kind != data.KindScore && c.Kind != data.KindBool {
			if err := f.SetColStyle(sheet, col, t.number[data.KindText]); err != nil {
				return err
			}
		}
		h := TemplateHeader(c)
		if err := f.SetCellStr(sheet, col+"1", h); err != nil {
			return err
		}
		widths[i] = utf8.RuneCountInString(h)
	}
	last, _ := excelize.ColumnNumberToName(len(d.Columns))
	if err := f.SetCellStyle(sheet, "A1", last+"1", t.header); err != nil {
		return err
	}
	for r, row := range t.opt.Rows {
		for i, c := range d.Columns {
			v := cellValue(c, row[c.Name])
			if c.Kind == data.KindYear {
				v = t.opt.Year
			}
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(i+1, r+2)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				return err
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cellText(v)))
		}
	}
	lastRow := len(t.opt.Rows) + 1 + templateBlankRows
	for i, c := range d.Columns {
		l, ok, err := t.list(c.Kind)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", col, col, lastRow)
		dv.SetSqrefDropList(l.ref)
		// a warning, not a stop: ingest also reads codes (851, autisme-boern), which the list does not show
		dv.SetError(excelize.DataValidationErrorStyleWarning, "Værdien står ikke på listen",
			"Vælg en værdi fra listen. Kapacitet læser også koderne, men en ukendt værdi afvises, når filen indlæses.")
		dv.SetInput(truncate(TemplateHeader(c), 32), truncate(capitalise(c.DA)+". Vælg fra listen.", 255))
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
		for _, v := range l.values {
			widths[i] = max(widths[i], utf8.RuneCountInString(v))
		}
	}
	for i, w := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, float64(min(max(w, 8), 45)+2)); err != nil {
			return err
		}
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// list returns the drop-down list of a kind of column, written to the hidden sheet the first time a column
// needs it.
func (t *templateBook) list(k data.Kind) (valueList, bool, error) {
	for _, l := range t.lists {
		if l.kind == k {
			return l, true, nil
		}
	}
	l, ok := templateList(k)
	if !ok {
		return l, false, nil
	}
	sheet := TemplateListSheet
	if len(t.lists) == 0 {
		if _, err := t.f.NewSheet(sheet); err != nil {
			return l, false, err
		}
		if err := t.f.SetSheetVisible(sheet, false); err != nil {
			return l, false, err
		}
	}
	col, _ := excelize.ColumnNumberToName(len(t.lists) + 1)
	for i, v := range l.values {
		if err := t.f.SetCellStr(sheet, fmt.Sprintf("%s%d", col, i+1), v); err != nil {
			return l, false, err
		}
	}
	l.ref = fmt.Sprintf("%s!$%s$1:$%s$%d", sheet, col, col, len(l.values))
	t.lists = append(t.lists, l)
	return l, true, nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// guideColumns are the columns of the guidance sheet's table, with their widths.
var guideColumns = []struct {
	title string
	width float64
}{{"Kolonne", 24}, {"Udfyldes", 10}, {"Type", 16}, {"Tilladte værdier", 44}, {"Beskrivelse", 40}, {"Navn i CSV-filer", 20}}

// guideSheet writes the guidance in Danish: what the dataset is, its columns and how to send the file back.
func (t *templateBook) guideSheet() error {
	f, d, opt, sheet := t.f, t.d, t.opt, TemplateGuideSheet
	for i, c := range guideColumns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, c.width); err != nil {
			return err
		}
	}
	lastCol, _ := excelize.ColumnNumberToName(len(guideColumns))
	var total float64
	for _, c := range guideColumns {
		total += c.width
	}
	row := 1
	var err error
	// para writes a paragraph over the table's width, as high as its text needs.
	para := func(text string, style int) {
		if err != nil {
			return
		}
		a, b := fmt.Sprintf("A%d", row), fmt.Sprintf("%s%d", lastCol, row)
		if err = f.SetCellStr(sheet, a, text); err == nil {
			err = f.MergeCell(sheet, a, b)
		}
		if err == nil {
			err = f.SetCellStyle(sheet, a, b, style)
		}
		if err == nil && style == t.wrap {
			err = f.SetRowHeight(sheet, row, 15*lines(text, total))
		}
		row++
	}
	para(fmt.Sprintf("Kapacitet: skabelon til %s (%s) for %d", strings.ToLower(d.NameDA), d.Name, opt.Year), t.title)
	row++
	para("Kapacitet er Nordjysk Socialaftales kortlægning af udbud og efterspørgsel på det specialiserede social- og "+
		"specialundervisningsområde. Denne fil er skabelonen til datasættet »"+d.NameDA+"« for "+strconv.Itoa(opt.Year)+
		". "+uniqueSentence(d), t.wrap)
	if p := t.prefillSentence(); p != "" {
		para(p, t.wrap)
	}
	row++
	para("Sådan udfylder du arket »"+TemplateDataSheet+"«", t.bold)
	para("Skriv én række under overskriftsrækken for hver linje. Overskrifterne må ikke ændres: Kapacitet genkender "+
		"kolonnerne på dem (andre kolonner ignoreres). Kolonner med en rulleliste viser de gyldige værdier. Tal skrives "+
		"som tal med højst to decimaler. En kolonne, der kan udfyldes, må stå tom, når værdien ikke kendes.", t.wrap)
	if d.Name == "capacity" {
		para("En linje med tilbuds-id forudsætter, at årets tilbud (datasættet »Tilbud«) er indlæst; beliggenhedskommune "+
			"og driftsform kan da udelades og hentes fra tilbuddet. En linje uden tilbuds-id skal have beliggenhedskommune "+
			"og driftsform. Private pladser kan ikke være Socialaftale-pladser.", t.wrap)
	}
	row++
	if err != nil {
		return err
	}
	for i, c := range guideColumns {
		cell, _ := excelize.CoordinatesToCellName(i+1, row)
		if err := f.SetCellStr(sheet, cell, c.title); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, fmt.Sprintf("A%d", row), fmt.Sprintf("%s%d", lastCol, row), t.header); err != nil {
		return err
	}
	row++
	for _, c := range d.Columns {
		req := "kan"
		if c.Required {
			req = "skal"
		}
		kind, allowed := t.kindText(c)
		cells := []string{TemplateHeader(c), req, kind, allowed, c.DA, c.Name}
		height := 1.0
		for i, v := range cells {
			cell, _ := excelize.CoordinatesToCellName(i+1, row)
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
			height = max(height, lines(v, guideColumns[i].width))
		}
		if err := f.SetCellStyle(sheet, fmt.Sprintf("A%d", row), fmt.Sprintf("%s%d", lastCol, row), t.wrap); err != nil {
			return err
		}
		if err := f.SetRowHeight(sheet, row, 15*height); err != nil {
			return err
		}
		row++
	}
	row++
	para("Sådan sender du filen tilbage", t.bold)
	para("Gem filen som Excel-projektmappe (.xlsx), med arket »"+TemplateDataSheet+"«, og send den til "+
		"DAS-sekretariatet. Sekretariatet indlæser den med kommandoen »kapacitet ingest "+d.Name+" FIL.xlsx«. "+
		"Filen indlæses helt eller slet ikke: har den fejl, indlæses intet, og du får en liste med række, kolonne, "+
		"værdi og årsag for hver fejl. Indlæste data er først en kladde; offentligheden ser dem, når året er offentliggjort.", t.wrap)
	para(replaceSentence(d), t.wrap)
	return err
}

// kindText says a column's type and the values it takes, in Danish.
func (t *templateBook) kindText(c data.Column) (kind, allowed string) {
	listed := func(what string) string {
		l, _ := templateList(c.Kind)
		if len(l.values) <= 4 {
			return strings.Join(l.values, ", ") + " (rullelisten; også koderne)"
		}
		return fmt.Sprintf("rullelisten: %d %s; navn eller kode", len(l.values), what)
	}
	switch c.Kind {
	case data.KindYear:
		return "årstal", fmt.Sprintf("%d (skabelonens år)", t.opt.Year)
	case data.KindInt:
		return "helt tal", "0 eller derover"
	case data.KindDecimal:
		return "tal", "0 eller derover, højst to decimaler"
	case data.KindBool:
		return "ja/nej", "Ja eller Nej (også x, 1 og 0)"
	case data.KindPlaceType:
		return "pladstype", listed("pladstyper")
	case data.KindOwnership:
		return "driftsform", listed("driftsformer")
	case data.KindTargetGroup:
		return "målgruppe", listed("målgrupper")
	case data.KindTargetGroupList:
		return "målgrupper", "målgruppernes navne eller koder, adskilt af semikolon (;)"
	case data.KindMunicipality:
		return "kommune", listed("kommuner i Region "+data.RegionNameDA) + " (fx 851 for Aalborg)"
	case data.KindScore:
		return "opfyldelsesgrad", "1, 2, 3, 4, 5 eller \"ved ikke\""
	default:
		return "tekst", "fri tekst"
	}
}

// headers joins the template headers of columns named names (the year left out): "Kommune, Målgruppe og
// Pladstype".
func headers(d *data.Dataset, names []string) string {
	var hs []string
	for _, n := range names {
		if c, ok := d.Column(n); ok && c.Kind != data.KindYear {
			hs = append(hs, "»"+TemplateHeader(c)+"«")
		}
	}
	if len(hs) < 2 {
		return strings.Join(hs, "")
	}
	return strings.Join(hs[:len(hs)-1], ", ") + " og " + hs[len(hs)-1]
}

// uniqueSentence says which columns make a row unique in a file.
func uniqueSentence(d *data.Dataset) string {
	if h := headers(d, d.Unique); h != "" {
		return "Den samme kombination af " + h + " må kun stå på én række."
	}
	return ""
}

// replaceSentence says what a loaded file replaces (its replacement key).
func replaceSentence(d *data.Dataset) string {
	if h := headers(d, d.Key); h != "" {
		return "Når filen indlæses, erstatter den alle tidligere rækker med samme år og " + h +
			": send derfor alle rækker for kommunen, ikke kun dem, der er ændret."
	}
	return "Når filen indlæses, erstatter den alle tidligere rækker for samme år: filen skal derfor have hele årets rækker."
}

// prefillSentence says what the data sheet was filled with.
func (t *templateBook) prefillSentence() string {
	opt := t.opt
	who := ""
	if opt.Municipality != 0 {
		who = data.AreaName(opt.Municipality)
	}
	switch {
	case len(opt.Rows) > 0:
		from := opt.Year - 1
		if y, ok := opt.Rows[0]["year"].(int64); ok {
			from = int(y)
		}
		n := "rækker"
		if len(opt.Rows) == 1 {
			n = "række"
		}
		if who != "" {
			who = " for " + who
		}
		return fmt.Sprintf("Arket »%s« er udfyldt med de %d %s%s fra %d som udgangspunkt, med året rettet til %d. "+
			"Ret tallene, tilføj manglende rækker, og slet rækker, der ikke længere gælder.", TemplateDataSheet, len(opt.Rows), n, who, from, opt.Year)
	case who != "" && MunicipalityColumn(t.d) == "":
		return "Datasættet indsendes samlet for hele året, så arket »" + TemplateDataSheet + "« er ikke udfyldt på forhånd for " + who + "."
	case who != "":
		return fmt.Sprintf("Der var ingen rækker for %s fra %d, så arket »%s« er tomt.", who, opt.Year-1, TemplateDataSheet)
	}
	return ""
}

// lines estimates how many lines text takes in a wrapped cell width characters wide.
func lines(text string, width float64) float64 {
	n := 0.0
	for _, l := range strings.Split(text, "\n") {
		n += max(1, math.Ceil(float64(utf8.RuneCountInString(l))*1.1/width))
	}
	return n
}
