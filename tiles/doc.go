// Package tiles serves the atlas's boundaries as Mapbox Vector Tiles (MVT
// 2.1) made for choropleths.
//
// For every layer (an administrative level) and zoom, the whole level is
// simplified once as a coverage (geo.NewCoverage on Web-Mercator geometry,
// tolerance about half a pixel of a 256-pixel tile), so neighbours share one
// simplified border at every zoom: no gaps or overlaps between regions, and
// no region or island is dropped by the simplifier. A tile is then cut from
// that geometry with a buffer (64 units): the parts of the rings inside are
// joined along the tile edge, so clipped polygons stay valid, without the
// zero-width bridges of Sutherland–Hodgman clipping. The result is
// quantised to the tile extent (4096), oriented as the MVT specification
// requires (exterior rings positive area in tile coordinates, holes
// negative), stripped of rings that rounding collapsed, and the few
// features that rounding made touch or cross themselves are repaired. No
// region disappears at any zoom: a region of which rounding leaves nothing
// is drawn as one tile unit at its anchor (a point of its largest polygon)
// in the tile that holds it.
//
// Features carry the numeric regional key as MVT id and the properties key,
// name and type; a tile for a choropleth query also carries value, class and
// flag, classified by the Source exactly as the atlas's choropleth.
//
// A tile over Options.MaxTileBytes leaves out name and type (then key) and
// says so in Tile.Omitted, which the HTTP layer sends as a header; the
// TileJSON states the rule.
//
// A Server keeps encoded, gzipped tiles in a byte-bounded LRU cache per data
// version, with strong content ETags; a cached tile asked for without gzip is
// inflated once and its identity copy kept beside it, within the same bound.
// The data version follows the poll that started last (a late answer of an
// earlier poll never switches it back). Each zoom of a layer is simplified on
// first use under its own lock, so a request never waits for the warm-up of
// another zoom; Warm renders z0–Options.WarmMaxZoom in the background after
// start and after every data change, on all CPUs but one and only while no
// request renders a tile that is not cached. The simplified geometry of
// each zoom is kept compact (geo.Compact), so a busy server's garbage
// collections do not mark it object by object. Package tiles/pmtiles writes the same
// tiles into a PMTiles v3 archive.
//
// The package depends only on package geo and on orb; the atlas is reached
// through the consumer-side Source interface.
package tiles
