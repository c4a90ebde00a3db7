// Package boundaryfile reads the boundary files in which BKG (Bundesamt für
// Kartographie und Geodäsie) and others ship administrative areas, and
// returns their polygons in WGS84 longitude/latitude (EPSG:4326).
//
// Supported inputs, chosen by file extension (case-insensitive):
//
//   - .shp: an ESRI shapefile with its sibling .dbf (required), .prj
//     (required unless Options.SRIDOverride is set) and .cpg (optional).
//     The .shx index is not needed and not read: the .shp is read
//     sequentially. Polygon, PolygonZ and PolygonM shapes are read (Z and M
//     are dropped). A null shape yields a Feature with an empty Geom and
//     the record's attributes; dBASE records marked deleted are skipped
//     together with their shapes.
//   - .gpkg: a GeoPackage; every table listed in gpkg_contents with
//     data_type 'features' becomes one Layer.
//   - .geojson and .json: a GeoJSON FeatureCollection (or a single Feature)
//     in WGS84.
//   - .zip: an archive holding any of the above, searched recursively
//     (nested zips too), one Layer per shapefile, GeoPackage table or
//     GeoJSON file, in lexical path order. Inside a zip, .json files that
//     are not GeoJSON are ignored.
//
// Geometries are returned as orb.MultiPolygon following RFC 7946: rings are
// closed, outer rings counter-clockwise and holes clockwise (orb's
// Ring.Orientation). Shapefile rings are grouped the ESRI way: clockwise
// rings are outer rings, counter-clockwise rings are holes and belong to the
// smallest outer ring containing them; a hole that no outer ring contains
// becomes an outer ring of its own (as GDAL does).
//
// Attributes are returned as trimmed text: dBASE C, N and F values as
// written (leading zeros of keys such as AGS are kept), D as YYYY-MM-DD, L as
// "true"/"false" (or "" when unknown). Every field of the layer is present in
// every Feature's Props, empty when the value is blank or null.
//
// Errors name the file and, where it applies, the record and field, for
// example "kreise.shp: record 17: ring 2 with 2 points". Malformed or
// truncated input yields an error, never a panic. Zip entries larger than
// 1 GiB or, above 1 MiB, compressed more than 200:1 are refused (ErrTooLarge).
package boundaryfile
