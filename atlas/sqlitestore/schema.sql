-- Schema of the embedded store (SQLite). Geometries are WKB in EPSG:4326.
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS boundary_sets (
    level        TEXT PRIMARY KEY,      -- land, kreis, vwg, gemeinde
    info         TEXT NOT NULL          -- JSON atlas.BoundarySet
);
CREATE TABLE IF NOT EXISTS regions (
    level        TEXT NOT NULL,
    key          TEXT NOT NULL,         -- AGS / ARS prefix, text with leading zeros
    ars          TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    type         TEXT NOT NULL DEFAULT '',
    gemeindefrei INTEGER NOT NULL DEFAULT 0,
    geom         BLOB NOT NULL,         -- WKB MultiPolygon, EPSG:4326
    PRIMARY KEY (level, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS indicators (
    id   TEXT PRIMARY KEY,
    info TEXT NOT NULL                  -- JSON atlas.Indicator (catalogue fields)
);
CREATE TABLE IF NOT EXISTS releases (
    id         INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    info       TEXT NOT NULL            -- JSON atlas.Release
);
CREATE TABLE IF NOT EXISTS observations (
    indicator TEXT    NOT NULL REFERENCES indicators(id),
    level     TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    period    INTEGER NOT NULL,
    value     REAL,                     -- NULL when the flag carries no value
    flag      TEXT    NOT NULL DEFAULT '',
    release   INTEGER NOT NULL REFERENCES releases(id),
    PRIMARY KEY (indicator, level, period, key)
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '1'), ('data_version', '0');
