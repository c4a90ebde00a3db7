-- 0002_views: views for QGIS and SQL users that join values to regions.
--
-- Add them like tables (Layer > Add Layer > PostgreSQL; QGIS asks for a
-- unique column: fid). Filter by indicator in the layer's properties, e.g.
-- "indicator" = 'unemployment_rate' AND "period" = 2019.

-- Every observation that belongs to a region of the boundary sets, with the
-- indicator's title and unit and the region's geometry (EPSG:4326).
CREATE VIEW v_observations AS
SELECT o.indicator || '/' || o.level || '/' || o.key || '/' || o.period AS fid,
       o.key,
       r.name,
       o.level,
       o.indicator,
       i.title AS indicator_title,
       i.unit,
       o.period,
       o.value,
       o.flag,
       o.release,
       r.area_km2,
       r.geom
  FROM observations o
  JOIN regions r ON r.level = o.level AND r.key = o.key
  JOIN indicators i ON i.id = o.indicator;

COMMENT ON VIEW v_observations IS
    'Standortatlas: every value with its region (key, name, geometry EPSG:4326) and indicator (title, unit).';

-- Per level: for each region and indicator, the latest period with a value.
CREATE VIEW v_land_latest AS
SELECT DISTINCT ON (indicator, key) * FROM v_observations
 WHERE level = 'land' AND value IS NOT NULL
 ORDER BY indicator, key, period DESC;

CREATE VIEW v_kreis_latest AS
SELECT DISTINCT ON (indicator, key) * FROM v_observations
 WHERE level = 'kreis' AND value IS NOT NULL
 ORDER BY indicator, key, period DESC;

CREATE VIEW v_vwg_latest AS
SELECT DISTINCT ON (indicator, key) * FROM v_observations
 WHERE level = 'vwg' AND value IS NOT NULL
 ORDER BY indicator, key, period DESC;

CREATE VIEW v_gemeinde_latest AS
SELECT DISTINCT ON (indicator, key) * FROM v_observations
 WHERE level = 'gemeinde' AND value IS NOT NULL
 ORDER BY indicator, key, period DESC;

COMMENT ON VIEW v_kreis_latest IS
    'Standortatlas: per Kreis and indicator the latest year with a value (likewise v_land_latest, v_vwg_latest, v_gemeinde_latest).';
