package data

import (
	_ "embed"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"
)

// The configuration file is TOML with the sections [analysis] (the thresholds of the analysis package) and
// [ingest] (Limits). data/config.toml holds the defaults, with a comment on every key; a file given with
// --config overrides any of its keys.

//go:embed config.toml
var defaultConfig []byte

// DefaultConfig returns the shipped configuration file.
func DefaultConfig() []byte { return append([]byte(nil), defaultConfig...) }

// configSections are the sections a configuration file may have.
var configSections = []string{"analysis", "ingest"}

// DecodeConfig decodes section ("analysis", "ingest") of a configuration file into v, a pointer to a struct
// with toml tags, over what v holds. A section or key the file should not have, or a value of the wrong type,
// is an error that names it.
func DecodeConfig(file []byte, section string, v any) error {
	var sections map[string]toml.Primitive
	md, err := toml.Decode(string(file), &sections)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("config: line %d: %s", pe.Position.Line, pe.Message)
		}
		return fmt.Errorf("config: %w", err)
	}
	for _, k := range md.Keys() {
		if len(k) == 1 && !slices.Contains(configSections, k[0]) {
			return fmt.Errorf("config: unknown section or key %q (sections: %s)", k[0], strings.Join(configSections, ", "))
		}
	}
	if p, ok := sections[section]; ok {
		if err := md.PrimitiveDecode(p, v); err != nil {
			return fmt.Errorf("config: [%s]: %w", section, err)
		}
	}
	for _, k := range md.Undecoded() {
		if len(k) > 1 && k[0] == section {
			return fmt.Errorf("config: unknown key %q in [%s] (keys: %s)", strings.Join(k[1:], "."), section,
				strings.Join(configKeys(v), ", "))
		}
	}
	return nil
}

// configKeys lists the toml keys of the struct v points to.
func configKeys(v any) []string {
	t := reflect.TypeOf(v).Elem()
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		if k, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ","); k != "" && k != "-" {
			keys = append(keys, k)
		}
	}
	return keys
}

// Limits are the ranges ingest accepts.
type Limits struct {
	MinYear int `toml:"min_year"`
	MaxYear int `toml:"max_year"`
	// OccupancyTolerancePct: occupied full-year places may exceed the places by this many percent
	// (over-occupancy is real, but 30 occupied of 12 places is a typing error).
	OccupancyTolerancePct int64 `toml:"occupancy_tolerance_pct"`
	// MaxUploadMB bounds an upload to the server, in MiB.
	MaxUploadMB int64 `toml:"max_upload_mb"`
}

// DefaultLimits returns the shipped limits.
func DefaultLimits() Limits {
	l, err := ParseLimits(nil)
	if err != nil {
		panic(err) // the embedded file is covered by tests
	}
	return l
}

// ParseLimits reads the [ingest] section of a configuration file over the defaults; nil gives the defaults.
func ParseLimits(file []byte) (Limits, error) {
	var l Limits
	if err := DecodeConfig(defaultConfig, "ingest", &l); err != nil {
		return l, err
	}
	if file != nil {
		if err := DecodeConfig(file, "ingest", &l); err != nil {
			return l, err
		}
	}
	switch {
	case l.MinYear < 1900 || l.MinYear > 2200:
		return l, fmt.Errorf("config: [ingest] min_year = %d: must be between 1900 and 2200", l.MinYear)
	case l.MaxYear < l.MinYear || l.MaxYear > 2200:
		return l, fmt.Errorf("config: [ingest] max_year = %d: must be between min_year (%d) and 2200", l.MaxYear, l.MinYear)
	case l.OccupancyTolerancePct < 0:
		return l, fmt.Errorf("config: [ingest] occupancy_tolerance_pct = %d: must not be negative", l.OccupancyTolerancePct)
	case l.MaxUploadMB < 1 || l.MaxUploadMB > 100:
		return l, fmt.Errorf("config: [ingest] max_upload_mb = %d: must be between 1 and 100", l.MaxUploadMB)
	}
	return l, nil
}
