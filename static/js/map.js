// map.js: the only module that touches window.L (Leaflet 1.9.4, loaded as a classic
// script before the modules). No tile layer: our own Länder outlines are the base map.

const GERMANY = [[47.2, 5.8], [55.1, 15.1]];
const STROKE = { land: 0.8, kreis: 0.5, gemeinde: 0.2 };
const HOVER = { color: '#14181c', weight: 2, opacity: 1 };
const SELECTED = { color: '#000000', weight: 3, opacity: 1 };
const OUTLINE = { color: '#3d444b', weight: 1.2, opacity: 0.85, fill: false };

// Leaflet's attribution control writes HTML, so every server string is escaped first.
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const keyOf = (f) => String(f.properties?.key ?? f.id ?? '');

export const leafletLoaded = () => typeof window.L?.map === 'function';

/**
 * createMap(el, {tooltipFor(props) -> Element, onSelect(key), fit}) returns the handful of
 * operations main.js needs; Leaflet objects never leave this module.
 */
export function createMap(el, { tooltipFor, onSelect, fit = {} }) {
  const L = window.L;
  const map = L.map(el, {
    preferCanvas: true, // 10,997 Gemeinde polygons: one canvas, not 11k SVG nodes
    zoomControl: false, // added below with translated titles
    attributionControl: false, // added below with our prefix
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    minZoom: 4,
    maxZoom: 13,
    maxBounds: L.latLngBounds(GERMANY).pad(2), // generous: small embeds offset Germany beside the legend
    maxBoundsViscosity: 0.9,
  });
  map.createPane('choropleth').style.zIndex = 410;
  const outlinePane = map.createPane('outlines');
  outlinePane.style.zIndex = 420;
  outlinePane.style.pointerEvents = 'none';
  const fillRenderer = L.canvas({ pane: 'choropleth', tolerance: 0 });
  const lineRenderer = L.canvas({ pane: 'outlines' });

  const zoom = L.control.zoom().addTo(map);
  const attribution = L.control
    .attribution({ prefix: '<a href="https://leafletjs.com" target="_blank" rel="noopener noreferrer">Leaflet</a>' })
    .addTo(map);
  map.fitBounds(GERMANY, fit); // fit: Leaflet padding options, to keep Germany clear of overlays
  new ResizeObserver(() => map.invalidateSize()).observe(el);
  // Leaflet focuses the map on mousedown; show its focus ring only to keyboard users.
  el.addEventListener('pointerdown', () => el.classList.add('sa-pointer'));
  el.addEventListener('keydown', () => el.classList.remove('sa-pointer'));
  el.addEventListener('blur', () => el.classList.remove('sa-pointer'));

  const tip = L.tooltip({ direction: 'auto', offset: [14, 0], opacity: 1, className: 'sa-tooltip' });
  let choro = null; // {level, group, byKey}
  let outlines = null;
  let hovered = null;
  let selected = null;
  let shownAttribution = [];
  let baseStyle = () => ({});

  function restyle(layer) {
    if (!layer) return;
    const extra = layer === selected ? SELECTED : layer === hovered ? HOVER : null;
    layer.setStyle({ ...baseStyle(layer.feature), ...extra });
  }

  function bringUp() {
    hovered?.bringToFront();
    selected?.bringToFront();
  }

  const handlers = {
    mouseover(e) {
      hovered = e.layer; // the previous one had its mouseout already
      restyle(hovered);
      bringUp();
      tip.setContent(tooltipFor(e.layer.feature.properties)).setLatLng(e.latlng).openOn(map);
    },
    mousemove: (e) => tip.setLatLng(e.latlng),
    mouseout(e) {
      if (hovered === e.layer) hovered = null;
      restyle(e.layer);
      tip.close();
    },
    click: (e) => onSelect(keyOf(e.layer.feature)),
  };

  return {
    /** Draws a classified FeatureCollection; fillFor(feature) gives the server's class colour. */
    setChoropleth(fc, fillFor) {
      const level = fc.level;
      const weight = STROKE[level] ?? 0.5;
      baseStyle = (f) => ({ fillColor: fillFor(f), fillOpacity: 1, color: '#ffffff', weight, opacity: 0.9 });
      const features = fc.features ?? [];
      const same =
        choro?.level === level &&
        choro.byKey.size === features.length &&
        features.every((f) => choro.byKey.has(keyOf(f)));
      if (same) {
        // Same areas (new year/indicator/classes): recolour, do not rebuild 11,000 polygons.
        for (const f of features) {
          const layer = choro.byKey.get(keyOf(f));
          layer.feature = f;
          restyle(layer);
        }
        return;
      }
      if (choro) map.removeLayer(choro.group);
      tip.close();
      hovered = selected = null;
      const byKey = new Map();
      const group = L.geoJSON(fc, {
        pane: 'choropleth',
        renderer: fillRenderer,
        style: (f) => baseStyle(f),
        onEachFeature: (f, layer) => byKey.set(keyOf(f), layer),
      });
      group.on(handlers).addTo(map);
      choro = { level, group, byKey };
    },

    /** Removes the choropleth (after an error, so no stale map is mistaken for the new one). */
    clearChoropleth() {
      if (choro) map.removeLayer(choro.group);
      tip.close();
      choro = hovered = selected = null;
    },

    /** Thin grey outlines drawn above the choropleth (non-interactive). */
    setOutlines(fc) {
      if (outlines) map.removeLayer(outlines);
      outlines = L.geoJSON(fc, { pane: 'outlines', renderer: lineRenderer, interactive: false, style: () => OUTLINE });
      outlines.addTo(map);
    },

    /** Marks one area (by key) as selected; null clears. */
    select(key) {
      const prev = selected;
      selected = (key !== null && choro?.byKey.get(String(key))) || null;
      if (prev !== selected) restyle(prev);
      restyle(selected);
      bringUp();
    },

    /** Replaces the data attributions (plain text from the API). */
    setAttribution(list) {
      for (const a of shownAttribution) attribution.removeAttribution(a);
      shownAttribution = (Array.isArray(list) ? list : []).map(esc);
      for (const a of shownAttribution) attribution.addAttribution(a);
    },

    setLabels({ zoomIn, zoomOut }) {
      const c = zoom.getContainer();
      for (const [sel, text] of [['.leaflet-control-zoom-in', zoomIn], ['.leaflet-control-zoom-out', zoomOut]]) {
        const a = c.querySelector(sel);
        a.title = text;
        a.setAttribute('aria-label', text);
      }
    },
  };
}
