// indexbuilder.js: the capacity-index builder — indicators with weight sliders, scaling method,
// the index map (classes and colours from the server's legend) and each indicator's
// contribution per region (stacked bars; the numbers in the table and the bar titles).
import * as api from './api.js';
import { t, h, ha, button, localized, formatNumber, getLang } from './i18n.js';
import { indicatorOptions } from './controls.js';
import { stackBar } from './chart.js';
import { classedMapView } from './legend.js';
import { sorter, regionTable, regionHeader, regionLabels, landFilter, inLand } from './table.js';
import { loader, replaceKeepingFocus, weightRow, weightSetter } from './panel.js';

// Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
export const PART_COLORS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
export const INDEX_LEVELS = ['land', 'kreis', 'gemeinde'];
export const INDEX_METHODS = ['minmax', 'zscore'];
const DEFAULTS = {
  kreis: ['childcare_under3', 'physician_density', 'living_space_per_capita', 'unemployment_rate', 'rent_level'],
  land: ['unemployment_rate', 'unemployment_rate_foreigners', 'youth_unemployment_rate'],
  gemeinde: ['vacancy_rate_zensus2022', 'rent_zensus2022'],
};
const PAGE = 50;
const de = (deText, enText) => (getLang() === 'de' ? deText : enText);
const partialText = (cov) => de(`nur ${formatNumber(cov.regions)} von ${formatNumber(cov.of)} Gebieten`, `only ${formatNumber(cov.regions)} of ${formatNumber(cov.of)} regions`);

/** Default weights for a level, from the catalogue. */
export function defaultWeights(indicators, level) {
  const ok = (id) => indicators.some((i) => i.id === id && i.levels?.includes(level));
  return (DEFAULTS[level] ?? []).filter(ok).map((id) => ({ id, w: 1 }));
}

/**
 * initIndex(root, ctx): ctx = {state, indicator(id), update(patch), onSelect(key, opts)}.
 * Returns {load(), render(), mapView()}.
 */
export function initIndex(root, ctx) {
  const answer = loader(root, render);
  const sort = sorter(root, { col: 'rank', dir: 'asc' }, render);
  let shown = PAGE;
  const setWeight = weightSetter(ctx, 'weights');

  const colorOfPart = (id) => PART_COLORS[Math.max(0, ctx.state.weights.findIndex((x) => x.id === id)) % PART_COLORS.length];

  function load() {
    const s = ctx.state;
    if (!api.weightsParam(s.weights)) {
      answer.reset();
      return render();
    }
    const want = `${s.ilevel}|${api.weightsParam(s.weights)}|${s.imethod}`;
    return answer.load(want, async (signal) => {
      const data = await api.fetchIndex({ level: s.ilevel, weights: s.weights, method: s.imethod }, signal);
      shown = PAGE;
      return data;
    });
  }

  function componentRow(x, i) {
    const ind = ctx.indicator(x.id);
    const title = localized(ind, 'title') || x.id;
    const comp = answer.data?.components?.find((c) => c.indicator === x.id);
    const cov = (ind?.coverage ?? []).find((c) => c.level === ctx.state.ilevel);
    const partial = ind?.partial && cov ? partialText(cov) : '';
    return weightRow({
      id: `w-${x.id}`, title, w: x.w, color: PART_COLORS[i % PART_COLORS.length],
      meta: [ind?.direction === 'need' ? t('need_inverse') : '', comp?.year ? t('index_year', comp.year) : '', partial].filter(Boolean).join(' · '),
      onInput: (w) => setWeight(x.id, w),
      onRemove: () => {
        ctx.update({ weights: ctx.state.weights.filter((y) => y.id !== x.id) });
        requestAnimationFrame(() => root.querySelector('#index-add')?.focus());
      },
    });
  }

  function contributions(region) {
    if (!region) return null;
    const parts = ctx.state.weights.filter((x) => x.w > 0).map((x) => ({
      id: x.id,
      value: region.contributions?.[x.id] ?? 0,
      color: colorOfPart(x.id),
      label: `${localized(ctx.indicator(x.id), 'title')}: ${formatNumber(region.contributions?.[x.id] ?? 0, 1)}`,
    }));
    const list = h('ul', 'contrib');
    for (const p of parts) {
      const dot = h('span', 'chip__dot');
      dot.style.backgroundColor = p.color;
      list.append(h('li', null, dot, h('span', null, localized(ctx.indicator(p.id), 'title')), h('span', 'num', formatNumber(p.value, 1))));
    }
    return h('div', 'contrib-box',
      h('h3', 'subhead', t('index_contrib_of', region.name), h('span', 'contrib__total', ` ${formatNumber(region.index, 1)}`)),
      stackBar(parts, 100, { width: 280, height: 16, title: region.name }),
      list);
  }

  function table(data) {
    // every column sorts (the contributions by the first component's); Kreise and Gemeinden filter by Land
    const first = ctx.state.weights.find((x) => x.w > 0)?.id;
    const label = regionLabels(data.regions ?? []); // the name column sorts by what it shows
    const columns = [
      { col: 'rank', label: t('col_rank'), numeric: true, value: (r) => r.rank },
      { col: 'name', label: t('col_area'), value: label },
      { col: 'index', label: t('index_value'), numeric: true, value: (r) => r.index },
      { col: 'contrib', label: t('index_contrib'), numeric: true, value: (r) => r.contributions?.[first] ?? null },
    ];
    const byLand = ctx.state.ilevel === 'land' ? '' : ctx.state.iland;
    const regions = sort.rows((data.regions ?? []).filter((r) => inLand(r.key, byLand)), columns);
    const sel = ctx.state.selected;
    const cells = (r) => {
      const parts = ctx.state.weights.filter((x) => x.w > 0).map((x) => ({
        value: r.contributions?.[x.id] ?? 0,
        color: colorOfPart(x.id),
        label: `${localized(ctx.indicator(x.id), 'title')}: ${formatNumber(r.contributions?.[x.id] ?? 0, 1)}`,
      }));
      return [
        h('td', 'num', formatNumber(r.rank)),
        regionHeader(r, sel, ctx.onSelect, { label: label(r) }),
        h('td', 'num', formatNumber(r.index, 1)),
        h('td', null, stackBar(parts, 100, { width: 90, height: 10 }), h('span', 'visually-hidden', parts.map((p) => p.label).join('; '))),
      ];
    };
    const tbl = regionTable({ id: 'index-table', caption: t('index_table_caption', t('level_' + ctx.state.ilevel)), columns, sort, selected: sel, rows: regions.slice(0, shown), cells });
    const more = shown < regions.length ? button(t('ranking_more', Math.min(PAGE, regions.length - shown)), 'button', () => { shown += PAGE; render(); }) : null;
    const filter = ctx.state.ilevel === 'land' ? null : landFilter('index-land', ctx.state.iland, (v) => {
      shown = PAGE;
      ctx.update({ iland: v }); // the CSV link follows
      root.querySelector('#index-land')?.focus();
    });
    return [filter, tbl, more];
  }

  function render() {
    const s = ctx.state;
    const levelSel = ha('select', null, { id: 'index-level' });
    levelSel.append(...INDEX_LEVELS.map((l) => new Option(t('level_' + l), l)));
    levelSel.value = s.ilevel;
    levelSel.addEventListener('change', () => ctx.update({ ilevel: levelSel.value, weights: defaultWeights(s.indicators, levelSel.value) }));
    const methodSel = ha('select', null, { id: 'index-method' });
    methodSel.append(...INDEX_METHODS.map((m) => new Option(t('method_' + m), m)));
    methodSel.value = s.imethod;
    methodSel.addEventListener('change', () => ctx.update({ imethod: methodSel.value }));

    const chosen = new Set(s.weights.map((x) => x.id));
    const add = ha('select', null, { id: 'index-add' });
    const offer = (i) => i.levels?.includes(s.ilevel) && !chosen.has(i.id) && i.direction !== 'context';
    const { options } = indicatorOptions(s.indicators, '', '', (i) => offer(i) && !i.partial);
    // Partial-coverage sources only when added knowingly: they shrink the index to the covered regions.
    const partialGroup = document.createElement('optgroup');
    partialGroup.label = de('Nur Teilabdeckung – verkleinert den Index auf die abgedeckten Gebiete', 'Partial coverage only – shrinks the index to the covered regions');
    for (const i of s.indicators.filter((x) => offer(x) && x.partial)) {
      const cov = (i.coverage ?? []).find((c) => c.level === s.ilevel);
      partialGroup.append(new Option(`${localized(i, 'title') || i.id} (${cov ? partialText(cov) : ''})`, i.id));
    }
    add.append(new Option(t('index_add_choose'), ''), ...options, ...(partialGroup.children.length ? [partialGroup] : []));
    add.addEventListener('change', () => {
      if (!add.value) return;
      ctx.update({ weights: [...s.weights, { id: add.value, w: 1 }] });
      requestAnimationFrame(() => root.querySelector(`#w-${CSS.escape(add.value)}`)?.focus());
    });

    const list = ha('ul', 'weights', { 'aria-label': t('index_components') });
    s.weights.forEach((x, i) => list.append(componentRow(x, i)));
    const parts = [
      h('p', 'muted', t('index_intro')),
      h('div', 'field-row',
        h('div', 'field', ha('label', null, { for: 'index-level' }, t('index_level')), levelSel),
        h('div', 'field', ha('label', null, { for: 'index-method' }, t('index_method')), methodSel)),
      h('h3', 'subhead', t('index_components')),
      list,
      h('div', 'field', ha('label', null, { for: 'index-add' }, t('index_add')), add),
    ];
    const data = answer.data;
    if (!api.weightsParam(s.weights)) parts.push(h('p', 'empty', t('index_none')));
    else if (answer.error) parts.push(...answer.errorParts(load));
    else if (!data) parts.push(h('p', 'muted', t('loading_short')));
    else {
      const focus = data.regions.find((r) => r.key === s.selected) ?? data.regions[0];
      parts.push(contributions(focus));
      if (data.incomplete?.length) parts.push(h('p', 'muted small', t('index_incomplete', formatNumber(data.incomplete.length))));
      parts.push(...table(data), h('details', 'info__section', h('summary', null, t('hr_formula')), h('p', 'info__src', data.formula ?? '')),
        h('p', 'info__src', ha('a', null, { href: `${getLang() === 'en' ? '/en' : ''}/methods/index`, target: '_blank', rel: 'noopener' }, getLang() === 'en' ? 'How the index is calculated' : 'So wird der Index berechnet')));
    }
    replaceKeepingFocus(root, parts);
  }

  /** What the map shows for the index: level, colour per key, legend model, attribution. */
  function mapView() {
    const data = answer.data;
    if (!data?.legend) return null;
    return classedMapView(`index/${data.level}`, data, {
      text: (r) => `${t('index_value')} ${formatNumber(r.index, 1)} · ${t('col_rank')} ${formatNumber(r.rank)}`,
      missing: t('no_data'),
      legend: {
        title: t('index_legend'),
        meta: [t('level_' + data.level), t('method_' + data.method), t('method_quantile')].join(' · '),
        unit: '',
        noData: { color: data.legend.no_data?.color, label: t('no_data'), count: (data.incomplete ?? []).length },
        stats: s2(data),
      },
    });
  }

  const s2 = (d) => (d.components ?? []).map((c) => `${c.title} ×${formatNumber(c.weight)}`).join(' · ');

  return { load, render, mapView, get data() { return answer.data; } };
}
