// Package crs converts coordinates of the coordinate reference systems used
// for German boundary data into WGS84 longitude/latitude (EPSG:4326).
//
// The conversions are implemented in this package (no PROJ, no cgo):
//
//   - transverse Mercator (UTM, Gauss-Krüger) with the 6th-order Krüger
//     series, which PROJ also uses by default ("exact" tmerc); it agrees with
//     PROJ to well below a millimetre across Germany, even 9° away from the
//     central meridian;
//   - Lambert azimuthal equal-area on the GRS80 ellipsoid (EPSG:3035);
//   - spherical Web Mercator (EPSG:3857);
//   - DHDN (Bessel 1841) to ETRS89/WGS84 with the 7-parameter Helmert
//     transformation EPSG:1776 "DHDN to WGS 84 (2)" (598.1, 73.7, 418.2 m,
//     0.202, 0.045, -2.455 arc seconds, 6.7 ppm, position-vector convention).
//     These are the parameters PROJ uses when the BETA2007 grid is not
//     installed, and the ones github.com/wroge/wgs84 uses. Compared with
//     PROJ's best operation (the BETA2007 NTv2 grid, EPSG:15948) the error
//     is a few metres at most across Germany (see crs_test.go and
//     testdata/proj_reference.csv), which is far below the generalisation of
//     the boundary data this project draws.
//
// ETRS89 and WGS84 are treated as identical (they differ by well under a
// metre in Germany); PROJ does the same with its "ballpark" operation.
package crs
