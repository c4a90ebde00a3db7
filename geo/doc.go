// Package geo is Standortatlas' in-memory boundary geometry.
//
// It works on github.com/paulmach/orb geometries (rings closed, outer rings
// counter-clockwise, holes clockwise as in RFC 7946) and provides:
//
//   - Coverage: a TopoJSON-like arc topology of polygons that tile a region.
//     Every border shared by two regions is stored once as an arc, so
//     simplifying the arc once keeps neighbouring regions gap- and
//     overlap-free (no slivers), and small regions are never dropped.
//   - Validate and Repair: OGC simple-features validity checks and an
//     even-odd ("linework") repair of self-intersecting rings.
//   - Index: an R-tree over polygon bounds with point-in-polygon lookup.
//   - CoverageDefects: measurement of gaps and overlaps, used by tests and
//     benchmarks to prove that a simplified coverage is still a tiling.
//
// The package knows nothing about HTTP, SQL, file formats or German keys
// (AGS/ARS); callers pass plain geometries and get plain geometries back,
// in the same order. Nothing in it keeps global state; a Coverage and an
// Index are immutable after construction and safe for concurrent use.
package geo
