package data

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strconv"
)

//go:embed reference/*.csv reference/*.geojson
var referenceFS embed.FS

// RegionCode is the area code of Region Nordjylland, the region Kapacitet covers. Areas are either this
// code or a municipality code.
const RegionCode = 1081

// The region's name as pages say it ("Pladser i Nordjylland").
const (
	RegionNameDA = "Nordjylland"
	RegionNameEN = "North Jutland"
)

// Municipality is one of the 98 Danish municipalities.
type Municipality struct {
	Code       int    // kommunekode, no leading zero
	Name       string // Danish name
	RegionCode int    // 1081..1085
	RegionName string
}

// TargetGroup is an entry of the target-group catalogue (målgrupper). Codes are stable.
type TargetGroup struct {
	Code      string
	NameDA    string
	NameEN    string
	FocusArea string // the code of its focus area (FocusAreas)
}

// FocusArea groups target groups in the yearly report: Nordjysk Socialaftale's focus areas 1 (social
// psychiatry) and 2 (a good old age), and the other groups by the sector's usual division (children and
// young people, adults with disabilities, the socially vulnerable). Focus area 3 (effective, knowledge-based
// solutions) concerns every group and has none of its own.
type FocusArea struct {
	Code, NameDA, NameEN string
}

// Name returns the area's name in lang ("en" or Danish for anything else).
func (a FocusArea) Name(lang string) string {
	if lang == "en" {
		return a.NameEN
	}
	return a.NameDA
}

// FocusAreas lists the focus areas in the report's order.
func FocusAreas() []FocusArea { return append([]FocusArea(nil), focusAreas...) }

// Name returns the group's name in lang ("en" or Danish for anything else).
func (g TargetGroup) Name(lang string) string {
	if lang == "en" {
		return g.NameEN
	}
	return g.NameDA
}

// Population is the number of inhabitants of a municipality on 1 January of a year.
type Population struct {
	Municipality int
	Year         int
	Inhabitants  int
	Source       string // FOLK1A or estimate
}

var (
	municipalities []Municipality
	municipalityBy map[int]Municipality
	targetGroups   []TargetGroup
	targetGroupBy  map[string]TargetGroup
	focusAreas     []FocusArea
	population     []Population
)

func init() {
	for _, r := range mustCSV("reference/kommuner.csv") {
		municipalities = append(municipalities, Municipality{
			Code: mustAtoi(r[0]), Name: r[1], RegionCode: mustAtoi(r[2]), RegionName: r[3],
		})
	}
	municipalityBy = make(map[int]Municipality, len(municipalities))
	for _, m := range municipalities {
		municipalityBy[m.Code] = m
	}
	for _, r := range mustCSV("reference/maalgrupper.csv") {
		targetGroups = append(targetGroups, TargetGroup{Code: r[0], NameDA: r[1], NameEN: r[2], FocusArea: r[3]})
	}
	for _, r := range mustCSV("reference/fokusomraader.csv") {
		focusAreas = append(focusAreas, FocusArea{Code: r[0], NameDA: r[1], NameEN: r[2]})
	}
	targetGroupBy = make(map[string]TargetGroup, len(targetGroups))
	for _, g := range targetGroups {
		targetGroupBy[g.Code] = g
	}
	for _, r := range mustCSV("reference/befolkning.csv") {
		population = append(population, Population{
			Municipality: mustAtoi(r[0]), Year: mustAtoi(r[1]), Inhabitants: mustAtoi(r[2]), Source: r[3],
		})
	}
	buildVocabularies()
}

// mustCSV reads an embedded reference CSV without its header. The files are part of the binary, so a broken
// one is a programming error caught by the package's tests.
func mustCSV(name string) [][]string {
	b, err := referenceFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		panic(fmt.Sprintf("data: %s: %v", name, err))
	}
	return recs[1:]
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

// Municipalities returns the 98 municipalities in the order of kommuner.csv.
func Municipalities() []Municipality { return append([]Municipality(nil), municipalities...) }

// RegionMunicipalities returns the municipalities of region code, sorted by name.
func RegionMunicipalities(region int) []Municipality {
	var out []Municipality
	for _, m := range municipalities {
		if m.RegionCode == region {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// InRegion reports whether code is a municipality of the region Kapacitet analyses (RegionCode).
func InRegion(code int) bool {
	m, ok := municipalityBy[code]
	return ok && m.RegionCode == RegionCode
}

// MunicipalityByCode returns the municipality with code, and false when there is none.
func MunicipalityByCode(code int) (Municipality, bool) {
	m, ok := municipalityBy[code]
	return m, ok
}

// AreaName returns the Danish name of an area: the region or a municipality.
func AreaName(code int) string {
	if code == RegionCode {
		return "Region " + RegionNameDA
	}
	if m, ok := municipalityBy[code]; ok {
		return m.Name
	}
	return strconv.Itoa(code)
}

// TargetGroups returns the catalogue in its stable order.
func TargetGroups() []TargetGroup { return append([]TargetGroup(nil), targetGroups...) }

// TargetGroupByCode returns the group with code, and false when there is none.
func TargetGroupByCode(code string) (TargetGroup, bool) {
	g, ok := targetGroupBy[code]
	return g, ok
}

// ReferencePopulation returns the shipped population figures of the region's municipalities.
func ReferencePopulation() []Population { return append([]Population(nil), population...) }

// RegionGeoJSON returns the map of the region's municipalities (properties kommunekode, kommune).
// Boundaries: Geodatastyrelsen & Danske Kommuner, FOT 2014, simplified.
func RegionGeoJSON() []byte {
	b, err := referenceFS.ReadFile("reference/nordjylland.geojson")
	if err != nil {
		panic(err)
	}
	return b
}
