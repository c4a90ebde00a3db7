-- 0001_init: the Standortatlas schema on PostGIS.
--
-- Every table can be opened in QGIS (Layer > Add Layer > PostgreSQL): regions
-- carries the boundaries in EPSG:4326 (what the atlas serves) and EPSG:25832
-- (ETRS89 / UTM 32N, for area and distance work); observations holds one
-- value per indicator, region and period ("long" format, so a new indicator
-- is a row, not a column); the views of 0002 join both.
--
-- Keys are text with leading zeros (AGS/ARS) and, like every identifier the
-- atlas sorts by, use the "C" collation so that the order is the same on every
-- server locale (and the same as the embedded store's).

CREATE EXTENSION IF NOT EXISTS postgis;

-- The regional levels, coarse to fine.
CREATE TABLE levels (
    level text COLLATE "C" PRIMARY KEY,
    rank  smallint NOT NULL UNIQUE,
    title text NOT NULL
);
INSERT INTO levels (level, rank, title) VALUES
    ('land', 1, 'Land'),
    ('kreis', 2, 'Kreis'),
    ('vwg', 3, 'Verwaltungsgemeinschaft'),
    ('gemeinde', 4, 'Gemeinde');

-- Small named settings, e.g. seed_version (the seed data the store was filled from).
CREATE TABLE meta (
    key   text COLLATE "C" PRIMARY KEY,
    value text NOT NULL
);

-- The data version: one row. It goes up by one in every transaction that
-- writes boundaries, the catalogue or observations (the triggers below, so
-- that edits made in QGIS or psql count too). Every atlas instance reads it
-- at most once a second and drops its caches when it changed; a NOTIFY on
-- channel standortatlas_data_version tells listening instances at once.
CREATE TABLE data_version (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version    bigint NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by xid8                     -- the transaction that last raised it
);
INSERT INTO data_version DEFAULT VALUES;

-- Where the regions of each level come from (BKG product, file, Gebietsstand,
-- licence, import notes). info is the atlas.BoundarySet as JSON; the other
-- columns are read from it for display.
CREATE TABLE boundary_sets (
    level        text COLLATE "C" PRIMARY KEY REFERENCES levels,
    info         jsonb NOT NULL,
    name         text GENERATED ALWAYS AS (info ->> 'name') STORED,
    gebietsstand text GENERATED ALWAYS AS (info ->> 'gebietsstand') STORED,
    source       text GENERATED ALWAYS AS (info ->> 'source') STORED,
    attribution  text GENERATED ALWAYS AS (info ->> 'attribution') STORED
);

-- One row per Land, Kreis, Verwaltungsgemeinschaft and Gemeinde.
CREATE TABLE regions (
    level        text COLLATE "C" NOT NULL REFERENCES levels,
    key          text COLLATE "C" NOT NULL,  -- AGS (2/5/8 digits) or ARS prefix (VWG, 9 digits)
    ars          text NOT NULL DEFAULT '',   -- 12-digit ARS where the source has it
    name         text NOT NULL,              -- GEN
    type         text NOT NULL DEFAULT '',   -- BEZ: Landkreis, Kreisfreie Stadt, Gemeinde, ...
    gemeindefrei boolean NOT NULL DEFAULT false,
    -- WGS84 lon/lat, valid (repaired with ST_MakeValid on import where needed),
    -- outer rings counter-clockwise.
    geom         geometry(MultiPolygon, 4326) NOT NULL,
    -- The same in ETRS89 / UTM zone 32N, metres, for planners' area and distance work.
    geom_25832   geometry(MultiPolygon, 25832) GENERATED ALWAYS AS (ST_Transform(geom, 25832)) STORED,
    -- Area on the GRS80 ellipsoid in km² (not distorted by the projection).
    area_km2     double precision GENERATED ALWAYS AS (ST_Area(geom::geography) / 1e6) STORED,
    PRIMARY KEY (level, key)
);
CREATE INDEX regions_geom_idx ON regions USING gist (geom);
CREATE INDEX regions_geom_25832_idx ON regions USING gist (geom_25832);

-- The indicator catalogue. entry is the atlas.Indicator as JSON (without the
-- levels and years, which are computed from the observations); the other
-- columns are read from it for display.
CREATE TABLE indicators (
    id          text COLLATE "C" PRIMARY KEY,
    entry       jsonb NOT NULL,
    title       text GENERATED ALWAYS AS (entry ->> 'title') STORED,
    unit        text GENERATED ALWAYS AS (entry ->> 'unit') STORED,
    topic       text GENERATED ALWAYS AS (entry ->> 'topic') STORED,
    direction   text GENERATED ALWAYS AS (entry ->> 'direction') STORED,
    source      text GENERATED ALWAYS AS (entry ->> 'source') STORED,
    licence     text GENERATED ALWAYS AS (entry ->> 'licence') STORED,
    attribution text GENERATED ALWAYS AS (entry ->> 'attribution') STORED
);

-- One row per import of a table: numbered 1, 2, 3, ... without gaps,
-- all or nothing.
CREATE TABLE releases (
    id         bigint PRIMARY KEY,
    created_at timestamptz NOT NULL,
    source     text NOT NULL DEFAULT '',   -- table spec id
    file       text NOT NULL DEFAULT '',
    sha256     text NOT NULL DEFAULT '',   -- of the imported file
    spec       text NOT NULL DEFAULT '',   -- SHA-256 of the import spec (format and options)
    row_count  integer NOT NULL,           -- observations written
    report     text[] NOT NULL DEFAULT '{}'
);

-- The values: one per indicator, level, region key and period. A later
-- release replaces the value of the same indicator, key and period. (The
-- level is checked by a CHECK constraint rather than a foreign key: a
-- foreign key costs a lookup per row, and tables have 10^5 rows.)
CREATE TABLE observations (
    indicator text COLLATE "C" NOT NULL REFERENCES indicators (id),
    level     text COLLATE "C" NOT NULL CHECK (level IN ('land', 'kreis', 'vwg', 'gemeinde')),
    key       text COLLATE "C" NOT NULL,
    period    integer NOT NULL,            -- year
    value     double precision,            -- NULL when the flag carries no value
    flag      text NOT NULL DEFAULT '',    -- special value of the source ('-', '.', '...', 'x', ...) by meaning
    release   bigint NOT NULL REFERENCES releases (id),
    PRIMARY KEY (indicator, level, period, key)
);
CREATE INDEX observations_release_idx ON observations (release);

-- Raise the data version once per writing transaction.
CREATE FUNCTION standortatlas_bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version
       SET version = version + 1, changed_at = now(), changed_by = pg_current_xact_id()
     WHERE changed_by IS DISTINCT FROM pg_current_xact_id();
    RETURN NULL;
END
$$;

CREATE TRIGGER boundary_sets_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON boundary_sets
    FOR EACH STATEMENT EXECUTE FUNCTION standortatlas_bump_data_version();
CREATE TRIGGER regions_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions
    FOR EACH STATEMENT EXECUTE FUNCTION standortatlas_bump_data_version();
CREATE TRIGGER indicators_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION standortatlas_bump_data_version();
CREATE TRIGGER releases_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON releases
    FOR EACH STATEMENT EXECUTE FUNCTION standortatlas_bump_data_version();
CREATE TRIGGER observations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON observations
    FOR EACH STATEMENT EXECUTE FUNCTION standortatlas_bump_data_version();

-- Tell listening atlas instances (LISTEN standortatlas_data_version) when the
-- data version changed; delivered when the writing transaction commits.
CREATE FUNCTION standortatlas_notify_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('standortatlas_data_version', NEW.version::text);
    RETURN NULL;
END
$$;

CREATE TRIGGER data_version_notify AFTER UPDATE ON data_version
    FOR EACH ROW EXECUTE FUNCTION standortatlas_notify_data_version();
