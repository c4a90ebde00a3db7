package atlas

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// roundMultiPolygon rounds coordinates to the given decimals (5 ≈ 1 m) and
// drops consecutive duplicate points created by rounding. Shared vertices
// round identically, so shared borders stay shared.
func roundMultiPolygon(mp orb.MultiPolygon, decimals int) orb.MultiPolygon {
	p := math.Pow(10, float64(decimals))
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, poly := range mp {
		np := make(orb.Polygon, 0, len(poly))
		for _, ring := range poly {
			nr := make(orb.Ring, 0, len(ring))
			for _, pt := range ring {
				q := orb.Point{math.Round(pt[0]*p) / p, math.Round(pt[1]*p) / p}
				if len(nr) > 0 && nr[len(nr)-1] == q {
					continue
				}
				nr = append(nr, q)
			}
			if len(nr) >= 4 {
				np = append(np, nr)
			}
		}
		if len(np) > 0 {
			out = append(out, np)
		}
	}
	return out
}

// appendFeatureHead appends the start of a region's GeoJSON feature, up to
// and including its key, name and type properties; the caller adds further
// properties and closes the feature with "}}".
func appendFeatureHead(b []byte, r Region, geomJSON []byte) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendQuote(b, r.Key)
	b = append(b, `,"geometry":`...)
	b = append(b, geomJSON...)
	b = append(b, `,"properties":{"key":`...)
	b = strconv.AppendQuote(b, r.Key)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, r.Name)
	b = append(b, `,"type":`...)
	return appendJSONString(b, r.Type)
}

// AppendGeometryJSON appends mp as a GeoJSON MultiPolygon geometry.
func AppendGeometryJSON(b []byte, mp orb.MultiPolygon) []byte {
	b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
	for i, poly := range mp {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, ring := range poly {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			for k, pt := range ring {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, '[')
				b = appendNumber(b, pt[0])
				b = append(b, ',')
				b = appendNumber(b, pt[1])
				b = append(b, ']')
			}
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	return append(b, "]}"...)
}

// appendNumber appends x as a JSON number, or null when it is NaN or
// infinite (which JSON cannot hold): the one way the hand-written encoders
// write numbers.
func appendNumber(b []byte, x float64) []byte {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, x, 'f', -1, 64)
}

// appendJSONString appends s as a JSON string (HTML-safe escaping).
func appendJSONString(b []byte, s string) []byte {
	enc, _ := json.Marshal(s) // a string always marshals
	return append(b, enc...)
}
