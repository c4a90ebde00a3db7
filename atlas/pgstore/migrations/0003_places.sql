-- 0003_places: organisations and offers on the map (atlas.PlaceStore).
--
-- places is a point layer for QGIS (geometry(Point, 4326), from the place's
-- lon/lat); info is the atlas.Place as JSON (the source of truth), the other
-- columns are read from it for display and queries.

-- One row per data set of places: which categories and regions it covers.
CREATE TABLE place_sources (
    id          text COLLATE "C" PRIMARY KEY,
    info        jsonb NOT NULL,
    title       text GENERATED ALWAYS AS (info ->> 'title') STORED,
    licence     text GENERATED ALWAYS AS (info ->> 'licence') STORED,
    attribution text GENERATED ALWAYS AS (info ->> 'attribution') STORED
);

CREATE TABLE places (
    id       text COLLATE "C" PRIMARY KEY,
    source   text COLLATE "C" NOT NULL,
    category text NOT NULL,
    status   text NOT NULL CHECK (status IN ('published', 'pending')),  -- only published places are served
    info     jsonb NOT NULL,
    name     text GENERATED ALWAYS AS (info ->> 'name') STORED,
    gemeinde text GENERATED ALWAYS AS (info ->> 'gemeinde') STORED,   -- AGS of the Gemeinde it lies in
    geom     geometry(Point, 4326) NOT NULL
);
CREATE INDEX places_geom_idx ON places USING gist (geom);
CREATE INDEX places_source_idx ON places (source);

CREATE TRIGGER place_sources_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON place_sources
    FOR EACH STATEMENT EXECUTE FUNCTION standortatlas_bump_data_version();
CREATE TRIGGER places_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON places
    FOR EACH STATEMENT EXECUTE FUNCTION standortatlas_bump_data_version();
