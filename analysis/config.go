// Package analysis turns supply, demand, survey and occupancy series into findings with plain Danish (and
// English) sentences. Pure Go: no database, no HTTP.
package analysis

import (
	"fmt"
	"math"

	"github.com/kapacitet/kapacitet/data"
)

// Config holds every threshold of the rules (data/config.toml, section [analysis], documents each).
// Percentages are whole percent so that comparisons stay exact.
type Config struct {
	MinGap              int64 `toml:"min_gap" json:"min_gap"`                               // places
	ShortagePct         int64 `toml:"shortage_pct" json:"shortage_pct"`                     // gap ≥ this % of demand
	CriticalPct         int64 `toml:"critical_pct" json:"critical_pct"`                     // gap ≥ this % of demand
	SurplusPct          int64 `toml:"surplus_pct" json:"surplus_pct"`                       // surplus ≥ this % of demand
	MinYearsForForecast int   `toml:"min_years_for_forecast" json:"min_years_for_forecast"` // years of demand needed for a forecast
	ForecastYears       int   `toml:"forecast_years" json:"forecast_years"`                 // years forecast
	AtRiskPoints        int64 `toml:"at_risk_points" json:"at_risk_points"`                 // occupancy more than this below budget
	OverOccupancyPct    int64 `toml:"over_occupancy_pct" json:"over_occupancy_pct"`         // occupancy above this
	// TariffFramePct is the agreed yearly frame for tariff rises, in percent with up to two decimals (2,5).
	TariffFramePct float64 `toml:"tariff_frame_pct" json:"tariff_frame_pct"`
}

// tariffFrame is TariffFramePct in hundredths of a percent (250 for 2,5 %), for exact comparisons.
func (c Config) tariffFrame() int64 { return int64(math.Round(c.TariffFramePct * 100)) }

// DefaultConfig returns the shipped thresholds (data/config.toml, section [analysis]).
func DefaultConfig() Config {
	c, err := ParseConfig(nil)
	if err != nil {
		panic(err) // the embedded file is covered by tests
	}
	return c
}

// ParseConfig reads the [analysis] section of a TOML configuration file over the defaults; nil gives the
// defaults. Keys the file leaves out keep their defaults; an unknown key, a value of the wrong type or one out
// of range is an error that names the key.
func ParseConfig(file []byte) (Config, error) {
	var c Config
	if err := data.DecodeConfig(data.DefaultConfig(), "analysis", &c); err != nil {
		return c, err
	}
	if file != nil {
		if err := data.DecodeConfig(file, "analysis", &c); err != nil {
			return Config{}, err
		}
	}
	bad := func(key string, v any, rule string) (Config, error) {
		return Config{}, fmt.Errorf("config: [analysis] %s = %v: %s", key, v, rule)
	}
	switch {
	case c.MinGap < 0:
		return bad("min_gap", c.MinGap, "must not be negative")
	case c.ShortagePct < 0 || c.ShortagePct > 100:
		return bad("shortage_pct", c.ShortagePct, "must be between 0 and 100")
	case c.CriticalPct < c.ShortagePct || c.CriticalPct > 100:
		return bad("critical_pct", c.CriticalPct, fmt.Sprintf("must be between shortage_pct (%d) and 100", c.ShortagePct))
	case c.SurplusPct < 0 || c.SurplusPct > 100:
		return bad("surplus_pct", c.SurplusPct, "must be between 0 and 100")
	case c.MinYearsForForecast < 2 || c.MinYearsForForecast > 50:
		return bad("min_years_for_forecast", c.MinYearsForForecast, "must be between 2 and 50")
	case c.ForecastYears < 1 || c.ForecastYears > 10:
		return bad("forecast_years", c.ForecastYears, "must be between 1 and 10")
	case c.AtRiskPoints < 0 || c.AtRiskPoints > 100:
		return bad("at_risk_points", c.AtRiskPoints, "must be between 0 and 100")
	case c.OverOccupancyPct < 1:
		return bad("over_occupancy_pct", c.OverOccupancyPct, "must be at least 1")
	case c.TariffFramePct < 0 || c.TariffFramePct > 100 || math.Abs(c.TariffFramePct*100-math.Round(c.TariffFramePct*100)) > 1e-6:
		return bad("tariff_frame_pct", c.TariffFramePct, "must be between 0 and 100, with at most two decimals")
	}
	return c, nil
}
