package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

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

// ogcLevel is the stored regions of one level for one data version.
type ogcLevel struct {
	set     atlas.BoundarySet
	regions []atlas.Region
	bounds  []orb.Bound
	extent  orb.Bound
	byKey   map[string]int
}

type ogcHandlers struct {
	svc *atlas.Service

	mu      sync.Mutex
	version int64
	levels  map[atlas.Level]*ogcLevel
	loading map[atlas.Level]*sync.Mutex
}

func registerOGC(e *echo.Echo, svc *atlas.Service) {
	h := &ogcHandlers{svc: svc, version: -1, loading: map[atlas.Level]*sync.Mutex{}}
	for _, l := range atlas.AllLevels() {
		h.loading[l] = &sync.Mutex{}
	}
	g := e.Group("/ogc", cors)
	g.GET("", h.landing)
	g.GET("/conformance", h.conformance)
	g.GET("/collections", h.collections)
	g.GET("/collections/:collectionId", h.collection)
	g.GET("/collections/:collectionId/items", h.items)
	g.GET("/collections/:collectionId/items/:featureId", h.item)
}

// level returns the stored regions of a level, read once per data version.
func (h *ogcHandlers) level(ctx context.Context, l atlas.Level) (*ogcLevel, error) {
	v, err := h.svc.Version(ctx)
	if err != nil {
		return nil, err
	}
	h.mu.Lock()
	if v != h.version {
		h.version, h.levels = v, map[atlas.Level]*ogcLevel{}
	}
	ol := h.levels[l]
	h.mu.Unlock()
	if ol != nil {
		return ol, nil
	}
	lk := h.loading[l]
	lk.Lock()
	defer lk.Unlock()
	h.mu.Lock()
	ol = h.levels[l]
	h.mu.Unlock()
	if ol != nil {
		return ol, nil
	}
	regions, err := h.svc.Store().Regions(ctx, l)
	if err != nil {
		return nil, err
	}
	if len(regions) == 0 {
		return nil, fmt.Errorf("collection %s: %w", l, atlas.ErrNotFound)
	}
	sets, err := h.svc.Store().BoundarySets(ctx)
	if err != nil {
		return nil, err
	}
	ol = &ogcLevel{regions: regions, bounds: make([]orb.Bound, len(regions)), byKey: make(map[string]int, len(regions))}
	for _, s := range sets {
		if s.Level == l {
			ol.set = s
		}
	}
	for i, r := range regions {
		ol.bounds[i] = r.Geom.Bound()
		ol.byKey[r.Key] = i
		if i == 0 {
			ol.extent = ol.bounds[i]
		} else {
			ol.extent = ol.extent.Union(ol.bounds[i])
		}
	}
	h.mu.Lock()
	if h.version == v {
		h.levels[l] = ol
	}
	h.mu.Unlock()
	return ol, nil
}

func baseURL(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host
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

func (h *ogcHandlers) collectionInfo(c echo.Context, l atlas.Level, ol *ogcLevel) map[string]any {
	b := baseURL(c) + "/ogc/collections/" + l.String()
	e := ol.extent
	return map[string]any{
		"id":          l.String(),
		"title":       ol.set.Name,
		"description": fmt.Sprintf("%d %s-Gebiete, Gebietsstand %s; Quelle %s. %s", len(ol.regions), l.Title(), ol.set.Gebietsstand, ol.set.Source, ol.set.Attribution),
		"itemType":    "feature",
		"crs":         []string{ogcCRS84},
		"extent": map[string]any{"spatial": map[string]any{
			"bbox": [][]float64{{e.Min[0], e.Min[1], e.Max[0], e.Max[1]}},
			"crs":  ogcCRS84,
		}},
		"links": []ogcLink{
			{Href: b, Rel: "self", Type: jsonType, Title: "this collection"},
			{Href: b + "/items", Rel: "items", Type: geoJSONType, Title: "features"},
			{Href: "https://www.govdata.de/dl-de/by-2-0", Rel: "license", Type: "text/html", Title: ol.set.Licence},
		},
	}
}

func (h *ogcHandlers) collectionLevel(c echo.Context) (atlas.Level, *ogcLevel, error) {
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
	ol, err := h.level(c.Request().Context(), l)
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
		ol, err := h.level(c.Request().Context(), l)
		if err != nil {
			return err
		}
		cols = append(cols, h.collectionInfo(c, l, ol))
	}
	if list, sources, err := h.publishedPlaces(c); err == nil && len(list) > 0 {
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

// parseOGCBBox parses minLon,minLat,maxLon,maxLat (or the 6-number 3D form).
func parseOGCBBox(s string) (orb.Bound, error) {
	bad := &atlas.ParamError{Param: "bbox", Value: s, Reason: "must be minLon,minLat,maxLon,maxLat in CRS84"}
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return orb.Bound{}, bad
	}
	xs := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return orb.Bound{}, bad
		}
		xs[i] = v
	}
	if len(xs) == 6 {
		xs = []float64{xs[0], xs[1], xs[3], xs[4]}
	}
	if xs[0] > xs[2] || xs[1] > xs[3] || xs[1] < -90 || xs[3] > 90 {
		return orb.Bound{}, bad
	}
	return orb.Bound{Min: orb.Point{xs[0], xs[1]}, Max: orb.Point{xs[2], xs[3]}}, nil
}

// intersects reports whether a multipolygon intersects a box: a vertex in
// the box, a box corner in the polygon, or an edge crossing the box.
func intersects(mp orb.MultiPolygon, mb, box orb.Bound) bool {
	if !mb.Intersects(box) {
		return false
	}
	if box.Contains(mb.Min) && box.Contains(mb.Max) {
		return true
	}
	for _, corner := range []orb.Point{box.Min, box.Max, {box.Min[0], box.Max[1]}, {box.Max[0], box.Min[1]}} {
		if planar.MultiPolygonContains(mp, corner) {
			return true
		}
	}
	for _, poly := range mp {
		for _, ring := range poly {
			for i, p := range ring {
				if box.Contains(p) {
					return true
				}
				if i > 0 && segmentHitsBox(ring[i-1], p, box) {
					return true
				}
			}
		}
	}
	return false
}

// segmentHitsBox clips segment a–b to the box (Liang–Barsky).
func segmentHitsBox(a, b orb.Point, box orb.Bound) bool {
	t0, t1 := 0.0, 1.0
	dx, dy := b[0]-a[0], b[1]-a[1]
	for _, pq := range [][2]float64{{-dx, a[0] - box.Min[0]}, {dx, box.Max[0] - a[0]}, {-dy, a[1] - box.Min[1]}, {dy, box.Max[1] - a[1]}} {
		p, q := pq[0], pq[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = math.Max(t0, r)
		} else {
			t1 = math.Min(t1, r)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
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
	matched := make([]int, 0, len(ol.regions))
	if s := c.QueryParam("bbox"); s != "" {
		box, err := parseOGCBBox(s)
		if err != nil {
			return err
		}
		for i, r := range ol.regions {
			if intersects(r.Geom, ol.bounds[i], box) {
				matched = append(matched, i)
			}
		}
	} else {
		for i := range ol.regions {
			matched = append(matched, i)
		}
	}
	page := matched[min(offset, len(matched)):min(offset+limit, len(matched))]

	links := pageLinks(c, l.String(), limit, offset, len(matched))
	b := make([]byte, 0, 4096+len(page)*2048)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for n, i := range page {
		if n > 0 {
			b = append(b, ',')
		}
		b = appendOGCFeature(b, l, ol.regions[i])
	}
	b = append(b, `],"numberMatched":`...)
	b = strconv.AppendInt(b, int64(len(matched)), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(len(page)), 10)
	b, err = appendJSONMember(b, "links", links)
	if err != nil {
		return err
	}
	b, err = appendJSONMember(b, "attribution", ol.set.Attribution)
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
	i, ok := ol.byKey[fid]
	if !ok {
		return fmt.Errorf("feature %q of collection %s: %w", fid, l, atlas.ErrNotFound)
	}
	b := appendOGCFeature(nil, l, ol.regions[i])
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

// appendOGCFeature appends a region as a GeoJSON feature (id = regional key).
func appendOGCFeature(b []byte, l atlas.Level, r atlas.Region) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendQuote(b, r.Key)
	b = append(b, `,"geometry":`...)
	b = atlas.AppendGeometryJSON(b, r.Geom)
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
