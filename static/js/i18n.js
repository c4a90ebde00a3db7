// i18n.js: every UI string (German default, English switch) and number formatting.
// Data from the API (names, legend labels, sources) is shown as the server sends it.

// One row per string: [Deutsch, English]. {0}, {1} are filled by t().
const STRINGS = {
  title: ['Standortatlas'],
  tagline: ['Aufnahme- und Integrationsbedingungen in Ländern, Kreisen und Gemeinden', 'Conditions for receiving and integrating newcomers in Länder, districts and municipalities'],
  skip: ['Zur Karte springen', 'Skip to map'],
  lang_switch: ['English', 'Deutsch'],
  lang_switch_label: ['Switch to English', 'Auf Deutsch umschalten'],
  settings: ['Einstellungen', 'Settings'],
  indicator: ['Indikator', 'Indicator'],
  level: ['Gebietsebene', 'Spatial level'],
  level_land: ['Länder', 'Länder (states)'],
  level_kreis: ['Kreise', 'Kreise (districts)'],
  level_gemeinde: ['Gemeinden', 'Gemeinden (municipalities)'],
  level_missing: ['{0} (für diesen Indikator nicht verfügbar)', '{0} (not available for this indicator)'],
  year: ['Jahr', 'Year'],
  method: ['Klassifizierung', 'Classification'],
  method_quantile: ['Quantile', 'Quantiles'],
  method_equal: ['Gleiches Intervall', 'Equal intervals'],
  method_jenks: ['Natürliche Brüche', 'Natural breaks'],
  classes: ['Klassen', 'Classes'],
  source: ['Quelle', 'Source'],
  licence: ['Lizenz', 'Licence'],
  direction_need: ['Hohe Werte zeigen hohen Bedarf.', 'High values indicate high need.'],
  direction_capacity: ['Hohe Werte zeigen hohe Aufnahmefähigkeit.', 'High values indicate high capacity to take in newcomers.'],
  direction_context: ['Kontextindikator, ohne Wertung.', 'Context indicator, no judgement implied.'],
  legend: ['Legende', 'Legend'],
  unit: ['Einheit: {0}', 'Unit: {0}'],
  count: ['Anzahl', 'Count'],
  stats: ['Min. {0} · Mittelwert {1} · Max. {2}', 'Min. {0} · mean {1} · max. {2}'],
  no_data: ['keine Daten', 'no data'],
  flag_suppressed: ['geheimgehalten', 'suppressed'],
  flag_secret: ['geheimgehalten', 'suppressed'],
  flag_zero: ['nichts vorhanden', 'nil'],
  flag_not_available: ['noch nicht verfügbar', 'not yet available'],
  flag_not_meaningful: ['nicht sinnvoll', 'not meaningful'],
  flag_unreliable: ['nicht genau genug', 'not reliable enough'],
  flag_limited: ['eingeschränkt aussagefähig', 'limited reliability'],
  flag_estimated: ['geschätzt', 'estimated'],
  hint: ['Gebiet anklicken für Details.', 'Click an area for details.'],
  loading: ['Karte wird geladen …', 'Loading map …'],
  err_indicators: ['Die Indikatorenliste konnte nicht geladen werden: {0}', 'The list of indicators could not be loaded: {0}'],
  err_map: ['Die Kartendaten konnten nicht geladen werden: {0}', 'The map data could not be loaded: {0}'],
  err_empty: ['Es sind keine Indikatoren verfügbar.', 'No indicators are available.'],
  err_network: ['keine Verbindung zum Server', 'no connection to the server'],
  err_leaflet: ['Die Kartenbibliothek (Leaflet) fehlt auf dem Server.', 'The map library (Leaflet) is missing on the server.'],
  retry: ['Erneut versuchen', 'Try again'],
  close: ['Schließen', 'Close'],
  info_label: ['Details zum Gebiet', 'Area details'],
  key: ['Schlüssel {0}', 'Code {0}'],
  map_label: ['Karte', 'Map'],
  zoom_in: ['Vergrößern', 'Zoom in'],
  zoom_out: ['Verkleinern', 'Zoom out'],
  open_atlas: ['Im Standortatlas öffnen', 'Open in Standortatlas'],
};

let lang = 'de';

export function setLang(l) {
  lang = l === 'en' ? 'en' : 'de';
  document.documentElement.lang = lang;
}

export const getLang = () => lang;

/** t('key', a, b) looks up a string and fills {0}, {1}, … with the arguments. */
export function t(key, ...args) {
  const row = Object.hasOwn(STRINGS, key) ? STRINGS[key] : null;
  const s = row ? (lang === 'en' && row[1]) || row[0] : key;
  return s.replace(/\{(\d)\}/g, (_, i) => String(args[i] ?? ''));
}

/** Fills static markup: data-i18n sets textContent, data-i18n-label sets aria-label. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel));
}

/** Builds an element; string children become text nodes, so data never reaches innerHTML. */
export function h(tag, className, ...children) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  el.append(...children.filter((c) => c !== null && c !== undefined && c !== false && c !== ''));
  return el;
}

/** English field of an API object where the API has one (title_en), else the German one. */
export const localized = (obj, field) => (lang === 'en' && obj?.[field + '_en']) || obj?.[field] || '';

// Numbers are always German-formatted (the server's legend labels are too).
const formats = new Map();
function nf(min, max) {
  const k = `${min}/${max}`;
  if (!formats.has(k)) formats.set(k, new Intl.NumberFormat('de-DE', { minimumFractionDigits: min, maximumFractionDigits: max }));
  return formats.get(k);
}

/** decimals: the indicator's "decimals" where the API gives it; else 0–3 digits by size. */
export function formatNumber(v, decimals) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '';
  if (Number.isInteger(decimals) && decimals >= 0 && decimals <= 6) return nf(decimals, decimals).format(v);
  const a = Math.abs(v);
  return nf(0, a >= 100 ? 1 : a >= 1 ? 2 : 3).format(v);
}

/** "3,48 %", "keine Daten (geheimgehalten)", "4,1 % (geschätzt)". */
export function formatValue(v, unit, flag, decimals) {
  const flagText = flag && flag !== 'missing' ? ` (${Object.hasOwn(STRINGS, 'flag_' + flag) ? t('flag_' + flag) : flag})` : '';
  if (typeof v !== 'number' || !Number.isFinite(v)) return (flag === 'zero' ? '–' : t('no_data')) + flagText;
  return formatNumber(v, decimals) + (unit ? '\u00a0' + unit : '') + flagText;
}
