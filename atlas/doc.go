// Package atlas is the domain of the Standortatlas: regional levels and keys,
// indicators and their observations, classification of values into map
// classes, and the Store interface that the embedded store and PostGIS
// implement.
//
// Vocabulary (German official identifiers are kept):
//
//   - Land: one of the 16 federal states, key of 2 digits ("09" Bayern).
//   - Kreis: Landkreis or kreisfreie Stadt, key of 5 digits LLRKK ("09162").
//   - VWG: Verwaltungsgemeinschaft / Gemeindeverband, 9-digit ARS prefix.
//   - Gemeinde: municipality (and gemeindefreies Gebiet), AGS of 8 digits
//     LLRKKGGG ("09162000"). The 12-digit ARS is kept as an attribute.
//
// Keys are text: leading zeros matter and the hierarchy is the key prefix
// (Gemeinde 09162000 lies in Kreis 09162 and Land 09).
//
// Gebietsstand: every boundary set and every source records the territorial
// status date it refers to. Values whose key is not a region of the boundary
// set are reported by the importer, never silently dropped or joined to a
// wrong region.
package atlas
