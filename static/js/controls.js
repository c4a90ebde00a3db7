// controls.js: the map tab's form — indicator picker grouped by topic with a filter box, level,
// year slider, classification (method, classes, manual breaks) and the indicator's definition
// and source. Every change is reported as a state patch; render(state) brings the form in line.
import { t, h, ha, getLang, localized, germanOnly, topicTitle, fold, parseNumber, formatNumber } from './i18n.js';
import { checkLine } from './updates.js';

export const LEVELS = ['land', 'kreis', 'gemeinde'];
export const METHODS = ['quantile', 'equal', 'jenks', 'stddev', 'manual'];
export const CLASS_COUNTS = [3, 4, 5, 6, 7];
// The server's ColorBrewer schemes (atlas.Schemes): sequential ones for values from low to high,
// diverging ones (a neutral middle) for values around a centre such as the mean; "_r" reverses.
// '' = the default of the indicator's direction. The server colours; the browser only names one.
export const SCHEMES = { sequential: ['Blues', 'OrRd', 'Purples'], diverging: ['RdBu', 'PuOr'] };
export const SCHEME_NAMES = Object.values(SCHEMES).flat().flatMap((s) => [s, s + '_r']);

function option(value, text, disabled = false) {
  const o = new Option(String(text), String(value)); // Option() sets text, never HTML
  o.disabled = disabled;
  return o;
}

const matches = (ind, q) =>
  !q || [ind.id, ind.title, ind.title_en, ind.topic, ind.topic_title, topicTitle(ind), ind.unit].some((s) => fold(s).includes(q));

/** Options grouped by topic; q filters (the current indicator always stays, so the select never lies). */
export function indicatorOptions(indicators, q = '', keep = '', filter = () => true) {
  const groups = new Map();
  let n = 0;
  for (const ind of indicators) {
    if (!filter(ind)) continue;
    if (!matches(ind, q) && ind.id !== keep) continue;
    if (matches(ind, q)) n++;
    const topic = topicTitle(ind);
    if (!groups.has(topic)) groups.set(topic, []);
    groups.get(topic).push(option(ind.id, (localized(ind, 'title') || ind.id) + (ind.partial ? ' ◐' : ''))); // ◐ partial coverage (catalogue "partial")
  }
  const out = [...groups].map(([topic, opts]) => {
    const group = document.createElement('optgroup');
    group.label = topic;
    group.append(...opts);
    return group;
  });
  return { options: out, count: n };
}

function indicatorInfo(ind) {
  if (!ind) return [];
  const direction = ['need', 'capacity', 'context'].includes(ind.direction) ? t('direction_' + ind.direction) : '';
  const source = [ind.source && `${t('source')}: ${ind.source}`, ind.licence && `${t('licence')}: ${ind.licence}`];
  return [
    ha('p', 'indicator-info__def', { lang: germanOnly(ind, 'definition') ? 'de' : null }, localized(ind, 'definition')),
    h('p', 'indicator-info__dir', direction),
    h('p', 'indicator-info__src', source.filter(Boolean).join(' · ')),
    h('p', 'indicator-info__src indicator-info__check', checkLine(ind.check)),
  ].filter((p) => p.textContent);
}

/** The colour scheme options: the default, then the sequential and the diverging group. */
function schemeOptions() {
  const groups = Object.entries(SCHEMES).map(([kind, names]) => {
    const group = document.createElement('optgroup');
    group.label = t('scheme_' + kind);
    for (const n of names) group.append(option(n, t('scheme_' + n)), option(n + '_r', t('scheme_reversed', t('scheme_' + n))));
    return group;
  });
  return [option('', t('scheme_default')), ...groups];
}

/** "3; 5; 7,5" → [3, 5, 7.5]; null if not 1–8 ascending numbers. */
export function parseBreaks(s) {
  const parts = String(s).split(/[;\s]+/).filter(Boolean);
  const xs = parts.map(parseNumber);
  if (!xs.length || xs.length > 8 || xs.some((x) => !Number.isFinite(x))) return null;
  for (let i = 1; i < xs.length; i++) if (!(xs[i] > xs[i - 1])) return null;
  return xs;
}

export const formatBreaks = (xs) => (xs ?? []).map((x) => formatNumber(x)).join('; ');

/** Wires the form; returns render(state). */
export function initControls(form, infoBox, onChange) {
  const el = (name) => form.elements.namedItem(name);
  const select = { indicator: el('indicator'), level: el('level'), method: el('method'), classes: el('classes'), scheme: el('scheme') };
  const filter = form.querySelector('#f-indicator-filter');
  const count = form.querySelector('#indicator-count');
  const year = el('year');
  const yearOut = form.querySelector('#year-out');
  const yearList = form.querySelector('#year-ticks');
  const yearMin = form.querySelector('#year-min');
  const yearMax = form.querySelector('#year-max');
  const breaksField = form.querySelector('#breaks-field');
  const breaksInput = el('breaks');
  const breaksError = form.querySelector('#breaks-error');
  let years = [];
  let last = null;

  select.indicator.addEventListener('change', () => onChange({ indicator: select.indicator.value }));
  select.level.addEventListener('change', () => onChange({ level: select.level.value }));
  select.method.addEventListener('change', () => {
    const method = select.method.value;
    if (method === 'manual') {
      breaksField.hidden = false;
      // start from the current breaks so the user edits rather than types from nothing
      if (!breaksInput.value && last?.currentBreaks?.length) breaksInput.value = formatBreaks(last.currentBreaks);
      const b = parseBreaks(breaksInput.value);
      if (b) onChange({ method, breaks: b });
      else breaksInput.focus();
      return;
    }
    onChange({ method, breaks: [] });
  });
  select.classes.addEventListener('change', () => onChange({ classes: Number(select.classes.value) }));
  select.scheme.addEventListener('change', () => onChange({ scheme: select.scheme.value }));

  const showYear = () => {
    const y = years[Number(year.value)] ?? '';
    yearOut.value = String(y);
    year.setAttribute('aria-valuetext', String(y));
    return y;
  };
  year.addEventListener('input', showYear);
  year.addEventListener('change', () => onChange({ year: showYear() }));

  const applyBreaks = () => {
    const b = parseBreaks(breaksInput.value);
    breaksError.textContent = b ? '' : t('breaks_invalid');
    breaksInput.setAttribute('aria-invalid', String(!b));
    if (b) onChange({ method: 'manual', breaks: b });
  };
  form.querySelector('#breaks-apply').addEventListener('click', applyBreaks);
  breaksInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      applyBreaks();
    }
  });
  filter.addEventListener('input', () => render(last, true));
  form.addEventListener('submit', (e) => e.preventDefault());

  // Options are rebuilt only when what they depend on changes, so focus and scroll stay put.
  const built = {};
  const fill = (name, signature, make) => {
    if (built[name] === signature) return;
    built[name] = signature;
    select[name].replaceChildren(...make());
  };

  function render(state) {
    if (!state) return;
    last = state;
    const ind = state.indicators.find((i) => i.id === state.indicator);
    const lang = getLang();
    const has = (l) => Boolean(ind?.levels?.includes(l));
    const q = fold(filter.value.trim());
    const { options, count: n } = indicatorOptions(state.indicators, q, state.indicator);
    fill('indicator', `${lang}|${state.indicators.length}|${q}|${q ? state.indicator : ''}`, () => options);
    count.textContent = q ? t('indicator_matches', n, state.indicators.length) : '';
    fill('level', `${lang}|${ind?.id}`, () =>
      LEVELS.map((l) => option(l, has(l) ? t('level_' + l) : t('level_missing', t('level_' + l)), !has(l))),
    );
    fill('method', lang, () => METHODS.map((m) => option(m, t('method_' + m))));
    // standard-deviation classes come in pairs around the mean (the server draws 4 or 6)
    const counts = state.method === 'stddev' ? CLASS_COUNTS.filter((k) => k % 2 === 0) : CLASS_COUNTS;
    fill('classes', counts.join(','), () => counts.map((k) => option(k, k)));
    select.indicator.value = state.indicator;
    select.level.value = state.level;
    select.method.value = state.method;
    select.classes.value = String(state.classes);
    select.classes.disabled = state.method === 'manual';
    fill('scheme', lang, () => schemeOptions());
    select.scheme.value = state.scheme;

    years = [...(ind?.years ?? [])].sort((a, b) => a - b);
    const sig = years.join(',');
    if (year.dataset.years !== sig) {
      year.dataset.years = sig;
      year.min = '0';
      year.max = String(Math.max(0, years.length - 1));
      year.disabled = years.length < 2;
      yearList.replaceChildren(...years.map((y, i) => option(i, y)));
      yearMin.textContent = String(years[0] ?? '');
      yearMax.textContent = String(years[years.length - 1] ?? '');
    }
    year.value = String(Math.max(0, years.indexOf(state.year)));
    showYear();

    breaksField.hidden = state.method !== 'manual';
    if (state.method === 'manual' && state.breaks?.length && document.activeElement !== breaksInput) {
      breaksInput.value = formatBreaks(state.breaks);
    }
    infoBox.replaceChildren(...indicatorInfo(ind));
  }
  return render;
}
