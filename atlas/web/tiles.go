package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/tiles"
)

// TilesDeps are the dependencies of the vector-tile routes.
type TilesDeps struct {
	// Server renders and caches the tiles. Nil: a server over Deps.Service
	// with default options (tiles rendered on demand, nothing warmed).
	Server *tiles.Server
}

// Tile routes:
//
//	GET /tiles/{level}/{z}/{x}/{y}.mvt[?v=N][&indicator=ID&year=YYYY&method=M&classes=K]
//	GET /tiles/{level}.json[?indicator=ID&year=YYYY&method=M&classes=K]   TileJSON 3.0.0
//
// Tiles are gzipped MVT with strong ETags; a tile requested with the
// current data version as v may be cached for a year (the URLs in the
// TileJSON carry it), otherwise for a minute.
const (
	mvtContentType  = "application/vnd.mapbox-vector-tile"
	immutableCache  = "public, max-age=31536000, immutable"
	shortTileCache  = "public, max-age=60"
	tileJSONCaching = "no-cache"
)

// registerTiles adds the vector-tile routes.
func registerTiles(e *echo.Echo, d Deps) error {
	ts := d.Tiles.Server
	if ts == nil {
		if d.Service == nil {
			return nil // nothing to serve tiles from
		}
		ts = tiles.NewServer(NewTileSource(d.Service), tiles.Options{Logger: d.Logger})
	}
	h := &tileHandlers{ts: ts}
	e.GET("/tiles/:level/:z/:x/:y", h.tile, cors)
	e.GET("/tiles/:level", h.tileJSON, cors)
	return nil
}

type tileHandlers struct {
	ts *tiles.Server
}

// tileLevel parses a level path segment; an unknown level is a missing
// resource (404), not a bad parameter.
func tileLevel(s string) (atlas.Level, error) {
	l, err := atlas.ParseLevel(s)
	if err != nil {
		return 0, fmt.Errorf("tile layer %q: %w", s, atlas.ErrNotFound)
	}
	return l, nil
}

// valueQuery reads the optional choropleth parameters of tile requests,
// checked as /api/v1/choropleth checks them.
func valueQuery(c echo.Context) (tiles.ValueQuery, error) {
	id := c.QueryParam("indicator")
	if id == "" {
		for _, p := range []string{"year", "method", "classes"} {
			if c.QueryParam(p) != "" {
				return tiles.ValueQuery{}, &atlas.ParamError{Param: p, Value: c.QueryParam(p), Reason: "only with indicator"}
			}
		}
		return tiles.ValueQuery{}, nil
	}
	if !atlas.ValidIndicatorID(id) {
		return tiles.ValueQuery{}, &atlas.ParamError{Param: "indicator", Value: id, Reason: "not a valid indicator id"}
	}
	year, err := intParam(c, "year", 0, 1800, 2200)
	if err != nil {
		return tiles.ValueQuery{}, err
	}
	k, err := intParam(c, "classes", 5, atlas.MinClasses, atlas.MaxClasses)
	if err != nil {
		return tiles.ValueQuery{}, err
	}
	m, err := atlas.ParseMethod(c.QueryParam("method"))
	if err != nil {
		return tiles.ValueQuery{}, err
	}
	return tiles.ValueQuery{Indicator: id, Year: year, Method: string(m), Classes: k}, nil
}

func (h *tileHandlers) tile(c echo.Context) error {
	level, err := tileLevel(c.Param("level"))
	if err != nil {
		return err
	}
	ys, ok := strings.CutSuffix(c.Param("y"), ".mvt")
	if !ok {
		return fmt.Errorf("tile %q: only .mvt tiles are served: %w", c.Param("y"), atlas.ErrNotFound)
	}
	z, err := strconv.Atoi(c.Param("z"))
	if err != nil {
		return &atlas.ParamError{Param: "z", Value: c.Param("z"), Reason: "must be a whole number"}
	}
	x, err := strconv.ParseUint(c.Param("x"), 10, 32)
	if err != nil {
		return &atlas.ParamError{Param: "x", Value: c.Param("x"), Reason: "must be a whole number"}
	}
	y, err := strconv.ParseUint(ys, 10, 32)
	if err != nil {
		return &atlas.ParamError{Param: "y", Value: ys, Reason: "must be a whole number"}
	}
	q, err := valueQuery(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	t, err := h.ts.Tile(ctx, level.String(), z, uint32(x), uint32(y), q)
	if errors.Is(err, tiles.ErrInvalidTile) {
		return &atlas.ParamError{Param: "tile", Value: fmt.Sprintf("%d/%d/%d", z, x, y), Reason: err.Error()}
	}
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	if v, err := strconv.ParseInt(c.QueryParam("v"), 10, 64); err == nil && v == t.Version {
		hd.Set("Cache-Control", immutableCache)
	} else {
		hd.Set("Cache-Control", shortTileCache)
	}
	hd.Set("ETag", t.ETag)
	hd.Set("X-Data-Version", strconv.FormatInt(t.Version, 10))
	hd.Add("Vary", "Accept-Encoding")
	if etagMatches(c.Request().Header.Get("If-None-Match"), t.ETag) {
		return c.NoContent(http.StatusNotModified)
	}
	if t.Empty() {
		// No region reaches this tile.
		return c.NoContent(http.StatusNoContent)
	}
	if acceptsGzip(c.Request().Header.Get("Accept-Encoding")) {
		hd.Set("Content-Encoding", "gzip")
		return c.Blob(http.StatusOK, mvtContentType, t.Gzip)
	}
	raw, err := t.MVT()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, mvtContentType, raw)
}

// acceptsGzip reports whether an Accept-Encoding header admits gzip.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.TrimSpace(coding) != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(strings.TrimSpace(params), " ", ""), "q="); ok {
			if f, err := strconv.ParseFloat(q, 64); err == nil && f == 0 {
				return false
			}
		}
		return true
	}
	return false
}

func (h *tileHandlers) tileJSON(c echo.Context) error {
	name, ok := strings.CutSuffix(c.Param("level"), ".json")
	if !ok {
		return fmt.Errorf("%q: %w", c.Param("level"), atlas.ErrNotFound)
	}
	level, err := tileLevel(name)
	if err != nil {
		return err
	}
	q, err := valueQuery(c)
	if err != nil {
		return err
	}
	base := requestBaseURL(c)
	tj, err := h.ts.TileJSON(c.Request().Context(), level.String(), q, func(v int64) string {
		return base + "/tiles/" + level.String() + "/{z}/{x}/{y}.mvt?" + tileQuery(v, q)
	})
	if err != nil {
		return err
	}
	body, err := json.Marshal(tj)
	if err != nil {
		return fmt.Errorf("encode tilejson: %w", err)
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	hd := c.Response().Header()
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", tileJSONCaching)
	hd.Set("X-Data-Version", strconv.FormatInt(tj.DataVersion, 10))
	hd.Add("Vary", "X-Forwarded-Proto, X-Forwarded-Host")
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", body)
}

// tileQuery is the query string of the tile URLs of a TileJSON: the data
// version first, then the choropleth parameters as given.
func tileQuery(v int64, q tiles.ValueQuery) string {
	s := "v=" + strconv.FormatInt(v, 10)
	if q.IsZero() {
		return s
	}
	p := url.Values{}
	p.Set("indicator", q.Indicator)
	if q.Year != 0 {
		p.Set("year", strconv.Itoa(q.Year))
	}
	p.Set("method", q.Method)
	p.Set("classes", strconv.Itoa(q.Classes))
	return s + "&" + p.Encode()
}

// requestBaseURL returns scheme://host of the request as the client sees
// it, honouring X-Forwarded-Proto and X-Forwarded-Host (first value) from a
// reverse proxy. A forwarded host that is not a plain host[:port] is ignored.
func requestBaseURL(c echo.Context) string {
	r := c.Request()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p == "http" || p == "https" {
		scheme = p
	}
	host := r.Host
	if fh := firstValue(r.Header.Get("X-Forwarded-Host")); fh != "" && validHost(fh) {
		host = fh
	}
	if !validHost(host) {
		host = "localhost"
	}
	return scheme + "://" + host
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

// NewTileSource adapts an atlas Service to the tile server's Source: layers
// are the levels with boundaries, features their full-resolution regions,
// values those of the choropleth (same classification).
func NewTileSource(svc *atlas.Service) tiles.Source { return tileSource{svc} }

type tileSource struct{ svc *atlas.Service }

func (s tileSource) Version(ctx context.Context) (int64, error) { return s.svc.Version(ctx) }

func (s tileSource) Layers(ctx context.Context) ([]string, error) {
	sets, err := s.svc.BoundarySets(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range atlas.AllLevels() {
		for _, set := range sets {
			if set.Level == l {
				out = append(out, l.String())
				break
			}
		}
	}
	return out, nil
}

func (s tileSource) Layer(ctx context.Context, name string) (*tiles.LayerData, error) {
	level, err := atlas.ParseLevel(name)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w %w", name, tiles.ErrUnknownLayer, atlas.ErrNotFound)
	}
	v, set, regions, err := s.svc.LevelRegions(ctx, level)
	if err != nil {
		return nil, err
	}
	d := &tiles.LayerData{
		Name:        level.String(),
		Title:       set.Name,
		Version:     v,
		Attribution: set.Attribution,
		Description: fmt.Sprintf("%s (%s), Gebietsstand %s", set.Name, set.Source, set.Gebietsstand),
		Features:    make([]tiles.Feature, len(regions)),
	}
	if d.Title == "" {
		d.Title = level.Title()
	}
	for i, r := range regions {
		id, _ := tiles.KeyID(r.Key) // keys are digits; 0 (no id) otherwise
		d.Features[i] = tiles.Feature{ID: id, Key: r.Key, Name: r.Name, Type: r.Type, Geom: r.Geom}
	}
	return d, nil
}

func (s tileSource) Values(ctx context.Context, layer string, q tiles.ValueQuery) (*tiles.ValueSet, error) {
	level, err := atlas.ParseLevel(layer)
	if err != nil {
		return nil, fmt.Errorf("layer %q: %w %w", layer, tiles.ErrUnknownLayer, atlas.ErrNotFound)
	}
	m, err := atlas.ParseMethod(q.Method)
	if err != nil {
		return nil, err
	}
	v, vals, _, err := s.svc.ChoroplethValues(ctx, atlas.ChoroplethQuery{Level: level, Indicator: q.Indicator, Year: q.Year, Method: m, Classes: q.Classes})
	if err != nil {
		return nil, err
	}
	vs := &tiles.ValueSet{Version: v, ByKey: make(map[string]tiles.Value, len(vals))}
	for k, cv := range vals {
		vs.ByKey[k] = tiles.Value{Value: cv.Value, HasValue: !math.IsNaN(cv.Value), Class: cv.Class, Flag: string(cv.Flag)}
	}
	return vs, nil
}
