// search.js: place search by name or regional key — an ARIA 1.2 combobox over the names of all
// Länder, Kreise and Gemeinden. The API has no search route, so the names come from the ranking of
// the population (which lists every region of a level) and are searched here; they load on the
// first focus of the box (Gemeinden: ~180 kB gzipped), not with the first view.
import * as api from './api.js';
import { t, h, ha, fold, formatNumber, regionType } from './i18n.js';
import { LANDS } from './table.js';

const landName = new Map(LANDS);

const MAX = 12;
const ORDER = { land: 0, kreis: 1, gemeinde: 2 };

/** initSearch(input, list, status, onPick(entry)) wires the combobox. */
export function initSearch(input, list, status, onPick) {
  let entries = null;
  let loading = null;
  let results = [];
  let active = -1;

  function load() {
    loading ??= Promise.all(['land', 'kreis', 'gemeinde'].map((level) =>
      api.fetchNames(level).then((r) => (r.entries ?? []).map((e) => ({ key: e.key, name: e.name, type: e.type, level, f: fold(e.name) })), () => []),
    )).then((lists) => {
      entries = lists.flat();
      if (input.value.trim()) search();
    });
    return loading;
  }

  function search() {
    const q = fold(input.value.trim());
    if (!q) return close();
    if (!entries) {
      status.textContent = t('search_loading');
      load();
      return;
    }
    const digits = /^\d+$/.test(q);
    const scored = [];
    for (const e of entries) {
      let s;
      if (digits) s = e.key.startsWith(q) ? (e.key === q ? 0 : 1) : -1;
      else if (e.f === q) s = 0;
      else if (e.f.startsWith(q)) s = 1;
      else if (e.f.includes(' ' + q) || e.f.includes('-' + q) || e.f.includes('(' + q)) s = 2;
      else if (e.f.includes(q)) s = 3;
      else s = -1;
      if (s >= 0) scored.push([s, e]);
    }
    scored.sort((a, b) => a[0] - b[0] || ORDER[a[1].level] - ORDER[b[1].level] || a[1].name.length - b[1].name.length || a[1].name.localeCompare(b[1].name, 'de'));
    results = scored.slice(0, MAX).map((x) => x[1]);
    active = results.length ? 0 : -1;
    draw();
    status.textContent = results.length ? t('search_results', formatNumber(scored.length)) : t('search_none');
  }

  function draw() {
    list.replaceChildren(...results.map((e, i) => {
      const li = ha('li', 'search__option', { role: 'option', id: `search-opt-${i}`, 'aria-selected': String(i === active) },
        h('span', 'search__name', e.name),
        // the type and the Land tell equal names apart (Hof, Stadt/Landkreis; Leipzig; Rostock)
        h('span', 'search__meta', [t('level_one_' + e.level), regionType(e.type), e.level !== 'land' ? landName.get(e.key.slice(0, 2)) : '', e.key].filter(Boolean).join(' · ')));
      li.addEventListener('mousedown', (ev) => ev.preventDefault()); // keep focus in the input
      li.addEventListener('click', () => pick(i));
      return li;
    }));
    const open = results.length > 0;
    list.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    if (active >= 0) {
      input.setAttribute('aria-activedescendant', `search-opt-${active}`);
      list.children[active]?.scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  }

  function close() {
    results = [];
    active = -1;
    draw();
    status.textContent = '';
  }

  function pick(i) {
    const e = results[i];
    if (!e) return;
    input.value = e.name;
    close();
    onPick(e);
  }

  input.addEventListener('focus', load, { once: true });
  input.addEventListener('input', search);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!results.length) return search();
      e.preventDefault();
      active = (active + (e.key === 'ArrowDown' ? 1 : -1) + results.length) % results.length;
      draw();
    } else if (e.key === 'Enter') {
      if (results.length) {
        e.preventDefault();
        pick(Math.max(0, active));
      }
    } else if (e.key === 'Escape') {
      if (results.length) {
        e.preventDefault();
        e.stopPropagation();
        close();
      } else input.value = '';
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));

  return { load, get ready() { return Boolean(entries); } };
}
