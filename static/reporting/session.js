// Sign-in shared by the reporter's and the coordinator's page: a token is
// exchanged for a session (HttpOnly cookie + CSRF token); the token itself
// is never stored in the browser.
import * as api from './reporting-api.js';

export function errorText(r) {
  if (!r) return 'Keine Antwort vom Server.';
  const d = r.data || {};
  const msg = d.error || `Fehler ${r.status}`;
  if (r.status === 401) return 'Anmeldung abgelaufen oder Token ungültig. Bitte erneut anmelden.';
  if (r.status === 403) return `Keine Berechtigung: ${msg}`;
  return msg;
}

// setup wires the sign-in form and calls onSession(session) once signed in
// (also for a session that survives a page reload).
export async function setup(onSession) {
  const login = document.getElementById('login');
  const app = document.getElementById('app');
  const { input, msg, who, logout } = signInControls(login, app);
  const show = (s) => {
    login.hidden = true;
    app.hidden = false;
    who.textContent = `Angemeldet: ${s.token.name} (bis ${new Date(s.expires).toLocaleTimeString('de-DE', { hour: '2-digit', minute: '2-digit' })})`;
    onSession(s);
  };
  login.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await api.signIn(input.value.trim());
    input.value = '';
    if (!r.ok) {
      msg.textContent = r.status === 401 ? 'Token unbekannt oder widerrufen.' : errorText(r);
      return;
    }
    msg.textContent = '';
    show(r.data);
  });
  logout.addEventListener('click', async () => {
    await api.signOut();
    location.reload();
  });
  const r = await api.currentSession();
  if (r.ok && r.data.signed_in) show(r.data);
  else login.hidden = false;
}

// signInControls adds what setup wires, the same on every page: the token
// field, its button and message to the page's #login form (which holds the
// page's own explanation), and the signed-in line with the logout button at
// the top of #app.
function signInControls(login, app) {
  const input = el('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true });
  const msg = el('p', { id: 'login-msg', class: 'rp-error', role: 'alert' });
  login.append(el('label', { for: 'token', text: 'Token' }), input, el('button', { type: 'submit', text: 'Anmelden' }), msg);
  const who = el('span', { id: 'who' });
  const logout = el('button', { type: 'button', id: 'logout', class: 'rp-link', text: 'Abmelden' });
  app.prepend(el('p', { class: 'rp-who' }, who, ' ', logout));
  return { input, msg, who, logout };
}

export function fmt(v, decimals = 0) {
  if (v === null || v === undefined) return '–';
  return Number(v).toLocaleString('de-DE', { maximumFractionDigits: Math.max(decimals, 2) });
}

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) e.append(c);
  return e;
}
