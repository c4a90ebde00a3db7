// headroom.js: the headroom view (GET /api/v1/headroom) — a capacity count (derived vacant
// dwellings) against the arrivals a distribution key assigns to each Land, or to each Kreis of one
// Land: a plain explanation and a table that sorts by every column. The API gives no classes for
// this measure, so the view is a table only; the browser computes nothing but the sort order.
import * as api from './api.js';
import { t, h, ha, button, formatNumber, parseNumber } from './i18n.js';
import { LANDS, sortRows, sortHeader, refocusSort } from './table.js';

export const HEADROOM_KEYS = ['ks', 'population', 'model'];

/**
 * initHeadroom(root, ctx): ctx = {state, update(patch), onSelect(key, opts)}.
 * Returns {load(), render()}.
 */
export function initHeadroom(root, ctx) {
  let data = null;
  let sig = '';
  let ctrl = null;
  let error = '';
  let sort = { col: 'cpa', dir: 'asc' }; // the least headroom first

  async function load() {
    const s = ctx.state;
    const want = `${s.hland}|${s.hkey}|${s.arrivals}|${s.ks}|${s.hkey === 'model' ? api.weightsParam(s.dweights) : ''}`;
    if (want === sig && (data || error)) return render();
    ctrl?.abort();
    const mine = (ctrl = new AbortController());
    sig = want;
    error = '';
    data = null;
    render();
    root.setAttribute('aria-busy', 'true');
    try {
      data = await api.fetchHeadroom(s, mine.signal);
    } catch (err) {
      if (err.name === 'AbortError') return;
      data = null;
      error = t('err_load', err.status === 0 ? t('err_network') : err.message);
    }
    if (mine === ctrl) root.setAttribute('aria-busy', 'false');
    render();
  }

  function table() {
    const s = ctx.state;
    const tbl = ha('table', 'data-table data-table--headroom', { id: 'headroom-table' });
    tbl.append(h('caption', null, t('hr_caption', formatNumber(data.arrivals_in_scope ?? data.arrivals ?? 0, 0), data.capacity?.title ?? '', data.capacity?.year ?? '', data.key?.label ?? '')));
    const columns = [
      { col: 'name', label: t('col_area'), value: (r) => r.name },
      { col: 'capacity', label: t('hr_col_capacity'), numeric: true, value: (r) => r.capacity },
      { col: 'share', label: t('hr_col_share'), numeric: true, value: (r) => r.share },
      { col: 'expected', label: t('hr_col_expected'), numeric: true, value: (r) => r.expected_arrivals },
      { col: 'cpa', label: t('hr_col_cpa'), numeric: true, value: (r) => r.capacity_per_arrival },
      { col: 'apc', label: t('hr_col_apc'), numeric: true, value: (r) => r.arrivals_per_capacity },
    ];
    tbl.append(h('thead', null, sortHeader(columns, sort, (next) => {
      sort = next;
      render();
      refocusSort(root);
    })));
    const body = h('tbody');
    for (const r of sortRows(data.regions ?? [], columns, sort)) {
      const pick = button(r.name, 'linklike', (e) => ctx.onSelect(r.key, { name: r.name, zoom: true, opener: e.currentTarget }), { 'aria-current': r.key === s.selected ? 'true' : null });
      const tr = h('tr', r.key === s.selected ? 'is-selected' : null,
        ha('th', null, { scope: 'row' }, pick),
        h('td', 'num', r.capacity === null ? t('no_data') : formatNumber(r.capacity, 0)),
        h('td', 'num', formatNumber(r.share, 2)),
        h('td', 'num', formatNumber(r.expected_arrivals, 0)),
        h('td', 'num', r.capacity_per_arrival === null ? '–' : formatNumber(r.capacity_per_arrival, 2)),
        h('td', 'num', r.arrivals_per_capacity === null ? '–' : formatNumber(r.arrivals_per_capacity, 2)));
      tr.dataset.key = r.key;
      body.append(tr);
    }
    tbl.append(body);
    return h('div', 'table-scroll', tbl);
  }

  function render() {
    const s = ctx.state;
    const scope = ha('select', null, { id: 'hr-scope' });
    scope.append(new Option(t('hr_scope_lands'), ''), ...LANDS.filter(([k]) => !['02', '11'].includes(k)).map(([k, n]) => new Option(t('dist_scope_land', n), k)));
    scope.value = s.hland;
    scope.addEventListener('change', () => ctx.update({ hland: scope.value, selected: null }));

    const key = ha('select', null, { id: 'hr-key' });
    key.append(...HEADROOM_KEYS.map((k) => new Option(t('hr_key_' + k), k)));
    key.value = s.hkey;
    key.addEventListener('change', () => ctx.update({ hkey: key.value }));

    const arrivals = ha('input', null, { id: 'hr-arrivals', type: 'text', inputmode: 'numeric', value: formatNumber(s.arrivals, 0), autocomplete: 'off' });
    const setArrivals = () => {
      const n = Math.round(parseNumber(arrivals.value.replace(/\./g, '')));
      if (Number.isFinite(n) && n >= 1 && n <= 1e9) ctx.update({ arrivals: n });
    };
    arrivals.addEventListener('change', setArrivals);
    arrivals.addEventListener('keydown', (e) => e.key === 'Enter' && (e.preventDefault(), setArrivals()));

    const parts = [
      h('p', null, t('hr_intro')),
      h('p', 'muted small', t('hr_read')),
      h('div', 'field', ha('label', null, { for: 'hr-scope' }, t('dist_scope')), scope),
      h('div', 'field-row',
        h('div', 'field', ha('label', null, { for: 'hr-arrivals' }, t('dist_arrivals')), arrivals),
        h('div', 'field', ha('label', null, { for: 'hr-key' }, t('hr_key')), key)),
      s.hkey === 'model' ? h('p', 'field__hint', t('hr_key_model_hint')) : null,
    ];
    if (error) parts.push(h('p', 'panel-error', error));
    else if (!data) parts.push(h('p', 'muted', t('loading_short')));
    else {
      parts.push(table());
      parts.push(h('p', 'muted small', t('hr_table_only')));
      if (data.key?.note) parts.push(ha('p', 'info__src', { lang: 'de' }, data.key.note));
      for (const n of data.notes ?? []) parts.push(ha('p', 'info__src', { lang: 'de' }, n));
      if (data.missing_capacities?.length) {
        parts.push(h('h3', 'subhead', t('hr_missing')),
          ha('ul', 'info__src', { lang: 'de' }, ...data.missing_capacities.map((m) => h('li', null, m.note))));
      }
      parts.push(h('p', 'info__src', (data.attribution ?? []).filter(Boolean).join(' · ')));
      parts.push(h('details', 'info__section', h('summary', null, t('hr_formula')), h('p', 'info__src', data.formula ?? '')));
    }
    const hadFocus = document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : '';
    root.replaceChildren(...parts.filter(Boolean));
    if (hadFocus) root.querySelector('#' + CSS.escape(hadFocus))?.focus();
  }

  return { load, render, get data() { return data; } };
}
