-- Data derived from the regions of a level (atlas.BoundaryChange.Derived:
-- the vector tiles' zoom pyramid), schema version 7. Written by Store.Write
-- after the regions, in the same transaction. The triggers drop a level's
-- rows whenever its regions change by any other way, so that what the
-- table holds always belongs to the regions stored.
CREATE TABLE IF NOT EXISTS derived (
    level TEXT NOT NULL,
    name  TEXT NOT NULL,
    data  BLOB NOT NULL,
    PRIMARY KEY (level, name)
);
CREATE TRIGGER IF NOT EXISTS derived_regions_insert AFTER INSERT ON regions
BEGIN DELETE FROM derived WHERE level = NEW.level; END;
CREATE TRIGGER IF NOT EXISTS derived_regions_update AFTER UPDATE ON regions
BEGIN DELETE FROM derived WHERE level IN (OLD.level, NEW.level); END;
CREATE TRIGGER IF NOT EXISTS derived_regions_delete AFTER DELETE ON regions
BEGIN DELETE FROM derived WHERE level = OLD.level; END;
