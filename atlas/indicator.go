package atlas

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Direction says how a higher value of an indicator reads.
type Direction string

// Directions of indicators. Composite indices normalise directions before
// weighting.
const (
	// DirectionCapacity: a higher value means more capacity to take in and
	// integrate newcomers (e.g. childcare rate, vacancy rate).
	DirectionCapacity Direction = "capacity"
	// DirectionNeed: a higher value means more need or strain (e.g.
	// unemployment rate, rent level).
	DirectionNeed Direction = "need"
	// DirectionContext: descriptive, no judgement (e.g. population, area).
	DirectionContext Direction = "context"
)

// Valid reports whether d is one of the defined directions.
func (d Direction) Valid() bool {
	return d == DirectionCapacity || d == DirectionNeed || d == DirectionContext
}

// Indicator is the catalogue entry of one indicator: everything needed to
// read, cite and reproduce its values.
type Indicator struct {
	ID           string    `json:"id"`
	Title        string    `json:"title"`
	TitleEN      string    `json:"title_en,omitempty"`
	Definition   string    `json:"definition"`
	DefinitionEN string    `json:"definition_en,omitempty"`
	Unit         string    `json:"unit"`
	Decimals     int       `json:"decimals"`
	Topic        string    `json:"topic"`
	TopicTitle   string    `json:"topic_title"`
	Direction    Direction `json:"direction"`
	Source       string    `json:"source"`
	Publisher    string    `json:"publisher,omitempty"`
	TableID      string    `json:"table_id,omitempty"`
	Licence      string    `json:"licence"`
	LicenceURL   string    `json:"licence_url,omitempty"`
	Attribution  string    `json:"attribution"`
	// ReferenceDate says what a period means (e.g. "31.12.", "Jahresdurchschnitt", "15.05.2022").
	ReferenceDate string `json:"reference_date,omitempty"`
	// Gebietsstand is the territorial status the source refers to.
	Gebietsstand string `json:"gebietsstand,omitempty"`
	// PopulationBase names the population series a per-capita value is based on.
	PopulationBase string `json:"population_base,omitempty"`
	Notes          string `json:"notes,omitempty"`
	// Domain is the domain of the motion the indicator serves (Domains).
	Domain string `json:"domain,omitempty"`
	// Aggregation says how values of coarser levels were derived from finer
	// ones ("sum" of counts, "ratio" of two sums) or "" when they were not.
	Aggregation string `json:"aggregation,omitempty"`
	// Measure says how values of parts combine when regions are merged or
	// split (crosswalks, sums over categories): MeasureExtensive (counts,
	// areas, amounts: summed, split by share) or MeasureIntensive (rates,
	// shares, means: weighted by Weight). Empty: inferred from the unit where
	// that is safe (ingest refuses and asks otherwise).
	Measure string `json:"measure,omitempty"`
	// Weight names the base by which an intensive value is weighted, or an
	// extensive one split: "population" or "area".
	Weight string `json:"weight,omitempty"`

	// Filled from the observations by the store.
	Levels      []Level `json:"levels"`
	Years       []int   `json:"years"`
	DefaultYear int     `json:"default_year,omitempty"`
	// Coverage says per level how many observations have a value in the
	// latest year there (keys of another Gebietsstand included; the exact
	// count of coloured regions is each map answer's caveat), of how many
	// regions the boundary set has (filled by the service's snapshot); Partial marks an indicator whose source covers
	// less than 90 % of every level it has (shown only where covered; left
	// out of index and distribution key unless added knowingly).
	Coverage []LevelCoverage `json:"coverage,omitempty"`
	Partial  bool            `json:"partial,omitempty"`
}

// LevelCoverage is the coverage of one indicator at one level.
type LevelCoverage struct {
	Level   Level `json:"level"`
	Year    int   `json:"year"`
	Regions int   `json:"regions"`
	Of      int   `json:"of,omitempty"`
}

// Entry is the indicator as a catalogue entry: without the fields filled
// from the observations and the boundaries (levels, years, default year,
// coverage, partial), as stores keep it, exports write it and the
// catalogue scope compares it.
func (ind Indicator) Entry() Indicator {
	ind.Levels, ind.Years, ind.DefaultYear, ind.Coverage, ind.Partial = nil, nil, 0, nil, false
	return ind
}

// PartialShare is the share of a level's regions below which an
// indicator's coverage counts as partial.
const PartialShare = 0.9

// MarkCoverage fills Of and Partial from the number of regions per level.
func (ind *Indicator) MarkCoverage(regions map[Level]int) {
	partial := len(ind.Coverage) > 0
	for i := range ind.Coverage {
		c := &ind.Coverage[i]
		c.Of = regions[c.Level]
		if c.Of == 0 || float64(c.Regions) >= PartialShare*float64(c.Of) {
			partial = false
		}
	}
	ind.Partial = partial
}

var indicatorIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,63}$`)

// ValidIndicatorID reports whether id is a well-formed indicator id:
// lower-case ASCII letters, digits and underscores, starting with a letter.
func ValidIndicatorID(id string) bool { return indicatorIDPattern.MatchString(id) }

// Validate checks the catalogue fields that every indicator must carry.
func (ind *Indicator) Validate() error {
	switch {
	case !ValidIndicatorID(ind.ID):
		return fmt.Errorf("indicator %q: id must match %s", ind.ID, indicatorIDPattern)
	case ind.Title == "":
		return fmt.Errorf("indicator %s: title missing", ind.ID)
	case ind.Unit == "":
		return fmt.Errorf("indicator %s: unit missing", ind.ID)
	case !ind.Direction.Valid():
		return fmt.Errorf("indicator %s: direction %q must be capacity, need or context", ind.ID, ind.Direction)
	case ind.Source == "" || ind.Licence == "" || ind.Attribution == "":
		return fmt.Errorf("indicator %s: source, licence and attribution are required", ind.ID)
	case ind.Topic == "":
		return fmt.Errorf("indicator %s: topic missing", ind.ID)
	case ind.Domain != "" && !ValidDomain(ind.Domain):
		return fmt.Errorf("indicator %s: domain %q is not one of the motion's domains (%s)", ind.ID, ind.Domain, strings.Join(DomainIDs(), ", "))
	case ind.Measure != "" && ind.Measure != MeasureExtensive && ind.Measure != MeasureIntensive:
		return fmt.Errorf("indicator %s: measure %q must be extensive or intensive", ind.ID, ind.Measure)
	case ind.Weight != "" && ind.Weight != WeightPopulation && ind.Weight != WeightArea:
		return fmt.Errorf("indicator %s: weight %q must be population or area", ind.ID, ind.Weight)
	}
	return nil
}

// Measures of indicators (Indicator.Measure).
const (
	MeasureExtensive = "extensive"
	MeasureIntensive = "intensive"
)

// Weights of indicators (Indicator.Weight).
const (
	WeightPopulation = "population"
	WeightArea       = "area"
)

// Flag qualifies an observation. The GENESIS special values become flags,
// never zeros.
type Flag string

// Flags of observations.
const (
	FlagNone          Flag = ""
	FlagZero          Flag = "zero"           // "-": nothing there (no number stored)
	FlagSecret        Flag = "secret"         // ".": suppressed (Geheimhaltung)
	FlagNotYet        Flag = "not_available"  // "...": not yet available
	FlagNotMeaningful Flag = "not_meaningful" // "x": not meaningful
	FlagUnreliable    Flag = "unreliable"     // "/": not reliable enough
	FlagLimited       Flag = "limited"        // "()": limited reliability (value kept)
	FlagEstimated     Flag = "estimated"      // estimated value
	FlagMissing       Flag = "missing"        // empty in the source
)

// HasValue reports whether an observation with this flag carries a number.
func (f Flag) HasValue() bool {
	return f == FlagNone || f == FlagLimited || f == FlagEstimated
}

// Observation is one value of an indicator for one region and period (long form).
type Observation struct {
	Indicator string
	Level     Level
	Key       string
	Period    int
	Value     float64 // NaN when the flag carries no value
	Flag      Flag
}

// Valued reports whether the observation carries a number.
func (o Observation) Valued() bool { return !math.IsNaN(o.Value) }

// Value of one region in a values query.
type Value struct {
	Value float64 // NaN when missing
	Flag  Flag
}

// Available is the one check that the catalogue has values of ind at level
// l in year (year 0: in any year): a *ParamError naming the parameter
// (level or year) otherwise.
func (ind Indicator) Available(l Level, year int) error {
	if !slices.Contains(ind.Levels, l) {
		return &ParamError{Param: "level", Value: l.String(), Reason: fmt.Sprintf("indicator %s has no values at this level (levels: %v)", ind.ID, ind.Levels)}
	}
	if year != 0 && !slices.Contains(ind.Years, year) {
		return &ParamError{Param: "year", Value: strconv.Itoa(year), Reason: fmt.Sprintf("indicator %s has no values for this year (years %d–%d)", ind.ID, ind.Years[0], ind.Years[len(ind.Years)-1])}
	}
	return nil
}
