// ranking.js: the ranking table — a real <table> with caption, sortable column headers
// (buttons with aria-sort on the header cell), keyboard reachable rows, linked both ways with
// the map selection. It is the accessible alternative to the map.
import * as api from './api.js';
import { t, h, ha, button, localized, formatValue, formatNumber, unitText } from './i18n.js';
import { sortRows, sortHeader, refocusSort, LANDS } from './table.js';

const PAGE = 100;

/**
 * initRanking(root, ctx): ctx = {state, indicator(id), colorOf(key), onSelect(key, opts)}.
 * Returns {load(), render(), highlight(key)}.
 */
export function initRanking(root, ctx) {
  let data = null;
  let sig = '';
  let sort = { col: 'rank', dir: 'asc' };
  let shown = PAGE;
  let ctrl = null;
  let error = '';

  const landSelect = ha('select', null, { id: 'ranking-land' });
  landSelect.addEventListener('change', () => {
    shown = PAGE;
    ctx.update({ rland: landSelect.value }); // the CSV link follows; refresh() loads the table
  });

  async function load() {
    const s = ctx.state;
    const land = s.level === 'land' ? '' : s.rland;
    const want = `${s.level}|${s.indicator}|${s.year}|${land}|${s.normalize}`;
    if (want === sig && data) return render();
    ctrl?.abort();
    const mine = (ctrl = new AbortController());
    sig = want;
    error = '';
    root.setAttribute('aria-busy', 'true');
    try {
      data = await api.fetchRanking({ level: s.level, indicator: s.indicator, year: s.year, land, normalize: s.normalize }, mine.signal);
    } catch (err) {
      if (err.name === 'AbortError') return;
      data = null;
      sig = '';
      error = t('err_load', err.status === 0 ? t('err_network') : err.message);
    }
    if (mine === ctrl) root.setAttribute('aria-busy', 'false');
    render();
  }

  // every column sorts: rank, name, type, value
  const columns = () => [
    { col: 'rank', label: t('col_rank'), numeric: true, value: (r) => r.rank },
    { col: 'name', label: t('col_area'), value: (r) => r.name },
    { col: 'value', label: t('col_value'), numeric: true, value: (r) => r.value },
  ];
  const sorted = () => sortRows(data?.entries ?? [], columns(), sort);
  const onSort = (next) => {
    sort = next;
    render();
    refocusSort(root);
  };

  function render() {
    const s = ctx.state;
    // unit and decimals of what is ranked: the server's, normalised like the map
    const ind = { ...ctx.indicator(s.indicator), unit: data?.indicator?.unit, decimals: data?.indicator?.decimals };
    landSelect.replaceChildren(new Option(t('ranking_all_lands'), ''), ...LANDS.map(([k, n]) => new Option(n, k)));
    landSelect.value = s.rland;
    const filters = s.level === 'land' ? null : h('div', 'field field--inline', ha('label', null, { for: 'ranking-land' }, t('ranking_land')), landSelect);
    if (error) {
      root.replaceChildren(filters ?? '', h('p', 'panel-error', error), button(t('retry'), 'button', () => { sig = ''; load(); }));
      return;
    }
    if (!data) {
      root.replaceChildren(filters ?? '', h('p', 'muted', t('loading_short')));
      return;
    }
    const rows = sorted();
    const sel = s.selected;
    const selIndex = rows.findIndex((r) => r.key === sel);
    if (selIndex >= shown) shown = Math.ceil((selIndex + 1) / PAGE) * PAGE;
    const title = localized(ind, 'title') + (data.normalization ? ` (${unitText(ind.unit)})` : '');
    const table = ha('table', 'data-table', { id: 'ranking-table' });
    table.append(h('caption', null, t('ranking_caption', title, data.year, t('level_' + s.level), formatNumber(rows.length))));
    table.append(h('thead', null, sortHeader(columns(), sort, onSort)));
    const body = h('tbody');
    for (const r of rows.slice(0, shown)) {
      const swatch = h('span', 'legend__swatch legend__swatch--small');
      swatch.style.backgroundColor = ctx.colorOf(r.key) ?? '#d9d9d9';
      const pick = button(r.name, 'linklike', (e) => ctx.onSelect(r.key, { name: r.name, zoom: true, opener: e.currentTarget }), {
        'aria-current': r.key === sel ? 'true' : null,
      });
      const tr = h('tr', r.key === sel ? 'is-selected' : null,
        h('td', 'num', r.rank != null ? formatNumber(r.rank) : '–'),
        ha('th', null, { scope: 'row' }, swatch, pick, h('span', 'data-table__sub', r.type ?? '')),
        h('td', 'num', formatValue(r.value, ind?.unit, r.flag, ind?.decimals)));
      tr.dataset.key = r.key;
      body.append(tr);
    }
    table.append(body);
    const more = shown < rows.length
      ? button(t('ranking_more', Math.min(PAGE, rows.length - shown)), 'button', () => {
          shown += PAGE;
          render();
          root.querySelectorAll('tbody tr')[shown - PAGE]?.querySelector('button')?.focus();
        })
      : null;
    const g = data.germany;
    const germany = g?.value != null
      ? h('p', 'muted ranking__germany', t('ranking_germany', g.year, formatValue(g.value, ind?.unit, g.flag, ind?.decimals), g.basis ? t('basis_' + g.basis) : ''))
      : '';
    root.replaceChildren(filters ?? '', germany, h('div', 'table-scroll', table), h('p', 'muted', t('ranking_shown', formatNumber(Math.min(shown, rows.length)), formatNumber(rows.length))), more ?? '');
    highlight(sel);
  }

  function highlight(key) {
    const row = key ? root.querySelector(`tr[data-key="${CSS.escape(key)}"]`) : null;
    if (row && root.offsetParent !== null) row.scrollIntoView({ block: 'nearest' });
  }

  return { load, render, highlight, get data() { return data; } };
}
