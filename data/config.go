package data

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

// The configuration file (data/config.json holds the defaults; --config FILE overrides any of its fields):
// {"analysis": {thresholds of the analysis package}, "ingest": {limits of ingest}}.

//go:embed config.json
var defaultConfig []byte

// DefaultConfig returns the shipped configuration file, JSON.
func DefaultConfig() []byte { return append([]byte(nil), defaultConfig...) }

// ConfigSection returns section ("analysis", "ingest") of a configuration file, or nil when it has none.
func ConfigSection(file []byte, section string) (json.RawMessage, error) {
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(file, &sections); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	for k := range sections {
		if k != "analysis" && k != "ingest" {
			return nil, fmt.Errorf("config: unknown section %q (sections: analysis, ingest)", k)
		}
	}
	return sections[section], nil
}

// Limits are the ranges ingest accepts.
type Limits struct {
	MinYear int `json:"min_year"`
	MaxYear int `json:"max_year"`
	// OccupancyTolerancePct: occupied full-year places may exceed the places by this many percent
	// (over-occupancy is real, but 30 occupied of 12 places is a typing error).
	OccupancyTolerancePct int64 `json:"occupancy_tolerance_pct"`
}

// DefaultLimits returns the shipped limits.
func DefaultLimits() Limits {
	l, err := ParseLimits(nil)
	if err != nil {
		panic(err) // the embedded file is covered by tests
	}
	return l
}

// ParseLimits reads the "ingest" section of a configuration file over the defaults; nil gives the defaults.
func ParseLimits(file []byte) (Limits, error) {
	var l Limits
	def, err := ConfigSection(defaultConfig, "ingest")
	if err != nil {
		return l, err
	}
	if err := json.Unmarshal(def, &l); err != nil {
		return l, err
	}
	if file != nil {
		sec, err := ConfigSection(file, "ingest")
		if err != nil {
			return l, err
		}
		if sec != nil {
			if err := json.Unmarshal(sec, &l); err != nil {
				return l, fmt.Errorf("config: ingest: %w", err)
			}
		}
	}
	if l.MinYear < 1900 || l.MaxYear < l.MinYear || l.OccupancyTolerancePct < 0 {
		return l, fmt.Errorf("config: ingest: inconsistent limits %+v", l)
	}
	return l, nil
}
