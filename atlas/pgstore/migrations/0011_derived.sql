-- 0011_derived: data derived from the regions of a level
-- (atlas.BoundaryChange.Derived: the vector tiles' zoom pyramid), written
-- by Store.Write after the regions, in the same transaction. The triggers
-- drop a level's rows whenever its regions change in any other way (an
-- instance of an earlier build, a hand edit), so that what the table holds
-- always belongs to the regions stored, whichever instance reads it.
CREATE TABLE derived (
    level text NOT NULL,
    name  text NOT NULL,
    data  bytea NOT NULL,
    PRIMARY KEY (level, name)
);

CREATE FUNCTION derived_drop_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM derived WHERE level IN (SELECT DISTINCT level FROM changed_new);
    RETURN NULL;
END $$;

CREATE FUNCTION derived_drop_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM derived WHERE level IN (SELECT DISTINCT level FROM changed_old);
    RETURN NULL;
END $$;

CREATE FUNCTION derived_drop_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM derived;
    RETURN NULL;
END $$;

CREATE TRIGGER derived_regions_insert AFTER INSERT ON regions
    REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION derived_drop_new();
CREATE TRIGGER derived_regions_update_new AFTER UPDATE ON regions
    REFERENCING NEW TABLE AS changed_new FOR EACH STATEMENT EXECUTE FUNCTION derived_drop_new();
CREATE TRIGGER derived_regions_update_old AFTER UPDATE ON regions
    REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION derived_drop_old();
CREATE TRIGGER derived_regions_delete AFTER DELETE ON regions
    REFERENCING OLD TABLE AS changed_old FOR EACH STATEMENT EXECUTE FUNCTION derived_drop_old();
CREATE TRIGGER derived_regions_truncate AFTER TRUNCATE ON regions
    FOR EACH STATEMENT EXECUTE FUNCTION derived_drop_all();
