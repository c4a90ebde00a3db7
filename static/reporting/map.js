// Published reports on the map: one period of one field, classified by the
// server (the one map pipeline: /api/v1/choropleth with year = month);
// regions that had to report and did not are "keine Meldung" (never 0);
// the reporting date and the share of regions that reported; a region's
// time series on click. Embeddable (/reporting/map may be framed).
import * as api from './reporting-api.js';
import { fmt, el } from './session.js';

const $ = (id) => document.getElementById(id);
const NOT_REPORTED = '#8c8c8c'; // grey, apart from every class colour
const params = new URLSearchParams(location.search);
let map = null;
let layer = null;
let current = null; // {def, published}

function ensureMap() {
  if (map) return map;
  map = window.L.map('map', { zoomSnap: 0.25, attributionControl: true }).setView([51.1, 10.4], 6);
  return map;
}

async function init() {
  const r = await api.reports();
  const defs = (r.ok && r.data.reports) || [];
  if (!defs.length) {
    $('empty').hidden = false;
    $('map').dataset.state = 'empty';
    return;
  }
  $('report').replaceChildren(...defs.map((d) => el('option', { value: d.id, text: d.title })));
  if (params.get('report')) $('report').value = params.get('report');
  $('report').addEventListener('change', () => loadReport());
  $('field').addEventListener('change', draw);
  $('period').addEventListener('change', draw);
  await loadReport(params.get('period'), params.get('field'));
}

async function loadReport(period, field) {
  const r = await api.report($('report').value);
  if (!r.ok) return;
  current = r.data;
  const def = current.report;
  $('field').replaceChildren(...def.fields.map((f) => el('option', { value: f.id, text: `${f.title} (${f.unit})` })));
  if (field) $('field').value = field;
  const periods = current.published.map((p) => p.period).reverse();
  const label = (p) => `${Math.floor(p / 100)}-${String(p % 100).padStart(2, '0')}`;
  $('period').replaceChildren(...periods.map((p) => el('option', { value: label(p), text: label(p) })));
  if (period) $('period').value = period;
  $('empty').hidden = periods.length > 0;
  if (!periods.length) {
    $('meldestand').textContent = '';
    $('map').dataset.state = 'empty';
    if (layer) layer.remove();
    return;
  }
  await draw();
}

async function draw() {
  const def = current.report;
  const period = $('period').value;
  const field = def.fields.find((f) => f.id === $('field').value);
  const pub = current.published.find((p) => `${Math.floor(p.period / 100)}-${String(p.period % 100).padStart(2, '0')}` === period);
  const when = new Date(pub.at).toLocaleString('de-DE', { dateStyle: 'medium', timeStyle: 'short' });
  const share = Math.round((100 * pub.reported) / pub.total);
  $('meldestand').textContent = `Meldestand ${period}, veröffentlicht am ${when}: ${pub.reported} von ${pub.total} gemeldet (${share} %).`;
  const r = await api.choropleth(`${def.id}_${field.id}`, def.level, period);
  if (!r.ok) {
    $('meldestand').textContent = (r.data && r.data.error) || `Fehler ${r.status}`;
    return;
  }
  const legend = r.data.legend;
  const colors = legend.colors || [];
  const inArea = (f) => f.properties.key.startsWith(def.area);
  const features = r.data.features.filter(inArea);
  let valued = 0;
  let notReported = 0;
  for (const f of features) {
    if (f.properties.value !== null) valued += 1;
    else if (f.properties.flag === 'not_reported') notReported += 1;
  }
  const m = ensureMap();
  if (layer) layer.remove();
  layer = window.L.geoJSON({ type: 'FeatureCollection', features }, {
    style: (f) => {
      const p = f.properties;
      const nr = p.value === null;
      return { color: nr ? '#777' : '#222', weight: nr ? 0.6 : 1.5, dashArray: nr ? '3 3' : null, fillOpacity: nr ? 0.35 : 0.9, fillColor: nr ? NOT_REPORTED : colors[p.class] || '#d9d9d9' };
    },
    onEachFeature: (f, l) => {
      const p = f.properties;
      const txt = p.value === null ? 'keine Meldung' : `${fmt(p.value, field.decimals)} ${field.unit}`;
      l.bindTooltip(`${p.name} (${p.type}): ${txt}`);
      l.on('click', () => showSeries(p));
    },
  }).addTo(m);
  if (features.length) m.fitBounds(layer.getBounds(), { padding: [10, 10] });
  const mapEl = $('map');
  mapEl.dataset.state = 'ready';
  mapEl.dataset.valued = String(valued);
  mapEl.dataset.notReported = String(notReported);
  mapEl.dataset.view = `${def.id}_${field.id}/${period}`;
  $('legend').replaceChildren(
    el('h2', { text: `${field.title} (${field.unit})` }),
    ...legend.classes.map((c) => el('div', { class: 'rp-legend__row' }, swatch(c.color), el('span', { text: c.label }))),
    el('div', { class: 'rp-legend__row', 'data-flag': 'not_reported' }, swatch(NOT_REPORTED, true), el('span', { text: `keine Meldung (${notReported})` })));
  $('attribution').textContent = `Quelle: ${(r.data.attribution || []).join(' · ')}`;
  m.attributionControl.setPrefix(false);
  $('open').href = `/reporting/map?report=${encodeURIComponent(def.id)}&field=${encodeURIComponent(field.id)}&period=${encodeURIComponent(period)}`;
}

function swatch(color, dashed) {
  const s = el('span', { class: `rp-swatch${dashed ? ' rp-swatch--dashed' : ''}`, 'aria-hidden': 'true' });
  s.style.background = color;
  return s;
}

async function showSeries(p) {
  const def = current.report;
  const r = await api.series(def.id, p.key);
  if (!r.ok) return;
  $('series').hidden = false;
  $('series-title').textContent = `${p.name} (${p.type}, ${p.key}): Zeitreihe`;
  $('series-head').replaceChildren(el('th', { scope: 'col', text: 'Monat' }), ...def.fields.map((f) => el('th', { scope: 'col', text: `${f.title} (${f.unit})` })));
  $('series-body').replaceChildren(...r.data.series.map((pt) => el('tr', {},
    el('th', { scope: 'row', text: pt.period }),
    ...def.fields.map((f) => el('td', { text: pt.values[f.id] === null ? 'keine Meldung' : fmt(pt.values[f.id], f.decimals) })))));
}

window.addEventListener('DOMContentLoaded', init);
