package web

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/standortatlas/standortatlas/atlas"
	"github.com/standortatlas/standortatlas/atlas/placeimport"
)

// submitPlace stores a place submitted by an organisation (token required,
// the place must lie in the token's key scope) as pending: it is served only
// after a moderator publishes it (standortatlas places publish ID).
func (ih *ingestHandlers) submitPlace(c echo.Context) error {
	tok := tokenOf(c)
	var sub placeimport.Submission
	dec := json.NewDecoder(io.LimitReader(c.Request().Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sub); err != nil {
		return &atlas.ParamError{Param: "body", Value: "", Reason: "a JSON object with name, category, lat, lon and optional address, postcode, city, website, email, phone, languages, description: " + atlas.JSONProblem(err)}
	}
	if ih.submit == nil {
		return fmt.Errorf("place submissions: %w", atlas.ErrNotSupported)
	}
	p, err := ih.submit(c.Request().Context(), sub, actorOf(tok), &tok)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, p)
}

// places answers the published places as GeoJSON points with the sources'
// attribution.
func (h *handlers) places(c echo.Context) error {
	bbox, err := parseBBox(c)
	if err != nil {
		return err
	}
	cats, err := parseCategories(c)
	if err != nil {
		return err
	}
	list, sources, err := h.svc.Places(c.Request().Context(), atlas.PlaceQuery{Bound: bbox, Categories: cats})
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
	fc.ExtraMembers = geojson.Properties{"attribution": atlas.PlacesAttribution(sources, list), "numberReturned": len(list)}
	c.Response().Header().Set("Cache-Control", "no-cache")
	return c.JSON(http.StatusOK, fc)
}

// placeCategories lists the taxonomy with the number of published places and
// the sources per category, and says where no open data exists.
func (h *handlers) placeCategories(c echo.Context) error {
	list, sources, err := h.svc.Places(c.Request().Context(), atlas.PlaceQuery{})
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
