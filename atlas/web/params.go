package web

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/analysis"
)

// The parameter parsers: one per parameter, shared by every route that
// takes it. Each returns a *atlas.ParamError (400) naming the parameter.

// parseLevel reads "level" (def when absent).
func parseLevel(c echo.Context, def atlas.Level) (atlas.Level, error) {
	s := c.QueryParam("level")
	if s == "" {
		return def, nil
	}
	return atlas.ParseLevel(s)
}

// intParam reads a whole number from min to max (def when absent).
func intParam(c echo.Context, name string, def, min, max int) (int, error) {
	s := c.QueryParam(name)
	if s == "" {
		return def, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < min || v > max {
		return 0, &atlas.ParamError{Param: name, Value: s, Reason: "must be a whole number from " + strconv.Itoa(min) + " to " + strconv.Itoa(max)}
	}
	return v, nil
}

// yearParam reads a period: a year, or a month YYYYMM of a monthly
// indicator such as a published report (0 when absent: the default period
// of the answer).
func yearParam(c echo.Context, name string) (int, error) {
	s := c.QueryParam(name)
	if v, err := strconv.Atoi(s); err == nil && len(s) == 6 && atlas.ValidMonth(v) {
		return v, nil
	}
	v, err := intParam(c, name, 0, 1800, 2200)
	if err != nil {
		err.(*atlas.ParamError).Reason = "must be a year from 1800 to 2200 or a month YYYYMM"
	}
	return v, err
}

// floatParam reads a finite number from min to max with a decimal point
// (def when absent); NaN, Inf and numbers out of range are refused.
func floatParam(c echo.Context, name string, def, min, max float64) (float64, error) {
	s := c.QueryParam(name)
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v >= min && v <= max) { // false for NaN too
		return 0, &atlas.ParamError{Param: name, Value: s, Reason: "must be a number from " + formatNumber(min) + " to " + formatNumber(max) + " (decimal point)"}
	}
	return v, nil
}

func formatNumber(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// weightsParam reads "id:2,id2:1" (a missing ":w" means 1): at most
// analysis.MaxWeights distinct, well-formed ids, each weight a number above
// 0 and at most analysis.MaxWeight.
func weightsParam(c echo.Context, name string) ([]analysis.Weight, error) {
	s := c.QueryParam(name)
	if strings.TrimSpace(s) == "" {
		return nil, &atlas.ParamError{Param: name, Value: s, Reason: "required, e.g. childcare_under3:2,unemployment_rate:1"}
	}
	parts := strings.Split(s, ",")
	if len(parts) > analysis.MaxWeights {
		return nil, &atlas.ParamError{Param: name, Value: s, Reason: fmt.Sprintf("at most %d indicators", analysis.MaxWeights)}
	}
	var out []analysis.Weight
	for _, part := range parts {
		id, ws, hasW := strings.Cut(strings.TrimSpace(part), ":")
		w := 1.0
		if hasW {
			var err error
			if w, err = strconv.ParseFloat(strings.TrimSpace(ws), 64); err != nil || !(w > 0 && w <= analysis.MaxWeight) {
				return nil, &atlas.ParamError{Param: name, Value: part, Reason: fmt.Sprintf("weight must be a number above 0 and at most %d (decimal point)", analysis.MaxWeight)}
			}
		}
		if !atlas.ValidIndicatorID(id) {
			return nil, &atlas.ParamError{Param: name, Value: part, Reason: "not a valid indicator id"}
		}
		for _, x := range out {
			if x.Indicator == id {
				return nil, &atlas.ParamError{Param: name, Value: id, Reason: "indicator listed twice"}
			}
		}
		out = append(out, analysis.Weight{Indicator: id, Weight: w})
	}
	return out, nil
}

// indicatorYearsParam reads per-indicator years "id:2020,id2:2019" (""
// = none).
func indicatorYearsParam(c echo.Context, name string) (map[string]int, error) {
	s := c.QueryParam(name)
	out := map[string]int{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) > analysis.MaxWeights {
		return nil, &atlas.ParamError{Param: name, Value: s, Reason: fmt.Sprintf("at most %d indicators", analysis.MaxWeights)}
	}
	for _, part := range parts {
		id, ys, ok := strings.Cut(strings.TrimSpace(part), ":")
		y, err := strconv.Atoi(strings.TrimSpace(ys))
		if !ok || err != nil || y < 1800 || y > 2200 || !atlas.ValidIndicatorID(id) {
			return nil, &atlas.ParamError{Param: name, Value: part, Reason: "must be indicator:year pairs, e.g. childcare_under3:2020"}
		}
		out[id] = y
	}
	return out, nil
}

// boolParam parses 1/0/true/false ("" = false).
func boolParam(c echo.Context, name string) (bool, error) {
	switch s := c.QueryParam(name); s {
	case "", "0", "false", "no":
		return false, nil
	case "1", "true", "yes":
		return true, nil
	default:
		return false, &atlas.ParamError{Param: name, Value: s, Reason: "must be 1 or 0"}
	}
}

// indicatorParam reads a required indicator id.
func indicatorParam(c echo.Context, name string) (string, error) {
	id := c.QueryParam(name)
	if id == "" {
		return "", &atlas.ParamError{Param: name, Value: "", Reason: "required (see /api/v1/indicators)"}
	}
	if !atlas.ValidIndicatorID(id) {
		return "", &atlas.ParamError{Param: name, Value: id, Reason: "not a valid indicator id"}
	}
	return id, nil
}

// mapQueryParams are the parameters of a map query besides level and indicator.
var mapQueryParams = []string{"year", "method", "classes", "breaks", "fixed", "scheme", "normalize", "base_year", "bins", "histogram"}

// parseMapQuery reads a map query, shared by /api/v1/choropleth, /values,
// /histogram and the tiles with values:
//
//	level (default kreis), indicator, year, method (quantile|equal|jenks|stddev|manual), classes,
//	breaks=1,2.5,4 (manual classes), fixed=1 (breaks over all years),
//	scheme (Blues, OrRd, Purples, RdBu, PuOr; suffix _r reverses),
//	normalize (per1000|per100000|perkm2), base_year, bins (histogram, default 20),
//	histogram=1 (GeoJSON with the histogram)
func parseMapQuery(c echo.Context) (atlas.MapQuery, error) {
	var q atlas.MapQuery
	var err error
	if q.Level, err = parseLevel(c, atlas.LevelKreis); err != nil {
		return q, err
	}
	if q.Indicator, err = indicatorParam(c, "indicator"); err != nil {
		return q, err
	}
	if q.Year, err = yearParam(c, "year"); err != nil {
		return q, err
	}
	if q.Classes, err = intParam(c, "classes", 5, atlas.MinClasses, atlas.MaxClasses); err != nil {
		return q, err
	}
	if q.Method, err = atlas.ParseMethod(c.QueryParam("method")); err != nil {
		return q, err
	}
	if q.Breaks, err = atlas.ValidBreaks(c.QueryParam("breaks")); err != nil {
		return q, err
	}
	if q.Fixed, err = boolParam(c, "fixed"); err != nil {
		return q, err
	}
	if q.Scheme, err = atlas.ParseScheme(c.QueryParam("scheme")); err != nil {
		return q, err
	}
	if q.Normalize, err = atlas.ParseNormalization(c.QueryParam("normalize")); err != nil {
		return q, err
	}
	if q.BaseYear, err = yearParam(c, "base_year"); err != nil {
		return q, err
	}
	if q.Bins, err = intParam(c, "bins", 0, 1, atlas.MaxHistogramBins); err != nil {
		return q, err
	}
	q.Histogram = c.QueryParam("histogram") != ""
	return q, nil
}

// optionalMapQuery reads the map query of a tile request: nil without
// indicator (then no other map parameter may be given).
func optionalMapQuery(c echo.Context, level atlas.Level) (*atlas.MapQuery, error) {
	if c.QueryParam("indicator") == "" {
		for _, p := range mapQueryParams {
			if c.QueryParam(p) != "" {
				return nil, &atlas.ParamError{Param: p, Value: c.QueryParam(p), Reason: "only with indicator"}
			}
		}
		return nil, nil
	}
	q, err := parseMapQuery(c)
	q.Level = level
	return &q, err
}

// encodeMapQuery is the query string of q (without level), in the form
// parseMapQuery reads: the tile URLs of a TileJSON carry it.
func encodeMapQuery(q *atlas.MapQuery) url.Values {
	p := url.Values{}
	p.Set("indicator", q.Indicator)
	if q.Year != 0 {
		p.Set("year", strconv.Itoa(q.Year))
	}
	p.Set("method", string(q.Method))
	p.Set("classes", strconv.Itoa(q.Classes))
	if len(q.Breaks) > 0 {
		bs := make([]string, len(q.Breaks))
		for i, b := range q.Breaks {
			bs[i] = strconv.FormatFloat(b, 'f', -1, 64)
		}
		p.Set("breaks", strings.Join(bs, ","))
	}
	if q.Fixed {
		p.Set("fixed", "1")
	}
	if q.Scheme != "" {
		p.Set("scheme", q.Scheme)
	}
	if q.Normalize != atlas.NormNone {
		p.Set("normalize", string(q.Normalize))
	}
	if q.BaseYear != 0 {
		p.Set("base_year", strconv.Itoa(q.BaseYear))
	}
	return p
}

// splitList splits a comma-separated list, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseCategories reads "category" (place categories, comma-separated).
func parseCategories(c echo.Context) ([]string, error) {
	var out []string
	for _, id := range splitList(c.QueryParam("category")) {
		if _, ok := atlas.CategoryByID(id); !ok {
			return nil, &atlas.ParamError{Param: "category", Value: id, Reason: "unknown category (see /api/v1/places/categories)"}
		}
		out = append(out, id)
	}
	return out, nil
}

// parseBBox reads "bbox": minLon,minLat,maxLon,maxLat in WGS84 (CRS84),
// or the 6-number form with heights of OGC API – Features. Nil when absent.
func parseBBox(c echo.Context) (*orb.Bound, error) {
	s := c.QueryParam("bbox")
	if s == "" {
		return nil, nil
	}
	bad := &atlas.ParamError{Param: "bbox", Value: s, Reason: "must be minLon,minLat,maxLon,maxLat in WGS84 (CRS84)"}
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, bad
	}
	xs := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, bad
		}
		xs[i] = v
	}
	if len(xs) == 6 {
		xs = []float64{xs[0], xs[1], xs[3], xs[4]}
	}
	if xs[0] > xs[2] || xs[1] > xs[3] || xs[0] < -180 || xs[2] > 180 || xs[1] < -90 || xs[3] > 90 {
		return nil, bad
	}
	return &orb.Bound{Min: orb.Point{xs[0], xs[1]}, Max: orb.Point{xs[2], xs[3]}}, nil
}

// tileCoords parses the z, x and y ("12.mvt") path segments of a tile. A
// path that does not end in .mvt names no tile (404); whether the tile is in
// the served range is the tile set's to say.
func tileCoords(c echo.Context) (z int, x, y uint32, err error) {
	ys, ok := strings.CutSuffix(c.Param("y"), ".mvt")
	if !ok {
		return 0, 0, 0, fmt.Errorf("tile %q: only .mvt tiles are served: %w", c.Param("y"), atlas.ErrNotFound)
	}
	z, err = strconv.Atoi(c.Param("z"))
	if err != nil {
		return 0, 0, 0, &atlas.ParamError{Param: "z", Value: c.Param("z"), Reason: "must be a whole number"}
	}
	xv, err := strconv.ParseUint(c.Param("x"), 10, 32)
	if err != nil {
		return 0, 0, 0, &atlas.ParamError{Param: "x", Value: c.Param("x"), Reason: "must be a whole number"}
	}
	yv, err := strconv.ParseUint(ys, 10, 32)
	if err != nil {
		return 0, 0, 0, &atlas.ParamError{Param: "y", Value: ys, Reason: "must be a whole number"}
	}
	return z, uint32(xv), uint32(yv), nil
}

// baseURL returns scheme://host of the request as the client sees it:
// X-Forwarded-Proto (http or https) and X-Forwarded-Host (first value) are
// honoured when well-formed (they reach a handler only from a trusted proxy:
// trustForwarding); a host that is not a plain host[:port] is ignored.
func baseURL(c echo.Context) string {
	host := c.Request().Host
	if fh := firstValue(c.Request().Header.Get("X-Forwarded-Host")); fh != "" && validHost(fh) {
		host = fh
	}
	if !validHost(host) {
		host = "localhost"
	}
	return scheme(c) + "://" + host
}

// scheme is http or https as the client sees it: the connection's, or a
// trusted proxy's X-Forwarded-Proto.
func scheme(c echo.Context) string {
	if p := firstValue(c.Request().Header.Get("X-Forwarded-Proto")); p == "http" || p == "https" {
		return p
	}
	if c.Request().TLS != nil {
		return "https"
	}
	return "http"
}

func firstValue(h string) string {
	v, _, _ := strings.Cut(h, ",")
	return strings.ToLower(strings.TrimSpace(v))
}

// validHost accepts host names, IPv4 and bracketed IPv6 addresses with an
// optional port.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case r == '.', r == '-', r == ':', r == '[', r == ']', r == '_':
		default:
			return false
		}
	}
	return true
}

// acceptsGzip reports whether the request's Accept-Encoding admits gzip
// ("gzip" or "*" without q=0). It reads the header without allocating:
// every tile request asks it.
func acceptsGzip(c echo.Context) bool {
	h := c.Request().Header.Get("Accept-Encoding")
	for h != "" {
		var part string
		part, h, _ = strings.Cut(h, ",")
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.TrimSpace(coding)
		if !strings.EqualFold(coding, "gzip") && coding != "*" {
			continue
		}
		for params != "" {
			var p string
			p, params, _ = strings.Cut(params, ";")
			name, v, _ := strings.Cut(p, "=")
			if strings.EqualFold(strings.TrimSpace(name), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && f == 0 {
					return false
				}
			}
		}
		return true
	}
	return false
}

// rawParam returns the first value of the parameter name in the raw query
// string as written ("" when it is absent), and whether the query has no
// other parameter (none at all included), read in one pass without
// unescaping: for parameters whose values need none (the data version ?v=
// of tile URLs, digits). A name written with escapes counts as another, so
// that such a query is parsed in full.
func rawParam(raw, name string) (value string, only bool) {
	found := false
	only = true
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		key, v, _ := strings.Cut(part, "=")
		switch {
		case key == name && !found:
			value, found = v, true
		case key != name && part != "":
			only = false
		}
	}
	return value, only
}

// tileMapQuery is the map query of a tile or TileJSON request and the
// data version its URL carries (?v=, as written). Most tile URLs carry only
// ?v=: their query is not parsed.
func tileMapQuery(c echo.Context, level atlas.Level) (*atlas.MapQuery, string, error) {
	v, only := rawParam(c.QueryString(), "v")
	if only {
		return nil, v, nil
	}
	q, err := optionalMapQuery(c, level)
	return q, v, err
}
