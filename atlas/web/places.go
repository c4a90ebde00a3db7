package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/placeimport"
)

func registerPlaces(e *echo.Echo, h *handlers, ih *ingestHandlers, limiter echo.MiddlewareFunc) {
	api := e.Group("/api/v1", cors)
	api.GET("/places", h.places)
	api.GET("/places/categories", h.placeCategories)
	e.POST("/api/v1/places", ih.submitPlace, limiter, ih.auth)
}

// submitPlace stores a place submitted by an organisation (token required,
// the place must lie in the token's key scope) as pending: it is served only
// after a moderator publishes it (standortatlas places publish ID).
func (ih *ingestHandlers) submitPlace(c echo.Context) error {
	tok := tokenOf(c)
	var sub placeimport.Submission
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sub); err != nil {
		return &atlas.ParamError{Param: "body", Value: "", Reason: "a JSON object with name, category, lat, lon and optional address, postcode, city, website, email, phone, languages, description: " + err.Error()}
	}
	if ih.submit == nil {
		return fmt.Errorf("place submissions: %w", atlas.ErrNotSupported)
	}
	p, err := ih.submit(c.Request().Context(), sub, fmt.Sprintf("token:%d (%s)", tok.ID, tok.Name), &tok)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

func (h *handlers) placeStore() (atlas.PlaceStore, error) {
	ps, ok := h.svc.Store().(atlas.PlaceStore)
	if !ok {
		return nil, echo.NewHTTPError(http.StatusNotImplemented, "this store keeps no places")
	}
	return ps, nil
}

// parseBBox parses "minLon,minLat,maxLon,maxLat" (WGS84).
func parseBBox(s string) (*orb.Bound, error) {
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return nil, &atlas.ParamError{Param: "bbox", Value: s, Reason: "must be minLon,minLat,maxLon,maxLat"}
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return nil, &atlas.ParamError{Param: "bbox", Value: s, Reason: "must be four numbers"}
		}
		v[i] = f
	}
	if v[0] > v[2] || v[1] > v[3] || v[0] < -180 || v[2] > 180 || v[1] < -90 || v[3] > 90 {
		return nil, &atlas.ParamError{Param: "bbox", Value: s, Reason: "must be minLon,minLat,maxLon,maxLat in WGS84"}
	}
	return &orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

func parseCategories(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	var out []string
	for _, c := range strings.Split(s, ",") {
		c = strings.TrimSpace(c)
		if _, ok := atlas.CategoryByID(c); !ok {
			return nil, &atlas.ParamError{Param: "category", Value: c, Reason: "unknown category (see /api/v1/places/categories)"}
		}
		out = append(out, c)
	}
	return out, nil
}

// places answers the published places as GeoJSON points with the sources'
// attribution.
func (h *handlers) places(c echo.Context) error {
	ps, err := h.placeStore()
	if err != nil {
		return err
	}
	bbox, err := parseBBox(c.QueryParam("bbox"))
	if err != nil {
		return err
	}
	cats, err := parseCategories(c.QueryParam("category"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	list, err := ps.Places(ctx, atlas.PlaceQuery{Bound: bbox, Categories: cats})
	if err != nil {
		return err
	}
	sources, err := ps.PlaceSources(ctx)
	if err != nil {
		return err
	}
	fc := geojson.NewFeatureCollection()
	for _, p := range list {
		f := geojson.NewFeature(orb.Point{p.Lon, p.Lat})
		f.ID = p.ID
		f.Properties = geojson.Properties{"id": p.ID, "name": p.Name, "category": p.Category, "gemeinde": p.Gemeinde, "kreis": p.Kreis, "land": p.Land,
			"source": p.Source, "licence": p.Licence, "attribution": p.Attribution}
		for k, v := range map[string]string{"address": p.Address, "postcode": p.Postcode, "city": p.City, "website": p.Website, "email": p.Email,
			"phone": p.Phone, "description": p.Description, "last_verified": p.LastVerified} {
			if v != "" {
				f.Properties[k] = v
			}
		}
		if len(p.Languages) > 0 {
			f.Properties["languages"] = p.Languages
		}
		if p.Approximate {
			f.Properties["approximate"] = true
		}
		fc.Append(f)
	}
	fc.ExtraMembers = geojson.Properties{"attribution": attributionOf(sources, list), "numberReturned": len(list)}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, fc)
}

// attributionOf lists the attribution of every source the places come
// from: the registered source's, else the place's own (submissions).
func attributionOf(sources []atlas.PlaceSource, places []atlas.Place) []string {
	bySource := map[string]string{}
	for _, s := range sources {
		bySource[s.ID] = s.Attribution
	}
	out := []string{}
	seen := map[string]bool{}
	for _, p := range places {
		a := bySource[p.Source]
		if a == "" {
			a = p.Attribution
		}
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

// placeCategories lists the taxonomy with the number of published places and
// the sources per category, and says where no open data exists.
func (h *handlers) placeCategories(c echo.Context) error {
	ps, err := h.placeStore()
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	list, err := ps.Places(ctx, atlas.PlaceQuery{})
	if err != nil {
		return err
	}
	sources, err := ps.PlaceSources(ctx)
	if err != nil {
		return err
	}
	type entry struct {
		atlas.Category
		Count   int                 `json:"count"`
		Sources []atlas.PlaceSource `json:"sources"`
		HasData bool                `json:"has_data"`
	}
	var out []entry
	for _, cat := range atlas.Categories() {
		e := entry{Category: cat, Sources: []atlas.PlaceSource{}}
		for _, p := range list {
			if p.Category == cat.ID {
				e.Count++
			}
		}
		for _, s := range sources {
			for _, sc := range s.Categories {
				if sc == cat.ID {
					e.Sources = append(e.Sources, s)
				}
			}
		}
		e.HasData = len(e.Sources) > 0
		out = append(out, e)
	}
	return c.JSON(http.StatusOK, out)
}
