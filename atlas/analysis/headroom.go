package analysis

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/standortatlas/standortatlas/atlas"
)

// MissingCapacity names a capacity the atlas has no real data for.
type MissingCapacity struct {
	Capacity string `json:"capacity"`
	Note     string `json:"note"`
}

// missingCapacities are capacities users ask for that the data do not
// contain; the headroom answer lists them rather than approximating them.
func missingCapacities() []MissingCapacity {
	return []MissingCapacity{
		{"kita_places", "Freie Kita-Plätze: nicht in den Daten. childcare_under3 und childcare_3to6 sind Betreuungsquoten (Anteil betreuter Kinder an allen Kindern der Altersgruppe), keine freien Plätze."},
		{"school_places", "Freie Schulplätze: nicht in den Daten."},
		{"integration_course_places", "Plätze in Integrationskursen: nicht in den Daten."},
		{"accommodation_places", "Plätze in Erstaufnahme und Gemeinschaftsunterkünften: nicht in den Daten."},
	}
}

// HeadroomQuery selects capacity per expected arrival under a key.
type HeadroomQuery struct {
	Level        atlas.Level
	Land         string // for level kreis
	Capacity     string // a capacity count, e.g. dwellings_vacant_zensus2022
	CapacityYear int    // 0 = latest
	Key          string // "ks" (default), "population" or "model"
	Weights      []Weight
	Year         int
	Years        map[string]int
	Arrivals     float64
	KS           string
}

// HeadroomResult is the capacity per expected arrival per region.
type HeadroomResult struct {
	Level             atlas.Level       `json:"level"`
	Land              *RegionRef        `json:"land,omitempty"`
	Query             string            `json:"query"`
	Formula           string            `json:"formula"`
	Capacity          HeadroomCapacity  `json:"capacity"`
	Key               HeadroomKey       `json:"key"`
	Arrivals          float64           `json:"arrivals"`
	ArrivalsInScope   float64           `json:"arrivals_in_scope"`
	Regions           []HeadroomRegion  `json:"regions"`
	MissingCapacities []MissingCapacity `json:"missing_capacities"`
	Boundaries        map[string]string `json:"boundaries"`
	DataVersion       int64             `json:"data_version"`
	SeedVersion       string            `json:"seed_version,omitempty"`
	Attribution       []string          `json:"attribution"`
	Notes             []string          `json:"notes"`
	// Legend classes capacity per expected arrival for the map, as every
	// map of the atlas is classified (HeadroomClasses; no data = no
	// capacity value or no expected arrival); Regions[].Class is each
	// region's class.
	Legend atlas.Legend `json:"legend"`
}

// HeadroomClasses is how the headroom map is classified: capacity per
// expected arrival in quantiles, more capacity darker.
var HeadroomClasses = atlas.ColumnClasses{Method: atlas.MethodQuantile, Classes: 5, Decimals: 2, Scheme: "Blues"}

// HeadroomCapacity describes the capacity used.
type HeadroomCapacity struct {
	Indicator   string `json:"indicator"`
	Title       string `json:"title"`
	Unit        string `json:"unit"`
	Year        int    `json:"year"`
	Values      string `json:"values"`
	Definition  string `json:"definition"`
	Source      string `json:"source"`
	Attribution string `json:"attribution"`
}

// HeadroomKey describes the key that distributes the arrivals.
type HeadroomKey struct {
	Kind       string          `json:"kind"`
	Label      string          `json:"label"`
	Note       string          `json:"note"`
	KS         *KSInfo         `json:"ks"`
	Components []DistComponent `json:"components,omitempty"`
}

// HeadroomRegion is one region's capacity against its expected arrivals.
type HeadroomRegion struct {
	Key                 string      `json:"key"`
	Name                string      `json:"name"`
	Type                string      `json:"type,omitempty"`
	Capacity            *float64    `json:"capacity"`
	Flag                *atlas.Flag `json:"flag"`
	Share               float64     `json:"share"`
	ExpectedArrivals    float64     `json:"expected_arrivals"`
	CapacityPerArrival  *float64    `json:"capacity_per_arrival"`
	ArrivalsPerCapacity *float64    `json:"arrivals_per_capacity"`
	Class               int         `json:"class"` // of CapacityPerArrival in HeadroomResult.Legend; -1 without a value
}

// Headroom relates a capacity count to the arrivals a key assigns.
func (a *Analyzer) Headroom(ctx context.Context, q HeadroomQuery) (*HeadroomResult, error) {
	v, err := a.sync(ctx)
	if err != nil {
		return nil, err
	}
	if err := levelParam(q.Level, atlas.LevelLand, atlas.LevelKreis); err != nil {
		return nil, err
	}
	if q.Capacity == "" {
		q.Capacity = VacantDwellings
	}
	for _, mc := range missingCapacities() {
		if strings.EqualFold(q.Capacity, mc.Capacity) {
			return nil, &atlas.ParamError{Param: "capacity", Value: q.Capacity, Reason: mc.Note + " Verfügbar: " + VacantDwellings}
		}
	}
	if q.Key == "" {
		q.Key = "ks"
	}
	if q.Key != "ks" && q.Key != "population" && q.Key != "model" {
		return nil, &atlas.ParamError{Param: "key", Value: q.Key, Reason: "must be ks, population or model"}
	}
	if !(q.Arrivals > 0 && q.Arrivals <= MaxArrivals) {
		return nil, &atlas.ParamError{Param: "arrivals", Value: strconv.FormatFloat(q.Arrivals, 'g', -1, 64), Reason: "required: the number of persons arriving in Germany (1 to 1,000,000,000)"}
	}
	ind, err := a.indicator(ctx, q.Capacity)
	if err != nil {
		return nil, err
	}
	if !atlas.IsCount(ind) || ind.Direction != atlas.DirectionCapacity {
		return nil, &atlas.ParamError{Param: "capacity", Value: q.Capacity, Reason: "must be a count of capacity (places, dwellings); available: " + VacantDwellings}
	}
	cy := q.CapacityYear
	if cy == 0 {
		if cy, err = a.latestYearAt(ctx, q.Capacity, q.Level); err != nil {
			return nil, err
		}
	}
	capS, err := a.levelSeries(ctx, "capacity", q.Capacity, q.Level, cy)
	if err != nil {
		return nil, err
	}
	ksInfo, ks, err := a.ks(ctx, q.KS)
	if err != nil {
		return nil, err
	}
	res := &HeadroomResult{Level: q.Level, Arrivals: q.Arrivals, ArrivalsInScope: q.Arrivals, DataVersion: v, SeedVersion: a.seedVersion(ctx),
		MissingCapacities: missingCapacities(), Notes: []string{},
		Formula:  "capacity_per_arrival_i = capacity_i ÷ expected_arrivals_i; expected_arrivals_i = arrivals_in_scope × share_i ÷ 100; arrivals_per_capacity_i = expected_arrivals_i ÷ capacity_i",
		Capacity: HeadroomCapacity{Indicator: ind.ID, Title: ind.Title, Unit: ind.Unit, Year: cy, Values: capS.method, Definition: ind.Definition, Source: ind.Source, Attribution: ind.Attribution},
		Key:      HeadroomKey{Kind: q.Key, KS: ksInfo},
	}
	res.Attribution = []string{ind.Attribution, ksInfo.Attribution}
	// Shares (0…1) per region of the scope.
	capLevel := capS.level
	lvl, err := a.level(ctx, capLevel)
	if err != nil {
		return nil, err
	}
	res.Boundaries = map[string]string{"name": lvl.set.Name, "gebietsstand": lvl.set.Gebietsstand}
	res.Attribution = append([]string{lvl.set.Attribution}, res.Attribution...)
	var scope []int
	var shares []float64
	if q.Level == atlas.LevelKreis {
		if !atlas.ValidKey(atlas.LevelLand, q.Land) {
			return nil, &atlas.ParamError{Param: "land", Value: q.Land, Reason: "level=kreis needs the 2-digit key of a Land (e.g. land=09)"}
		}
		share, ok := ks[q.Land]
		if !ok {
			return nil, fmt.Errorf("land %s: %w", q.Land, atlas.ErrNotFound)
		}
		lli, err := a.level(ctx, atlas.LevelLand)
		if err != nil {
			return nil, err
		}
		if lr, ok := lli.find(q.Land); ok {
			res.Land = &RegionRef{Key: lr.Key, Name: lr.Name, Level: atlas.LevelLand}
		}
		res.ArrivalsInScope = q.Arrivals * share / 100
		res.Notes = append(res.Notes, fmt.Sprintf("Das Land %s erhält arrivals × %g %% (%s) = %.1f Personen; verteilt wird innerhalb des Landes.", q.Land, share, ksInfo.Label, res.ArrivalsInScope))
	}
	switch q.Key {
	case "model":
		d, _, err := a.model(ctx, q.Level, q.Land, q.Weights, q.Year, q.Years)
		if err != nil {
			return nil, err
		}
		scope, shares = d.scope, d.shares
		res.Key.Label = "Modellschlüssel " + weightsString(q.Weights)
		res.Key.Note = distributionFormula
		res.Key.Components = d.comps
		for _, c := range d.comps {
			res.Attribution = append(res.Attribution, c.Attribution)
		}
	case "ks", "population":
		if q.Level == atlas.LevelLand && q.Key == "ks" {
			for i, r := range lvl.regions {
				share, ok := ks[r.Key]
				if !ok {
					return nil, fmt.Errorf("königsteiner schlüssel: no share for Land %s: %w", r.Key, atlas.ErrNotFound)
				}
				scope, shares = append(scope, i), append(shares, share/100)
			}
			res.Key.Label, res.Key.Note = ksInfo.Label, ksInfo.Note
			break
		}
		d, _, err := a.model(ctx, q.Level, q.Land, []Weight{{atlas.PopulationIndicator, 1}}, 0, nil)
		if err != nil {
			return nil, err
		}
		scope, shares = d.scope, d.shares
		res.Key.Label = fmt.Sprintf("Bevölkerungsanteil (%s %d)", atlas.PopulationIndicator, d.comps[0].Year)
		res.Key.Components = d.comps
		if q.Level == atlas.LevelKreis {
			res.Key.Note = "Innerhalb des Landes nach Bevölkerungsanteil (die eigenen Verteilungsregeln der Länder sind nicht in den Daten)."
		}
	}
	for r, i := range scope {
		reg := lvl.regions[i]
		hr := HeadroomRegion{Key: reg.Key, Name: reg.Name, Type: reg.Type, Capacity: valPtr(capS.vals[i]), Flag: flagPtr(capS.flags[i]), Share: 100 * shares[r]}
		hr.ExpectedArrivals = res.ArrivalsInScope * shares[r]
		if hr.Capacity != nil && hr.ExpectedArrivals > 0 {
			cpa := *hr.Capacity / hr.ExpectedArrivals
			hr.CapacityPerArrival = &cpa
			if *hr.Capacity > 0 {
				apc := hr.ExpectedArrivals / *hr.Capacity
				hr.ArrivalsPerCapacity = &apc
			}
		}
		res.Regions = append(res.Regions, hr)
	}
	res.Query = fmt.Sprintf("level=%s&capacity=%s&capacity_year=%d&key=%s&arrivals=%s&ks_year=%s", q.Level, q.Capacity, cy, q.Key,
		strconv.FormatFloat(q.Arrivals, 'f', -1, 64), q.KS)
	if q.Key == "model" {
		res.Query += "&weights=" + weightsString(q.Weights)
	}
	if q.Level == atlas.LevelKreis {
		res.Query += "&land=" + q.Land
	}
	column := make([]float64, len(res.Regions))
	for i, r := range res.Regions {
		column[i] = math.NaN()
		if r.CapacityPerArrival != nil {
			column[i] = *r.CapacityPerArrival
		}
	}
	if res.Legend, err = classifyForMap(column, len(column), HeadroomClasses, func(i, c int) { res.Regions[i].Class = c }); err != nil {
		return nil, err
	}
	if ind.ID == VacantDwellings {
		res.Notes = append(res.Notes, "Leerstehende Wohnungen sind abgeleitet (Wohnungen × Leerstandsquote, Zensus 2022), nicht amtlich veröffentlicht; ein Leerstand ist nicht automatisch bewohnbar oder verfügbar.")
	}
	return res, nil
}
