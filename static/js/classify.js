// classify.js: client-side classes for the maps the server does not classify (the capacity
// index and the distribution key's difference), in ColorBrewer colours (Cynthia Brewer,
// Pennsylvania State University; Apache-2.0) marked colour-blind safe — the same schemes the
// server uses for its own maps (Blues for capacity, PuOr for neutral diverging values).
import { formatNumber, formatSigned } from './i18n.js';

export const BLUES_5 = ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'];
export const PUOR_7 = ['#b35806', '#f1a340', '#fee0b6', '#f7f7f7', '#d8daeb', '#998ec3', '#542788'];
export const NO_DATA = '#d9d9d9';

/** Quantile classes of values (k classes): {breaks, classOf(v), classes:[{lower, upper, label, color, count}]}. */
export function quantileClasses(values, colors = BLUES_5, decimals = 1) {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  const k = colors.length;
  if (!xs.length) return { breaks: [], classOf: () => null, classes: [] };
  const breaks = [];
  for (let i = 1; i < k; i++) {
    const b = xs[Math.min(xs.length - 1, Math.floor((i * xs.length) / k))];
    if (!breaks.length || b > breaks[breaks.length - 1]) breaks.push(b);
  }
  return fromBreaks(xs, breaks, colors.length === breaks.length + 1 ? colors : spread(colors, breaks.length + 1), decimals);
}

function spread(colors, n) {
  if (n >= colors.length) return colors;
  return Array.from({ length: n }, (_, i) => colors[Math.round((i * (colors.length - 1)) / Math.max(1, n - 1))]);
}

function fromBreaks(sorted, breaks, colors, decimals, fmt = (v) => formatNumber(v, decimals)) {
  const classOf = (v) => {
    if (!Number.isFinite(v)) return null;
    let c = 0;
    while (c < breaks.length && v >= breaks[c]) c++;
    return c;
  };
  const lo = sorted[0];
  const hi = sorted[sorted.length - 1];
  const classes = colors.map((color, i) => {
    const lower = i === 0 ? lo : breaks[i - 1];
    const upper = i === breaks.length ? hi : breaks[i];
    const last = i === breaks.length;
    return { lower, upper, color, count: 0, label: `${fmt(lower)} – ${last ? '' : '< '}${fmt(upper)}` };
  });
  for (const v of sorted) classes[classOf(v)].count++;
  return { breaks, classOf, classes };
}

/**
 * Symmetric diverging classes around 0 (7 classes, PuOr): the middle class is "about equal"
 * (|x| < m/7), where m is the largest |x| rounded up to a nice number.
 */
export function divergingClasses(values, decimals = 2) {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!xs.length) return { breaks: [], classOf: () => null, classes: [] };
  const m = nice(Math.max(...xs.map(Math.abs)) || 1);
  const s = m / 7;
  const breaks = [-5 * s, -3 * s, -s, s, 3 * s, 5 * s];
  const r = fromBreaks([-m, ...xs, m], breaks, PUOR_7, decimals, (v) => formatSigned(v, decimals));
  r.classes.forEach((c) => (c.count = 0));
  for (const v of xs) r.classes[r.classOf(v)].count++;
  r.classes[0].label = `< ${formatSigned(breaks[0], decimals)}`;
  r.classes[6].label = `≥ ${formatSigned(breaks[5], decimals)}`;
  return r;
}

function nice(x) {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const f of [1, 1.5, 2, 2.5, 3, 4, 5, 7, 10]) if (f * p >= x) return f * p;
  return 10 * p;
}
