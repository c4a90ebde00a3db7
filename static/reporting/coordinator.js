// The coordinator's view: who reported, who is late, reminders to copy,
// corrections, publication; and defining a report.
import * as api from './reporting-api.js';
import { setup, errorText, fmt, el } from './session.js';

const $ = (id) => document.getElementById(id);
const statusText = { reported: 'gemeldet', late: 'überfällig', missing: 'offen' };
let defs = [];

// The example fields of atlas/reporting/README.md (a template, no figures).
const exampleFields = {
  fields: [
    { id: 'plaetze', title: 'Unterbringungsplätze', unit: 'Plätze', definition: 'Plätze in Gemeinschaftsunterkünften und Wohnungen der Kommune am Monatsende', direction: 'capacity', integer: true },
    { id: 'belegt', title: 'belegte Plätze', unit: 'Plätze', definition: 'davon am Monatsende belegt', direction: 'context', integer: true },
  ],
  rules: [
    { field: 'belegt', op: '<=', other: 'plaetze' },
    { field: 'belegt', op: '>=', other: '0' },
    { field: 'plaetze', op: '>=', other: '0' },
  ],
};

function months(first) {
  const out = [];
  const now = new Date();
  let y = now.getFullYear();
  let m = now.getMonth() + 1;
  const [fy, fm] = first.split('-').map(Number);
  while ((y > fy || (y === fy && m >= fm)) && out.length < 24) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m -= 1;
    if (m === 0) { m = 12; y -= 1; }
  }
  return out;
}

const monthOf = (p) => `${Math.floor(p / 100)}-${String(p % 100).padStart(2, '0')}`;

async function loadReports(select) {
  const r = await api.reports();
  defs = (r.ok && r.data.reports) || [];
  $('empty').hidden = defs.length > 0;
  $('report').replaceChildren(...defs.map((d) => el('option', { value: d.id, text: d.title })));
  if (select) $('report').value = select;
  if (defs.length) loadPeriods();
}

// fillDefinition puts a definition into the form, to change it.
function fillDefinition(def) {
  const set = (id, v) => { $(id).value = v; };
  set('d-id', def.id); set('d-title', def.title); set('d-coordinator', def.coordinator); set('d-level', def.level);
  set('d-area', def.area); set('d-first', monthOf(def.first_period)); set('d-due', def.due_day);
  set('d-licence', def.licence); set('d-attribution', def.attribution);
  set('d-fields', JSON.stringify({ fields: def.fields, rules: def.rules || [] }, null, 2));
}

function loadPeriods() {
  const def = defs.find((d) => d.id === $('report').value);
  fillDefinition(def);
  $('period').replaceChildren(...months(monthOf(def.first_period)).map((p) => el('option', { value: p, text: p })));
  loadStatus();
}

async function loadStatus() {
  const id = $('report').value;
  const period = $('period').value;
  const def = defs.find((d) => d.id === id);
  $('maplink').href = `/reporting/map?report=${encodeURIComponent(id)}&period=${encodeURIComponent(period)}`;
  const r = await api.status(id, period);
  const tbody = $('status-table').querySelector('tbody');
  if (!r.ok) {
    $('summary').textContent = errorText(r);
    tbody.replaceChildren();
    return;
  }
  const st = r.data;
  const due = new Date(st.due);
  due.setSeconds(due.getSeconds() - 1);
  const pub = st.published.length ? ` Veröffentlicht am ${new Date(st.published[st.published.length - 1].at).toLocaleString('de-DE')}.` : ' Noch nicht veröffentlicht.';
  $('summary').textContent = `${st.reported} von ${st.total} gemeldet, ${st.late} überfällig, ${st.missing} offen (fällig bis ${due.toLocaleDateString('de-DE')}).${pub}`;
  $('summary').dataset.reported = st.reported;
  $('summary').dataset.total = st.total;
  $('reminders').value = st.reminders || 'Alle haben gemeldet.';
  tbody.replaceChildren(...st.regions.map((g) => el('tr', { 'data-key': g.key, 'data-status': g.status },
    el('td', { text: `${g.name} (${g.type}, ${g.key})` }),
    el('td', { text: statusText[g.status] + (g.after_due ? ' (verspätet)' : '') + (g.draft ? ' · Entwurf' : '') }),
    el('td', { text: g.current ? new Date(g.current.at).toLocaleString('de-DE') : '' }),
    el('td', { text: g.current ? def.fields.map((f) => `${f.title} ${fmt(g.current.values[f.id], f.decimals)}`).join(', ') : '' }),
    el('td', { text: String(g.corrections) }))));
  $('corrections').replaceChildren(...st.corrections.map((c) => el('li', {
    text: `${c.key} am ${new Date(c.at).toLocaleString('de-DE')} von ${c.actor}: ${def.fields.map((f) => `${f.title} ${fmt(c.values[f.id], f.decimals)}`).join(', ')}${c.comment ? ` („${c.comment}“)` : ''}`,
  })));
}

async function publish() {
  const r = await api.publish($('report').value, $('period').value);
  $('publish-msg').textContent = r.ok ? `Veröffentlicht: ${r.data.reported} von ${r.data.total} gemeldet (Release ${r.data.release}).` : errorText(r);
  if (r.ok) loadStatus();
}

async function define(ev) {
  ev.preventDefault();
  let extra;
  try {
    extra = JSON.parse($('d-fields').value);
  } catch (e) {
    $('define-msg').textContent = `Felder und Regeln: kein gültiges JSON (${e.message}).`;
    return;
  }
  const first = $('d-first').value.replace('-', '');
  const def = {
    id: $('d-id').value.trim(), title: $('d-title').value.trim(), coordinator: $('d-coordinator').value.trim(),
    level: $('d-level').value, area: $('d-area').value.trim(), first_period: Number(first), due_day: Number($('d-due').value),
    licence: $('d-licence').value.trim(), attribution: $('d-attribution').value.trim(), fields: extra.fields || [], rules: extra.rules || [],
  };
  const r = await api.define(def);
  if (!r.ok) {
    $('define-msg').textContent = errorText(r);
    return;
  }
  $('define-msg').textContent = `Meldung ${r.data.id} gespeichert.`;
  loadReports(r.data.id);
}

setup(() => {
  $('d-fields').value = JSON.stringify(exampleFields, null, 2);
  const now = new Date();
  $('d-first').value = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}`;
  $('report').addEventListener('change', loadPeriods);
  $('period').addEventListener('change', loadStatus);
  $('publish').addEventListener('click', publish);
  $('define').addEventListener('submit', define);
  $('copy').addEventListener('click', () => navigator.clipboard && navigator.clipboard.writeText($('reminders').value));
  loadReports();
});
