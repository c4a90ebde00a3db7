// main.js: entry point of index.html (page "app") and embed.html (page "embed"). Holds the one
// app-state object; the URL query mirrors its shareable part (see readURL/writeURL). The feature
// modules get the state and a few callbacks; only map.js touches Leaflet, only api.js knows URLs.
import * as api from './api.js';
import { t, h, button, setLang, translatePage, localized, formatValue, formatNumber } from './i18n.js';
import { createMap, leafletLoaded } from './map.js';
import { renderLegend, serverLegend, colorFor } from './legend.js';
import { initControls, LEVELS, METHODS, CLASS_COUNTS, SCHEME_NAMES, parseBreaks } from './controls.js';
import { attachChecks } from './updates.js';
import { renderHistogram, renderNormHint } from './histogram.js';
import { initProfile, levelOfKey } from './profile.js';
import { initRanking } from './ranking.js';
import { initCompare, MAX_COMPARE, COLORS as COMPARE_COLORS } from './compare.js';
import { initIndex, defaultWeights, INDEX_LEVELS, INDEX_METHODS } from './indexbuilder.js';
import { initDistribution, defaultDistWeights } from './distribution.js';
import { initHeadroom, HEADROOM_KEYS } from './headroom.js';
import { initPlaces } from './places.js';
import { initSearch } from './search.js';
import { initShare, copyLink, composePNG, download } from './share.js';
import { initEmbed } from './embed.js';

const TABS = ['map', 'ranking', 'compare', 'index', 'distribution', 'headroom'];
const INDICATOR_TABS = new Set(['map', 'ranking', 'compare']);
const KEY_RE = /^\d{2}(\d{3}(\d{3,4})?)?$/;
const ID_RE = /^[a-z0-9_]{1,64}$/;

const state = {
  page: document.body.dataset.mode === 'embed' ? 'embed' : 'app',
  tab: 'map',
  lang: 'de',
  level: 'kreis',
  indicator: '',
  year: 0,
  method: 'quantile',
  classes: 5,
  breaks: [], // manual class breaks
  scheme: '', // colour scheme (SCHEME_NAMES); '' = the server's default of the indicator's direction
  normalize: '', // '' = the values as published; per1000 | per100000 | perkm2 (a count divided by the server)
  selected: null, // regional key
  compare: [], // regional keys
  ilevel: 'kreis', // level of the capacity index
  weights: null, // index weights [{id, w}]; null = defaults of the level
  imethod: 'minmax',
  dland: '', // distribution: '' = Länder vs. Königsteiner Schlüssel, '09' = Kreise of Bayern
  dweights: null,
  arrivals: 10000,
  ks: '',
  hland: '', // headroom: '' = Länder, '09' = Kreise of Bayern
  hkey: 'ks', // headroom: the key distributing the arrivals (HEADROOM_KEYS)
  places: false,
  pcats: [], // place categories shown; [] = all with data
  rland: '', // the ranking table's Land filter (its CSV exports the same rows)
  iland: '', // the index table's Land filter (Kreise, Gemeinden; its CSV exports the same rows)
  view: null, // {lat, lng, zoom} once the map was moved (or from a shared link)
  indicators: [], // GET /api/v1/indicators
};

const $ = (id) => document.getElementById(id);
const indicator = (id) => state.indicators.find((i) => i.id === id);
let map = null;
let templates = {}; // level -> tile URL template on our origin
let values = null; // /api/v1/values answer of the indicator map
let hist = null;
let valuesSig = '';
let currentMV = null; // the map view shown: {id, level, fill, valueText, legend, attribution}
let gen = 0;
let firstView = true;
let shownView = '';
const mod = {}; // feature modules

// ---- URL state ---------------------------------------------------------------
//
// The query of / and /embed (all optional):
//   tab        map | ranking | compare | index | distribution | headroom
//   level, indicator, year, method (quantile|equal|jenks|stddev|manual), classes, breaks=3,5,7.5
//   scheme     a ColorBrewer scheme of the server (Blues, OrRd, Purples, RdBu, PuOr; _r reversed)
//   normalize  per1000 | per100000 | perkm2: a count per inhabitants or area (the catalogue lists which apply)
//   region     the selected regional key (profile, highlight)
//   compare    up to 10 regional keys
//   ilevel, weights=a:2,b:1, imethod (minmax|zscore)      the capacity index
//   dland (2-digit Land or empty), dweights, arrivals, ks   the distribution key
//   hland, hkey (ks|population|model)                     the headroom view (arrivals shared)
//   places=1, pcat=a,b                                      the places layer and its categories
//   view=lat,lng,zoom                                       the map's centre and zoom
//   lang=en

const parseWeights = (s) =>
  String(s ?? '').split(',').map((p) => p.split(':')).filter(([id, w]) => ID_RE.test(id ?? '') && Number(w) >= 0 && Number(w) <= 100)
    .map(([id, w]) => ({ id, w: Number(w) }));
// view=lat,lng,zoom: the map's centre and zoom of a shared link (inside Germany's surroundings)
const parseView = (v) => {
  const [lat, lng, zoom] = String(v ?? '').split(',').map(Number);
  return [lat, lng, zoom].every(Number.isFinite) && lat > 44 && lat < 58 && lng > 2 && lng < 19 && zoom >= 4 && zoom <= 13 ? { lat, lng, zoom } : null;
};
const fmtWeights = (ws) => (ws ?? []).map((x) => `${x.id}:${x.w}`).join(',');

// What the link asked for, where it could not be used as it was: checkLink() tells the user what
// was replaced (in the UI's language) once the catalogue is there.
const asked = {};

function readURL() {
  const q = new URLSearchParams(window.location.search);
  state.lang = q.get('lang') === 'en' ? 'en' : 'de';
  if (TABS.includes(q.get('tab'))) state.tab = q.get('tab');
  else if (q.get('tab')) asked.tab = q.get('tab');
  if (LEVELS.includes(q.get('level'))) state.level = q.get('level');
  if (q.get('level')) asked.level = q.get('level');
  if (METHODS.includes(q.get('method'))) state.method = q.get('method');
  else if (q.get('method')) asked.method = q.get('method');
  if (CLASS_COUNTS.includes(Number(q.get('classes')))) state.classes = Number(q.get('classes'));
  else if (q.get('classes')) asked.classes = q.get('classes');
  const breaks = q.get('breaks') ? parseBreaks(String(q.get('breaks')).split(',').join(';')) : null;
  if (breaks) {
    state.breaks = breaks;
    state.method = 'manual';
  } else {
    if (q.get('breaks')) asked.breaks = q.get('breaks');
    if (state.method === 'manual') state.method = 'quantile';
  }
  if (SCHEME_NAMES.includes(q.get('scheme'))) state.scheme = q.get('scheme');
  else if (q.get('scheme')) asked.scheme = q.get('scheme');
  if (['per1000', 'per100000', 'perkm2'].includes(q.get('normalize'))) state.normalize = q.get('normalize');
  state.indicator = ID_RE.test(q.get('indicator') ?? '') ? q.get('indicator') : '';
  if (q.get('indicator')) asked.indicator = q.get('indicator');
  state.year = Number(q.get('year')) || 0;
  if (q.get('year')) asked.year = q.get('year');
  if (KEY_RE.test(q.get('region') ?? '')) state.selected = q.get('region');
  else if (q.get('region')) asked.region = q.get('region');
  const compare = (q.get('compare') ?? '').split(',').filter(Boolean);
  state.compare = compare.filter((k) => KEY_RE.test(k)).slice(0, MAX_COMPARE);
  if (compare.length !== state.compare.length) asked.compare = compare.filter((k) => !state.compare.includes(k));
  if (INDEX_LEVELS.includes(q.get('ilevel'))) state.ilevel = q.get('ilevel');
  if (q.has('weights')) {
    state.weights = parseWeights(q.get('weights'));
    asked.weights = q.get('weights');
  }
  if (INDEX_METHODS.includes(q.get('imethod'))) state.imethod = q.get('imethod');
  if (/^\d{2}$/.test(q.get('dland') ?? '')) state.dland = q.get('dland');
  if (q.has('dweights')) {
    state.dweights = parseWeights(q.get('dweights'));
    asked.dweights = q.get('dweights');
  }
  const n = Number(q.get('arrivals'));
  if (q.has('arrivals') && Number.isFinite(n) && n >= 0 && n <= 1e9) state.arrivals = Math.round(n);
  if (/^(\d{4}|lukifg2025)$/.test(q.get('ks') ?? '')) state.ks = q.get('ks');
  if (/^\d{2}$/.test(q.get('hland') ?? '')) state.hland = q.get('hland');
  if (HEADROOM_KEYS.includes(q.get('hkey'))) state.hkey = q.get('hkey');
  state.places = q.get('places') === '1';
  state.pcats = (q.get('pcat') ?? '').split(',').filter((c) => ID_RE.test(c));
  state.view = parseView(q.get('view'));
}

/** Compares what the link asked for with what is shown and says what was replaced. */
function checkLink() {
  const title = (id) => localized(indicator(id), 'title') || id;
  const levelName = (l) => (LEVELS.includes(l) ? t('level_one_' + l) : l);
  if (asked.tab) notice(t('fb_tab', asked.tab));
  if (asked.indicator && asked.indicator !== state.indicator) notice(t('fb_indicator', asked.indicator, title(state.indicator)));
  else if (asked.level && asked.level !== state.level) notice(t('fb_level', levelName(asked.level), title(state.indicator), levelName(state.level)));
  if (asked.year && Number(asked.year) !== state.year && (!asked.indicator || asked.indicator === state.indicator)) notice(t('fb_year', title(state.indicator), asked.year, state.year));
  if (asked.method) notice(t('fb_method', asked.method));
  if (asked.classes) notice(t('fb_classes', asked.classes));
  if (asked.breaks) notice(t('fb_breaks', asked.breaks));
  if (asked.scheme) notice(t('fb_scheme', asked.scheme));
  if (asked.region) notice(t('fb_region', asked.region));
  if (asked.view) notice(t('fb_view', asked.view));
  if (asked.compare?.length) notice(t('fb_compare', asked.compare.join(', ')));
  for (const [field, given] of [['weights', asked.weights], ['dweights', asked.dweights]]) {
    if (given === undefined) continue;
    const kept = new Set(state[field + 'Defaulted'] ? [] : (state[field] ?? []).map((x) => x.id));
    const dropped = String(given).split(',').filter((p) => p && !(kept.has(p.split(':')[0]) && Number(p.split(':')[1]) >= 0));
    if (dropped.length) notice(t(state[field + 'Defaulted'] ? 'fb_weights_default' : 'fb_weights', dropped.join(', ')));
  }
}

// ---- notices: what a link asked for and what is shown instead --------------------------

const notices = [];
function notice(text) {
  if (notices.includes(text)) return;
  notices.push(text);
  renderNotices();
}

function renderNotices() {
  const el = $('notice');
  if (!el) return;
  if (!notices.length) return el.replaceChildren();
  el.replaceChildren(
    h('div', 'notice__body', h('strong', null, t('notice_title')), h('ul', null, ...notices.map((n) => h('li', null, n)))),
    button('×', 'button button--quiet notice__close', () => {
      notices.length = 0;
      renderNotices();
    }, { 'aria-label': t('dismiss') }),
  );
}

/** The shareable query (also the embed's). */
function query() {
  const q = new URLSearchParams();
  if (state.tab !== 'map') q.set('tab', state.tab);
  q.set('level', state.level);
  q.set('indicator', state.indicator);
  q.set('year', String(state.year));
  q.set('method', state.method);
  if (state.method === 'manual' && state.breaks.length) q.set('breaks', state.breaks.join(','));
  else if (state.classes !== 5) q.set('classes', String(state.classes));
  if (state.scheme) q.set('scheme', state.scheme);
  if (state.normalize) q.set('normalize', state.normalize);
  if (state.selected) q.set('region', state.selected);
  if (state.compare.length) q.set('compare', state.compare.join(','));
  if (state.tab === 'index' || state.ilevel !== 'kreis') q.set('ilevel', state.ilevel);
  if (state.weights && (state.tab === 'index' || fmtWeights(state.weights) !== fmtWeights(defaultWeights(state.indicators, state.ilevel)))) q.set('weights', fmtWeights(state.weights));
  if (state.imethod !== 'minmax') q.set('imethod', state.imethod);
  if (state.dland) q.set('dland', state.dland);
  if (state.dweights && (state.tab === 'distribution' || fmtWeights(state.dweights) !== fmtWeights(defaultDistWeights(state.indicators)))) q.set('dweights', fmtWeights(state.dweights));
  if (state.tab === 'distribution' || state.tab === 'headroom' || state.arrivals !== 10000) q.set('arrivals', String(state.arrivals));
  if (state.ks) q.set('ks', state.ks);
  if (state.hland) q.set('hland', state.hland);
  if (state.hkey !== 'ks') q.set('hkey', state.hkey);
  if (state.places) q.set('places', '1');
  if (state.pcats.length) q.set('pcat', state.pcats.join(','));
  if (state.lang !== 'de') q.set('lang', state.lang);
  if (state.view) q.set('view', `${state.view.lat},${state.view.lng},${state.view.zoom}`);
  return q.toString();
}

function writeURL() {
  const q = query();
  window.history.replaceState(null, '', `${window.location.pathname}?${q}`);
  if ($('open-atlas')) $('open-atlas').href = api.atlasPath(q);
  for (const [id, format] of [['export-csv', 'csv'], ['export-csv-de', 'csv-de']]) {
    const csv = $(id);
    if (!csv) continue;
    const href = api.csvURL(state.tab, state, format);
    csv.toggleAttribute('aria-disabled', !href);
    if (href) csv.href = href;
    else csv.removeAttribute('href');
  }
}

// Unknown indicator -> the first one; a level the indicator lacks -> the nearest one it has;
// a new indicator, or a year it lacks -> its default_year. Unknown weights are dropped.
function normalize(indicatorChanged) {
  const ind = indicator(state.indicator) ?? indicator('unemployment_rate') ?? state.indicators[0];
  state.indicator = ind.id;
  const levels = LEVELS.filter((l) => ind.levels?.includes(l));
  const dist = (l) => Math.abs(LEVELS.indexOf(l) - LEVELS.indexOf(state.level));
  if (!levels.includes(state.level)) state.level = levels.sort((a, b) => dist(a) - dist(b))[0] ?? state.level;
  const years = ind.years ?? [];
  if (indicatorChanged || !years.includes(state.year)) {
    state.year = years.includes(ind.default_year) || !years.length ? ind.default_year : years[years.length - 1];
  }
  // a normalisation only where the catalogue says it applies (counts; the server divides)
  if (!(ind.normalize ?? []).includes(state.normalize)) state.normalize = '';
  // standard-deviation classes come in pairs around the mean: 3 → 4, 5 → 6 as the server draws them;
  // 7 → 6 here, since the control offers no 8 (the server would draw 8 for 7)
  if (state.method === 'stddev' && state.classes % 2) state.classes = state.classes === 3 ? 4 : 6;
  if (state.method !== 'manual') state.breaks = [];
  else if (!state.breaks.length) state.method = 'quantile';
  // index weights: indicators of the index's level that have a direction; distribution weights:
  // known indicators; without one weight > 0 the defaults
  const inIndex = (x) => indicator(x.id)?.levels?.includes(state.ilevel) && indicator(x.id)?.direction !== 'context';
  const known = (x) => Boolean(indicator(x.id));
  const usable = (ws, ok) => (ws ? ws.filter(ok) : null);
  state.weights = usable(state.weights, inIndex);
  state.weightsDefaulted = Boolean(state.weights && !state.weights.some((x) => x.w > 0));
  if (!state.weights || state.weightsDefaulted) state.weights = defaultWeights(state.indicators, state.ilevel);
  state.dweights = usable(state.dweights, known);
  state.dweightsDefaulted = Boolean(state.dweights && !state.dweights.some((x) => x.w > 0));
  if (!state.dweights || state.dweightsDefaulted) state.dweights = defaultDistWeights(state.indicators);
}

function update(patch) {
  const indicatorChanged = 'indicator' in patch && patch.indicator !== state.indicator;
  const selChanged = 'selected' in patch && patch.selected !== state.selected;
  Object.assign(state, patch);
  normalize(indicatorChanged);
  writeURL();
  renderPanels();
  if (selChanged && !state.selected) select(null);
  if ('places' in patch || 'pcats' in patch) mod.places?.refresh();
  if (('compare' in patch || 'indicator' in patch || 'year' in patch) && mod.profile?.key) mod.profile.refresh();
  refresh();
}

// ---- status ----------------------------------------------------------------------

let loadingCount = 0;
function setLoading(on) {
  loadingCount = Math.max(0, loadingCount + (on ? 1 : -1));
  $('status').hidden = loadingCount === 0;
  $('map').setAttribute('aria-busy', String(loadingCount > 0));
}

function showError(message, retry) {
  $('error').replaceChildren(...(message ? [h('span', null, message)] : []));
  if (retry) $('error').append(button(t('retry'), 'button', retry));
}

let announceTimer = 0;
function announce(text) {
  const el = $('announce');
  if (!el) return;
  clearTimeout(announceTimer);
  el.textContent = '';
  announceTimer = setTimeout(() => (el.textContent = text), 60);
}

const reason = (err) => (err.status === 0 ? t('err_network') : err.message);

// ---- the map view ---------------------------------------------------------------

// TileJSON per level (fetched once; its template carries the data version): {template, bounds}.
function tileInfo(level) {
  templates[level] ??= api.fetchTileJSON(level).then(
    (tj) => ({ template: api.tilePath(tj.tiles?.[0] ?? `/tiles/${level}/{z}/{x}/{y}.mvt`), bounds: tj.bounds }),
    (err) => {
      delete templates[level];
      throw err;
    },
  );
  return templates[level];
}

function indicatorMapView() {
  if (!values) return null;
  const ind = indicator(values.indicator) ?? {};
  const byKey = values.values ?? {};
  return {
    id: `${values.level}/${values.indicator}/${values.year}`,
    level: values.level,
    fill: (key) => colorFor(byKey[key]?.class, values.legend),
    valueText: (key) => {
      const v = byKey[key];
      return v ? formatValue(v.value, values.unit ?? ind.unit, v.flag, values.decimals ?? ind.decimals) : t('no_data');
    },
    legend: serverLegend(values, localized(ind, 'title'), values.decimals ?? ind.decimals),
    attribution: values.attribution ?? [],
  };
}

function mapViewForTab() {
  if (state.tab === 'index') return mod.index?.mapView() ?? null;
  if (state.tab === 'distribution') return mod.dist?.mapView() ?? null;
  if (state.tab === 'headroom') return mod.headroom?.mapView() ?? null;
  return indicatorMapView();
}

async function applyMapView(mv) {
  if (!mv || !map) return;
  const outlines = mv.level === 'gemeinde' ? ['land', 'kreis'] : mv.level === 'kreis' ? ['land'] : [];
  const [tile, ...outTiles] = await Promise.all([tileInfo(mv.level), ...outlines.map(tileInfo)]);
  // another view (index, distribution) at another level shows Germany again, unless the chosen
  // region belongs to that level; a level change within a view keeps the user's zoom
  const kind = (v) => (['index', 'distribution', 'headroom'].includes(v.id.split('/')[0]) ? v.id.split('/')[0] : 'indicator');
  if (currentMV && kind(currentMV) !== kind(mv) && currentMV.level !== mv.level && !(state.selected && levelOfKey(state.selected) === mv.level)) map.fitGermany();
  currentMV = mv;
  map.setLevel(mv.level, tile.template, tile.bounds);
  map.setOutlines(Object.fromEntries(outlines.map((l, i) => [l, outTiles[i]])));
  map.setFill(mv.fill);
  // the compared regions keep their chip colour as an outline on the map
  map.setMarks(new Map(state.tab === 'compare' ? state.compare.map((k, i) => [k, COMPARE_COLORS[i % COMPARE_COLORS.length]]) : []));
  renderLegend($('legend'), mv.legend);
  if (mod.embed) {
    const notes = INDICATOR_TABS.has(state.tab) ? [indicator(state.indicator)?.notes].filter(Boolean) : [];
    mod.embed.render(mv, { notes, link: api.atlasPath(query()) });
  }
  map.setAttribution([...(mv.attribution ?? []), ...(mod.places?.attribution ?? [])]);
  document.title = mv.legend?.title ? `${mv.legend.title} – ${t('title')}` : t('title');
  $('map').dataset.pending = mv.id;
  updateCounts();
}

/** What is drawn, for browser tests and assistive checks: features, coloured features, view. */
function updateCounts() {
  const el = $('map');
  if (!currentMV || !map?.tilesLoaded() || el.dataset.pending !== currentMV.id) return;
  const keys = map.drawnKeys();
  let valued = 0;
  for (const k of keys) if (currentMV.fill(k)) valued++;
  el.dataset.features = String(keys.size);
  el.dataset.valued = String(valued);
  el.dataset.level = currentMV.level;
  el.dataset.view = currentMV.id;
  if (firstView) {
    firstView = false;
    performance.mark('sa-first-view');
  }
  if (shownView !== currentMV.id) {
    shownView = currentMV.id;
    announce(t('status_map', currentMV.legend?.title ?? '', currentMV.legend?.meta ?? '', '', formatNumber(keys.size), formatNumber(valued)).replace(', ,', ','));
  }
}

let prefetched = null; // {sig, values, hist}: the first view's data, asked for with the catalogue

const mapQuery = () => ({ level: state.level, indicator: state.indicator, year: state.year, method: state.method, classes: state.classes, breaks: state.breaks,
  scheme: state.scheme, normalize: state.normalize });

function fetchMapData(q) {
  return [api.fetchValues(q), state.page === 'app' ? api.fetchHistogram(q).catch(() => null) : Promise.resolve(null)];
}

/** Before the catalogue arrives: the values the URL asks for, and the tile descriptions. */
function prefetch() {
  const levels = { land: ['land'], kreis: ['kreis', 'land'], gemeinde: ['gemeinde', 'kreis', 'land'] };
  if (INDICATOR_TABS.has(state.tab)) {
    for (const l of levels[state.level]) tileInfo(l).catch(() => {});
    if (state.indicator && state.year) {
      const q = mapQuery();
      const [v, hs] = fetchMapData(q);
      v.catch(() => {});
      prefetched = { sig: JSON.stringify(q), values: v, hist: hs };
    }
  }
}

async function loadIndicatorValues() {
  const q = mapQuery();
  const sig = JSON.stringify(q);
  if (sig === valuesSig && values) return true;
  const pre = prefetched?.sig === sig ? prefetched : null;
  prefetched = null;
  const [v, hs] = await Promise.all(pre ? [pre.values, pre.hist] : fetchMapData(q));
  values = v;
  hist = hs;
  valuesSig = sig;
  return true;
}

async function refresh() {
  const mine = ++gen;
  setLoading(true);
  showError('');
  try {
    if (INDICATOR_TABS.has(state.tab)) {
      await loadIndicatorValues();
      if (mine !== gen) return;
      renderHistogram($('histogram'), hist, indicator(state.indicator)?.decimals);
      renderNormHint($('norm-hint'), hist, indicator(state.indicator), state.normalize, (normalize) => update({ normalize }));
      state.currentBreaks = values?.legend?.breaks ?? []; // to start manual breaks from
      mod.controls?.(state);
      if (state.tab === 'ranking') mod.ranking?.load();
      if (state.tab === 'compare') mod.compare?.load();
    } else if (state.tab === 'index') {
      await mod.index.load();
    } else if (state.tab === 'distribution') {
      await mod.dist.load();
    } else if (state.tab === 'headroom') {
      await mod.headroom?.load();
    }
    if (mine !== gen) return;
    const mv = mapViewForTab();
    if (mv) await applyMapView(mv);
    if ((state.tab === 'distribution' || state.tab === 'headroom') && map) {
      if (mv?.land) zoomToRegion(mv.land);
      else if (zoomedLand) {
        zoomedLand = '';
        map.fitGermany();
      }
    }
    if (state.tab === 'ranking') mod.ranking?.highlight(state.selected);
  } catch (err) {
    if (err.name === 'AbortError' || mine !== gen) return;
    values = null;
    valuesSig = '';
    if (err.status === 400 && INDICATOR_TABS.has(state.tab) && state.normalize) {
      // a normalisation the server refuses for this year or level: the published values
      notice(t('fb_normalize'));
      return update({ normalize: '' });
    }
    if (err.status === 400 && INDICATOR_TABS.has(state.tab) && (state.method !== 'quantile' || state.classes !== 5)) {
      // a classification the server refuses (e.g. breaks outside what it accepts): the default one
      notice(t('fb_server'));
      return update({ method: 'quantile', classes: 5, breaks: [] });
    }
    showError(t('err_map', reason(err)), refresh);
  } finally {
    setLoading(false);
  }
}

// ---- selection and profile --------------------------------------------------------------

const geometries = new Map();
async function geometryOf(key) {
  const level = levelOfKey(key);
  if (level === 'land') return null; // Länder outlines are large; the tiles highlight them
  if (!geometries.has(key)) geometries.set(key, api.fetchRegionGeometry(level, key).catch(() => null));
  return geometries.get(key);
}

let zoomedLand = '';
async function zoomToRegion(key) {
  if (zoomedLand === key) return;
  zoomedLand = key;
  const geom = await geometryOf(key);
  // a Land's outline comes from the drawn tiles (its own or its Kreise's); retry once they are loaded
  if (!map.zoomTo(geom, key, 8, covers())) setTimeout(() => map.zoomTo(null, key, 8, covers()) || (zoomedLand = ''), 400);
}

async function select(key, opts = {}) {
  state.selected = key ?? null;
  writeURL();
  if (!key) {
    renderPanels(); // first: the card's closing returns the focus into the redrawn table
    mod.profile?.hide();
    map?.select(null);
    return;
  }
  map?.select(key, null);
  if (opts.card !== false) mod.profile?.show(key, opts);
  renderPanels();
  const geom = await geometryOf(key);
  if (state.selected !== key) return;
  map?.select(key, geom);
  // the chosen region is shown where no panel (the card, the legend) covers it
  if (opts.zoom) map?.zoomTo(geom, key, MAX_ZOOM[levelOfKey(key)] ?? 10, covers());
  else map?.keepClear(geom, key, covers());
  // the card grows while the profile arrives (on a phone upwards, over the map): for a few seconds
  // the region is kept clear of it again whenever its size changes
  if (typeof ResizeObserver === 'function' && $('info')) {
    cardWatch?.disconnect();
    const watch = (cardWatch = new ResizeObserver(() => {
      if (state.selected === key && !opts.zoom) map?.keepClear(geom, key, covers());
    }));
    watch.observe($('info'));
    setTimeout(() => watch.disconnect(), 3000);
  }
}
let cardWatch = null;

/** The screen rectangles of the panels over the map (the card, the legend), where shown. */
function covers() {
  return [$('info'), document.querySelector('.map-legend')]
    .filter((el) => el && !el.hidden && el.offsetParent !== null)
    .map((el) => el.getBoundingClientRect());
}

// how close a chosen region is shown: a Kreis with its neighbours, a Gemeinde closer
const MAX_ZOOM = { land: 7, kreis: 9, vwg: 10, gemeinde: 11 };

// the map's value of a region for the current indicator, null without one
const mapEntry = (key) => (values?.indicator === state.indicator ? values.values?.[key] ?? null : null);

// a normalised map (per inhabitants or area) is not the indicator's own value: the card shows the profile's
function valueOf(key) {
  return values?.normalization ? null : mapEntry(key);
}

// the map's value of a region when the map is normalised, with its unit and decimals, for the card's
// "on the map" line; null otherwise
function mapValueOf(key) {
  const v = values?.normalization ? mapEntry(key) : null;
  return v ? { ...v, unit: values.unit, decimals: values.decimals } : null;
}

function rankOf(key) {
  const v = valueOf(key)?.value;
  const all = Object.values(values?.values ?? {}).map((x) => x.value).filter(Number.isFinite);
  if (!Number.isFinite(v)) return null;
  return { rank: 1 + all.filter((x) => x > v).length, of: all.length, pct: null };
}

function toggleCompare(key) {
  if (state.compare.includes(key)) update({ compare: state.compare.filter((k) => k !== key) });
  else if (state.compare.length >= MAX_COMPARE) announce(t('compare_full'));
  else {
    update({ compare: [...state.compare, key] });
    announce(`${t('in_compare')} (${state.compare.length})`);
  }
}

/** Calls then(el) once find() returns an element (the ranking loads asynchronously). */
function waitThen(find, then, tries = 60) {
  const el = find();
  if (el) then(el);
  else if (tries > 0) setTimeout(() => waitThen(find, then, tries - 1), 100);
}

// ---- panels -----------------------------------------------------------------------------

function renderTabs() {
  for (const tab of TABS) {
    const b = $('tab-' + tab);
    if (!b) continue;
    const on = tab === state.tab;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
    $('panel-' + tab).hidden = !on;
    if (tab === 'compare') b.textContent = state.compare.length ? `${t('tab_compare')} (${state.compare.length})` : t('tab_compare');
  }
  document.body.dataset.tab = state.tab;
}

function renderPanels() {
  if (state.page !== 'app') return;
  renderTabs();
  mod.controls?.(state);
  mod.places?.render();
  if (state.tab === 'ranking') mod.ranking?.render();
  if (state.tab === 'compare') mod.compare?.render();
  if (state.tab === 'index') mod.index?.render();
  if (state.tab === 'distribution') mod.dist?.render();
  if (state.tab === 'headroom') mod.headroom?.render();
}

function wireTabs() {
  const list = $('tabs');
  list.addEventListener('click', (e) => {
    const b = e.target.closest('[role="tab"]');
    if (b) update({ tab: b.dataset.tab });
  });
  list.addEventListener('keydown', (e) => {
    const i = TABS.indexOf(state.tab);
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const tab = TABS[(next + TABS.length) % TABS.length];
    update({ tab });
    $('tab-' + tab).focus();
  });
}

function applyLang() {
  setLang(state.lang);
  translatePage();
  map?.setLabels({ zoomIn: t('zoom_in'), zoomOut: t('zoom_out') });
  if ($('lang-toggle')) $('lang-toggle').lang = state.lang === 'de' ? 'en' : 'de';
}

async function exportPNG() {
  if (!map || !currentMV) return;
  const snapshot = map.snapshot();
  const lg = currentMV.legend ?? {};
  const attribution = [...new Set([...(currentMV.attribution ?? []), ...(mod.places?.attribution ?? [])])].join(' · ');
  const blob = await composePNG({ snapshot, legend: lg, heading: lg.title ?? t('title'), subheading: lg.meta ?? '', attribution, link: window.location.href });
  $('map').dataset.exportPng = String(blob.size);
  const name = `standortatlas_${currentMV.id.replace(/[^a-z0-9]+/gi, '_')}.png`;
  download(blob, name);
  announce(t('export_done', name));
}

function wireApp() {
  const toggle = $('panel-toggle');
  const setOpen = (open) => {
    $('panel').classList.toggle('panel--collapsed', !open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  setOpen(!window.matchMedia('(max-width: 699px)').matches);
  toggle.addEventListener('click', () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'));
  $('lang-toggle').addEventListener('click', () => {
    state.lang = state.lang === 'de' ? 'en' : 'de';
    applyLang();
    writeURL();
    renderPanels();
    renderHistogram($('histogram'), hist, indicator(state.indicator)?.decimals);
    renderNormHint($('norm-hint'), hist, indicator(state.indicator), state.normalize, (normalize) => update({ normalize }));
    const mv = mapViewForTab();
    if (mv) applyMapView(mv);
    mod.profile?.refresh();
  });
  wireTabs();
  mod.controls = initControls($('controls'), $('indicator-info'), update);
  const ctx = {
    state,
    indicator,
    update,
    announce,
    onSelect: (key, opts) => select(key, opts),
    colorOf: (key) => currentMV?.fill(key) ?? null,
  };
  mod.ranking = initRanking($('ranking'), ctx);
  mod.compare = initCompare($('compare'), ctx);
  mod.index = initIndex($('index-builder'), ctx);
  mod.dist = initDistribution($('distribution'), ctx);
  mod.headroom = initHeadroom($('headroom'), ctx);
  mod.places = initPlaces($('places'), {
    state,
    update,
    announce,
    map,
    onAttribution: () => currentMV && map.setAttribution([...(currentMV.attribution ?? []), ...(mod.places?.attribution ?? [])]),
  });
  map.onMoveEnd(() => state.places && mod.places.refresh());
  initSearch($('search'), $('search-list'), $('search-status'), (e) => {
    if (INDICATOR_TABS.has(state.tab) && e.level !== state.level && indicator(state.indicator)?.levels?.includes(e.level)) update({ level: e.level });
    select(e.key, { name: e.name, zoom: true, focus: true, opener: $('search') });
  });
  initShare({
    dialog: $('embed-dialog'),
    opener: $('embed-open'),
    query,
    title: () => [currentMV?.legend?.title, currentMV?.legend?.meta].filter(Boolean).join(', '),
    announce,
  });
  $('copy-link').addEventListener('click', () => copyLink(announce));
  $('skip-table')?.addEventListener('click', (e) => {
    e.preventDefault();
    update({ tab: 'ranking' });
    waitThen(() => $('ranking-table'), (table) => {
      table.tabIndex = -1;
      table.focus();
    });
  });
  $('export-png').addEventListener('click', () => exportPNG().catch((err) => announce(t('err_load', err.message))));
  if (window.matchMedia('(max-width: 699px), (max-height: 560px)').matches) {
    // phones and short windows: the legend starts folded (the button says "Legende")
    $('legend-toggle').setAttribute('aria-expanded', 'false');
    $('legend').hidden = true;
  }
  $('legend-toggle')?.addEventListener('click', (e) => {
    const open = e.currentTarget.getAttribute('aria-expanded') !== 'true';
    e.currentTarget.setAttribute('aria-expanded', String(open));
    $('legend').hidden = !open;
  });
}

async function loadIndicators() {
  setLoading(true);
  showError('');
  try {
    // the update status is optional: without it the indicators show no check
    const [list, updates] = await Promise.all([api.fetchIndicators(), api.fetchUpdates().catch(() => null)]);
    state.indicators = Array.isArray(list) ? list.filter((i) => typeof i?.id === 'string') : [];
    attachChecks(state.indicators, updates);
    if (!state.indicators.length) return showError(t('err_empty'));
    normalize(false);
    checkLink();
    // place names from our own data (no base map needed); the map works without them
    Promise.all(['land', 'kreis', 'gemeinde'].map((l) => api.fetchLabels(l).then((r) => r.labels ?? [], () => [])))
      .then(([land, kreis, gemeinde]) => map?.setPlaceLabels({ land, kreis, gemeinde }));
    writeURL();
    renderPanels();
    if (state.places) mod.places?.refresh();
    await refresh();
    // an embed marks and shows the linked region without covering the map with its card
    if (state.selected) select(state.selected, { zoom: state.page === 'embed' && !state.view, card: state.page !== 'embed' });
  } catch (err) {
    showError(t('err_indicators', reason(err)), loadIndicators);
  } finally {
    setLoading(false);
  }
}

// ---- start -----------------------------------------------------------------------------

readURL();
prefetch();
applyLang();
if (!leafletLoaded()) {
  showError(t('err_leaflet'));
} else {
  map = createMap($('map'), {
    tooltipFor: (key, name, type) =>
      h('div', 'tip', h('strong', 'tip__name', name ?? key), h('span', 'tip__meta', [type, key && t('key', key)].filter(Boolean).join(' · ')),
        h('span', 'tip__value', currentMV?.valueText(key) ?? '')),
    onSelect: (key, name) => select(key, { name }),
    onTilesLoaded: updateCounts,
    // the app keeps Germany clear of the legend box; the embed's legend is above the map
    fit: () => state.page !== 'embed'
      ? $('map').clientWidth > 700 ? { paddingTopLeft: [250, 40], paddingBottomRight: [10, 10] } : { paddingTopLeft: [0, 40], paddingBottomRight: [0, 20] }
      : { padding: [6, 6] },
  });
  applyLang();
  if (state.view) map.setView(state.view);
  else if (new URLSearchParams(window.location.search).get('view')) asked.view = new URLSearchParams(window.location.search).get('view');
  map.onMoveEnd(() => {
    const v = map.view();
    if (v) {
      state.view = v;
      writeURL();
    }
  });
  mod.profile = initProfile($('info'), {
    state,
    indicator,
    valueOf,
    mapValueOf,
    rankOf,
    announce,
    onClose: () => select(null),
    onSelect: (key, opts) => select(key, opts),
    onIndicator: (id, level) => update({ indicator: id, level, tab: INDICATOR_TABS.has(state.tab) ? state.tab : 'map' }),
    onCompare: toggleCompare,
    onMissing: (key) => {
      notice(t('fb_region', key));
      if (state.compare.includes(key)) update({ compare: state.compare.filter((k) => k !== key) });
      if (state.selected === key) select(null);
    },
  });
  if (state.page === 'app') wireApp();
  else {
    mod.embed = initEmbed();
    // the embed shows index and distribution maps too: their modules load the data, off-screen
    const ctx = { state, indicator, update, announce, onSelect: select, colorOf: () => null };
    const sink = document.createElement('div');
    mod.index = initIndex(sink, ctx);
    mod.dist = initDistribution(sink, ctx);
    if (state.places) {
      mod.places = initPlaces(sink, { state, update, announce, map, onAttribution: () => currentMV && map.setAttribution([...(currentMV.attribution ?? []), ...(mod.places?.attribution ?? [])]) });
      map.onMoveEnd(() => mod.places.refresh());
    }
  }
  document.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape' || e.defaultPrevented || document.querySelector('dialog[open]')) return;
    if (state.selected) select(null);
  });
  loadIndicators();
}

