package analysis

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// smallInts are the decimal strings of 0-2999 (years, area codes, counts), made once: sentences, ids and
// links write many of them.
var smallInts = func() (t [3000]string) {
	for i := range t {
		t[i] = strconv.Itoa(i)
	}
	return t
}()

// itoa is strconv.Itoa, without an allocation for 0-2999.
func itoa(n int) string {
	if n >= 0 && n < len(smallInts) {
		return smallInts[n]
	}
	return strconv.Itoa(n)
}

// FormatInt writes n with thousands separators: "1.234" in Danish, "1,234" in English.
func FormatInt(n int64, lang string) string {
	if n >= 0 && n < 1000 {
		return itoa(int(n)) // no separator, no allocation
	}
	if n > -1000 && n < 0 {
		return strconv.FormatInt(n, 10)
	}
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
	return percent(FormatInt(RoundDiv(100*num, den), lang), lang)
}

// percent adds the percent sign as each language writes it: "10 %", "10%".
func percent(s, lang string) string {
	if lang == "en" {
		return s + "%"
	}
	return s + " %"
}

// PctOneDecimal formats num/den as a percent with one decimal for tables: "10,5 %" / "10.5%".
func PctOneDecimal(num, den int64, lang string) string {
	if den <= 0 {
		return "–"
	}
	return percent(formatDecimals(RoundDiv(1000*num, den), 1, lang), lang) // tenths of a percent
}

// percentHundredths writes a percent given in hundredths of a percent with the decimals it has: "97,4 %",
// "95 %", "2,55 %" (a budget or a frame: a given number, shown as it is).
func percentHundredths(h int64, lang string) string {
	switch {
	case h%100 == 0:
		return percent(formatDecimals(h/100, 0, lang), lang)
	case h%10 == 0:
		return percent(formatDecimals(h/10, 1, lang), lang)
	}
	return percent(formatDecimals(h, 2, lang), lang)
}

// FormatHundredths writes an exact decimal with one decimal ("16,9"), for full-year places.
func FormatHundredths(h int64, lang string) string {
	return formatDecimals(RoundDiv(h, 10), 1, lang)
}

// formatDecimals writes n / 10^d with d decimals: formatDecimals(169, 1, "da") is "16,9".
func formatDecimals(n int64, d int, lang string) string {
	if d == 0 {
		return FormatInt(n, lang)
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	dec := ","
	if lang == "en" {
		dec = "."
	}
	p := int64(math.Pow10(d))
	return sign + FormatInt(n/p, lang) + dec + fmt.Sprintf("%0*d", d, n%p)
}

// clear writes v with as few decimals (none, one or two) as keep it reading as ok says: a number rounded
// for a sentence must not contradict the exact comparison behind the finding ("34" is not more than 34).
func clear(v float64, ok func(shown float64) bool, lang string) string {
	for d := 0; ; d++ {
		p := math.Pow10(d)
		n := math.Round(v * p)
		if d == 2 || ok(n/p) {
			return formatDecimals(int64(n), d, lang)
		}
	}
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
