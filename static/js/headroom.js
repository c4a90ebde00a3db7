// headroom.js: the headroom view (GET /api/v1/headroom) — a capacity count (derived vacant
// dwellings) against the arrivals a distribution key assigns to each Land, or to each Kreis of one
// Land: a plain explanation, a table that sorts by every column and a map of capacity per arrival
// in the server's classes; the browser computes nothing but the sort order.
import * as api from './api.js';
import { t, h, ha, formatNumber } from './i18n.js';
import { sorter, regionTable, regionHeader, regionLabels } from './table.js';
import { loader, replaceKeepingFocus, scopeField, arrivalsField } from './panel.js';
import { classedMapView } from './legend.js';

export const HEADROOM_KEYS = ['ks', 'population', 'model'];

/**
 * initHeadroom(root, ctx): ctx = {state, update(patch), onSelect(key, opts)}.
 * Returns {load(), render()}.
 */
export function initHeadroom(root, ctx) {
  const answer = loader(root, render);
  const sort = sorter(root, { col: 'cpa', dir: 'asc' }, render); // the least headroom first

  function load() {
    const s = ctx.state;
    const want = `${s.hland}|${s.hkey}|${s.arrivals}|${s.ks}|${s.hkey === 'model' ? api.weightsParam(s.dweights) : ''}`;
    return answer.load(want, (signal) => api.fetchHeadroom(s, signal), { clear: true });
  }

  function table(data) {
    const s = ctx.state;
    const label = regionLabels(data.regions ?? []); // the name column sorts by what it shows
    const columns = [
      { col: 'name', label: t('col_area'), value: label },
      { col: 'capacity', label: t('hr_col_capacity'), numeric: true, value: (r) => r.capacity },
      { col: 'share', label: t('hr_col_share'), numeric: true, value: (r) => r.share },
      { col: 'expected', label: t('hr_col_expected'), numeric: true, value: (r) => r.expected_arrivals },
      { col: 'cpa', label: t('hr_col_cpa'), numeric: true, value: (r) => r.capacity_per_arrival },
      { col: 'apc', label: t('hr_col_apc'), numeric: true, value: (r) => r.arrivals_per_capacity },
    ];
    return regionTable({
      id: 'headroom-table', className: 'data-table--headroom', columns, sort, selected: s.selected,
      caption: t('hr_caption', formatNumber(data.arrivals_in_scope ?? data.arrivals ?? 0, 0), data.capacity?.title ?? '', data.capacity?.year ?? '', data.key?.label ?? ''),
      rows: sort.rows(data.regions ?? [], columns),
      cells: (r) => [
        regionHeader(r, s.selected, ctx.onSelect, { label: label(r) }),
        h('td', 'num', r.capacity === null ? t('no_data') : formatNumber(r.capacity, 0)),
        h('td', 'num', formatNumber(r.share, 2)),
        h('td', 'num', formatNumber(r.expected_arrivals, 0)),
        h('td', 'num', r.capacity_per_arrival === null ? '–' : formatNumber(r.capacity_per_arrival, 2)),
        h('td', 'num', r.arrivals_per_capacity === null ? '–' : formatNumber(r.arrivals_per_capacity, 2)),
      ],
    });
  }

  function render() {
    const s = ctx.state;
    const key = ha('select', null, { id: 'hr-key' });
    key.append(...HEADROOM_KEYS.map((k) => new Option(t('hr_key_' + k), k)));
    key.value = s.hkey;
    key.addEventListener('change', () => ctx.update({ hkey: key.value }));

    const parts = [
      h('p', null, t('hr_intro')),
      h('p', 'muted small', t('hr_read')),
      scopeField('hr-scope', s.hland, t('hr_scope_lands'), (hland) => ctx.update({ hland, selected: null })),
      h('div', 'field-row',
        arrivalsField('hr-arrivals', s.arrivals, 1, (arrivals) => ctx.update({ arrivals })),
        h('div', 'field', ha('label', null, { for: 'hr-key' }, t('hr_key')), key)),
      s.hkey === 'model' ? h('p', 'field__hint', t('hr_key_model_hint')) : null,
    ];
    const data = answer.data;
    if (answer.error) parts.push(...answer.errorParts(load));
    else if (!data) parts.push(h('p', 'muted', t('loading_short')));
    else {
      parts.push(table(data));
      if (data.key?.note) parts.push(ha('p', 'info__src', { lang: 'de' }, data.key.note));
      for (const n of data.notes ?? []) parts.push(ha('p', 'info__src', { lang: 'de' }, n));
      if (data.missing_capacities?.length) {
        parts.push(h('h3', 'subhead', t('hr_missing')),
          ha('ul', 'info__src', { lang: 'de' }, ...data.missing_capacities.map((m) => h('li', null, m.note))));
      }
      parts.push(h('p', 'info__src', (data.attribution ?? []).filter(Boolean).join(' · ')));
      parts.push(h('details', 'info__section', h('summary', null, t('hr_formula')), h('p', 'info__src', data.formula ?? '')));
    }
    replaceKeepingFocus(root, parts);
  }

  /** The map beside the table: capacity per arrival in the server's classes (more is darker). */
  function mapView() {
    const data = answer.data;
    if (!data?.legend) return null;
    const mv = classedMapView(`headroom/${data.level}/${ctx.state.hland}`, data, {
      text: (r) => (r.capacity_per_arrival === null ? t('no_data') : `${t('hr_col_cpa')}: ${formatNumber(r.capacity_per_arrival, 2)}`),
      missing: t('not_in_scope'),
      legend: {
        title: t('hr_col_cpa'),
        meta: [data.land?.name ?? t('level_land'), data.key?.label].filter(Boolean).join(' · '),
        unit: '',
        noData: { color: data.legend.no_data?.color, label: t('no_data'), count: data.legend.no_data?.count ?? null },
        stats: t('hr_map_note'),
      },
    });
    mv.legend.rows.reverse();
    return { ...mv, land: ctx.state.hland || null };
  }

  return { load, render, mapView, get data() { return answer.data; } };
}
