// histogram.js: the small histogram under the classification controls — the distribution of the
// map's values (GET /api/v1/histogram) with the class breaks as dashed lines, bars in class colours.
import { t, h, formatNumber, getLang } from './i18n.js';
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
