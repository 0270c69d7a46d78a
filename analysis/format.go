package analysis

import (
	"strconv"
	"strings"
)

// FormatInt writes n with thousands separators: "1.234" in Danish, "1,234" in English.
func FormatInt(n int64, lang string) string {
	sep := "."
	if lang == "en" {
		sep = ","
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// RoundDiv returns num/den rounded half away from zero, in integers. den must be > 0.
func RoundDiv(num, den int64) int64 {
	if num >= 0 {
		return (2*num + den) / (2 * den)
	}
	return -((-2*num + den) / (2 * den))
}

// PctWhole formats num/den as a whole percent for sentences: "10 %" (Danish), "10%" (English).
// It writes "–" when den is not positive.
func PctWhole(num, den int64, lang string) string {
	if den <= 0 {
		return "–"
	}
	p := FormatInt(RoundDiv(100*num, den), lang)
	if lang == "en" {
		return p + "%"
	}
	return p + " %"
}

// PctOneDecimal formats num/den as a percent with one decimal for tables: "10,5 %" / "10.5%".
func PctOneDecimal(num, den int64, lang string) string {
	if den <= 0 {
		return "–"
	}
	t := RoundDiv(1000*num, den) // tenths of a percent
	sign := ""
	if t < 0 {
		sign, t = "-", -t
	}
	dec := ","
	if lang == "en" {
		dec = "."
	}
	s := sign + FormatInt(t/10, lang) + dec + strconv.FormatInt(t%10, 10)
	if lang == "en" {
		return s + "%"
	}
	return s + " %"
}

// FormatHundredths writes an exact decimal with one decimal ("16,9"), for full-year places.
func FormatHundredths(h int64, lang string) string {
	t := RoundDiv(h, 10)
	dec := ","
	if lang == "en" {
		dec = "."
	}
	sign := ""
	if t < 0 {
		sign, t = "-", -t
	}
	return sign + FormatInt(t/10, lang) + dec + strconv.FormatInt(t%10, 10)
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
