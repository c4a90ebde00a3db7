// histogram.js: the small histogram under the classification controls — the distribution of the
// map's values (GET /api/v1/histogram) with the class breaks as dashed lines, bars in class colours.
import { t, h, button, formatNumber, getLang } from './i18n.js';
import { histogramChart } from './chart.js';

export function renderHistogram(root, answer, decimals) {
  if (!root) return;
  const hist = answer?.histogram;
  if (!hist?.bins?.length) {
    root.replaceChildren();
    return;
  }
  const classes = answer.legend?.classes ?? [];
  const colorAt = (v) => {
    const c = classes.find((k, i) => v >= k.lower && (v < k.upper || (i === classes.length - 1 && v <= k.upper)));
    return c?.color ?? null;
  };
  const breaks = hist.breaks ?? [];
  const desc = t('histogram_desc', formatNumber(hist.count), formatNumber(hist.lower, decimals), formatNumber(hist.upper, decimals),
    breaks.map((b) => formatNumber(b, decimals)).join('; '));
  // Germany's value (official DG row) as a marker, where the source has one.
  const g = answer.germany;
  const gLabel = g ? `${getLang() === 'de' ? 'Deutschland' : 'Germany'} ${g.year}: ${formatNumber(g.value, decimals)} (${g.basis})` : '';
  root.replaceChildren(
    h('figcaption', 'histogram__title', t('histogram')),
    histogramChart({ bins: hist.bins, breaks, colorAt, title: t('histogram'), desc: gLabel ? `${desc} ${gLabel}` : desc, decimals, marker: g ? { value: g.value, label: gLabel } : null }),
    g ? h('p', 'histogram__germany legend__stats', `▼ ${gLabel}`) : null,
  );
}

// A histogram is "dominated by one bar" when that bar holds at least this share of the areas.
const DOMINANT_SHARE = 0.6;

/**
 * The hint under the histogram: for a count (the catalogue's normalize lists what applies) whose
 * histogram is one bar, a button to the normalised form; while normalised, the way back.
 * onChange(normalize) switches; the server divides, the browser only asks.
 */
export function renderNormHint(root, answer, ind, normalize, onChange) {
  if (!root) return;
  const norms = ind?.normalize ?? [];
  const hist = answer?.histogram;
  let parts = [];
  if (normalize) {
    parts = [h('p', 'norm-hint__text', t('norm_on_' + normalize)), button(t('norm_off'), 'button button--quiet', () => onChange(''), { id: 'norm-off' })];
  } else if (ind?.count && norms.length && hist?.bins?.length && hist.count > 0) {
    const top = Math.max(...hist.bins.map((b) => b.count));
    if (top >= DOMINANT_SHARE * hist.count) {
      const n = norms.includes('per1000') ? 'per1000' : norms[0];
      parts = [h('p', 'norm-hint__text', t('norm_hint')), button(t('norm_apply_' + n), 'button', () => onChange(n), { id: 'norm-apply' })];
    }
  }
  root.replaceChildren(...parts);
  root.hidden = !parts.length;
}
