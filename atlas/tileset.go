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
	Tile(ctx context.Context, level Level, z int, x, y uint32, q *MapQuery) (Tile, error)
	// CachedTile returns tile z/x/y as Tile does when it is ready for the
	// data version known without reading the store, without rendering it
	// or waiting for anything (false when it is not, or when only Tile can
	// tell): the HTTP layer answers it without the deadline it puts on
	// the work that waits.
	CachedTile(level Level, z int, x, y uint32, q *MapQuery) (Tile, bool, error)
	// TileJSON returns the TileJSON 3.0.0 document of a level (with q: of
	// its map), encoded; tileURL gives the URL template of the tiles of a
	// data version.
	TileJSON(ctx context.Context, level Level, q *MapQuery, tileURL func(version int64) string) (doc []byte, version int64, err error)
	// PlacesTile returns the published places of the categories (all when
	// empty) in tile z/x/y as the MVT layer "places"; nil when none.
	PlacesTile(ctx context.Context, z int, x, y uint32, categories []string) (*Encoded, error)
}

// TileOmittedHeader is the response header of a tile that names the
// properties it left out to stay within the size limit (Tile.Omitted).
const TileOmittedHeader = "X-Tile-Omitted"

// Tile is an encoded vector tile of a level. It is returned by value and
// refers to the renderer's cached bytes, so serving a cached tile allocates
// nothing.
type Tile struct {
	Version int64  // data version of the content
	ETag    string // strong, quoted
	// Gzip is the gzipped MVT; nil when no feature reaches the tile.
	Gzip []byte
	// Omitted names the properties left out to keep the tile within the
	// size limit ("" when none; e.g. "name,type").
	Omitted string
	// Identity gives the uncompressed tile (for clients without gzip),
	// kept beside the gzipped one once asked for; not to be modified.
	Identity interface{ MVT() ([]byte, error) }
	// Header holds ETag, Version and the body lengths as header values,
	// shared by every answer of the tile (nil: made per answer).
	Header TileHeader
}

// TileHeader are a tile's header values, each a one-element slice as an
// http.Header holds it; shared, not to be modified.
type TileHeader struct {
	ETag, Version, GzipLength, IdentityLength []string
}

// Empty reports whether no feature reaches the tile.
func (t *Tile) Empty() bool { return t.Gzip == nil }
