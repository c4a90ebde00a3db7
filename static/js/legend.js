// legend.js: the legend box, built from the choropleth response. Colours, class labels
// and counts are the server's, used as given.
import { t, h, getLang, localized, formatNumber } from './i18n.js';

/** Fill colour of a feature's class; null/unknown class = the no-data colour. */
export function colorFor(cls, legend) {
  const c = Number.isInteger(cls) ? legend?.classes?.[cls] : null;
  return c?.color || legend?.no_data?.color || '#d9d9d9';
}

function row(color, label, count, extraClass) {
  const swatch = h('span', 'legend__swatch');
  swatch.style.backgroundColor = color; // CSSOM, allowed by the CSP (no style attribute)
  const n = typeof count === 'number' ? formatNumber(count) : '';
  return h('li', 'legend__row' + (extraClass ? ' ' + extraClass : ''), swatch, h('span', 'legend__label', label ?? ''), h('span', 'legend__count', n));
}

export function renderLegend(root, fc) {
  if (!root) return;
  root.replaceChildren();
  if (!fc) return;
  const ind = fc.indicator ?? {};
  const lg = fc.legend ?? {};
  const unit = lg.unit ?? ind.unit;
  const meta = [fc.year, t('level_' + fc.level), lg.method && t('method_' + lg.method)].filter(Boolean).join(' · ');

  const list = h('ul', 'legend__list');
  list.append(h('li', 'legend__head', h('span', null, unit ? t('unit', unit) : ''), h('span', null, t('count'))));
  for (const c of lg.classes ?? []) list.append(row(c.color, c.label, c.count));
  if (lg.no_data) {
    const label = getLang() === 'de' && lg.no_data.label ? lg.no_data.label : t('no_data');
    list.append(row(lg.no_data.color, label, lg.no_data.count, 'legend__row--nodata'));
  }

  const s = fc.stats;
  const num = (v) => formatNumber(v, ind.decimals);
  root.append(
    h('h2', 'legend__title', localized(ind, 'title')),
    h('p', 'legend__meta', meta),
    list,
    s && typeof s.min === 'number' ? h('p', 'legend__stats', t('stats', num(s.min), num(s.mean), num(s.max))) : null,
  );
}
