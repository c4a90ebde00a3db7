// main.js: entry point of index.html (mode "app") and embed.html (mode "embed").
// Holds the one app-state object; the URL query mirrors its shareable part.
import * as api from './api.js';
import { t, h, setLang, translatePage, localized, formatValue } from './i18n.js';
import { createMap, leafletLoaded } from './map.js';
import { renderLegend, colorFor } from './legend.js';
import { initControls, LEVELS, METHODS, CLASS_COUNTS } from './controls.js';

const state = {
  mode: document.body.dataset.mode === 'embed' ? 'embed' : 'app',
  lang: 'de',
  level: 'kreis',
  indicator: '',
  year: 0,
  method: 'quantile',
  classes: 5,
  indicators: [], // GET /api/v1/indicators
  data: null, // last choropleth FeatureCollection (null while none is valid)
  selected: null, // key of the clicked area
};

const $ = (id) => document.getElementById(id);
let map = null;
let renderControls = () => {};
let inflight = null;

// ---- URL state ---------------------------------------------------------------

function readURL() {
  const q = new URLSearchParams(window.location.search);
  state.lang = q.get('lang') === 'en' ? 'en' : 'de';
  if (LEVELS.includes(q.get('level'))) state.level = q.get('level');
  if (METHODS.includes(q.get('method'))) state.method = q.get('method');
  if (CLASS_COUNTS.includes(Number(q.get('classes')))) state.classes = Number(q.get('classes'));
  state.indicator = q.get('indicator') || '';
  state.year = Number(q.get('year')) || 0;
}

function writeURL() {
  const q = new URLSearchParams({ level: state.level, indicator: state.indicator, year: String(state.year), method: state.method });
  if (state.classes !== 5) q.set('classes', String(state.classes));
  if (state.lang !== 'de') q.set('lang', state.lang);
  window.history.replaceState(null, '', `${window.location.pathname}?${q}`);
  if ($('open-atlas')) $('open-atlas').href = `/?${q}`;
}

// Unknown indicator -> the first one; a level the indicator lacks -> the nearest one it has;
// a new indicator, or a year it lacks -> its default_year.
function normalize(indicatorChanged) {
  const ind = state.indicators.find((i) => i.id === state.indicator) ?? state.indicators[0];
  state.indicator = ind.id;
  const levels = LEVELS.filter((l) => ind.levels?.includes(l));
  const dist = (l) => Math.abs(LEVELS.indexOf(l) - LEVELS.indexOf(state.level));
  if (!levels.includes(state.level)) state.level = levels.sort((a, b) => dist(a) - dist(b))[0] ?? state.level;
  const years = ind.years ?? [];
  if (indicatorChanged || !years.includes(state.year)) {
    state.year = years.includes(ind.default_year) || !years.length ? ind.default_year : years[years.length - 1];
  }
}

function update(patch) {
  const indicatorChanged = 'indicator' in patch && patch.indicator !== state.indicator;
  Object.assign(state, patch);
  normalize(indicatorChanged);
  writeURL();
  renderControls(state);
  loadChoropleth();
}

// ---- rendering -----------------------------------------------------------------

function setLoading(on) {
  $('status').hidden = !on;
  $('map').setAttribute('aria-busy', String(on));
}

function showError(message, retry) {
  $('error').replaceChildren(...(message ? [h('span', null, message)] : []));
  if (!retry) return;
  const button = h('button', 'button', t('retry'));
  button.type = 'button';
  button.addEventListener('click', retry);
  $('error').append(button);
}

const reason = (err) => (err.status === 0 ? t('err_network') : err.message);

function areaSummary(p, cls) {
  const unit = state.data?.legend?.unit ?? state.data?.indicator?.unit;
  return [
    h('strong', `${cls}__name`, p.name ?? p.key),
    h('span', `${cls}__meta`, [p.type, p.key && t('key', p.key)].filter(Boolean).join(' · ')),
    h('span', `${cls}__value`, formatValue(p.value, unit, p.flag, state.data?.indicator?.decimals)),
  ];
}

function renderInfo() {
  const box = $('info');
  const f = state.selected && state.data?.features?.find((x) => String(x.properties?.key ?? x.id) === state.selected);
  box.hidden = !f;
  map?.select(f ? state.selected : null);
  if (!f) {
    state.selected = null;
    return box.replaceChildren();
  }
  const ind = state.data.indicator ?? {};
  const source = ind.attribution || ind.source;
  const close = h('button', 'info__close', '×');
  close.type = 'button';
  close.setAttribute('aria-label', t('close'));
  close.addEventListener('click', () => select(null));
  box.replaceChildren(
    close,
    ...areaSummary(f.properties, 'info'),
    h('p', 'info__indicator', `${localized(ind, 'title')}, ${state.data.year}`),
    h('p', 'info__def', localized(ind, 'definition')),
    h('p', 'info__src', source && `${t('source')}: ${source}`),
  );
}

function select(key) {
  state.selected = key === null ? null : String(key);
  renderInfo();
}

function renderAll() {
  renderLegend($('legend'), state.data);
  renderInfo();
  const title = localized(state.data?.indicator, 'title');
  document.title = title ? `${title} – ${t('title')}` : t('title');
}

function applyLang() {
  setLang(state.lang);
  translatePage();
  map?.setLabels({ zoomIn: t('zoom_in'), zoomOut: t('zoom_out') });
  if ($('lang-toggle')) $('lang-toggle').lang = state.lang === 'de' ? 'en' : 'de';
}

// ---- loading -------------------------------------------------------------------

async function loadChoropleth() {
  inflight?.abort();
  const ctrl = (inflight = new AbortController());
  setLoading(true);
  showError('');
  try {
    const fc = await api.fetchChoropleth(state, ctrl.signal);
    state.data = fc;
    map.setChoropleth(fc, (f) => colorFor(f.properties?.class, fc.legend));
    map.setAttribution(fc.attribution);
    // What is drawn, for browser tests and assistive checks: features, valued features, view.
    const el = $('map');
    el.dataset.features = String(fc.features.length);
    el.dataset.valued = String(fc.features.filter((f) => f.properties?.class != null).length);
    el.dataset.view = `${state.level}/${state.indicator}/${state.year}`;
  } catch (err) {
    if (err.name === 'AbortError') return;
    state.data = null; // never leave the previous map standing under the new selection
    map.clearChoropleth();
    map.setAttribution([]);
    showError(t('err_map', reason(err)), loadChoropleth);
  } finally {
    if (ctrl === inflight) setLoading(false);
  }
  renderAll();
}

async function loadIndicators() {
  setLoading(true);
  showError('');
  try {
    const list = await api.fetchIndicators();
    state.indicators = Array.isArray(list) ? list.filter((i) => typeof i?.id === 'string') : [];
    if (state.indicators.length) return update({});
    showError(t('err_empty'));
  } catch (err) {
    showError(t('err_indicators', reason(err)), loadIndicators);
  }
  setLoading(false);
}

// ---- start -----------------------------------------------------------------------

function wirePanel() {
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
    renderControls(state);
    renderAll();
  });
  renderControls = initControls($('controls'), $('indicator-info'), update);
}

readURL();
applyLang();
if (!leafletLoaded()) {
  showError(t('err_leaflet'));
} else {
  map = createMap($('map'), {
    tooltipFor: (p) => h('div', 'tip', ...areaSummary(p, 'tip')),
    onSelect: select,
    // embed: keep Germany clear of the legend box (bottom left, or top right in small frames; see app.css)
    fit: state.mode !== 'embed' ? {} : window.matchMedia('(max-width: 519px), (max-height: 420px)').matches
      ? { paddingBottomRight: [190, 0] } : { paddingTopLeft: [240, 0] },
  });
  applyLang();
  if (state.mode === 'app') wirePanel();
  document.addEventListener('keydown', (e) => e.key === 'Escape' && state.selected && select(null));
  api.fetchBoundaries('land').then(map.setOutlines, () => {}); // decoration: the choropleth works without it
  loadIndicators();
}
