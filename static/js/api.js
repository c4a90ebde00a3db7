// api.js: the only module that knows the server's URLs (/api/v1, /tiles, /ogc, /embed).
// Every URL is built on the page's own origin, so no request leaves it.

const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // 0 = no HTTP response at all
  }
}

function url(path, params = {}) {
  const u = new URL(path, window.location.origin);
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) continue;
    u.searchParams.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  return u;
}

async function getJSON(path, params, signal) {
  let res;
  try {
    res = await fetch(url(path, params), { signal, headers: { Accept: 'application/json' } });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError('', 0);
  }
  let body = null;
  try {
    body = await res.json();
  } catch (err) {
    if (err.name === 'AbortError') throw err;
  }
  if (!res.ok) {
    const msg = typeof body?.error === 'string' && body.error ? body.error : `HTTP ${res.status}`;
    throw new ApiError(msg, res.status);
  }
  if (body === null) throw new ApiError(`HTTP ${res.status}: invalid JSON`, res.status);
  return body;
}

// "a:2,b:1" from [{id, w}] (weights of 0 are left out).
export const weightsParam = (weights) =>
  (weights ?? []).filter((x) => x.w > 0).map((x) => `${x.id}:${x.w}`).join(',');

// The map query shared by /values, /histogram and /choropleth.
const mapParams = ({ level, indicator, year, method, classes, breaks, scheme, normalize }) => ({
  level,
  indicator,
  year: year || undefined,
  method: breaks?.length ? undefined : method,
  classes: method === 'manual' || breaks?.length ? undefined : classes,
  breaks: method === 'manual' && breaks?.length ? breaks : undefined,
  scheme: scheme || undefined,
  normalize: normalize || undefined,
});

/** The indicator catalogue: [{id, title, title_en, unit, topic, topic_title, levels, years, default_year, ...}]. */
export const fetchIndicators = (signal) => getJSON(BASE + '/indicators', {}, signal);

/** Tables checked against their GENESIS source: {status, sources: [...], indicators: {id: {checked_at, outcome, changed_at, …}}}. */
export const fetchUpdates = (signal) => getJSON(BASE + '/updates', {}, signal);

/** Values by key for joining onto vector tiles: {values: {key: {value, flag, class}}, legend, stats, attribution, …}. */
export const fetchValues = (q, signal) => getJSON(BASE + '/values', mapParams(q), signal);

/** Histogram with the class breaks: {histogram: {bins, breaks, …}, legend, stats}. */
export const fetchHistogram = (q, signal) => getJSON(BASE + '/histogram', { ...mapParams(q), bins: 24 }, signal);

/** A classified GeoJSON FeatureCollection (kept for API users; the app draws tiles). */
export const fetchChoropleth = (q, signal) => getJSON(BASE + '/choropleth', mapParams(q), signal);

/** TileJSON of a level: tiles[0] is the URL template with the data version. */
export const fetchTileJSON = (level, signal) => getJSON(`/tiles/${encodeURIComponent(level)}.json`, {}, signal);

/** The TileJSON template as a path on our own origin (the server writes it absolute). */
export const tilePath = (template) => String(template).replace(/^[a-z]+:\/\/[^/]+/i, '');

/** One region with its geometry (OGC API – Features), for outlines and zooming. */
export const fetchRegionGeometry = (level, key, signal) =>
  getJSON(`/ogc/collections/${encodeURIComponent(level)}/items/${encodeURIComponent(key)}`, {}, signal);

/** Place names of a level for the map: {labels: [{key, name, lon, lat, population}]}, largest first. */
export const fetchLabels = (level, signal) => getJSON(BASE + '/labels', { level }, signal);

/** Region profile: values, ranks, series, Land and Germany, similar regions. */
export const fetchRegion = (key, signal) => getJSON(`${BASE}/regions/${encodeURIComponent(key)}`, {}, signal);

/** The motion's eight domains for a region: indicators with Land and Germany, or what is missing. */
export const fetchDomains = (key, signal) => getJSON(`${BASE}/regions/${encodeURIComponent(key)}/domains`, {}, signal);

/** Up to 10 regions side by side; counts divided as the map divides them (normalize). */
export const fetchCompare = ({ keys, normalize }, signal) => getJSON(BASE + '/compare', compareParams({ compare: keys, normalize }), signal);

const compareParams = ({ compare, normalize }) => ({ keys: compare, normalize: normalize || undefined });

/** Regions of a level ranked by an indicator, normalised as the map is. */
export const fetchRanking = (q, signal) => getJSON(BASE + '/ranking', rankingParams(q), signal);

const rankingParams = ({ level, indicator, year, land, normalize }) =>
  ({ level, indicator, year: year || undefined, land: level === 'land' ? undefined : land, normalize: normalize || undefined });

/** The composite capacity index. */
export const fetchIndex = ({ level, weights, method }, signal) =>
  getJSON(BASE + '/index', { level, weights: weightsParam(weights), method }, signal);

/** Distribution key vs. Königsteiner Schlüssel (level land) or population share within a Land (level kreis). */
export const fetchDistribution = (q, signal) => getJSON(BASE + '/distribution', distributionParams(q), signal);

const distributionParams = ({ dland, dweights, arrivals, ks }) => ({
  level: dland ? 'kreis' : 'land',
  land: dland || undefined,
  weights: weightsParam(dweights),
  arrivals: arrivals || undefined,
  ks_year: ks || undefined,
});

/** Capacity per expected arrival under a key, per Land or per Kreis of one Land (no classes, no CSV). */
export const fetchHeadroom = ({ hland, hkey, arrivals, ks, dweights }, signal) =>
  getJSON(BASE + '/headroom', {
    level: hland ? 'kreis' : 'land',
    land: hland || undefined,
    key: hkey,
    weights: hkey === 'model' ? weightsParam(dweights) : undefined,
    arrivals: arrivals || 1,
    ks_year: ks || undefined,
  }, signal);

/** Published places (GeoJSON points) in a WGS84 box, optionally of some categories. */
export const fetchPlaces = ({ bbox, categories }, signal) =>
  getJSON(BASE + '/places', { bbox: bbox.map((x) => x.toFixed(4)), category: categories }, signal);

/** The place taxonomy with counts and, where no open data exists, the note saying so. */
export const fetchPlaceCategories = (signal) => getJSON(BASE + '/places/categories', {}, signal);

/** Search index entries for one level: every region (ranking of the population, which all levels have). */
export const fetchNames = (level, signal) => getJSON(BASE + '/ranking', { level, indicator: 'population' }, signal);

/**
 * CSV download URLs of exactly what a tab shows, at the level it shows (the server adds the source
 * lines); format 'csv' (comma, decimal point) or 'csv-de' (German Excel: semicolon, decimal comma).
 * null where the API has no CSV.
 */
export function csvURL(tab, s, format = 'csv') {
  switch (tab) {
    case 'compare':
      return s.compare.length ? url(BASE + '/compare', { ...compareParams(s), format }).href : null;
    case 'index':
      return weightsParam(s.weights)
        ? url(BASE + '/index', { level: s.ilevel, weights: weightsParam(s.weights), method: s.imethod, land: s.ilevel === 'land' ? undefined : s.iland, format }).href
        : null;
    case 'distribution':
      return weightsParam(s.dweights) ? url(BASE + '/distribution', { ...distributionParams(s), format }).href : null;
    case 'ranking':
      return s.indicator ? url(BASE + '/ranking', { ...rankingParams({ ...s, land: s.rland }), format }).href : null;
    default:
      // the map: every region of the level, the data standard's long form
      return s.indicator ? url(BASE + '/export', { level: s.level, indicator: s.indicator, year: s.year || undefined, format }).href : null;
  }
}

/** The region's printable report (server-rendered). */
export const reportURL = (key, lang) => `${lang === 'en' ? '/en' : ''}/region/${encodeURIComponent(key)}`;

/** The embeddable page for a query string. */
export const embedURL = (query) => `${window.location.origin}/embed?${query}`;

/** The atlas page for a query string (the embed's link back). */
export const atlasPath = (query) => `/?${query}`;

/** The embed script of markercluster and its stylesheets (loaded only when places are shown). */
export const LIB = {
  markercluster: '/static/lib/markercluster/leaflet.markercluster.js',
  markerclusterCSS: ['/static/lib/markercluster/MarkerCluster.css', '/static/lib/markercluster/MarkerCluster.Default.css'],
};
