// Package ingest turns official statistics and boundary files into atlas
// regions and observations: a declarative table importer for delimited text
// and xlsx files (wide or long, any header layout, GENESIS special values as
// flags), aggregation of counts to coarser levels, boundary import with
// key, level and Geofaktor handling, and manifests that describe a whole
// data set (the seeds are one).
//
// Every import is validated completely before anything is written; a bad
// cell is reported with file, row and column, and nothing is stored.
package ingest
