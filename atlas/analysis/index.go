package analysis

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// Weight is one indicator of a composite and its weight.
type Weight struct {
	Indicator string  `json:"indicator"`
	Weight    float64 `json:"weight"`
}

// MaxWeights bounds the number of indicators of a composite.
const MaxWeights = 12

// MaxArrivals bounds the persons a distribution or headroom query
// distributes.
const MaxArrivals = 1e9

// MaxWeight bounds one weight of a composite: weights are relative, and a
// larger one only risks overflowing the sums.
const MaxWeight = 1000

// checkWeights is the analyses' own check of weights (for callers other
// than the HTTP parser): 1 to MaxWeights distinct indicators, each weight
// finite, positive and at most MaxWeight.
func checkWeights(ws []Weight) error {
	if len(ws) == 0 {
		return &atlas.ParamError{Param: "weights", Reason: "required, e.g. childcare_under3:2,unemployment_rate:1"}
	}
	if len(ws) > MaxWeights {
		return &atlas.ParamError{Param: "weights", Reason: fmt.Sprintf("at most %d indicators", MaxWeights)}
	}
	for i, w := range ws {
		if !(w.Weight > 0 && w.Weight <= MaxWeight) {
			return &atlas.ParamError{Param: "weights", Value: w.Indicator + ":" + strconv.FormatFloat(w.Weight, 'g', -1, 64), Reason: fmt.Sprintf("weight must be a number above 0 and at most %d", MaxWeight)}
		}
		for _, x := range ws[:i] {
			if x.Indicator == w.Indicator {
				return &atlas.ParamError{Param: "weights", Value: w.Indicator, Reason: "indicator listed twice"}
			}
		}
	}
	return nil
}

func weightsString(ws []Weight) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.Indicator + ":" + strconv.FormatFloat(w.Weight, 'f', -1, 64)
	}
	return strings.Join(parts, ",")
}

// IndexQuery selects a composite capacity index.
type IndexQuery struct {
	Level   atlas.Level
	Weights []Weight
	Method  string         // "minmax" (default) or "zscore"
	Year    int            // one year for every indicator (0 = each indicator's latest year at the level)
	Years   map[string]int // per-indicator years, overriding Year
	// Land limits the answer to the regions of one Land (2-digit key) as
	// the table shows them; scaling, ranks and classes stay Germany's.
	Land string
}

// IndexResult is a composite index per region.
type IndexResult struct {
	Level       atlas.Level        `json:"level"`
	Method      string             `json:"method"`
	Formula     string             `json:"formula"`
	Query       string             `json:"query"`
	Components  []IndexComponent   `json:"components"`
	Scored      int                `json:"scored"`
	Regions     []IndexRegion      `json:"regions"`
	Incomplete  []IncompleteRegion `json:"incomplete"`
	Boundaries  map[string]string  `json:"boundaries"`
	DataVersion int64              `json:"data_version"`
	SeedVersion string             `json:"seed_version,omitempty"`
	Attribution []string           `json:"attribution"`
	Notes       []string           `json:"notes"`
	// Legend classes the index for the map (quantiles, ColorBrewer Blues;
	// no data = incomplete); Regions[].Class is each region's class.
	Legend atlas.Legend `json:"legend"`
}

// IndexClasses is how the index map is classified.
var IndexClasses = atlas.ColumnClasses{Method: atlas.MethodQuantile, Classes: 5, Decimals: 1, Scheme: "Blues"}

// IndexComponent describes one indicator of the index.
type IndexComponent struct {
	Indicator   string          `json:"indicator"`
	Title       string          `json:"title"`
	Unit        string          `json:"unit"`
	Direction   atlas.Direction `json:"direction"`
	Sign        int             `json:"sign"`
	Weight      float64         `json:"weight"`
	WeightShare float64         `json:"weight_share"`
	Year        int             `json:"year"`
	Values      string          `json:"values"`
	AggWeight   *BaseRef        `json:"aggregation_weight,omitempty"`
	Source      string          `json:"source"`
	TableID     string          `json:"table_id,omitempty"`
	Attribution string          `json:"attribution"`
	N           int             `json:"n"`
	Min         float64         `json:"min"`
	Max         float64         `json:"max"`
	Mean        float64         `json:"mean"`
	SD          float64         `json:"sd"`
}

// IndexRegion is one scored region.
type IndexRegion struct {
	Key           string             `json:"key"`
	Name          string             `json:"name"`
	Type          string             `json:"type"`
	Index         float64            `json:"index"`
	Rank          int                `json:"rank"`
	Class         int                `json:"class"` // in IndexResult.Legend
	Contributions map[string]float64 `json:"contributions"`
	Values        map[string]float64 `json:"values"`
	Coverage      map[string]float64 `json:"coverage,omitempty"`
}

// IncompleteRegion is a region that was not scored, and why.
type IncompleteRegion struct {
	Key     string   `json:"key"`
	Name    string   `json:"name"`
	Missing []string `json:"missing"`
}

// componentYear returns the year of an indicator in a composite.
func (a *Analyzer) componentYear(ctx context.Context, param, id string, l atlas.Level, year int, years map[string]int) (int, error) {
	if y, ok := years[id]; ok {
		return y, nil
	}
	if year != 0 {
		return year, nil
	}
	y, err := a.latestYearAt(ctx, id, l)
	if err != nil {
		return 0, err
	}
	if y == 0 {
		return 0, noValues(param, id, l, 0)
	}
	return y, nil
}

// Index computes a composite capacity index: each indicator normalised
// (min–max to 0…1 or z-scores), need indicators inverted, weighted mean.
// Regions lacking any input are listed in Incomplete, not scored.
func (a *Analyzer) Index(ctx context.Context, q IndexQuery) (*IndexResult, error) {
	v, err := a.sync(ctx)
	if err != nil {
		return nil, err
	}
	if q.Method == "" {
		q.Method = "minmax"
	}
	if q.Method != "minmax" && q.Method != "zscore" {
		return nil, &atlas.ParamError{Param: "method", Value: q.Method, Reason: "must be minmax or zscore"}
	}
	if err := levelParam(q.Level, atlas.LevelLand, atlas.LevelKreis, atlas.LevelGemeinde); err != nil {
		return nil, err
	}
	if err := checkWeights(q.Weights); err != nil {
		return nil, err
	}
	if q.Land != "" && (q.Level == atlas.LevelLand || !atlas.ValidKey(atlas.LevelLand, q.Land)) {
		return nil, &atlas.ParamError{Param: "land", Value: q.Land, Reason: "a 2-digit Land key, with level kreis or gemeinde"}
	}
	li, err := a.level(ctx, q.Level)
	if err != nil {
		return nil, err
	}
	res := &IndexResult{Level: q.Level, Method: q.Method, DataVersion: v, SeedVersion: a.seedVersion(ctx),
		Components: []IndexComponent{}, Regions: []IndexRegion{}, Incomplete: []IncompleteRegion{}, Notes: []string{},
		Boundaries:  map[string]string{"name": li.set.Name, "gebietsstand": li.set.Gebietsstand},
		Attribution: []string{li.set.Attribution}}
	total := 0.0
	for _, w := range q.Weights {
		total += w.Weight
	}
	sers := make([]*series, len(q.Weights))
	yearParts := make([]string, len(q.Weights))
	for j, w := range q.Weights {
		ind, err := a.indicator(ctx, w.Indicator)
		if err != nil {
			return nil, err
		}
		switch {
		case ind.Direction == atlas.DirectionContext:
			return nil, &atlas.ParamError{Param: "weights", Value: w.Indicator, Reason: "context indicators have no direction (neither capacity nor need) and cannot enter a capacity index"}
		case atlas.IsCount(ind):
			return nil, &atlas.ParamError{Param: "weights", Value: w.Indicator, Reason: "counts grow with the size of a region; use a rate (e.g. vacancy_rate_zensus2022) in an index"}
		}
		y, err := a.componentYear(ctx, "weights", w.Indicator, q.Level, q.Year, q.Years)
		if err != nil {
			return nil, err
		}
		s, err := a.levelSeries(ctx, "weights", w.Indicator, q.Level, y)
		if err != nil {
			return nil, err
		}
		sers[j] = s
		yearParts[j] = w.Indicator + ":" + strconv.Itoa(y)
		sign := 1
		if ind.Direction == atlas.DirectionNeed {
			sign = -1
		}
		var xs []float64
		for _, x := range s.vals {
			if !math.IsNaN(x) {
				xs = append(xs, x)
			}
		}
		c := IndexComponent{Indicator: ind.ID, Title: ind.Title, Unit: ind.Unit, Direction: ind.Direction, Sign: sign, Weight: w.Weight, WeightShare: w.Weight / total,
			Year: y, Values: s.method, AggWeight: s.weight, Source: ind.Source, TableID: ind.TableID, Attribution: ind.Attribution, N: len(xs)}
		if len(xs) < 2 {
			return nil, noValues("weights", ind.ID, q.Level, y)
		}
		c.Min, c.Max = slices.Min(xs), slices.Max(xs)
		c.Mean, c.SD = atlas.MeanSD(xs)
		if c.Max == c.Min || c.SD == 0 {
			return nil, &atlas.ParamError{Param: "weights", Value: ind.ID, Reason: fmt.Sprintf("all regions have the same value in %d: no variation to normalise", y)}
		}
		res.Components = append(res.Components, c)
		if !slices.Contains(res.Attribution, ind.Attribution) {
			res.Attribution = append(res.Attribution, ind.Attribution)
		}
	}
	switch q.Method {
	case "minmax":
		res.Formula = "index = 100 × Σ_j w_j·n_ij ÷ Σ_j w_j; n_ij = (x_ij − min_j) ÷ (max_j − min_j) für Kapazität, (max_j − x_ij) ÷ (max_j − min_j) für Bedarf; min/max über alle Gebiete der Ebene mit Wert; contribution_ij = 100 × w_j·n_ij ÷ Σ w (Summe = index)"
	default:
		res.Formula = "index = Σ_j w_j·z_ij ÷ Σ_j w_j; z_ij = sign_j × (x_ij − mean_j) ÷ sd_j (sign +1 Kapazität, −1 Bedarf; Mittelwert und Standardabweichung (Grundgesamtheit) über alle Gebiete der Ebene mit Wert); contribution_ij = w_j·z_ij ÷ Σ w (Summe = index)"
	}
	for i, r := range li.regions {
		var missing []string
		for j, s := range sers {
			if math.IsNaN(s.vals[i]) {
				missing = append(missing, q.Weights[j].Indicator)
			}
		}
		if len(missing) > 0 {
			res.Incomplete = append(res.Incomplete, IncompleteRegion{Key: r.Key, Name: r.Name, Missing: missing})
			continue
		}
		ir := IndexRegion{Key: r.Key, Name: r.Name, Type: r.Type, Contributions: map[string]float64{}, Values: map[string]float64{}}
		for j, s := range sers {
			c := res.Components[j]
			x := s.vals[i]
			var n float64
			if q.Method == "minmax" {
				n = (x - c.Min) / (c.Max - c.Min)
				if c.Sign < 0 {
					n = (c.Max - x) / (c.Max - c.Min)
				}
				n *= 100
			} else {
				n = float64(c.Sign) * (x - c.Mean) / c.SD
			}
			contrib := c.Weight * n / total
			ir.Contributions[c.Indicator] = contrib
			ir.Index += contrib
			ir.Values[c.Indicator] = x
			if s.coverage != nil && s.coverage[i] < 1 {
				if ir.Coverage == nil {
					ir.Coverage = map[string]float64{}
				}
				ir.Coverage[c.Indicator] = s.coverage[i]
			}
		}
		res.Regions = append(res.Regions, ir)
	}
	scores := make([]float64, len(res.Regions))
	for i, r := range res.Regions {
		scores[i] = r.Index
	}
	// The map: every region of the level, NaN where incomplete.
	column := make([]float64, 0, len(li.regions))
	column = append(column, scores...)
	for range res.Incomplete {
		column = append(column, math.NaN())
	}
	if res.Legend, err = classifyForMap(column, len(scores), IndexClasses, func(i, c int) { res.Regions[i].Class = c }); err != nil {
		return nil, err
	}
	for i, r := range ranks(scores) {
		res.Regions[i].Rank = r
	}
	sort.SliceStable(res.Regions, func(x, y int) bool { return res.Regions[x].Rank < res.Regions[y].Rank })
	res.Scored = len(res.Regions)
	res.Query = fmt.Sprintf("level=%s&weights=%s&method=%s&years=%s", q.Level, weightsString(q.Weights), q.Method, strings.Join(yearParts, ","))
	if len(res.Incomplete) > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d Gebiete ohne vollständige Eingangswerte sind nicht bewertet (incomplete).", len(res.Incomplete)))
	}
	years := map[int]bool{}
	for _, c := range res.Components {
		years[c.Year] = true
	}
	if len(years) > 1 {
		res.Notes = append(res.Notes, "Die Indikatoren stammen aus verschiedenen Jahren (siehe components[].year).")
	}
	if q.Land != "" {
		res.Regions = slices.DeleteFunc(res.Regions, func(r IndexRegion) bool { return !strings.HasPrefix(r.Key, q.Land) })
		res.Incomplete = slices.DeleteFunc(res.Incomplete, func(r IncompleteRegion) bool { return !strings.HasPrefix(r.Key, q.Land) })
		res.Query += "&land=" + q.Land
		res.Notes = append(res.Notes, fmt.Sprintf("Nur die Gebiete des Landes %s; Skalierung, Ränge und Klassen über ganz Deutschland.", q.Land))
	}
	return res, nil
}
