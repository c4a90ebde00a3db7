package web

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/standortatlas/standortatlas/atlas"
)

// Tile routes (rendered by Deps.Tiles):
//
//	GET /tiles/{level}/{z}/{x}/{y}.mvt[?v=N][&indicator=ID&year=YYYY&… map query]
//	GET /tiles/{level}.json[?indicator=ID&… map query]   TileJSON 3.0.0
//	GET /tiles/places/{z}/{x}/{y}.mvt[?category=a,b]     the published places, layer "places"
//	GET /tiles/places.json                               TileJSON 3.0.0
//
// Tiles are gzipped MVT with strong ETags; a tile requested with the
// current data version as v may be cached for a year (the URLs in the
// TileJSON carry it), otherwise for a minute. Places are few and change
// through moderation, so their tiles are rendered per request.
const (
	mvtContentType  = "application/vnd.mapbox-vector-tile"
	immutableCache  = "public, max-age=31536000, immutable"
	shortTileCache  = "public, max-age=60"
	tileJSONCaching = "no-cache"
	maxTileZoom     = 14
)

var (
	hdrImmutableCache = []string{immutableCache}
	hdrShortTileCache = []string{shortTileCache}
	hdrMVTContentType = []string{mvtContentType}
)

// tileSet returns the tile renderer, or ErrNotSupported when none is wired.
func (h *handlers) tileSet() (atlas.TileSet, error) {
	if h.tiles == nil {
		return nil, fmt.Errorf("vector tiles: %w", atlas.ErrNotSupported)
	}
	return h.tiles, nil
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

func (h *handlers) tile(c echo.Context) error {
	level, err := tileLevel(c.Param("level"))
	if err != nil {
		return err
	}
	z, x, y, err := tileCoords(c)
	if err != nil {
		return err
	}
	q, version, err := tileMapQuery(c, level)
	if err != nil {
		return err
	}
	ts, err := h.tileSet()
	if err != nil {
		return err
	}
	// A cached tile is answered from memory; rendering one waits for the
	// store and the CPUs, under the request's deadline (ownDeadline).
	t, cached, err := ts.CachedTile(level, z, x, y, q)
	if err == nil && !cached {
		err = withDeadline(c, h.timeout, func() (err error) {
			t, err = ts.Tile(c.Request().Context(), level, z, x, y, q)
			return err
		})
	}
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	// Constant header values are shared slices (canonical keys): a cached
	// tile is answered with as few allocations as possible.
	if v, err := strconv.ParseInt(version, 10, 64); err == nil && v == t.Version {
		hd["Cache-Control"] = hdrImmutableCache
	} else {
		hd["Cache-Control"] = hdrShortTileCache
	}
	setShared(hd, "ETag", t.Header.ETag, t.ETag)
	setSharedNumber(hd, "X-Data-Version", t.Header.Version, t.Version)
	addVaryAcceptEncoding(hd)
	if t.Omitted != "" {
		// Left out to keep the tile within the size limit: said, not silent.
		hd.Set(atlas.TileOmittedHeader, t.Omitted)
	}
	if etagMatches(c.Request().Header.Get("If-None-Match"), t.ETag) {
		return c.NoContent(http.StatusNotModified)
	}
	if t.Empty() {
		// No region reaches this tile.
		return c.NoContent(http.StatusNoContent)
	}
	hd["Content-Type"] = hdrMVTContentType
	if acceptsGzip(c) {
		return writeBodyLength(c, mvtContentType, t.Gzip, true, t.Header.GzipLength)
	}
	raw, err := t.Identity.MVT()
	if err != nil {
		return err
	}
	return writeBodyLength(c, mvtContentType, raw, false, t.Header.IdentityLength)
}

func (h *handlers) tileJSON(c echo.Context) error {
	name, ok := strings.CutSuffix(c.Param("level"), ".json")
	if !ok {
		return fmt.Errorf("%q: %w", c.Param("level"), atlas.ErrNotFound)
	}
	level, err := tileLevel(name)
	if err != nil {
		return err
	}
	q, _, err := tileMapQuery(c, level)
	if err != nil {
		return err
	}
	ts, err := h.tileSet()
	if err != nil {
		return err
	}
	base := baseURL(c)
	body, version, err := ts.TileJSON(c.Request().Context(), level, q, func(v int64) string {
		s := base + "/tiles/" + level.String() + "/{z}/{x}/{y}.mvt?v=" + strconv.FormatInt(v, 10)
		if q != nil {
			s += "&" + encodeMapQuery(q).Encode()
		}
		return s
	})
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	hd := c.Response().Header()
	hd.Set("ETag", etag)
	hd.Set("Cache-Control", tileJSONCaching)
	hd.Set("X-Data-Version", strconv.FormatInt(version, 10))
	hd.Add("Vary", "X-Forwarded-Proto, X-Forwarded-Host")
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	return writeBody(c, "application/json; charset=utf-8", body, false)
}

func (h *handlers) placeTile(c echo.Context) error {
	z, x, y, err := tileCoords(c)
	if err != nil {
		return err
	}
	cats, err := parseCategories(c)
	if err != nil {
		return err
	}
	ts, err := h.tileSet()
	if err != nil {
		return err
	}
	enc, err := ts.PlacesTile(c.Request().Context(), z, x, y, cats)
	if err != nil {
		return err
	}
	if enc == nil {
		return c.NoContent(http.StatusNoContent)
	}
	return writeEncoded(c, enc, mvtContentType)
}

func (h *handlers) placeTileJSON(c echo.Context) error {
	list, sources, err := h.svc.Places(c.Request().Context(), atlas.PlaceQuery{})
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{
		"tilejson":    "3.0.0",
		"name":        "places",
		"description": "Orte: Beratung, Qualifizierung, Initiativen (veröffentlicht)",
		"tiles":       []string{baseURL(c) + "/tiles/places/{z}/{x}/{y}.mvt"},
		"minzoom":     0,
		"maxzoom":     maxTileZoom,
		"bounds":      []float64{5.8, 47.2, 15.1, 55.1},
		"attribution": strings.Join(atlas.PlacesAttribution(sources, list), "; "),
		"vector_layers": []map[string]any{{
			"id": "places", "minzoom": 0, "maxzoom": maxTileZoom,
			"fields": map[string]string{"id": "String", "name": "String", "category": "String", "kreis": "String", "gemeinde": "String"},
		}},
	})
}
