package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/standortatlas/standortatlas/atlas"
)

// VacantDwellings is the derived count of vacant dwellings of the Zensus
// 2022: dwellings × vacancy rate ÷ 100 per Gemeinde. It is not in the store;
// the analyses compute it and say so.
const VacantDwellings = "dwellings_vacant_zensus2022"

// Zensus 2022 indicators used by the derivations.
const (
	vacancyRate = "vacancy_rate_zensus2022"
	dwellings   = "dwellings_zensus2022"
)

// zensusWeight names, for rates of the Zensus 2022 published per Gemeinde,
// the count of the same source that is their denominator: a Kreis or Land
// rate is then the ratio of the sums over its Gemeinden — an aggregation the
// source supports. Other Gemeinde rates (rent per m², household size) would
// need weights that are not in the data and are not aggregated.
func zensusWeight(id string) (string, bool) {
	switch id {
	case vacancyRate:
		return dwellings, true
	case "share_foreign_zensus2022", "share_migration_background_zensus2022":
		return atlas.PopulationZensusIndicator, true
	}
	return "", false
}

// derivedIndicator is an indicator the analyses compute.
type derivedIndicator struct {
	ind atlas.Indicator
}

// derived returns the catalogue entry of a derived indicator (ok = false
// for any other id).
func (a *Analyzer) derived(ctx context.Context, id string) (derivedIndicator, bool, error) {
	if id != VacantDwellings {
		return derivedIndicator{}, false, nil
	}
	rate, err := a.svc.Indicator(ctx, vacancyRate)
	if err != nil {
		return derivedIndicator{}, true, fmt.Errorf("derived %s: %w", id, err)
	}
	dw, err := a.svc.Indicator(ctx, dwellings)
	if err != nil {
		return derivedIndicator{}, true, fmt.Errorf("derived %s: %w", id, err)
	}
	var years []int
	for _, y := range rate.Years {
		if slices.Contains(dw.Years, y) {
			years = append(years, y)
		}
	}
	ind := atlas.Indicator{
		ID:    VacantDwellings,
		Title: "Leerstehende Wohnungen (Zensus 2022, abgeleitet)", TitleEN: "Vacant dwellings (Census 2022, derived)",
		Definition: "Abgeleitet, nicht amtlich: je Gemeinde Wohnungen × Leerstandsquote ÷ 100. Kreise und Länder: Leerstandsquote als Quotient der Summen über die Gemeinden mit Quote (gewichtet mit den Wohnungen) × alle Wohnungen; " +
			"Gemeinden ohne Quote (geheim/fehlend) gehen so mit der Quote ihres Kreises ein (Kennzeichen \"estimated\"). Bezieht sich die amtliche Quote auf eine andere Wohnungsgesamtheit (z. B. ohne Ferienwohnungen), weicht die Zahl leicht von der amtlichen Zahl leerstehender Wohnungen ab.",
		Unit: "Wohnungen", Decimals: 0, Topic: rate.Topic, TopicTitle: rate.TopicTitle, Direction: atlas.DirectionCapacity,
		Source: rate.Source, Publisher: rate.Publisher, TableID: rate.TableID, Licence: rate.Licence, LicenceURL: rate.LicenceURL,
		Attribution:   rate.Attribution + "; leerstehende Wohnungen = Wohnungen × Leerstandsquote: eigene Berechnung",
		ReferenceDate: rate.ReferenceDate, Gebietsstand: rate.Gebietsstand, Aggregation: "sum",
		Notes:  "Abgeleiteter Wert (" + dwellings + " × " + vacancyRate + " ÷ 100), nicht in der Quelle veröffentlicht.",
		Levels: []atlas.Level{atlas.LevelLand, atlas.LevelKreis, atlas.LevelGemeinde}, Years: years,
	}
	if len(years) > 0 {
		ind.DefaultYear = years[len(years)-1]
	}
	return derivedIndicator{ind: ind}, true, nil
}

// series is an indicator's values at one level and year, aligned with the
// level's regions, and how they were obtained.
type series struct {
	ind      atlas.Indicator
	level    atlas.Level
	year     int
	vals     []float64
	flags    []atlas.Flag
	coverage []float64 // per region: share of the weight with a value (aggregations only)
	method   string
	weight   *BaseRef
}

// BaseRef names a count used as a weight or base: indicator and year.
type BaseRef struct {
	Indicator string `json:"indicator"`
	Title     string `json:"title"`
	Year      int    `json:"year"`
	Note      string `json:"note,omitempty"`
}

// sums accumulates weight × value over the units (Gemeinden, Kreise) of one region.
type sums struct {
	num float64 // Σ weight × value over units with both
	cov float64 // Σ weight over units with a value
	all float64 // Σ weight over all units with a weight
}

// unitSums sums x weighted by w per parent key (the key prefix of length plen).
func unitSums(x, w map[string]atlas.Value, plen int) map[string]*sums {
	out := map[string]*sums{}
	for k, wv := range w {
		if len(k) < plen || math.IsNaN(wv.Value) {
			continue
		}
		p := k[:plen]
		s := out[p]
		if s == nil {
			s = &sums{}
			out[p] = s
		}
		s.all += wv.Value
		if xv, ok := x[k]; ok && !math.IsNaN(xv.Value) {
			s.num += wv.Value * xv.Value
			s.cov += wv.Value
		}
	}
	return out
}

// finerLevel returns the level whose keys aggregate into l by prefix.
func finerLevels(l atlas.Level) []atlas.Level {
	switch l {
	case atlas.LevelLand:
		return []atlas.Level{atlas.LevelKreis, atlas.LevelGemeinde}
	case atlas.LevelKreis:
		return []atlas.Level{atlas.LevelGemeinde}
	}
	return nil
}

// levelSeries returns the values of id at level l in year: the source's
// values where the level has them; the derived vacant dwellings; or, for the
// Zensus 2022 Gemeinde rates of zensusWeights, the ratio of sums over the
// Gemeinden of each region. Anything else at a level without source values
// is a *atlas.ParamError naming the parameter param.
func (a *Analyzer) levelSeries(ctx context.Context, param, id string, l atlas.Level, year int) (*series, error) {
	li, err := a.level(ctx, l)
	if err != nil {
		return nil, err
	}
	ind, err := a.indicator(ctx, id)
	if err != nil {
		return nil, err
	}
	s := &series{ind: ind, level: l, year: year}
	if id == VacantDwellings {
		return a.vacantSeries(ctx, li, s)
	}
	if slices.Contains(ind.Levels, l) {
		c, err := a.column(ctx, id, l, year)
		if err != nil {
			return nil, err
		}
		if c.n > 0 {
			s.vals, s.flags, s.method = c.vals, c.flags, "Werte der Quelle"
			return s, nil
		}
	}
	if wid, ok := zensusWeight(id); ok && l != atlas.LevelGemeinde && slices.Contains(ind.Levels, atlas.LevelGemeinde) {
		x, err := a.raw(ctx, id, atlas.LevelGemeinde, year)
		if err != nil {
			return nil, err
		}
		w, err := a.raw(ctx, wid, atlas.LevelGemeinde, year)
		if err != nil {
			return nil, err
		}
		if len(x) == 0 || len(w) == 0 {
			return nil, noValues(param, id, l, year)
		}
		wind, err := a.svc.Indicator(ctx, wid)
		if err != nil {
			return nil, err
		}
		agg := unitSums(x, w, l.KeyLength())
		s.vals, s.flags, s.coverage = make([]float64, len(li.regions)), make([]atlas.Flag, len(li.regions)), make([]float64, len(li.regions))
		for i, r := range li.regions {
			su := agg[r.Key]
			if su == nil || su.cov == 0 {
				s.vals[i], s.flags[i], s.coverage[i] = math.NaN(), atlas.FlagMissing, 0
				continue
			}
			s.vals[i], s.coverage[i] = su.num/su.cov, su.cov/su.all
		}
		s.weight = &BaseRef{Indicator: wid, Title: wind.Title, Year: year}
		s.method = fmt.Sprintf("Quotient der Summen über die Gemeinden: Σ(%s × %s) ÷ Σ %s über die Gemeinden mit Wert (eigene Berechnung; Gemeinden ohne Wert siehe coverage)", wid, id, wid)
		return s, nil
	}
	return nil, noValues(param, id, l, year)
}

func noValues(param, id string, l atlas.Level, year int) error {
	return &atlas.ParamError{Param: param, Value: id, Reason: fmt.Sprintf("%s has no values at level %s for %d, and the source supports no aggregation to this level", id, l, year)}
}

// vacantSeries computes the derived vacant dwellings at the level of s.
func (a *Analyzer) vacantSeries(ctx context.Context, li *levelIndex, s *series) (*series, error) {
	rate, err := a.raw(ctx, vacancyRate, atlas.LevelGemeinde, s.year)
	if err != nil {
		return nil, err
	}
	dw, err := a.raw(ctx, dwellings, atlas.LevelGemeinde, s.year)
	if err != nil {
		return nil, err
	}
	if len(rate) == 0 || len(dw) == 0 {
		return nil, noValues("capacity", VacantDwellings, li.level, s.year)
	}
	n := len(li.regions)
	s.vals, s.flags, s.coverage = make([]float64, n), make([]atlas.Flag, n), make([]float64, n)
	s.weight = &BaseRef{Indicator: dwellings, Title: "Wohnungen (Zensus 2022)", Year: s.year}
	if li.level == atlas.LevelGemeinde {
		for i, r := range li.regions {
			rv, ok1 := rate[r.Key]
			dv, ok2 := dw[r.Key]
			if !ok1 || !ok2 || math.IsNaN(rv.Value) || math.IsNaN(dv.Value) {
				s.vals[i], s.flags[i] = math.NaN(), atlas.FlagMissing
				continue
			}
			s.vals[i], s.coverage[i] = dv.Value*rv.Value/100, 1
		}
		s.method = "je Gemeinde: " + dwellings + " × " + vacancyRate + " ÷ 100 (abgeleitet, eigene Berechnung)"
		return s, nil
	}
	agg := unitSums(rate, dw, li.level.KeyLength())
	for i, r := range li.regions {
		su := agg[r.Key]
		if su == nil || su.cov == 0 {
			s.vals[i], s.flags[i] = math.NaN(), atlas.FlagMissing
			continue
		}
		s.vals[i], s.coverage[i] = su.num/su.cov*su.all/100, su.cov/su.all
		if su.cov < su.all {
			s.flags[i] = atlas.FlagEstimated
		}
	}
	s.method = "Σ Wohnungen × (Σ(Wohnungen × Leerstandsquote) ÷ Σ Wohnungen mit Quote) ÷ 100 über die Gemeinden (abgeleitet, eigene Berechnung; Gemeinden ohne Quote mit der Quote ihres Gebiets: Kennzeichen estimated)"
	return s, nil
}

// nearestYear returns the year of years closest to y (ties: the earlier),
// or 0 when years is empty.
func nearestYear(years []int, y int) int {
	best := 0
	for _, c := range years {
		if best == 0 || abs(c-y) < abs(best-y) || (abs(c-y) == abs(best-y) && c < best) {
			best = c
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// latestYearAt returns the latest year in which s has values at level l (0 = none).
func (a *Analyzer) latestYearAt(ctx context.Context, id string, l atlas.Level) (int, error) {
	ind, err := a.indicator(ctx, id)
	if err != nil {
		return 0, err
	}
	if id == VacantDwellings {
		if len(ind.Years) == 0 {
			return 0, nil
		}
		return ind.Years[len(ind.Years)-1], nil
	}
	years, err := a.yearsAt(ctx, ind, l)
	if err != nil {
		return 0, err
	}
	if len(years) > 0 {
		return years[len(years)-1], nil
	}
	if _, ok := zensusWeight(id); ok && l != atlas.LevelGemeinde {
		years, err = a.yearsAt(ctx, ind, atlas.LevelGemeinde)
		if err != nil || len(years) == 0 {
			return 0, err
		}
		return years[len(years)-1], nil
	}
	return 0, nil
}
