// share.js: sharing and export — the "Einbetten" dialog with the iframe snippet, copying the link,
// CSV download (the API's own CSV, which carries the source lines) and the PNG export composed
// on a canvas from the map's canvases, the legend and the attribution.
import * as api from './api.js';
import { t } from './i18n.js';

async function copyText(text, fallbackEl) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!fallbackEl) return false;
    fallbackEl.focus();
    fallbackEl.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

/**
 * The embed code for the embed page with this query: the iframe (height = the starting height) and
 * the few lines that let it take the height it asks for (the embed posts
 * {type: 'standortatlas:height', height} for its width; only messages from our origin and from
 * one of our iframes are heeded).
 */
export function iframeSnippet(query, title, height) {
  const origin = window.location.origin;
  const src = api.embedURL(query).replace(/&/g, '&amp;');
  const safeTitle = String(title).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const listener = `<script>window.addEventListener("message",function(e){if(e.origin!==${JSON.stringify(origin)}||!e.data||e.data.type!=="standortatlas:height")return;` +
    `var f=document.querySelectorAll("iframe[data-standortatlas]");for(var i=0;i<f.length;i++)if(f[i].contentWindow===e.source)f[i].style.height=Math.min(2000,Math.max(200,+e.data.height||0))+"px";});</script>`;
  return `<iframe src="${src}" title="${safeTitle}" width="100%" height="${height}" loading="lazy" style="border:0" allowfullscreen data-standortatlas></iframe>\n${listener}`;
}

/**
 * initShare({dialog, opener, query(), title(), announce}) wires the embed dialog. Native <dialog>
 * with showModal(): focus moves in, stays in, Escape closes; focus returns to the opener.
 */
export function initShare({ dialog, opener, query, title, announce }) {
  const code = dialog.querySelector('#embed-code');
  const height = dialog.querySelector('#embed-height');
  const preview = dialog.querySelector('#embed-preview');
  const status = dialog.querySelector('#embed-status');

  const fill = () => {
    const hgt = Math.min(1200, Math.max(240, Number(height.value) || 520));
    code.value = iframeSnippet(query(), t('iframe_title', title()), hgt);
    preview.href = api.embedURL(query());
  };
  opener.addEventListener('click', () => {
    fill();
    status.textContent = '';
    dialog.showModal();
    code.focus();
    code.select();
  });
  height.addEventListener('input', fill);
  dialog.querySelector('#embed-copy').addEventListener('click', async () => {
    const ok = await copyText(code.value, code);
    status.textContent = ok ? t('copied') : t('copy_failed');
    announce(status.textContent);
  });
  dialog.querySelector('#embed-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => opener.focus());
  // a click on the backdrop closes the dialog
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close();
  });
  return { fill };
}

/** Copies the current page URL. */
export async function copyLink(announce) {
  const ok = await copyText(window.location.href);
  announce(ok ? t('link_copied') : t('copy_failed'));
}

function wrap(ctx, text, maxWidth) {
  const words = String(text).split(/\s+/);
  const lines = [];
  let line = '';
  for (const w of words) {
    const next = line ? line + ' ' + w : w;
    if (ctx.measureText(next).width > maxWidth && line) {
      lines.push(line);
      line = w;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Composes the PNG: title bar, the map snapshot, the legend box over its lower left corner and the
 * attribution below. Returns a Promise of a Blob.
 */
export function composePNG({ snapshot, legend, heading, subheading, attribution, link }) {
  const ratio = snapshot.canvas.width / snapshot.width || 1;
  const W = snapshot.width;
  const font = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif';
  const measure = document.createElement('canvas').getContext('2d');
  measure.font = `12px ${font}`;
  // data year ("Stand 2016"), coverage and caveats travel with the picture (legend.js model)
  const caveat = [legend?.stand, legend?.germany, legend?.caveat].filter(Boolean).join(' · ');
  const attrLines = [...(caveat ? wrap(measure, caveat, W - 24) : []), ...wrap(measure, t('png_sources', attribution), W - 24)];
  const headH = 52;
  const footH = 16 + attrLines.length * 16 + 20;
  const H = headH + snapshot.height + footH;
  const c = document.createElement('canvas');
  c.width = Math.round(W * ratio);
  c.height = Math.round(H * ratio);
  const g = c.getContext('2d');
  g.scale(ratio, ratio);
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, W, H);
  g.fillStyle = '#1c2228';
  g.font = `700 17px ${font}`;
  g.fillText(heading, 12, 23);
  g.font = `13px ${font}`;
  g.fillStyle = '#56616c';
  g.fillText(subheading, 12, 42);
  g.drawImage(snapshot.canvas, 0, headH, W, snapshot.height);

  // legend box
  if (legend?.rows?.length) {
    const rows = [...legend.rows, ...(legend.noData ? [legend.noData] : [])];
    g.font = `12px ${font}`;
    const labelW = Math.max(...rows.map((r) => g.measureText(r.label ?? '').width), g.measureText(legend.unit ?? '').width);
    const boxW = Math.min(W - 20, 36 + labelW + 16);
    const boxH = 30 + rows.length * 18 + 6;
    const x0 = 10;
    const y0 = headH + snapshot.height - boxH - 28;
    g.fillStyle = 'rgba(255,255,255,0.94)';
    g.fillRect(x0, y0, boxW, boxH);
    g.strokeStyle = '#c8d0d7';
    g.strokeRect(x0 + 0.5, y0 + 0.5, boxW - 1, boxH - 1);
    g.fillStyle = '#1c2228';
    g.font = `600 12px ${font}`;
    g.fillText(legend.unit ? t('unit', legend.unit) : legend.title ?? '', x0 + 8, y0 + 18);
    g.font = `12px ${font}`;
    rows.forEach((r, i) => {
      const y = y0 + 28 + i * 18;
      g.fillStyle = r.color;
      g.fillRect(x0 + 8, y, 20, 13);
      g.strokeStyle = 'rgba(0,0,0,0.2)';
      g.strokeRect(x0 + 8.5, y + 0.5, 19, 12);
      g.fillStyle = '#1c2228';
      g.fillText(r.label ?? '', x0 + 36, y + 11);
    });
  }

  // attribution and link
  g.font = `12px ${font}`;
  g.fillStyle = '#333';
  let y = headH + snapshot.height + 18;
  for (const line of attrLines) {
    g.fillText(line, 12, y);
    y += 16;
  }
  g.fillStyle = '#0a58a8';
  g.fillText(link, 12, y + 4);
  return new Promise((resolve, reject) => c.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob'))), 'image/png'));
}

/** Saves a Blob under a file name (a temporary blob: link, same origin). */
export function download(blob, name) {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10000);
}
