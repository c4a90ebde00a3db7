// indexbuilder.js: the capacity-index builder — indicators with weight sliders, scaling method,
// the index map (classes and colours from the server's legend) and each indicator's
// contribution per region (stacked bars; the numbers in the table and the bar titles).
import * as api from './api.js';
import { t, h, ha, button, localized, formatNumber, getLang } from './i18n.js';
import { indicatorOptions } from './controls.js';
import { stackBar } from './chart.js';
import { classColor } from './legend.js';
import { sortRows, sortHeader, refocusSort, landFilter, inLand } from './table.js';

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
const MAX_WEIGHT = 5;

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
  let data = null;
  let sig = '';
  let ctrl = null;
  let error = '';
  let shown = PAGE;
  let timer = 0;
  let sort = { col: 'rank', dir: 'asc' };
  let land = ''; // the table's Land filter (Kreise, Gemeinden)

  const colorOfPart = (id) => PART_COLORS[Math.max(0, ctx.state.weights.findIndex((x) => x.id === id)) % PART_COLORS.length];

  async function load() {
    const s = ctx.state;
    const want = `${s.ilevel}|${api.weightsParam(s.weights)}|${s.imethod}`;
    if (!api.weightsParam(s.weights)) {
      data = null;
      sig = '';
      error = '';
      return render();
    }
    if (want === sig && (data || error)) return render();
    ctrl?.abort();
    const mine = (ctrl = new AbortController());
    sig = want;
    error = '';
    root.setAttribute('aria-busy', 'true');
    try {
      data = await api.fetchIndex({ level: s.ilevel, weights: s.weights, method: s.imethod }, mine.signal);
      shown = PAGE;
    } catch (err) {
      if (err.name === 'AbortError') return;
      data = null;
      error = t('err_load', err.status === 0 ? t('err_network') : err.message);
    }
    if (mine === ctrl) root.setAttribute('aria-busy', 'false');
    render();
  }

  function setWeight(id, w) {
    const weights = ctx.state.weights.map((x) => (x.id === id ? { id, w } : x));
    clearTimeout(timer);
    // the slider moves at once; the request waits until the hand rests
    ctx.state.weights = weights;
    timer = setTimeout(() => ctx.update({ weights }), 300);
  }

  function componentRow(x, i) {
    const ind = ctx.indicator(x.id);
    const title = localized(ind, 'title') || x.id;
    const id = `w-${x.id}`;
    const dot = h('span', 'chip__dot');
    dot.style.backgroundColor = PART_COLORS[i % PART_COLORS.length];
    const range = ha('input', 'weight__range', { type: 'range', id, min: '0', max: String(MAX_WEIGHT), step: '1', value: String(x.w), 'aria-valuetext': String(x.w) });
    const out = ha('output', 'weight__out', { for: id }, String(x.w));
    range.addEventListener('input', () => {
      out.value = range.value;
      range.setAttribute('aria-valuetext', range.value);
      setWeight(x.id, Number(range.value));
    });
    const comp = data?.components?.find((c) => c.indicator === x.id);
    const remove = button('×', 'chip__remove', () => {
      ctx.update({ weights: ctx.state.weights.filter((y) => y.id !== x.id) });
      requestAnimationFrame(() => root.querySelector('#index-add')?.focus());
    }, { 'aria-label': t('index_remove', title) });
    const cov = (ind?.coverage ?? []).find((c) => c.level === ctx.state.ilevel);
    const partial = ind?.partial && cov ? partialText(cov) : '';
    const meta = [ind?.direction === 'need' ? t('need_inverse') : '', comp?.year ? t('index_year', comp.year) : '', partial].filter(Boolean).join(' · ');
    return h('li', 'weight',
      h('div', 'weight__head', dot, ha('label', 'weight__label', { for: id }, title), remove),
      meta ? h('div', 'weight__meta', meta) : null,
      h('div', 'weight__control', range, out));
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

  function table() {
    // every column sorts (the contributions by the first component's); Kreise and Gemeinden filter by Land
    const first = ctx.state.weights.find((x) => x.w > 0)?.id;
    const columns = [
      { col: 'rank', label: t('col_rank'), numeric: true, value: (r) => r.rank },
      { col: 'name', label: t('col_area'), value: (r) => r.name },
      { col: 'index', label: t('index_value'), numeric: true, value: (r) => r.index },
      { col: 'contrib', label: t('index_contrib'), numeric: true, value: (r) => r.contributions?.[first] ?? null },
    ];
    const byLand = ctx.state.ilevel === 'land' ? '' : land;
    const regions = sortRows((data.regions ?? []).filter((r) => inLand(r.key, byLand)), columns, sort);
    const tbl = ha('table', 'data-table', { id: 'index-table' });
    tbl.append(h('caption', null, t('index_table_caption', t('level_' + ctx.state.ilevel))));
    tbl.append(h('thead', null, sortHeader(columns, sort, (next) => {
      sort = next;
      render();
      refocusSort(root);
    })));
    const body = h('tbody');
    const sel = ctx.state.selected;
    for (const r of regions.slice(0, shown)) {
      const parts = ctx.state.weights.filter((x) => x.w > 0).map((x) => ({
        value: r.contributions?.[x.id] ?? 0,
        color: colorOfPart(x.id),
        label: `${localized(ctx.indicator(x.id), 'title')}: ${formatNumber(r.contributions?.[x.id] ?? 0, 1)}`,
      }));
      const pick = button(r.name, 'linklike', (e) => ctx.onSelect(r.key, { name: r.name, zoom: true, opener: e.currentTarget }), { 'aria-current': r.key === sel ? 'true' : null });
      const tr = h('tr', r.key === sel ? 'is-selected' : null,
        h('td', 'num', formatNumber(r.rank)),
        ha('th', null, { scope: 'row' }, pick),
        h('td', 'num', formatNumber(r.index, 1)),
        h('td', null, stackBar(parts, 100, { width: 90, height: 10 }), h('span', 'visually-hidden', parts.map((p) => p.label).join('; '))));
      tr.dataset.key = r.key;
      body.append(tr);
    }
    tbl.append(body);
    const more = shown < regions.length ? button(t('ranking_more', Math.min(PAGE, regions.length - shown)), 'button', () => { shown += PAGE; render(); }) : null;
    const filter = ctx.state.ilevel === 'land' ? null : landFilter('index-land', land, (v) => {
      land = v;
      shown = PAGE;
      render();
      root.querySelector('#index-land')?.focus();
    });
    return [filter, h('div', 'table-scroll', tbl), more];
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
    if (!api.weightsParam(s.weights)) parts.push(h('p', 'empty', t('index_none')));
    else if (error) parts.push(h('p', 'panel-error', error));
    else if (!data) parts.push(h('p', 'muted', t('loading_short')));
    else {
      const focus = data.regions.find((r) => r.key === s.selected) ?? data.regions[0];
      parts.push(contributions(focus));
      if (data.incomplete?.length) parts.push(h('p', 'muted small', t('index_incomplete', formatNumber(data.incomplete.length))));
      parts.push(...table(), h('details', 'info__section', {}, h('summary', null, 'Formel / formula'), h('p', 'info__src', data.formula ?? '')),
        h('p', 'info__src', ha('a', null, { href: `${getLang() === 'en' ? '/en' : ''}/methods/index`, target: '_blank', rel: 'noopener' }, getLang() === 'en' ? 'How the index is calculated' : 'So wird der Index berechnet')));
    }
    const hadFocus = document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : '';
    root.replaceChildren(...parts.filter(Boolean));
    if (hadFocus) root.querySelector('#' + CSS.escape(hadFocus))?.focus();
  }

  /** What the map shows for the index: level, colour per key, legend model, attribution. */
  function mapView() {
    if (!data?.legend) return null;
    const byKey = new Map((data.regions ?? []).map((r) => [r.key, r]));
    const unscored = (data.incomplete ?? []).length;
    const lg = data.legend;
    return {
      id: `index/${data.level}`,
      level: data.level,
      fill: (key) => {
        const r = byKey.get(key);
        return r ? classColor(r.class, lg) : null;
      },
      valueText: (key) => {
        const r = byKey.get(key);
        return r ? `${t('index_value')} ${formatNumber(r.index, 1)} · ${t('col_rank')} ${formatNumber(r.rank)}` : t('no_data');
      },
      legend: {
        title: t('index_legend'),
        meta: [t('level_' + data.level), t('method_' + data.method), t('method_quantile')].join(' · '),
        unit: '',
        rows: (lg.classes ?? []).map((c) => ({ color: c.color, label: c.label, count: c.count })),
        noData: { color: lg.no_data?.color, label: t('no_data'), count: unscored },
        stats: s2(data),
      },
      attribution: data.attribution ?? [],
    };
  }

  const s2 = (d) => (d.components ?? []).map((c) => `${c.title} ×${formatNumber(c.weight)}`).join(' · ');

  return { load, render, mapView, get data() { return data; } };
}
