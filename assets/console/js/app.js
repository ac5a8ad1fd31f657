import { apiKey, clearApiKey } from './api.js';
import { h, mount } from './dom.js';
import { lang, onLangChange, setLang, t } from './i18n.js';
import { liveEvents } from './live-events.js';
import { monitor, partnerState } from './monitor.js';
import * as healthPage from './pages/health.js';
import * as loginPage from './pages/login.js';
import * as messagePage from './pages/message.js';
import * as messagesPage from './pages/messages.js';
import * as orderPage from './pages/order.js';
import * as ordersPage from './pages/orders.js';
import * as partnersPage from './pages/partners.js';
import * as validatorPage from './pages/validator.js';

/**
 * The console shell: hash routes (`#/orders`, `#/orders/OPN101?authority=…`, `#/messages/12`…),
 * so the gateway serves one static page and a reload or a shared link lands on the same screen.
 * Each page module exports `render(root, ctx)` and may return a cleanup function (SSE listeners,
 * blob URLs) called when the operator leaves it.
 */
const ROUTES = [
  { path: /^\/login$/, page: loginPage, public: true },
  { path: /^\/orders$/, page: ordersPage, nav: 'orders' },
  { path: /^\/orders\/([^/]+)$/, page: orderPage, nav: 'orders' },
  { path: /^\/messages$/, page: messagesPage, nav: 'messages' },
  { path: /^\/messages\/(\d+)$/, page: messagePage, nav: 'messages' },
  { path: /^\/partners$/, page: partnersPage, nav: 'partners' },
  { path: /^\/validator$/, page: validatorPage, nav: 'validator' },
  { path: /^\/health$/, page: healthPage, nav: 'health' },
];

const NAV = [
  { id: 'orders', href: '#/orders', label: 'nav.orders' },
  { id: 'messages', href: '#/messages', label: 'nav.messages' },
  { id: 'partners', href: '#/partners', label: 'nav.partners' },
  { id: 'validator', href: '#/validator', label: 'nav.validator' },
  { id: 'health', href: '#/health', label: 'nav.health' },
];

let cleanup = null;
let renderSeq = 0;

/** Reads `#/path?query` into its parts. */
function currentRoute() {
  const hash = location.hash.replace(/^#/, '') || '/orders';
  const [path, qs = ''] = hash.split('?');
  return { path, query: new URLSearchParams(qs) };
}

/** Changes the route (`navigate('/orders', { state: 'ACCEPTED' })`); `replace` keeps history short for filters. */
export function navigate(path, query, { replace = false } = {}) {
  const qs = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString() : '';
  const target = `#${path}${qs ? `?${qs}` : ''}`;
  if (replace) history.replaceState(null, '', target);
  else location.hash = target;
  if (replace) void render();
}

function renderTopbar(active) {
  const skip = document.querySelector('.skip-link');
  if (skip) skip.textContent = t('common.skip');
  const bar = document.getElementById('topbar');
  if (!apiKey()) { bar.hidden = true; bar.replaceChildren(); return; }
  bar.hidden = false;
  const role = monitor.health?.role;
  const liveDot = h('span', { class: 'live-indicator', id: 'live-indicator', role: 'status' });
  const partnerPill = h('span', { class: 'partner-indicator', id: 'partner-indicator', role: 'status' });
  const langSelect = h('select', { id: 'lang-select', 'aria-label': t('lang.label'), onchange: (e) => setLang(e.target.value) },
    h('option', { value: 'fr', selected: lang() === 'fr' }, 'FR — Français'),
    h('option', { value: 'en', selected: lang() === 'en' }, 'EN — English'));
  mount(bar,
    h('a', { class: 'brand', href: '#/orders' },
      h('img', { src: 'img/logo.svg', alt: '', width: '24', height: '24' }),
      h('span', { class: 'brand-name' }, 'cisis-tlr'),
      role ? h('span', { class: 'role-badge', title: t('role.title') }, t(`role.${role}`)) : null),
    h('nav', { 'aria-label': t('nav.label') },
      h('ul', { class: 'nav' }, NAV.map((n) => h('li', {}, h('a', { href: n.href, 'aria-current': n.id === active ? 'page' : null }, t(n.label)))))),
    h('div', { class: 'topbar-right' }, partnerPill, liveDot, langSelect,
      h('button', { type: 'button', class: 'btn btn-ghost', id: 'logout', onclick: logout }, t('nav.logout'))));
  updateLive(liveEvents.status);
  updatePartner();
}

function updateLive(status) {
  const el = document.getElementById('live-indicator');
  if (!el) return;
  el.className = `live-indicator live-${status}`;
  el.replaceChildren(h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { class: 'indicator-label' }, t(`live.${status}`)));
  el.title = `${t('live.title')} — ${t(`live.${status}`)}`;
}

function updatePartner() {
  const el = document.getElementById('partner-indicator');
  if (!el) return;
  const s = monitor.latest;
  const state = partnerState(s);
  el.className = `partner-indicator partner-${state}`;
  el.replaceChildren(h('span', { class: 'dot', 'aria-hidden': 'true' }), h('span', { class: 'indicator-label' }, t(`partner.${state}`)));
  el.title = t(`partner.${state}`);
  const role = monitor.health?.role;
  const brandRole = document.querySelector('.role-badge');
  if (role && !brandRole) renderTopbar(currentNav);
}

let currentNav = null;


function logout() {
  clearApiKey();
  liveEvents.stop();
  monitor.stop();
  location.hash = '#/login';
}

async function render() {
  const seq = ++renderSeq;
  const { path, query } = currentRoute();
  let route = null;
  let params = [];
  for (const r of ROUTES) {
    const m = r.path.exec(path);
    if (m) { route = r; params = m.slice(1).map(decodeURIComponent); break; }
  }
  if (!route) { location.replace('#/orders'); return; }
  if (!route.public && !apiKey()) { location.replace(`#/login?next=${encodeURIComponent(path)}`); return; }
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  if (!route.public) { liveEvents.start(); monitor.start(); }
  currentNav = route.nav ?? null;
  renderTopbar(currentNav);
  const main = document.getElementById('main');
  main.replaceChildren(h('p', { class: 'loading' }, t('common.loading')));
  main.setAttribute('aria-busy', 'true');
  try {
    const result = await route.page.render(main, { params, query, navigate });
    if (seq !== renderSeq) { if (typeof result === 'function') result(); return; }
    cleanup = result ?? null;
  } catch (e) {
    if (seq !== renderSeq) return;
    mount(main, h('div', { class: 'panel panel-error', role: 'alert' }, h('h1', {}, t('common.error')), h('p', {}, e?.message ?? String(e))));
  } finally {
    if (seq === renderSeq) main.setAttribute('aria-busy', 'false');
  }
  document.title = `${main.querySelector('h1')?.textContent ?? 'cisis-tlr'} — cisis-tlr`;
  // After a route change, keyboard and screen-reader users start at the page heading.
  if (document.activeElement === document.body || document.activeElement?.closest('#topbar')) main.querySelector('h1')?.focus?.({ preventScroll: true });
}

window.addEventListener('hashchange', () => void render());
// The skip link must not change the hash (the router owns it): it moves the focus to the content.
document.querySelector('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  const main = document.getElementById('main');
  (main.querySelector('h1') ?? main).focus();
});
window.addEventListener('cisis:unauthorized', () => {
  liveEvents.stop();
  monitor.stop();
  sessionStorage.setItem('cisis-tlr.notice', 'login.expired');
  location.hash = '#/login';
});
liveEvents.onStatus(updateLive);
// Deliveries and receptions change the partner state and the outbox: refresh them without waiting for the next poll.
let eventPoll = null;
liveEvents.on(() => { clearTimeout(eventPoll); eventPoll = setTimeout(() => void monitor.poll(), 300); });
monitor.on(updatePartner);
onLangChange(() => void render());
document.documentElement.lang = lang();
void render();
