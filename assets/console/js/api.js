/**
 * The gateway's REST API, authenticated with the API key the operator typed at login. The key is
 * kept in sessionStorage: it survives a reload of the tab but not the closing of the browser, and
 * other tabs must log in on their own.
 */
const KEY_STORAGE = 'cisis-tlr.apiKey';

export function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setApiKey(key) {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function clearApiKey() {
  sessionStorage.removeItem(KEY_STORAGE);
}

/** An API answer other than 2xx, with the RFC 9457 problem body when there is one. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Headers that authenticate a request. */
export function authHeaders(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, authorization: `Bearer ${key}` } : extra;
}

/**
 * Calls the API. `body` objects are sent as JSON; strings with `contentType`. Returns parsed JSON,
 * or the Response itself with `raw: true` (downloads). A 401 clears the key and sends the operator
 * back to the login page (through the `cisis:unauthorized` event the app listens to).
 */
export async function api(path, { method = 'GET', body, contentType, raw = false, key, signal } = {}) {
  const headers = key ? { authorization: `Bearer ${key}` } : authHeaders();
  let payload;
  if (body !== undefined) {
    if (typeof body === 'string' || body instanceof Blob || body instanceof ArrayBuffer) {
      payload = body;
      headers['content-type'] = contentType ?? 'text/plain; charset=utf-8';
    } else {
      payload = JSON.stringify(body);
      headers['content-type'] = 'application/json';
    }
  }
  const res = await fetch(path, { method, headers, body: payload, signal, cache: 'no-store' });
  if (!res.ok) {
    let problem;
    try { problem = await res.json(); } catch { problem = undefined; }
    if (res.status === 401 && !key) {
      clearApiKey();
      window.dispatchEvent(new CustomEvent('cisis:unauthorized'));
    }
    throw new ApiError(res.status, problem);
  }
  if (raw) return res;
  const type = res.headers.get('content-type') ?? '';
  return type.includes('json') ? res.json() : res.text();
}

/** Unauthenticated endpoints (`/health`, `/ready`, `/metrics`): the body even on 503. */
export async function publicGet(path, { json = true } = {}) {
  const res = await fetch(path, { cache: 'no-store' });
  return { status: res.status, body: json ? await res.json() : await res.text() };
}
