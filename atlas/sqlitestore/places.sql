-- Places (organisations and offers) on the map; only published ones are served.
CREATE TABLE IF NOT EXISTS place_sources (
    id   TEXT PRIMARY KEY,
    info TEXT NOT NULL                 -- JSON atlas.PlaceSource (coverage, licence, attribution)
);
CREATE TABLE IF NOT EXISTS places (
    id       TEXT PRIMARY KEY,
    source   TEXT NOT NULL,
    category TEXT NOT NULL,
    status   TEXT NOT NULL,            -- published | pending
    lon      REAL NOT NULL,            -- WGS84
    lat      REAL NOT NULL,
    info     TEXT NOT NULL             -- JSON atlas.Place
);
CREATE INDEX IF NOT EXISTS places_status_lonlat ON places(status, lon, lat);
CREATE INDEX IF NOT EXISTS places_source ON places(source);
