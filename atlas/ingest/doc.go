// Package ingest turns official statistics and boundary files into atlas
// regions and observations: a declarative table importer for delimited text
// and xlsx files (wide or long, any header layout, GENESIS special values as
// flags), format-aware importers that need no spec (raw GENESIS /
// Regionaldatenbank CSV, GENESIS flat CSV and its zip, INKAR exports, the
// Gemeindeverzeichnis, the Königsteiner Schlüssel and the Standortatlas
// data standard itself, see DATA-STANDARD.md and datapackage.json),
// crosswalks of old Kreis keys (BBSR Umsteigeschlüssel), aggregation of
// counts to coarser levels, boundary import with key, level and Geofaktor
// handling, and manifests that describe a whole data set (the seeds are one).
//
// Every import is validated completely before anything is written; a bad
// cell is reported with file, row and column, and nothing is stored. Intake
// is the one path of single-file imports for the CLI and the ingest API:
// scope check, idempotent re-imports, one release per file, audit log.
package ingest
