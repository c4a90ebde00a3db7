// panel.js: what every results panel (ranking, comparison, index, distribution, headroom) shares —
// loading one answer (a newer question aborts the older one, aria-busy while it runs, the error
// in the UI's language with a retry button, the same question not asked twice), re-rendering
// without losing the focus, and the fields the distribution and headroom views both have.
import { t, h, ha, button, formatNumber, parseNumber } from './i18n.js';
import { LANDS } from './table.js';

/**
 * loader(root, render): one answer at a time for a panel. load(want, fetch, {clear}) asks
 * fetch(signal) unless want (the question's signature) was asked last and answered; clear drops
 * the old answer (and renders) before asking. reset() forgets both (a panel with no question).
 */
export function loader(root, render) {
  let ctrl = null;
  const st = {
    data: null,
    error: '',
    sig: '',
    async load(want, fetch, { clear = false } = {}) {
      if (want === st.sig && (st.data || st.error)) return render();
      ctrl?.abort();
      const mine = (ctrl = new AbortController());
      st.sig = want;
      st.error = '';
      if (clear) {
        st.data = null;
        render();
      }
      root.setAttribute('aria-busy', 'true');
      try {
        st.data = await fetch(mine.signal);
      } catch (err) {
        if (err.name === 'AbortError') return;
        st.data = null;
        st.error = t('err_load', err.status === 0 ? t('err_network') : err.message);
      }
      if (mine === ctrl) root.setAttribute('aria-busy', 'false');
      render();
    },
    reset() {
      ctrl?.abort();
      st.data = null;
      st.error = '';
      st.sig = '';
    },
    /** The error and a button that asks again (retry() of the panel), or null without error. */
    errorParts(retry) {
      if (!st.error) return null;
      return [h('p', 'panel-error', st.error), button(t('retry'), 'button', () => {
        st.sig = '';
        retry();
      })];
    },
  };
  return st;
}

/** Replaces root's content; a control that had the focus (by id) has it again afterwards. */
export function replaceKeepingFocus(root, parts) {
  const hadFocus = document.activeElement && root.contains(document.activeElement) ? document.activeElement.id : '';
  root.replaceChildren(...parts.filter(Boolean));
  if (hadFocus) root.querySelector('#' + CSS.escape(hadFocus))?.focus();
}

/** The scope of a key: all Länder, or the Kreise of one Land (the city states have none). */
export function scopeField(id, value, allLabel, onChange) {
  const sel = ha('select', null, { id });
  sel.append(new Option(allLabel, ''), ...LANDS.filter(([k]) => !['02', '11'].includes(k)).map(([k, n]) => new Option(t('dist_scope_land', n), k)));
  sel.value = value;
  sel.addEventListener('change', () => onChange(sel.value));
  return h('div', 'field', ha('label', null, { for: id }, t('dist_scope')), sel);
}

/** The number of arrivals (German notation; Enter or leaving the field sets it, min to 10⁹). */
export function arrivalsField(id, value, min, onSet) {
  const input = ha('input', null, { id, type: 'text', inputmode: 'numeric', value: formatNumber(value, 0), autocomplete: 'off' });
  const set = () => {
    const n = Math.round(parseNumber(input.value.replace(/\./g, '')));
    if (Number.isFinite(n) && n >= min && n <= 1e9) onSet(n);
  };
  input.addEventListener('change', set);
  input.addEventListener('keydown', (e) => e.key === 'Enter' && (e.preventDefault(), set()));
  return h('div', 'field', ha('label', null, { for: id }, t('dist_arrivals')), input);
}

/** The largest weight a slider offers. */
export const MAX_WEIGHT = 5;

/** One weighted indicator of a key or index: colour dot, label, remove button, meta line, 0–MAX_WEIGHT slider. */
export function weightRow({ id, title, w, color, meta, onInput, onRemove }) {
  const dot = h('span', 'chip__dot');
  dot.style.backgroundColor = color;
  const range = ha('input', 'weight__range', { type: 'range', id, min: '0', max: String(MAX_WEIGHT), step: '1', value: String(w), 'aria-valuetext': String(w) });
  const out = ha('output', 'weight__out', { for: id }, String(w));
  range.addEventListener('input', () => {
    out.value = range.value;
    range.setAttribute('aria-valuetext', range.value);
    onInput(Number(range.value));
  });
  const remove = button('×', 'chip__remove', onRemove, { 'aria-label': t('index_remove', title) });
  return h('li', 'weight',
    h('div', 'weight__head', dot, ha('label', 'weight__label', { for: id }, title), remove),
    meta ? h('div', 'weight__meta', meta) : null,
    h('div', 'weight__control', range, out));
}

/**
 * weightSetter(ctx, field): sets one weight of ctx.state[field] at once (the slider moves) and
 * asks the server only when the hand has rested for 300 ms.
 */
export function weightSetter(ctx, field) {
  let timer = 0;
  return (id, w) => {
    const weights = ctx.state[field].map((x) => (x.id === id ? { id, w } : x));
    ctx.state[field] = weights;
    clearTimeout(timer);
    timer = setTimeout(() => ctx.update({ [field]: weights }), 300);
  };
}
