// embed.js: the embed page (/embed) as a graphic that stands alone in an article, like a
// Datawrapper chart: title, subtitle with year, level and classification, a compact legend, the
// map fitted to the frame, one line of sources with a "Quellen" toggle (full attributions,
// licences, caveats) and the link back. The page posts the height it wants for its width to the
// parent page (message {type: 'standortatlas:height', height}); the embed code carries the few
// lines that listen (share.js).
import { t, h, ha, button, fill } from './i18n.js';

/** The map's height for a frame width: Germany is taller than wide; at least 300 px. */
const mapHeightFor = (width) => Math.round(Math.min(900, Math.max(300, width * 1.15)));

/**
 * initEmbed(root) wires the embed's chrome (#embed-head, #embed-legend, #embed-foot) and returns
 * render(mapView, {notes}) for each map view shown.
 */
export function initEmbed() {
  const head = document.getElementById('embed-head');
  const legend = document.getElementById('embed-legend');
  const foot = document.getElementById('embed-foot');
  const sources = document.getElementById('embed-sources');
  let open = false;

  function postHeight() {
    if (window.parent === window) return;
    const chrome = document.body.scrollHeight - document.getElementById('map').clientHeight;
    const height = chrome + mapHeightFor(document.documentElement.clientWidth);
    window.parent.postMessage({ type: 'standortatlas:height', height }, '*');
  }
  new ResizeObserver(postHeight).observe(document.documentElement);

  function render(mv, { notes = [], link }) {
    const lg = mv?.legend ?? {};
    fill(head, ha('h1', 'embed__title', { id: 'embed-title' }, lg.title ?? t('title')), lg.meta ? h('p', 'embed__subtitle', lg.meta) : null);
    const items = [...(lg.rows ?? []), ...(lg.noData ? [lg.noData] : [])].map((r) => {
      const sw = h('span', 'legend__swatch');
      sw.style.backgroundColor = r.color; // CSSOM, allowed by the CSP
      return h('li', 'embed-legend__item', sw, h('span', null, r.label ?? ''));
    });
    fill(legend, lg.unit ? h('span', 'embed-legend__unit', t('unit', lg.unit)) : null, h('ul', 'embed-legend__list', ...items));
    const attribution = [...new Set(mv?.attribution ?? [])];
    const short = attribution.map((a) => a.replace(/^©\s*/, '').split(/[,;(]/)[0].trim()).filter(Boolean);
    const toggle = button(t('sources_toggle'), 'linklike embed-foot__toggle', () => {
      open = !open;
      toggle.setAttribute('aria-expanded', String(open));
      sources.hidden = !open;
      postHeight();
    }, { 'aria-expanded': String(open), 'aria-controls': 'embed-sources' });
    fill(foot,
      h('span', 'embed-foot__line', `${t('source')}: ${[...new Set(short)].join(', ')}`),
      toggle,
      ha('a', 'embed-foot__link', { id: 'open-atlas', href: link, target: '_blank', rel: 'noopener' }, t('open_atlas')));
    fill(sources,
      h('ul', 'embed-sources__list', ...attribution.map((a) => h('li', null, a))),
      notes.length ? h('p', 'embed-sources__notes', h('strong', null, t('caveats') + ': '), notes.join(' ')) : null);
    sources.hidden = !open;
    postHeight();
  }

  return { render, postHeight };
}
