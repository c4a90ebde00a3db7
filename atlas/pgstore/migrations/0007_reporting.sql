-- 0007_reporting: municipal reporting (atlas.ReportStore). Report
-- definitions, every version of every submission (drafts, submissions,
-- corrections) and publications; written only through Store.Write
-- (atlas.Change.Reports), each row with the release that wrote it. info is
-- the Go value as JSON (the source of truth); the other columns are read
-- from it for queries and for QGIS/psql.
CREATE TABLE report_definitions (
    id      text COLLATE "C" PRIMARY KEY,
    release bigint NOT NULL,
    info    jsonb NOT NULL,
    title   text GENERATED ALWAYS AS (info ->> 'title') STORED
);

CREATE TABLE report_submissions (
    id      bigserial PRIMARY KEY,
    report  text COLLATE "C" NOT NULL,
    period  integer NOT NULL,           -- YYYYMM
    key     text COLLATE "C" NOT NULL,
    status  text NOT NULL CHECK (status IN ('draft', 'submitted')),
    release bigint NOT NULL,
    info    jsonb NOT NULL
);
CREATE INDEX report_submissions_period_idx ON report_submissions (report, period, key);

CREATE TABLE report_publications (
    report  text COLLATE "C" NOT NULL,
    period  integer NOT NULL,
    release bigint NOT NULL,
    info    jsonb NOT NULL,
    PRIMARY KEY (report, period, release)
);
