-- 0009_report_data_version: a release that writes only report definitions
-- and submissions (atlas.Change.ReportsOnly) changes nothing the atlas
-- serves: it does not raise the data version, so that a reporter's draft
-- does not drop the caches and tiles of every instance. Store.Write marks
-- such a transaction with the setting standortatlas.reports_only; every
-- other insert, and every change of releases, raises the version as before.
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
