// ranking.js: the ranking table — a real <table> with caption, sortable column headers
// (buttons with aria-sort on the header cell), keyboard reachable rows, linked both ways with
// the map selection. It is the accessible alternative to the map.
import * as api from './api.js';
import { t, h, ha, button, localized, formatValue, formatNumber, unitText } from './i18n.js';
import { sorter, regionTable, regionHeader, LANDS } from './table.js';
import { loader } from './panel.js';

const PAGE = 100;

/**
 * initRanking(root, ctx): ctx = {state, indicator(id), colorOf(key), onSelect(key, opts)}.
 * Returns {load(), render(), highlight(key)}.
 */
export function initRanking(root, ctx) {
  const answer = loader(root, render);
  const sort = sorter(root, { col: 'rank', dir: 'asc' }, render);
  let shown = PAGE;

  const landSelect = ha('select', null, { id: 'ranking-land' });
  landSelect.addEventListener('change', () => {
    shown = PAGE;
    ctx.update({ rland: landSelect.value }); // the CSV link follows; refresh() loads the table
  });

  function load() {
    const s = ctx.state;
    const land = s.level === 'land' ? '' : s.rland;
    const want = `${s.level}|${s.indicator}|${s.year}|${land}|${s.normalize}`;
    return answer.load(want, (signal) => api.fetchRanking({ level: s.level, indicator: s.indicator, year: s.year, land, normalize: s.normalize }, signal));
  }

  // every column sorts: rank, name, type, value
  const columns = () => [
    { col: 'rank', label: t('col_rank'), numeric: true, value: (r) => r.rank },
    { col: 'name', label: t('col_area'), value: (r) => r.name },
    { col: 'value', label: t('col_value'), numeric: true, value: (r) => r.value },
  ];
  function render() {
    const s = ctx.state;
    const data = answer.data;
    // unit and decimals of what is ranked: the server's, normalised like the map
    const ind = { ...ctx.indicator(s.indicator), unit: data?.indicator?.unit, decimals: data?.indicator?.decimals };
    landSelect.replaceChildren(new Option(t('ranking_all_lands'), ''), ...LANDS.map(([k, n]) => new Option(n, k)));
    landSelect.value = s.rland;
    const filters = s.level === 'land' ? null : h('div', 'field field--inline', ha('label', null, { for: 'ranking-land' }, t('ranking_land')), landSelect);
    if (answer.error) {
      root.replaceChildren(filters ?? '', ...answer.errorParts(load));
      return;
    }
    if (!data) {
      root.replaceChildren(filters ?? '', h('p', 'muted', t('loading_short')));
      return;
    }
    const rows = sort.rows(data.entries ?? [], columns());
    const sel = s.selected;
    const selIndex = rows.findIndex((r) => r.key === sel);
    if (selIndex >= shown) shown = Math.ceil((selIndex + 1) / PAGE) * PAGE;
    const title = localized(ind, 'title') + (data.normalization ? ` (${unitText(ind.unit)})` : '');
    const table = regionTable({
      id: 'ranking-table', caption: t('ranking_caption', title, data.year, t('level_' + s.level), formatNumber(rows.length)),
      columns: columns(), sort, selected: sel, rows: rows.slice(0, shown),
      cells: (r) => {
        const swatch = h('span', 'legend__swatch legend__swatch--small');
        swatch.style.backgroundColor = ctx.colorOf(r.key) ?? '#d9d9d9';
        return [
          h('td', 'num', r.rank != null ? formatNumber(r.rank) : '–'),
          regionHeader(r, sel, ctx.onSelect, { before: swatch, after: h('span', 'data-table__sub', r.type ?? '') }),
          h('td', 'num', formatValue(r.value, ind?.unit, r.flag, ind?.decimals)),
        ];
      },
    });
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
    root.replaceChildren(filters ?? '', germany, table, h('p', 'muted', t('ranking_shown', formatNumber(Math.min(shown, rows.length)), formatNumber(rows.length))), more ?? '');
    highlight(sel);
  }

  function highlight(key) {
    const row = key ? root.querySelector(`tr[data-key="${CSS.escape(key)}"]`) : null;
    if (row && root.offsetParent !== null) row.scrollIntoView({ block: 'nearest' });
  }

  return { load, render, highlight, get data() { return answer.data; } };
}
