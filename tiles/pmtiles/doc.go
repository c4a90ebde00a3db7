// Package pmtiles writes vector tiles into a PMTiles version 3 archive
// (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md): a
// 127-byte header, a gzipped root directory within the first 16 KiB, gzipped
// JSON metadata, leaf directories when the root would be larger, and the
// tile data in tile-ID (Hilbert) order, with identical tiles stored once and
// runs of identical consecutive tiles as one directory entry.
//
// It is written from the specification rather than with
// github.com/protomaps/go-pmtiles, whose package also pulls in the cloud
// storage SDKs; the tests read the archives with go-pmtiles.
package pmtiles
