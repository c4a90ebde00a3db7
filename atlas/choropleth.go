package atlas

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
)

// ChoroplethQuery selects a choropleth.
type ChoroplethQuery struct {
	Level     Level
	Indicator string
	Year      int // 0 = the indicator's default year
	Method    Method
	Classes   int // 0 = 5
}

// Legend describes the classes of a choropleth.
type Legend struct {
	Method  Method        `json:"method"`
	Scheme  string        `json:"scheme"`
	Unit    string        `json:"unit"`
	Breaks  []float64     `json:"breaks"` // interior class bounds
	Colors  []string      `json:"colors"`
	Classes []LegendClass `json:"classes"`
	NoData  LegendClass   `json:"no_data"`
}

// LegendClass is one legend entry. The interval is [Lower, Upper), the last
// class is closed so that the maximum is inside it.
type LegendClass struct {
	Class  int      `json:"class"`
	Lower  *float64 `json:"lower,omitempty"`
	Upper  *float64 `json:"upper,omitempty"`
	Closed bool     `json:"closed,omitempty"`
	Label  string   `json:"label"`
	Color  string   `json:"color"`
	Count  int      `json:"count"`
}

// Stats summarises the values of a choropleth.
type Stats struct {
	Count   int      `json:"count"`
	Missing int      `json:"missing"`
	Flagged int      `json:"flagged"`
	Min     *float64 `json:"min"`
	Max     *float64 `json:"max"`
	Mean    *float64 `json:"mean"`
	Median  *float64 `json:"median"`
	// Unmatched are keys with values that are not regions of the boundary set
	// (another Gebietsstand); they are not shown on the map.
	Unmatched     []string `json:"unmatched,omitempty"`
	UnmatchedMore int      `json:"unmatched_more,omitempty"`
}

// Choropleth answers a ChoroplethQuery with an encoded GeoJSON
// FeatureCollection: one feature per region with id = key, properties key,
// name, type, value (null where missing), flag and class; plus the legend,
// indicator metadata, statistics and attribution as foreign members.
func (s *Service) Choropleth(ctx context.Context, q ChoroplethQuery) (*Encoded, error) {
	if q.Classes == 0 {
		q.Classes = 5
	}
	if q.Method == "" {
		q.Method = MethodQuantile
	}
	ind, err := s.Indicator(ctx, q.Indicator)
	if err != nil {
		return nil, err
	}
	if q.Year == 0 {
		q.Year = ind.DefaultYear
	}
	if !containsLevel(ind.Levels, q.Level) {
		return nil, &ParamError{Param: "level", Value: q.Level.String(), Reason: fmt.Sprintf("indicator %s has no values at this level (levels: %v)", ind.ID, ind.Levels)}
	}
	if !containsInt(ind.Years, q.Year) {
		return nil, &ParamError{Param: "year", Value: strconv.Itoa(q.Year), Reason: fmt.Sprintf("indicator %s has no values for this year (years %d–%d)", ind.ID, ind.Years[0], ind.Years[len(ind.Years)-1])}
	}
	v, err := s.Version(ctx)
	if err != nil {
		return nil, err
	}
	ck := fmt.Sprintf("choropleth|%d|%s|%s|%d|%s|%d", v, q.Level, q.Indicator, q.Year, q.Method, q.Classes)
	if b, ok := s.cache.get(ck); ok {
		return b, nil
	}
	sh, err := s.shapesFor(ctx, q.Level)
	if err != nil {
		return nil, err
	}
	vals, err := s.store.Values(ctx, q.Indicator, q.Level, q.Year)
	if err != nil {
		return nil, err
	}
	b, err := encodeChoropleth(q, ind, sh, vals)
	if err != nil {
		return nil, err
	}
	enc := NewEncoded(b)
	s.cache.put(ck, enc)
	return enc, nil
}

func containsLevel(ls []Level, l Level) bool {
	for _, x := range ls {
		if x == l {
			return true
		}
	}
	return false
}

func containsInt(xs []int, v int) bool {
	for _, x := range xs {
		if x == v {
			return true
		}
	}
	return false
}

func ptr(f float64) *float64 { return &f }

// BuildLegend classifies values and describes the classes for a legend in
// the default scheme of the indicator's direction.
func BuildLegend(ind Indicator, values []float64, k int, m Method) (Classification, Legend, error) {
	cl, err := Classify(values, k, m, ind.Decimals)
	if err != nil {
		return cl, Legend{}, err
	}
	return cl, legendOf(ind, cl, m, SchemeFor(ind.Direction)), nil
}

// ComputeStats summarises valued observations.
func ComputeStats(values []float64) Stats {
	xs := make([]float64, 0, len(values))
	for _, v := range values {
		if !math.IsNaN(v) {
			xs = append(xs, v)
		}
	}
	st := Stats{Count: len(xs)}
	if len(xs) == 0 {
		return st
	}
	sort.Float64s(xs)
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	st.Min, st.Max, st.Mean = ptr(xs[0]), ptr(xs[len(xs)-1]), ptr(sum/float64(len(xs)))
	if n := len(xs); n%2 == 1 {
		st.Median = ptr(xs[n/2])
	} else {
		st.Median = ptr((xs[n/2-1] + xs[n/2]) / 2)
	}
	return st
}

func encodeChoropleth(q ChoroplethQuery, ind Indicator, sh *levelShapes, vals map[string]Value) ([]byte, error) {
	regionVals := make([]float64, len(sh.regions))
	flagged := 0
	for i, r := range sh.regions {
		regionVals[i] = math.NaN()
		if v, ok := vals[r.Key]; ok {
			regionVals[i] = v.Value
			if v.Flag != FlagNone {
				flagged++
			}
		}
	}
	cl, lg, err := BuildLegend(ind, regionVals, q.Classes, q.Method)
	if err != nil {
		return nil, err
	}
	st := ComputeStats(regionVals)
	st.Flagged = flagged
	st.Missing = len(sh.regions) - st.Count
	lg.NoData.Count = st.Missing
	var unmatched []string
	for k, v := range vals {
		if _, ok := sh.byKey[k]; !ok && !math.IsNaN(v.Value) {
			unmatched = append(unmatched, k)
		}
	}
	sort.Strings(unmatched)
	if len(unmatched) > 50 {
		st.UnmatchedMore = len(unmatched) - 50
		unmatched = unmatched[:50]
	}
	st.Unmatched = unmatched

	b := make([]byte, 0, 64*1024)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for i, r := range sh.regions {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFeatureHead(b, r, sh.geomJSON[i])
		b = append(b, `,"value":`...)
		v := regionVals[i]
		if math.IsNaN(v) {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendFloat(b, v, 'f', -1, 64)
		}
		b = append(b, `,"flag":`...)
		if fv, ok := vals[r.Key]; ok && fv.Flag != FlagNone {
			b = strconv.AppendQuote(b, string(fv.Flag))
		} else if !ok {
			b = append(b, `"missing"`...)
		} else {
			b = append(b, "null"...)
		}
		b = append(b, `,"class":`...)
		if c := cl.ClassOf(v); c >= 0 {
			b = strconv.AppendInt(b, int64(c), 10)
		} else {
			b = append(b, "null"...)
		}
		b = append(b, "}}"...)
	}
	b = append(b, ']')
	for _, m := range []struct {
		name string
		v    any
	}{{"level", q.Level}, {"year", q.Year}, {"indicator", ind}, {"legend", lg}, {"stats", st}, {"boundaries", boundaryInfo(sh.set)}, {"attribution", Attribution(ind, sh.set)}} {
		enc, err := json.Marshal(m.v)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", m.name, err)
		}
		b = append(b, ',', '"')
		b = append(b, m.name...)
		b = append(b, '"', ':')
		b = append(b, enc...)
	}
	return append(b, '}'), nil
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

// appendJSONString appends s as a JSON string (HTML-safe escaping).
func appendJSONString(b []byte, s string) []byte {
	enc, _ := json.Marshal(s) // a string always marshals
	return append(b, enc...)
}
