import { api, apiKey, publicGet } from './api.js';
import { parsePrometheus, sumOf } from './prometheus.js';

/**
 * Polls the gateway's readiness and Prometheus metrics while the console is open and keeps a short
 * history (the last `HISTORY` samples), from which the health page draws messages per minute and
 * errors. Counters are cumulative since the gateway started, so rates are differences between two
 * samples divided by the time between them.
 */
/** Sampling intervals an operator can choose on the health page. */
export const MONITOR_INTERVALS_MS = [2000, 5000, 15000, 60000];
const INTERVAL_STORAGE = 'cisis-tlr.monitorInterval';
const HISTORY = 90;

const isError = (outcome) => outcome !== 'AA' && outcome !== 'duplicate';

function snapshot(metricsText, ready, at) {
  const { samples } = parsePrometheus(metricsText);
  const latencySum = sumOf(samples, 'cisis_tlr_delivery_latency_seconds_sum');
  const latencyCount = sumOf(samples, 'cisis_tlr_delivery_latency_seconds_count');
  const breakdown = samples
    .filter((s) => s.name === 'cisis_tlr_messages_in_total' || s.name === 'cisis_tlr_messages_out_total')
    .map((s) => ({ direction: s.name.includes('_in_') ? 'inbound' : 'outbound', type: s.labels.type ?? '', outcome: s.labels.outcome ?? '', value: s.value }))
    .sort((a, b) => a.direction.localeCompare(b.direction) || a.type.localeCompare(b.type) || a.outcome.localeCompare(b.outcome));
  return {
    at,
    ready,
    inTotal: sumOf(samples, 'cisis_tlr_messages_in_total'),
    outTotal: sumOf(samples, 'cisis_tlr_messages_out_total'),
    inErrors: sumOf(samples, 'cisis_tlr_messages_in_total', { outcome: isError }),
    outErrors: sumOf(samples, 'cisis_tlr_messages_out_total', { outcome: isError }),
    outboxDepth: sumOf(samples, 'cisis_tlr_outbox_depth'),
    partnerGauge: samples.some((s) => s.name === 'cisis_tlr_partner_connected') ? sumOf(samples, 'cisis_tlr_partner_connected') > 0 : null,
    webhooksFailed: sumOf(samples, 'cisis_tlr_webhook_deliveries_total', { outcome: (o) => o !== 'delivered' }),
    webhooksTotal: sumOf(samples, 'cisis_tlr_webhook_deliveries_total'),
    meanLatencyS: latencyCount > 0 ? latencySum / latencyCount : null,
    residentMemory: sumOf(samples, 'cisis_tlr_process_process_resident_memory_bytes'),
    breakdown,
  };
}

/** Per-minute rates between consecutive samples: `{ at, inPerMin, outPerMin, errorsPerMin }`. */
export function ratesOf(history) {
  const out = [];
  for (let i = 1; i < history.length; i++) {
    const a = history[i - 1];
    const b = history[i];
    const minutes = (b.at - a.at) / 60000;
    if (minutes <= 0) continue;
    // A counter that went down means the gateway restarted: count from zero.
    const d = (x, y) => (y >= x ? y - x : y);
    out.push({
      at: b.at,
      inPerMin: d(a.inTotal, b.inTotal) / minutes,
      outPerMin: d(a.outTotal, b.outTotal) / minutes,
      errorsPerMin: (d(a.inErrors, b.inErrors) + d(a.outErrors, b.outErrors)) / minutes,
    });
  }
  return out;
}

class Monitor {
  history = [];
  intervalMs = MONITOR_INTERVALS_MS.includes(Number(localStorage.getItem(INTERVAL_STORAGE))) ? Number(localStorage.getItem(INTERVAL_STORAGE)) : 5000;
  health = null;
  /** The operational alerts of `/api/alerts` at the last poll (`null` when they could not be read). */
  alerts = null;
  lastError = null;
  #timer = null;
  #listeners = new Set();

  start() {
    if (this.#timer) return;
    void this.poll();
    this.#timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  /** Changes the sampling interval (kept in localStorage); rates use the real time between samples, so the history stays. */
  setIntervalMs(ms) {
    if (!MONITOR_INTERVALS_MS.includes(ms)) return;
    localStorage.setItem(INTERVAL_STORAGE, String(ms));
    this.intervalMs = ms;
    clearInterval(this.#timer);
    this.#timer = null;
    this.start();
  }

  stop() {
    clearInterval(this.#timer);
    this.#timer = null;
    this.history = [];
  }

  on(fn) {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  get latest() {
    return this.history[this.history.length - 1] ?? null;
  }

  async poll() {
    if (!apiKey()) return;
    try {
      const [health, ready, metrics, alerts] = await Promise.all([
        this.health ? Promise.resolve({ body: this.health }) : publicGet('/health'),
        publicGet('/ready'),
        publicGet('/metrics', { json: false }),
        api('/api/alerts').catch(() => null),
      ]);
      this.health = health.body;
      this.alerts = alerts?.items ?? null;
      this.history.push(snapshot(metrics.body, { httpStatus: ready.status, ...ready.body }, Date.now()));
      if (this.history.length > HISTORY) this.history.shift();
      this.lastError = null;
    } catch (e) {
      this.lastError = e;
    }
    for (const fn of this.#listeners) fn(this);
  }
}

/** The one monitor of the page (the header's partner indicator and the health page read it). */
export const monitor = new Monitor();

/**
 * `up` when the MLLP client is connected; `idle` when it is not but nothing was ever sent (the
 * gateway connects on its first delivery, so a quiet gateway is not a failing one); `down` otherwise.
 */
export function partnerState(sample) {
  if (!sample) return 'unknown';
  if (sample.ready?.partnerConnected) return 'up';
  return sample.partnerGauge === null ? 'idle' : 'down';
}

