package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/standortatlas/standortatlas/atlas"
)

// The places as a vector-tile layer "places" (points), for clients that
// draw everything from tiles (QGIS, MapLibre):
//
//	GET /tiles/places/{z}/{x}/{y}.mvt[?category=a,b]
//	GET /tiles/places.json   TileJSON 3.0.0
//
// Places are few and change through moderation, so tiles are rendered per
// request from the store (no cache); ETag and revalidation as elsewhere.
func registerPlaceTiles(e *echo.Echo, h *handlers) {
	e.GET("/tiles/places/:z/:x/:y", h.placeTile, cors)
	e.GET("/tiles/places.json", h.placeTileJSON, cors)
}

// parseTile parses z, x and y ("12.mvt") of a tile path.
func parseTile(zs, xs, ys string) (maptile.Tile, error) {
	bad := func(name, v, reason string) error { return &atlas.ParamError{Param: name, Value: v, Reason: reason} }
	z, err := strconv.Atoi(zs)
	if err != nil || z < 0 || z > 14 {
		return maptile.Tile{}, bad("z", zs, "must be a zoom from 0 to 14")
	}
	x, err := strconv.ParseUint(xs, 10, 32)
	if err != nil || x >= 1<<uint(z) {
		return maptile.Tile{}, bad("x", xs, "outside the zoom level's tile range")
	}
	yv, ok := strings.CutSuffix(ys, ".mvt")
	if !ok {
		return maptile.Tile{}, bad("y", ys, "must end in .mvt")
	}
	y, err := strconv.ParseUint(yv, 10, 32)
	if err != nil || y >= 1<<uint(z) {
		return maptile.Tile{}, bad("y", ys, "outside the zoom level's tile range")
	}
	return maptile.New(uint32(x), uint32(y), maptile.Zoom(z)), nil
}

func (h *handlers) placeTile(c echo.Context) error {
	t, err := parseTile(c.Param("z"), c.Param("x"), c.Param("y"))
	if err != nil {
		return err
	}
	ps, err := h.placeStore()
	if err != nil {
		return err
	}
	cats, err := parseCategories(c.QueryParam("category"))
	if err != nil {
		return err
	}
	// A small margin so that symbols at tile edges are not cut.
	b := t.Bound(64.0 / 4096)
	list, err := ps.Places(c.Request().Context(), atlas.PlaceQuery{Bound: &b, Categories: cats})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return c.NoContent(http.StatusNoContent)
	}
	fc := geojson.NewFeatureCollection()
	for _, p := range list {
		f := geojson.NewFeature(orb.Point{p.Lon, p.Lat})
		f.Properties = geojson.Properties{"id": p.ID, "name": p.Name, "category": p.Category, "kreis": p.Kreis, "gemeinde": p.Gemeinde}
		fc.Append(f)
	}
	layer := mvt.NewLayer("places", fc)
	layer.ProjectToTile(t)
	data, err := mvt.Marshal(mvt.Layers{layer})
	if err != nil {
		return err
	}
	return writeEncoded(c, atlas.NewEncoded(data), "application/vnd.mapbox-vector-tile")
}

func (h *handlers) placeTileJSON(c echo.Context) error {
	ps, err := h.placeStore()
	if err != nil {
		return err
	}
	list, err := ps.Places(c.Request().Context(), atlas.PlaceQuery{})
	if err != nil {
		return err
	}
	sources, err := ps.PlaceSources(c.Request().Context())
	if err != nil {
		return err
	}
	base := baseURL(c)
	return c.JSON(http.StatusOK, map[string]any{
		"tilejson":    "3.0.0",
		"name":        "places",
		"description": "Orte: Beratung, Qualifizierung, Initiativen (veröffentlicht)",
		"tiles":       []string{base + "/tiles/places/{z}/{x}/{y}.mvt"},
		"minzoom":     0,
		"maxzoom":     14,
		"bounds":      []float64{5.8, 47.2, 15.1, 55.1},
		"attribution": strings.Join(attributionOf(sources, list), "; "),
		"vector_layers": []map[string]any{{
			"id": "places", "minzoom": 0, "maxzoom": 14,
			"fields": map[string]string{"id": "String", "name": "String", "category": "String", "kreis": "String", "gemeinde": "String"},
		}},
	})
}
