// chart.js: small inline SVG charts drawn from data (no library): line chart for time series,
// histogram with class breaks, horizontal bars, stacked contribution bars. Each chart is an
// <svg role="img"> with <title> and <desc>; the numbers are also in a table next to it.
import { svg, formatNumber } from './i18n.js';

const INK = '#1c2228';
const MUTED = '#56616c';
const GRID = '#dde3e8';

function extent(values) {
  const xs = values.filter(Number.isFinite);
  if (!xs.length) return [0, 1];
  let lo = Math.min(...xs);
  let hi = Math.max(...xs);
  if (lo === hi) {
    lo -= Math.abs(lo) * 0.1 || 1;
    hi += Math.abs(hi) * 0.1 || 1;
  }
  return [lo, hi];
}

/** About n round tick values over [lo, hi]. */
export function ticks(lo, hi, n = 4) {
  const step0 = (hi - lo) / Math.max(1, n);
  const p = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * p).find((s) => s >= step0) ?? step0;
  const out = [];
  const start = Math.floor(lo / step + 1e-9) * step;
  const end = Math.ceil(hi / step - 1e-9) * step;
  for (let v = start; v <= end + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return out;
}

function frame(width, height, title, desc, className) {
  return svg('svg', { class: className, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': title, preserveAspectRatio: 'xMidYMid meet' },
    svg('title', {}, title), svg('desc', {}, desc));
}

/**
 * Line chart. series: [{label, color, dash, marker: 'circle'|'square', points: [{x, y}]}]; x are years.
 */
export function lineChart({ series, title, desc, decimals, width = 300, height = 170 }) {
  const m = { l: 44, r: 10, t: 10, b: 38 };
  const all = series.flatMap((s) => s.points);
  const [x0, x1] = extent(all.map((p) => p.x));
  let [y0, y1] = extent(all.map((p) => p.y));
  const yt = ticks(y0, y1, 4);
  y0 = Math.min(y0, yt[0] ?? y0);
  y1 = Math.max(y1, yt[yt.length - 1] ?? y1);
  const X = (x) => m.l + ((x - x0) / (x1 - x0 || 1)) * (width - m.l - m.r);
  const Y = (y) => height - m.b - ((y - y0) / (y1 - y0 || 1)) * (height - m.t - m.b);
  const root = frame(width, height, title, desc, 'chart chart--line');
  for (const v of yt) {
    root.append(svg('line', { x1: m.l, x2: width - m.r, y1: Y(v), y2: Y(v), stroke: GRID }));
    root.append(svg('text', { x: m.l - 4, y: Y(v) + 3.5, 'text-anchor': 'end', class: 'chart__tick' }, formatNumber(v, decimals ?? undefined)));
  }
  const years = [...new Set(all.map((p) => p.x))].sort((a, b) => a - b);
  const every = Math.max(1, Math.ceil(years.length / 6));
  years.forEach((x, i) => {
    if (i % every && i !== years.length - 1) return;
    root.append(svg('text', { x: X(x), y: height - m.b + 13, 'text-anchor': 'middle', class: 'chart__tick' }, String(x)));
  });
  series.forEach((s, si) => {
    const pts = s.points.filter((p) => Number.isFinite(p.y)).sort((a, b) => a.x - b.x);
    if (!pts.length) return;
    root.append(svg('polyline', {
      points: pts.map((p) => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' '),
      fill: 'none', stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dash ?? null,
    }));
    for (const p of pts) {
      root.append(s.marker === 'square'
        ? svg('rect', { x: X(p.x) - 2.5, y: Y(p.y) - 2.5, width: 5, height: 5, fill: s.color })
        : svg('circle', { cx: X(p.x), cy: Y(p.y), r: 2.6, fill: s.color }));
    }
    // key below the axis
    const kx = m.l + si * 110;
    root.append(svg('line', { x1: kx, x2: kx + 16, y1: height - 8, y2: height - 8, stroke: s.color, 'stroke-width': 2, 'stroke-dasharray': s.dash ?? null }));
    root.append(svg('text', { x: kx + 20, y: height - 4.5, class: 'chart__key' }, s.label.length > 16 ? s.label.slice(0, 15) + '…' : s.label));
  });
  return root;
}

/** Histogram: bins [{lower, upper, count}], breaks [..], colorAt(v) the class colour of a value. */
export function histogramChart({ bins, breaks, colorAt, title, desc, decimals, marker, width = 300, height = 110 }) {
  const m = { l: 6, r: 6, t: 6, b: 20 };
  const root = frame(width, height, title, desc, 'chart chart--hist');
  if (!bins?.length) return root;
  const lo = bins[0].lower;
  const hi = bins[bins.length - 1].upper;
  const maxC = Math.max(1, ...bins.map((b) => b.count));
  const X = (v) => m.l + ((v - lo) / (hi - lo || 1)) * (width - m.l - m.r);
  const Y = (c) => height - m.b - (c / maxC) * (height - m.t - m.b);
  for (const b of bins) {
    const x = X(b.lower);
    const w = Math.max(0.5, X(b.upper) - x - 1);
    root.append(svg('rect', { x, y: Y(b.count), width: w, height: height - m.b - Y(b.count), fill: colorAt((b.lower + b.upper) / 2) ?? '#b7c0c8', stroke: '#8a949e', 'stroke-width': 0.4 }));
  }
  root.append(svg('line', { x1: m.l, x2: width - m.r, y1: height - m.b, y2: height - m.b, stroke: MUTED }));
  for (const br of breaks ?? []) {
    if (br < lo || br > hi) continue;
    root.append(svg('line', { x1: X(br), x2: X(br), y1: m.t - 2, y2: height - m.b + 3, stroke: INK, 'stroke-width': 1.2, 'stroke-dasharray': '3 2' }));
  }
  // marker {value, label}: e.g. Germany's official value, a solid line with a triangle.
  if (marker && Number.isFinite(marker.value) && marker.value >= lo && marker.value <= hi) {
    const x = X(marker.value);
    root.append(svg('line', { x1: x, x2: x, y1: m.t, y2: height - m.b, stroke: '#d95f02', 'stroke-width': 2, class: 'chart__marker' }));
    root.append(svg('path', { d: `M${x - 4},${m.t} L${x + 4},${m.t} L${x},${m.t + 6} Z`, fill: '#d95f02' }, svg('title', {}, marker.label ?? '')));
  }
  root.append(svg('text', { x: m.l, y: height - 5, class: 'chart__tick' }, formatNumber(lo, decimals)));
  root.append(svg('text', { x: width - m.r, y: height - 5, 'text-anchor': 'end', class: 'chart__tick' }, formatNumber(hi, decimals)));
  return root;
}

/** Horizontal bars: bars [{label, value, color, strong}] sharing one axis from min(0, …) to max.
 * Each region's name stands on its own line above its bar, so that long names
 * ("Sankt Wendel (Landkreis)", "München (Kreisfreie Stadt)") are read whole. */
export function barChart({ bars, title, desc, decimals, unit, width = 300 }) {
  const row = 30;
  const m = { l: 4, r: 58, t: 2, b: 2 };
  const height = m.t + m.b + bars.length * row;
  const root = frame(width, height, title, desc, 'chart chart--bars');
  const vals = bars.map((b) => b.value).filter(Number.isFinite);
  const lo = Math.min(0, ...vals);
  const hi = Math.max(0, ...vals) || 1;
  const X = (v) => m.l + ((v - lo) / (hi - lo || 1)) * (width - m.l - m.r);
  const room = Math.floor((width - m.l) / 6); // characters of 11 px that fit on the line
  bars.forEach((b, i) => {
    const y = m.t + i * row;
    // a name too long even for the whole line keeps its text as the label's title
    const cut = b.label.length > room;
    const name = cut ? b.label.slice(0, room - 1) + '…' : b.label;
    root.append(svg('text', { x: m.l, y: y + 11, class: b.strong ? 'chart__label chart__label--strong' : 'chart__label' }, name, cut ? svg('title', {}, b.label) : ''));
    if (Number.isFinite(b.value)) {
      const x = Math.min(X(0), X(b.value));
      root.append(svg('rect', { x, y: y + 14, width: Math.max(1, Math.abs(X(b.value) - X(0))), height: 12, fill: b.color ?? '#3182bd' }));
      root.append(svg('text', { x: Math.max(X(0), X(b.value)) + 4, y: y + 24, class: 'chart__tick' }, formatNumber(b.value, decimals) + (unit ? ' ' + unit : '')));
    } else {
      root.append(svg('text', { x: X(0) + 4, y: y + 24, class: 'chart__tick' }, '–'));
    }
    root.append(svg('line', { x1: X(0), x2: X(0), y1: y + 13, y2: y + 27, stroke: MUTED }));
  });
  return root;
}

/** A stacked bar of parts [{value, color, label}] over a scale of 0..max (e.g. 100 for the index). */
export function stackBar(parts, max = 100, { width = 120, height = 12, title = '' } = {}) {
  const root = svg('svg', { class: 'stackbar', viewBox: `0 0 ${width} ${height}`, width, height, 'aria-hidden': 'true', focusable: 'false' });
  root.append(svg('rect', { x: 0, y: 0, width, height, fill: '#eef1f4' }));
  let x = 0;
  for (const p of parts) {
    if (!(p.value > 0)) continue;
    const w = (p.value / max) * width;
    root.append(svg('rect', { x, y: 0, width: w, height, fill: p.color }, svg('title', {}, p.label)));
    x += w;
  }
  if (title) root.append(svg('title', {}, title));
  return root;
}
