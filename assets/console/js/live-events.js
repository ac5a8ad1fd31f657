import { authHeaders, apiKey } from './api.js';

/**
 * The gateway's Server-Sent Events stream (`GET /api/events`), read with fetch streaming because
 * EventSource cannot send the bearer header. Reconnects after the server's `retry:` delay (2 s by
 * default) and reports its state ('connecting', 'live', 'offline') for the header indicator.
 */
class LiveEvents {
  #listeners = new Set();
  #statusListeners = new Set();
  #controller = null;
  #retryMs = 2000;
  #timer = null;
  status = 'offline';

  start() {
    if (this.#controller || !apiKey()) return;
    this.#connect();
  }

  stop() {
    clearTimeout(this.#timer);
    this.#timer = null;
    this.#controller?.abort();
    this.#controller = null;
    this.#setStatus('offline');
  }

  /** Calls `fn(event)` for each gateway event; returns the function that unsubscribes. */
  on(fn) {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  onStatus(fn) {
    this.#statusListeners.add(fn);
    fn(this.status);
    return () => this.#statusListeners.delete(fn);
  }

  #setStatus(s) {
    if (this.status === s) return;
    this.status = s;
    for (const fn of this.#statusListeners) fn(s);
  }

  async #connect() {
    const controller = new AbortController();
    this.#controller = controller;
    this.#setStatus('connecting');
    try {
      const res = await fetch('/api/events', { headers: authHeaders({ accept: 'text/event-stream' }), signal: controller.signal, cache: 'no-store' });
      if (res.status === 401) {
        this.#controller = null;
        this.#setStatus('offline');
        window.dispatchEvent(new CustomEvent('cisis:unauthorized'));
        return;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      this.#setStatus('live');
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
          this.#dispatch(block);
        }
      }
    } catch {
      // A network error or the server going away: reconnect below, unless we were stopped.
      if (controller.signal.aborted) return;
    }
    if (this.#controller !== controller) return;
    this.#controller = null;
    this.#setStatus('connecting');
    this.#timer = setTimeout(() => this.start(), this.#retryMs);
  }

  /** One SSE block: `event:`, `data:` (possibly several lines), `retry:`; comments start with ':'. */
  #dispatch(block) {
    let type = 'message';
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith(':')) continue;
      const i = line.indexOf(':');
      const field = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
      if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) this.#retryMs = Number(value);
    }
    if (!data.length) return;
    let payload;
    try { payload = JSON.parse(data.join('\n')); } catch { return; }
    const event = { ...payload, type: payload.type ?? type };
    for (const fn of this.#listeners) {
      try { fn(event); } catch (e) { console.error(e); }
    }
  }
}

/** The one stream of the page, shared by every screen. */
export const liveEvents = new LiveEvents();
