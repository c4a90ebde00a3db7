// updates.js: "zuletzt geprüft" — when an indicator was last checked against its official
// source and whether a newer edition was imported (GET /api/v1/updates, per indicator).
import { t, getLang } from './i18n.js';

const day = (iso) => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleDateString(getLang() === 'en' ? 'en-GB' : 'de-DE', { day: '2-digit', month: '2-digit', year: 'numeric' });
};

/** The line shown next to the indicator's source; check is updates.indicators[id] or null. */
export function checkLine(check) {
  if (!check?.checked_at) return t('check_none');
  const parts = [t('checked', day(check.checked_at))];
  if (check.outcome === 'failed') parts.push(t('check_failed'));
  else if (check.outcome === 'new') parts.push(t('check_new', day(check.changed_at)));
  else parts.push(check.changed_at ? t('check_unchanged_since', day(check.changed_at)) : t('check_unchanged'));
  return parts.join(' · ');
}

/** Adds each indicator's last check (ind.check) from the answer of /api/v1/updates. */
export function attachChecks(indicators, updates) {
  const byId = updates?.indicators ?? {};
  for (const ind of indicators) ind.check = Object.hasOwn(byId, ind.id) ? byId[ind.id] : null;
}
