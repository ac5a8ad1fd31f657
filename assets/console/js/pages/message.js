import { api } from '../api.js';
import { ackBadge, flowLabel, severityBadge, statusBadge } from '../badges.js';
import { copyText, download, h, mount, toast } from '../dom.js';
import { dateTime } from '../format.js';
import { encapsulatedDocuments } from '../encapsulated.js';
import { encodeMessage, formatLocation, parseEr7, parseLocation, toTree } from '../hl7.js';
import { loadDictionary, renderHl7, renderTree, severityClass } from '../hl7-view.js';
import { t } from '../i18n.js';
import { liveEvents } from '../live-events.js';

/**
 * One journal message: the raw HL7 annotated with field names, its findings marked where they point,
 * a JSON tree, the acknowledgement (annotated the same way, with the partner's ERR segments), copy
 * and download, and "Retry" when an outbound message is parked.
 */
export async function render(root, { params }) {
  const id = Number(params[0]);
  const dict = await loadDictionary();
  let m;
  let tab = 'raw';

  async function load() {
    m = await api(`/api/messages/${id}`);
    draw();
  }

  function ackErrors() {
    const details = m.outbox?.errorDetails;
    return Array.isArray(details) ? details.map((d) => ({ severity: d.severity === 'W' ? 'warning' : d.severity === 'I' ? 'info' : 'error', rule: d.rule ?? d.condition ?? 'ERR', location: d.location, message: d.message ?? d.condition ?? '' })) : [];
  }

  function draw() {
    const findings = m.findings ?? [];
    const parked = m.direction === 'outbound' && (m.outbox?.state === 'parked' || m.status === 'parked');
    const parsed = m.raw ? parseEr7(m.raw) : null;
    // The partner's ERR-2 locations point into our message, so its errors are marked there too.
    const partnerErrors = ackErrors();
    const view = parsed ? renderHl7(parsed, { dict, findings: [...findings, ...partnerErrors], label: t('message.rawLabel') }) : null;
    const ackParsed = m.ack?.raw ? parseEr7(m.ack.raw) : null;
    const ackView = ackParsed ? renderHl7(ackParsed, { dict, label: t('message.ackLabel') }) : null;
    const s = m.summary ?? {};
    const fileName = `${(s.messageType ?? 'message').replace(/\W+/g, '_')}-${s.controlId ?? m.id}.hl7`;

    const documents = parsed ? encapsulatedDocuments(parsed) : [];
    const tabs = [
      ['raw', t('message.tabRaw')],
      ['tree', t('message.tabTree')],
      ...(documents.length ? [['documents', t('message.tabDocuments', { n: documents.length })]] : []),
      ['ack', t('message.tabAck')],
    ];
    const panels = {
      raw: view ? view.element : h('p', { class: 'muted' }, m.contentPrunedAt ? t('message.pruned', { date: dateTime(m.contentPrunedAt) }) : t('message.noContent')),
      tree: parsed ? renderTree(toTree(parsed), dict) : h('p', { class: 'muted' }, t('message.noContent')),
      ack: ackView ? ackView.element : h('p', { class: 'muted' }, t('message.noAck')),
      documents: documentsPanel(documents, s.controlId ?? m.id),
    };
    const tabButtons = tabs.map(([k, label]) => h('button', {
      type: 'button', role: 'tab', id: `tab-${k}`, 'aria-selected': String(k === tab), 'aria-controls': `panel-${k}`, tabindex: k === tab ? '0' : '-1', class: 'tab',
      onclick: () => { tab = k; draw(); document.getElementById(`tab-${k}`)?.focus(); },
      onkeydown: (e) => {
        const i = tabs.findIndex(([x]) => x === k);
        const next = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i + tabs.length - 1) % tabs.length] : null;
        if (next) { e.preventDefault(); tab = next[0]; draw(); document.getElementById(`tab-${tab}`)?.focus(); }
      },
    }, label, k === 'ack' && m.ackCode ? [' ', ackBadge(m.ackCode)] : null));

    const findingList = (list, target, title, emptyText) => h('section', { class: 'panel findings', 'aria-labelledby': `${title}-title` },
      h('h2', { id: `${title}-title` }, t(`message.${title}`, { n: list.length })),
      list.length ? h('ul', { class: 'finding-list' }, list.map((f) => h('li', { class: `finding finding-${severityClass(f.severity)}` },
        severityBadge(f.severity),
        f.location ? h('button', {
          type: 'button', class: 'link-button mono', title: t('message.showLocation'),
          onclick: () => { tab = target; draw(); (target === 'ack' ? lastAckView : lastView)?.reveal(f.location); },
        }, typeof f.location === 'string' ? f.location : formatLocation(parseLocation(f.location) ?? { segment: '?' })) : h('span', { class: 'mono muted' }, '—'),
        h('span', { class: 'mono small rule' }, f.rule),
        h('span', { class: 'finding-message' }, f.message)))) : h('p', { class: 'muted' }, emptyText));

    lastView = view;
    lastAckView = ackView;
    mount(root,
      h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
        h('a', { href: '#/messages' }, t('nav.messages')), ' › ',
        s.placerOrderNumber ? [h('a', { href: `#/orders/${encodeURIComponent(s.placerOrderNumber)}${s.placerAssigningAuthority ? `?authority=${encodeURIComponent(s.placerAssigningAuthority)}` : ''}` }, s.placerOrderNumber), ' › '] : null,
        h('span', { 'aria-current': 'page' }, `#${m.id}`)),
      h('section', { class: 'panel message-head' },
        h('div', { class: 'order-title' },
          h('h1', { tabindex: '-1' }, `${s.messageType ?? '?'} `, h('span', { class: 'muted' }, `#${m.id}`)),
          statusBadge(m.status),
          h('span', { class: 'muted' }, flowLabel(s.flow))),
        h('dl', { class: 'facts' },
          fact(t('message.direction'), m.direction === 'outbound' ? t('message.outbound', { partner: m.partner }) : t('message.inbound', { partner: m.partner })),
          fact('MSH-10', h('span', { class: 'mono' }, s.controlId ?? '—')),
          fact(t('message.sender'), h('span', { class: 'mono small' }, [s.sendingApplication, s.sendingFacility].filter(Boolean).join(' / ') || '—')),
          fact(t('message.receiver'), h('span', { class: 'mono small' }, [s.receivingApplication, s.receivingFacility].filter(Boolean).join(' / ') || '—')),
          fact(m.direction === 'outbound' ? t('message.sentAt') : t('message.receivedAt'), dateTime(m.direction === 'outbound' ? m.sentAt : m.receivedAt)),
          fact(t('message.ack'), [ackBadge(m.ackCode), ' ', h('span', { class: 'muted small' }, dateTime(m.ackedAt))]),
          m.outbox ? fact(t('message.outbox'), `${t(`outbox.${m.outbox.state}`)} · ${t('message.attempts', { n: m.outbox.attempts })}`) : null,
          m.redeliveries ? fact(t('message.redeliveries'), String(m.redeliveries)) : null),
        m.lastError ? h('p', { class: 'tl-error' }, m.lastError) : null,
        h('div', { class: 'toolbar' },
          h('button', { type: 'button', class: 'btn', id: 'copy-raw', disabled: !m.raw, onclick: async () => toast((await copyText(m.raw.replace(/\r/g, '\n'))) ? t('message.copied') : t('message.copyFailed'), 'success') }, t('message.copy')),
          h('button', { type: 'button', class: 'btn', id: 'download-raw', disabled: !m.raw, onclick: () => download(fileName, new Blob([encodeMessage(m.raw)], { type: 'application/hl7-v2' })) }, t('message.download')),
          m.ack?.raw ? h('button', { type: 'button', class: 'btn', onclick: () => download(`ACK-${s.controlId ?? m.id}.hl7`, new Blob([encodeMessage(m.ack.raw)], { type: 'application/hl7-v2' })) }, t('message.downloadAck')) : null,
          parked ? h('button', { type: 'button', class: 'btn btn-danger', id: 'retry', onclick: retry }, t('message.retry')) : null,
          parked ? h('button', { type: 'button', class: 'btn', id: 'discard', onclick: discard }, t('message.discard')) : null)),
      m.direction === 'outbound' && m.raw ? resendPanel() : null,
      m.direction === 'inbound' && m.raw ? reprocessPanel() : null,
      (m.operatorActions ?? []).length ? auditPanel(m.operatorActions) : null,
      partnerErrors.length ? findingList(partnerErrors, 'raw', 'partnerErrors', '') : null,
      findingList(findings, 'raw', 'findings', t('message.noFindings')),
      h('section', { class: 'panel' },
        h('div', { class: 'tabs', role: 'tablist', 'aria-label': t('message.views') }, tabButtons),
        h('div', { role: 'tabpanel', id: `panel-${tab}`, 'aria-labelledby': `tab-${tab}`, class: 'tab-panel' }, panels[tab])));
  }

  let lastView = null;
  let lastAckView = null;
  /** Object URLs of the PDFs shown, released when the view is redrawn. */
  let objectUrls = [];

  /**
   * OBX-5 of the `ED` values decoded: an XML document (a CDA) as text — set as textContent, never parsed into
   * the page —, a PDF in a frame of its own (a blob URL: the console's CSP allows it) with a download button.
   */
  function documentsPanel(documents, name) {
    for (const u of objectUrls) URL.revokeObjectURL(u);
    objectUrls = [];
    return h('div', { class: 'encapsulated' }, documents.map((d, i) => {
      if (d.error) return h('section', { class: 'encapsulated-doc' }, h('h3', { class: 'mono' }, d.location), h('p', { class: 'tl-error' }, d.error));
      const blob = new Blob([d.bytes], { type: d.mediaType });
      const file = `${name}-${i + 1}.${d.kind === 'pdf' ? 'pdf' : d.kind === 'xml' ? 'xml' : 'bin'}`;
      let body = null;
      if (d.kind === 'xml') body = h('pre', { class: 'mono small encapsulated-xml', 'data-kind': 'xml' }, d.text);
      else if (d.kind === 'pdf') {
        const url = URL.createObjectURL(blob);
        objectUrls.push(url);
        body = h('iframe', { class: 'pdf-frame encapsulated-pdf', src: `${url}#navpanes=0`, title: `${d.location} PDF`, 'data-kind': 'pdf' });
      }
      return h('section', { class: 'encapsulated-doc' },
        h('h3', {}, h('span', { class: 'mono' }, d.location), ' ', h('span', { class: 'muted small' }, `${d.mediaType}, ${d.bytes.length} B`)),
        h('div', { class: 'toolbar' }, h('button', { type: 'button', class: 'btn', onclick: () => download(file, blob) }, t('message.downloadDocument'))),
        body);
    }));
  }
  let resendChoice = 'new';
  let dryRun = null;

  /** Resend as a new outbox entry: the operator chooses the control id, with what each choice means for the partner. */
  function resendPanel() {
    const option = (value) => h('label', { class: 'choice' },
      h('input', { type: 'radio', name: 'resend-control-id', value, checked: resendChoice === value, onchange: () => { resendChoice = value; draw(); } }),
      ' ', h('strong', {}, t(`resend.${value}`)), h('div', { class: 'muted small', id: `resend-${value}-help` }, t(`resend.${value}Help`)));
    return h('section', { class: 'panel', id: 'resend-panel', 'aria-labelledby': 'resend-title' },
      h('h2', { id: 'resend-title' }, t('resend.title')),
      h('fieldset', { class: 'choices' }, h('legend', { class: 'label' }, t('resend.legend')), option('new'), option('same')),
      h('button', { type: 'button', class: 'btn', id: 'resend', onclick: resend }, t('resend.button')));
  }

  /** Re-run through the current rules: a dry run first (findings before/after, the ACK that would be sent), then for real. */
  function reprocessPanel() {
    const canRun = m.status !== 'accepted';
    const r = dryRun;
    const list = (items, id) => h('ul', { class: 'finding-list', id }, items.map((f) => h('li', { class: `finding finding-${severityClass(f.severity)}` },
      severityBadge(f.severity), h('span', { class: 'mono small rule' }, f.rule), h('span', { class: 'finding-message' }, f.message))));
    return h('section', { class: 'panel', id: 'reprocess-panel', 'aria-labelledby': 'reprocess-title' },
      h('h2', { id: 'reprocess-title' }, t('reprocess.title')),
      h('p', { class: 'muted small' }, canRun ? t('reprocess.help') : t('reprocess.acceptedHelp')),
      h('div', { class: 'toolbar' },
        h('button', { type: 'button', class: 'btn', id: 'reprocess-dry', onclick: () => reprocess(true) }, t('reprocess.dryRun')),
        h('button', { type: 'button', class: 'btn btn-danger', id: 'reprocess', disabled: !canRun, onclick: () => reprocess(false) }, t('reprocess.run'))),
      r ? h('div', { id: 'reprocess-result', class: 'reprocess-result' },
        h('p', {}, t('reprocess.wouldAnswer'), ' ', ackBadge(r.ack?.code ?? null), ' ', h('span', { class: 'muted small' }, t('reprocess.before'), ' ', ackBadge(r.ackBefore))),
        r.workflow ? h('p', { class: 'small' }, r.workflow.accept ? t('reprocess.workflowAccept', { from: r.workflow.from, to: r.workflow.to }) : t('reprocess.workflowReject', { from: r.workflow.from, reason: r.workflow.message })) : null,
        h('p', { class: 'small', id: 'reprocess-counts' }, t('reprocess.counts', { before: r.findingsBefore.length, after: r.findingsAfter.length, added: r.added.length, removed: r.removed.length })),
        r.added.length ? [h('h3', {}, t('reprocess.added')), list(r.added, 'reprocess-added')] : null,
        r.removed.length ? [h('h3', {}, t('reprocess.removed')), list(r.removed, 'reprocess-removed')] : null,
        r.ack?.raw ? h('pre', { class: 'mono small hl7-raw', id: 'reprocess-ack' }, r.ack.raw.replace(/\r/g, '\n')) : null) : null);
  }

  function auditPanel(actions) {
    return h('section', { class: 'panel', id: 'audit', 'aria-labelledby': 'audit-title' },
      h('h2', { id: 'audit-title' }, t('audit.title')),
      h('ul', { class: 'audit-list' }, actions.map((a) => h('li', { dataset: { action: a.action } },
        h('time', { class: 'mono small', datetime: a.at }, dateTime(a.at)), ' ', h('strong', {}, a.actor), ' ', t(`audit.${a.action}`),
        a.messageId && a.messageId !== id ? [' ', h('a', { href: `#/messages/${a.messageId}`, class: 'mono' }, `#${a.messageId}`)] : null,
        a.resultMessageId && a.resultMessageId !== id ? [' → ', h('a', { href: `#/messages/${a.resultMessageId}`, class: 'mono' }, `#${a.resultMessageId}`)] : null))));
  }

  async function resend(e) {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      const r = await api(`/api/messages/${id}/resend`, { method: 'POST', body: { controlId: resendChoice } });
      toast(t('resend.done', { id: r.messageId }), 'success');
      location.hash = `#/messages/${r.messageId}`;
    } catch (err) {
      toast(err.message, 'error');
      btn.disabled = false;
    }
  }

  async function reprocess(dry) {
    try {
      const r = await api(`/api/messages/${id}/reprocess`, { method: 'POST', body: { dryRun: dry } });
      if (dry) { dryRun = r; draw(); document.getElementById('reprocess-result')?.scrollIntoView({ block: 'nearest' }); return; }
      toast(t('reprocess.done', { code: r.ack?.code ?? '?' }), 'success');
      if (r.resultMessageId) location.hash = `#/messages/${r.resultMessageId}`;
      else await load();
    } catch (err) {
      toast(err.message, 'error');
    }
  }

  async function discard(e) {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await api(`/api/messages/${id}/discard`, { method: 'POST', body: {} });
      toast(t('message.discarded'), 'success');
      await load();
    } catch (err) {
      toast(err.message, 'error');
      btn.disabled = false;
    }
  }

  async function retry(e) {
    const btn = e.currentTarget;
    btn.disabled = true;
    try {
      await api(`/api/messages/${id}/retry`, { method: 'POST' });
      toast(t('message.retried'), 'success');
      await load();
    } catch (err) {
      toast(err.message, 'error');
      btn.disabled = false;
    }
  }

  await load();
  let pending = null;
  const off = liveEvents.on((e) => {
    if (e.messageId !== id && !(m.summary?.placerOrderNumber && e.placerOrderNumber === m.summary.placerOrderNumber)) return;
    clearTimeout(pending);
    pending = setTimeout(() => void load().catch(() => undefined), 250);
  });
  return () => { off(); clearTimeout(pending); };
}

function fact(label, value) {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value));
}
