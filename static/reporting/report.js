// The reporter's form: last period's figures, inline validation with the
// server's rules (POST …/check), drafts, submission, CSV/xlsx upload.
import * as api from './reporting-api.js';
import { setup, errorText, fmt, el } from './session.js';

const $ = (id) => document.getElementById(id);
let state = { report: null, mine: null, form: null };
let checkTimer = 0;
let checkSeq = 0;

async function loadReports() {
  const r = await api.reports();
  const list = (r.ok && r.data.reports) || [];
  const sel = $('report');
  sel.replaceChildren(...list.map((d) => el('option', { value: d.id, text: d.title })));
  const wanted = new URLSearchParams(location.search).get('report');
  if (wanted) sel.value = wanted;
  if (!list.length) {
    $('empty').hidden = false;
    return;
  }
  await loadReport();
}

async function loadReport() {
  const id = $('report').value;
  const r = await api.mine(id);
  if (!r.ok) {
    $('empty').hidden = false;
    $('empty').textContent = errorText(r);
    return;
  }
  state.mine = r.data;
  state.report = r.data.report;
  $('period').replaceChildren(...r.data.periods.map((p) => el('option', { value: p, text: p })));
  $('region').replaceChildren(...r.data.regions.map((g) => el('option', { value: g.key, text: `${g.name} (${g.type}, ${g.key})` })));
  const none = !r.data.regions.length;
  $('empty').hidden = !none;
  if (none) $('empty').textContent = 'Ihr Token berechtigt für keinen Kreis und keine Gemeinde dieser Meldung.';
  $('entry').hidden = none;
  $('upload').hidden = none;
  $('upload-columns').textContent = ['key', ...state.report.fields.map((f) => f.id), 'comment'].join(';');
  if (!none) await loadForm();
}

async function loadForm() {
  const def = state.report;
  const r = await api.form(def.id, $('period').value, $('region').value);
  if (!r.ok) {
    $('entry-msg').textContent = errorText(r);
    return;
  }
  const f = (state.form = r.data);
  $('entry-title').textContent = `${def.title} – ${f.region.name} – ${f.period}`;
  const due = new Date(f.due);
  due.setSeconds(due.getSeconds() - 1);
  let st = `Fällig bis ${due.toLocaleDateString('de-DE')}. `;
  if (f.current) st += `Gemeldet am ${new Date(f.current.at).toLocaleString('de-DE')}; eine neue Meldung ist eine Korrektur.`;
  else st += 'Noch nicht gemeldet.';
  if (f.draft) st += ' Ein Entwurf ist gespeichert.';
  $('entry-state').textContent = st;
  const shown = f.draft || f.current;
  $('fields').replaceChildren(...def.fields.map((fd) => {
    const id = `f-${fd.id}`;
    const prev = f.previous ? f.previous.values[fd.id] : undefined;
    const input = el('input', { id, name: fd.id, inputmode: 'decimal', autocomplete: 'off', 'aria-describedby': `${id}-err ${id}-hint` });
    if (shown && shown.values[fd.id] !== undefined) input.value = String(shown.values[fd.id]).replace('.', ',');
    input.addEventListener('input', () => scheduleCheck(false));
    return el('div', { class: 'rp-field' },
      el('label', { for: id, text: `${fd.title} (${fd.unit})` }),
      input,
      el('small', { id: `${id}-hint`, text: `${fd.definition}. Vormonat: ${prev === undefined ? 'keine Meldung' : fmt(prev, fd.decimals)}` }),
      el('span', { id: `${id}-err`, class: 'rp-error', role: 'alert' }));
  }));
  $('comment').value = (shown && shown.comment) || '';
  $('history').hidden = !f.history.length;
  $('history-list').replaceChildren(...f.history.slice().reverse().map((h) =>
    el('li', { text: `${new Date(h.at).toLocaleString('de-DE')}: ${h.status === 'draft' ? 'Entwurf' : 'gemeldet'} – ${def.fields.map((fd) => `${fd.title} ${fmt(h.values[fd.id], fd.decimals)}`).join(', ')}${h.comment ? ` („${h.comment}“)` : ''} (${h.actor})` })));
}

function values() {
  const out = {};
  for (const fd of state.report.fields) {
    const v = $(`f-${fd.id}`).value.trim();
    if (v !== '') out[fd.id] = v;
  }
  return out;
}

function showProblems(problems) {
  for (const fd of state.report.fields) {
    const input = $(`f-${fd.id}`);
    const mine = problems.filter((p) => p.field === fd.id || p.column === fd.id);
    $(`f-${fd.id}-err`).textContent = mine.map((p) => p.reason).join('; ');
    input.setAttribute('aria-invalid', mine.length ? 'true' : 'false');
  }
}

function scheduleCheck(submit) {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => runCheck(submit), 250);
}

async function runCheck(submit) {
  const seq = ++checkSeq;
  const r = await api.check(state.report.id, values(), submit);
  if (seq !== checkSeq) return false; // a newer check is under way
  if (!r.ok) return false;
  showProblems(r.data.problems);
  return r.data.ok;
}

async function store(submit) {
  clearTimeout(checkTimer);
  const msg = $('entry-msg');
  if (!(await runCheck(submit))) {
    msg.textContent = submit ? 'Bitte die markierten Angaben korrigieren.' : 'Entwurf nicht gespeichert: Angaben prüfen.';
    return;
  }
  const r = await api.save(state.report.id, $('period').value, $('region').value, { values: values(), submit, comment: $('comment').value });
  if (!r.ok) {
    if (r.data && r.data.problems) showProblems(r.data.problems);
    msg.textContent = errorText(r);
    return;
  }
  await loadForm();
  msg.textContent = submit ? `Gemeldet (Release ${r.data.release}).` : 'Entwurf gespeichert.';
}

async function upload(ev) {
  ev.preventDefault();
  const file = $('upload-file').files[0];
  const msg = $('upload-msg');
  if (!file) return;
  const r = await api.upload(state.report.id, $('period').value, file);
  if (!r.ok) {
    const probs = (r.data && r.data.problems) || [];
    msg.textContent = probs.length ? probs.map((p) => `${p.file} Zeile ${p.row}, Spalte ${p.column}: ${p.reason}`).join('; ') : errorText(r);
    return;
  }
  msg.textContent = `Hochgeladen und gemeldet: ${r.data.submissions.length} Zeile(n).`;
  await loadForm();
}

setup(() => {
  $('report').addEventListener('change', loadReport);
  $('period').addEventListener('change', loadForm);
  $('region').addEventListener('change', loadForm);
  $('draft').addEventListener('click', () => store(false));
  $('entry').addEventListener('submit', (ev) => { ev.preventDefault(); store(true); });
  $('upload').addEventListener('submit', upload);
  loadReports();
});
