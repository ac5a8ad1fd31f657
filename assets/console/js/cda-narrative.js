import { h } from './dom.js';

/**
 * A CDA R2 document shown as a radiologist reads it: its title, then every section of the structured body with
 * its title and its narrative block (`text`) as HTML. The document is parsed by the browser's XML parser
 * (`DOMParser`, no script runs in an XML document) and each narrative element is mapped to an HTML element
 * from a short list (paragraph, list, table, line break, emphasis); what is not on the list is kept as its text
 * only. Every value goes through text nodes (`h`), never `innerHTML`, and links keep only http(s) targets, so a
 * document cannot inject markup or script into the console.
 */
const CDA_NS = 'urn:hl7-org:v3';

/** Narrative block elements (CDA R2 NarrativeBlock.xsd) and the HTML element each becomes. */
const ELEMENTS = {
  paragraph: 'p',
  br: 'br',
  list: 'ul',
  item: 'li',
  table: 'table',
  caption: 'caption',
  thead: 'thead',
  tbody: 'tbody',
  tfoot: 'tfoot',
  tr: 'tr',
  th: 'th',
  td: 'td',
  content: 'span',
  sub: 'sub',
  sup: 'sup',
  footnote: 'small',
};
/** `styleCode` values shown, as classes (bold, italics, underline). */
const STYLES = { Bold: 'cda-bold', Italics: 'cda-italics', Underline: 'cda-underline', Emphasis: 'cda-italics' };
/** Table cell spans, kept when they are small integers. */
const SPANS = ['colspan', 'rowspan'];

/**
 * The readable form of a CDA document: `{ title, sections, level }`, `sections` a DOM node to mount; or
 * `{ error }` when the text is not a CDA document.
 */
export function renderCda(xmlText) {
  const doc = new DOMParser().parseFromString(String(xmlText), 'application/xml');
  const root = doc.documentElement;
  if (!root || root.getElementsByTagName('parsererror').length || root.localName !== 'ClinicalDocument' || root.namespaceURI !== CDA_NS)
    return { error: 'not a CDA R2 document' };
  const title = childText(root, 'title');
  const component = child(root, 'component');
  const body = component ? child(component, 'structuredBody') : null;
  if (!body) return { title, level: 1, sections: null };
  const sections = children(body, 'component').map((c) => child(c, 'section')).filter(Boolean);
  return { title, level: 3, sections: h('div', { class: 'cda-body' }, sections.map((s) => section(s, 3))) };
}

function section(el, depth) {
  const title = childText(el, 'title');
  const text = child(el, 'text');
  const nested = children(el, 'component').map((c) => child(c, 'section')).filter(Boolean);
  return h('section', { class: 'cda-section' },
    title ? h(`h${Math.min(depth, 6)}`, { class: 'cda-section-title' }, title) : null,
    text ? h('div', { class: 'cda-text' }, narrative(text)) : null,
    nested.map((s) => section(s, depth + 1)));
}

/** The children of a narrative element as HTML nodes: text as text, listed elements mapped, others by their text. */
function narrative(el) {
  const out = [];
  for (const n of el.childNodes) {
    if (n.nodeType === 3 || n.nodeType === 4) out.push(n.nodeValue);
    else if (n.nodeType === 1) out.push(element(n));
  }
  return out;
}

function element(n) {
  const name = n.localName;
  if (n.namespaceURI !== CDA_NS) return n.textContent;
  if (name === 'linkHtml') {
    const href = n.getAttribute('href') ?? '';
    return /^https?:\/\//i.test(href)
      ? h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, narrative(n))
      : h('span', {}, narrative(n));
  }
  if (name === 'renderMultiMedia') return null;
  const tag = name === 'list' && n.getAttribute('listType') === 'ordered' ? 'ol' : ELEMENTS[name];
  if (!tag) return h('span', {}, narrative(n));
  const classes = (n.getAttribute('styleCode') ?? '').split(/\s+/).map((s) => STYLES[s]).filter(Boolean);
  const attrs = classes.length ? { class: classes.join(' ') } : {};
  if (tag === 'td' || tag === 'th')
    for (const a of SPANS) {
      const v = n.getAttribute(a);
      if (v && /^[1-9]\d?$/.test(v)) attrs[a] = v;
    }
  return h(tag, attrs, tag === 'br' ? [] : narrative(n));
}

function children(el, name) {
  return [...el.children].filter((c) => c.localName === name && c.namespaceURI === CDA_NS);
}

function child(el, name) {
  return children(el, name)[0] ?? null;
}

function childText(el, name) {
  return child(el, name)?.textContent?.trim() ?? '';
}
