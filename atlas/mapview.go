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
)

// MapQuery is a choropleth query with the extended class options: standard
// deviation and manual classes, breaks fixed over all years, colour scheme,
// normalisation of counts and a histogram.
type MapQuery struct {
	ChoroplethQuery
	// Breaks are the interior class bounds of MethodManual.
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
}

// DefaultHistogramBins is the number of histogram bins unless asked otherwise.
const DefaultHistogramBins = 20

// MaxHistogramBins bounds the number of histogram bins.
const MaxHistogramBins = 200

// Extended reports whether q asks for more than Service.Choropleth offers.
func (q MapQuery) Extended() bool {
	return q.Method == MethodStdDev || q.Method == MethodManual || len(q.Breaks) > 0 || q.Fixed ||
		q.Scheme != "" || q.Normalize != NormNone || q.BaseYear != 0 || q.Bins != 0
}

func (q MapQuery) cacheKey(kind string) string {
	bs := make([]string, len(q.Breaks))
	for i, b := range q.Breaks {
		bs[i] = strconv.FormatFloat(b, 'g', -1, 64)
	}
	return fmt.Sprintf("%s|%s|%s|%d|%s|%d|%s|%t|%s|%s|%d|%d", kind, q.Level, q.Indicator, q.Year, q.Method, q.Classes,
		strings.Join(bs, ","), q.Fixed, q.Scheme, q.Normalize, q.BaseYear, q.Bins)
}

// MapLegend is a Legend with what the extended classes add.
type MapLegend struct {
	Legend
	// Fixed describes breaks computed over all years.
	Fixed *FixedBreaks `json:"fixed,omitempty"`
	// StdDev gives the mean and standard deviation behind stddev classes.
	StdDev *StdDevInfo `json:"stddev,omitempty"`
	// Flags counts the flagged values: those with a value are drawn in their
	// class and marked; the others are in the "no data" class.
	Flags []FlagCount `json:"flags"`
}

// FixedBreaks says which years' values were pooled for the breaks.
type FixedBreaks struct {
	Years  []int  `json:"years"`
	Values int    `json:"values"`
	Note   string `json:"note"`
}

// StdDevInfo is the centre and unit of standard deviation classes
// (population standard deviation of the classified values).
type StdDevInfo struct {
	Mean float64 `json:"mean"`
	SD   float64 `json:"sd"`
}

// FlagCount counts one flag in a map.
type FlagCount struct {
	Flag     Flag   `json:"flag"`
	Label    string `json:"label"`
	Count    int    `json:"count"`
	HasValue bool   `json:"has_value"`
}

// FlagLabel is the German legend text of a flag (GENESIS symbols where they exist).
func FlagLabel(f Flag) string {
	switch f {
	case FlagZero:
		return "– nichts vorhanden"
	case FlagSecret:
		return ". Zahlenwert unbekannt oder geheim zu halten"
	case FlagNotYet:
		return "… Angabe fällt später an"
	case FlagNotMeaningful:
		return "x Tabellenfach gesperrt, weil Aussage nicht sinnvoll"
	case FlagUnreliable:
		return "/ keine Angaben, da Zahlenwert nicht sicher genug"
	case FlagLimited:
		return "() Aussagewert eingeschränkt"
	case FlagEstimated:
		return "geschätzt"
	case FlagMissing:
		return "keine Angabe in der Quelle"
	}
	return string(f)
}

// Histogram counts the values of a map in equal-width bins, with the class
// breaks for drawing them on top. Bins are [Lower, Upper), the last closed.
type Histogram struct {
	Bins    []HistogramBin `json:"bins"`
	Breaks  []float64      `json:"breaks"`
	Lower   *float64       `json:"lower"`
	Upper   *float64       `json:"upper"`
	Count   int            `json:"count"`
	NoData  int            `json:"no_data"`
	Flagged int            `json:"flagged"`
	Note    string         `json:"note"`
}

// HistogramBin is one bin of a histogram.
type HistogramBin struct {
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
	Count int     `json:"count"`
}

// mapView is a classified map: values aligned with the regions of a level.
type mapView struct {
	q      MapQuery
	ind    Indicator // unit, title, decimals after normalisation
	sh     *levelShapes
	vals   []float64 // per region; NaN where missing
	flags  []Flag    // per region; FlagMissing where there is no observation
	raw    map[string]Value
	cl     Classification
	legend MapLegend
	stats  Stats
	hist   Histogram
	norm   *NormalizationInfo
}

func (s *Service) checkMapQuery(ctx context.Context, q *MapQuery) (Indicator, error) {
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
	if q.Bins == 0 {
		q.Bins = DefaultHistogramBins
	}
	if q.Bins < 1 || q.Bins > MaxHistogramBins {
		return Indicator{}, &ParamError{Param: "bins", Value: strconv.Itoa(q.Bins), Reason: fmt.Sprintf("must be from 1 to %d", MaxHistogramBins)}
	}
	scheme, err := ParseScheme(q.Scheme)
	if err != nil {
		return Indicator{}, err
	}
	q.Scheme = scheme
	ind, err := s.Indicator(ctx, q.Indicator)
	if err != nil {
		return ind, err
	}
	if q.Year == 0 {
		q.Year = ind.DefaultYear
	}
	if !containsLevel(ind.Levels, q.Level) {
		return ind, &ParamError{Param: "level", Value: q.Level.String(), Reason: fmt.Sprintf("indicator %s has no values at this level (levels: %v)", ind.ID, ind.Levels)}
	}
	if !containsInt(ind.Years, q.Year) {
		return ind, &ParamError{Param: "year", Value: strconv.Itoa(q.Year), Reason: fmt.Sprintf("indicator %s has no values for this year (years %d–%d)", ind.ID, ind.Years[0], ind.Years[len(ind.Years)-1])}
	}
	if q.Scheme == "" {
		q.Scheme = SchemeFor(ind.Direction)
		if q.Method == MethodStdDev {
			q.Scheme = DivergingFor(ind.Direction)
		}
	}
	return ind, nil
}

// alignValues puts values into the order of the level's regions.
func alignValues(sh *levelShapes, vals map[string]Value) ([]float64, []Flag) {
	xs := make([]float64, len(sh.regions))
	fs := make([]Flag, len(sh.regions))
	for i, r := range sh.regions {
		v, ok := vals[r.Key]
		switch {
		case !ok:
			xs[i], fs[i] = math.NaN(), FlagMissing
		default:
			xs[i], fs[i] = v.Value, v.Flag
		}
	}
	return xs, fs
}

func (s *Service) buildMapView(ctx context.Context, q MapQuery) (*mapView, error) {
	ind, err := s.checkMapQuery(ctx, &q)
	if err != nil {
		return nil, err
	}
	sh, err := s.shapesFor(ctx, q.Level)
	if err != nil {
		return nil, err
	}
	vals, nind, norm, err := s.NormalizedValues(ctx, ind, q.Level, q.Year, q.Normalize, q.BaseYear)
	if err != nil {
		return nil, err
	}
	v := &mapView{q: q, ind: nind, sh: sh, raw: vals, norm: norm}
	v.vals, v.flags = alignValues(sh, vals)

	// The values the classes are computed from: this year's, or all years' pooled.
	basis := v.vals
	if q.Fixed {
		fb := &FixedBreaks{}
		basis = nil
		for _, y := range ind.Years {
			yv := v.vals
			if y != q.Year {
				raw, _, _, err := s.NormalizedValues(ctx, ind, q.Level, y, q.Normalize, q.BaseYear)
				if err != nil {
					return nil, fmt.Errorf("fixed breaks, year %d: %w", y, err)
				}
				yv, _ = alignValues(sh, raw)
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
		v.cl = v.cl.Recount(v.vals)
	}
	if q.Method == MethodStdDev {
		mean, sd := MeanSD(basis)
		v.legend.StdDev = &StdDevInfo{Mean: mean, SD: sd}
	}
	v.legend.Legend = legendOf(nind, v.cl, q.Method, q.Scheme)

	v.stats = ComputeStats(v.vals)
	v.stats.Missing = len(sh.regions) - v.stats.Count
	v.legend.NoData.Count = v.stats.Missing
	counts := map[Flag]int{}
	for _, f := range v.flags {
		if f != FlagNone {
			counts[f]++
		}
	}
	v.legend.Flags = []FlagCount{}
	for _, f := range []Flag{FlagLimited, FlagEstimated, FlagZero, FlagSecret, FlagNotYet, FlagNotMeaningful, FlagUnreliable, FlagMissing} {
		if counts[f] > 0 {
			v.legend.Flags = append(v.legend.Flags, FlagCount{Flag: f, Label: FlagLabel(f), Count: counts[f], HasValue: f.HasValue()})
			if f != FlagMissing {
				v.stats.Flagged += counts[f]
			}
		}
	}
	var unmatched []string
	for k, x := range vals {
		if _, ok := sh.byKey[k]; !ok && !math.IsNaN(x.Value) {
			unmatched = append(unmatched, k)
		}
	}
	sort.Strings(unmatched)
	if len(unmatched) > 50 {
		v.stats.UnmatchedMore = len(unmatched) - 50
		unmatched = unmatched[:50]
	}
	v.stats.Unmatched = unmatched
	v.hist = histogram(v.vals, basis, q.Bins, v.legend.Breaks, q.Fixed)
	v.hist.NoData = v.stats.Missing
	v.hist.Flagged = v.stats.Flagged
	return v, nil
}

// legendOf describes the classes of cl for a legend in scheme.
func legendOf(ind Indicator, cl Classification, m Method, scheme string) Legend {
	colors := SchemeColors(scheme, len(cl.Classes))
	lg := Legend{Method: m, Scheme: scheme, Unit: ind.Unit, Colors: colors, Breaks: []float64{}, Classes: []LegendClass{}}
	bounds := make([]float64, 0, len(cl.Classes)+1)
	for i, c := range cl.Classes {
		if i == 0 {
			bounds = append(bounds, c.Lower)
		} else {
			lg.Breaks = append(lg.Breaks, c.Lower)
		}
		bounds = append(bounds, c.Upper)
	}
	dec := labelDecimals(bounds, ind.Decimals)
	for i, c := range cl.Classes {
		last := i == len(cl.Classes)-1
		label := FormatDE(c.Lower, dec) + " – < " + FormatDE(c.Upper, dec)
		if last {
			label = FormatDE(c.Lower, dec) + " – " + FormatDE(c.Upper, dec)
		}
		lg.Classes = append(lg.Classes, LegendClass{Class: i, Lower: ptr(c.Lower), Upper: ptr(c.Upper), Closed: last, Label: label, Color: colors[i], Count: c.Count})
	}
	lg.NoData = LegendClass{Class: -1, Label: "keine Daten", Color: NoDataColor}
	return lg
}

// histogram counts vals in n equal bins over the range of basis (the pooled
// values for fixed breaks, so that histograms of different years line up).
func histogram(vals, basis []float64, n int, breaks []float64, fixed bool) Histogram {
	h := Histogram{Bins: []HistogramBin{}, Breaks: breaks}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range basis {
		if !math.IsNaN(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	if math.IsInf(lo, 1) {
		h.Note = "keine Werte"
		return h
	}
	h.Lower, h.Upper = ptr(lo), ptr(hi)
	if hi == lo {
		n = 1
	}
	w := (hi - lo) / float64(n)
	for i := 0; i < n; i++ {
		b := HistogramBin{Lower: lo + float64(i)*w, Upper: lo + float64(i+1)*w}
		if i == n-1 {
			b.Upper = hi
		}
		h.Bins = append(h.Bins, b)
	}
	for _, x := range vals {
		if math.IsNaN(x) {
			continue
		}
		i := n - 1
		if w > 0 {
			i = min(max(int((x-lo)/w), 0), n-1)
		}
		h.Bins[i].Count++
		h.Count++
	}
	h.Note = fmt.Sprintf("%d gleich breite Klassen über den Wertebereich, [untere, obere), die letzte geschlossen; breaks sind die Grenzen der Kartenklassen.", n)
	if fixed {
		h.Note += " Wertebereich aller Jahre (feste Klassengrenzen)."
	}
	return h
}

// ChoroplethWith answers a MapQuery with an encoded GeoJSON FeatureCollection
// like Choropleth (same features and members) plus "histogram",
// "normalization" and the extended legend. Features carry "flagged": true
// where the value is flagged.
func (s *Service) ChoroplethWith(ctx context.Context, q MapQuery) (*Encoded, error) {
	if _, err := s.checkMapQuery(ctx, &q); err != nil {
		return nil, err
	}
	return s.Cached(ctx, q.cacheKey("map"), func(ctx context.Context) ([]byte, error) {
		v, err := s.buildMapView(ctx, q)
		if err != nil {
			return nil, err
		}
		return v.encodeGeoJSON()
	})
}

// MapValues answers a MapQuery with the values only, for joining onto
// vector tiles: {"values": {"09162": {"value": 3.5, "flag": null, "class": 1},
// …}} for every region of the level, plus the legend, statistics,
// normalisation and attribution.
func (s *Service) MapValues(ctx context.Context, q MapQuery) (*Encoded, error) {
	if _, err := s.checkMapQuery(ctx, &q); err != nil {
		return nil, err
	}
	return s.Cached(ctx, q.cacheKey("values"), func(ctx context.Context) ([]byte, error) {
		v, err := s.buildMapView(ctx, q)
		if err != nil {
			return nil, err
		}
		return v.encodeValues()
	})
}

// MapHistogram answers a MapQuery with the histogram and legend only.
func (s *Service) MapHistogram(ctx context.Context, q MapQuery) (*Encoded, error) {
	if _, err := s.checkMapQuery(ctx, &q); err != nil {
		return nil, err
	}
	return s.Cached(ctx, q.cacheKey("histogram"), func(ctx context.Context) ([]byte, error) {
		v, err := s.buildMapView(ctx, q)
		if err != nil {
			return nil, err
		}
		b := []byte(`{"level":`)
		b = strconv.AppendQuote(b, v.q.Level.String())
		b = append(b, `,"indicator":`...)
		b = strconv.AppendQuote(b, v.ind.ID)
		b = append(b, `,"year":`...)
		b = strconv.AppendInt(b, int64(v.q.Year), 10)
		return v.appendMembers(b, []string{"histogram", "legend", "stats", "normalization", "attribution"})
	})
}

func appendValue(b []byte, x float64) []byte {
	if math.IsNaN(x) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, x, 'f', -1, 64)
}

func appendFlag(b []byte, f Flag) []byte {
	if f == FlagNone {
		return append(b, "null"...)
	}
	return strconv.AppendQuote(b, string(f))
}

func (v *mapView) appendClass(b []byte, i int) []byte {
	if c := v.cl.ClassOf(v.vals[i]); c >= 0 {
		return strconv.AppendInt(b, int64(c), 10)
	}
	return append(b, "null"...)
}

func (v *mapView) encodeValues() ([]byte, error) {
	b := make([]byte, 0, 64+48*len(v.sh.regions))
	b = append(b, `{"level":`...)
	b = strconv.AppendQuote(b, v.q.Level.String())
	b = append(b, `,"indicator":`...)
	b = strconv.AppendQuote(b, v.ind.ID)
	b = append(b, `,"year":`...)
	b = strconv.AppendInt(b, int64(v.q.Year), 10)
	b = append(b, `,"unit":`...)
	b = appendJSONString(b, v.ind.Unit)
	b = append(b, `,"values":{`...)
	for i, r := range v.sh.regions {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, r.Key)
		b = append(b, `:{"value":`...)
		b = appendValue(b, v.vals[i])
		b = append(b, `,"flag":`...)
		b = appendFlag(b, v.flags[i])
		b = append(b, `,"class":`...)
		b = v.appendClass(b, i)
		b = append(b, '}')
	}
	b = append(b, '}')
	return v.appendMembers(b, []string{"legend", "stats", "normalization", "boundaries", "attribution"})
}

func (v *mapView) encodeGeoJSON() ([]byte, error) {
	b := make([]byte, 0, 64*1024)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for i, r := range v.sh.regions {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFeatureHead(b, r, v.sh.geomJSON[i])
		b = append(b, `,"value":`...)
		b = appendValue(b, v.vals[i])
		b = append(b, `,"flag":`...)
		b = appendFlag(b, v.flags[i])
		if v.flags[i] != FlagNone && v.flags[i] != FlagMissing {
			b = append(b, `,"flagged":true`...)
		}
		b = append(b, `,"class":`...)
		b = v.appendClass(b, i)
		b = append(b, "}}"...)
	}
	b = append(b, ']')
	b = append(b, `,"level":`...)
	b = strconv.AppendQuote(b, v.q.Level.String())
	b = append(b, `,"year":`...)
	b = strconv.AppendInt(b, int64(v.q.Year), 10)
	return v.appendMembers(b, []string{"indicator", "legend", "stats", "histogram", "normalization", "boundaries", "attribution"})
}

// appendMembers appends the named JSON members and closes the object.
func (v *mapView) appendMembers(b []byte, names []string) ([]byte, error) {
	for _, name := range names {
		var val any
		switch name {
		case "indicator":
			val = v.ind
		case "legend":
			val = v.legend
		case "stats":
			val = v.stats
		case "histogram":
			val = v.hist
		case "normalization":
			val = v.norm
		case "boundaries":
			val = boundaryInfo(v.sh.set)
		case "attribution":
			val = Attribution(v.ind, v.sh.set)
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
