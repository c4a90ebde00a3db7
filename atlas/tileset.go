package atlas

import "context"

// TileSet renders the vector tiles of the levels and of the places. The
// package atlas/maptiles implements it over the tile renderer (package
// tiles) and cmd wires it into the HTTP layer, which so neither draws
// geometry nor encodes tiles.
type TileSet interface {
	// Tile returns tile z/x/y of a level; with q, its features carry the
	// classified values of that map (MapView). Coordinates outside the
	// served zooms are a *ParamError, an unknown level ErrNotFound.
	Tile(ctx context.Context, level Level, z int, x, y uint32, q *MapQuery) (*Tile, error)
	// TileJSON returns the TileJSON 3.0.0 document of a level (with q: of
	// its map), encoded; tileURL gives the URL template of the tiles of a
	// data version.
	TileJSON(ctx context.Context, level Level, q *MapQuery, tileURL func(version int64) string) (doc []byte, version int64, err error)
	// PlacesTile returns the published places of the categories (all when
	// empty) in tile z/x/y as the MVT layer "places"; nil when none.
	PlacesTile(ctx context.Context, z int, x, y uint32, categories []string) (*Encoded, error)
}

// Tile is an encoded vector tile of a level.
type Tile struct {
	Version int64  // data version of the content
	ETag    string // strong, quoted
	// Gzip is the gzipped MVT; nil when no feature reaches the tile.
	Gzip []byte
	// MVT returns the uncompressed tile (for clients without gzip).
	MVT func() ([]byte, error)
}

// Empty reports whether no feature reaches the tile.
func (t *Tile) Empty() bool { return t.Gzip == nil }
