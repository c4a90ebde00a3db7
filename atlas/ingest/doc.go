// Package ingest turns official statistics and boundary files into atlas
// regions and observations, and is the one way data gets into a store.
//
// # Layout
//
// The table core, shared by every format:
//
//	decode.go       encodings: UTF-8 / ISO-8859-1 detection, mixed encodings refused with row and column
//	table.go        delimited parse (CSV dialects), workbook sheets (workbook.go: xlsx and .xls/BIFF8)
//	special.go      special values (-, ., x, …, /, (n)) and flat-file quality marks: one rule, never a 0
//	dates.go        every GENESIS date form, and the -period rule (a date in the file beats the flag)
//	keys.go         regional keys and levels (Deutschland, Regierungsbezirke, Bezirke, cities in Kreise)
//	collect.go      values into observations: decimals, duplicates, every bad cell in one ValidationError
//	measure.go      extensive vs intensive, units checked against titles
//	observations.go TableResult, city states, aggregation and derived ratios
//	columns.go      the column reader of hand-written table specs (spec.go)
//	unknown.go      why import auto refuses a file, and what to do instead
//
// One reader per format, behind the Reader interface and the registry
// (registry.go): genesis.go (raw GENESIS / Regionaldatenbank CSV, with
// category key columns), ffcsv.go (GENESIS flat CSV and its zip), inkar.go,
// gv.go (Gemeindeverzeichnis), ks.go (Königsteiner Schlüssel),
// deutschlandatlas.go (the Deutschlandatlas data workbook), canonical.go
// (the data standard itself, DATA-STANDARD.md and datapackage.json).
// Crosswalks (crosswalk.go: BBSR Umsteigeschlüssel; gebietsaenderungen.go:
// Destatis Gebietsänderungen lists), boundaries (boundaries.go) and places
// (places.go) complete the inputs; manifest.go plans a whole data set, and
// intake.go is the single write path: every write — tables, manifests,
// boundaries, places, moderation, the seed — is validated completely, then
// written as one release with its audit entry in one transaction.
//
// # Adding a format
//
// A new format touches one place: a file with a Reader and one line in
// builtinReaders (or Register from an init function).
//
//	type deutschlandatlasReader struct{} // implemented in deutschlandatlas.go
//
//	func (deutschlandatlasReader) Format() string { return "deutschlandatlas" }
//
//	// Detect sees the file name, whether it is a zip (xlsx) or BIFF (.xls)
//	// file, and its first decoded text.
//	func (deutschlandatlasReader) Detect(s Sniff) bool {
//		return s.Zip && strings.Contains(s.Name, "deutschlandatlas")
//	}
//
//	func (deutschlandatlasReader) Read(in Input) (*TableResult, error) {
//		w, err := readWorkbook(in.Name, in.Data) // xlsx or xls
//		// … find the sheet (Deutschlandatlas_KRS1224), the key column and
//		// the indicator columns; for each value call collector.value, which
//		// applies the special values, decimals and duplicate checks; derive
//		// catalogue entries (source, licence, attribution from the
//		// workbook's Impressum sheet) into TableResult.Indicators; put the
//		// dates the workbook states into TableResult.Dates.
//	}
//
// The caller then applies what every format shares: the -period check
// against TableResult.Dates (or the periods of the values), unit and
// measure checks of derived entries, the catalogue merge, crosswalks,
// per-capita derivation, the report of unmatched and missing regions and of
// changed values, and the write as one release. A reader never writes.
//
// A source that is fetched rather than uploaded (e.g. the GENESIS web
// service, whose answers are ffcsv zips) needs no reader of its own: fetch
// the bytes, then call Intake.Import with Format "ffcsv" (or "auto") and
// the options a user would give (ImportRequest.Options, see
// SpecFromOptions); the release, audit entry, idempotent re-import and
// changed-values report come with it.
package ingest
