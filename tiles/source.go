package tiles

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"github.com/paulmach/orb"
)

// Sentinel errors of the package; callers map them to their own errors.
var (
	// ErrInvalidTile is returned for a zoom outside the server's range or a
	// column/row outside the zoom's grid.
	ErrInvalidTile = errors.New("invalid tile coordinates")
	// ErrUnknownLayer is returned by a Source for a layer it does not have.
	ErrUnknownLayer = errors.New("unknown layer")
)

// Source is what the tile server needs from the atlas: the data version,
// the layers with their full-resolution geometry, and classified values of
// choropleth queries. Implementations must be safe for concurrent use.
type Source interface {
	// Version returns the current data version. It is called on every
	// request and must be cheap (a cached value that is refreshed at most
	// every second or so is fine).
	Version(ctx context.Context) (int64, error)
	// KnownVersion returns the current data version when the Source has it
	// without waiting (no store read); false when only Version can tell.
	// A cached tile is answered on it (Server.Cached).
	KnownVersion() (int64, bool)
	// Layers lists the names of the layers that have data, in the order in
	// which they should be warmed.
	Layers(ctx context.Context) ([]string, error)
	// Layer returns the full-resolution features of a layer, or a layer
	// whose pyramid is read from a store (LoadPrebuilt) (an error
	// wrapping ErrUnknownLayer, or the Source's own not-found error, when
	// there is none). It is called for every tile rendered and must return
	// the same *LayerData for as long as the data version stays the same:
	// the server builds the layer's zoom pyramid once per LayerData, so the
	// Source's rule of keeping derived data per version is the tiles' too.
	Layer(ctx context.Context, name string) (*LayerData, error)
	// Values returns the classified values of a choropleth query on a layer.
	// It is called for every tile with values rendered, so a Source keeps
	// them per data version. Errors for bad queries (unknown indicator, year
	// without data) should be the Source's own error types; the server
	// passes them through.
	Values(ctx context.Context, layer string, q ValueQuery) (*ValueSet, error)
}

// LayerData is the full-resolution content of one layer at one data version.
type LayerData struct {
	Name    string // layer name, e.g. "kreis"
	Title   string // human-readable name, e.g. "Kreise"
	Version int64  // data version the features belong to
	// Attribution is the source note that every map of the layer must show,
	// e.g. "© GeoBasis-DE / BKG (2025), dl-de/by-2-0 (Daten verändert)".
	Attribution string
	// Description says what the boundaries are (set name, Gebietsstand).
	Description string
	Features    []Feature

	// stored, set by LoadPrebuilt, reads the pyramid simplified before;
	// Features then carry no geometry.
	stored *prebuilt

	mu       sync.Mutex
	pyramids map[pyramidOptions]*pyramid // built from Features on first use
}

type pyramidOptions struct {
	maxZoom   int
	tolerance float64
}

// pyramid returns the zoom pyramid of the layer for the server options,
// building it on first use. A layer read with LoadPrebuilt serves only the
// options its pyramid was simplified for.
func (d *LayerData) pyramid(maxZoom int, tolerance float64) (*pyramid, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	k := pyramidOptions{maxZoom, tolerance}
	p := d.pyramids[k]
	if p == nil {
		if d.stored != nil {
			if tolerance != d.stored.tolerance || maxZoom > d.stored.maxZoom {
				return nil, fmt.Errorf("layer %s: stored pyramid of tolerance %g up to zoom %d cannot serve tolerance %g up to zoom %d",
					d.Name, d.stored.tolerance, d.stored.maxZoom, tolerance, maxZoom)
			}
			p = d.stored.pyramid(d, maxZoom)
		} else {
			p = newPyramid(d, maxZoom, tolerance)
		}
		if d.pyramids == nil {
			d.pyramids = map[pyramidOptions]*pyramid{}
		}
		d.pyramids[k] = p
	}
	return p, nil
}

// Feature is one region.
type Feature struct {
	ID   uint64 // numeric form of Key, the MVT feature id
	Key  string // regional key as text, with leading zeros ("09162000")
	Name string
	Type string
	// Geom is in WGS84 (lon/lat) with outer rings counter-clockwise and
	// holes clockwise. Features of a layer must form a coverage: shared
	// borders use exactly the same vertices.
	Geom orb.MultiPolygon
}

// NewFeature returns the feature of a region: its ID is the key as a
// number (KeyID; 0 for keys that are not numbers).
func NewFeature(key, name, typ string, geom orb.MultiPolygon) Feature {
	id, _ := KeyID(key)
	return Feature{ID: id, Key: key, Name: name, Type: typ, Geom: geom}
}

// KeyID returns the numeric feature id for a regional key of decimal digits
// ("09162000" → 9162000); ok is false for keys that are not numbers.
func KeyID(key string) (id uint64, ok bool) {
	v, err := strconv.ParseUint(key, 10, 64)
	return v, err == nil
}

// ValueQuery selects the values a tile carries besides geometry and keys.
// The zero value means none.
type ValueQuery struct {
	// Key identifies the query completely (the Source's canonical form of
	// it): tiles and value sets are cached by it.
	Key string
	// Params is the Source's own description of the query, passed back to
	// Source.Values; the server does not look into it.
	Params any
}

// IsZero reports whether q asks for no values.
func (q ValueQuery) IsZero() bool { return q.Key == "" }

// ValueSet holds the classified values of a choropleth query by regional key.
type ValueSet struct {
	Version int64
	ByKey   map[string]Value
}

// Value is one region's entry of a choropleth: the value (when HasValue),
// its class (-1 when unclassed) and a flag ("" when none; e.g. "missing",
// "suppressed").
type Value struct {
	Value    float64
	HasValue bool
	Class    int
	Flag     string
}
