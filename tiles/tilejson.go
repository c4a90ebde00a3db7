package tiles

import (
	"context"
	"fmt"
	"html"
	"math"
)

// TileJSON is a TileJSON 3.0.0 document describing one layer's tiles.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Version      string        `json:"version"`
	Attribution  string        `json:"attribution,omitempty"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
	// DataVersion is the atlas data version the tiles belong to; tile URLs
	// carry it as ?v= so that they can be cached for good.
	DataVersion int64 `json:"data_version"`
	// Omitted says which properties tiles over the size limit leave out
	// and how such a tile says so.
	Omitted string `json:"omitted_properties"`
}

// VectorLayer describes a layer of the tiles and its feature properties.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description,omitempty"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

// Fields describes the feature properties of the tiles; with values adds
// those of choropleth tiles.
func Fields(withValues bool) map[string]string {
	f := map[string]string{
		"key":  "String: regional key (AGS, ARS for Verwaltungsgemeinschaften) with leading zeros; the feature id is the same key as a number",
		"name": "String: name of the region",
		"type": "String: kind of region (BEZ), e.g. Landkreis, Kreisfreie Stadt, Gemeinde",
	}
	if withValues {
		f["value"] = "Number: the indicator's value (absent when there is none)"
		f["class"] = "Number: class of the value in the choropleth legend, from 0 (absent when unclassed)"
		f["flag"] = "String: data-quality flag, \"missing\" when the region has no value"
	}
	return f
}

// TileJSON describes the tiles of a layer. tileURL returns the absolute URL
// template of the tiles for a data version (with {z}, {x} and {y}). A
// non-zero q is checked with the source, so a bad query fails here.
func (s *Server) TileJSON(ctx context.Context, layer string, q ValueQuery, tileURL func(version int64) string) (*TileJSON, error) {
	if _, err := s.Version(ctx); err != nil { // drops the tiles of older versions
		return nil, err
	}
	p, err := s.pyramid(ctx, layer)
	if err != nil {
		return nil, err
	}
	if !q.IsZero() {
		if _, err := s.src.Values(ctx, layer, q); err != nil {
			return nil, err
		}
	}
	d := p.data
	b := p.bound
	floor4 := func(x float64) float64 { return math.Floor(x*1e4) / 1e4 }
	ceil4 := func(x float64) float64 { return math.Ceil(x*1e4) / 1e4 }
	tj := &TileJSON{
		TileJSON:    "3.0.0",
		Name:        d.Title,
		Description: d.Description,
		Version:     fmt.Sprintf("1.%d.0", d.Version),
		Attribution: html.EscapeString(d.Attribution),
		Scheme:      "xyz",
		Tiles:       []string{tileURL(d.Version)},
		MinZoom:     s.opt.MinZoom,
		MaxZoom:     s.opt.MaxZoom,
		Bounds:      [4]float64{floor4(b.Min[0]), floor4(b.Min[1]), ceil4(b.Max[0]), ceil4(b.Max[1])},
		VectorLayers: []VectorLayer{{
			ID: d.Name, Description: d.Title, MinZoom: s.opt.MinZoom, MaxZoom: s.opt.MaxZoom, Fields: Fields(!q.IsZero()),
		}},
		DataVersion: d.Version,
		Omitted:     fmt.Sprintf("A tile whose uncompressed MVT would exceed %d bytes (the Gemeinden at the lowest zooms) leaves out name and type, then key (the feature id is the key as a number); geometry, id and values stay.", s.opt.MaxTileBytes),
	}
	if h := s.opt.OmittedHeader; h != "" {
		tj.Omitted += " Such a tile names what it left out in the response header " + h + "."
	}
	if tj.Name == "" {
		tj.Name = d.Name
	}
	c := b.Center()
	zoom := s.opt.MinZoom
	if w := b.Max[0] - b.Min[0]; w > 0 {
		zoom = int(math.Floor(math.Log2(360/w))) + 1
	}
	zoom = max(s.opt.MinZoom, min(zoom, s.opt.MaxZoom))
	tj.Center = [3]float64{math.Round(c[0]*1e4) / 1e4, math.Round(c[1]*1e4) / 1e4, float64(zoom)}
	return tj, nil
}
