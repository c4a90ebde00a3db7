// The only module of the reporting pages that knows URLs. Writes carry the
// session's CSRF token (the session cookie itself is HttpOnly).
let csrf = '';

async function req(method, url, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (csrf && method !== 'GET') opts.headers['X-CSRF-Token'] = csrf;
  if (body instanceof FormData) {
    opts.body = body;
  } else if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  const res = await fetch(url, opts);
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { data = null; }
  }
  return { ok: res.ok, status: res.status, data };
}

const enc = encodeURIComponent;
const base = (id) => `/api/v1/reports/${enc(id)}`;

export async function signIn(token) {
  const r = await req('POST', '/api/v1/session', { token });
  if (r.ok) csrf = r.data.csrf;
  return r;
}
export async function currentSession() {
  const r = await req('GET', '/api/v1/session');
  if (r.ok && r.data.signed_in) csrf = r.data.csrf;
  return r;
}
export async function signOut() {
  const r = await req('DELETE', '/api/v1/session');
  csrf = '';
  return r;
}
export const reports = () => req('GET', '/api/v1/reports');
export const report = (id) => req('GET', base(id));
export const mine = (id) => req('GET', `${base(id)}/mine`);
export const check = (id, values, submit) => req('POST', `${base(id)}/check`, { values, submit });
export const form = (id, period, key) => req('GET', `${base(id)}/periods/${enc(period)}/regions/${enc(key)}`);
export const save = (id, period, key, body) => req('PUT', `${base(id)}/periods/${enc(period)}/regions/${enc(key)}`, body);
export function upload(id, period, file) {
  const fd = new FormData();
  fd.append('file', file, file.name);
  return req('POST', `${base(id)}/periods/${enc(period)}/upload`, fd);
}
export const status = (id, period) => req('GET', `${base(id)}/periods/${enc(period)}`);
export const publish = (id, period) => req('POST', `${base(id)}/periods/${enc(period)}/publish`);
export const define = (def) => req('POST', '/api/v1/reports', def);
export const series = (id, key) => req('GET', `${base(id)}/series/${enc(key)}`);
export const choropleth = (indicator, level, period) =>
  req('GET', `/api/v1/choropleth?indicator=${enc(indicator)}&level=${enc(level)}&year=${enc(period.replace('-', ''))}`);
