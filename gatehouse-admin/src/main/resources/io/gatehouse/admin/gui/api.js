// The admin REST API as the GUI uses it: a login that trades the user name and password for a token
// (GET /v1/auth with HTTP Basic), kept in this tab's sessionStorage, and calls that carry it as a bearer token.
// Every request says X-Requested-With, so that a 401 comes without a Basic challenge (no browser password dialog).
'use strict';
const GH = window.GH = {};

GH.auth = Vue.reactive({ token: sessionStorage.getItem('gatehouse-token'), user: sessionStorage.getItem('gatehouse-user') });

GH.login = async function (user, password) {
  const r = await fetch('/v1/auth', { headers: { Authorization: 'Basic ' + btoa(user + ':' + password),
    'X-Requested-With': 'gatehouse-gui' } });
  if (!r.ok) {
    throw new Error(r.status === 401 ? 'Wrong user name or password' : 'Login failed: HTTP ' + r.status);
  }
  const doc = await r.json();
  GH.auth.token = doc.meta.token;
  GH.auth.user = user;
  sessionStorage.setItem('gatehouse-token', GH.auth.token);
  sessionStorage.setItem('gatehouse-user', user);
};

GH.logout = function () {
  GH.auth.token = null;
  GH.auth.user = null;
  sessionStorage.removeItem('gatehouse-token');
  sessionStorage.removeItem('gatehouse-user');
};

// Calls the API; answers the parsed JSON (or null for 204) and throws an Error carrying the API's own message.
GH.call = async function (method, path, body) {
  const headers = { Authorization: 'Bearer ' + GH.auth.token, 'X-Requested-With': 'gatehouse-gui' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const r = await fetch('/v1/' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (r.status === 401) {
    GH.logout();
    throw new Error('Your session has ended: log in again');
  }
  const text = await r.text();
  const doc = text ? JSON.parse(text) : null;
  if (!r.ok) {
    const detail = doc && doc.errors ? doc.errors.map(e => e.detail).join('\n') : 'HTTP ' + r.status;
    throw new Error(detail);
  }
  return doc;
};
GH.get = path => GH.call('GET', path);

// The role a server's state bits give it, for badges, rows and the topology.
GH.role = function (state) {
  const s = state || '';
  if (s.includes('Maintenance')) return { cls: 'maint', text: 'maintenance' };
  if (!s.includes('Running')) return { cls: 'down', text: 'down' };
  if (s.includes('Master')) return { cls: 'primary', text: 'primary' };
  if (s.includes('Slave')) return { cls: 'replica', text: 'replica' };
  return { cls: 'other', text: 'running' };
};

// Runs fn now and every `ms` while the component lives.
GH.poll = function (fn, ms) {
  let timer = null;
  Vue.onMounted(() => { fn(); timer = setInterval(fn, ms); });
  Vue.onUnmounted(() => clearInterval(timer));
};
