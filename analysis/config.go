// Package analysis turns supply, demand, survey and occupancy series into findings with plain Danish (and
// English) sentences. Pure Go: no database, no HTTP.
package analysis

import (
	"encoding/json"
	"fmt"
	"math"

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
	// TariffFramePct is the agreed yearly frame for tariff rises, in percent with up to two decimals (2,5).
	TariffFramePct float64 `json:"tariff_frame_pct"`
}

// tariffFrame is TariffFramePct in hundredths of a percent (250 for 2,5 %), for exact comparisons.
func (c Config) tariffFrame() int64 { return int64(math.Round(c.TariffFramePct * 100)) }

// DefaultConfig returns the shipped thresholds (data/config.json, section "analysis").
func DefaultConfig() Config {
	c, err := ParseConfig(nil)
	if err != nil {
		panic(err) // the embedded file is covered by tests
	}
	return c
}

// ParseConfig reads the "analysis" section of a configuration file over the defaults; nil gives the
// defaults. Fields the file leaves out keep their defaults.
func ParseConfig(file []byte) (Config, error) {
	var c Config
	def, err := data.ConfigSection(data.DefaultConfig(), "analysis")
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(def, &c); err != nil {
		return c, err
	}
	if file != nil {
		sec, err := data.ConfigSection(file, "analysis")
		if err != nil {
			return Config{}, err
		}
		if sec != nil {
			if err := json.Unmarshal(sec, &c); err != nil {
				return Config{}, fmt.Errorf("analysis: config: %w", err)
			}
		}
	}
	if c.MinYearsForForecast < 2 || c.ForecastYears < 1 || c.ShortagePct > c.CriticalPct || c.TariffFramePct < 0 ||
		c.TariffFramePct > 1000 {
		return Config{}, fmt.Errorf("analysis: config: inconsistent thresholds %+v", c)
	}
	return c, nil
}
