package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"github.com/standortatlas/standortatlas/atlas"
)

// OGC API – Features, Part 1: Core, over the regions of each level: one
// collection per level (land, kreis, vwg, gemeinde), GeoJSON, CRS84, the
// stored (not display-simplified) geometry.
//
//	GET /ogc                                              landing page
//	GET /ogc/conformance                                  conformance classes
//	GET /ogc/collections                                  collections
//	GET /ogc/collections/{collectionId}                   one collection
//	GET /ogc/collections/{collectionId}/items             features (bbox, limit, offset)
//	GET /ogc/collections/{collectionId}/items/{featureId} one feature (id = regional key)

const (
	ogcCRS84        = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	ogcDefaultLimit = 10
	ogcMaxLimit     = 10000
	geoJSONType     = "application/geo+json"
	jsonType        = "application/json"
	openAPIType     = "application/vnd.oai.openapi+json;version=3.0"
	ogcConfCore     = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
	ogcConfGeoJSON  = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
	ogcConfOAS30    = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"
)

type ogcHandlers struct {
	svc *atlas.Service
}

type ogcLink struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// checkF accepts f=json (or geojson); other formats are not offered.
func checkF(c echo.Context) error {
	switch f := c.QueryParam("f"); f {
	case "", "json", "geojson":
		return nil
	default:
		return &atlas.ParamError{Param: "f", Value: f, Reason: "only json is offered"}
	}
}

// checkParams rejects query parameters the API does not define, as OGC API
// – Features requires.
func checkParams(c echo.Context, allowed ...string) error {
	for name := range c.QueryParams() {
		if !slices.Contains(allowed, name) {
			return &atlas.ParamError{Param: name, Value: c.QueryParam(name), Reason: "unknown parameter (allowed: " + strings.Join(allowed, ", ") + ")"}
		}
	}
	return checkF(c)
}

func (h *ogcHandlers) landing(c echo.Context) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	b := baseURL(c)
	return c.JSON(http.StatusOK, map[string]any{
		"title":       "Standortatlas – Gebiete (OGC API – Features)",
		"description": "Länder, Kreise, Verwaltungsgemeinschaften und Gemeinden Deutschlands mit amtlichem Schlüssel (AGS/ARS), Name und Art; Geometrie der BKG-Verwaltungsgebiete in CRS84.",
		"attribution": "© GeoBasis-DE / BKG, dl-de/by-2-0",
		"links": []ogcLink{
			{Href: b + "/ogc", Rel: "self", Type: jsonType, Title: "this document"},
			{Href: b + "/api/openapi.json", Rel: "service-desc", Type: openAPIType, Title: "the API definition"},
			{Href: b + "/ogc/conformance", Rel: "conformance", Type: jsonType, Title: "conformance classes"},
			{Href: b + "/ogc/collections", Rel: "data", Type: jsonType, Title: "collections"},
		},
	})
}

func (h *ogcHandlers) conformance(c echo.Context) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"conformsTo": []string{ogcConfCore, ogcConfGeoJSON, ogcConfOAS30}})
}

func (h *ogcHandlers) collectionInfo(c echo.Context, l atlas.Level, ol *atlas.LevelData) map[string]any {
	b := baseURL(c) + "/ogc/collections/" + l.String()
	e := ol.Extent
	return map[string]any{
		"id":          l.String(),
		"title":       ol.Set.Name,
		"description": fmt.Sprintf("%d %s-Gebiete, Gebietsstand %s; Quelle %s. %s", len(ol.Regions), l.Title(), ol.Set.Gebietsstand, ol.Set.Source, ol.Set.Attribution),
		"itemType":    "feature",
		"crs":         []string{ogcCRS84},
		"extent": map[string]any{"spatial": map[string]any{
			"bbox": [][]float64{{e.Min[0], e.Min[1], e.Max[0], e.Max[1]}},
			"crs":  ogcCRS84,
		}},
		"links": []ogcLink{
			{Href: b, Rel: "self", Type: jsonType, Title: "this collection"},
			{Href: b + "/items", Rel: "items", Type: geoJSONType, Title: "features"},
			{Href: "https://www.govdata.de/dl-de/by-2-0", Rel: "license", Type: "text/html", Title: ol.Set.Licence},
		},
	}
}

func (h *ogcHandlers) collectionLevel(c echo.Context) (atlas.Level, *atlas.LevelData, error) {
	id := c.Param("collectionId")
	var l atlas.Level
	for _, x := range atlas.AllLevels() {
		if x.String() == id {
			l = x
		}
	}
	if l == 0 {
		return 0, nil, fmt.Errorf("collection %q: %w", id, atlas.ErrNotFound)
	}
	_, ol, err := h.svc.Level(c.Request().Context(), l)
	return l, ol, err
}

func (h *ogcHandlers) collections(c echo.Context) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	sets, err := h.svc.BoundarySets(c.Request().Context())
	if err != nil {
		return err
	}
	var cols []map[string]any
	for _, l := range atlas.AllLevels() {
		if !slices.ContainsFunc(sets, func(s atlas.BoundarySet) bool { return s.Level == l }) {
			continue
		}
		_, ol, err := h.svc.Level(c.Request().Context(), l)
		if err != nil {
			return err
		}
		cols = append(cols, h.collectionInfo(c, l, ol))
	}
	if list, sources, err := h.svc.Places(c.Request().Context(), atlas.PlaceQuery{}); err == nil && len(list) > 0 {
		cols = append(cols, placesInfo(c, list, sources))
	}
	b := baseURL(c)
	return c.JSON(http.StatusOK, map[string]any{
		"links":       []ogcLink{{Href: b + "/ogc/collections", Rel: "self", Type: jsonType, Title: "collections"}},
		"collections": cols,
	})
}

func (h *ogcHandlers) collection(c echo.Context) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	if c.Param("collectionId") == placesCollection {
		return h.placesCollectionInfo(c)
	}
	l, ol, err := h.collectionLevel(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, h.collectionInfo(c, l, ol))
}

func (h *ogcHandlers) items(c echo.Context) error {
	if err := checkParams(c, "f", "limit", "offset", "bbox", "bbox-crs", "datetime"); err != nil {
		return err
	}
	if c.Param("collectionId") == placesCollection {
		return h.placesItems(c)
	}
	l, ol, err := h.collectionLevel(c)
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
	if crs := c.QueryParam("bbox-crs"); crs != "" && crs != ogcCRS84 {
		return &atlas.ParamError{Param: "bbox-crs", Value: crs, Reason: "only " + ogcCRS84 + " is offered"}
	}
	box, err := parseBBox(c)
	if err != nil {
		return err
	}
	matched := ol.Intersecting(box)
	page := matched[min(offset, len(matched)):min(offset+limit, len(matched))]

	links := pageLinks(c, l.String(), limit, offset, len(matched))
	b := make([]byte, 0, 4096+len(page)*2048)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for n, i := range page {
		if n > 0 {
			b = append(b, ',')
		}
		b = appendOGCFeature(b, l, ol.Regions[i], ol.Full[i])
	}
	b = append(b, `],"numberMatched":`...)
	b = strconv.AppendInt(b, int64(len(matched)), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(len(page)), 10)
	b, err = appendJSONMember(b, "links", links)
	if err != nil {
		return err
	}
	b, err = appendJSONMember(b, "attribution", ol.Set.Attribution)
	if err != nil {
		return err
	}
	b = append(b, '}')
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.Blob(http.StatusOK, geoJSONType, b)
}

func (h *ogcHandlers) item(c echo.Context) error {
	if err := checkParams(c, "f"); err != nil {
		return err
	}
	if c.Param("collectionId") == placesCollection {
		return h.placeItem(c)
	}
	l, ol, err := h.collectionLevel(c)
	if err != nil {
		return err
	}
	fid := c.Param("featureId")
	i, ok := ol.Index(fid)
	if !ok {
		return fmt.Errorf("feature %q of collection %s: %w", fid, l, atlas.ErrNotFound)
	}
	b := appendOGCFeature(nil, l, ol.Regions[i], ol.Full[i])
	b = b[:len(b)-1] // reopen the feature object for links
	base := baseURL(c) + "/ogc/collections/" + l.String()
	b, err = appendJSONMember(b, "links", []ogcLink{
		{Href: base + "/items/" + url.PathEscape(fid), Rel: "self", Type: geoJSONType, Title: "this feature"},
		{Href: base, Rel: "collection", Type: jsonType, Title: "the collection"},
	})
	if err != nil {
		return err
	}
	b = append(b, '}')
	return c.Blob(http.StatusOK, geoJSONType, b)
}

// appendOGCFeature appends a region with its stored geometry as a GeoJSON
// feature (id = regional key).
func appendOGCFeature(b []byte, l atlas.Level, r atlas.Region, full orb.MultiPolygon) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendQuote(b, r.Key)
	b = append(b, `,"geometry":`...)
	b = atlas.AppendGeometryJSON(b, full)
	b = append(b, `,"properties":{"key":`...)
	b = strconv.AppendQuote(b, r.Key)
	b = append(b, `,"name":`...)
	b = appendJSON(b, r.Name)
	b = append(b, `,"type":`...)
	b = appendJSON(b, r.Type)
	b = append(b, `,"level":`...)
	b = strconv.AppendQuote(b, l.String())
	if r.ARS != "" {
		b = append(b, `,"ars":`...)
		b = strconv.AppendQuote(b, r.ARS)
	}
	b = append(b, `,"gemeindefrei":`...)
	b = strconv.AppendBool(b, r.Gemeindefrei)
	return append(b, "}}"...)
}

// pageLinks returns the self, collection, next and prev links of one page
// of a collection's items, keeping the request's other parameters.
func pageLinks(c echo.Context, collection string, limit, offset, matched int) []ogcLink {
	self := baseURL(c) + "/ogc/collections/" + collection + "/items"
	link := func(off int) string {
		q := url.Values{}
		for k, v := range c.QueryParams() {
			q[k] = v
		}
		q.Set("limit", strconv.Itoa(limit))
		q.Set("offset", strconv.Itoa(off))
		return self + "?" + q.Encode()
	}
	links := []ogcLink{
		{Href: link(offset), Rel: "self", Type: geoJSONType, Title: "this page"},
		{Href: baseURL(c) + "/ogc/collections/" + collection, Rel: "collection", Type: jsonType, Title: "the collection"},
	}
	if offset+limit < matched {
		links = append(links, ogcLink{Href: link(offset + limit), Rel: "next", Type: geoJSONType, Title: "next page"})
	}
	if offset > 0 {
		links = append(links, ogcLink{Href: link(max(0, offset-limit)), Rel: "prev", Type: geoJSONType, Title: "previous page"})
	}
	return links
}
