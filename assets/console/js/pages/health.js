import { lineChart } from '../chart.js';
import { h, mount } from '../dom.js';
import { bytes, dateTime, duration, number, timeOfDay } from '../format.js';
import { t } from '../i18n.js';
import { MONITOR_INTERVALS_MS, monitor, partnerState, ratesOf } from '../monitor.js';

/**
 * Health of this half-connector: the partner connection (`/ready`), the outbox depth, messages per
 * minute and errors computed from the Prometheus counters of `/metrics` sampled every few seconds
 * while the console is open, a chart of the last minutes, and the counters by type and outcome.
 */
export async function render(root) {
  const body = h('div', { id: 'health' });
  const subtitle = h('p', { class: 'muted' });
  const interval = h('select', { id: 'h-interval', class: 'input', onchange: (e) => { monitor.setIntervalMs(Number(e.target.value)); subtitle.textContent = t('health.subtitle', { s: monitor.intervalMs / 1000 }); } },
    ...MONITOR_INTERVALS_MS.map((ms) => h('option', { value: String(ms), selected: ms === monitor.intervalMs }, `${ms / 1000} s`)));
  subtitle.textContent = t('health.subtitle', { s: monitor.intervalMs / 1000 });
  mount(root,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', { tabindex: '-1' }, t('health.title')), subtitle),
      h('div', { class: 'page-head-right' },
        h('div', { class: 'field field-inline' }, h('label', { for: 'h-interval', class: 'label' }, t('health.interval')), interval),
        h('a', { class: 'btn btn-small', href: '/metrics', target: '_blank', rel: 'noopener' }, '/metrics ↗'),
        h('a', { class: 'btn btn-small', href: '/docs', target: '_blank', rel: 'noopener' }, t('health.apiDocs'), ' ↗'))),
    body);

  function draw() {
    const s = monitor.latest;
    const health = monitor.health;
    if (!s) { mount(body, h('p', { class: 'loading' }, t('common.loading'))); return; }
    const ready = s.ready ?? {};
    const rates = ratesOf(monitor.history);
    const last = rates[rates.length - 1];
    const partner = partnerState(s);
    const uptime = health?.startedAt ? (Date.now() - new Date(health.startedAt).getTime()) / 1000 : null;
    const errorsTotal = s.inErrors + s.outErrors;

    const tiles = h('div', { class: 'tiles' },
      tile('partner', t('health.partner'), partner === 'up' ? t('health.connected') : partner === 'idle' ? t('health.idle') : t('health.disconnected'),
        partner === 'up' ? 'ok' : partner === 'idle' ? 'neutral' : 'bad',
        [partner === 'idle' ? h('div', {}, t('health.idleHelp')) : null,
          ready.status === 'ready' ? t('health.storeOk', { engine: ready.storage ?? '?', v: ready.schemaVersion ?? '?' }) : t('health.storeDown', { reason: ready.reason ?? ready.httpStatus })]),
      tile('outbox', t('health.outbox'), number(s.outboxDepth, 0), s.outboxDepth > 0 ? 'warn' : 'ok', t('health.outboxHelp')),
      tile('rate', t('health.rate'), last ? number(last.inPerMin + last.outPerMin) : '—', 'neutral',
        last ? t('health.rateDetail', { in: number(last.inPerMin), out: number(last.outPerMin) }) : t('health.waitingSample')),
      tile('errors', t('health.errors'), number(errorsTotal, 0), errorsTotal > 0 ? 'bad' : 'ok',
        t('health.errorsDetail', { in: number(s.inErrors, 0), out: number(s.outErrors, 0) })),
      tile('webhooks', t('health.webhookTile'), number(s.webhooksTotal, 0), s.webhooksFailed > 0 ? 'warn' : 'neutral', t('health.webhookDetail', { failed: number(s.webhooksFailed, 0) })),
      tile('uptime', t('health.uptime'), uptime === null ? '—' : duration(uptime), 'neutral',
        health ? `${t(`role.${health.role}`)} · ${t('health.since', { date: dateTime(health.startedAt) })}` : ''));

    const points = rates;
    const chart = points.length
      ? lineChart({
        title: t('health.chartTitle'),
        series: [
          { label: t('health.seriesIn'), values: points.map((p) => p.inPerMin), className: 'series-in' },
          { label: t('health.seriesOut'), values: points.map((p) => p.outPerMin), className: 'series-out' },
          { label: t('health.seriesErrors'), values: points.map((p) => p.errorsPerMin), className: 'series-errors' },
        ],
        xLabels: [timeOfDay(new Date(points[0].at).toISOString()).slice(0, 8), timeOfDay(new Date(points[points.length - 1].at).toISOString()).slice(0, 8)],
        width: 720, height: 200,
      })
      : h('p', { class: 'muted chart-empty' }, t('health.waitingSample'));

    const legend = h('ul', { class: 'legend' },
      [['series-in', t('health.seriesIn'), last?.inPerMin], ['series-out', t('health.seriesOut'), last?.outPerMin], ['series-errors', t('health.seriesErrors'), last?.errorsPerMin]]
        .map(([cls, label, v]) => h('li', {}, h('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), `${label} `, h('strong', {}, v === undefined ? '—' : `${number(v)}/min`))));

    const breakdown = s.breakdown.length
      ? h('table', { class: 'grid', id: 'metrics-table' },
        h('caption', { class: 'visually-hidden' }, t('health.counters')),
        h('thead', {}, h('tr', {}, [t('health.col.direction'), t('health.col.type'), t('health.col.outcome'), t('health.col.count')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, s.breakdown.map((b) => h('tr', {},
          h('td', {}, t(`direction.${b.direction}`)), h('td', { class: 'mono' }, b.type),
          h('td', {}, h('span', { class: `badge badge-code tone-${b.outcome === 'AA' ? 'ok' : b.outcome === 'duplicate' ? 'muted' : b.outcome === 'AR' ? 'warn' : 'bad'}` }, b.outcome === 'duplicate' ? t('health.outcomeDuplicate') : b.outcome)),
          h('td', { class: 'num' }, number(b.value, 0))))))
      : h('p', { class: 'muted' }, t('health.noMessages'));

    mount(body,
      monitor.lastError ? h('div', { class: 'panel panel-error', role: 'alert' }, t('health.unreachable', { detail: monitor.lastError.message })) : null,
      tiles,
      alertsPanel(monitor.alerts),
      h('div', { class: 'health-layout' },
        h('section', { class: 'panel' }, h('div', { class: 'panel-head' }, h('h2', {}, t('health.chartTitle')), legend), h('div', { class: 'chart-box' }, chart)),
        h('section', { class: 'panel' }, h('h2', {}, t('health.counters')), breakdown,
          h('p', { class: 'muted small' }, [
            s.meanLatencyS === null ? null : t('health.latencyValue', { ms: number(s.meanLatencyS * 1000, 0) }),
            s.residentMemory ? t('health.memory', { m: bytes(s.residentMemory) }) : null,
          ].filter(Boolean).join(' · ')))));
  }

  draw();
  const off = monitor.on(draw);
  void monitor.poll();
  return off;
}

/** The operational alerts (`/api/alerts`): raised ones first, each with its value, threshold and since when. */
function alertsPanel(alerts) {
  if (!alerts) return null;
  const sorted = [...alerts].sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));
  const raised = sorted.filter((a) => a.active).length;
  return h('section', { class: 'panel', id: 'alerts' },
    h('h2', {}, t('health.alerts'), ' ', h('span', { class: `badge tone-${raised ? 'bad' : 'ok'}`, id: 'alerts-count' }, raised ? t('health.alertsRaised', { n: raised }) : t('health.alertsNone'))),
    h('table', { class: 'grid', id: 'alerts-table' },
      h('caption', { class: 'visually-hidden' }, t('health.alerts')),
      h('thead', {}, h('tr', {}, [t('health.alert.name'), t('health.alert.state'), t('health.alert.value'), t('health.alert.threshold'), t('health.alert.since')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, sorted.map((a) => h('tr', { 'data-alert': a.name, class: a.active ? 'alert-active' : '' },
        h('td', {}, t(`alert.${a.name}`), a.detail ? h('div', { class: 'muted small' }, a.detail) : null),
        h('td', {}, h('span', { class: `badge tone-${a.active ? 'bad' : 'ok'}` }, a.active ? t('health.alert.raised') : t('health.alert.ok'))),
        h('td', { class: 'num' }, a.value === null ? '—' : `${number(a.value, 0)} ${t(`unit.${a.unit}`)}`),
        h('td', { class: 'num' }, `${a.direction === 'below' ? '≤' : '≥'} ${number(a.threshold, 0)} ${t(`unit.${a.unit}`)}`),
        h('td', {}, a.since ? dateTime(a.since) : '—'))))));
}

function tile(id, label, value, tone, detail) {
  return h('section', { class: `tile tile-${tone}`, id: `tile-${id}`, 'aria-labelledby': `tile-${id}-label` },
    h('h2', { class: 'tile-label', id: `tile-${id}-label` }, label),
    h('div', { class: 'tile-value' }, value),
    h('div', { class: 'tile-detail' }, detail));
}
