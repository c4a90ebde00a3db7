package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/analysis"
)

// Analysis routes (see /api/openapi.json for the parameters):
//
//	GET /api/v1/regions/{key}   region profile
//	GET /api/v1/regions/{key}/domains   the motion's eight domains for the region
//	GET /api/v1/compare         up to 10 regions side by side (format=csv)
//	GET /api/v1/ranking         regions of a level ranked (format=csv)
//	GET /api/v1/index           composite capacity index, classified for the map
//	GET /api/v1/distribution    distribution-key model vs. Königsteiner Schlüssel, classified for the map
//	GET /api/v1/headroom        capacity per expected arrival

// answer serves the result of build as JSON, or as CSV with format=csv
// (comma, decimal point) or format=csv-de (German Excel: BOM, semicolon,
// decimal comma) when csv is given, cached per data version under the
// request's path and canonical query (ETag, 304, gzip).
func (h *handlers) answer(c echo.Context, build func(ctx context.Context) (any, error), csvName string) error {
	format := c.QueryParam("format")
	isCSV := format == "csv" || format == "csv-de"
	if format != "" && format != "json" && (!isCSV || csvName == "") {
		want := "json"
		if csvName != "" {
			want = "json, csv or csv-de"
		}
		return &atlas.ParamError{Param: "format", Value: format, Reason: "must be " + want}
	}
	name := c.Request().URL.Path + "?" + c.QueryParams().Encode()
	enc, err := h.svc.Cached(c.Request().Context(), name, func(ctx context.Context) ([]byte, error) {
		v, err := build(ctx)
		if err != nil {
			return nil, err
		}
		if isCSV {
			var buf bytes.Buffer
			if err := writeCSVOf(v, &buf); err != nil {
				return nil, err
			}
			if format == "csv-de" {
				return atlas.GermanExcelCSV(buf.Bytes())
			}
			return buf.Bytes(), nil
		}
		return json.Marshal(v)
	})
	if err != nil {
		return err
	}
	if isCSV {
		c.Response().Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", csvName+".csv"))
		return writeEncoded(c, enc, "text/csv")
	}
	return writeEncoded(c, enc, "application/json")
}

// writeCSVOf writes the answers that know how to write themselves as CSV.
func writeCSVOf(v any, buf *bytes.Buffer) error {
	switch x := v.(type) {
	case *analysis.Comparison:
		return x.WriteCSV(buf)
	case *analysis.Ranking:
		return x.WriteCSV(buf)
	case *analysis.IndexResult:
		return x.WriteCSV(buf)
	case *analysis.DistributionResult:
		return x.WriteCSV(buf)
	}
	return fmt.Errorf("no csv form for %T", v)
}

func (h *handlers) region(c echo.Context) error {
	key := c.Param("key")
	k, err := intParam(c, "similar", 5, 1, 20)
	if err != nil {
		return err
	}
	return h.answer(c, func(ctx context.Context) (any, error) { return h.an.Profile(ctx, key, k) }, "")
}

func (h *handlers) regionDomains(c echo.Context) error {
	key := c.Param("key")
	return h.answer(c, func(ctx context.Context) (any, error) { return h.an.Domains(ctx, key) }, "")
}

func (h *handlers) compare(c echo.Context) error {
	q := analysis.CompareQuery{Keys: splitList(c.QueryParam("keys")), Indicators: splitList(c.QueryParam("indicators"))}
	var err error
	if q.Year, err = yearParam(c, "year"); err != nil {
		return err
	}
	if q.Normalize, err = atlas.ParseNormalization(c.QueryParam("normalize")); err != nil {
		return err
	}
	if len(q.Keys) == 0 {
		return &atlas.ParamError{Param: "keys", Value: "", Reason: "required: up to 10 regional keys separated by commas"}
	}
	return h.answer(c, func(ctx context.Context) (any, error) { return h.an.Compare(ctx, q) }, "vergleich_"+strings.Join(q.Keys, "_"))
}

func (h *handlers) ranking(c echo.Context) error {
	var q analysis.RankingQuery
	var err error
	if q.Level, err = parseLevel(c, atlas.LevelKreis); err != nil {
		return err
	}
	if q.Indicator, err = indicatorParam(c, "indicator"); err != nil {
		return err
	}
	if q.Year, err = yearParam(c, "year"); err != nil {
		return err
	}
	if q.Normalize, err = atlas.ParseNormalization(c.QueryParam("normalize")); err != nil {
		return err
	}
	if q.BaseYear, err = yearParam(c, "base_year"); err != nil {
		return err
	}
	q.Order, q.Land = c.QueryParam("order"), c.QueryParam("land")
	return h.answer(c, func(ctx context.Context) (any, error) { return h.an.Ranking(ctx, q) }, fmt.Sprintf("rangfolge_%s_%s", q.Indicator, q.Level))
}

func (h *handlers) index(c echo.Context) error {
	var q analysis.IndexQuery
	var err error
	if q.Level, err = parseLevel(c, atlas.LevelKreis); err != nil {
		return err
	}
	if q.Weights, err = weightsParam(c, "weights"); err != nil {
		return err
	}
	if q.Year, err = yearParam(c, "year"); err != nil {
		return err
	}
	if q.Years, err = indicatorYearsParam(c, "years"); err != nil {
		return err
	}
	q.Method, q.Land = c.QueryParam("method"), c.QueryParam("land")
	return h.answer(c, func(ctx context.Context) (any, error) { return h.an.Index(ctx, q) }, "index_"+q.Level.String())
}

func (h *handlers) distributionQuery(c echo.Context) (analysis.DistributionQuery, error) {
	var q analysis.DistributionQuery
	var err error
	if q.Level, err = parseLevel(c, atlas.LevelLand); err != nil {
		return q, err
	}
	if q.Weights, err = weightsParam(c, "weights"); err != nil {
		return q, err
	}
	if q.Year, err = yearParam(c, "year"); err != nil {
		return q, err
	}
	if q.Years, err = indicatorYearsParam(c, "years"); err != nil {
		return q, err
	}
	if q.Arrivals, err = floatParam(c, "arrivals", 0, 0, analysis.MaxArrivals); err != nil {
		return q, err
	}
	if q.Perturb, err = floatParam(c, "perturb", 0.2, 0, 1); err != nil {
		return q, err
	}
	q.Land, q.KS = c.QueryParam("land"), c.QueryParam("ks_year")
	return q, nil
}

func (h *handlers) distribution(c echo.Context) error {
	q, err := h.distributionQuery(c)
	if err != nil {
		return err
	}
	return h.answer(c, func(ctx context.Context) (any, error) { return h.an.Distribution(ctx, q) }, "verteilung_"+q.Level.String())
}

func (h *handlers) headroom(c echo.Context) error {
	var q analysis.HeadroomQuery
	var err error
	if q.Level, err = parseLevel(c, atlas.LevelLand); err != nil {
		return err
	}
	if q.CapacityYear, err = yearParam(c, "capacity_year"); err != nil {
		return err
	}
	if q.Arrivals, err = floatParam(c, "arrivals", 0, 0, analysis.MaxArrivals); err != nil {
		return err
	}
	if q.Year, err = yearParam(c, "year"); err != nil {
		return err
	}
	if q.Years, err = indicatorYearsParam(c, "years"); err != nil {
		return err
	}
	q.Capacity, q.Key, q.Land, q.KS = c.QueryParam("capacity"), c.QueryParam("key"), c.QueryParam("land"), c.QueryParam("ks_year")
	if q.Key == "model" {
		if q.Weights, err = weightsParam(c, "weights"); err != nil {
			return err
		}
	}
	return h.answer(c, func(ctx context.Context) (any, error) { return h.an.Headroom(ctx, q) }, "")
}
