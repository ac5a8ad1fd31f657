import { api } from '../api.js';
import { h, mount, toast } from '../dom.js';
import { dateTime, relative } from '../format.js';
import { t } from '../i18n.js';
import { liveEvents } from '../live-events.js';

/**
 * The partners of this gateway (`partners` of its configuration): for each, its identity (MSH-3/MSH-4),
 * its MLLP endpoint, whether this instance is connected to it, its last message, the depth of its
 * outbound lane and whether an operator paused it — with pause/resume of the lane and a reload of the
 * configuration, each asked for confirmation and audited by the gateway.
 */
export async function render(root) {
  const tbody = h('tbody', {});
  const status = h('p', { class: 'table-count', role: 'status', 'aria-live': 'polite' });
  const reload = h('button', { type: 'button', class: 'btn', id: 'partners-reload', onclick: () => void reloadPartners() }, t('partners.reload'));

  mount(root,
    h('div', { class: 'page-head' },
      h('div', {}, h('h1', { tabindex: '-1' }, t('partners.title')), h('p', { class: 'muted' }, t('partners.subtitle'))),
      h('div', { class: 'page-head-right' }, reload)),
    h('section', { class: 'panel panel-flush' },
      h('div', { class: 'table-scroll' }, h('table', { class: 'grid', id: 'partners-table' },
        h('caption', { class: 'visually-hidden' }, t('partners.caption')),
        h('thead', {}, h('tr', {}, [t('partners.col.name'), t('partners.col.identity'), t('partners.col.endpoint'), t('partners.col.connection'),
          t('partners.col.lastMessage'), t('partners.col.lane'), t('partners.col.paused'), ''].map((c) => h('th', { scope: 'col' }, c)))),
        tbody)),
      h('div', { class: 'table-foot' }, status)));

  async function load() {
    const { items } = await api('/api/partners');
    tbody.replaceChildren(...items.map(row));
    if (!items.length) tbody.replaceChildren(h('tr', {}, h('td', { colspan: '8', class: 'empty' }, t('partners.empty'))));
    status.textContent = t('partners.count', { n: items.length });
  }

  function row(p) {
    const depth = p.lane.pending + p.lane.inFlight + p.lane.parked;
    const toggle = h('button', {
      type: 'button',
      class: `btn btn-small ${p.paused ? 'btn-primary' : ''}`,
      dataset: { partner: p.name, action: p.paused ? 'resume' : 'pause' },
      onclick: () => void setPaused(p, !p.paused),
    }, p.paused ? t('partners.resume') : t('partners.pause'));
    return h('tr', { dataset: { partner: p.name } },
      h('td', {}, h('a', { href: `#/orders?partner=${encodeURIComponent(p.name)}`, class: 'mono' }, p.name),
        p.default ? h('span', { class: 'badge tone-neutral', title: t('partners.defaultHelp') }, ` ${t('partners.default')}`) : null,
        p.enabled ? null : h('span', { class: 'badge tone-warn' }, ` ${t('partners.disabled')}`)),
      h('td', { class: 'mono small' }, `${p.application}^${p.facility}`),
      h('td', { class: 'mono small' }, p.endpoint),
      h('td', {}, h('span', { class: `badge ${p.connected ? 'tone-ok' : 'tone-neutral'}` }, p.connected ? t('partners.connected') : t('partners.notConnected'))),
      h('td', { class: 'small', title: p.lastMessageAt ? dateTime(p.lastMessageAt) : '' }, p.lastMessageAt ? relative(p.lastMessageAt) : '—'),
      h('td', { class: 'num' },
        h('a', { href: `#/messages?partner=${encodeURIComponent(p.name)}&direction=outbound`, class: depth ? 'badge tone-warn' : 'muted' }, String(depth)),
        p.lane.parked ? h('span', { class: 'badge tone-bad', title: t('partners.parkedHelp') }, ` ${p.lane.parked}`) : null),
      h('td', {}, p.paused ? h('span', { class: 'badge tone-warn', title: p.pausedBy ? t('partners.pausedBy', { who: p.pausedBy }) : '' }, t('partners.paused')) : '—'),
      h('td', {}, toggle));
  }

  async function setPaused(p, paused) {
    if (!confirm(t(paused ? 'partners.confirmPause' : 'partners.confirmResume', { name: p.name }))) return;
    try {
      await api(`/api/partners/${encodeURIComponent(p.name)}/${paused ? 'pause' : 'resume'}`, { method: 'POST' });
      toast(t(paused ? 'partners.pausedToast' : 'partners.resumedToast', { name: p.name }), 'success');
    } catch (e) {
      toast(e.message, 'error');
    }
    await load();
  }

  async function reloadPartners() {
    if (!confirm(t('partners.confirmReload'))) return;
    try {
      const r = await api('/api/partners/reload', { method: 'POST' });
      toast(t('partners.reloaded', { added: r.added.length, changed: r.changed.length, removed: r.removed.length }), 'success');
    } catch (e) {
      toast(e.message, 'error');
    }
    await load();
  }

  await load();
  let pending = null;
  const off = liveEvents.on(() => {
    clearTimeout(pending);
    pending = setTimeout(() => void load().catch(() => undefined), 500);
  });
  const tick = setInterval(() => void load().catch(() => undefined), 10_000);
  return () => { off(); clearTimeout(pending); clearInterval(tick); };
}
