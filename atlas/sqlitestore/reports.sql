-- Municipal reporting (atlas.ReportStore), schema version 5: report
-- definitions, every version of every submission, publications. Written
-- only through Store.Write (atlas.Change.Reports), each row with its release.
CREATE TABLE IF NOT EXISTS report_definitions (
    id      TEXT PRIMARY KEY,
    release INTEGER NOT NULL,
    info    TEXT NOT NULL                  -- JSON atlas.ReportDefinition
);
CREATE TABLE IF NOT EXISTS report_submissions (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    report  TEXT NOT NULL,
    period  INTEGER NOT NULL,              -- YYYYMM
    key     TEXT NOT NULL,
    status  TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    release INTEGER NOT NULL,
    info    TEXT NOT NULL                  -- JSON atlas.ReportSubmission
);
CREATE INDEX IF NOT EXISTS report_submissions_period ON report_submissions(report, period, key);
CREATE TABLE IF NOT EXISTS report_publications (
    report  TEXT NOT NULL,
    period  INTEGER NOT NULL,
    release INTEGER NOT NULL,
    info    TEXT NOT NULL,                 -- JSON atlas.ReportPublication
    PRIMARY KEY (report, period, release)
);
