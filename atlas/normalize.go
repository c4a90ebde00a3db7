package atlas

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Normalization turns a count into a rate per inhabitants or per area.
type Normalization string

// Normalisations of count indicators.
const (
	NormNone      Normalization = ""
	NormPer1000   Normalization = "per1000"   // per 1,000 inhabitants
	NormPer100000 Normalization = "per100000" // per 100,000 inhabitants
	NormPerKm2    Normalization = "perkm2"    // per km² of area
)

// ParseNormalization parses per1000, per100000 or perkm2 ("" = none).
func ParseNormalization(s string) (Normalization, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none":
		return NormNone, nil
	case "per1000", "per_1000":
		return NormPer1000, nil
	case "per100000", "per_100000":
		return NormPer100000, nil
	case "perkm2", "per_km2":
		return NormPerKm2, nil
	}
	return "", &ParamError{Param: "normalize", Value: s, Reason: "must be per1000, per100000 or perkm2"}
}

// The indicators that serve as denominators.
const (
	PopulationIndicator        = "population"            // Fortschreibung (Zensus 2011 basis), 31.12.
	PopulationZensusIndicator  = "population_zensus2022" // Zensus 2022 count, 15.05.2022
	AreaIndicator              = "area"                  // km², GV-ISys
	zensus2022PopulationMarker = "Zensus 2022"
)

// IsCount reports whether an indicator counts persons or things, so that
// dividing it by inhabitants or area makes sense: indicators whose coarser
// values are sums, indicators declared extensive (Kita places, courses),
// and whole-number indicators in persons or dwellings.
// Rates, shares and averages are not counts.
func IsCount(ind Indicator) bool {
	if ind.Aggregation == "sum" || ind.Measure == MeasureExtensive {
		return true // summed to coarser levels, or declared a count (extensive)
	}
	return ind.Decimals == 0 && (ind.Unit == "Personen" || ind.Unit == "Wohnungen")
}

// Normalizations lists the normalisations that apply to ind: none for what
// is not a count (IsCount) and for the area itself, only per km² for a
// population (never divided by itself or another population count), all
// three for other counts.
func Normalizations(ind Indicator) []Normalization {
	switch {
	case !IsCount(ind) || ind.ID == AreaIndicator:
		return nil
	case ind.ID == PopulationIndicator || ind.ID == PopulationZensusIndicator:
		return []Normalization{NormPerKm2}
	}
	return []Normalization{NormPer1000, NormPer100000, NormPerKm2}
}

// PopulationBaseFor returns the population indicator whose source matches
// ind: the Zensus 2022 count for Zensus 2022 indicators, else the
// Fortschreibung. The two bases differ by about 1.9 million people and are
// never mixed.
func PopulationBaseFor(ind Indicator) string {
	if strings.Contains(ind.PopulationBase, zensus2022PopulationMarker) || strings.HasPrefix(ind.Source, zensus2022PopulationMarker) {
		return PopulationZensusIndicator
	}
	return PopulationIndicator
}

// NormalizationInfo says how normalised values were computed, so that they
// can be reproduced and cited.
type NormalizationInfo struct {
	Method            Normalization `json:"method"`
	Factor            float64       `json:"factor"`
	Base              string        `json:"base"`
	BaseTitle         string        `json:"base_title"`
	BaseYear          int           `json:"base_year"`
	BaseReferenceDate string        `json:"base_reference_date,omitempty"`
	PopulationBase    string        `json:"population_base,omitempty"`
	BaseSource        string        `json:"base_source"`
	Unit              string        `json:"unit"`
	Formula           string        `json:"formula"`
	Note              string        `json:"note,omitempty"`
}

// NormalizedValues returns the values of ind at level and year, divided by
// the matching base when n is set. The population base is the one whose
// source matches (PopulationBaseFor) and, unless baseYear says otherwise, of
// the same year: a count of 2019 is not divided by the population of 2023
// without the caller asking for it. Area is taken from the same year when
// there is one, else from the latest year (and the answer says so). The
// returned indicator carries the new unit, title and attribution.
func (s *Service) NormalizedValues(ctx context.Context, ind Indicator, level Level, year int, n Normalization, baseYear int) (map[string]Value, Indicator, *NormalizationInfo, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, ind, nil, err
	}
	return snap.NormalizedValues(ctx, ind, level, year, n, baseYear)
}

// NormalizedValues is Service.NormalizedValues in this snapshot.
func (snap *Snapshot) NormalizedValues(ctx context.Context, ind Indicator, level Level, year int, n Normalization, baseYear int) (map[string]Value, Indicator, *NormalizationInfo, error) {
	vals, err := snap.Values(ctx, ind.ID, level, year)
	if err != nil || n == NormNone || len(vals) == 0 {
		return vals, ind, nil, err
	}
	if !IsCount(ind) {
		return nil, ind, nil, &ParamError{Param: "normalize", Value: string(n), Reason: fmt.Sprintf("only counts (persons, dwellings) can be normalised; %s is already in %q", ind.ID, ind.Unit)}
	}
	base, factor, unit := PopulationBaseFor(ind), 1000.0, "je 1.000 Einw."
	switch n {
	case NormPer100000:
		factor, unit = 100000, "je 100.000 Einw."
	case NormPerKm2:
		base, factor, unit = AreaIndicator, 1, "je km²"
	}
	if !slices.Contains(Normalizations(ind), n) {
		return nil, ind, nil, &ParamError{Param: "normalize", Value: string(n), Reason: fmt.Sprintf("%s cannot be divided by itself or by another population count", ind.ID)}
	}
	bind, err := snap.Indicator(ctx, base)
	if err != nil {
		return nil, ind, nil, err
	}
	years, err := snap.YearsAt(ctx, base, level, bind.Years)
	if err != nil {
		return nil, ind, nil, err
	}
	note := ""
	by := baseYear
	switch {
	case by != 0:
		if !slices.Contains(years, by) {
			return nil, ind, nil, &ParamError{Param: "base_year", Value: strconv.Itoa(by), Reason: fmt.Sprintf("%s has no values at level %s for this year (years: %v)", base, level, years)}
		}
		if by != year {
			note = fmt.Sprintf("Bezugsgröße %s des Jahres %d für Werte des Jahres %d, auf ausdrücklichen Wunsch (base_year).", base, by, year)
		}
	case slices.Contains(years, year):
		by = year
	case n == NormPerKm2 && len(years) > 0:
		by = years[len(years)-1]
		note = fmt.Sprintf("Fläche des Jahres %d (die Daten enthalten keine Fläche für %d).", by, year)
	default:
		return nil, ind, nil, &ParamError{Param: "normalize", Value: string(n), Reason: fmt.Sprintf("no %s of the year %d at level %s to divide by (the population base matching %s); years with values: %v — pass base_year=YYYY to use another year explicitly", base, year, level, ind.ID, years)}
	}
	bvals, err := snap.Values(ctx, base, level, by)
	if err != nil {
		return nil, ind, nil, err
	}
	out := make(map[string]Value, len(vals))
	for k, v := range vals {
		b, ok := bvals[k]
		switch {
		case !ok || math.IsNaN(b.Value) || b.Value <= 0:
			out[k] = Value{Value: math.NaN(), Flag: FlagMissing}
		case math.IsNaN(v.Value):
			out[k] = v
		default:
			out[k] = Value{Value: v.Value / b.Value * factor, Flag: v.Flag}
		}
	}
	info := &NormalizationInfo{Method: n, Factor: factor, Base: base, BaseTitle: bind.Title, BaseYear: by, BaseReferenceDate: bind.ReferenceDate,
		PopulationBase: bind.PopulationBase, BaseSource: bind.Source, Unit: ind.Unit + " " + unit, Note: note,
		Formula: fmt.Sprintf("%s / %s(%d) × %s", ind.ID, base, by, strconv.FormatFloat(factor, 'f', -1, 64))}
	out2 := ind
	out2.Unit = info.Unit
	out2.Title = ind.Title + " " + unit
	out2.Decimals = 1
	if n == NormPer100000 {
		out2.Decimals = 0
	}
	out2.Attribution = ind.Attribution + "; " + bind.Attribution + "; " + unit + ": eigene Berechnung"
	return out, out2, info, nil
}
