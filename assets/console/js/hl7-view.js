import { h } from './dom.js';
import { describe, formatLocation, parseLocation } from './hl7.js';
import { t } from './i18n.js';

/**
 * The annotated HL7 view: every segment, field, component and sub-component is a span carrying its
 * location (`data-loc`, in the validator's notation), named from the field dictionary on hover,
 * selectable with the mouse or the arrow keys (the inspector beside it lists the components), and
 * marked when a finding points at it.
 */
export function renderHl7(parsed, { dict, findings = [], label } = {}) {
  const byLoc = new Map();
  const fieldEls = [];
  const raw = h('div', { class: 'hl7-raw', tabindex: '0', role: 'application', 'aria-label': label ?? t('hl7.rawLabel'), 'aria-describedby': 'hl7-help' });
  const d = parsed.delimiters;
  const sep = (c) => h('span', { class: 'hl7-sep', 'aria-hidden': 'true' }, c);

  for (const seg of parsed.segments) {
    const segLoc = formatLocation({ segment: seg.id, occurrence: seg.occurrence });
    const segName = dict?.segments?.[seg.id]?.name;
    const line = h('div', { class: 'hl7-seg', dataset: { loc: segLoc } });
    line.append(h('span', { class: 'hl7-seg-id', dataset: { loc: segLoc } }, seg.id));
    byLoc.set(segLoc, line);
    for (const f of seg.fields) {
      const base = { segment: seg.id, occurrence: seg.occurrence, field: f.n };
      const fLoc = formatLocation(base);
      // MSH-1 is the field separator right after "MSH", and MSH-2 follows it directly.
      if (!(seg.id === 'MSH' && f.n <= 2)) line.append(sep(d.field));
      const fEl = h('span', { class: 'hl7-field', dataset: { loc: fLoc } });
      if (seg.id === 'MSH' && f.n <= 2) {
        fEl.append(f.raw);
      } else {
        f.reps.forEach((rep, ri) => {
          if (ri > 0) fEl.append(sep(d.repetition));
          const repNo = ri + 1;
          const hasComponents = rep.comps.length > 1 || rep.comps[0].subs.length > 1;
          if (!hasComponents) {
            const repEl = f.reps.length > 1 ? h('span', { class: 'hl7-rep', dataset: { loc: formatLocation({ ...base, repetition: repNo }) } }, rep.raw) : null;
            if (repEl) { byLoc.set(repEl.dataset.loc, repEl); fEl.append(repEl); } else fEl.append(rep.raw);
            return;
          }
          rep.comps.forEach((c, ci) => {
            if (ci > 0) fEl.append(sep(d.component));
            const cLoc = formatLocation({ ...base, repetition: repNo, component: ci + 1 });
            const cEl = h('span', { class: 'hl7-comp', dataset: { loc: cLoc } });
            if (c.subs.length > 1) {
              c.subs.forEach((s, si) => {
                if (si > 0) cEl.append(sep(d.subcomponent));
                const sLoc = formatLocation({ ...base, repetition: repNo, component: ci + 1, subcomponent: si + 1 });
                const sEl = h('span', { class: 'hl7-sub', dataset: { loc: sLoc } }, s);
                byLoc.set(sLoc, sEl);
                cEl.append(sEl);
              });
            } else {
              cEl.append(c.raw);
            }
            byLoc.set(cLoc, cEl);
            fEl.append(cEl);
          });
        });
      }
      if (f.raw === '') fEl.classList.add('hl7-empty');
      byLoc.set(fLoc, fEl);
      fieldEls.push(fEl);
      line.append(fEl);
    }
    if (segName) line.firstChild.setAttribute('title', `${seg.id} — ${segName}`);
    raw.append(line);
  }

  // Findings: mark the most precise element the location reaches (a missing field marks its segment).
  const marks = [];
  for (const f of findings) {
    const loc = parseLocation(f.location);
    if (!loc) continue;
    const target = resolveTarget(byLoc, loc);
    if (!target) continue;
    const sev = severityClass(f.severity);
    target.classList.add('hl7-mark', `hl7-mark-${sev}`);
    (target.__findings ??= []).push(f);
    marks.push({ finding: f, el: target });
  }

  /** OBX-5 is of the type OBX-2 of the same segment declares. */
  const valueTypeOf = (loc) => (loc?.segment === 'OBX' && loc.field === 5
    ? byLoc.get(formatLocation({ segment: 'OBX', occurrence: loc.occurrence, field: 2 }))?.textContent || undefined
    : undefined);

  const inspector = h('aside', { class: 'hl7-inspector', 'aria-live': 'polite', 'aria-label': t('hl7.inspector') }, h('p', { class: 'muted' }, t('hl7.inspectorHint')));
  const tip = h('div', { class: 'hl7-tip', role: 'tooltip', hidden: true });
  const help = h('p', { id: 'hl7-help', class: 'visually-hidden' }, t('hl7.keyboardHelp'));
  // The tooltip is placed in the wrapper's coordinates, below the hovered element.
  const rawWrap = h('div', { class: 'hl7-raw-wrap' }, raw, tip, help);
  let selected = null;

  function deepest(el) {
    return el?.closest?.('[data-loc]');
  }

  function select(el, { focus = false, scroll = true } = {}) {
    if (!el) return;
    selected?.classList.remove('hl7-selected');
    selected = el;
    el.classList.add('hl7-selected');
    renderInspector(inspector, el, dict, valueTypeOf);
    if (scroll) el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    if (focus) raw.focus({ preventScroll: true });
  }

  raw.addEventListener('mouseover', (e) => {
    const el = deepest(e.target);
    if (!el || !raw.contains(el)) { tip.hidden = true; return; }
    const loc = parseLocation(el.dataset.loc);
    tip.replaceChildren(...tipContent(loc, dict, el, valueTypeOf(loc)));
    tip.hidden = false;
    const r = el.getBoundingClientRect();
    const host = rawWrap.getBoundingClientRect();
    tip.style.setProperty('--tip-x', `${Math.max(0, r.left - host.left)}px`);
    tip.style.setProperty('--tip-y', `${r.bottom - host.top + 4}px`);
    tip.className = 'hl7-tip';
  });
  raw.addEventListener('mouseleave', () => { tip.hidden = true; });
  raw.addEventListener('click', (e) => {
    const el = deepest(e.target);
    if (el && raw.contains(el)) select(el, { scroll: false });
  });
  raw.addEventListener('keydown', (e) => {
    const i = selected ? fieldEls.indexOf(selected.closest('.hl7-field') ?? selected) : -1;
    let next;
    if (e.key === 'ArrowRight') next = fieldEls[Math.min(fieldEls.length - 1, i + 1)];
    else if (e.key === 'ArrowLeft') next = fieldEls[Math.max(0, i - 1)];
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const line = (selected ?? fieldEls[0])?.closest('.hl7-seg');
      const target = e.key === 'ArrowDown' ? (selected ? line?.nextElementSibling : line) : line?.previousElementSibling;
      next = target?.querySelector('.hl7-field') ?? undefined;
    } else if (e.key === 'Home') next = fieldEls[0];
    else if (e.key === 'End') next = fieldEls[fieldEls.length - 1];
    else if (e.key === 'Escape') { tip.hidden = true; return; }
    if (next) { e.preventDefault(); select(next); }
  });

  const wrapper = h('div', { class: 'hl7-view' }, rawWrap, inspector);
  return {
    element: wrapper,
    marks,
    /** Selects and scrolls to a location (a finding's), falling back to its field or segment. */
    reveal(location) {
      const loc = parseLocation(location);
      const el = loc ? resolveTarget(byLoc, loc) : null;
      if (el) { select(el, { focus: true }); el.classList.add('hl7-flash'); setTimeout(() => el.classList.remove('hl7-flash'), 1200); }
      return Boolean(el);
    },
  };
}

function resolveTarget(byLoc, loc) {
  const tries = [
    loc,
    { ...loc, subcomponent: undefined },
    { ...loc, component: undefined, subcomponent: undefined, repetition: loc.repetition > 1 ? loc.repetition : undefined },
    { ...loc, component: undefined, subcomponent: undefined, repetition: undefined },
    { segment: loc.segment, occurrence: loc.occurrence },
  ];
  for (const l of tries) {
    const el = byLoc.get(formatLocation(l));
    if (el) return el;
  }
  return null;
}

export function severityClass(severity) {
  const s = String(severity ?? '').toLowerCase();
  if (s.startsWith('e') || s === 'fatal') return 'error';
  if (s.startsWith('w')) return 'warning';
  return 'info';
}

function nameLine(loc, dict, valueType) {
  const d = describe(dict, loc, valueType);
  const parts = [];
  if (d.segment) parts.push(d.segment.name);
  if (d.field) parts.push(`${d.field.name} (${d.field.type})`);
  if (d.component) parts.push(`${d.component.name} (${d.component.type})`);
  if (d.subcomponent) parts.push(`${d.subcomponent.name} (${d.subcomponent.type})`);
  return parts;
}

function tipContent(loc, dict, el, valueType) {
  const names = nameLine(loc, dict, valueType);
  const out = [h('strong', { class: 'mono' }, formatLocation(loc)), ' ', names.slice(1).join(' › ') || names[0] || ''];
  for (const f of el.__findings ?? []) out.push(h('div', { class: `tip-finding tip-${severityClass(f.severity)}` }, `${f.rule}: ${f.message}`));
  return out;
}

function renderInspector(inspector, el, dict, valueTypeOf) {
  const loc = parseLocation(el.dataset.loc);
  const fieldEl = el.closest('.hl7-field');
  const fieldLoc = fieldEl ? parseLocation(fieldEl.dataset.loc) : loc;
  const valueType = valueTypeOf(loc);
  const d = describe(dict, loc, valueType);
  const df = describe(dict, fieldLoc, valueType);
  const rows = [];
  const value = el.classList.contains('hl7-seg') ? '' : el.textContent;
  const head = h('div', { class: 'insp-head' },
    h('div', { class: 'insp-loc mono' }, formatLocation(loc)),
    h('div', { class: 'insp-name' }, nameLine(loc, dict, valueType).join(' › ') || t('hl7.unknownField')),
  );
  if (df.field) {
    const meta = [`${t('hl7.type')} ${df.field.type}`];
    if (df.field.usage) meta.push(`${t('hl7.usage')} ${df.field.usage}`);
    if (df.field.repeats) meta.push(t('hl7.repeats'));
    if (df.field.table !== undefined) meta.push(`${t('hl7.table')} ${String(df.field.table).padStart(4, '0')}`);
    head.append(h('div', { class: 'insp-meta' }, meta.join(' · ')));
  }
  rows.push(head);
  if (!el.classList.contains('hl7-seg')) rows.push(h('pre', { class: 'insp-value mono' }, value === '' ? t('hl7.emptyValue') : value));
  const comps = df.fieldType?.components;
  if (fieldEl && comps && Object.keys(comps).length) {
    const values = new Map();
    for (const c of fieldEl.querySelectorAll('.hl7-comp')) {
      const cl = parseLocation(c.dataset.loc);
      if ((cl.repetition ?? 1) === (loc.repetition ?? 1)) values.set(cl.component, c.textContent);
    }
    if (values.size === 0) values.set(1, fieldEl.textContent);
    const body = Object.entries(comps).map(([n, c]) => h('tr', { class: Number(n) === loc.component ? 'is-current' : '' },
      h('td', { class: 'num' }, n), h('td', {}, c.name), h('td', { class: 'mono muted' }, c.type), h('td', { class: 'mono' }, values.get(Number(n)) ?? '')));
    rows.push(h('table', { class: 'insp-table' },
      h('caption', { class: 'visually-hidden' }, t('hl7.components')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, t('hl7.component')), h('th', { scope: 'col' }, t('hl7.type')), h('th', { scope: 'col' }, t('hl7.value')))),
      h('tbody', {}, body)));
  }
  const findings = [...(el.__findings ?? []), ...(fieldEl && fieldEl !== el ? fieldEl.__findings ?? [] : [])];
  for (const f of findings) rows.push(h('div', { class: `insp-finding finding-${severityClass(f.severity)}` }, h('strong', {}, f.rule), ' ', f.message));
  if (!d.segment && !d.field) rows.push(h('p', { class: 'muted' }, t('hl7.notInDictionary')));
  inspector.replaceChildren(...rows);
}

/** The JSON tree as nested disclosure widgets, with field names beside the numbers. */
export function renderTree(tree, dict) {
  const root = h('div', { class: 'json-tree', role: 'tree', 'aria-label': t('hl7.treeLabel') });
  for (const seg of tree.segments ?? []) {
    const segName = dict?.segments?.[seg.segment]?.name ?? '';
    const node = h('details', { class: 'tree-seg', open: true, role: 'treeitem' },
      h('summary', {}, h('span', { class: 'tree-key mono' }, formatLocation({ segment: seg.segment, occurrence: seg.occurrence })), ' ', h('span', { class: 'muted' }, segName)));
    const list = h('ul', { role: 'group' });
    for (const [n, reps] of Object.entries(seg.fields ?? {})) {
      const fd = dict?.segments?.[seg.segment]?.fields?.[n];
      const type = fd ? dict.types?.[fd.type] : undefined;
      reps.forEach((rep, ri) => {
        const key = `${seg.segment}-${n}${reps.length > 1 ? `[${ri + 1}]` : ''}`;
        const label = [h('span', { class: 'tree-key mono' }, key), ' ', h('span', { class: 'tree-name' }, fd?.name ?? '')];
        if (typeof rep === 'string') {
          list.append(h('li', { role: 'treeitem' }, label, ': ', h('span', { class: 'tree-value mono' }, JSON.stringify(rep))));
          return;
        }
        const inner = h('ul', { role: 'group' });
        for (const [c, v] of Object.entries(rep)) {
          const cd = type?.components?.[c];
          inner.append(h('li', { role: 'treeitem' }, h('span', { class: 'tree-key mono' }, `.${c}`), ' ', h('span', { class: 'tree-name' }, cd?.name ?? ''), ': ',
            h('span', { class: 'tree-value mono' }, JSON.stringify(v))));
        }
        list.append(h('li', { role: 'treeitem' }, h('details', { open: true }, h('summary', {}, label), inner)));
      });
    }
    node.append(list);
    root.append(node);
  }
  return root;
}

let dictionaryPromise = null;

/** The field dictionary (`data/hl7-fields.json`), fetched once. */
export function loadDictionary() {
  dictionaryPromise ??= fetch(new URL('../data/hl7-fields.json', import.meta.url)).then((r) => (r.ok ? r.json() : null)).catch(() => null);
  return dictionaryPromise;
}
