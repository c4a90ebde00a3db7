package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/standortatlas/standortatlas/atlas"
)

func contextWithTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

type handlers struct {
	svc     *atlas.Service
	version string
}

func (h *handlers) healthz(c echo.Context) error {
	v, err := h.svc.Version(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"status": "ok", "data_version": v, "version": h.version})
}

func (h *handlers) indicators(c echo.Context) error {
	inds, err := h.svc.Indicators(c.Request().Context())
	if err != nil {
		return err
	}
	if inds == nil {
		inds = []atlas.Indicator{}
	}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, inds)
}

func (h *handlers) sources(c echo.Context) error {
	sets, err := h.svc.BoundarySets(c.Request().Context())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"boundaries": sets})
}

func parseLevel(c echo.Context, def atlas.Level) (atlas.Level, error) {
	s := c.QueryParam("level")
	if s == "" {
		return def, nil
	}
	return atlas.ParseLevel(s)
}

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

func (h *handlers) choropleth(c echo.Context) error {
	level, err := parseLevel(c, atlas.LevelKreis)
	if err != nil {
		return err
	}
	id := c.QueryParam("indicator")
	if id == "" {
		return &atlas.ParamError{Param: "indicator", Value: "", Reason: "required (see /api/v1/indicators)"}
	}
	if !atlas.ValidIndicatorID(id) {
		return &atlas.ParamError{Param: "indicator", Value: id, Reason: "not a valid indicator id"}
	}
	year, err := intParam(c, "year", 0, 1800, 2200)
	if err != nil {
		return err
	}
	k, err := intParam(c, "classes", 5, atlas.MinClasses, atlas.MaxClasses)
	if err != nil {
		return err
	}
	m, err := atlas.ParseMethod(c.QueryParam("method"))
	if err != nil {
		return err
	}
	enc, err := choroplethAnswer(c, h.svc, atlas.ChoroplethQuery{Level: level, Indicator: id, Year: year, Method: m, Classes: k})
	if err != nil {
		return err
	}
	return writeEncoded(c, enc, "application/geo+json")
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

// writeEncoded answers with a cached body: strong ETag, 304 on a matching
// If-None-Match, gzip when the client accepts it.
func writeEncoded(c echo.Context, enc *atlas.Encoded, contentType string) error {
	hd := c.Response().Header()
	hd.Set("ETag", enc.ETag)
	hd.Set("Cache-Control", "no-cache")
	hd.Add("Vary", "Accept-Encoding")
	if match := c.Request().Header.Get("If-None-Match"); match != "" && etagMatches(match, enc.ETag) {
		return c.NoContent(http.StatusNotModified)
	}
	body := enc.Body
	if strings.Contains(c.Request().Header.Get("Accept-Encoding"), "gzip") {
		body = enc.Gzipped()
		hd.Set("Content-Encoding", "gzip")
	}
	return c.Blob(http.StatusOK, contentType+"; charset=utf-8", body)
}

func etagMatches(header, etag string) bool {
	for _, part := range strings.Split(header, ",") {
		p := strings.TrimSpace(part)
		if p == "*" || p == etag || strings.TrimPrefix(p, "W/") == etag {
			return true
		}
	}
	return false
}
