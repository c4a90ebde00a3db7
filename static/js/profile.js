// profile.js: the region profile (#info): name, parents, the current indicator's value with
// rank and the values of the Land and Germany, its time series as an SVG chart (with the Land's
// series where the data have one), every indicator of the region, and similar regions.
import * as api from './api.js';
import { t, h, ha, button, fill, localized, germanOnly, topicTitle, formatValue, formatNumber, getLang, regionType } from './i18n.js';
import { lineChart } from './chart.js';

const STALE_YEARS = 5; // data older than this carry a visible "Stand YEAR"
const de = (deText, enText) => (getLang() === 'de' ? deText : enText);

export const levelOfKey = (key) => ({ 2: 'land', 5: 'kreis', 8: 'gemeinde', 9: 'vwg' })[String(key).length] ?? 'kreis';

const cache = new Map(); // key -> Promise of the profile

function profileOf(key) {
  if (!cache.has(key)) {
    const p = api.fetchRegion(key);
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return cache.get(key);
}

/** Clears cached profiles (after a data change). */
export const clearProfiles = () => cache.clear();

/**
 * initProfile(box, ctx): ctx = {state, indicator(id), valueOf(key) -> {value, flag}|null,
 * mapValueOf(key) -> {value, flag, unit, decimals}|null (a normalised map's value), rankOf(key),
 * onClose(), onSelect(key, opts), onIndicator(id, level), onCompare(key), announce(text)}.
 * Returns {show(key, {name, focus}), hide(), refresh()}.
 */
export function initProfile(box, ctx) {
  let current = null; // key
  let ctrl = null;
  let returnFocus = null;

  function hide() {
    ctrl?.abort();
    const key = current;
    current = null;
    box.hidden = true;
    box.replaceChildren();
    // back to the opener; a table redrawn meanwhile has a new button in the row of the same region
    const row = key && returnFocus && !returnFocus.isConnected ? document.querySelector(`tr[data-key="${CSS.escape(key)}"] button`) : null;
    (returnFocus?.isConnected ? returnFocus : row)?.focus();
    returnFocus = null;
  }

  function header(name, meta) {
    const close = button('×', 'info__close', () => ctx.onClose(), { 'aria-label': t('close') });
    const title = ha('h2', 'info__name', { id: 'info-title', tabindex: '-1' }, name);
    return [close, title, meta ? h('p', 'info__meta', meta) : null];
  }

  function quick(key, name) {
    const ind = ctx.indicator(ctx.state.indicator);
    const v = ctx.valueOf(key);
    fill(box,
      ...header(name || key, t('key', key)),
      ind ? h('p', 'info__indicator', `${localized(ind, 'title')}, ${ctx.state.year}`) : null,
      ind && v ? h('p', 'info__value', formatValue(v.value, ind.unit, v.flag, ind.decimals)) : null,
      h('p', 'info__loading', t('loading_short')),
    );
  }

  // The value of the current indicator in the map's year from a profile entry's series.
  const atYear = (entry, year) => entry?.series?.find((s) => s.year === year) ?? null;

  async function currentBlock(p, ind) {
    const entry = p.indicators?.find((e) => e.id === ind?.id);
    if (!ind) return [];
    if (!entry) return [h('p', 'info__indicator', localized(ind, 'title')), h('p', 'info__none', t('profile_no_value'))];
    const year = entry.series?.some((s) => s.year === ctx.state.year) ? ctx.state.year : entry.latest?.year;
    // no value in any year (e.g. a Gemeinde the source leaves out): say so, never "…, undefined"
    if (!year) return [h('p', 'info__indicator', localized(ind, 'title')), h('p', 'info__none', t('profile_no_value'))];
    const point = atYear(entry, year) ?? entry.latest;
    const fmt = (v, flag) => formatValue(v, ind.unit, flag, ind.decimals);
    const rank = year === entry.latest?.year && entry.latest?.rank
      ? { rank: entry.latest.rank, of: entry.latest.of, pct: entry.latest.percentile }
      : p.level === ctx.state.level && ind.id === ctx.state.indicator ? ctx.rankOf(p.key) : null;

    // The Land's series (for the chart and the Land value in the map's year).
    const landRef = p.parents?.find((x) => x.level === 'land');
    let landEntry = null;
    if (landRef && p.level !== 'land') {
      try {
        const lp = await profileOf(landRef.key);
        landEntry = lp.indicators?.find((e) => e.id === ind.id) ?? null;
      } catch {
        landEntry = null;
      }
    }
    const landPoint = atYear(landEntry, year);
    // Land and Germany of the same year, with their basis ("amtlich" or "eigene Berechnung").
    const basis = (r) => (r?.basis ? ` (${t('basis_' + r.basis)})` : '');
    const landValue = point?.land ? fmt(point.land.value) + basis(point.land)
      : landPoint ? fmt(landPoint.value, landPoint.flag) : entry.land && entry.land.year === year ? fmt(entry.land.value, entry.land.flag) + basis(entry.land) : null;
    const germany = point?.germany ? fmt(point.germany.value) + basis(point.germany)
      : entry.germany && entry.germany.year === year && entry.germany.value !== null ? fmt(entry.germany.value, entry.germany.flag) + basis(entry.germany) : null;

    const refs = h('dl', 'info__refs');
    if (landRef && p.level !== 'land') {
      refs.append(h('dt', null, t('profile_land', landRef.name)), h('dd', null, landValue ?? '–'));
      if (!landValue && entry.land?.note) refs.lastChild.title = entry.land.note;
    }
    refs.append(h('dt', null, t('profile_germany')), h('dd', null, germany ?? '–'));
    if (!germany && entry.germany?.note) refs.append(h('dd', 'info__note', entry.germany.note.split(' (')[0]));

    const series = [{ label: p.name, color: '#0a58a8', marker: 'circle', points: (entry.series ?? []).map((s) => ({ x: s.year, y: s.value })) }];
    if (landEntry?.series?.some((s) => Number.isFinite(s.value))) {
      series.push({ label: landRef.name, color: '#d95f02', dash: '5 3', marker: 'square', points: landEntry.series.map((s) => ({ x: s.year, y: s.value })) });
    }
    const pts = series[0].points.filter((x) => Number.isFinite(x.y));
    let chart = null;
    if (pts.length > 1) {
      const desc = t('profile_series_desc', localized(ind, 'title'), p.name, pts[0].x, pts[pts.length - 1].x, fmt(pts[pts.length - 1].y));
      chart = h('figure', 'info__chart', lineChart({ series, title: `${t('profile_series')}: ${localized(ind, 'title')}`, desc, decimals: ind.decimals }),
        h('figcaption', 'visually-hidden', desc));
    }
    // a normalised map shows the count divided by a base: the card says what the map shows beside the published value
    const mv = p.level === ctx.state.level && ind.id === ctx.state.indicator && year === ctx.state.year ? ctx.mapValueOf?.(p.key) : null;
    const stale = year && new Date().getFullYear() - year > STALE_YEARS;
    const cov = (ind.coverage ?? []).find((c) => c.level === p.level);
    const partial = ind.partial && cov ? `${de('nur Teilabdeckung', 'partial coverage')}: ${formatNumber(cov.regions)}/${formatNumber(cov.of)}` : '';
    return [
      h('p', 'info__indicator', `${localized(ind, 'title')}, ${year}`, stale ? h('strong', 'info__stand', ` · ${de('Stand', 'as of')} ${year}`) : null),
      partial || ind.notes ? h('p', 'info__note', partial, partial && ind.notes ? ' — ' : null, ind.notes ? ha('span', null, { lang: 'de' }, ind.notes) : null) : null,
      h('p', 'info__value', fmt(point?.value, point?.flag)),
      mv ? h('p', 'info__mapvalue', t('profile_map_value', formatValue(mv.value, mv.unit, mv.flag, mv.decimals))) : null,
      rank ? h('p', 'info__rank', [t('profile_rank', formatNumber(rank.rank), formatNumber(rank.of)), rank.pct != null ? t('profile_percentile', formatNumber(rank.pct, 0)) : ''].filter(Boolean).join(' · ')) : null,
      refs,
      chart,
    ];
  }

  function allIndicators(p) {
    const table = h('table', 'data-table data-table--compact');
    table.append(h('caption', 'visually-hidden', t('profile_all_caption', p.name)));
    table.append(h('thead', null, h('tr', null, ha('th', null, { scope: 'col' }, t('col_indicator')), ha('th', 'num', { scope: 'col' }, t('col_value')), ha('th', 'num', { scope: 'col' }, t('col_rank')))));
    const body = h('tbody');
    let topic = null;
    for (const e of p.indicators ?? []) {
      const ind = ctx.indicator(e.id) ?? e;
      const tt = topicTitle(ind);
      if (tt !== topic) {
        topic = tt;
        body.append(h('tr', 'data-table__group', ha('th', null, { colspan: '3', scope: 'rowgroup' }, tt)));
      }
      const show = button(localized(ind, 'title') || e.title, 'linklike', () => ctx.onIndicator(e.id, p.level), { title: t('profile_show_map') });
      const l = e.latest ?? {};
      body.append(h('tr', e.id === ctx.state.indicator ? 'is-current' : null,
        ha('th', null, { scope: 'row' }, show),
        h('td', 'num', formatValue(l.value, e.unit, l.flag, ind.decimals), l.year ? h('span', 'data-table__sub', String(l.year)) : null),
        h('td', 'num', l.rank ? `${formatNumber(l.rank)}/${formatNumber(l.of)}` : '–')));
    }
    table.append(body);
    return ha('details', 'info__section', {}, h('summary', null, t('profile_all')), h('div', 'table-scroll', table));
  }

  // The motion's eight domains: indicators with value, Land and Germany, or what is missing.
  function domainsSection(o) {
    if (!o?.domains?.length) return null;
    const list = h('ul', 'info__domains');
    for (const d of o.domains) {
      const item = h('li', null, h('strong', null, localized(d, 'title')));
      const german = (text) => ha('span', null, { lang: 'de' }, text); // the gap texts exist in German only
      if (d.gap) {
        item.append(h('p', 'info__note', `${de('Keine offenen Daten', 'No open data')}: `, german(d.missing)),
          d.fill_with ? h('p', 'info__src', `${de('Füllen würde', 'Would be filled by')}: `, german(d.fill_with)) : null,
          d.import ? h('p', 'info__src', h('code', null, d.import)) : null);
      } else {
        const ul = h('ul', null);
        for (const i of d.indicators.slice(0, 8)) {
          const ref = (r, label) => (r?.value != null ? ` · ${label} ${formatValue(r.value, i.unit, r.flag, i.decimals)}${r.basis ? ` (${t('basis_' + r.basis)})` : ''}` : '');
          const stale = new Date().getFullYear() - i.year > STALE_YEARS ? ` · ${de('Stand', 'as of')} ${i.year}` : '';
          const cat = ctx.indicator(i.id) ?? i;
          const title = germanOnly(cat, 'title') ? german(cat.title) : localized(cat, 'title');
          ul.append(h('li', 'info__src', title, `: ${formatValue(i.value, i.unit, i.flag, i.decimals)} (${i.year})${stale}${ref(i.land, de('Land', 'Land'))}${ref(i.germany, 'DE')}`));
        }
        if (d.indicators.length > 8) ul.append(h('li', 'info__src', `+ ${d.indicators.length - 8}`));
        item.append(ul);
      }
      list.append(item);
    }
    return ha('details', 'info__section', {}, h('summary', null, de('Bereiche des Antrags', 'Domains of the motion')), list);
  }

  function similar(p) {
    const regs = p.similar?.regions ?? [];
    if (!regs.length) return null;
    const list = h('ul', 'info__similar');
    for (const r of regs) list.append(h('li', null, button(r.name, 'linklike', () => ctx.onSelect(r.key, { name: r.name, focus: true, zoom: true })), h('span', 'info__meta', ` ${regionType(r.type)}`)));
    const d = ha('details', 'info__section', {}, h('summary', null, t('profile_similar')), list);
    if (p.similar.method) d.append(h('p', 'info__src', t('similar_method', formatNumber(p.similar.regions?.length ?? 0), formatNumber(p.similar.indicators?.length ?? 0), p.similar.year, formatNumber(p.similar.compared))));
    return d;
  }

  async function show(key, { name, focus, opener } = {}) {
    ctrl?.abort();
    const mine = (ctrl = new AbortController());
    if (current !== key) {
      returnFocus = opener ?? (focus ? document.activeElement : returnFocus);
      current = key;
      quick(key, name);
    }
    box.hidden = false;
    if (focus) box.querySelector('#info-title')?.focus();
    let p;
    try {
      p = await profileOf(key);
    } catch (err) {
      if (mine.signal.aborted) return;
      if (err.status === 404) {
        // an old or mistyped link: say so in the UI's language and show no card
        ctx.onMissing?.(key);
        return;
      }
      box.querySelector('.info__loading')?.replaceChildren(t('err_load', err.status === 0 ? t('err_network') : err.message));
      return;
    }
    if (mine.signal.aborted || current !== key) return;
    const ind = ctx.indicator(ctx.state.indicator);
    const cur = await currentBlock(p, ind);
    const domains = await api.fetchDomains(key, mine.signal).catch(() => null);
    if (mine.signal.aborted || current !== key) return;
    const land = p.parents?.find((x) => x.level === 'land');
    const meta = [regionType(p.type), t('key', p.key)];
    const inLand = land && p.level !== 'land' ? button(land.name, 'linklike', () => ctx.onSelect(land.key, { name: land.name, focus: true, zoom: true })) : null;
    const inCompare = ctx.state.compare.includes(p.key);
    const compareBtn = button(inCompare ? t('in_compare') : t('add_compare'), 'button button--small', () => ctx.onCompare(p.key), { 'aria-pressed': String(inCompare) });
    const hadFocus = box.contains(document.activeElement) && document.activeElement.id === 'info-title';
    fill(box,
      ...header(p.name, null),
      h('p', 'info__meta', meta.filter(Boolean).join(' · '), inLand ? ' · ' : '', inLand ? t('profile_in', '') : '', inLand),
      p.children?.count > 1 ? h('p', 'info__meta', t('profile_children', formatNumber(p.children.count))) : null,
      h('div', 'info__current', ...cur),
      h('div', 'info__actions', compareBtn, ha('a', 'button button--small button--quiet info__report', { href: api.reportURL(p.key, ctx.state.lang) }, t('report_open'))),
      domainsSection(domains),
      allIndicators(p),
      similar(p),
      ha('details', 'info__section', {}, h('summary', null, t('sources_n', (p.attribution ?? []).length)),
        h('ul', 'info__sources', ...(p.attribution ?? []).map((a) => h('li', 'info__src', a)))),
    );
    if (hadFocus) box.querySelector('#info-title')?.focus();
    ctx.announce(`${t('info_label')}: ${p.name}`);
  }

  return {
    show,
    hide,
    /** Re-renders the open profile (new indicator, year, language or comparison). */
    refresh() {
      if (current) {
        const key = current;
        current = null;
        show(key, { name: box.querySelector('#info-title')?.textContent });
      }
    },
    get key() {
      return current;
    },
  };
}
