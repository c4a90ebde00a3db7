// Package boundaryfile reads the files in which BKG (Bundesamt für
// Kartographie und Geodäsie) and others ship administrative boundaries. It
// returns their polygons in WGS84 longitude/latitude (EPSG:4326), converted
// with package geo/crs.
//
// Read chooses the format by file extension (case-insensitive):
//
//   - .shp: an ESRI shapefile. Its sibling .dbf is required. Its .prj is
//     required unless Options.SRIDOverride is set. Its .cpg is optional.
//     The .shx index is not needed and not read, because the .shp is read
//     in order. Polygon, PolygonZ and PolygonM shapes are read, and Z and
//     M are dropped. A null shape gives a Feature with the record's
//     attributes and an empty (nil) Geom, so no record is lost. A dBASE
//     record marked deleted ('*') is skipped together with its shape.
//   - .gpkg: a GeoPackage. Every table that gpkg_contents lists with
//     data_type 'features' becomes one Layer. Its geometry column comes from
//     gpkg_geometry_columns and its CRS from gpkg_spatial_ref_sys
//     (organization EPSG, otherwise the WKT definition). The integer
//     primary key (the feature id) is not an attribute.
//   - .geojson and .json: a GeoJSON FeatureCollection, or a single Feature,
//     in WGS84. A crs member other than CRS84/EPSG:4326 is an error unless
//     Options.SRIDOverride is set.
//   - .zip: an archive that holds any of the above. It is searched
//     recursively, nested zips included. Each shapefile, GeoPackage table
//     and GeoJSON file becomes one Layer, in lexical path order. Inside a
//     zip, .json files that are not GeoJSON (metadata) are ignored, and so
//     is __MACOSX/.
//
// # Geometry
//
// Geometries are orb.MultiPolygon values that follow RFC 7946: rings are
// closed, outer rings are counter-clockwise and holes are clockwise, as
// orb's Ring.Orientation reports. Shapefile rings are grouped the ESRI way.
// Clockwise rings are outer rings. Counter-clockwise rings are holes that
// belong to the smallest outer ring containing them (bounding box first,
// then a point-in-ring test). A hole that no outer ring contains becomes an
// outer ring of its own, as in GDAL. Rings with zero area are dropped. An
// unclosed ring is closed. A ring with fewer than 4 points once closed, a
// coordinate that is not finite, or a coordinate that the CRS cannot convert
// is an error.
//
// # Attributes
//
// Attributes are returned as trimmed text, and every field of a layer is
// present in every Feature's Props:
//
//   - dBASE C, N and F values are returned as written, so the leading
//     zeros of keys such as AGS are kept. D values become YYYY-MM-DD, and L
//     values become "true", "false", or "" when unknown. A blank value is "".
//   - The dBASE text encoding comes from Options.Encoding, else the .cpg
//     file (UTF-8, 1252, ISO-8859-1/88591, ...), else the language driver
//     byte. Failing all three, the text is read as UTF-8 when the records
//     are valid UTF-8, and as windows-1252 otherwise.
//   - GeoJSON numbers keep their digits, without an exponent.
//   - GeoPackage values are rendered from their SQLite type, and NULL is "".
//
// # Errors and limits
//
// Errors name the file, and the record, ring and field where they apply,
// for example "kreise.shp: record 17: ring 2 with 2 points", or
// "bkg.zip: vg250/VG250_KRS.dbf: ..." inside a zip. A malformed or truncated
// file gives an error, never a panic; truncation wraps io.ErrUnexpectedEOF.
// Counts in headers are checked against the file size before anything is
// allocated. A zip entry larger than 1 GiB uncompressed is refused with
// ErrTooLarge. So is an entry above 1 MiB with a compression ratio over
// 200:1, and a zip nested more than 4 deep.
package boundaryfile
