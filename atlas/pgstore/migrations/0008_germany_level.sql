-- 0008_germany_level: Germany's own values (key 'DG', the official
-- Deutschland rows of a source) are kept as observations of the level
-- 'deutschland': a reference for profiles, rankings and legends, never a
-- map level (no regions of this level exist).
INSERT INTO levels (level, rank, title) VALUES ('deutschland', 0, 'Deutschland');
ALTER TABLE observations DROP CONSTRAINT IF EXISTS observations_level_check;
ALTER TABLE observations ADD CONSTRAINT observations_level_check
    CHECK (level IN ('deutschland', 'land', 'kreis', 'vwg', 'gemeinde'));
