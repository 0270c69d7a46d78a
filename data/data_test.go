package data

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func TestMunicipalities(t *testing.T) {
	all := Municipalities()
	if got, want := len(all), 98; got != want {
		t.Fatalf("municipalities: got %d, want %d", got, want)
	}
	seen := map[int]bool{}
	for _, m := range all {
		if seen[m.Code] {
			t.Errorf("code %d twice", m.Code)
		}
		seen[m.Code] = true
	}
	north := RegionMunicipalities(RegionCode)
	var names []string
	for _, m := range north {
		names = append(names, m.Name)
	}
	want := "Aalborg,Brønderslev,Frederikshavn,Hjørring,Jammerbugt,Læsø,Mariagerfjord,Morsø,Rebild,Thisted,Vesthimmerland"
	if got := strings.Join(names, ","); got != want {
		t.Errorf("region 1081: got %s, want %s", got, want)
	}
	if m, ok := MunicipalityByCode(825); !ok || m.Name != "Læsø" {
		t.Errorf("825: got %+v", m)
	}
}

func TestTargetGroupsCoverProduct(t *testing.T) {
	// the catalogue of PRODUCT.md, copied by hand
	for _, code := range []string{"autisme-boern", "autisme-voksne", "udviklingshaemning", "udviklingshaemning-dom",
		"udviklingshaemning-demens", "socialpsykiatri", "unge-psykisk", "selvskade-boern", "hjerneskade", "fysisk-handicap",
		"syn-hoerelse", "misbrug", "spiseforstyrrelse", "gravide-misbrug", "hjemloeshed", "boern-sygepleje"} {
		g, ok := TargetGroupByCode(code)
		if !ok || g.NameDA == "" || g.NameEN == "" {
			t.Errorf("%s: got %+v, %v", code, g, ok)
		}
	}
	if g, _ := TargetGroupByCode("autisme-boern"); g.NameDA != "Børn og unge med autisme" {
		t.Errorf("autisme-boern: got %q", g.NameDA)
	}
}

// Every target group belongs to one focus area of the catalogue, and every focus area has a group; the
// agreement's focus areas 1 and 2 hold social psychiatry and older citizens with dementia.
func TestFocusAreas(t *testing.T) {
	areas := map[string]int{}
	for _, a := range FocusAreas() {
		if a.NameDA == "" || a.NameEN == "" {
			t.Errorf("focus area %+v without a name", a)
		}
		areas[a.Code] = 0
	}
	for _, g := range TargetGroups() {
		if _, ok := areas[g.FocusArea]; !ok {
			t.Errorf("%s: focus area %q is not in the catalogue", g.Code, g.FocusArea)
		}
		areas[g.FocusArea]++
	}
	for code, n := range areas {
		if n == 0 {
			t.Errorf("focus area %s has no target group", code)
		}
	}
	if g, _ := TargetGroupByCode("socialpsykiatri"); g.FocusArea != "psykiatri" {
		t.Errorf("socialpsykiatri in %q", g.FocusArea)
	}
	if g, _ := TargetGroupByCode("udviklingshaemning-demens"); g.FocusArea != "alderdom" {
		t.Errorf("udviklingshaemning-demens in %q", g.FocusArea)
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Beliggenheds-kommune", "beliggenhedskommune"},
		{" Forudsat_Belægning ", "forudsatbelaegning"},
		{"Tilbuds.ID", "tilbudsid"},
		{"Døgn", "doegn"},
		{"Målgruppe", "maalgruppe"},
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestVocabularies(t *testing.T) {
	for _, tc := range []struct {
		v        *Vocabulary
		in, want string
	}{
		{PlaceTypeVocabulary(), "Døgn", "doegn"},
		{PlaceTypeVocabulary(), "doegn", "doegn"},
		{PlaceTypeVocabulary(), "Dagtilbud", "dag"},
		{OwnershipVocabulary(), "Kommunal", "kommunal"},
		{MunicipalityVocabulary(), "Broenderslev", "810"},
		{MunicipalityVocabulary(), "Brønderslev Kommune", "810"},
		{MunicipalityVocabulary(), "825", "825"},
		{MunicipalityVocabulary(), "laesoe", "825"},
		{TargetGroupVocabulary(), "Børn og unge med autisme", "autisme-boern"},
		{TargetGroupVocabulary(), "AUTISME_BOERN", "autisme-boern"},
	} {
		got, ok, _ := tc.v.Match(tc.in)
		if !ok || got != tc.want {
			t.Errorf("Match(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
	if _, ok, _ := MunicipalityVocabulary().Match("Aalborgg"); ok {
		t.Error("Aalborgg matched")
	}
	if got := MunicipalityVocabulary().Nearest("Aalborgg", 1); len(got) != 1 || got[0] != "851" {
		t.Errorf("Nearest(Aalborgg) = %v, want [851]", got)
	}
}

func TestDatasetsAreConsistent(t *testing.T) {
	if got, want := len(Datasets), 7; got != want {
		t.Fatalf("datasets: got %d, want %d", got, want)
	}
	for _, d := range Datasets {
		names := map[string]string{}
		for _, c := range d.Columns {
			for _, n := range append([]string{c.Name}, c.Aliases...) {
				k := Normalize(n)
				if prev, ok := names[k]; ok && prev != c.Name {
					t.Errorf("%s: %q names both %s and %s", d.Name, n, prev, c.Name)
				}
				names[k] = c.Name
			}
		}
		for _, k := range append(append([]string(nil), d.Key...), d.Unique...) {
			if _, ok := d.Column(k); !ok {
				t.Errorf("%s: key column %s does not exist", d.Name, k)
			}
		}
		if b, _, err := DemoFile(d.Name); err != nil || len(b) == 0 {
			t.Errorf("%s: no demo file: %v", d.Name, err)
		}
		if got, ok := DatasetByName(d.NameDA); !ok || got != d {
			t.Errorf("DatasetByName(%q) failed", d.NameDA)
		}
	}
}

func TestCategory(t *testing.T) {
	for _, tc := range []struct {
		own  string
		agr  bool
		want string
	}{
		{"regional", false, "socialaftale"}, {"regional", true, "socialaftale"},
		{"kommunal", true, "socialaftale"}, {"kommunal", false, "kommunal"}, {"privat", false, "privat"},
	} {
		if got := Category(tc.own, tc.agr); got != tc.want {
			t.Errorf("Category(%s, %v) = %s, want %s", tc.own, tc.agr, got, tc.want)
		}
	}
	capacity, _ := DatasetByName("capacity")
	if v := capacity.Rules(Row{"ownership": "privat", "agreement": true, "offer_id": nil, "location": int64(851)}, DefaultLimits()); len(v) != 1 || v[0].Column != "agreement" {
		t.Errorf("private agreement line: got %+v", v)
	}
	// 12 places: 13,20 occupied is 10 % over (allowed), 13,21 is more
	for _, tc := range []struct {
		occ  Hundredths
		want int
	}{{1320, 0}, {1321, 1}} {
		v := capacity.Rules(Row{"ownership": "kommunal", "location": int64(851), "places": int64(12), "occupied": tc.occ}, DefaultLimits())
		if len(v) != tc.want {
			t.Errorf("occupied %v of 12: %+v", tc.occ, v)
		}
	}
}

func TestLimits(t *testing.T) {
	l := DefaultLimits()
	if l.MinYear != 2000 || l.MaxYear != 2050 || l.OccupancyTolerancePct != 10 {
		t.Errorf("defaults: %+v", l)
	}
	l, err := ParseLimits([]byte("[ingest]\nmax_year = 2030\n"))
	if err != nil || l.MaxYear != 2030 || l.MinYear != 2000 {
		t.Errorf("override: %+v %v", l, err)
	}
	if _, err := ParseLimits([]byte("[ingest]\nmin_year = 2040\nmax_year = 2030\n")); err == nil || !strings.Contains(err.Error(), "max_year = 2030") {
		t.Errorf("inconsistent limits: %v", err)
	}
}

func TestRegionGeoJSON(t *testing.T) {
	var fc struct {
		Features []struct {
			Properties struct {
				Kode string `json:"kommunekode"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal(RegionGeoJSON(), &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 11 {
		t.Fatalf("features: got %d, want 11", len(fc.Features))
	}
	for _, f := range fc.Features {
		code, _ := strconv.Atoi(f.Properties.Kode)
		if m, ok := MunicipalityByCode(code); !ok || m.RegionCode != RegionCode {
			t.Errorf("feature %s is not a municipality of the region", f.Properties.Kode)
		}
	}
}

func TestHundredths(t *testing.T) {
	for _, tc := range []struct {
		h    Hundredths
		want string
	}{{1690, "16.90"}, {5, "0.05"}, {-250, "-2.50"}} {
		if got := tc.h.String(); got != tc.want {
			t.Errorf("%d: got %s, want %s", tc.h, got, tc.want)
		}
	}
}

// Every canonical code is a spelling of itself (the fast path of ingest relies on it).
func TestCodesMatchThemselves(t *testing.T) {
	for _, v := range []*Vocabulary{PlaceTypeVocabulary(), OwnershipVocabulary(), TargetGroupVocabulary(), MunicipalityVocabulary()} {
		for _, c := range v.Codes() {
			if got, ok, _ := v.Match(c); !ok || got != c {
				t.Errorf("Match(%q) = %q, %v", c, got, ok)
			}
		}
	}
}
