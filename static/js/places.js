// places.js: the places layer's controls — show/hide, category filters (categories without open
// data are listed with the atlas's note that data is missing and can be imported) — and the
// loading of places for the map's bounding box. Markercluster is loaded on first use only.
import * as api from './api.js';
import { t, h, ha, localized, formatNumber } from './i18n.js';

const CATEGORY_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#999999'];

function loadScript(src) {
  return new Promise((resolve, reject) => {
    if (document.querySelector(`script[src="${src}"]`)) return resolve();
    const s = document.createElement('script');
    s.src = src;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(src));
    document.head.append(s);
  });
}

function loadCSS(href) {
  if (document.querySelector(`link[href="${href}"]`)) return;
  const l = document.createElement('link');
  l.rel = 'stylesheet';
  l.href = href;
  document.head.append(l);
}

/**
 * initPlaces(root, ctx): ctx = {state, update(patch), map, announce(text), onAttribution(list)}.
 * Returns {render(), refresh()}.
 */
export function initPlaces(root, ctx) {
  let categories = null;
  let ctrl = null;
  let libReady = null;
  let lastCount = null;
  let attribution = [];

  // colours go to the categories with data, in taxonomy order
  const colorFor = (cat) => {
    const i = (categories ?? []).filter((c) => c.has_data).findIndex((c) => c.id === cat);
    return CATEGORY_COLORS[Math.max(0, i) % CATEGORY_COLORS.length];
  };

  function popupFor(p) {
    const website = /^https?:\/\//i.test(p.website ?? '') ? ha('a', null, { href: p.website, target: '_blank', rel: 'noopener noreferrer' }, t('places_website')) : null;
    const cat = categories?.find((c) => c.id === p.category);
    return h('div', 'place',
      h('strong', 'place__name', p.name ?? ''),
      h('span', 'place__meta', cat ? localized(cat, 'title') : p.category ?? ''),
      p.address ? h('span', null, [p.address, [p.postcode, p.city].filter(Boolean).join(' ')].filter(Boolean).join(', ')) : null,
      p.description ? h('span', null, p.description) : null,
      website,
      p.last_verified ? h('span', 'place__meta', t('places_verified', p.last_verified)) : null,
      h('span', 'place__src', p.attribution ?? ''));
  }

  async function ensureCategories() {
    if (categories) return;
    try {
      categories = await api.fetchPlaceCategories();
    } catch {
      categories = [];
    }
    render();
  }

  async function refresh() {
    const s = ctx.state;
    if (!s.places) {
      ctrl?.abort();
      ctx.map.setPlaces(null);
      attribution = [];
      ctx.onAttribution([]);
      lastCount = null;
      return;
    }
    await ensureCategories();
    libReady ??= loadScript(api.LIB.markercluster).then(
      () => api.LIB.markerclusterCSS.forEach(loadCSS),
      () => {}, // without clustering the places are plain markers
    );
    await libReady;
    ctrl?.abort();
    const mine = (ctrl = new AbortController());
    const withData = (categories ?? []).filter((c) => c.has_data).map((c) => c.id);
    const cats = s.pcats.length ? s.pcats.filter((c) => withData.includes(c)) : withData;
    if (!cats.length) {
      ctx.map.setPlaces({ features: [] }, colorFor, popupFor);
      return;
    }
    try {
      const fc = await api.fetchPlaces({ bbox: ctx.map.bbox(), categories: cats }, mine.signal);
      if (mine.signal.aborted || !ctx.state.places) return;
      ctx.map.setPlaces(fc, colorFor, popupFor);
      attribution = fc.attribution ?? [];
      ctx.onAttribution(attribution);
      const n = fc.features?.length ?? 0;
      if (n !== lastCount) ctx.announce(t('places_shown', formatNumber(n)));
      lastCount = n;
      const count = root.querySelector('#places-count');
      if (count) count.textContent = t('places_shown', formatNumber(n));
    } catch (err) {
      if (err.name !== 'AbortError') ctx.announce(t('err_load', err.message));
    }
  }

  function render() {
    const s = ctx.state;
    const toggle = ha('input', null, { type: 'checkbox', id: 'places-toggle' });
    toggle.checked = s.places;
    toggle.addEventListener('change', () => ctx.update({ places: toggle.checked }));
    const parts = [h('div', 'check', toggle, ha('label', null, { for: 'places-toggle' }, t('places_show')))];
    if (s.places) {
      parts.push(ha('p', 'muted small', { id: 'places-count', 'aria-live': 'off' }, lastCount === null ? '' : t('places_shown', formatNumber(lastCount))));
      if (!categories) parts.push(h('p', 'muted small', t('loading_short')));
      else {
        const fs = ha('fieldset', 'categories', {}, h('legend', null, t('places_categories')));
        categories.forEach((c) => {
          const id = `pcat-${c.id}`;
          const box = ha('input', null, { type: 'checkbox', id, 'aria-describedby': c.has_data ? null : `${id}-note` });
          box.disabled = !c.has_data;
          box.checked = c.has_data && (!s.pcats.length || s.pcats.includes(c.id));
          box.addEventListener('change', () => {
            const withData = categories.filter((x) => x.has_data).map((x) => x.id);
            const on = new Set(s.pcats.length ? s.pcats : withData);
            if (box.checked) on.add(c.id);
            else on.delete(c.id);
            const list = withData.filter((x) => on.has(x));
            ctx.update({ pcats: list.length === withData.length ? [] : list.length ? list : ['none'] });
          });
          const dot = h('span', 'chip__dot');
          dot.style.backgroundColor = c.has_data ? colorFor(c.id) : '#ffffff';
          const label = ha('label', null, { for: id }, dot, localized(c, 'title'), c.has_data ? h('span', 'muted small', ` (${formatNumber(c.count)})`) : null);
          const row = h('div', 'check' + (c.has_data ? '' : ' check--nodata'), box, label);
          if (!c.has_data) row.append(ha('p', 'check__note', { id: `${id}-note` }, `${t('places_no_data')}: ${c.open_data || t('places_import')}`));
          fs.append(row);
        });
        parts.push(fs);
      }
    }
    const had = document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : '';
    root.replaceChildren(...parts);
    if (had) root.querySelector('#' + CSS.escape(had))?.focus();
  }

  return { render, refresh, get attribution() { return attribution; } };
}
