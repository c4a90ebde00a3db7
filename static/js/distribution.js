// distribution.js: the distribution-key view — a key from population and capacity indicators with
// weight sliders, compared with the Königsteiner Schlüssel (Länder) or the population share
// (Kreise of one Land): a difference map in percentage points (the server's classes, diverging
// PuOr) and a table with
// persons for N arrivals and the sensitivity band.
import * as api from './api.js';
import { t, h, ha, localized, formatNumber, formatSigned, getLang } from './i18n.js';
import { indicatorOptions } from './controls.js';
import { classColor, classedMapView } from './legend.js';
import { sorter, regionTable, regionHeader } from './table.js';
import { loader, replaceKeepingFocus, scopeField, arrivalsField, weightRow as panelWeightRow, weightSetter } from './panel.js';
import { PART_COLORS } from './indexbuilder.js';


/** Counts (aggregation "sum", persons, dwellings) and capacity indicators can form a key. */
export const eligible = (ind) =>
  ind.aggregation === 'sum' || ind.direction === 'capacity' || (ind.decimals === 0 && ['Personen', 'Wohnungen'].includes(ind.unit));

export const defaultDistWeights = (indicators) => (indicators.some((i) => i.id === 'population') ? [{ id: 'population', w: 1 }] : []);

/**
 * initDistribution(root, ctx): ctx = {state, indicator(id), update(patch), onSelect(key, opts)}.
 * Returns {load(), render(), mapView()}.
 */
export function initDistribution(root, ctx) {
  const answer = loader(root, render);
  const sort = sorter(root, { col: 'diff', dir: 'desc' }, render);
  const setWeight = weightSetter(ctx, 'dweights');

  function load() {
    const s = ctx.state;
    if (!api.weightsParam(s.dweights)) {
      answer.reset();
      return render();
    }
    const want = `${s.dland}|${api.weightsParam(s.dweights)}|${s.arrivals}|${s.ks}`;
    return answer.load(want, (signal) => api.fetchDistribution(s, signal));
  }

  function weightRow(x, i) {
    const title = localized(ctx.indicator(x.id), 'title') || x.id;
    const comp = answer.data?.components?.find((c) => c.indicator === x.id);
    return panelWeightRow({
      id: `dw-${x.id}`, title, w: x.w, color: PART_COLORS[i % PART_COLORS.length],
      meta: comp ? [comp.kind && t('kind_' + comp.kind), comp.year].filter(Boolean).join(' · ') : '',
      onInput: (w) => setWeight(x.id, w),
      onRemove: () => {
        ctx.update({ dweights: ctx.state.dweights.filter((y) => y.id !== x.id) });
        requestAnimationFrame(() => root.querySelector('#dist-add')?.focus());
      },
    });
  }

  function table(data) {
    const s = ctx.state;
    const pct = Math.round((data.sensitivity?.perturbation ?? 0.2) * 100);
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
    const fixedBand = (data.regions ?? []).every((r) => formatNumber(r.band?.min, 2) === formatNumber(r.band?.max, 2));
    const cells = (r) => {
      const swatch = h('span', 'legend__swatch legend__swatch--small');
      swatch.style.backgroundColor = classColor(r.class, data.legend);
      // a band that cannot vary (one component, e.g. population only) is not shown as "13,39–13,39"
      const band = fixedBand ? '–' : `${formatNumber(r.band?.min, 2)}–${formatNumber(r.band?.max, 2)}`;
      const pband = !fixedBand && r.persons_band && (data.arrivals ?? 0) > 0 ? `${formatNumber(r.persons_band.min, 0)}–${formatNumber(r.persons_band.max, 0)}` : '';
      return [
        regionHeader(r, s.selected, ctx.onSelect, { before: swatch }),
        h('td', 'num', formatNumber(r.share, 2)),
        h('td', 'num', formatNumber(r.reference, 2)),
        h('td', 'num', formatSigned(r.diff_pp, 2)),
        h('td', 'num', formatNumber(r.persons_rounded, 0)),
        h('td', 'num', formatNumber(r.reference_persons_rounded, 0)),
        h('td', 'num', band, pband ? h('span', 'data-table__sub', pband) : null),
      ];
    };
    return [h('p', 'muted small', t('dist_table_caption', formatNumber(data.arrivals_in_scope ?? data.arrivals ?? 0, 0), pct)),
      fixedBand ? h('p', 'muted small', t('dist_band_fixed', pct)) : null,
      regionTable({
        id: 'distribution-table', className: 'data-table--dist', columns, sort, selected: s.selected, cells,
        caption: t('dist_caption', formatNumber(data.arrivals_in_scope ?? data.arrivals ?? 0, 0), data.reference?.label ?? ''),
        rows: sort.rows(data.regions ?? [], columns),
      })];
  }

  function render() {
    const s = ctx.state;
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
      scopeField('dist-scope', s.dland, t('dist_scope_lands'), (dland) => ctx.update({ dland, selected: null })),
      h('div', 'field-row',
        arrivalsField('dist-arrivals', s.arrivals, 0, (arrivals) => ctx.update({ arrivals })),
        h('div', 'field', ha('label', null, { for: 'dist-ks' }, t('dist_ks')), ks)),
      h('h3', 'subhead', t('index_components')),
      list,
      h('div', 'field', ha('label', null, { for: 'dist-add' }, t('index_add')), add, h('p', 'field__hint', t('dist_eligible'))),
    ];
    const data = answer.data;
    if (!api.weightsParam(s.dweights)) parts.push(h('p', 'empty', t('index_none')));
    else if (answer.error) parts.push(...answer.errorParts(load));
    else if (!data) parts.push(h('p', 'muted', t('loading_short')));
    else {
      parts.push(...table(data));
      if (data.ks && !s.dland) parts.push(h('p', 'info__src', `${data.ks.label}. ${data.ks.note ?? ''} ${data.ks.attribution ?? ''}`));
      if (data.reference?.note) parts.push(h('p', 'info__src', data.reference.note));
      if (data.sensitivity?.method) parts.push(h('p', 'info__src', data.sensitivity.method));
      for (const n of data.notes ?? []) parts.push(h('p', 'info__src', n));
      parts.push(h('details', 'info__section', h('summary', null, t('hr_formula')), h('p', 'info__src', data.formula ?? '')));
      parts.push(h('p', 'info__src', ha('a', null, { href: `${getLang() === 'en' ? '/en' : ''}/methods/distribution`, target: '_blank', rel: 'noopener' }, getLang() === 'en' ? 'How the key and its band are calculated' : 'So werden Schlüssel und Band berechnet')));
    }
    replaceKeepingFocus(root, parts);
  }

  function mapView() {
    const data = answer.data;
    if (!data?.legend) return null;
    const mv = classedMapView(`distribution/${data.level}`, data, {
      text: (r) => `${formatNumber(r.share, 2)} % · ${t('col_reference')} ${formatNumber(r.reference, 2)} · ${t('pp', formatSigned(r.diff_pp, 2))}`,
      missing: t('not_in_scope'),
      legend: {
        title: t('dist_legend'),
        meta: [data.land?.name ?? t('level_land'), data.reference?.label].filter(Boolean).join(' · '),
        unit: 'pp',
        noData: data.level === 'kreis' ? { color: data.legend.no_data?.color, label: t('not_in_scope'), count: null } : null,
        stats: t('dist_legend_note'),
      },
    });
    mv.legend.rows.reverse();
    return { ...mv, land: data.land?.key ?? null };
  }

  return { load, render, mapView, get data() { return answer.data; } };
}
