// api.js: the only module that knows the /api/v1 URLs.

const BASE = '/api/v1';

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // 0 = no HTTP response at all
  }
}

async function getJSON(path, params, signal) {
  const url = new URL(BASE + path, window.location.origin);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v));
  }
  let res;
  try {
    res = await fetch(url, { signal, headers: { Accept: 'application/json' } });
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

/** The indicator catalogue: [{id, title, title_en, unit, topic_title, levels, years, default_year, ...}]. */
export const fetchIndicators = (signal) => getJSON('/indicators', {}, signal);

/** A classified FeatureCollection with the foreign members level, year, indicator, legend, attribution, stats. */
export const fetchChoropleth = ({ level, indicator, year, classes, method }, signal) =>
  getJSON('/choropleth', { level, indicator, year, classes, method }, signal);

/** Outlines (properties key, name) for the base layer. */
export const fetchBoundaries = (level, signal) => getJSON('/boundaries', { level }, signal);
