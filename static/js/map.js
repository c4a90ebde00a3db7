// map.js: the only module that touches window.L (Leaflet 1.9.4, Leaflet.VectorGrid 1.3.0 and,
// once places are shown, Leaflet.markercluster 1.5.3 — all classic scripts from npm, served
// by our binary). Every level is drawn from our own vector tiles (/tiles/{level}/…): the
// regions are coloured on the client from a value lookup (styleFor), so a new indicator,
// year or classification only recolours the loaded tiles. No third-party base map: our own
// Länder (and, at Gemeinde level, Kreis) outlines are the base.
//
// Base-map hook: an optional raster base map is read from
//   <meta name="standortatlas-basemap" content="/basemap/{z}/{x}/{y}.png" data-attribution="…">
// in index.html/embed.html. It is empty by default. The CSP (img-src 'self' data: blob:)
// admits only tiles from our own origin, so a base map must be proxied through the server
// (or the CSP widened deliberately by whoever deploys it).

const GERMANY = [[47.2, 5.8], [55.1, 15.1]];
const STROKE = { land: 0.9, kreis: 0.45, gemeinde: 0.15 };
const HOVER = { color: '#14181c', weight: 2 };
const SELECTED = { color: '#000000', weight: 3 };
const OUTLINE = { land: { color: '#2f363d', weight: 1.3, opacity: 0.9 }, kreis: { color: '#59626b', weight: 0.6, opacity: 0.8 } };
const NO_FILL = '#d9d9d9';

// Leaflet's attribution control writes HTML, so every server string is escaped first.
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const leafletLoaded = () => typeof window.L?.map === 'function' && typeof window.L?.vectorGrid?.protobuf === 'function';

function patchVectorGrid(L) {
  if (L.Canvas.Tile.prototype._saPatched) return;
  // VectorGrid 1.3.0 calls L.DomEvent.fakeStop, which Leaflet 1.8 removed: without it a click
  // on a canvas tile throws. Leaflet 1.9 marks stopped events with originalEvent._stopped.
  if (!L.DomEvent.fakeStop) L.DomEvent.fakeStop = (e) => { e._stopped = true; };
  // VectorGrid finds the feature under the mouse from the map's pixel origin, which is only right
  // at whole zoom levels; with zoomSnap 0.25 the tiles are scaled. The mouse's place inside the
  // tile's own canvas (scaled back to tile pixels) is right at every zoom.
  const localPoint = (tile, e) => {
    const r = tile._container.getBoundingClientRect();
    return L.point(((e.clientX - r.left) * tile._size.x) / (r.width || 1), ((e.clientY - r.top) * tile._size.y) / (r.height || 1));
  };
  L.Canvas.Tile.include({
    _saPatched: true,
    _onClick(e) {
      if (!this._map) return;
      const point = localPoint(this, e);
      let hit = null;
      for (const id in this._layers) {
        const layer = this._layers[id];
        if (layer.options.interactive && layer._containsPoint(point) && !this._map._draggableMoved(layer)) hit = layer;
      }
      if (hit) {
        L.DomEvent.fakeStop(e);
        this._fireEvent([hit], e);
      }
    },
    _onMouseMove(e) {
      if (!this._map || this._map.dragging.moving() || this._map._animatingZoom) return;
      this._handleMouseHover(e, localPoint(this, e));
    },
  });
}

/**
 * createMap(el, {tooltipFor(key, name, type) -> Element, onSelect(key, name, level), fit}) returns the
 * operations main.js needs; Leaflet objects never leave this module.
 */
export function createMap(el, { tooltipFor, onSelect, onTilesLoaded, fit = {} }) {
  const L = window.L;
  patchVectorGrid(L);
  const map = L.map(el, {
    preferCanvas: true,
    zoomControl: false, // added below with translated titles
    attributionControl: false, // added below with our prefix
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    minZoom: 4,
    maxZoom: 13,
    maxBounds: L.latLngBounds(GERMANY).pad(2),
    maxBoundsViscosity: 0.9,
  });
  const pane = (name, z, interactive = true) => {
    const p = map.createPane(name);
    p.style.zIndex = String(z);
    if (!interactive) p.style.pointerEvents = 'none';
    return name;
  };
  pane('basemap', 150, false);
  pane('choropleth', 410);
  pane('outlines', 420, false);
  pane('selection', 430, false);
  pane('labels', 450, false);
  pane('places', 600);
  const selectionRenderer = L.canvas({ pane: 'selection' });
  const placesRenderer = L.canvas({ pane: 'places', tolerance: 4 });

  const zoom = L.control.zoom().addTo(map);
  const attribution = L.control
    .attribution({ prefix: '<a href="https://leafletjs.com" target="_blank" rel="noopener noreferrer">Leaflet</a>' })
    .addTo(map);
  L.control.scale({ imperial: false, position: 'bottomright' }).addTo(map);
  map.fitBounds(GERMANY, typeof fit === 'function' ? fit() : fit);
  map.on('zoomend', () => (el.dataset.zoom = map.getZoom().toFixed(2)));
  map.on('moveend', () => (el.dataset.center = `${map.getCenter().lat.toFixed(4)},${map.getCenter().lng.toFixed(4)}`));
  // Until the user moves the map, a new size (panel collapsed, phone rotated) refits Germany.
  let userMoved = false;
  for (const ev of ['pointerdown', 'wheel', 'keydown']) el.addEventListener(ev, () => (userMoved = true), { passive: true });
  let refit = 0;
  new ResizeObserver(() => {
    map.invalidateSize();
    clearTimeout(refit);
    // debounced: a passing size (a screenshot, a keyboard sliding in) does not move the map
    refit = setTimeout(() => {
      if (!userMoved && el.clientWidth > 50 && el.clientHeight > 50) map.fitBounds(GERMANY, { ...(typeof fit === 'function' ? fit() : fit), animate: false });
    }, 250);
  }).observe(el);
  // Leaflet focuses the map on mousedown; show its focus ring only to keyboard users.
  el.addEventListener('pointerdown', () => el.classList.add('sa-pointer'));
  el.addEventListener('keydown', () => el.classList.remove('sa-pointer'));
  el.addEventListener('blur', () => el.classList.remove('sa-pointer'));

  // Optional base map (see the hook described at the top of this file).
  const baseMeta = document.querySelector('meta[name="standortatlas-basemap"]');
  const baseURL = baseMeta?.getAttribute('content')?.trim();
  if (baseURL) {
    L.tileLayer(baseURL, { pane: 'basemap', attribution: esc(baseMeta.dataset.attribution || ''), maxZoom: 13 }).addTo(map);
  }

  const tip = L.tooltip({ direction: 'auto', offset: [14, 0], opacity: 1, className: 'sa-tooltip' });
  let choro = null; // {level, layer, seen: Set of keys drawn}
  let styleFor = () => null; // key -> fill colour or null
  let marks = new Map(); // key -> outline colour (the regions in the comparison)
  let hovered = null;
  let pendingOut = null;
  let selected = null;
  const outlineLayers = new Map(); // level -> layer
  let selectionLayer = null;
  let shownAttribution = [];
  let placesLayer = null;

  const keyOfProps = (p) => String(p?.key ?? '');

  // white borders, grey where the fill is nearly white (the middle of diverging schemes)
  const light = new Map();
  const isLight = (hex) => {
    if (!light.has(hex)) {
      const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
      light.set(hex, m ? 0.2126 * parseInt(m[1], 16) + 0.7152 * parseInt(m[2], 16) + 0.0722 * parseInt(m[3], 16) > 238 : false);
    }
    return light.get(hex);
  };

  function baseStyle(key, level) {
    const fill = styleFor(key) || NO_FILL;
    const s = { fill: true, fillColor: fill, fillOpacity: 1, color: isLight(fill) ? '#a3acb4' : '#ffffff', weight: STROKE[level] ?? 0.5, opacity: 0.9, stroke: true };
    if (key === selected) Object.assign(s, SELECTED);
    else if (key === hovered) Object.assign(s, HOVER);
    else if (marks.has(key)) Object.assign(s, { color: marks.get(key), weight: 3, opacity: 1 });
    return s;
  }

  // VectorGrid keeps, per loaded tile, the drawn features by id (getFeatureId). Restyling
  // walks them (the same private fields setFeatureStyle uses; pinned to VectorGrid 1.3.0).
  function eachFeature(fn) {
    if (!choro) return;
    for (const tile of Object.values(choro.layer._vectorTiles ?? {})) {
      for (const [key, rec] of Object.entries(tile._features ?? {})) fn(key, rec.feature, tile);
    }
  }

  function restyle(onlyKey) {
    if (!choro) return;
    const style = (props) => baseStyle(keyOfProps(props), choro.level);
    eachFeature((key, feat, tile) => {
      if (onlyKey !== undefined && key !== onlyKey) return;
      choro.layer._updateStyles(feat, tile, style);
      if ((key === hovered || key === selected || marks.has(key)) && typeof tile._bringToFront === 'function') tile._bringToFront(feat);
    });
  }

  function tileLayer(template, level, interactive, bounds) {
    return L.vectorGrid.protobuf(template, {
      // only tiles that some region reaches are asked for (TileJSON bounds: W, S, E, N)
      bounds: Array.isArray(bounds) && bounds.length === 4 ? L.latLngBounds([bounds[1], bounds[0]], [bounds[3], bounds[2]]) : undefined,
      pane: interactive ? 'choropleth' : 'outlines',
      rendererFactory: L.canvas.tile,
      interactive,
      maxNativeZoom: 14,
      getFeatureId: (f) => keyOfProps(f.properties),
      vectorTileLayerStyles: {
        [level]: interactive
          ? (props) => {
              choro?.seen.add(keyOfProps(props));
              return baseStyle(keyOfProps(props), level);
            }
          : () => ({ ...OUTLINE[level], fill: false, stroke: true }),
      },
      // Tiles are immutable per data version: the template carries ?v=N.
      fetchOptions: { credentials: 'same-origin' },
    });
  }

  function wire(layer) {
    layer.on('mouseover', (e) => {
      const p = e.layer?.properties ?? {};
      const key = keyOfProps(p);
      pendingOut = null;
      if (hovered !== key) {
        const prev = hovered;
        hovered = key;
        if (prev) restyle(prev);
        restyle(key);
      }
      tip.setContent(tooltipFor(key, p.name, p.type)).setLatLng(e.latlng).openOn(map);
    });
    layer.on('mousemove', (e) => tip.isOpen() && tip.setLatLng(e.latlng));
    layer.on('mouseout', (e) => {
      // Moving between two tiles of one region fires out, then over: clear only on a real leave.
      const key = keyOfProps(e.layer?.properties);
      pendingOut = key;
      setTimeout(() => {
        if (pendingOut !== key) return;
        pendingOut = null;
        if (hovered === key) {
          hovered = null;
          restyle(key);
          tip.close();
        }
      }, 40);
    });
    layer.on('click', (e) => {
      const p = e.layer?.properties ?? {};
      onSelect(keyOfProps(p), p.name, choro?.level);
    });
    layer.on('load', () => onTilesLoaded?.());
  }

  // The bounds of a region: its GeoJSON geometry, or what the loaded tiles draw of it (a Land's
  // key also finds its Kreise or Gemeinden: their keys start with it).
  function regionBounds(geometry, key) {
    if (geometry) return L.geoJSON(geometry).getBounds();
    let bounds = null;
    if (!key) return null;
    // tile-local pixel bounds + the tile's origin = global pixels at the tile's zoom
    eachFeature((k, feat, tile) => {
      if (!(k === key || (key.length === 2 && k.startsWith(key))) || !feat._pxBounds || !tile.getCoord || !tile._size) return;
      const c = tile.getCoord();
      const origin = L.point(c.x, c.y).scaleBy(tile._size);
      const a = map.unproject(feat._pxBounds.min.add(origin), c.z);
      const b = map.unproject(feat._pxBounds.max.add(origin), c.z);
      bounds = bounds ? bounds.extend(a).extend(b) : L.latLngBounds(a, b);
    });
    return bounds;
  }

  // the region's box in map pixels
  function pixelBox(bounds) {
    const a = map.latLngToContainerPoint(bounds.getNorthWest());
    const b = map.latLngToContainerPoint(bounds.getSouthEast());
    return { x0: Math.min(a.x, b.x), y0: Math.min(a.y, b.y), x1: Math.max(a.x, b.x), y1: Math.max(a.y, b.y) };
  }

  // Padding that keeps fitted bounds out of the panels over the map: a panel in the left or right
  // part narrows the map from that side, a wide one (the phone's card) from the top or bottom.
  function clearPadding(covers) {
    const m = el.getBoundingClientRect();
    const pad = { left: 24, top: 24, right: 24, bottom: 24 };
    for (const r of covers) {
      if (!r || r.width === 0 || r.height === 0) continue;
      const x0 = r.left - m.left;
      const y0 = r.top - m.top;
      const x1 = r.right - m.left;
      const y1 = r.bottom - m.top;
      if (r.width > m.width * 0.6) {
        if ((y0 + y1) / 2 > m.height / 2) pad.bottom = Math.max(pad.bottom, m.height - y0 + 16);
        else pad.top = Math.max(pad.top, y1 + 16);
      } else if ((x0 + x1) / 2 > m.width / 2) pad.right = Math.max(pad.right, m.width - x0 + 16);
      else pad.left = Math.max(pad.left, x1 + 16);
    }
    // never less than a third of the map's width left for the region, a fifth of its height (the
    // phone's card covers the lower two thirds: the region goes into the strip above it)
    if (pad.left + pad.right > m.width * 0.67) pad.left = pad.right = 24;
    if (pad.top + pad.bottom > m.height * 0.8) pad.top = pad.bottom = 24;
    return { paddingTopLeft: [pad.left, pad.top], paddingBottomRight: [pad.right, pad.bottom] };
  }

  // place names (setPlaceLabels): which show at a zoom, drawn as text in their own pane
  let placeLabels = null;
  const labelLayer = L.layerGroup().addTo(map);
  const labelWidths = new Map(); // kind + name → drawn width in px: each label is measured once, not on every move
  function labelsAt(z) {
    const l = placeLabels ?? {};
    const pick = (list, min) => (list ?? []).filter((x) => (x.population ?? 0) >= min);
    if (z < 7) return (l.land ?? []).map((x) => ({ ...x, kind: 'land' }));
    const kreisMin = z < 8 ? 250000 : z < 9 ? 100000 : 0;
    const cityMin = z < 8.5 ? 200000 : z < 10 ? 50000 : 20000;
    return [...pick(l.kreis, kreisMin).map((x) => ({ ...x, kind: 'kreis' })), ...pick(l.gemeinde, cityMin).map((x) => ({ ...x, kind: 'city' }))];
  }
  function drawPlaceLabels() {
    labelLayer.clearLayers();
    if (!placeLabels) return;
    const bounds = map.getBounds().pad(0.1);
    const seen = new Set();
    const taken = []; // boxes already labelled, in map pixels: larger places first win
    for (const x of labelsAt(map.getZoom())) {
      const ll = L.latLng(x.lat, x.lon);
      // a Kreisfreie Stadt and its Gemeinde share a name: one label
      if (!bounds.contains(ll) || seen.has(x.name)) continue;
      const p = map.latLngToContainerPoint(ll);
      const place = (at) => L.marker(at, {
        pane: 'labels',
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: `sa-label sa-label--${x.kind}`, html: `<span class="sa-label__text">${esc(x.name)}</span>`, iconSize: [0, 0] }),
      }).addTo(labelLayer);
      // the label's drawn width, measured the first time it is drawn; a
      // label that would cross the map's edge moves inside it
      // (NORDRHEIN-WESTFALEN on a phone)
      const id = `${x.kind}\t${x.name}`;
      let marker = null;
      if (!labelWidths.has(id)) {
        marker = place(ll);
        const drawn = marker.getElement()?.querySelector('.sa-label__text')?.offsetWidth;
        if (drawn) labelWidths.set(id, drawn); // 0 while the map is not laid out: measured again later
      }
      const w = (labelWidths.get(id) ?? 7 * x.name.length) + 4;
      const size = map.getSize();
      const x0 = Math.min(Math.max(p.x, 4 + w / 2), size.x - 4 - w / 2);
      const box = { x0: x0 - w / 2, x1: x0 + w / 2, y0: p.y - 9, y1: p.y + 9 };
      if (w > size.x - 8 || taken.some((b) => box.x0 < b.x1 && box.x1 > b.x0 && box.y0 < b.y1 && box.y1 > b.y0)) {
        if (marker) labelLayer.removeLayer(marker);
        continue;
      }
      const at = x0 === p.x ? ll : map.containerPointToLatLng(L.point(x0, p.y));
      if (marker) marker.setLatLng(at);
      else place(at);
      taken.push(box);
      seen.add(x.name);
    }
    el.dataset.labels = String(labelLayer.getLayers().length);
  }
  map.on('zoomend moveend', drawPlaceLabels);

  // for tests and checks: where the selected region is drawn ("x0,y0,x1,y1" in map pixels)
  map.on('moveend', () => {
    if (!selectionLayer) return delete el.dataset.selectionBox;
    const b = pixelBox(selectionLayer.getBounds());
    el.dataset.selectionBox = [b.x0, b.y0, b.x1, b.y1].map(Math.round).join(',');
  });

  return {
    /** Shows the regions of a level from a TileJSON template (own origin); recreated on a level change. */
    setLevel(level, template, bounds) {
      if (choro?.level === level && choro.template === template) return;
      if (choro) map.removeLayer(choro.layer);
      tip.close();
      hovered = null;
      const layer = tileLayer(template, level, true, bounds);
      choro = { level, template, layer, seen: new Set() };
      wire(layer);
      layer.addTo(map);
    },

    /** Replaces the colouring: fill(key) returns a colour or null (no data). Recolours loaded tiles. */
    setFill(fill) {
      styleFor = fill;
      restyle();
    },

    /** Outlines regions in colours (key -> colour), e.g. those compared; an empty Map clears. */
    setMarks(next) {
      const changed = new Set([...marks.keys(), ...next.keys()]);
      marks = next;
      for (const key of changed) restyle(key);
    },

    /** Shows the whole of Germany again. */
    fitGermany() {
      map.fitBounds(GERMANY, { ...(typeof fit === 'function' ? fit() : fit) });
    },

    /** Are all visible tiles of the choropleth loaded? */
    tilesLoaded() {
      const layer = choro?.layer;
      if (!layer?._tiles) return false;
      return Object.values(layer._tiles).every((t) => t.loaded || !t.current);
    },

    /** Keys of the regions drawn in the loaded tiles (for counts and tests). */
    drawnKeys() {
      const keys = new Set();
      eachFeature((key) => keys.add(key));
      return keys;
    },

    /** Outline layers above the choropleth: {land: {template, bounds}, kreis: …} (missing = none). */
    setOutlines(tiles) {
      for (const [level, layer] of outlineLayers) {
        if (tiles[level]?.template !== layer._saTemplate) {
          map.removeLayer(layer);
          outlineLayers.delete(level);
        }
      }
      for (const [level, info] of Object.entries(tiles)) {
        if (!info?.template || outlineLayers.has(level)) continue;
        const layer = tileLayer(info.template, level, false, info.bounds);
        layer._saTemplate = info.template;
        outlineLayers.set(level, layer.addTo(map));
      }
    },

    /** Marks one region as selected (null clears); geometry (GeoJSON) draws a precise outline. */
    select(key, geometry) {
      const prev = selected;
      selected = key ?? null;
      if (prev && prev !== selected) restyle(prev);
      if (selected) restyle(selected);
      if (selectionLayer) map.removeLayer(selectionLayer);
      selectionLayer = null;
      if (geometry) {
        selectionLayer = L.geoJSON(geometry, {
          pane: 'selection',
          renderer: selectionRenderer,
          interactive: false,
          style: () => ({ color: '#000', weight: 3, fill: false, opacity: 1 }),
        }).addTo(map);
        map.fire('moveend');
      }
    },

    /**
     * Zooms to a GeoJSON geometry or to a region drawn in the loaded tiles, placed in the part of
     * the map no panel covers (covers: DOMRects of the card and the legend).
     */
    zoomTo(geometry, key, maxZoom = 10, covers = []) {
      const bounds = regionBounds(geometry, key);
      if (bounds?.isValid()) {
        userMoved = true;
        map.flyToBounds(bounds, { maxZoom, ...clearPadding(covers), duration: 0.6 });
      }
      return Boolean(bounds?.isValid());
    },

    /**
     * Moves the map (at most zooming out) so that a selected region is not under a panel: the
     * region is fitted into the part of the map the covers leave free.
     */
    keepClear(geometry, key, covers = []) {
      const bounds = regionBounds(geometry, key);
      if (!bounds?.isValid() || !covers.length) return;
      const box = pixelBox(bounds);
      const mapRect = el.getBoundingClientRect();
      // a side panel counts as a column from top to bottom: the card grows as the profile arrives
      const hidden = covers.some((r) => box.x0 < r.right - mapRect.left && box.x1 > r.left - mapRect.left &&
        (r.width <= mapRect.width * 0.6 || (box.y0 < r.bottom - mapRect.top && box.y1 > r.top - mapRect.top)));
      const outside = box.x0 < 0 || box.y0 < 0 || box.x1 > mapRect.width || box.y1 > mapRect.height;
      if (!hidden && !outside) return;
      userMoved = true;
      map.fitBounds(bounds, { maxZoom: map.getZoom(), ...clearPadding(covers), animate: false });
    },

    /** Is a region drawn in the loaded tiles? */
    hasDrawn(key) {
      let found = false;
      eachFeature((k) => { if (k === key) found = true; });
      return found;
    },

    /** Replaces the data attributions (plain text from the API). */
    setAttribution(list) {
      for (const a of shownAttribution) attribution.removeAttribution(a);
      shownAttribution = [...new Set((Array.isArray(list) ? list : []).filter(Boolean))].map(esc);
      for (const a of shownAttribution) attribution.addAttribution(a);
    },

    /** The attribution lines as plain text (for PNG export). */
    attributionText() {
      return attribution.getContainer().textContent.replace(/\s+/g, ' ').trim();
    },

    setLabels({ zoomIn, zoomOut }) {
      const c = zoom.getContainer();
      for (const [sel, text] of [['.leaflet-control-zoom-in', zoomIn], ['.leaflet-control-zoom-out', zoomOut]]) {
        const a = c.querySelector(sel);
        a.title = text;
        a.setAttribute('aria-label', text);
      }
    },

    /** The map's bounds as [minLon, minLat, maxLon, maxLat] (clamped to WGS84). */
    bbox() {
      const b = map.getBounds().pad(0.1);
      return [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()), Math.min(90, b.getNorth())];
    },

    onMoveEnd(fn) {
      map.on('moveend', fn);
    },

    /**
     * Place names from the atlas's own data: {land: [...], kreis: [...], gemeinde: [...]} of
     * {key, name, lon, lat, population}. Which names show depends on the zoom: Länder when all of
     * Germany is in view, Kreise and large cities closer in, more of them the closer.
     */
    setPlaceLabels(byLevel) {
      placeLabels = byLevel;
      drawPlaceLabels();
    },

    /** The view a share link restores: {lat, lng, zoom} (rounded), or null before the user moved. */
    view() {
      if (!userMoved) return null;
      const c = map.getCenter();
      return { lat: Math.round(c.lat * 1e4) / 1e4, lng: Math.round(c.lng * 1e4) / 1e4, zoom: Math.round(map.getZoom() * 4) / 4 };
    },

    /** Restores a shared view (a later resize no longer refits Germany). */
    setView({ lat, lng, zoom }) {
      userMoved = true;
      map.setView([lat, lng], zoom, { animate: false });
    },

    /**
     * Places as clustered circle markers. fc: GeoJSON points; colorFor(category); popupFor(props) -> Element.
     * null removes the layer. Clustering needs markercluster (loaded by main.js); without it, plain markers.
     */
    setPlaces(fc, colorFor, popupFor) {
      if (placesLayer) map.removeLayer(placesLayer);
      placesLayer = null;
      if (!fc) return;
      const group = typeof L.markerClusterGroup === 'function'
        ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45, clusterPane: 'places' })
        : L.layerGroup();
      for (const f of fc.features ?? []) {
        const [lon, lat] = f.geometry?.coordinates ?? [];
        if (!Number.isFinite(lat) || !Number.isFinite(lon)) continue;
        const m = L.circleMarker([lat, lon], {
          pane: 'places',
          renderer: placesRenderer,
          radius: 6,
          color: '#ffffff',
          weight: 1.5,
          fillColor: colorFor(f.properties?.category),
          fillOpacity: 1,
        });
        m.bindPopup(() => popupFor(f.properties ?? {}), { maxWidth: 280 });
        group.addLayer(m);
      }
      placesLayer = group.addTo(map);
      el.dataset.places = String(fc.features?.length ?? 0);
    },

    /**
     * The map as one canvas: every canvas in the map (tiles, outlines, selection, places) in pane
     * order, cluster bubbles redrawn, at the map's size. Same-origin only, so never tainted.
     */
    snapshot() {
      const rect = el.getBoundingClientRect();
      const ratio = window.devicePixelRatio || 1;
      const out = document.createElement('canvas');
      out.width = Math.round(rect.width * ratio);
      out.height = Math.round(rect.height * ratio);
      const ctx = out.getContext('2d');
      ctx.scale(ratio, ratio);
      ctx.fillStyle = getComputedStyle(el).backgroundColor || '#e6ebef';
      ctx.fillRect(0, 0, rect.width, rect.height);
      const panes = [...el.querySelectorAll('.leaflet-pane')]
        .filter((p) => p.querySelector('canvas, img'))
        .sort((a, b) => (Number(getComputedStyle(a).zIndex) || 0) - (Number(getComputedStyle(b).zIndex) || 0));
      const drawn = new Set();
      for (const p of panes) {
        for (const c of p.querySelectorAll('canvas, img.leaflet-tile')) {
          if (drawn.has(c)) continue;
          drawn.add(c);
          const r = c.getBoundingClientRect();
          if (!r.width || !r.height || r.right < rect.left || r.left > rect.right || r.bottom < rect.top || r.top > rect.bottom) continue;
          try {
            ctx.drawImage(c, r.left - rect.left, r.top - rect.top, r.width, r.height);
          } catch {
            /* an unloaded image: leave it out */
          }
        }
      }
      for (const b of el.querySelectorAll('.marker-cluster')) {
        const r = b.getBoundingClientRect();
        const x = r.left - rect.left + r.width / 2;
        const y = r.top - rect.top + r.height / 2;
        ctx.beginPath();
        ctx.arc(x, y, r.width / 2 - 2, 0, Math.PI * 2);
        ctx.fillStyle = 'rgba(10, 88, 168, 0.85)';
        ctx.fill();
        ctx.fillStyle = '#fff';
        ctx.font = '600 12px system-ui, sans-serif';
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(b.textContent.trim(), x, y);
      }
      return { canvas: out, width: rect.width, height: rect.height };
    },

    invalidate() {
      map.invalidateSize();
    },
  };
}
