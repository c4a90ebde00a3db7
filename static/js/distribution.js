// distribution.js: the distribution-key view — a key from population and capacity indicators with
// weight sliders, compared with the Königsteiner Schlüssel (Länder) or the population share
// (Kreise of one Land): a difference map in percentage points (the server's classes, diverging
// PuOr) and a table with
// persons for N arrivals and the sensitivity band.
import * as api from './api.js';
import { t, h, ha, button, localized, formatNumber, formatSigned, parseNumber, getLang } from './i18n.js';
import { indicatorOptions } from './controls.js';
import { classColor } from './legend.js';
import { LANDS, sortRows, sortHeader, refocusSort } from './table.js';
import { PART_COLORS } from './indexbuilder.js';

const MAX_WEIGHT = 5;

/** Counts (aggregation "sum", persons, dwellings) and capacity indicators can form a key. */
export const eligible = (ind) =>
  ind.aggregation === 'sum' || ind.direction === 'capacity' || (ind.decimals === 0 && ['Personen', 'Wohnungen'].includes(ind.unit));

export const defaultDistWeights = (indicators) => (indicators.some((i) => i.id === 'population') ? [{ id: 'population', w: 1 }] : []);

/**
 * initDistribution(root, ctx): ctx = {state, indicator(id), update(patch), onSelect(key, opts)}.
 * Returns {load(), render(), mapView()}.
 */
export function initDistribution(root, ctx) {
  let data = null;
  let sig = '';
  let ctrl = null;
  let error = '';
  let timer = 0;
  let sort = { col: 'diff', dir: 'desc' };

  async function load() {
    const s = ctx.state;
    const want = `${s.dland}|${api.weightsParam(s.dweights)}|${s.arrivals}|${s.ks}`;
    if (!api.weightsParam(s.dweights)) {
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
      data = await api.fetchDistribution(s, mine.signal);
    } catch (err) {
      if (err.name === 'AbortError') return;
      data = null;
      error = t('err_load', err.status === 0 ? t('err_network') : err.message);
    }
    if (mine === ctrl) root.setAttribute('aria-busy', 'false');
    render();
  }

  function weightRow(x, i) {
    const ind = ctx.indicator(x.id);
    const title = localized(ind, 'title') || x.id;
    const id = `dw-${x.id}`;
    const dot = h('span', 'chip__dot');
    dot.style.backgroundColor = PART_COLORS[i % PART_COLORS.length];
    const range = ha('input', 'weight__range', { type: 'range', id, min: '0', max: String(MAX_WEIGHT), step: '1', value: String(x.w), 'aria-valuetext': String(x.w) });
    const out = ha('output', 'weight__out', { for: id }, String(x.w));
    range.addEventListener('input', () => {
      out.value = range.value;
      range.setAttribute('aria-valuetext', range.value);
      const dweights = ctx.state.dweights.map((y) => (y.id === x.id ? { id: x.id, w: Number(range.value) } : y));
      ctx.state.dweights = dweights;
      clearTimeout(timer);
      timer = setTimeout(() => ctx.update({ dweights }), 300);
    });
    const remove = button('×', 'chip__remove', () => {
      ctx.update({ dweights: ctx.state.dweights.filter((y) => y.id !== x.id) });
      requestAnimationFrame(() => root.querySelector('#dist-add')?.focus());
    }, { 'aria-label': t('index_remove', title) });
    const comp = data?.components?.find((c) => c.indicator === x.id);
    return h('li', 'weight',
      h('div', 'weight__head', dot, ha('label', 'weight__label', { for: id }, title), remove),
      comp ? h('div', 'weight__meta', [comp.kind && t('kind_' + comp.kind), comp.year].filter(Boolean).join(' · ')) : null,
      h('div', 'weight__control', range, out));
  }

  function table() {
    const s = ctx.state;
    const pct = Math.round((data.sensitivity?.perturbation ?? 0.2) * 100);
    const tbl = ha('table', 'data-table data-table--dist', { id: 'distribution-table' });
    tbl.append(h('caption', null, t('dist_caption', formatNumber(data.arrivals_in_scope ?? data.arrivals ?? 0, 0), data.reference?.label ?? '')));
    // every column sorts (the band by its lower end)
    const columns = [
      { col: 'name', label: t('col_area'), value: (r) => r.name },
      { col: 'share', label: t('col_model'), numeric: true, value: (r) => r.share },
      { col: 'reference', label: t('col_reference'), numeric: true, value: (r) => r.reference },
      { col: 'diff', label: t('col_diff'), numeric: true, value: (r) => r.diff_pp },
      { col: 'persons', label: t('col_persons'), numeric: true, value: (r) => r.persons_rounded },
      { col: 'ref_persons', label: t('col_ref_persons'), numeric: true, value: (r) => r.reference_persons_rounded },
      { col: 'band', label: t('col_band'), numeric: true, value: (r) => r.band?.min },
    ];
    tbl.append(h('thead', null, sortHeader(columns, sort, (next) => {
      sort = next;
      render();
      refocusSort(root);
    })));
    const body = h('tbody');
    const regions = sortRows(data.regions ?? [], columns, sort);
    const fixedBand = (data.regions ?? []).every((r) => formatNumber(r.band?.min, 2) === formatNumber(r.band?.max, 2));
    for (const r of regions) {
      const swatch = h('span', 'legend__swatch legend__swatch--small');
      swatch.style.backgroundColor = classColor(r.class, data.legend);
      const pick = button(r.name, 'linklike', (e) => ctx.onSelect(r.key, { name: r.name, zoom: true, opener: e.currentTarget }), { 'aria-current': r.key === s.selected ? 'true' : null });
      // a band that cannot vary (one component, e.g. population only) is not shown as "13,39–13,39"
      const band = fixedBand ? '–' : `${formatNumber(r.band?.min, 2)}–${formatNumber(r.band?.max, 2)}`;
      const pband = !fixedBand && r.persons_band && (data.arrivals ?? 0) > 0 ? `${formatNumber(r.persons_band.min, 0)}–${formatNumber(r.persons_band.max, 0)}` : '';
      const tr = h('tr', r.key === s.selected ? 'is-selected' : null,
        ha('th', null, { scope: 'row' }, swatch, pick),
        h('td', 'num', formatNumber(r.share, 2)),
        h('td', 'num', formatNumber(r.reference, 2)),
        h('td', 'num', formatSigned(r.diff_pp, 2)),
        h('td', 'num', formatNumber(r.persons_rounded, 0)),
        h('td', 'num', formatNumber(r.reference_persons_rounded, 0)),
        h('td', 'num', band, pband ? h('span', 'data-table__sub', pband) : null));
      tr.dataset.key = r.key;
      body.append(tr);
    }
    tbl.append(body);
    return [h('p', 'muted small', t('dist_table_caption', formatNumber(data.arrivals_in_scope ?? data.arrivals ?? 0, 0), pct)),
      fixedBand ? h('p', 'muted small', t('dist_band_fixed', pct)) : null, h('div', 'table-scroll', tbl)];
  }

  function render() {
    const s = ctx.state;
    const scope = ha('select', null, { id: 'dist-scope' });
    scope.append(new Option(t('dist_scope_lands'), ''), ...LANDS.filter(([k]) => !['02', '11'].includes(k)).map(([k, n]) => new Option(t('dist_scope_land', n), k)));
    scope.value = s.dland;
    scope.addEventListener('change', () => ctx.update({ dland: scope.value, selected: null }));

    const arrivals = ha('input', null, { id: 'dist-arrivals', type: 'text', inputmode: 'numeric', value: formatNumber(s.arrivals, 0), autocomplete: 'off' });
    const setArrivals = () => {
      const n = Math.round(parseNumber(arrivals.value.replace(/\./g, '')));
      if (Number.isFinite(n) && n >= 0 && n <= 1e9) ctx.update({ arrivals: n });
    };
    arrivals.addEventListener('change', setArrivals);
    arrivals.addEventListener('keydown', (e) => e.key === 'Enter' && (e.preventDefault(), setArrivals()));

    const ks = ha('select', null, { id: 'dist-ks' });
    const ksInd = ctx.indicator('koenigsteiner_schluessel');
    ks.append(new Option(t('dist_ks_latest'), ''), ...[...(ksInd?.years ?? [])].reverse().map((y) => new Option(String(y), String(y))));
    if (ctx.indicator('koenigsteiner_schluessel_lukifg2025')) ks.append(new Option('2025 (LuKIFG)', 'lukifg2025'));
    ks.value = s.ks;
    ks.disabled = Boolean(s.dland);
    ks.addEventListener('change', () => ctx.update({ ks: ks.value }));

    const chosen = new Set(s.dweights.map((x) => x.id));
    const level = s.dland ? 'kreis' : 'land';
    const add = ha('select', null, { id: 'dist-add' });
    const { options } = indicatorOptions(s.indicators, '', '', (i) => eligible(i) && !chosen.has(i.id) && (i.levels?.includes(level) || i.levels?.includes('kreis') || i.levels?.includes('gemeinde')));
    add.append(new Option(t('index_add_choose'), ''), ...options);
    add.addEventListener('change', () => add.value && ctx.update({ dweights: [...s.dweights, { id: add.value, w: 1 }] }));

    const list = ha('ul', 'weights', { 'aria-label': t('index_components') });
    s.dweights.forEach((x, i) => list.append(weightRow(x, i)));
    const parts = [
      h('p', 'muted', t('dist_intro')),
      h('div', 'field', ha('label', null, { for: 'dist-scope' }, t('dist_scope')), scope),
      h('div', 'field-row',
        h('div', 'field', ha('label', null, { for: 'dist-arrivals' }, t('dist_arrivals')), arrivals),
        h('div', 'field', ha('label', null, { for: 'dist-ks' }, t('dist_ks')), ks)),
      h('h3', 'subhead', t('index_components')),
      list,
      h('div', 'field', ha('label', null, { for: 'dist-add' }, t('index_add')), add, h('p', 'field__hint', t('dist_eligible'))),
    ];
    if (!api.weightsParam(s.dweights)) parts.push(h('p', 'empty', t('index_none')));
    else if (error) parts.push(h('p', 'panel-error', error));
    else if (!data) parts.push(h('p', 'muted', t('loading_short')));
    else {
      parts.push(...table());
      if (data.ks && !s.dland) parts.push(h('p', 'info__src', `${data.ks.label}. ${data.ks.note ?? ''} ${data.ks.attribution ?? ''}`));
      if (data.reference?.note) parts.push(h('p', 'info__src', data.reference.note));
      if (data.sensitivity?.method) parts.push(h('p', 'info__src', data.sensitivity.method));
      for (const n of data.notes ?? []) parts.push(h('p', 'info__src', n));
      parts.push(h('details', 'info__section', {}, h('summary', null, 'Formel / formula'), h('p', 'info__src', data.formula ?? '')));
      parts.push(h('p', 'info__src', ha('a', null, { href: `${getLang() === 'en' ? '/en' : ''}/methods/distribution`, target: '_blank', rel: 'noopener' }, getLang() === 'en' ? 'How the key and its band are calculated' : 'So werden Schlüssel und Band berechnet')));
    }
    const hadFocus = document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : '';
    root.replaceChildren(...parts);
    if (hadFocus) root.querySelector('#' + CSS.escape(hadFocus))?.focus();
  }

  function mapView() {
    if (!data?.legend) return null;
    const byKey = new Map((data.regions ?? []).map((r) => [r.key, r]));
    const lg = data.legend;
    return {
      id: `distribution/${data.level}`,
      level: data.level,
      fill: (key) => {
        const r = byKey.get(key);
        return r ? classColor(r.class, lg) : null;
      },
      valueText: (key) => {
        const r = byKey.get(key);
        return r ? `${formatNumber(r.share, 2)} % · ${t('col_reference')} ${formatNumber(r.reference, 2)} · ${t('pp', formatSigned(r.diff_pp, 2))}` : t('not_in_scope');
      },
      legend: {
        title: t('dist_legend'),
        meta: [data.land?.name ?? t('level_land'), data.reference?.label].filter(Boolean).join(' · '),
        unit: 'pp',
        rows: (lg.classes ?? []).map((c) => ({ color: c.color, label: c.label, count: c.count })).reverse(),
        noData: data.level === 'kreis' ? { color: lg.no_data?.color, label: t('not_in_scope'), count: null } : null,
        stats: t('dist_legend_note'),
      },
      attribution: data.attribution ?? [],
      land: data.land?.key ?? null,
    };
  }

  return { load, render, mapView, get data() { return data; } };
}
