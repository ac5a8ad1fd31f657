import { api, ApiError } from '../api.js';
import { ackBadge, flowLabel, stateBadge, statusBadge } from '../badges.js';
import { download, h, mount, toast } from '../dom.js';
import { dateOnly, dateTime, timeOfDay } from '../format.js';
import { has, t } from '../i18n.js';
import { liveEvents } from '../live-events.js';
import { renderCda } from '../cda-narrative.js';

/**
 * One order: its summary, the timeline of every message and acknowledgement exchanged about it
 * with the state transitions they caused, and the business content of each flow — the request,
 * the decision with its protocols (a PDF is fetched with the API key and shown from a blob URL),
 * the post-exam information with the DRIMbox viewer links, the reports and the cancellation.
 */
export async function render(root, { params, query }) {
  const placer = params[0];
  const authority = query.get('authority');
  const partner = query.get('partner');
  const base = `/api/orders/${encodeURIComponent(placer)}`;
  const qs = `?${new URLSearchParams([...(authority ? [['authority', authority]] : []), ...(partner ? [['partner', partner]] : [])])}`.replace(/\?$/, '');
  /** Blob URLs of the documents shown, by API path: a redraw after a live event reuses them. */
  const documents = new Map();
  /** Report PDF viewers the operator opened or closed, by message id: a redraw keeps the choice. */
  const viewerOpen = new Map();
  /** Structured documents already rendered, by API path. */
  const cdaViews = new Map();
  let order;

  async function load() {
    order = await api(`${base}${qs}`);
    draw();
  }

  function draw() {
    const flows = order.flows ?? {};
    mount(root,
      h('nav', { class: 'breadcrumb', 'aria-label': t('common.breadcrumb') },
        h('a', { href: '#/orders' }, t('nav.orders')), h('span', { 'aria-hidden': 'true' }, ' › '), h('span', { 'aria-current': 'page' }, order.placerOrderNumber)),
      header(order),
      h('div', { class: 'order-layout' },
        h('div', { class: 'order-main' },
          h('section', { class: 'panel', 'aria-labelledby': 'timeline-title' },
            h('h2', { id: 'timeline-title' }, t('order.timeline')),
            timeline(order)),
          requestCard(flows.request),
          documentsCard(order.documents ?? [])),
        h('div', { class: 'order-side' },
          flows.cancellation ? cancellationCard(flows.cancellation) : null,
          decisionCard(flows.decision),
          postExamCard(flows.postExamInfo),
          reportsCard(order.reports ?? []))));
    for (const el of root.querySelectorAll('[data-protocol], [data-document]:not([hidden])')) void showDocument(el);
    for (const el of root.querySelectorAll('[data-cda]:not([hidden])')) void showCda(el);
  }

  function header(o) {
    const p = o.flows?.request?.patient;
    const ins = p?.ins?.value;
    return h('section', { class: 'panel order-head' },
      h('div', { class: 'order-title' },
        h('h1', { tabindex: '-1' }, t('order.title', { placer: o.placerOrderNumber })),
        stateBadge(o.state),
        o.decision ? h('span', { class: 'muted' }, `${t('order.decisionLabel')} ${t(`decision.${o.decision}`).toLowerCase()}`) : null),
      h('dl', { class: 'facts' },
        fact(t('order.patient'), [o.patientName ?? '—', p?.birthDate ? h('span', { class: 'muted' }, ` · ${dateOnly(p.birthDate)}${p.sex ? ` · ${p.sex}` : ''}`) : null]),
        fact(ins ? 'INS' : t('order.patientId'), h('span', { class: 'mono' }, ins ?? o.patientId ?? '—')),
        fact(t('order.modality'), o.modality ?? '—'),
        fact(t('order.region'), o.region ?? '—'),
        fact(t('order.requestedAt'), dateTime(o.requestedAt)),
        fact(t('order.partner'), o.partner ?? '—'),
        fact(t('order.authority'), h('span', { class: 'mono small' }, o.assigningAuthority)),
        fact(t('order.updatedAt'), dateTime(o.updatedAt))));
  }

  function timeline(o) {
    const items = [];
    for (const m of o.messages ?? []) {
      const at = m.direction === 'inbound' ? (m.receivedAt ?? m.createdAt) : (m.sentAt ?? m.createdAt);
      items.push({ at, kind: 'message', m });
    }
    for (const tr of o.transitions ?? []) items.push({ at: tr.at, kind: 'transition', tr });
    for (const a of o.operatorActions ?? []) items.push({ at: a.at, kind: 'operator', a });
    // Messages before the transitions they caused when both carry the same instant.
    items.sort((a, b) => a.at.localeCompare(b.at) || (a.kind === 'message' ? -1 : 1));
    if (!items.length) return h('p', { class: 'muted' }, t('order.noHistory'));
    return h('ol', { class: 'timeline', id: 'timeline' }, items.map((it) => (it.kind === 'message' ? messageItem(it.m, it.at) : it.kind === 'operator' ? operatorItem(it.a) : transitionItem(it.tr))));
  }

  /** An operator's action from the audit log: who, what, on which message, and the message it created. */
  function operatorItem(a) {
    const d = a.detail ?? {};
    return h('li', { class: 'tl-item tl-operator', dataset: { action: a.action } },
      h('time', { class: 'tl-time mono', datetime: a.at, title: dateTime(a.at) }, timeOfDay(a.at)),
      h('div', { class: 'tl-body' },
        h('span', { class: 'badge tone-neutral' }, t('audit.operator')), ' ',
        h('strong', {}, a.actor), ' ', t(`audit.${a.action}`),
        a.messageId ? [' ', h('a', { href: `#/messages/${a.messageId}`, class: 'mono' }, `#${a.messageId}`)] : null,
        a.resultMessageId ? [' → ', h('a', { href: `#/messages/${a.resultMessageId}`, class: 'mono' }, `#${a.resultMessageId}`)] : null,
        d.controlId ? h('span', { class: 'muted small' }, ` (${t(`resend.${d.controlId}`)})`) : null,
        d.bulk ? [' ', h('span', { class: 'badge tone-neutral', 'data-bulk': 'true' }, t('audit.bulk'))] : null,
        d.reason ? h('div', { class: 'muted small' }, d.reason) : null));
  }

  function messageItem(m, at) {
    const outbound = m.direction === 'outbound';
    const errors = m.findings?.filter((f) => f.severity === 'error').length ?? 0;
    const warnings = m.findings?.filter((f) => f.severity === 'warning').length ?? 0;
    const ackLine = m.ackCode || m.ackedAt
      ? h('div', { class: 'tl-ack' },
        h('span', { class: 'tl-dir', 'aria-hidden': 'true' }, outbound ? '←' : '→'),
        ' ', outbound ? t('order.ackReceived') : t('order.ackSent'), ' ', ackBadge(m.ackCode), ' ',
        h('time', { datetime: m.ackedAt ?? '', class: 'mono muted' }, m.ackedAt ? timeOfDay(m.ackedAt) : ''))
      : null;
    return h('li', { class: `tl-item tl-message tl-${m.direction}`, dataset: { messageId: String(m.id), type: m.summary?.messageType ?? '' } },
      h('time', { class: 'tl-time mono', datetime: at, title: dateTime(at) }, timeOfDay(at)),
      h('div', { class: 'tl-body' },
        h('div', { class: 'tl-line' },
          h('span', { class: `tl-direction ${outbound ? 'out' : 'in'}` }, outbound ? t('order.sent', { partner: m.partner }) : t('order.received', { partner: m.partner })),
          h('a', { href: `#/messages/${m.id}`, class: 'mono strong' }, m.summary?.messageType ?? '?'),
          h('span', { class: 'muted' }, flowLabel(m.summary?.flow)),
          statusBadge(m.status),
          errors ? h('span', { class: 'badge tone-bad' }, t('common.errors', { n: errors })) : null,
          warnings ? h('span', { class: 'badge tone-warn' }, t('common.warnings', { n: warnings })) : null),
        h('div', { class: 'tl-meta mono muted small' }, `MSH-10 ${m.summary?.controlId ?? '—'}`),
        ackLine,
        m.lastError ? h('div', { class: 'tl-error' }, m.lastError) : null));
  }

  function transitionItem(tr) {
    return h('li', { class: 'tl-item tl-transition' },
      h('time', { class: 'tl-time mono', datetime: tr.at, title: dateTime(tr.at) }, timeOfDay(tr.at)),
      h('div', { class: 'tl-body' },
        h('span', { class: 'muted' }, t('order.transition')), ' ', stateBadge(tr.from), h('span', { 'aria-hidden': 'true' }, ' → '), h('span', { class: 'visually-hidden' }, ` ${t('common.to')} `), stateBadge(tr.to),
        ' ', h('span', { class: 'muted small' }, has(`event.${tr.event}`) ? t(`event.${tr.event}`) : tr.event),
        tr.warning ? h('div', { class: 'tl-warning' }, tr.warning) : null));
  }

  function requestCard(r) {
    if (!r) return null;
    const rows = [
      [t('order.justification'), r.justification],
      [t('order.purpose'), (r.purposeNotes ?? []).join(' · ') || null],
      [t('order.responsible'), person(r.responsibleProfessional)],
      [t('order.radiologist'), person(r.remoteRadiologist)],
      [t('order.facility'), r.imagingFacility ? `${r.imagingFacility.name} (${r.imagingFacility.identifierType} ${r.imagingFacility.identifier})` : null],
      [t('order.callback'), r.callbackPhone],
      [t('order.history'), (r.medicalHistory ?? []).map((m) => `${m.text.replace(/\n/g, ' ')}${m.relevance ? ` [${m.relevance}]` : ''}`).join(' · ') || null],
      [t('order.measures'), [r.height ? `${r.height.value} ${r.height.unit}` : null, r.weight ? `${r.weight.value} ${r.weight.unit}` : null, r.pregnant !== undefined ? (r.pregnant ? t('order.pregnant') : t('order.notPregnant')) : null].filter(Boolean).join(' · ') || null],
    ];
    return card('request', t('order.request'), h('dl', { class: 'kv' }, rows.filter(([, v]) => v).map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])));
  }

  function decisionCard(d) {
    if (!d) return card('decision', t('order.decision'), h('p', { class: 'muted' }, t('order.noDecision')));
    const accepted = d.outcome?.accepted;
    const body = [h('dl', { class: 'kv' },
      h('dt', {}, t('order.outcome')), h('dd', {}, h('span', { class: `badge ${accepted ? 'tone-ok' : 'tone-bad'}` }, accepted ? t('decision.accepted') : t('decision.refused'))),
      h('dt', {}, t('order.radiologist')), h('dd', {}, person(d.remoteRadiologist)),
      d.platform ? [h('dt', {}, t('order.platform')), h('dd', {}, `${d.platform.name} (${d.platform.identifierType} ${d.platform.identifier})`)] : null,
      !accepted && d.outcome?.reason ? [h('dt', {}, t('order.reason')), h('dd', {}, [d.outcome.reason.text, d.outcome.reason.code ? h('span', { class: 'mono muted small' }, ` ${d.outcome.reason.code}`) : null])] : null)];
    if (accepted) {
      const protocols = d.outcome.protocols ?? [];
      body.push(h('h3', {}, t('order.protocols', { n: protocols.length })));
      protocols.forEach((p, i) => body.push(protocol(p, i + 1)));
    }
    return card('decision', t('order.decision'), body);
  }

  function protocol(p, n) {
    const title = t('order.protocolN', { n });
    if (p.kind === 'text') {
      return h('div', { class: 'protocol', dataset: { kind: 'text' } },
        h('div', { class: 'protocol-head' }, h('strong', {}, title), h('span', { class: 'muted small' }, t('order.protocolText'))),
        h('pre', { class: 'protocol-text' }, p.text));
    }
    const ext = p.mediaType === 'application/pdf' ? 'pdf' : p.mediaType === 'application/xml' ? 'xml' : 'bin';
    const frame = h('div', { class: 'protocol-frame', dataset: { protocol: String(n), mediaType: p.mediaType, path: `${base}/protocols/${n}${qs}`, title } }, h('p', { class: 'muted' }, t('common.loading')));
    return h('div', { class: 'protocol', dataset: { kind: 'document' } },
      h('div', { class: 'protocol-head' }, h('strong', {}, title), h('span', { class: 'muted small' }, p.mediaType),
        h('button', { type: 'button', class: 'btn btn-small', onclick: async () => {
          try {
            const res = await api(`${base}/protocols/${n}${qs}`, { raw: true });
            download(`protocole-${order.placerOrderNumber}-${n}.${ext}`, await res.blob());
          } catch (e) { toast(e.message, 'error'); }
        } }, t('common.download'))),
      frame);
  }

  /** Fetches a document with the bearer header and shows it from a blob URL (PDF in an iframe). */
  async function showDocument(el) {
    try {
      let doc = documents.get(el.dataset.path);
      if (!doc) {
        const res = await api(el.dataset.path, { raw: true });
        const blob = await res.blob();
        const typed = blob.type ? blob : new Blob([blob], { type: el.dataset.mediaType });
        doc = { url: URL.createObjectURL(typed), blob: typed };
        documents.set(el.dataset.path, doc);
      }
      const { url, blob: typed } = doc;
      if (el.dataset.mediaType === 'application/pdf') {
        // Open parameters of the PDF viewer: no thumbnail pane beside a one-page document.
        mount(el, h('iframe', { src: `${url}#navpanes=0`, title: el.dataset.title, class: 'pdf-frame' }),
          h('a', { href: url, target: '_blank', rel: 'noopener', class: 'small' }, t('common.openInTab')));
      } else {
        mount(el, h('pre', { class: 'protocol-text' }, await typed.text()));
      }
    } catch (e) {
      mount(el, h('p', { class: 'form-error' }, e.message));
    }
  }

  function postExamCard(pe) {
    if (!pe) return card('postexam', t('order.postExam'), h('p', { class: 'muted' }, t('order.noPostExam')));
    return card('postexam', t('order.postExam'), (pe.exams ?? []).map((ex, i) => h('div', { class: 'exam' },
      h('div', { class: 'exam-head' },
        h('strong', {}, `${t('order.exam')} ${i + 1} · ${ex.procedure?.display ?? ex.procedure?.code ?? ''}`),
        ex.viewerUrl ? h('a', { href: ex.viewerUrl, target: '_blank', rel: 'noopener noreferrer', class: 'btn btn-small btn-primary viewer-link' }, t('order.openViewer'), h('span', { 'aria-hidden': 'true' }, ' ↗')) : null),
      h('dl', { class: 'kv' },
        h('dt', {}, t('order.accession')), h('dd', { class: 'mono' }, ex.accessionNumber?.value ?? '—', h('span', { class: 'muted small' }, ex.accessionNumber ? ` ${ex.accessionNumber.authorityOid}` : '')),
        h('dt', {}, 'Study Instance UID'), h('dd', { class: 'mono small' }, ex.studyInstanceUid ?? '—'),
        h('dt', {}, t('order.performedAt')), h('dd', {}, dateTime(ex.performedAt)),
        ex.modality ? [h('dt', {}, t('order.modality')), h('dd', {}, `${ex.modality.code}${ex.modality.display ? ` (${ex.modality.display})` : ''}`)] : null,
        ex.anatomicalRegions?.length ? [h('dt', {}, t('order.region')), h('dd', {}, ex.anatomicalRegions.map((r) => [r.region.display ?? r.region.code, r.qualifier ? ` (${r.qualifier.display ?? r.qualifier.code})` : ''].join('')).join(', '))] : null,
        ex.administeredProducts?.length ? [h('dt', {}, t('order.products')), h('dd', {}, ex.administeredProducts.map((p) => `${p.atc.display ?? p.atc.code} — ${t('order.lot')} ${p.lotNumber}${p.quantity ? ` — ${p.quantity.value} ${p.quantity.unit}` : ''}`).join('; '))] : null,
        ex.device ? [h('dt', {}, t('order.device')), h('dd', {}, [ex.device.model, ex.device.identifier].filter(Boolean).join(' · '))] : null,
        h('dt', {}, t('order.retention')), h('dd', {}, t('order.days', { n: ex.imageRetentionDays })),
        ex.viewerUrl ? [h('dt', {}, t('order.viewer')), h('dd', { class: 'mono small break' }, ex.viewerUrl)] : null))));
  }

  /**
   * The report versions, newest first. Each one names the MDM message that carried it with that
   * message's acknowledgement, and its PDF (level 1) shows in the card from a blob URL, like a PDF
   * protocol; the viewer of the current version is open by default, the others on request.
   */
  function reportsCard(reports) {
    if (!reports.length) return card('reports', t('order.reports'), h('p', { class: 'muted' }, t('order.noReports')));
    // The same instant is possible for a replacement and its predecessor's record: the version breaks the tie.
    const sorted = [...reports].sort((a, b) => String(b.at ?? '').localeCompare(String(a.at ?? '')) || (b.version ?? 0) - (a.version ?? 0));
    return card('reports', t('order.reports'), h('ul', { class: 'reports' }, sorted.map(reportItem)));
  }

  function reportItem(r) {
    const status = r.status ?? 'current';
    const version = r.version ?? 1;
    const title = r.title ?? t('order.report');
    const carrier = (order.messages ?? []).find((m) => m.id === r.messageId);
    // A level-3 report has no PDF body; the RIS does not record the level, and its API answers 404 then.
    const pdf = r.messageId && r.level !== 3;
    const viewerId = `report-viewer-${r.messageId}`;
    const viewer = pdf
      ? h('div', {
        class: 'report-viewer protocol-frame', id: viewerId, hidden: !isViewerOpen(r),
        dataset: { document: 'report', mediaType: 'application/pdf', path: reportPath(r, 'pdf'), title: t('order.reportPdfTitle', { title, n: version }) },
      }, h('p', { class: 'muted' }, t('common.loading')))
      : null;
    const toggle = pdf
      ? h('button', {
        type: 'button', class: 'btn btn-small report-toggle', 'aria-controls': viewerId, 'aria-expanded': String(isViewerOpen(r)),
        onclick: (e) => {
          const open = viewer.hidden;
          viewerOpen.set(r.messageId, open);
          viewer.hidden = !open;
          e.currentTarget.setAttribute('aria-expanded', String(open));
          e.currentTarget.textContent = open ? t('order.hidePdf') : t('order.showPdf');
          if (open && !viewer.querySelector('iframe')) void showDocument(viewer);
        },
      }, isViewerOpen(r) ? t('order.hidePdf') : t('order.showPdf'))
      : null;
    return h('li', { class: `report report-${status}`, dataset: { version: String(version), status, messageId: String(r.messageId ?? '') } },
      h('div', { class: 'report-head' },
        h('strong', { class: 'report-title' }, title),
        h('span', { class: `badge report-status ${status === 'current' ? 'tone-ok' : status === 'deleted' ? 'tone-bad' : 'tone-muted'}` }, t(`report.${status}`)),
        h('span', { class: 'report-version' }, t('order.reportVersion', { n: version })),
        r.level ? h('span', { class: 'muted small' }, t('order.level', { n: r.level })) : null),
      h('div', { class: 'report-meta small muted' },
        h('time', { datetime: r.at ?? '' }, dateTime(r.at)),
        r.accessionNumber ? ` · ${t('order.accession')} ${r.accessionNumber}` : '',
        r.messageId ? [' · ', t('order.reportCarrier'), ' ',
          h('a', { href: `#/messages/${r.messageId}`, class: 'mono report-message' }, carrier?.summary?.messageType ?? t('order.reportMessage')),
          carrier ? [' ', ackBadge(carrier.ackCode)] : null] : null),
      h('div', { class: 'report-actions' },
        toggle,
        pdf ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => fetchReport(r, 'pdf') }, t('order.downloadPdf')) : null,
        r.messageId ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => fetchReport(r, 'xml') }, t('order.downloadCda')) : null,
        r.viewerUrl ? h('a', { href: r.viewerUrl, target: '_blank', rel: 'noopener noreferrer', class: 'btn btn-small' }, t('order.openViewer'), ' ↗') : null),
      publicationList(r.publications ?? []),
      viewer);
  }

  /**
   * Where a report version went onward from the RIS (DMP, each MSSanté mailbox) and how far it got:
   * the PFI's receipt or the DMP's answer (direct route), its error code and text, or why it was held
   * or skipped. A replacement or a deletion says so; a version the DMP accepted directly names its entry.
   */
  function publicationList(publications) {
    if (!publications.length) return null;
    const tone = { accepted: 'tone-ok', refused: 'tone-bad', held: 'tone-bad', parked: 'tone-bad', skipped: 'tone-muted' };
    return h('ul', { class: 'publications small' }, publications.map((p) => {
      const findings = (p.findings ?? []).filter((f) => f.severity === 'error');
      // A skip with a reason (no qualified INS, nothing to delete) was decided by the route: "not sent", not "not asked".
      const label = p.status === 'skipped' && p.errorText ? t('publication.skippedBecause') : t(`publication.${p.status}`);
      return h('li', {
        class: `publication publication-${p.status}`,
        dataset: { destination: p.destination, status: p.status, request: p.requestKind ?? 'initial' },
        ...(p.entryUuid ? { title: t('publication.entry', { entry: p.entryUuid }) } : {}),
      },
        h('span', { class: 'publication-destination' }, p.destination === 'dmp' ? t('publication.dmp') : t('publication.mssante')),
        p.requestKind === 'replace' || p.requestKind === 'delete'
          ? [' ', h('span', { class: 'muted publication-request' }, t(`publication.request.${p.requestKind}`))]
          : null,
        p.address ? [' ', h('span', { class: 'mono' }, p.address)] : null,
        ' ',
        h('span', { class: `badge ${tone[p.status] ?? 'tone-muted'}` }, label),
        p.errorCode || p.errorText ? h('span', { class: 'muted' }, ` ${[p.errorCode, p.errorText].filter(Boolean).join(' — ')}`) : null,
        findings.length ? h('span', { class: 'muted' }, ` ${findings.map((f) => `${f.rule}: ${f.message}`).join('; ')}`) : null);
    }));
  }

  /**
   * The request document (DA-IMG) and the supporting documents, newest first: kind, version, level and the
   * verdict of the rule sets. A structured (level 3) document is shown readably, section by section with its
   * narrative (never as raw XML); a level-1 one shows its PDF. The current request document is open by default.
   */
  function documentsCard(docs) {
    if (!docs.length) return card('documents', t('order.documents'), h('p', { class: 'muted' }, t('order.noDocuments')));
    const sorted = [...docs].sort((a, b) => String(b.at ?? '').localeCompare(String(a.at ?? '')) || (b.version ?? 0) - (a.version ?? 0));
    return card('documents', t('order.documents'), h('ul', { class: 'reports order-documents' }, sorted.map(documentItem)));
  }

  function documentItem(d) {
    const status = d.status ?? 'current';
    const version = d.version ?? 1;
    const key = `doc-${d.messageId}`;
    const open = viewerOpen.get(key) ?? (status === 'current' && d.role === 'request');
    const path = `${base}/documents/${d.messageId}${d.level === 1 ? '/pdf' : ''}${qs}`;
    const viewerId = `document-viewer-${d.messageId}`;
    const viewer = d.level === 1
      ? h('div', {
        class: 'report-viewer protocol-frame', id: viewerId, hidden: !open,
        dataset: { document: 'order-document', mediaType: 'application/pdf', path, title: `${d.title ?? ''} (PDF)` },
      }, h('p', { class: 'muted' }, t('common.loading')))
      : h('div', { class: 'cda-view', id: viewerId, hidden: !open, dataset: { cda: path } }, h('p', { class: 'muted' }, t('common.loading')));
    const toggle = h('button', {
      type: 'button', class: 'btn btn-small document-toggle', 'aria-controls': viewerId, 'aria-expanded': String(open),
      onclick: (e) => {
        const show = viewer.hidden;
        viewerOpen.set(key, show);
        viewer.hidden = !show;
        e.currentTarget.setAttribute('aria-expanded', String(show));
        e.currentTarget.textContent = show ? t('order.hideDocument') : t('order.showDocument');
        if (show) void (d.level === 1 ? showDocument(viewer) : showCda(viewer));
      },
    }, open ? t('order.hideDocument') : t('order.showDocument'));
    return h('li', { class: `report order-document document-${d.role}`, dataset: { role: d.role, version: String(version), status, level: String(d.level ?? ''), messageId: String(d.messageId ?? '') } },
      h('div', { class: 'report-head' },
        h('strong', { class: 'report-title document-title' }, d.title || t(d.role === 'request' ? 'order.requestDocument' : 'order.supportingDocument')),
        h('span', { class: 'badge tone-muted document-role' }, t(d.role === 'request' ? 'order.requestDocument' : 'order.supportingDocument')),
        h('span', { class: `badge report-status ${status === 'current' ? 'tone-ok' : status === 'deleted' ? 'tone-bad' : 'tone-muted'}` }, t(`report.${status}`)),
        h('span', { class: 'report-version' }, t('order.reportVersion', { n: version })),
        d.level ? h('span', { class: 'muted small' }, t('order.level', { n: d.level })) : null,
        h('span', { class: `badge document-validity ${d.valid ? 'tone-ok' : 'tone-bad'}` }, d.valid ? t('order.documentValid') : t('order.documentInvalid', { n: d.errors ?? 0 }))),
      h('div', { class: 'report-meta small muted' },
        h('time', { datetime: d.at ?? '' }, dateTime(d.at)),
        d.profile ? [' · ', h('span', { class: 'mono' }, d.profile)] : null,
        d.messageId ? [' · ', t('order.reportCarrier'), ' ', h('a', { href: `#/messages/${d.messageId}`, class: 'mono' }, t('order.reportMessage'))] : null),
      h('div', { class: 'report-actions' },
        status === 'deleted' ? null : toggle,
        d.messageId ? h('button', { type: 'button', class: 'btn btn-small', onclick: () => fetchOrderDocument(d) }, t('order.downloadCda')) : null),
      status === 'deleted' ? null : viewer);
  }

  /** Renders a structured document in its view: fetched with the API key, parsed and mapped to safe HTML. */
  async function showCda(el) {
    try {
      let rendered = cdaViews.get(el.dataset.cda);
      if (!rendered) {
        const res = await api(el.dataset.cda, { raw: true });
        rendered = renderCda(await res.text());
        cdaViews.set(el.dataset.cda, rendered);
      }
      if (rendered.error) mount(el, h('p', { class: 'muted' }, rendered.error));
      else mount(el, rendered.title ? h('h3', { class: 'cda-title' }, rendered.title) : null, rendered.sections ? rendered.sections.cloneNode(true) : null);
    } catch (e) {
      mount(el, h('p', { class: 'muted' }, e instanceof ApiError ? e.message : String(e)));
    }
  }

  async function fetchOrderDocument(d) {
    try {
      const res = await api(`${base}/documents/${d.messageId}${qs}`, { raw: true });
      download(`${d.role === 'request' ? 'da-img' : 'document'}-${order.placerOrderNumber}-v${d.version ?? 1}.xml`, await res.blob());
    } catch (e) { toast(e instanceof ApiError ? e.message : String(e), 'error'); }
  }

  /** Whether a report's PDF viewer is open: the operator's choice when made, else open for the version in force. */
  function isViewerOpen(r) {
    return viewerOpen.get(r.messageId) ?? (r.status ?? 'current') === 'current';
  }

  function reportPath(r, format) {
    return `${base}/reports/${r.messageId}?format=${format}${authority ? `&authority=${encodeURIComponent(authority)}` : ''}${partner ? `&partner=${encodeURIComponent(partner)}` : ''}`;
  }

  async function fetchReport(r, format) {
    try {
      const res = await api(reportPath(r, format), { raw: true });
      download(`cr-${order.placerOrderNumber}-v${r.version ?? 1}.${format}`, await res.blob());
    } catch (e) { toast(e instanceof ApiError ? e.message : String(e), 'error'); }
  }

  function cancellationCard(c) {
    return card('cancellation', t('order.cancellation'), h('dl', { class: 'kv' },
      h('dt', {}, t('order.cancelledAt')), h('dd', {}, dateTime(c.cancelledAt)),
      c.reason ? [h('dt', {}, t('order.reason')), h('dd', {}, c.reason.text ?? c.reason.code)] : null,
      c.responsibleProfessional ? [h('dt', {}, t('order.responsible')), h('dd', {}, person(c.responsibleProfessional))] : null));
  }

  await load();
  let pending = null;
  const off = liveEvents.on((e) => {
    const mine = e.orderKey ? e.orderKey === `${order.assigningAuthority}|${order.placerOrderNumber}` : e.placerOrderNumber === order.placerOrderNumber;
    if (!mine) return;
    clearTimeout(pending);
    pending = setTimeout(() => void load().catch(() => undefined), 250);
  });
  return () => {
    off();
    clearTimeout(pending);
    for (const d of documents.values()) URL.revokeObjectURL(d.url);
  };
}

function card(id, title, ...body) {
  return h('section', { class: 'panel card', id: `card-${id}`, 'aria-labelledby': `card-${id}-title` }, h('h2', { id: `card-${id}-title` }, title), body);
}

function fact(label, value) {
  return h('div', { class: 'fact' }, h('dt', {}, label), h('dd', {}, value));
}

function person(p) {
  if (!p) return null;
  return [`${p.prefix ? `${p.prefix} ` : ''}${p.givenName} ${p.familyName}`, h('span', { class: 'mono muted small' }, ` ${p.identifierType} ${p.idNat}`)];
}
