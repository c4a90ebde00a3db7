// legend.js: the legend box, built from the server's legend (colours, class labels and counts
// used as given) for every map: indicators, the capacity index and the distribution key. The
// browser never classifies.
import { t, h, ha, fill, getLang, formatNumber, unitText, localNumbers } from './i18n.js';

/** Fill colour of a class; null/unknown class = the no-data colour. */
export function colorFor(cls, legend) {
  const c = Number.isInteger(cls) && cls >= 0 ? legend?.classes?.[cls] : null;
  return c?.color || null;
}

/** Fill colour of a class, or the legend's no-data colour (for swatches and the analysis maps). */
export const classColor = (cls, legend) => colorFor(cls, legend) ?? legend?.no_data?.color ?? null;

function row(color, label, count, extraClass) {
  const swatch = h('span', 'legend__swatch');
  swatch.style.backgroundColor = color; // CSSOM, allowed by the CSP (no style attribute)
  const n = typeof count === 'number' ? formatNumber(count) : '';
  return h('li', 'legend__row' + (extraClass ? ' ' + extraClass : ''), swatch, h('span', 'legend__label', label ?? ''), h('span', 'legend__count', n));
}

const de = (deText, enText) => (getLang() === 'de' ? deText : enText);

/** The caveat's coverage in the UI's language (the server's text is German; its numbers are given). */
function coverageText(cv) {
  if (getLang() === 'de' || typeof cv.regions !== 'number') return cv.coverage ?? '';
  let s = `Values for ${formatNumber(cv.regions)} of ${formatNumber(cv.of)} areas`;
  if (cv.partial) s += ' — the source covers only part of the country; shown only where it has values';
  else if (cv.regions < cv.of) s += `; ${formatNumber(cv.of - cv.regions)} without a value (missing, secret or another Gebietsstand: see notes)`;
  return s;
}

/** A legend model from a /values or /histogram answer of the server; caveat (data year and
 * "Stand" mark, coverage, catalogue notes) and the official Germany value come from the server. */
export function serverLegend(answer, title, decimals) {
  const lg = answer?.legend ?? {};
  const s = answer?.stats;
  const num = (v) => formatNumber(v, decimals);
  const flagged = (lg.flags ?? []).filter((f) => f.has_value && f.count);
  const cv = answer?.caveat;
  const g = answer?.germany;
  return {
    title,
    meta: [answer?.year, answer?.level && t('level_' + answer.level), lg.method && t('method_' + lg.method)].filter(Boolean).join(' · '),
    methodHref: ['quantile', 'equal', 'jenks', 'stddev', 'manual'].includes(lg.method) ? `${de('', '/en')}/methods/classification/${lg.method}` : '',
    stand: cv?.stand ? de(cv.stand, `as of ${cv.year}`) : '',
    caveat: cv ? coverageText(cv) : '',
    notes: cv?.notes ?? '', // the catalogue's notes: data, in German
    germany: g ? `${de('Deutschland', 'Germany')} ${g.year}: ${num(g.value)} (${t('basis_' + g.basis)})` : '',
    unit: unitText(lg.unit),
    rows: (lg.classes ?? []).map((c) => ({ color: c.color, label: localNumbers(c.label), count: c.count })),
    noData: lg.no_data ? { color: lg.no_data.color, label: getLang() === 'de' && lg.no_data.label ? lg.no_data.label : t('no_data'), count: lg.no_data.count } : null,
    stats: s && typeof s.min === 'number' ? t('stats', num(s.min), num(s.median), num(s.max), t('level_' + answer.level)) : '',
    note: [
      lg.stddev ? t('stddev_note', num(lg.stddev.mean), num(lg.stddev.sd)) : '',
      lg.fixed?.years?.length ? t('fixed_note', lg.fixed.years[0], lg.fixed.years[lg.fixed.years.length - 1]) : '',
      ...flagged.map((f) => `${f.label}: ${formatNumber(f.count)}`),
    ].filter(Boolean).join(' · '),
  };
}

/** Renders a legend model {title, meta, stand, unit, rows:[{color,label,count}], noData, stats, note, germany, caveat, notes}; null clears. */
export function renderLegend(root, model) {
  if (!root) return;
  root.replaceChildren();
  if (!model) return;
  const list = h('ul', 'legend__list');
  list.append(h('li', 'legend__head', h('span', null, model.unit ? t('unit', model.unit) : ''), h('span', null, t('count'))));
  for (const c of model.rows ?? []) list.append(row(c.color, c.label, c.count));
  if (model.noData) list.append(row(model.noData.color, model.noData.label, model.noData.count, 'legend__row--nodata'));
  fill(root,
    h('h2', 'legend__title', model.title ?? ''),
    model.meta ? h('p', 'legend__meta', model.meta, model.stand ? h('strong', 'legend__stand', ` · ${model.stand}`) : null) : null,
    list,
    model.stats ? h('p', 'legend__stats', model.stats) : null,
    model.note ? h('p', 'legend__stats', model.note) : null,
    model.methodHref ? h('p', 'legend__stats', ha('a', null, { href: model.methodHref, target: '_blank', rel: 'noopener' }, de('Methode erklärt', 'How the classes are made'))) : null,
    model.germany ? h('p', 'legend__stats legend__germany', model.germany) : null,
    model.caveat || model.notes ? h('p', 'legend__stats legend__caveat', model.caveat, model.caveat && model.notes ? ' — ' : null,
      model.notes ? ha('span', null, { lang: 'de' }, model.notes) : null) : null,
  );
}

/**
 * The map view of an answer whose regions the server classed ({key, class} with its legend): the
 * fill from the server's colours, text(region) for a region in the answer, missing for the others.
 */
export function classedMapView(id, data, { text, missing, legend }) {
  const byKey = new Map((data.regions ?? []).map((r) => [r.key, r]));
  return {
    id,
    level: data.level,
    fill: (key) => {
      const r = byKey.get(key);
      return r ? classColor(r.class, data.legend) : null;
    },
    valueText: (key) => {
      const r = byKey.get(key);
      return r ? text(r) : missing;
    },
    legend: { ...legend, rows: (data.legend.classes ?? []).map((c) => ({ color: c.color, label: c.label, count: c.count })) },
    attribution: data.attribution ?? [],
  };
}
