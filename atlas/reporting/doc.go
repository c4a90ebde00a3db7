// Package reporting is the workflow of municipal reporting ("aktuelle
// Lage"): a coordinator (a Land, or the federal level) defines a monthly
// report (atlas.ReportDefinition: fields with unit and definition, rules
// such as occupied ≤ capacity, the regions that must report, the due day);
// the regions' reporters save drafts, submit and correct their figures (in
// the web form, through the API, or as a CSV/xlsx upload of the same
// shape); the coordinator sees who reported, who is late, a reminder list,
// every correction, and publishes a period, which turns its figures into
// ordinary indicators with period = month (regions that did not report
// carry atlas.FlagNotReported, "keine Meldung", never 0).
//
// Every write (definition, draft, submission, upload, publication) is one
// release with its audit entry, through the one write path (Service.Commit
// is ingest.Intake.Commit). The checks of figures live once, in
// atlas.ReportDefinition.Check; who may do what lives once, here
// (Authorize*).
package reporting
