// Package analysis turns supply, demand, survey and occupancy series into findings with plain Danish (and
// English) sentences. Pure Go: no database, no HTTP.
package analysis

import (
	"encoding/json"
	"fmt"

	"github.com/kapacitet/kapacitet/data"
)

// Config holds every threshold of the rules. Percentages are whole percent so that comparisons stay exact.
type Config struct {
	MinGap              int64 `json:"min_gap"`                // places
	ShortagePct         int64 `json:"shortage_pct"`           // gap ≥ this % of demand
	CriticalPct         int64 `json:"critical_pct"`           // gap ≥ this % of demand
	SurplusPct          int64 `json:"surplus_pct"`            // surplus ≥ this % of demand
	MinYearsForForecast int   `json:"min_years_for_forecast"` // years of demand needed for a forecast
	ForecastYears       int   `json:"forecast_years"`         // years forecast
	AtRiskPoints        int64 `json:"at_risk_points"`         // occupancy more than this below budget
	OverOccupancyPct    int64 `json:"over_occupancy_pct"`     // occupancy above this
}

// DefaultConfig returns the shipped thresholds (data/analysis.json).
func DefaultConfig() Config {
	c, err := ParseConfig(data.AnalysisDefaults())
	if err != nil {
		panic(err) // the embedded file is covered by tests
	}
	return c
}

// ParseConfig reads a JSON configuration; fields it leaves out keep their defaults.
func ParseConfig(b []byte) (Config, error) {
	var c Config
	if d := data.AnalysisDefaults(); string(d) != string(b) {
		c = DefaultConfig()
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return Config{}, fmt.Errorf("analysis: config: %w", err)
	}
	if c.MinYearsForForecast < 2 || c.ForecastYears < 1 || c.ShortagePct > c.CriticalPct {
		return Config{}, fmt.Errorf("analysis: config: inconsistent thresholds %+v", c)
	}
	return c, nil
}
