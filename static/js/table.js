// table.js: what every results table shares — header buttons that sort by their column (aria-sort
// on the header cell, keyboard reachable), one sort rule (regions without a value last, in both
// directions) and the filter by Land.
import { t, h, ha, button } from './i18n.js';

export const LANDS = [
  ['01', 'Schleswig-Holstein'], ['02', 'Hamburg'], ['03', 'Niedersachsen'], ['04', 'Bremen'],
  ['05', 'Nordrhein-Westfalen'], ['06', 'Hessen'], ['07', 'Rheinland-Pfalz'], ['08', 'Baden-Württemberg'],
  ['09', 'Bayern'], ['10', 'Saarland'], ['11', 'Berlin'], ['12', 'Brandenburg'],
  ['13', 'Mecklenburg-Vorpommern'], ['14', 'Sachsen'], ['15', 'Sachsen-Anhalt'], ['16', 'Thüringen'],
];

const missing = (v) => v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v));

/**
 * Sorts rows by the column sort.col: columns = [{col, value(row)}], value a number or a string.
 * Rows without a value come last in both directions; ties keep the order of the first column.
 */
export function sortRows(rows, columns, sort) {
  const c = columns.find((x) => x.col === sort.col) ?? columns[0];
  const first = columns[0];
  const dir = sort.dir === 'asc' ? 1 : -1;
  const cmp = (x, y) => (typeof x === 'string' || typeof y === 'string' ? String(x).localeCompare(String(y), 'de') : x - y);
  return [...rows].sort((a, b) => {
    const x = c.value(a);
    const y = c.value(b);
    if (missing(x) || missing(y)) return missing(x) - missing(y);
    return dir * cmp(x, y) || (c === first ? 0 : cmp(first.value(a) ?? 0, first.value(b) ?? 0));
  });
}

/**
 * The header row: one <th> per column with a sort button; onSort(next) gets the new sort
 * ({col, dir}); a click on the sorted column turns its direction.
 */
export function sortHeader(columns, sort, onSort) {
  return h('tr', null, ...columns.map(({ col, label, numeric, sortable = true }) => {
    const active = sort.col === col;
    const th = ha('th', numeric ? 'num' : null, { scope: 'col', 'aria-sort': sortable ? (active ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none') : null });
    if (!sortable) {
      th.append(label);
      return th;
    }
    const b = button(label, 'sort', () => onSort({ col, dir: active && sort.dir === 'asc' ? 'desc' : 'asc' }), { title: t('sort_by', label), 'data-col': col });
    b.append(h('span', 'sort__icon', active ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ' ↕'));
    th.append(b);
    return th;
  }));
}

/** Focuses the sort button of the sorted column again after a re-render. */
export const refocusSort = (root) => root.querySelector('th[aria-sort]:not([aria-sort="none"]) button')?.focus();

/** A labelled Land filter; onChange(landKey or ''). */
export function landFilter(id, value, onChange) {
  const sel = ha('select', null, { id });
  sel.append(new Option(t('ranking_all_lands'), ''), ...LANDS.map(([k, n]) => new Option(n, k)));
  sel.value = value;
  sel.addEventListener('change', () => onChange(sel.value));
  return h('div', 'field field--inline', ha('label', null, { for: id }, t('ranking_land')), sel);
}

/** Is a regional key in a Land ('' = everywhere)? */
export const inLand = (key, land) => !land || String(key ?? '').startsWith(land);
