package ingest

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"slices"

	"github.com/kapacitet/kapacitet/data"
)

// fieldRule is what the numbering pass checks in one field of a fast-path file and how it normalises the
// field for the duplicate check.
type fieldRule uint8

const (
	ruleNone      fieldRule = iota // not checked
	ruleWhole                      // a year or whole number: digits without a leading zero (or "0"), or empty
	ruleCode                       // a municipality code: digits, leading zeros allowed ("0851"), or empty
	ruleWord                       // a code or yes/no word: ASCII, compared in lower case
	ruleYesNo                      // a yes/no word: ASCII, one of data.YesNo in lower case, or empty
	ruleText                       // free text, as it is
	ruleUnchecked                  // a unique column the pass cannot normalise: no duplicate check in Go
)

// lineCheck checks, while the fast path numbers the lines of a file, that every year, whole number and
// municipality code is plain digits (so that DuckDB can read those columns typed, which is faster than
// reading text and casting it back), and hashes each line's unique columns, normalised to the values ingest
// stores, so that duplicates are found in Go instead of by a query over the loaded rows.
type lineCheck struct {
	sep    byte
	fields int
	rules  []fieldRule // per field of the file
	unique []bool      // per field: a unique column of the dataset (absent columns are NULL on every line)
	seed   maphash.Seed
}

// newLineCheck builds the check for dataset d read through index (dataset column → field, -1 when absent),
// or nil when the separator is not one byte, the file has quotes or a unique column has a kind the pass
// cannot normalise.
func newLineCheck(d *data.Dataset, index []int, fields int, sep rune, content []byte) *lineCheck {
	if sep >= 0x80 || bytes.IndexByte(content, '"') >= 0 {
		return nil
	}
	c := &lineCheck{sep: byte(sep), fields: fields, rules: make([]fieldRule, fields), unique: make([]bool, fields),
		seed: maphash.MakeSeed()}
	for i, col := range d.Columns {
		f := index[i]
		if f < 0 {
			continue
		}
		switch col.Kind {
		case data.KindYear, data.KindInt:
			c.rules[f] = ruleWhole
		case data.KindMunicipality:
			c.rules[f] = ruleCode
		case data.KindPlaceType, data.KindOwnership, data.KindTargetGroup:
			c.rules[f] = ruleWord
		case data.KindBool:
			c.rules[f] = ruleYesNo
		case data.KindText:
			c.rules[f] = ruleText
		default:
			c.rules[f] = ruleUnchecked
		}
		if slices.Contains(d.Unique, col.Name) {
			if c.rules[f] == ruleUnchecked {
				return nil
			}
			c.unique[f] = true
		}
	}
	return c
}

// partResult is what the fast path found in one part of a file: whether it is valid UTF-8, has no white
// space but spaces, the separator and line ends (plainWhiteSpace), has spaces at the ends of fields
// (spacedFields) or upper-case letters after the header (hasUpper); and from the lines' check, plain is
// false when some line is not in the simple form the check reads (a field count other than the header's,
// a number that is not plain digits, a word that is not ASCII), and hashes are the lines' unique-column
// hashes.
type partResult struct {
	utf8, whiteSpace, spaced, upper bool
	plain                           bool
	hashes                          []uint64
	scratch                         [32]byte
	cuts                            []int // where the separators are in the current line
}

// yesNo is data.YesNo with the words packed by packWord and the normalised values (1 or 0).
var yesNo = func() []struct {
	word uint64
	norm []byte
} {
	var out []struct {
		word uint64
		norm []byte
	}
	for w, b := range data.YesNo {
		if len(w) > 8 {
			panic("ingest: a yes/no word longer than eight bytes: " + w)
		}
		norm := []byte{0}
		if b {
			norm = []byte{1}
		}
		out = append(out, struct {
			word uint64
			norm []byte
		}{packWord([]byte(w)), norm})
	}
	return out
}()

// packWord packs a word of at most eight bytes into a number (longer words give 0, which is no word).
func packWord(v []byte) uint64 {
	if len(v) > 8 || len(v) == 0 {
		return 0
	}
	var b [8]byte
	copy(b[:], v)
	return binary.LittleEndian.Uint64(b[:])
}

// line checks one line (without its line end; the file has no quotes) and appends its hash to r. key is
// scratch space, returned for the next line.
func (c *lineCheck) line(line []byte, r *partResult, key []byte) []byte {
	if !r.plain {
		return key
	}
	// find the separators eight bytes at a time, and whether the line has a byte beyond ASCII
	const ones, highs, lows = 0x0101010101010101, 0x8080808080808080, 0x7f7f7f7f7f7f7f7f
	sepw := ones * uint64(c.sep)
	cuts := r.cuts[:0]
	var high uint64
	i := 0
	for ; i+8 <= len(line); i += 8 {
		w := binary.LittleEndian.Uint64(line[i:])
		high |= w
		x := w ^ sepw
		m := ^((x&lows + lows) | x | lows) // the high bit of each byte equal to the separator
		for m != 0 {
			cuts = append(cuts, i+bits.TrailingZeros64(m)/8)
			m &= m - 1
		}
	}
	for ; i < len(line); i++ {
		high |= uint64(line[i])
		if line[i] == c.sep {
			cuts = append(cuts, i)
		}
	}
	if len(cuts) != c.fields-1 {
		r.plain = false
		return key
	}
	r.cuts = cuts
	ascii := high&highs == 0
	key = key[:0]
	start := 0
	for f, rule := range c.rules {
		end := len(line)
		if f < len(cuts) {
			end = cuts[f]
		}
		v := line[start:end]
		start = end + 1
		if rule == ruleNone || rule == ruleUnchecked {
			continue
		}
		if r.spaced && rule != ruleWhole && rule != ruleCode { // (no field of the part has spaces at its ends otherwise)
			v = bytes.Trim(v, " ")
		}
		norm, ok := c.plain(rule, v, r.scratch[:], ascii)
		if !ok {
			r.plain = false
			return key
		}
		if c.unique[f] {
			if len(v) == 0 { // NULL
				key = append(key, 0xff)
				continue
			}
			key = append(key, byte(len(norm)))
			key = append(key, norm...)
		}
	}
	r.hashes = append(r.hashes, maphash.Bytes(c.seed, key))
	return key
}

// plain reports whether v (a field, trimmed unless a number) is in the form rule asks for, and returns it
// normalised to the value ingest stores (in scratch when it changes): municipality codes without leading zeros, codes and yes/no words
// in lower case, yes/no as 1 or 0.
func (c *lineCheck) plain(rule fieldRule, v, scratch []byte, ascii bool) ([]byte, bool) {
	switch rule {
	case ruleWhole, ruleCode:
		if len(v) > 18 || rule == ruleWhole && len(v) > 1 && v[0] == '0' {
			return nil, false
		}
		for _, b := range v {
			if b-'0' > 9 {
				return nil, false
			}
		}
		if rule == ruleCode {
			v = bytes.TrimLeft(v, "0")
		}
	case ruleWord, ruleYesNo:
		if len(v) > 32 {
			return nil, false
		}
		for _, b := range v {
			if ascii {
				break
			}
			if b >= 0x80 {
				return nil, false
			}
		}
		v = asciiLower(v, scratch[:0]) // (whether the fast path compares codes in lower case or not)
		if rule == ruleYesNo && len(v) > 0 {
			w := packWord(v)
			for _, y := range yesNo {
				if y.word == w {
					return y.norm, true
				}
			}
			return nil, false
		}
	}
	return v, true
}

// asciiLower appends v in lower case (ASCII letters only) to buf.
func asciiLower(v, buf []byte) []byte {
	for _, b := range v {
		if b-'A' < 26 {
			b += 'a' - 'A'
		}
		buf = append(buf, b)
	}
	return buf
}

// duplicateHash reports whether two of the parts' hashes are equal; each part's hashes are sorted.
func duplicateHash(parts [][]uint64) bool {
	for _, p := range parts {
		for i := 1; i < len(p); i++ {
			if p[i] == p[i-1] {
				return true
			}
		}
	}
	// merge pairs of parts until one is left, looking for an equal pair across them
	for len(parts) > 1 {
		var next [][]uint64
		for i := 0; i+1 < len(parts); i += 2 {
			a, b := parts[i], parts[i+1]
			m := make([]uint64, 0, len(a)+len(b))
			for len(a) > 0 && len(b) > 0 {
				switch {
				case a[0] == b[0]:
					return true
				case a[0] < b[0]:
					m, a = append(m, a[0]), a[1:]
				default:
					m, b = append(m, b[0]), b[1:]
				}
			}
			next = append(next, append(append(m, a...), b...))
		}
		if len(parts)%2 == 1 {
			next = append(next, parts[len(parts)-1])
		}
		parts = next
	}
	return false
}

// radixSort sorts a (least significant byte first, eight passes).
func radixSort(a []uint64) {
	buf := make([]uint64, len(a))
	src, dst := a, buf
	for shift := 0; shift < 64; shift += 8 {
		var count [257]int
		for _, v := range src {
			count[(v>>shift)&0xff+1]++
		}
		for i := 1; i < 257; i++ {
			count[i] += count[i-1]
		}
		for _, v := range src {
			b := (v >> shift) & 0xff
			dst[count[b]] = v
			count[b]++
		}
		src, dst = dst, src
	}
}
