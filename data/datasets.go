package data

import (
	"fmt"
	"strconv"
	"strings"
)

// Kind is the type of a dataset column: how a value is read and how it is stored.
type Kind int

const (
	KindYear            Kind = iota // a calendar year (ingest's limits: config.toml)
	KindInt                         // a whole number ≥ 0
	KindDecimal                     // an exact decimal ≥ 0 with at most two decimals (stored as hundredths)
	KindText                        // free text
	KindBool                        // Ja/Nej, x, 1/0, true/false
	KindPlaceType                   // dag, doegn
	KindOwnership                   // kommunal, regional, privat
	KindTargetGroup                 // a code of the target-group catalogue
	KindTargetGroupList             // target-group codes separated by ';' or ','
	KindMunicipality                // a municipality code (stored as an integer)
	KindScore                       // 1-5, or "ved ikke" (stored as NULL)
)

// Hundredths is an exact decimal with two decimals, stored as an integer number of hundredths.
type Hundredths int64

func (h Hundredths) String() string {
	sign := ""
	if h < 0 {
		sign, h = "-", -h
	}
	frac := int64(h) % 100
	pad := ""
	if frac < 10 {
		pad = "0"
	}
	return sign + strconv.FormatInt(int64(h)/100, 10) + "." + pad + strconv.FormatInt(frac, 10)
}

// Column is one column of a dataset.
type Column struct {
	Name     string   // canonical English name, also the database column
	Aliases  []string // Danish and other accepted header spellings
	Kind     Kind
	Required bool
	DA, EN   string // what the column holds, for reports and templates
}

// Row is one validated row: column name → value (int64, Hundredths, string, bool, []string or nil when
// the cell was empty or "ved ikke").
type Row map[string]any

// Violation is a broken row rule: the column it concerns and the reason in Danish and English.
type Violation struct {
	Column string
	DA, EN string
}

// Dataset is the definition of one dataset of the ingest contract.
type Dataset struct {
	Name   string // offers, capacity, ...
	NameDA string
	NameEN string
	// Columns in canonical order.
	Columns []Column
	// Derived columns are computed from the others (never typed in): virtual columns of the table, after them.
	Derived []Column
	// Key is the replacement key: a new batch replaces earlier rows with the same key values.
	Key []string
	// Unique columns identify a row within one file; a repeat is an input error.
	Unique []string
	// Rules checks a parsed row; Derive fills the derived columns of a valid row.
	Rules  func(Row, Limits) []Violation
	Derive func(Row)
}

// Column returns the column called name (canonical or derived).
func (d *Dataset) Column(name string) (Column, bool) {
	for _, c := range append(append([]Column(nil), d.Columns...), d.Derived...) {
		if c.Name == name {
			return c, true
		}
	}
	return Column{}, false
}

// AllColumns returns the columns a row has: the dataset's own (stored), then the derived ones (computed by
// the database from the others: virtual columns).
func (d *Dataset) AllColumns() []Column {
	return append(append([]Column(nil), d.Columns...), d.Derived...)
}

var (
	colYear = Column{Name: "year", Aliases: []string{"år", "aar", "årstal"}, Kind: KindYear, Required: true,
		DA: "år", EN: "year"}
	colTargetGroup = Column{Name: "target_group", Aliases: []string{"målgruppe"}, Kind: KindTargetGroup, Required: true,
		DA: "målgruppe (kode eller navn)", EN: "target group (code or name)"}
	colPlaceType = Column{Name: "place_type", Aliases: []string{"pladstype", "tilbudstype"}, Kind: KindPlaceType, Required: true,
		DA: "pladstype: dag eller døgn", EN: "place type: dag or doegn"}
	colMunicipality = Column{Name: "municipality", Aliases: []string{"kommune", "handlekommune", "kommunekode"}, Kind: KindMunicipality, Required: true,
		DA: "kommune (kode eller navn)", EN: "municipality (code or name)"}
	colOfferID = Column{Name: "offer_id", Aliases: []string{"tilbuds_id", "tilbudsid", "tilbudsnummer"}, Kind: KindText,
		DA: "tilbuddets id (Tilbudsportalen)", EN: "offer id (Tilbudsportalen)"}
)

func required(c Column) Column { c.Required = true; return c }

// Datasets are the seven datasets of the ingest contract, in loading order (offers before the capacity that
// refers to them).
var Datasets = []*Dataset{
	{
		Name: "population", NameDA: "Befolkning", NameEN: "Population",
		Columns: []Column{
			colYear, colMunicipality,
			{Name: "age_band", Aliases: []string{"aldersgruppe", "alder"}, Kind: KindText, DA: "aldersgruppe, fx 0-17", EN: "age band, e.g. 0-17"},
			{Name: "inhabitants", Aliases: []string{"indbyggere", "antal"}, Kind: KindInt, Required: true, DA: "indbyggere", EN: "inhabitants"},
		},
		Key:    []string{"year", "municipality"},
		Unique: []string{"year", "municipality", "age_band"},
	},
	{
		Name: "offers", NameDA: "Tilbud", NameEN: "Offers",
		Columns: []Column{
			colYear, required(colOfferID),
			{Name: "name", Aliases: []string{"tilbudsnavn", "navn"}, Kind: KindText, Required: true, DA: "tilbuddets navn", EN: "name of the offer"},
			{Name: "operator", Aliases: []string{"driftsherre"}, Kind: KindText, Required: true, DA: "driftsherre", EN: "operator"},
			{Name: "ownership", Aliases: []string{"driftsform", "ejerform"}, Kind: KindOwnership, Required: true, DA: "driftsform: kommunal, regional eller privat", EN: "ownership: kommunal, regional or privat"},
			{Name: "location", Aliases: []string{"beliggenhedskommune", "beliggenhed"}, Kind: KindMunicipality, Required: true, DA: "beliggenhedskommune", EN: "location municipality"},
			{Name: "legal_basis", Aliases: []string{"paragraf", "lovgrundlag"}, Kind: KindText, DA: "paragraf, fx SEL § 108", EN: "legal basis, e.g. SEL § 108"},
			{Name: "target_groups", Aliases: []string{"målgrupper"}, Kind: KindTargetGroupList, DA: "målgrupper adskilt af ; eller ,", EN: "target groups separated by ; or ,"},
			{Name: "enhanced_cooperation", Aliases: []string{"forstærket_samarbejde"}, Kind: KindBool, DA: "i det forstærkede samarbejde", EN: "under enhanced cooperation"},
			{Name: "secure", Aliases: []string{"sikret"}, Kind: KindBool, DA: "sikret afdeling", EN: "secure ward"},
			{Name: "national", Aliases: []string{"landsdækkende"}, Kind: KindBool, DA: "lands- eller landsdelsdækkende", EN: "national offer"},
			{Name: "budgeted_occupancy", Aliases: []string{"forudsat_belægning", "forudsat_belægningsprocent"}, Kind: KindDecimal, DA: "forudsat belægningsprocent", EN: "budgeted occupancy, percent"},
		},
		Key:    []string{"year"},
		Unique: []string{"year", "offer_id"},
		Rules: func(r Row, _ Limits) []Violation {
			switch v, ok := r["budgeted_occupancy"].(Hundredths); {
			case ok && v > 100_00:
				return []Violation{{Column: "budgeted_occupancy", DA: "en belægningsprocent kan højst være 100", EN: "an occupancy percentage is at most 100"}}
			case ok && v <= 1_00:
				return []Violation{{Column: "budgeted_occupancy", DA: "skrives i procent (fx 95), ikke som brøk (0,95)", EN: "is written in percent (e.g. 95), not as a fraction (0.95)"}}
			}
			return nil
		},
	},
	{
		Name: "capacity", NameDA: "Pladser", NameEN: "Capacity",
		Columns: []Column{
			colYear, colOfferID,
			{Name: "location", Aliases: []string{"beliggenhedskommune", "beliggenhed"}, Kind: KindMunicipality, DA: "beliggenhedskommune", EN: "location municipality"},
			{Name: "ownership", Aliases: []string{"driftsform", "ejerform"}, Kind: KindOwnership, DA: "driftsform: kommunal, regional eller privat", EN: "ownership: kommunal, regional or privat"},
			{Name: "agreement", Aliases: []string{"socialaftale", "styringsaftale"}, Kind: KindBool, DA: "omfattet af Socialaftalen", EN: "covered by the agreement"},
			colPlaceType, colTargetGroup,
			{Name: "places", Aliases: []string{"pladser", "antal_pladser"}, Kind: KindInt, Required: true, DA: "antal pladser", EN: "number of places"},
			{Name: "occupied", Aliases: []string{"belagte_pladser", "helårspladser"}, Kind: KindDecimal, DA: "belagte pladser (helårspladser)", EN: "occupied places (full-year places)"},
		},
		// one line per offer (or location, ownership and agreement) and place type and target group
		Unique:  []string{"year", "offer_id", "location", "ownership", "agreement", "place_type", "target_group"},
		Derived: []Column{{Name: "category", Kind: KindText, DA: "kategori: kommunal, privat eller socialaftale", EN: "category: kommunal, privat or socialaftale"}},
		Key:     []string{"year", "location"},
		Rules: func(r Row, lim Limits) []Violation {
			var v []Violation
			// occupied ≤ places · (100 + tolerance) / 100, in hundredths
			if occ, ok := r["occupied"].(Hundredths); ok {
				if places, ok := r["places"].(int64); ok && int64(occ) > places*(100+lim.OccupancyTolerancePct) {
					v = append(v, Violation{Column: "occupied",
						DA: fmt.Sprintf("flere belagte pladser end pladser + %d %%", lim.OccupancyTolerancePct),
						EN: fmt.Sprintf("more occupied places than places + %d%%", lim.OccupancyTolerancePct)})
				}
			}
			if r["offer_id"] == nil {
				for _, c := range []string{"location", "ownership"} {
					if r[c] == nil {
						v = append(v, Violation{Column: c, DA: "skal udfyldes, når der ikke er et tilbuds-id", EN: "required when there is no offer id"})
					}
				}
			}
			if r["ownership"] == "privat" && r["agreement"] == true {
				v = append(v, Violation{Column: "agreement", DA: "private pladser kan ikke være Socialaftale-pladser", EN: "private places cannot be agreement places"})
			}
			return v
		},
		Derive: func(r Row) {
			own, _ := r["ownership"].(string)
			agr, _ := r["agreement"].(bool)
			r["category"] = Category(own, agr)
		},
	},
	{
		Name: "demand", NameDA: "Efterspørgsel", NameEN: "Demand",
		Columns: []Column{
			colYear, colMunicipality, colTargetGroup, colPlaceType,
			{Name: "placed", Aliases: []string{"anbragte", "visiterede"}, Kind: KindInt, Required: true, DA: "borgere anbragt", EN: "citizens placed"},
			{Name: "waiting", Aliases: []string{"venteliste", "ventende"}, Kind: KindInt, Required: true, DA: "borgere på venteliste", EN: "citizens waiting"},
			{Name: "expected_next_year", Aliases: []string{"forventet_næste_år", "forventet"}, Kind: KindInt, DA: "forventet behov næste år", EN: "expected need next year"},
		},
		Key:    []string{"year", "municipality"},
		Unique: []string{"year", "municipality", "target_group", "place_type"},
	},
	{
		Name: "survey", NameDA: "Spørgeskema", NameEN: "Survey",
		Columns: []Column{
			colYear, colMunicipality, colTargetGroup,
			{Name: "score", Aliases: []string{"opfyldelsesgrad", "vurdering"}, Kind: KindScore, Required: true, DA: "opfyldelsesgrad 1-5 eller \"ved ikke\"", EN: "score 1-5 or \"ved ikke\" (don't know)"},
			{Name: "comment", Aliases: []string{"begrundelse", "kommentar"}, Kind: KindText, DA: "begrundelse", EN: "comment"},
		},
		Key:    []string{"year", "municipality"},
		Unique: []string{"year", "municipality", "target_group"},
	},
	{
		Name: "purchases", NameDA: "Køb af pladser", NameEN: "Purchases",
		Columns: []Column{
			colYear,
			{Name: "buyer", Aliases: []string{"køber", "købekommune"}, Kind: KindMunicipality, Required: true, DA: "købende kommune", EN: "buying municipality"},
			required(colOfferID), colTargetGroup, colPlaceType,
			{Name: "places", Aliases: []string{"helårspladser", "pladser"}, Kind: KindDecimal, Required: true, DA: "købte helårspladser", EN: "full-year places bought"},
			{Name: "amount_dkk", Aliases: []string{"beløb", "beløb_kr"}, Kind: KindDecimal, DA: "beløb i kr.", EN: "amount in DKK"},
		},
		Key:    []string{"year", "buyer"},
		Unique: []string{"year", "buyer", "offer_id", "target_group", "place_type"},
	},
	{
		Name: "tariffs", NameDA: "Takster", NameEN: "Tariffs",
		Columns: []Column{
			colYear, required(colOfferID),
			{Name: "tariff_type", Aliases: []string{"taksttype"}, Kind: KindText, Required: true, DA: "taksttype, fx døgntakst", EN: "tariff type, e.g. døgntakst"},
			{Name: "amount_dkk", Aliases: []string{"takst", "beløb"}, Kind: KindDecimal, Required: true, DA: "takst i kr.", EN: "tariff in DKK"},
		},
		Key:    []string{"year"},
		Unique: []string{"year", "offer_id", "tariff_type"},
	},
}

// DatasetByName returns the dataset called name (its English name, or its Danish name, forgivingly).
func DatasetByName(name string) (*Dataset, bool) {
	n := Normalize(name)
	for _, d := range Datasets {
		if Normalize(d.Name) == n || Normalize(d.NameDA) == n {
			return d, true
		}
	}
	return nil, false
}

// DatasetNames lists the datasets' English names.
func DatasetNames() string {
	var names []string
	for _, d := range Datasets {
		names = append(names, d.Name)
	}
	return strings.Join(names, ", ")
}

// Text writes a row value as text, the way staging files and replacement keys hold it: int64 in decimal,
// Hundredths as "16.90", bool as true/false, a list joined by ';', nil as "".
func Text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	case Hundredths:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	case string:
		return x
	case []string:
		return strings.Join(x, ";")
	default:
		return fmt.Sprint(x)
	}
}

// CapacityLine is the places of one capacity line (an offer, or a location, ownership and agreement without
// one) for a place type and target group in a year: what the store reads and a capacity change compares.
type CapacityLine struct {
	Year                  int
	Location              int
	Category, TargetGroup string
	PlaceType             string
	OfferID, OfferName    string // "" for a line without an offer
	Ownership             string
	Agreement             bool
	Places                int64
}

// YesNo are the words a yes/no cell may hold (in any case), and what each means.
var YesNo = map[string]bool{
	"ja": true, "j": true, "x": true, "1": true, "true": true, "sand": true, "yes": true, "y": true,
	"nej": false, "n": false, "0": false, "false": false, "falsk": false, "no": false,
}

// MaxWhole bounds the whole part of numbers (DECIMAL(18,2) holds 16 digits before the point).
const MaxWhole = 1_000_000_000_000_000

// PlausibleYear reports a year a user may ask for (a filter or `publish YEAR`): 1990 to 2100. What ingest
// accepts is configured (Limits).
func PlausibleYear(y int) bool { return y >= 1990 && y <= 2100 }

// PurchaseFlow is the full-year places (in hundredths) a municipality bought in a year for a target group and
// place type in offers located in one municipality (Location 0: the offer is not among the year's offers).
type PurchaseFlow struct {
	Year, Buyer, Location  int
	TargetGroup, PlaceType string
	PlacesH                int64
}

// TariffLine is an offer's tariff of one type in a year, with what the offers dataset says about the offer
// that year (Location 0 and no target groups when the offer is not among the year's offers).
type TariffLine struct {
	Year         int
	OfferID      string
	OfferName    string
	Location     int
	TargetGroups []string
	TariffType   string // as written, e.g. "døgntakst"
	AmountH      int64  // kroner in hundredths (øre)
}

// TariffPlaceType is the place type a tariff type is paid for: "doegn" for a døgntakst, "dag" for a dagtakst,
// "" for any other type (an hourly rate, a one-off fee).
func TariffPlaceType(tariffType string) string {
	t := strings.ToLower(tariffType)
	switch {
	case strings.Contains(t, "døgn") || strings.Contains(t, "doegn"):
		return "doegn"
	case strings.HasPrefix(t, "dag"):
		return "dag"
	}
	return ""
}
