import { api } from '../api.js';
import { ORDER_STATES, stateBadge } from '../badges.js';
import { h, mount } from '../dom.js';
import { dateTimeShort, relative, timeOfDay } from '../format.js';
import { t } from '../i18n.js';
import { liveEvents } from '../live-events.js';
import { dateInput, formatDateInput } from '../date-input.js';

/**
 * The worklist ("Demandes"): every order of this half-connector, newest first, with filters kept in
 * the URL (so a reload or a shared link keeps them) and live updates from the event stream: a new
 * order appears and a state change shows without reloading, the changed row flashing once.
 *
 * Search (`q`: placer number, patient id — the INS when there is one — and patient name, case and
 * accents ignored), state and dates are evaluated by the gateway over every order, however old; the
 * list shows the newest `PAGE` matches and "Show more" fetches the next page with the cursor the API
 * returned (stable while new orders arrive). The patient field is sent as the search when the search
 * box is empty; modality and patient then refine the loaded rows here.
 */
const PAGE = 200;

export async function render(root, { query }) {
  const filters = {
    q: query.get('q') ?? '',
    state: query.get('state') ?? '',
    patient: query.get('patient') ?? '',
    modality: query.get('modality') ?? '',
    partner: query.get('partner') ?? '',
    from: query.get('from') ?? '',
    to: query.get('to') ?? '',
  };
  let orders = [];
  let total = 0;
  let next = null;
  let previous = null;
  let lastUpdate = null;

  const tbody = h('tbody', {});
  const counter = h('p', { class: 'table-count', role: 'status', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'btn', id: 'orders-more', hidden: true, onclick: () => void load(true) }, t('orders.more'));
  const chips = h('div', { class: 'state-chips', role: 'group', 'aria-label': t('orders.byState') });
  const updated = h('span', { class: 'muted small' });

  const search = h('input', { id: 'f-q', type: 'search', class: 'input', value: filters.q, placeholder: t('orders.searchPlaceholder'), autocomplete: 'off' });
  const state = h('select', { id: 'f-state', class: 'input' },
    h('option', { value: '' }, t('orders.allStates')),
    ORDER_STATES.map((s) => h('option', { value: s, selected: s === filters.state }, `${t(`state.${s}`)} (${s})`)));
  const patient = h('input', { id: 'f-patient', type: 'search', class: 'input', value: filters.patient, placeholder: t('orders.patientPlaceholder'), autocomplete: 'off' });
  const modality = h('select', { id: 'f-modality', class: 'input' }, h('option', { value: '' }, t('orders.allModalities')));
  const partner = h('input', { id: 'f-partner', type: 'search', class: 'input', value: filters.partner, autocomplete: 'off' });
  const from = dateInput({ id: 'f-from', value: filters.from });
  const to = dateInput({ id: 'f-to', value: filters.to });

  /** Applies filters in place (no re-render, so the search box keeps the focus) and records them in the URL. */
  async function setFilters(changes) {
    const serverSide = ['q', 'state', 'from', 'to', 'patient', 'partner'].some((k) => changes[k] !== undefined && changes[k] !== filters[k]);
    Object.assign(filters, changes);
    search.value = filters.q;
    state.value = filters.state;
    patient.value = filters.patient;
    partner.value = filters.partner;
    from.isoValue = filters.from;
    from.value = formatDateInput(filters.from);
    to.isoValue = filters.to;
    to.value = formatDateInput(filters.to);
    const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
    history.replaceState(null, '', `#/orders${qs ? `?${qs}` : ''}`);
    if (serverSide) await load(); else draw();
  }
  const apply = () => setFilters({ q: search.value.trim(), state: state.value, patient: patient.value.trim(), modality: modality.value, partner: partner.value.trim(), from: from.isoValue, to: to.isoValue });
  let typing;
  for (const el of [search, patient]) el.addEventListener('input', () => { clearTimeout(typing); typing = setTimeout(apply, 350); });
  for (const el of [state, modality, partner, from, to]) el.addEventListener('change', apply);

  const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('orders.filters'), onsubmit: (e) => { e.preventDefault(); apply(); } },
    field('f-q', t('orders.search'), search, 'grow'),
    field('f-state', t('orders.state'), state),
    field('f-patient', t('orders.patient'), patient),
    field('f-modality', t('orders.modality'), modality),
    field('f-partner', t('orders.partner'), partner),
    field('f-from', t('orders.from'), from),
    field('f-to', t('orders.to'), to),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => setFilters({ q: '', state: '', patient: '', modality: '', partner: '', from: '', to: '' }) }, t('orders.reset'))));

  const table = h('table', { class: 'grid grid-orders', id: 'orders-table' },
    h('caption', { class: 'visually-hidden' }, t('orders.caption')),
    h('thead', {}, h('tr', {},
      th(t('orders.col.state')), th(t('orders.col.placer')), th(t('orders.col.patient')), th(t('orders.col.modality')),
      th(t('orders.col.region')), th(t('orders.col.requestedAt')), th(t('orders.col.partner')), th(t('orders.col.updatedAt')))),
    tbody);

  mount(root,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', { tabindex: '-1' }, t('orders.title')), h('p', { class: 'muted' }, t('orders.subtitle'))),
      h('div', { class: 'page-head-right' }, updated)),
    h('section', { class: 'panel panel-tight' }, form, chips),
    h('section', { class: 'panel panel-flush' }, h('div', { class: 'table-scroll' }, table), h('div', { class: 'table-foot' }, counter, more)));

  /** The first page for the current filters, or (`append`) the page after the loaded ones. */
  async function load(append = false) {
    if (append && !next) return;
    const qs = new URLSearchParams({ limit: String(PAGE) });
    const text = filters.q || filters.patient;
    if (text) qs.set('q', text);
    if (filters.state) qs.set('state', filters.state);
    if (filters.partner) qs.set('partner', filters.partner);
    // Days of the date inputs are local days: from their midnight to the next one.
    if (filters.from) qs.set('from', new Date(`${filters.from}T00:00`).toISOString());
    if (filters.to) {
      const end = new Date(`${filters.to}T00:00`);
      end.setDate(end.getDate() + 1);
      qs.set('to', end.toISOString());
    }
    if (append) qs.set('cursor', next);
    const page = await api(`/api/orders?${qs}`);
    orders = append ? [...orders, ...page.items] : page.items;
    if (!append || page.total !== undefined) total = page.total ?? total;
    next = page.next;
    lastUpdate = new Date().toISOString();
    draw();
  }

  function visible() {
    return orders.filter((o) => {
      if (filters.modality && modalityCode(o.modality) !== filters.modality) return false;
      if (filters.patient) {
        const needle = filters.patient.toLowerCase();
        if (![o.patientName, o.patientId].some((v) => v?.toLowerCase().includes(needle))) return false;
      }
      return true;
    });
  }

  function draw() {
    const base = visible();
    const rows = filters.state ? base.filter((o) => o.state === filters.state) : base;
    // Modalities present in the data, so the filter never offers an empty choice.
    const codes = [...new Set(orders.map((o) => modalityCode(o.modality)).filter(Boolean))].sort();
    if (filters.modality && !codes.includes(filters.modality)) codes.push(filters.modality);
    modality.replaceChildren(h('option', { value: '' }, t('orders.allModalities')),
      ...codes.map((c) => h('option', { value: c, selected: c === filters.modality }, c)));

    const counts = new Map();
    for (const o of base) counts.set(o.state, (counts.get(o.state) ?? 0) + 1);
    chips.replaceChildren(
      chip('', t('orders.allStates'), base.length),
      ...ORDER_STATES.filter((s) => counts.has(s) || s === filters.state).map((s) => chip(s, t(`state.${s}`), counts.get(s) ?? 0)));

    const seen = previous;
    previous = new Map(orders.map((o) => [keyOf(o), `${o.state}|${o.updatedAt}`]));
    tbody.replaceChildren(...rows.map((o) => {
      const k = keyOf(o);
      const tr = row(o);
      if (seen && !seen.has(k)) tr.classList.add('row-new');
      else if (seen && seen.get(k) !== `${o.state}|${o.updatedAt}`) tr.classList.add('row-changed');
      return tr;
    }));
    if (!rows.length) tbody.append(h('tr', {}, h('td', { colspan: '8', class: 'empty' }, orders.length ? t('orders.noMatch') : t('orders.empty'))));
    counter.textContent = total > orders.length
      ? t('orders.countLimited', { shown: rows.length, loaded: orders.length, total })
      : t('orders.count', { shown: rows.length, total });
    more.hidden = !next;
    updated.textContent = t('orders.updatedAt', { time: timeOfDay(lastUpdate).slice(0, 8) });
  }

  function chip(value, label, n) {
    const active = filters.state === value;
    return h('button', {
      type: 'button', class: `chip ${value ? `chip-${value.toLowerCase()}` : ''}`, 'aria-pressed': String(active),
      dataset: { value },
      onclick: async () => {
        await setFilters({ ...filters, state: active ? '' : value });
        chips.querySelector(`[data-value="${value}"]`)?.focus();
      },
    }, h('span', {}, label), h('span', { class: 'chip-count' }, String(n)));
  }

  function row(o) {
    const href = orderHref(o);
    const tr = h('tr', { class: 'row-link', dataset: { placer: o.placerOrderNumber, state: o.state } },
      h('td', {}, stateBadge(o.state)),
      h('td', {}, h('a', { href, class: 'mono strong' }, o.placerOrderNumber)),
      h('td', {}, h('div', {}, o.patientName ?? '—'), o.patientId ? h('div', { class: 'mono muted small', title: t('orders.patientIdTitle') }, o.patientId) : null),
      h('td', {}, o.modality ?? '—'),
      h('td', {}, o.region ?? '—'),
      h('td', { class: 'nowrap' }, dateTimeShort(o.requestedAt)),
      h('td', {}, o.partner ?? '—'),
      h('td', { class: 'nowrap', title: dateTimeShort(o.updatedAt) }, relative(o.updatedAt)));
    // The whole row opens the order; the link in it stays the keyboard and middle-click target.
    tr.addEventListener('click', (e) => {
      if (e.target.closest('a') || getSelection()?.toString()) return;
      location.hash = href;
    });
    return tr;
  }

  await load();

  let pending = null;
  const off = liveEvents.on((e) => {
    if (!e.orderKey && !e.placerOrderNumber) return;
    // Once the operator paged further, a refresh would throw the loaded pages away: leave them.
    if (orders.length > PAGE) return;
    clearTimeout(pending);
    pending = setTimeout(() => void load().catch(() => undefined), 250);
  });
  const tick = setInterval(draw, 30_000);
  return () => { off(); clearTimeout(pending); clearInterval(tick); clearTimeout(typing); };
}

function field(id, label, control, extra = '') {
  return h('div', { class: `field ${extra}` }, h('label', { for: id, class: 'label' }, label), control);
}

function th(text) {
  return h('th', { scope: 'col' }, text);
}

function keyOf(o) {
  return `${o.partner ?? ''}|${o.assigningAuthority}|${o.placerOrderNumber}`;
}

/** `MR (IRM)` → `MR`. */
function modalityCode(m) {
  return m ? m.split(' ')[0] : '';
}

export function orderHref(o) {
  const partner = o.partner ? `&partner=${encodeURIComponent(o.partner)}` : '';
  return `#/orders/${encodeURIComponent(o.placerOrderNumber)}?authority=${encodeURIComponent(o.assigningAuthority)}${partner}`;
}
