-- 0005_release_parts: a release may write boundaries and places besides
-- observations and catalogue entries (atlas.Change). parts lists them
-- (atlas.Release.Parts); neither is versioned, so atlas.PlanRollback
-- refuses to undo such a release.
ALTER TABLE releases ADD COLUMN parts text[] NOT NULL DEFAULT '{}';
