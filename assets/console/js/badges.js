import { h } from './dom.js';
import { has, t } from './i18n.js';

/** Workflow states of an order, in the order the worklist filter lists them. */
export const ORDER_STATES = ['REQUESTED', 'ACCEPTED', 'REJECTED', 'CANCELLED', 'EXAM_DONE', 'COMPLEMENTED', 'REPORTED', 'PUBLISHED'];

/** Badge of an order state: the label in the interface language, the code in the tooltip. */
export function stateBadge(state) {
  const label = has(`state.${state}`) ? t(`state.${state}`) : state;
  return h('span', { class: `badge state-${String(state).toLowerCase()}`, title: state, dataset: { state } }, label);
}

const STATUS_TONE = {
  accepted: 'ok', delivered: 'ok',
  queued: 'pending', in_flight: 'pending', retrying: 'warn',
  parked: 'bad', error: 'bad', rejected: 'bad', discarded: 'muted',
};

/** Badge of a journal status (inbound accepted/rejected/error, outbound queued…parked). */
export function statusBadge(status) {
  const label = has(`status.${status}`) ? t(`status.${status}`) : status;
  // The tooltip names the API's value (what a filter or a script uses), said in the console's language.
  return h('span', { class: `badge tone-${STATUS_TONE[status] ?? 'muted'}`, title: t('badge.apiValue', { value: status }), dataset: { status } }, label);
}

/** Badge of an acknowledgement code. */
export function ackBadge(code) {
  if (!code) return h('span', { class: 'muted' }, '—');
  const tone = code === 'AA' || code === 'CA' ? 'ok' : code === 'AR' || code === 'CR' ? 'warn' : 'bad';
  return h('span', { class: `badge badge-code tone-${tone}`, title: t(`ack.${code}`) }, code);
}

/** Severity chip of a finding. */
export function severityBadge(severity) {
  const s = String(severity).toLowerCase();
  const tone = s.startsWith('e') ? 'bad' : s.startsWith('w') ? 'warn' : 'info';
  return h('span', { class: `badge tone-${tone}` }, has(`severity.${s}`) ? t(`severity.${s}`) : severity);
}

/** Label of a flow id (`flux1` → "Flux 1 · Demande d'examen"). */
export function flowLabel(flow) {
  return has(`flow.${flow}`) ? t(`flow.${flow}`) : flow;
}
