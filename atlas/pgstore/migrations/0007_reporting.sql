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

-- A release that writes only report definitions and submissions
-- (atlas.Change.ReportsOnly) changes nothing the atlas serves: it does not
-- raise the data version, so that a reporter's draft does not drop the
-- caches and tiles of every instance. Store.Write marks such a transaction
-- with the setting standortatlas.reports_only; every other insert, and every
-- change of releases, raises the version as before.
CREATE FUNCTION standortatlas_release_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('standortatlas.reports_only', true) IS DISTINCT FROM 'on' THEN
        UPDATE data_version
           SET version = version + 1, changed_at = now(), changed_by = pg_current_xact_id()
         WHERE changed_by IS DISTINCT FROM pg_current_xact_id();
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER releases_changed ON releases;
CREATE TRIGGER releases_changed AFTER UPDATE OR DELETE OR TRUNCATE ON releases
    FOR EACH STATEMENT EXECUTE FUNCTION standortatlas_bump_data_version();
CREATE TRIGGER releases_inserted AFTER INSERT ON releases
    FOR EACH STATEMENT EXECUTE FUNCTION standortatlas_release_inserted();
