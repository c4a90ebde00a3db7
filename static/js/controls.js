// controls.js: the side-panel form. Fills the selects from the indicator list, shows the
// indicator's definition and source, and reports every change as a state patch.
import { t, h, getLang, localized } from './i18n.js';

export const LEVELS = ['land', 'kreis', 'gemeinde'];
export const METHODS = ['quantile', 'equal', 'jenks'];
export const CLASS_COUNTS = [3, 4, 5, 6, 7];
const NUMERIC = new Set(['year', 'classes']);

function option(value, text, disabled = false) {
  const o = new Option(String(text), String(value)); // Option() sets text, never HTML
  o.disabled = disabled;
  return o;
}

function indicatorOptions(indicators) {
  const groups = new Map();
  for (const ind of indicators) {
    const topic = localized(ind, 'topic_title') || ind.topic || '';
    if (!groups.has(topic)) groups.set(topic, []);
    groups.get(topic).push(option(ind.id, localized(ind, 'title') || ind.id));
  }
  return [...groups].map(([topic, opts]) => {
    const group = document.createElement('optgroup');
    group.label = topic;
    group.append(...opts);
    return group;
  });
}

function indicatorInfo(ind) {
  if (!ind) return [];
  const direction = ['need', 'capacity', 'context'].includes(ind.direction) ? t('direction_' + ind.direction) : '';
  const source = [ind.source && `${t('source')}: ${ind.source}`, ind.licence && `${t('licence')}: ${ind.licence}`];
  return [
    h('p', 'indicator-info__def', localized(ind, 'definition')),
    h('p', 'indicator-info__dir', direction),
    h('p', 'indicator-info__src', source.filter(Boolean).join(' · ')),
  ].filter((p) => p.textContent);
}

/** Wires the form; returns render(state), which brings the form in line with the state. */
export function initControls(form, infoBox, onChange) {
  const selects = {};
  for (const name of ['indicator', 'level', 'year', 'method', 'classes']) {
    const select = form.elements.namedItem(name);
    selects[name] = select;
    select.addEventListener('change', () => onChange({ [name]: NUMERIC.has(name) ? Number(select.value) : select.value }));
  }
  form.addEventListener('submit', (e) => e.preventDefault());

  // Options are rebuilt only when what they depend on changes, so focus and scroll stay put.
  const built = {};
  const fill = (name, signature, make) => {
    if (built[name] === signature) return;
    built[name] = signature;
    selects[name].replaceChildren(...make());
  };

  return function render(state) {
    const ind = state.indicators.find((i) => i.id === state.indicator);
    const lang = getLang();
    const has = (l) => Boolean(ind?.levels?.includes(l));
    fill('indicator', `${lang}|${state.indicators.length}`, () => indicatorOptions(state.indicators));
    fill('level', `${lang}|${ind?.id}`, () =>
      LEVELS.map((l) => option(l, has(l) ? t('level_' + l) : t('level_missing', t('level_' + l)), !has(l))),
    );
    fill('year', String(ind?.id), () => [...(ind?.years ?? [])].sort((a, b) => b - a).map((y) => option(y, y)));
    fill('method', lang, () => METHODS.map((m) => option(m, t('method_' + m))));
    fill('classes', 'fixed', () => CLASS_COUNTS.map((n) => option(n, n)));
    for (const [name, select] of Object.entries(selects)) select.value = String(state[name]);
    infoBox.replaceChildren(...indicatorInfo(ind));
  };
}
