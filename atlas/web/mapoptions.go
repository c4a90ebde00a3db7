package web

import (
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/standortatlas/standortatlas/atlas"
)

// Map options shared by /api/v1/choropleth, /api/v1/values and
// /api/v1/histogram:
//
//	level, indicator, year, method (quantile|equal|jenks|stddev|manual), classes,
//	breaks=1,2.5,4 (manual classes), fixed=1 (breaks over all years),
//	scheme (Blues, OrRd, Purples, RdBu, PuOr; suffix _r reverses),
//	normalize (per1000|per100000|perkm2), base_year, bins (histogram, default 20)

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

// parseMapOptions reads the extended class options into q.
func parseMapOptions(c echo.Context, q *atlas.MapQuery) error {
	var err error
	if q.Breaks, err = atlas.ValidBreaks(c.QueryParam("breaks")); err != nil {
		return err
	}
	if q.Fixed, err = boolParam(c, "fixed"); err != nil {
		return err
	}
	if q.Scheme, err = atlas.ParseScheme(c.QueryParam("scheme")); err != nil {
		return err
	}
	if q.Normalize, err = atlas.ParseNormalization(c.QueryParam("normalize")); err != nil {
		return err
	}
	if q.BaseYear, err = intParam(c, "base_year", 0, 1800, 2200); err != nil {
		return err
	}
	if q.Bins, err = intParam(c, "bins", 0, 1, atlas.MaxHistogramBins); err != nil {
		return err
	}
	return nil
}

// parseMapQuery reads a full map query (level default kreis).
func parseMapQuery(c echo.Context) (atlas.MapQuery, error) {
	var q atlas.MapQuery
	level, err := parseLevel(c, atlas.LevelKreis)
	if err != nil {
		return q, err
	}
	id, err := indicatorParam(c, "indicator")
	if err != nil {
		return q, err
	}
	year, err := intParam(c, "year", 0, 1800, 2200)
	if err != nil {
		return q, err
	}
	k, err := intParam(c, "classes", 5, atlas.MinClasses, atlas.MaxClasses)
	if err != nil {
		return q, err
	}
	m, err := atlas.ParseMethod(c.QueryParam("method"))
	if err != nil {
		return q, err
	}
	q.ChoroplethQuery = atlas.ChoroplethQuery{Level: level, Indicator: id, Year: year, Method: m, Classes: k}
	return q, parseMapOptions(c, &q)
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

// choroplethAnswer answers /api/v1/choropleth: the plain choropleth, or
// with the extended options (standard deviation or manual classes, fixed
// breaks, scheme, normalisation) the extended one with a histogram.
func choroplethAnswer(c echo.Context, svc *atlas.Service, q atlas.ChoroplethQuery) (*atlas.Encoded, error) {
	mq := atlas.MapQuery{ChoroplethQuery: q}
	if err := parseMapOptions(c, &mq); err != nil {
		return nil, err
	}
	if !mq.Extended() && c.QueryParam("histogram") == "" {
		return svc.Choropleth(c.Request().Context(), q)
	}
	return svc.ChoroplethWith(c.Request().Context(), mq)
}

func (h *analysisHandlers) values(c echo.Context) error {
	q, err := parseMapQuery(c)
	if err != nil {
		return err
	}
	enc, err := h.svc.MapValues(c.Request().Context(), q)
	if err != nil {
		return err
	}
	return writeEncoded(c, enc, "application/json")
}

func (h *analysisHandlers) histogram(c echo.Context) error {
	q, err := parseMapQuery(c)
	if err != nil {
		return err
	}
	enc, err := h.svc.MapHistogram(c.Request().Context(), q)
	if err != nil {
		return err
	}
	return writeEncoded(c, enc, "application/json")
}

// floatParam parses a number with a decimal point.
func floatParam(c echo.Context, name string, def float64) (float64, error) {
	s := c.QueryParam(name)
	if s == "" {
		return def, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, &atlas.ParamError{Param: name, Value: s, Reason: "must be a number (decimal point)"}
	}
	return v, nil
}
