package web

import (
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/standortatlas/standortatlas/atlas"
)

// The OGC API – Features collection "places": the published places
// (organisations and offers) as points, with their source's licence.
const placesCollection = "places"

func (h *ogcHandlers) publishedPlaces(c echo.Context) ([]atlas.Place, []atlas.PlaceSource, error) {
	return h.svc.Places(c.Request().Context(), atlas.PlaceQuery{})
}

func placesInfo(c echo.Context, list []atlas.Place, sources []atlas.PlaceSource) map[string]any {
	b := baseURL(c) + "/ogc/collections/" + placesCollection
	ext := orb.Bound{Min: orb.Point{5.8, 47.2}, Max: orb.Point{15.1, 55.1}}
	for i, p := range list {
		pt := orb.Point{p.Lon, p.Lat}
		if i == 0 {
			ext = orb.Bound{Min: pt, Max: pt}
		}
		ext = ext.Extend(pt)
	}
	return map[string]any{
		"id":          placesCollection,
		"title":       "Orte: Beratung, Qualifizierung, Initiativen",
		"description": fmt.Sprintf("%d veröffentlichte Orte; Quellen: %s", len(list), strings.Join(atlas.PlacesAttribution(sources, list), "; ")),
		"itemType":    "feature",
		"crs":         []string{ogcCRS84},
		"extent":      map[string]any{"spatial": map[string]any{"bbox": [][]float64{{ext.Min[0], ext.Min[1], ext.Max[0], ext.Max[1]}}, "crs": ogcCRS84}},
		"links": []ogcLink{
			{Href: b, Rel: "self", Type: jsonType, Title: "this collection"},
			{Href: b + "/items", Rel: "items", Type: geoJSONType, Title: "features"},
		},
	}
}

func placeFeature(p atlas.Place) *geojson.Feature {
	f := geojson.NewFeature(orb.Point{p.Lon, p.Lat})
	f.ID = p.ID
	f.Properties = geojson.Properties{"name": p.Name, "category": p.Category, "gemeinde": p.Gemeinde, "kreis": p.Kreis, "land": p.Land,
		"website": p.Website, "source": p.Source, "licence": p.Licence, "attribution": p.Attribution, "last_verified": p.LastVerified}
	if p.Approximate {
		f.Properties["approximate"] = true
	}
	return f
}

func (h *ogcHandlers) placesCollectionInfo(c echo.Context) error {
	list, sources, err := h.publishedPlaces(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, placesInfo(c, list, sources))
}

func (h *ogcHandlers) placesItems(c echo.Context) error {
	list, sources, err := h.publishedPlaces(c)
	if err != nil {
		return err
	}
	limit, err := intParam(c, "limit", ogcDefaultLimit, 1, math.MaxInt32)
	if err != nil {
		return err
	}
	limit = min(limit, ogcMaxLimit)
	offset, err := intParam(c, "offset", 0, 0, math.MaxInt32)
	if err != nil {
		return err
	}
	matched := list
	box, err := parseBBox(c)
	if err != nil {
		return err
	}
	if box != nil {
		matched = nil
		for _, p := range list {
			if box.Contains(orb.Point{p.Lon, p.Lat}) {
				matched = append(matched, p)
			}
		}
	}
	page := matched[min(offset, len(matched)):min(offset+limit, len(matched))]
	fc := geojson.NewFeatureCollection()
	for _, p := range page {
		fc.Append(placeFeature(p))
	}
	links := pageLinks(c, placesCollection, limit, offset, len(matched))
	fc.ExtraMembers = geojson.Properties{"numberMatched": len(matched), "numberReturned": len(page), "links": links, "attribution": atlas.PlacesAttribution(sources, page)}
	b, err := fc.MarshalJSON()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, geoJSONType, b)
}

func (h *ogcHandlers) placeItem(c echo.Context) error {
	list, _, err := h.publishedPlaces(c)
	if err != nil {
		return err
	}
	id := c.Param("featureId")
	for _, p := range list {
		if p.ID == id {
			b, err := placeFeature(p).MarshalJSON()
			if err != nil {
				return err
			}
			return c.Blob(http.StatusOK, geoJSONType, b)
		}
	}
	return fmt.Errorf("feature %q of collection places: %w", id, atlas.ErrNotFound)
}
