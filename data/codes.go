package data

import (
	"sort"
	"strconv"
	"strings"
)

// Code is one entry of a small coded catalogue: the canonical code stored, its Danish and English names and
// further spellings accepted on input.
type Code struct {
	Code    string
	NameDA  string
	NameEN  string
	Aliases []string
}

// Name returns the entry's name in lang ("en" or Danish for anything else).
func (c Code) Name(lang string) string {
	if lang == "en" {
		return c.NameEN
	}
	return c.NameDA
}

// Place types. PlaceTypeAll ("alle") is an analysis level, never a stored value.
var PlaceTypes = []Code{
	{Code: "dag", NameDA: "dagpladser", NameEN: "day places", Aliases: []string{"dagplads", "dagtilbud", "day"}},
	{Code: "doegn", NameDA: "døgnpladser", NameEN: "residential places", Aliases: []string{"døgnplads", "døgntilbud", "residential"}},
}

// PlaceTypeAll is the analysis level that sums day and residential places.
var PlaceTypeAll = Code{Code: "alle", NameDA: "dag- og døgnpladser", NameEN: "day and residential places"}

// Ownerships (driftsform) of an offer or a capacity line.
var Ownerships = []Code{
	{Code: "kommunal", NameDA: "kommunal", NameEN: "municipal", Aliases: []string{"kommune", "municipal"}},
	{Code: "regional", NameDA: "regional", NameEN: "regional", Aliases: []string{"region"}},
	{Code: "privat", NameDA: "privat", NameEN: "private", Aliases: []string{"private", "selvejende"}},
}

// Categories of places as published in the agreement. The category is derived (see Category), never typed in.
var Categories = []Code{
	{Code: "kommunal", NameDA: "Kommunale pladser", NameEN: "Municipal places"},
	{Code: "privat", NameDA: "Private pladser", NameEN: "Private places"},
	{Code: "socialaftale", NameDA: "Nordjysk Socialaftale-pladser", NameEN: "Agreement places"},
}

// Category derives a place's category from its ownership and agreement flag: regional → socialaftale;
// kommunal with agreement → socialaftale; kommunal without → kommunal; privat → privat. A private line marked
// as agreement is invalid and reported by the capacity rules before this is called.
func Category(ownership string, agreement bool) string {
	switch {
	case ownership == "regional", ownership == "kommunal" && agreement:
		return "socialaftale"
	default:
		return ownership
	}
}

// CodeByCode finds the entry with the canonical code c.
func CodeByCode(list []Code, c string) (Code, bool) {
	for _, e := range list {
		if e.Code == c {
			return e, true
		}
	}
	return Code{}, false
}

// PlaceTypeByCode finds a place type of the analysis: dag, doegn or alle (both).
func PlaceTypeByCode(c string) (Code, bool) {
	if c == PlaceTypeAll.Code {
		return PlaceTypeAll, true
	}
	return CodeByCode(PlaceTypes, c)
}

// Normalize folds a header or coded value for forgiving matching: lower case, without spaces, '_', '-' and
// '.', with æ, ø, å written as ae, oe, aa.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(s)) {
		switch r {
		case ' ', '_', '-', '.', '\u00a0':
		case 'æ':
			b.WriteString("ae")
		case 'ø':
			b.WriteString("oe")
		case 'å':
			b.WriteString("aa")
		case 'é':
			b.WriteByte('e')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Vocabulary maps normalized spellings to canonical codes. Built from a catalogue, it is what ingest matches
// coded values against.
type Vocabulary struct {
	byKey map[string]string
	keys  []string // normalized spellings, for "did you mean"
	codes []string // canonical codes in catalogue order
}

func newVocabulary() *Vocabulary { return &Vocabulary{byKey: map[string]string{}} }

func (v *Vocabulary) add(code string, spellings ...string) {
	v.codes = append(v.codes, code)
	for _, s := range append([]string{code}, spellings...) {
		k := Normalize(s)
		if k == "" {
			continue
		}
		if prev, ok := v.byKey[k]; ok && prev != code {
			v.byKey[k] = "" // ambiguous spelling: matches more than one code
			continue
		}
		if _, ok := v.byKey[k]; !ok {
			v.keys = append(v.keys, k)
		}
		v.byKey[k] = code
	}
}

// Match returns the canonical code for s. ambiguous is true when s is a spelling of more than one code.
func (v *Vocabulary) Match(s string) (code string, ok, ambiguous bool) {
	c, found := v.byKey[Normalize(s)]
	if !found {
		return "", false, false
	}
	if c == "" {
		return "", false, true
	}
	return c, true, false
}

// Entries returns every unambiguous normalized spelling with its code.
func (v *Vocabulary) Entries() map[string]string {
	out := make(map[string]string, len(v.byKey))
	for k, c := range v.byKey {
		if c != "" {
			out[k] = c
		}
	}
	return out
}

// Codes returns the canonical codes in catalogue order.
func (v *Vocabulary) Codes() []string { return append([]string(nil), v.codes...) }

// Nearest returns up to n canonical codes whose spellings are closest to s (edit distance), best first.
func (v *Vocabulary) Nearest(s string, n int) []string {
	key := Normalize(s)
	type cand struct {
		code string
		d    int
	}
	best := map[string]int{}
	for _, k := range v.keys {
		c := v.byKey[k]
		if c == "" {
			continue
		}
		d := editDistance(key, k)
		if old, ok := best[c]; !ok || d < old {
			best[c] = d
		}
	}
	var cs []cand
	for _, c := range v.codes {
		if d, ok := best[c]; ok {
			cs = append(cs, cand{c, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < n; i++ {
		out = append(out, cs[i].code)
	}
	return out
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func codeVocabulary(list []Code) *Vocabulary {
	v := newVocabulary()
	for _, c := range list {
		v.add(c.Code, append([]string{c.NameDA, c.NameEN}, c.Aliases...)...)
	}
	return v
}

var (
	placeTypeVocab    = codeVocabulary(PlaceTypes)
	ownershipVocab    = codeVocabulary(Ownerships)
	targetGroupVocab  *Vocabulary
	municipalityVocab *Vocabulary
)

// buildVocabularies runs after the catalogues are read (reference.go's init).
func buildVocabularies() {
	targetGroupVocab = newVocabulary()
	for _, g := range targetGroups {
		targetGroupVocab.add(g.Code, g.NameDA, g.NameEN)
	}
	municipalityVocab = newVocabulary()
	for _, m := range municipalities {
		municipalityVocab.add(strconv.Itoa(m.Code), m.Name, m.Name+" Kommune")
	}
}

// PlaceTypeVocabulary, OwnershipVocabulary, TargetGroupVocabulary and MunicipalityVocabulary are the
// vocabularies coded input values are matched against.
func PlaceTypeVocabulary() *Vocabulary    { return placeTypeVocab }
func OwnershipVocabulary() *Vocabulary    { return ownershipVocab }
func TargetGroupVocabulary() *Vocabulary  { return targetGroupVocab }
func MunicipalityVocabulary() *Vocabulary { return municipalityVocab }
