// table.js: what every results table shares — header buttons that sort by their column (aria-sort
// on the header cell, keyboard reachable), one sort rule (regions without a value last, in both
// directions) and the filter by Land.
import { t, h, ha, button, regionType } from './i18n.js';

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

/**
 * sorter(root, initial, render): a table's sort order. header(columns) is its header row (a click
 * sorts, renders and puts the focus back on the column); rows(rows, columns) sorts them.
 */
export function sorter(root, initial, render) {
  let sort = initial;
  return {
    header: (columns) => h('thead', null, sortHeader(columns, sort, (next) => {
      sort = next;
      render();
      refocusSort(root);
    })),
    rows: (rows, columns) => sortRows(rows, columns, sort),
  };
}

/**
 * A results table of regions in its scroll box: caption, sortable header, one row per region
 * (cells(r) gives its cells; the row carries its key and marks the selected region).
 */
export function regionTable({ id, className, caption, columns, sort, rows, selected, cells }) {
  const tbl = ha('table', ['data-table', className].filter(Boolean).join(' '), { id });
  tbl.append(h('caption', null, caption), sort.header(columns));
  const body = h('tbody');
  for (const r of rows) {
    const tr = h('tr', r.key === selected ? 'is-selected' : null, ...cells(r));
    tr.dataset.key = r.key;
    body.append(tr);
  }
  tbl.append(body);
  return h('div', 'table-scroll', tbl);
}

/**
 * regionLabels(rows): a region's name, with its type where two of the rows share the name
 * (München the Kreisfreie Stadt and München the Landkreis).
 */
export function regionLabels(rows) {
  const parts = regionLabelParts(rows);
  return (r) => {
    const [name, type] = parts(r);
    return type ? `${name} (${type})` : name;
  };
}

/** regionLabelParts(rows): a region's name and the type that tells it apart ('' where none is needed). */
export function regionLabelParts(rows) {
  const count = new Map();
  for (const r of rows) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  return (r) => [r.name, r.type && count.get(r.name) > 1 ? regionType(r.type) : ''];
}

/** A region's row header: its name (or label) as a button that selects it (the card returns the focus here). */
export const regionHeader = (r, selected, onSelect, { before = null, after = null, label = r.name } = {}) =>
  ha('th', null, { scope: 'row' }, before ?? '',
    button(label, 'linklike', (e) => onSelect(r.key, { name: r.name, zoom: true, opener: e.currentTarget }), { 'aria-current': r.key === selected ? 'true' : null }),
    after ?? '');
