package ingest

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/kapacitet/kapacitet/data"
)

// numberStyle is how a file writes numbers. Danish exports (CSV with ';' or tab) use thousands dots and a
// decimal comma ("1.234,5"); a comma-separated CSV, JSON, Parquet and spreadsheet number cells use a decimal
// point ("1234.5", "2.125", "2023.0", "1e3") and never thousands dots.
type numberStyle int

const (
	numbersDanish numberStyle = iota
	numbersPoint
)

// valueOpts is what parsing a cell needs besides the cell.
type valueOpts struct {
	limits data.Limits
	style  numberStyle
}

var (
	thousands   = regexp.MustCompile(`^-?[1-9]\d{0,2}(\.\d{3})+$`)
	decDanish   = regexp.MustCompile(`^-?[1-9]\d{0,2}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$`)
	decPlain    = regexp.MustCompile(`^-?\d+(\.\d+)?$`)
	floatText   = regexp.MustCompile(`^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$`)
	commaSimple = regexp.MustCompile(`^-?\d+,\d+$`)
)

// parseNumber reads a number in style as exact hundredths. tooLarge reports a number beyond data.MaxWhole.
func parseNumber(s string, style numberStyle) (h data.Hundredths, ok, tooLarge bool) {
	switch {
	case style == numbersDanish && thousands.MatchString(s):
		s = strings.ReplaceAll(s, ".", "")
	case style == numbersDanish && decPlain.MatchString(s):
	case style == numbersDanish && decDanish.MatchString(s):
		s = strings.ReplaceAll(strings.ReplaceAll(s, ".", ""), ",", ".")
	case style == numbersPoint && floatText.MatchString(s):
		if strings.ContainsAny(s, "eE") || len(s) > 17 {
			// a machine float: round to 15 significant digits (0.30000000000000004 is 0.3)
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return 0, false, false
			}
			r, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
			s = strconv.FormatFloat(r, 'f', -1, 64)
		}
	case style == numbersPoint && commaSimple.MatchString(s):
		s = strings.Replace(s, ",", ".", 1)
	default:
		return 0, false, false
	}
	s = strings.TrimPrefix(s, "+")
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	frac = strings.TrimRight(frac, "0")
	if len(whole) > 16 {
		return 0, false, true
	}
	if len(frac) > 2 {
		return 0, false, false
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false, false
	}
	if w >= data.MaxWhole {
		return 0, false, true
	}
	h = data.Hundredths(w*100 + f)
	if neg {
		h = -h
	}
	return h, true, false
}

// parseInt reads a whole number in style ("1.234" in Danish style, "1234.0" in point style).
func parseInt(s string, style numberStyle) (n int64, ok, tooLarge bool) {
	h, ok, tooLarge := parseNumber(s, style)
	if !ok || h%100 != 0 {
		return 0, false, tooLarge
	}
	return int64(h) / 100, true, false
}

// value parses one cell of column c. It returns the value (nil for an empty cell or "ved ikke") or a problem.
func value(c data.Column, raw string, o valueOpts) (any, *Problem) {
	lim := o.limits
	s := strings.TrimSpace(raw)
	if s == "" {
		if c.Required {
			return nil, &Problem{DA: "skal udfyldes", EN: "is required"}
		}
		return nil, nil
	}
	bad := func(da, en string) (any, *Problem) { return nil, &Problem{Value: raw, DA: da, EN: en} }
	switch c.Kind {
	case data.KindYear:
		n, ok, _ := parseInt(s, o.style)
		if !ok || n < int64(lim.MinYear) || n > int64(lim.MaxYear) {
			return bad(fmt.Sprintf("ikke et årstal mellem %d og %d", lim.MinYear, lim.MaxYear),
				fmt.Sprintf("not a year between %d and %d", lim.MinYear, lim.MaxYear))
		}
		return n, nil
	case data.KindInt:
		n, ok, tooLarge := parseInt(s, o.style)
		if tooLarge {
			return bad("tallet er for stort", "the number is too large")
		}
		if !ok {
			return bad("ikke et helt tal", "not a whole number")
		}
		if n < 0 {
			return bad("må ikke være negativ", "must not be negative")
		}
		return n, nil
	case data.KindDecimal:
		h, ok, tooLarge := parseNumber(s, o.style)
		if tooLarge {
			return bad("tallet er for stort", "the number is too large")
		}
		if !ok {
			return bad("ikke et tal med højst to decimaler", "not a number with at most two decimals")
		}
		if h < 0 {
			return bad("må ikke være negativ", "must not be negative")
		}
		return h, nil
	case data.KindBool:
		b, ok := data.YesNo[strings.ToLower(s)]
		if !ok {
			return bad("ikke ja/nej (brug Ja, Nej, x, 1, 0, true eller false)", "not yes/no (use Ja, Nej, x, 1, 0, true or false)")
		}
		return b, nil
	case data.KindScore:
		if data.Normalize(s) == "vedikke" {
			return nil, nil
		}
		n, ok, _ := parseInt(s, o.style)
		if !ok || n < 1 || n > 5 {
			return bad("ikke en opfyldelsesgrad fra 1 til 5 eller \"ved ikke\"", "not a score from 1 to 5 or \"ved ikke\"")
		}
		return n, nil
	case data.KindPlaceType:
		return coded(data.PlaceTypeVocabulary(), raw, "pladstype", "place type")
	case data.KindOwnership:
		return coded(data.OwnershipVocabulary(), raw, "driftsform", "ownership")
	case data.KindTargetGroup:
		return coded(data.TargetGroupVocabulary(), raw, "målgruppe", "target group")
	case data.KindMunicipality:
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			s = strconv.Itoa(n) // municipal systems write codes with leading zeros ("0851")
		}
		v, p := coded(data.MunicipalityVocabulary(), s, "kommune", "municipality")
		if p != nil {
			p.Value = raw
			return nil, p
		}
		n, _ := strconv.ParseInt(v.(string), 10, 64)
		return n, nil
	case data.KindTargetGroupList:
		var codes []string
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
			if strings.TrimSpace(part) == "" {
				continue
			}
			v, p := coded(data.TargetGroupVocabulary(), part, "målgruppe", "target group")
			if p != nil {
				p.Value = raw
				return nil, p
			}
			codes = append(codes, v.(string))
		}
		return codes, nil
	default:
		return s, nil
	}
}

// coded matches a coded value against a vocabulary; an unknown or ambiguous value names the nearest codes.
func coded(v *data.Vocabulary, raw, whatDA, whatEN string) (any, *Problem) {
	code, ok, ambiguous := v.Match(raw)
	if ok {
		return code, nil
	}
	var names []string
	for _, c := range v.Nearest(raw, 3) {
		if n, err := strconv.Atoi(c); err == nil {
			if m, ok := data.MunicipalityByCode(n); ok {
				c += " " + m.Name
			}
		}
		names = append(names, c)
	}
	near := strings.Join(names, ", ")
	if ambiguous {
		return nil, &Problem{Value: raw, DA: "tvetydig " + whatDA + "; mener du " + near + "?", EN: "ambiguous " + whatEN + "; did you mean " + near + "?"}
	}
	return nil, &Problem{Value: raw, DA: "ukendt " + whatDA + "; nærmeste: " + near, EN: "unknown " + whatEN + "; nearest: " + near}
}
