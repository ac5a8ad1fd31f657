import { api } from '../api.js';
import { ackBadge, flowLabel, statusBadge } from '../badges.js';
import { h, mount, toast } from '../dom.js';
import { dateInput } from '../date-input.js';
import { dateTime, timeOfDay } from '../format.js';
import { t } from '../i18n.js';
import { liveEvents } from '../live-events.js';

const FLOWS = ['flux1', 'flux2', 'flux3', 'flux4', 'report', 'ack', 'unknown'];
const STATUSES = ['accepted', 'rejected', 'error', 'queued', 'in_flight', 'retrying', 'delivered', 'parked', 'discarded'];
const PAGE = 100;

/**
 * The message journal: every message received or sent, newest first, filtered on the gateway
 * (order, patient, type, flow, status, direction, period). Parked messages — the ones waiting for
 * an operator — are one click away. "Show more" asks for the page after the last one shown with the
 * cursor the API returned, so messages arriving meanwhile neither repeat nor hide rows.
 */
export async function render(root, { query }) {
  const f = Object.fromEntries(['order', 'patientId', 'type', 'flow', 'status', 'direction', 'partner', 'from', 'to'].map((k) => [k, query.get(k) ?? '']));
  let next = null;
  let shown = 0;
  let total = 0;
  const tbody = h('tbody', {});
  const count = h('p', { class: 'table-count', role: 'status' });
  const more = h('button', { type: 'button', class: 'btn', hidden: true, onclick: () => void load(true) }, t('messages.more'));

  const input = (k, type = 'text', extra = {}) => h('input', { id: `m-${k}`, type, class: 'input', value: f[k], ...extra });
  const select = (k, values, label) => h('select', { id: `m-${k}`, class: 'input' }, h('option', { value: '' }, t('messages.any')), values.map((v) => h('option', { value: v, selected: v === f[k] }, label(v))));
  const controls = {
    order: input('order', 'search', { placeholder: 'OPN101', autocomplete: 'off' }),
    patientId: input('patientId', 'search', { autocomplete: 'off' }),
    type: input('type', 'search', { placeholder: 'ORM^O01', autocomplete: 'off' }),
    flow: select('flow', FLOWS, flowLabel),
    status: select('status', STATUSES, (s) => t(`status.${s}`)),
    direction: select('direction', ['inbound', 'outbound'], (d) => t(`direction.${d}`)),
    partner: input('partner', 'search', { autocomplete: 'off' }),
    from: dateInput({ id: 'm-from', value: f.from, withTime: true }),
    to: dateInput({ id: 'm-to', value: f.to, withTime: true }),
  };
  const labels = { order: t('messages.order'), patientId: t('messages.patient'), type: t('messages.type'), flow: t('messages.flow'), status: t('messages.status'), direction: t('messages.direction'), partner: t('messages.partner'), from: t('messages.from'), to: t('messages.to') };

  function apply() {
    for (const [k, el] of Object.entries(controls)) f[k] = (el.isoValue ?? el.value).trim();
    const qs = new URLSearchParams(Object.entries(f).filter(([, v]) => v)).toString();
    history.replaceState(null, '', `#/messages${qs ? `?${qs}` : ''}`);
    void load();
  }
  for (const el of Object.values(controls)) el.addEventListener('change', apply);

  const bulk = bulkPanel(() => f, () => void load());

  mount(root,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', { tabindex: '-1' }, t('messages.title')), h('p', { class: 'muted' }, t('messages.subtitle'))),
      h('div', { class: 'page-head-right' }, h('a', { class: 'btn', href: '#/messages?status=parked' }, t('messages.parkedOnly')))),
    h('section', { class: 'panel panel-tight' },
      h('form', { class: 'filters', role: 'search', 'aria-label': t('messages.filters'), onsubmit: (e) => { e.preventDefault(); apply(); } },
        Object.entries(controls).map(([k, el]) => h('div', { class: 'field' }, h('label', { class: 'label', for: el.id }, labels[k]), el)),
        h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('messages.apply'))))),
    bulk.element,
    h('section', { class: 'panel panel-flush' },
      h('div', { class: 'table-scroll' }, h('table', { class: 'grid', id: 'messages-table' },
        h('caption', { class: 'visually-hidden' }, t('messages.caption')),
        h('thead', {}, h('tr', {}, [t('messages.col.id'), t('messages.col.time'), t('messages.col.direction'), t('messages.col.type'), t('messages.col.flow'), t('messages.col.order'), 'MSH-10', t('messages.col.status'), 'ACK', t('messages.col.findings')].map((c) => h('th', { scope: 'col' }, c)))),
        tbody)),
      h('div', { class: 'table-foot' }, count, more)));

  async function load(append = false) {
    if (append && !next) return;
    if (!append) bulk.reset();
    const qs = new URLSearchParams({ limit: String(PAGE) });
    for (const [k, v] of Object.entries(f)) if (v) qs.set(k, k === 'from' || k === 'to' ? new Date(v).toISOString() : v);
    if (append) qs.set('cursor', next);
    const page = await api(`/api/messages?${qs}`);
    const rows = page.items.map(row);
    if (append) tbody.append(...rows); else tbody.replaceChildren(...rows);
    // The count comes with the first page only.
    if (!append) total = page.total ?? 0;
    shown = (append ? shown : 0) + page.items.length;
    next = page.next;
    if (!shown) tbody.replaceChildren(h('tr', {}, h('td', { colspan: '10', class: 'empty' }, t('messages.empty'))));
    count.textContent = t('messages.count', { shown, total: Math.max(total, shown) });
    more.hidden = !next;
  }

  function row(m) {
    const s = m.summary ?? {};
    const at = m.direction === 'inbound' ? (m.receivedAt ?? m.createdAt) : (m.sentAt ?? m.createdAt);
    const errors = (m.findings ?? []).filter((x) => x.severity === 'error').length;
    const warnings = (m.findings ?? []).filter((x) => x.severity === 'warning').length;
    const tr = h('tr', { class: 'row-link' },
      h('td', { class: 'num' }, h('a', { href: `#/messages/${m.id}`, class: 'mono' }, `#${m.id}`)),
      h('td', { class: 'nowrap mono small', title: dateTime(at) }, `${dateTime(at).slice(0, 10)} ${timeOfDay(at)}`),
      h('td', { class: 'nowrap' }, h('span', { class: `dir dir-${m.direction}` }, m.direction === 'outbound' ? `→ ${m.partner}` : `← ${m.partner}`)),
      h('td', { class: 'mono' }, s.messageType ?? '?'),
      h('td', { class: 'small' }, flowLabel(s.flow)),
      h('td', { class: 'mono' }, s.placerOrderNumber ?? '—'),
      h('td', { class: 'mono small muted' }, s.controlId ?? '—'),
      h('td', {}, statusBadge(m.status)),
      h('td', {}, ackBadge(m.ackCode)),
      h('td', {}, errors ? h('span', { class: 'badge tone-bad' }, String(errors)) : null, ' ', warnings ? h('span', { class: 'badge tone-warn' }, String(warnings)) : null));
    tr.addEventListener('click', (e) => { if (!e.target.closest('a') && !getSelection()?.toString()) location.hash = `#/messages/${m.id}`; });
    return tr;
  }

  await load();
  let pending = null;
  const off = liveEvents.on(() => {
    if (shown > PAGE) return;
    clearTimeout(pending);
    pending = setTimeout(() => void load().catch(() => undefined), 400);
  });
  return () => { off(); clearTimeout(pending); };
}

/** The most messages one bulk action applies to (the API's limit); the count says when more match. */
const BULK_LIMIT = 500;
const BULK_ACTIONS = {
  'resend-new': { action: 'resend', controlId: 'new' },
  'resend-same': { action: 'resend', controlId: 'same' },
  retry: { action: 'retry' },
  discard: { action: 'discard' },
};

/**
 * One action over the messages the page's filters select (`POST /api/messages/bulk`): resend outbound
 * messages under a new or the same control id, retry or discard parked ones. The operator first counts
 * (a dry run on the gateway, which applies the filter itself), then confirms with that count in the
 * button; each message is audited on its own (who, when, what, `bulk`) and shows in its order's timeline.
 */
function bulkPanel(filters, reload) {
  const action = h('select', { id: 'bulk-action', class: 'input' },
    Object.keys(BULK_ACTIONS).map((k) => h('option', { value: k }, t(`bulk.${k}`))));
  const summary = h('div', { id: 'bulk-summary', role: 'status', 'aria-live': 'polite' });
  let counted = null;

  /** The API filter of the page's filters, for this action; a criterion the bulk API has no equivalent of is refused. */
  function apiFilter(kind) {
    const f = filters();
    if (f.patientId || f.flow) return { error: t('bulk.unsupported') };
    const filter = {};
    if (f.order) filter.order = f.order;
    if (f.type) filter.type = f.type;
    if (f.status) filter.status = f.status;
    if (f.from) filter.from = new Date(f.from).toISOString();
    if (f.to) filter.to = new Date(f.to).toISOString();
    if (f.direction === 'inbound') return { error: t('bulk.outboundOnly') };
    filter.direction = 'outbound';
    if (kind.action !== 'resend') {
      if (f.status && f.status !== 'parked') return { error: t('bulk.parkedOnly') };
      filter.status = 'parked';
    }
    return { filter };
  }

  async function post(dryRun) {
    const kind = BULK_ACTIONS[action.value];
    const { filter, error } = apiFilter(kind);
    if (error) {
      mount(summary, h('p', { class: 'tl-error' }, error));
      return null;
    }
    return api('/api/messages/bulk', { method: 'POST', body: { ...kind, dryRun, limit: BULK_LIMIT, filter } });
  }

  async function count() {
    const r = await post(true);
    if (!r) return;
    counted = { key: action.value, n: r.done.length, matched: r.matched };
    const kind = BULK_ACTIONS[action.value];
    mount(summary,
      h('p', { id: 'bulk-count' }, t('bulk.matched', { n: r.matched }), r.matched > r.done.length ? ` ${t('bulk.limited', { n: r.done.length })}` : ''),
      kind.controlId ? h('p', { class: 'muted small' }, t(`resend.${kind.controlId}Help`)) : null,
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'btn btn-danger', id: 'bulk-confirm', disabled: counted.n === 0, onclick: confirm },
          t(`bulk.confirm.${kind.action}`, { n: counted.n })),
        h('button', { type: 'button', class: 'btn', id: 'bulk-cancel', onclick: reset }, t('bulk.cancel'))));
  }

  async function confirm(e) {
    if (!counted || counted.key !== action.value) return;
    e.currentTarget.disabled = true;
    const r = await post(false);
    if (!r) return;
    counted = null;
    mount(summary,
      h('p', { id: 'bulk-result' }, t('bulk.result', { done: r.done.length, failed: r.failed.length })),
      r.failed.length ? h('ul', { class: 'small' }, r.failed.map((x) => h('li', {}, h('a', { href: `#/messages/${x.messageId}`, class: 'mono' }, `#${x.messageId}`), ` ${x.reason}`))) : null);
    toast(t('bulk.result', { done: r.done.length, failed: r.failed.length }), r.failed.length ? 'error' : 'success');
    reload();
  }

  function reset() {
    counted = null;
    summary.replaceChildren();
  }
  action.addEventListener('change', reset);

  const element = h('section', { class: 'panel', id: 'bulk-panel', 'aria-labelledby': 'bulk-title' },
    h('h2', { id: 'bulk-title' }, t('bulk.title')),
    h('p', { class: 'muted small' }, t('bulk.help')),
    h('div', { class: 'filters' },
      h('div', { class: 'field' }, h('label', { class: 'label', for: 'bulk-action' }, t('bulk.action')), action),
      h('div', { class: 'filter-actions' }, h('button', { type: 'button', class: 'btn', id: 'bulk-count-button', onclick: () => void count() }, t('bulk.count')))),
    summary);
  return { element, reset: () => { if (!summary.querySelector('#bulk-result')) reset(); } };
}
