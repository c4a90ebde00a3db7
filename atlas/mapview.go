package atlas

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MapQuery asks for one classified map of an indicator. It is parsed and
// checked once (atlas/web) and answered by Service.Map; GeoJSON, values,
// histogram, vector-tile properties and the CSV forms are encodings of the
// one MapView it returns.
type MapQuery struct {
	Level     Level
	Indicator string
	Year      int    // 0 = the indicator's default year
	Method    Method // "" = quantile
	Classes   int    // 0 = 5
	// Breaks are the interior class bounds of MethodManual (setting them
	// selects it).
	Breaks []float64
	// Fixed classifies the pooled values of all years of the indicator at the
	// level, so that a class means the same in every year.
	Fixed bool
	// Scheme is a colour scheme of Schemes(); "" selects the direction's
	// sequential scheme, or its diverging one for standard deviation classes.
	Scheme string
	// Normalize divides counts by population or area (NormalizedValues).
	Normalize Normalization
	// BaseYear is the year of the normalisation base (0 = NormalizedValues' rule).
	BaseYear int
	// Bins is the number of histogram bins (0 = 20).
	Bins int
	// Histogram asks the GeoJSON form for the histogram and the extended
	// legend also without extended class options.
	Histogram bool
}

// ChoroplethQuery is the former name of MapQuery.
type ChoroplethQuery = MapQuery

// DefaultHistogramBins is the number of histogram bins unless asked otherwise.
const DefaultHistogramBins = 20

// MaxHistogramBins bounds the number of histogram bins.
const MaxHistogramBins = 200

// Extended reports whether q asks for more than the plain choropleth
// (quantile, equal or jenks classes in the direction's scheme): its GeoJSON
// form then carries the histogram, the normalisation and the extended legend.
func (q MapQuery) Extended() bool {
	return q.Method == MethodStdDev || q.Method == MethodManual || len(q.Breaks) > 0 || q.Fixed ||
		q.Scheme != "" || q.Normalize != NormNone || q.BaseYear != 0 || q.Bins != 0 || q.Histogram
}

// Key identifies the query completely (as asked: a year of 0 and the
// default year are different keys).
func (q MapQuery) Key() string { return q.key() }

// key identifies a query completely.
func (q MapQuery) key() string {
	b := make([]byte, 0, 96)
	b = append(b, q.Level.String()...)
	b = append(b, '|')
	b = append(b, q.Indicator...)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(q.Year), 10)
	b = append(b, '|')
	b = append(b, q.Method...)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(q.Classes), 10)
	b = append(b, '|')
	for i, x := range q.Breaks {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendFloat(b, x, 'g', -1, 64)
	}
	b = append(b, '|')
	b = strconv.AppendBool(b, q.Fixed)
	b = append(b, '|')
	b = append(b, q.Scheme...)
	b = append(b, '|')
	b = append(b, q.Normalize...)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(q.BaseYear), 10)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(q.Bins), 10)
	b = append(b, '|')
	b = strconv.AppendBool(b, q.Histogram)
	return string(b)
}

// resolve fills in the defaults of q and checks it against the
// indicator's catalogue entry. The scheme stays "" when not asked for, so
// that Extended keeps telling the plain choropleth from the extended one;
// MapView.Legend names the scheme used.
func (q MapQuery) resolve(ind Indicator) (MapQuery, error) {
	if q.Classes == 0 {
		q.Classes = 5
	}
	if q.Method == "" {
		q.Method = MethodQuantile
	}
	if len(q.Breaks) > 0 {
		q.Method = MethodManual
	}
	if q.Method == MethodManual {
		q.Classes = len(q.Breaks) + 1
	}
	if q.Bins < 0 || q.Bins > MaxHistogramBins {
		return q, &ParamError{Param: "bins", Value: strconv.Itoa(q.Bins), Reason: fmt.Sprintf("must be from 1 to %d", MaxHistogramBins)}
	}
	scheme, err := ParseScheme(q.Scheme)
	if err != nil {
		return q, err
	}
	q.Scheme = scheme
	if q.Year == 0 {
		q.Year = ind.DefaultYear
	}
	return q, ind.Available(q.Level, q.Year)
}

// scheme returns the colour scheme of a resolved query.
func (q MapQuery) scheme(ind Indicator) string {
	switch {
	case q.Scheme != "":
		return q.Scheme
	case q.Method == MethodStdDev:
		return DivergingFor(ind.Direction)
	}
	return SchemeFor(ind.Direction)
}

// MapView is one classified map: the values of an indicator (normalised
// when asked) aligned with the regions of a level, their classes, legend,
// statistics and histogram. It is shared: read-only.
type MapView struct {
	Version int64     // data version of the values
	Query   MapQuery  // resolved: defaults filled in
	Ind     Indicator // unit, title, decimals and attribution after normalisation
	Level   *LevelData
	// Values, Flags and Classes are aligned with Level.Regions: NaN,
	// FlagMissing and -1 where a region has no observation.
	Values  []float64
	Flags   []Flag
	Classes []int

	raw           map[string]Value
	cl            Classification
	legend        MapLegend
	stats         Stats
	hist          Histogram
	normalization *NormalizationInfo
	germany       *GermanyValue
	built         time.Time // when the view was built: the age of its data ("Stand 2016") is measured from it
}

// GermanyValue is the official Germany value (the source's DG row) of a
// map's indicator and year, drawn as a marker on the legend's histogram.
// Only the source's row (or, for a ratio the import derived, the ratio of
// its official rows): a mean of the regions would not be Germany's value.
type GermanyValue struct {
	Value float64 `json:"value"`
	Year  int     `json:"year"`
	Basis string  `json:"basis"`
}

// Germany returns the official Germany value of the map, or nil.
func (v *MapView) Germany() *GermanyValue { return v.germany }

// Legend returns the legend of the map.
func (v *MapView) Legend() MapLegend { return v.legend }

// Map answers a MapQuery with its classified view, built once per data
// version and query.
func (s *Service) Map(ctx context.Context, q MapQuery) (*MapView, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return snap.mapView(ctx, q)
}

func (snap *Snapshot) mapView(ctx context.Context, q MapQuery) (*MapView, error) {
	ind, err := snap.Indicator(ctx, q.Indicator)
	if err != nil {
		return nil, err
	}
	if q, err = q.resolve(ind); err != nil {
		return nil, err
	}
	return Remember(ctx, snap, "view|"+q.key(), func(ctx context.Context) (*MapView, error) { return snap.buildMapView(ctx, q, ind) })
}

// MapForm is an encoding of a MapView.
type MapForm string

// The encodings of a map view.
const (
	// MapGeoJSON is a FeatureCollection, one feature per region (id = key;
	// properties key, name, type, value, flag, class) with the indicator,
	// legend, statistics, boundaries and attribution; an extended query adds
	// "flagged" to features and the histogram and normalisation.
	MapGeoJSON MapForm = "geojson"
	// MapValues is the values by key, for joining onto vector tiles:
	// {"values": {"09162": {"value": 3.5, "flag": null, "class": 1}, …}}
	// with legend, statistics, normalisation and attribution.
	MapValues MapForm = "values"
	// MapHistogram is the histogram with the class breaks and the legend.
	MapHistogram MapForm = "histogram"
)

// MapAnswer answers a MapQuery in one of the map forms, encoded once per
// data version and query as asked (queries that differ only in spelling out
// defaults share the view).
func (s *Service) MapAnswer(ctx context.Context, q MapQuery, form MapForm) (*Encoded, error) {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return snap.cached(ctx, string(form)+"|"+q.key(), func(ctx context.Context) ([]byte, error) {
		v, err := snap.mapView(ctx, q)
		if err != nil {
			return nil, err
		}
		switch form {
		case MapGeoJSON:
			return v.encodeGeoJSON()
		case MapValues:
			return v.encodeValues()
		case MapHistogram:
			return v.encodeHistogram()
		}
		return nil, fmt.Errorf("map form %q: %w", form, ErrNotFound)
	})
}

// Choropleth answers a MapQuery as GeoJSON (MapGeoJSON).
func (s *Service) Choropleth(ctx context.Context, q MapQuery) (*Encoded, error) {
	return s.MapAnswer(ctx, q, MapGeoJSON)
}

// alignValues puts values into the order of the level's regions.
func alignValues(d *LevelData, vals map[string]Value) ([]float64, []Flag) {
	xs := make([]float64, len(d.Regions))
	fs := make([]Flag, len(d.Regions))
	for i, r := range d.Regions {
		if v, ok := vals[r.Key]; ok {
			xs[i], fs[i] = v.Value, v.Flag
		} else {
			xs[i], fs[i] = math.NaN(), FlagMissing
		}
	}
	return xs, fs
}

func (snap *Snapshot) buildMapView(ctx context.Context, q MapQuery, ind Indicator) (*MapView, error) {
	d, err := snap.Level(ctx, q.Level)
	if err != nil {
		return nil, err
	}
	vals, nind, norm, err := snap.mapValues(ctx, ind, q, q.Year)
	if err != nil {
		return nil, err
	}
	v := &MapView{Version: snap.Version, Query: q, Ind: nind, Level: d, raw: vals, normalization: norm, built: snap.svc.opts.Now()}
	v.Values, v.Flags = alignValues(d, vals)
	if norm == nil { // a normalised map would need Germany's base too
		dg, err := snap.Values(ctx, ind.ID, LevelGermany, q.Year)
		if err != nil {
			return nil, err
		}
		if g, ok := dg[GermanyKey]; ok && !math.IsNaN(g.Value) {
			v.germany = &GermanyValue{Value: g.Value, Year: q.Year, Basis: "amtlich"}
			if ind.Aggregation != "" { // Σ numerator ÷ Σ denominator of the official rows
				v.germany.Basis = "eigene Berechnung"
			}
		}
	}

	// The values the classes are computed from: this year's, or all years' pooled.
	basis := v.Values
	if q.Fixed {
		fb := &FixedBreaks{}
		basis = nil
		for _, y := range ind.Years {
			yv := v.Values
			if y != q.Year {
				raw, _, _, err := snap.mapValues(ctx, ind, q, y)
				if err != nil {
					return nil, fmt.Errorf("fixed breaks, year %d: %w", y, err)
				}
				yv, _ = alignValues(d, raw)
			}
			n := 0
			for _, x := range yv {
				if !math.IsNaN(x) {
					basis = append(basis, x)
					n++
				}
			}
			if n > 0 {
				fb.Years = append(fb.Years, y)
				fb.Values += n
			}
		}
		if len(fb.Years) == 0 {
			return nil, fmt.Errorf("fixed breaks for %s at level %s: %w", ind.ID, q.Level, ErrNotFound)
		}
		fb.Note = fmt.Sprintf("Klassengrenzen aus den Werten aller %d Jahre (%d–%d) dieser Ebene: gleiche Farbe bedeutet in jedem Jahr dasselbe; die Anzahlen gelten für %d.", len(fb.Years), fb.Years[0], fb.Years[len(fb.Years)-1], q.Year)
		v.legend.Fixed = fb
	}
	if q.Method == MethodManual {
		v.cl, err = ClassifyBreaks(basis, q.Breaks)
	} else {
		v.cl, err = Classify(basis, q.Classes, q.Method, nind.Decimals)
	}
	if err != nil {
		return nil, err
	}
	if q.Fixed || q.Method == MethodManual {
		v.cl = v.cl.Recount(v.Values)
	}
	if q.Method == MethodStdDev {
		mean, sd := MeanSD(basis)
		v.legend.StdDev = &StdDevInfo{Mean: mean, SD: sd}
	}
	v.legend.Legend = legendOf(nind.Unit, nind.Decimals, v.cl, q.Method, q.scheme(ind))
	v.Classes = make([]int, len(v.Values))
	for i, x := range v.Values {
		v.Classes[i] = v.cl.ClassOf(x)
	}

	v.stats = ComputeStats(v.Values)
	v.stats.Missing = len(d.Regions) - v.stats.Count
	v.legend.NoData.Count = v.stats.Missing
	counts := map[Flag]int{}
	for _, f := range v.Flags {
		if f != FlagNone {
			counts[f]++
		}
	}
	v.legend.Flags = []FlagCount{}
	for _, f := range []Flag{FlagLimited, FlagEstimated, FlagZero, FlagSecret, FlagNotYet, FlagNotMeaningful, FlagUnreliable, FlagNotReported, FlagMissing} {
		if counts[f] > 0 {
			v.legend.Flags = append(v.legend.Flags, FlagCount{Flag: f, Label: FlagLabel(f), Count: counts[f], HasValue: f.HasValue()})
			// "missing" (no observation) is not a flagged value.
			if f != FlagMissing {
				v.stats.Flagged += counts[f]
			}
		}
	}
	var unmatched []string
	for k, x := range vals {
		if _, ok := d.byKey[k]; !ok && !math.IsNaN(x.Value) {
			unmatched = append(unmatched, k)
		}
	}
	sort.Strings(unmatched)
	if len(unmatched) > 50 {
		v.stats.UnmatchedMore = len(unmatched) - 50
		unmatched = unmatched[:50]
	}
	v.stats.Unmatched = unmatched
	v.hist = histogram(v.Values, basis, cmp(q.Bins, DefaultHistogramBins), v.legend.Breaks, q.Fixed)
	v.hist.NoData = v.stats.Missing
	v.hist.Flagged = v.stats.Flagged
	return v, nil
}

// mapValues are the values of a map in year: as stored, or normalised
// when the query asks for it (NormalizedValues).
func (snap *Snapshot) mapValues(ctx context.Context, ind Indicator, q MapQuery, year int) (map[string]Value, Indicator, *NormalizationInfo, error) {
	if q.Normalize == NormNone {
		vals, err := snap.Values(ctx, ind.ID, q.Level, year)
		return vals, ind, nil, err
	}
	return snap.NormalizedValues(ctx, ind, q.Level, year, q.Normalize, q.BaseYear)
}

// boundaryInfo is what answers say about the boundary set used.
func boundaryInfo(set BoundarySet) map[string]any {
	return map[string]any{"name": set.Name, "gebietsstand": set.Gebietsstand, "source": set.Source, "licence": set.Licence}
}

// Attribution lists the source notes every map, export and embed must show:
// the boundaries' and the indicator's.
func Attribution(ind Indicator, set BoundarySet) []string {
	var out []string
	if set.Attribution != "" {
		out = append(out, set.Attribution)
	}
	if ind.Attribution != "" {
		out = append(out, ind.Attribution)
	}
	return out
}

// cmp returns x, or def when x is 0.
func cmp(x, def int) int {
	if x == 0 {
		return def
	}
	return x
}

func appendFlag(b []byte, f Flag) []byte {
	if f == FlagNone {
		return append(b, "null"...)
	}
	return strconv.AppendQuote(b, string(f))
}

func (v *MapView) appendClass(b []byte, i int) []byte {
	if c := v.Classes[i]; c >= 0 {
		return strconv.AppendInt(b, int64(c), 10)
	}
	return append(b, "null"...)
}

func (v *MapView) appendHead(b []byte, unit bool) []byte {
	b = append(b, `{"level":`...)
	b = strconv.AppendQuote(b, v.Query.Level.String())
	b = append(b, `,"indicator":`...)
	b = strconv.AppendQuote(b, v.Ind.ID)
	b = append(b, `,"year":`...)
	b = strconv.AppendInt(b, int64(v.Query.Year), 10)
	if unit {
		b = append(b, `,"unit":`...)
		b = appendJSONString(b, v.Ind.Unit)
		// the decimals the values are shown with (one more for a rate per 1,000 than for the count)
		b = append(b, `,"decimals":`...)
		b = strconv.AppendInt(b, int64(v.Ind.Decimals), 10)
	}
	return b
}

func (v *MapView) encodeHistogram() ([]byte, error) {
	return v.appendMembers(v.appendHead(nil, false), "histogram", "legend", "stats", "germany", "caveat", "normalization", "attribution")
}

func (v *MapView) encodeValues() ([]byte, error) {
	b := make([]byte, 0, 64+48*len(v.Level.Regions))
	b = v.appendHead(b, true)
	b = append(b, `,"values":{`...)
	for i, r := range v.Level.Regions {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, r.Key)
		b = append(b, `:{"value":`...)
		b = appendNumber(b, v.Values[i])
		b = append(b, `,"flag":`...)
		b = appendFlag(b, v.Flags[i])
		b = append(b, `,"class":`...)
		b = v.appendClass(b, i)
		b = append(b, '}')
	}
	b = append(b, '}')
	return v.appendMembers(b, "legend", "stats", "germany", "caveat", "normalization", "boundaries", "attribution")
}

func (v *MapView) encodeGeoJSON() ([]byte, error) {
	ext := v.Query.Extended()
	b := make([]byte, 0, 64*1024)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for i, r := range v.Level.Regions {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFeatureHead(b, r, v.Level.geomJSON[i])
		b = append(b, `,"value":`...)
		b = appendNumber(b, v.Values[i])
		b = append(b, `,"flag":`...)
		b = appendFlag(b, v.Flags[i])
		if ext && v.Flags[i] != FlagNone && v.Flags[i] != FlagMissing {
			b = append(b, `,"flagged":true`...)
		}
		b = append(b, `,"class":`...)
		b = v.appendClass(b, i)
		b = append(b, "}}"...)
	}
	b = append(b, ']')
	b = append(b, `,"level":`...)
	b = strconv.AppendQuote(b, v.Query.Level.String())
	b = append(b, `,"year":`...)
	b = strconv.AppendInt(b, int64(v.Query.Year), 10)
	if !ext {
		// The plain choropleth: the legend without the extended members.
		return v.appendMembers(b, "indicator", "plain_legend", "stats", "boundaries", "attribution")
	}
	return v.appendMembers(b, "indicator", "legend", "stats", "histogram", "germany", "caveat", "normalization", "boundaries", "attribution")
}

// appendMembers appends the named JSON members and closes the object.
func (v *MapView) appendMembers(b []byte, names ...string) ([]byte, error) {
	for _, name := range names {
		var val any
		switch name {
		case "indicator":
			val = v.Ind
		case "legend":
			val = v.legend
		case "plain_legend":
			name, val = "legend", v.legend.Legend
		case "stats":
			val = v.stats
		case "histogram":
			val = v.hist
		case "normalization":
			val = v.normalization
		case "caveat":
			val = CaveatOf(v.Ind, v.Query.Level, v.Query.Year, v.stats.Count, len(v.Level.Regions), v.built)
		case "germany":
			if v.germany == nil {
				continue // only where the source has an official Germany row
			}
			val = v.germany
		case "boundaries":
			val = boundaryInfo(v.Level.Set)
		case "attribution":
			val = Attribution(v.Ind, v.Level.Set)
		}
		enc, err := json.Marshal(val)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", name, err)
		}
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		b = append(b, enc...)
	}
	return append(b, '}'), nil
}

// ValidBreaks parses "1,2.5,4" into strictly increasing breaks.
func ValidBreaks(s string) ([]float64, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]float64, 0, len(parts))
	for _, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, &ParamError{Param: "breaks", Value: s, Reason: "must be numbers separated by commas, with a decimal point (e.g. 1,2.5,4)"}
		}
		out = append(out, f)
	}
	if !slices.IsSorted(out) || len(slices.Compact(slices.Clone(out))) != len(out) {
		return nil, &ParamError{Param: "breaks", Value: s, Reason: "breaks must be strictly increasing"}
	}
	if len(out) > MaxClasses-1 {
		return nil, &ParamError{Param: "breaks", Value: s, Reason: fmt.Sprintf("at most %d breaks (%d classes)", MaxClasses-1, MaxClasses)}
	}
	return out, nil
}
