// compare.js: several regions side by side — chips to remove them, a table (indicators × regions,
// value and rank) and a bar chart of one indicator (the map's, or the row chosen in the table).
import * as api from './api.js';
import { t, h, ha, button, localized, topicTitle, formatValue, formatNumber, unitText } from './i18n.js';
import { barChart } from './chart.js';
import { loader } from './panel.js';
import { regionLabels, regionLabelParts } from './table.js';

export const MAX_COMPARE = 10;
export const COLORS = ['#1f78b4', '#d95f02', '#33a02c', '#6a3d9a', '#b15928', '#e7298a', '#1b9e77', '#666666', '#a6761d', '#386cb0'];

/**
 * initCompare(root, ctx): ctx = {state, indicator(id), update(patch), onSelect(key, opts), announce(text)}.
 * Returns {load(), render()}.
 */
export function initCompare(root, ctx) {
  const answer = loader(root, render);
  let chartId = '';

  // a region's name, with its type where another compared region has the same name
  const label = (r) => regionLabels(answer.data?.regions ?? [])(r);

  function load() {
    const { compare: keys, normalize } = ctx.state;
    if (!keys.length) {
      answer.reset();
      return render();
    }
    return answer.load(`${keys.join(',')}|${normalize}`, (signal) => api.fetchCompare({ keys, normalize }, signal));
  }

  function chips() {
    const list = ha('ul', 'chips', { 'aria-label': t('tab_compare') });
    ctx.state.compare.forEach((key, i) => {
      const reg = answer.data?.regions?.find((r) => r.key === key);
      const name = reg ? label(reg) : key;
      const dot = h('span', 'chip__dot');
      dot.style.backgroundColor = COLORS[i % COLORS.length];
      const pick = button(name, 'linklike chip__name', () => ctx.onSelect(key, { name, zoom: true, focus: true }));
      const remove = button('×', 'chip__remove', () => {
        ctx.update({ compare: ctx.state.compare.filter((k) => k !== key) });
        ctx.announce(t('compare_remove', name));
        requestAnimationFrame(() => root.querySelector('.chip__remove, .button')?.focus());
      }, { 'aria-label': t('compare_remove', name) });
      list.append(h('li', 'chip', dot, pick, remove));
    });
    return list;
  }

  function chart(data) {
    const id = chartId && data?.indicators?.some((x) => x.id === chartId) ? chartId : ctx.state.indicator;
    const row = data?.indicators?.find((x) => x.id === id);
    if (!row) return null;
    const ind = { ...(ctx.indicator(id) ?? row), decimals: row.decimals };
    const bars = data.regions.map((r, i) => {
      const v = row.values.find((x) => x.key === r.key);
      return { label: label(r), value: v?.value ?? NaN, color: COLORS[i % COLORS.length] };
    });
    const title = t('compare_chart', localized(ind, 'title'));
    const desc = bars.map((b) => `${b.label}: ${formatValue(Number.isFinite(b.value) ? b.value : null, row.unit, null, ind.decimals)}`).join('; ');
    const year = row.values.find((v) => v.year)?.year;
    return h('figure', 'compare__chart',
      h('figcaption', 'compare__chart-title', `${title}${year ? ', ' + year : ''}${row.unit ? ' (' + unitText(row.unit) + ')' : ''}`),
      barChart({ bars, title, desc, decimals: ind.decimals }));
  }

  // a type added to tell equal names apart stands on its own line ("München" / "Landkreis"),
  // so that a narrow column does not break "(Landkreis)" inside the word
  function headerName(r) {
    const [name, type] = regionLabelParts(answer.data?.regions ?? [])(r);
    return type ? [name, h('span', 'data-table__sub', type)] : [name];
  }

  function table(data) {
    const regions = data.regions;
    const tbl = ha('table', 'data-table data-table--compare', { id: 'compare-table' });
    // cells wrap (fixed layout); from four regions on the table scrolls sideways instead of squeezing
    // Germany's value of the year beside the regions: the source's official row or a correct
    // sum of counts (the server says which), never a mean of rates
    const withGermany = data.indicators.some((row) => row.germany);
    tbl.style.minWidth = `${10 + (regions.length + (withGermany ? 1 : 0)) * 5.75}rem`; // three regions and Germany fit the 560 px panel beside a scrollbar
    tbl.append(h('caption', null, t('compare_caption')));
    tbl.append(h('thead', null, h('tr', null, ha('th', null, { scope: 'col' }, t('col_indicator')), ...regions.map((r) => ha('th', 'num', { scope: 'col' }, ...headerName(r))),
      withGermany ? ha('th', 'num', { scope: 'col' }, t('profile_germany')) : '')));
    const body = h('tbody');
    let topic = null;
    for (const row of data.indicators) {
      const ind = { ...(ctx.indicator(row.id) ?? row), decimals: row.decimals };
      const tt = topicTitle(ind);
      if (tt !== topic) {
        topic = tt;
        body.append(h('tr', 'data-table__group', ha('th', null, { colspan: String(regions.length + 1 + (withGermany ? 1 : 0)), scope: 'rowgroup' }, tt)));
      }
      const pick = button(localized(ind, 'title') || row.title, 'linklike', () => {
        chartId = row.id;
        render();
        root.querySelector('.compare__chart')?.scrollIntoView({ block: 'nearest' });
      }, { title: t('chart_this'), 'aria-pressed': String(row.id === (chartId || ctx.state.indicator)) });
      const cells = regions.map((r) => {
        const v = row.values.find((x) => x.key === r.key);
        if (!v) return h('td', 'num', '–');
        return h('td', 'num', formatValue(v.value, '', v.flag, ind.decimals),
          h('span', 'data-table__sub', [v.year, v.rank ? `(${formatNumber(v.rank)}/${formatNumber(v.of)})` : ''].filter(Boolean).join(' ')));
      });
      const g = row.germany;
      const germany = !withGermany ? '' : g?.value != null
        ? h('td', 'num', formatValue(g.value, '', g.flag, ind.decimals), h('span', 'data-table__sub', [g.year, g.basis ? t('basis_' + g.basis) : ''].filter(Boolean).join(' · ')))
        : h('td', 'num', '–');
      // the unit once beside the indicator (the cells hold numbers only, so they never break
      // inside a word); why a normalisation was not applied, where it was not
      const head = ha('th', null, { scope: 'row' }, pick, h('span', 'data-table__sub', unitText(row.unit)),
        row.normalization_note ? h('span', 'data-table__sub', t('compare_not_normalized')) : null);
      body.append(h('tr', row.id === ctx.state.indicator ? 'is-current' : null, head, ...cells, germany));
    }
    tbl.append(body);
    return h('div', 'table-scroll', tbl);
  }

  function render() {
    const s = ctx.state;
    const addSel = s.selected && !s.compare.includes(s.selected) && s.compare.length < MAX_COMPARE
      ? button(t('compare_add_selected'), 'button', () => ctx.update({ compare: [...s.compare, s.selected] }))
      : null;
    const clear = s.compare.length ? button(t('compare_clear'), 'button button--quiet', () => ctx.update({ compare: [] })) : null;
    const parts = [h('p', 'muted', t('compare_intro')), h('div', 'button-row', addSel ?? '', clear ?? '')];
    if (!s.compare.length) parts.push(h('p', 'empty', t('compare_empty')));
    else {
      parts.push(chips());
      const data = answer.data;
      if (answer.error) parts.push(...answer.errorParts(load));
      else if (!data) parts.push(h('p', 'muted', t('loading_short')));
      else parts.push(chart(data) ?? '', h('p', 'muted small', t('compare_chart_hint')), table(data), h('p', 'info__src', `${t('source')}: ${(data.attribution ?? []).join(' · ')}`));
    }
    root.replaceChildren(...parts);
  }

  return { load, render };
}
