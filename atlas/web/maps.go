package web

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/standortatlas/standortatlas/atlas"
)

// The map routes: one map query (parseMapQuery), one classified view
// (atlas.Service.Map), encoded as GeoJSON, values or histogram.
//
//	GET /api/v1/choropleth   GeoJSON FeatureCollection of a map
//	GET /api/v1/values       values only, for joining onto vector tiles
//	GET /api/v1/histogram    histogram with the class breaks
//	GET /api/v1/export       one indicator, level and year as CSV, German-Excel CSV or JSON

func (h *handlers) mapAnswer(c echo.Context, form atlas.MapForm, contentType string) error {
	q, err := parseMapQuery(c)
	if err != nil {
		return err
	}
	enc, err := h.svc.MapAnswer(c.Request().Context(), q, form)
	if err != nil {
		return err
	}
	return writeEncoded(c, enc, contentType)
}

func (h *handlers) choropleth(c echo.Context) error {
	return h.mapAnswer(c, atlas.MapGeoJSON, "application/geo+json")
}

func (h *handlers) values(c echo.Context) error {
	return h.mapAnswer(c, atlas.MapValues, "application/json")
}

func (h *handlers) histogram(c echo.Context) error {
	return h.mapAnswer(c, atlas.MapHistogram, "application/json")
}

func (h *handlers) indicators(c echo.Context) error {
	inds, err := h.svc.Indicators(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]catalogueEntry, len(inds))
	for i, ind := range inds {
		norms := atlas.Normalizations(ind)
		if norms == nil {
			norms = []atlas.Normalization{}
		}
		out[i] = catalogueEntry{ind, atlas.IsCount(ind), norms}
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, out)
}

// catalogueEntry is an indicator of GET /api/v1/indicators with whether it
// is a count (atlas.IsCount) and the values of the map query's normalize
// parameter that apply to it (atlas.Normalizations).
type catalogueEntry struct {
	atlas.Indicator
	Count     bool                  `json:"count"`
	Normalize []atlas.Normalization `json:"normalize"`
}

func (h *handlers) sources(c echo.Context) error {
	sets, err := h.svc.BoundarySets(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"boundaries": sets})
}

func (h *handlers) boundaries(c echo.Context) error {
	level, err := parseLevel(c, atlas.LevelLand)
	if err != nil {
		return err
	}
	enc, err := h.svc.Boundaries(c.Request().Context(), level)
	if err != nil {
		return err
	}
	return writeEncoded(c, enc, "application/geo+json")
}

// labels answers the place names of a level for the map (atlas.Service.Labels):
// Länder and Kreise all, Gemeinden from min_population (default 50,000).
func (h *handlers) labels(c echo.Context) error {
	level, err := parseLevel(c, atlas.LevelLand)
	if err != nil {
		return err
	}
	minPop := 0.0
	if level == atlas.LevelGemeinde || level == atlas.LevelVWG {
		if minPop, err = floatParam(c, "min_population", 50000, 0, 1e8); err != nil {
			return err
		}
	}
	enc, err := h.svc.Labels(c.Request().Context(), level, minPop)
	if err != nil {
		return err
	}
	return writeEncoded(c, enc, "application/json")
}

// export answers one indicator, level and year in the data standard's long
// form (atlas.Service.Export): format=csv, csv-de or json.
func (h *handlers) export(c echo.Context) error {
	var q atlas.ExportQuery
	var err error
	if q.Indicator, err = indicatorParam(c, "indicator"); err != nil {
		return err
	}
	if q.Level, err = parseLevel(c, atlas.LevelKreis); err != nil {
		return err
	}
	if q.Year, err = yearParam(c, "year"); err != nil {
		return err
	}
	q.Format = c.QueryParam("format")
	enc, q, err := h.svc.Export(c.Request().Context(), q)
	if err != nil {
		return err
	}
	ext, ctype := "csv", "text/csv"
	if q.Format == "json" {
		ext, ctype = "json", "application/json"
	}
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="standortatlas_%s_%s_%d.%s"`, q.Indicator, q.Level, q.Year, ext))
	return writeEncoded(c, enc, ctype)
}
