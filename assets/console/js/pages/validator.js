import { api, ApiError } from '../api.js';
import { severityBadge } from '../badges.js';
import { copyText, h, mount, toast } from '../dom.js';
import { parseEr7 } from '../hl7.js';
import { loadDictionary, renderHl7, renderTree, severityClass } from '../hl7-view.js';
import { t } from '../i18n.js';

/**
 * The validator as the CLI runs it, in the browser: paste a message or drop a file (HL7 v2 or a
 * CDA document), the gateway's `POST /api/validate` checks it against the volet, and the page shows
 * the CLI's text report, the findings marked in the message, and the parsed tree.
 */
export async function render(root) {
  const dict = await loadDictionary();
  let fileName = null;
  /** The dropped file's bytes, sent as they are (line ends and charset untouched) until the text is edited. */
  let fileBytes = null;
  const text = h('textarea', { id: 'v-input', class: 'input mono code-input', rows: '12', spellcheck: 'false', 'aria-describedby': 'v-help' });
  const profile = h('select', { id: 'v-profile', class: 'input' },
    ['auto', 'flux1', 'flux2', 'flux3', 'flux4', 'ack'].map((p) => h('option', { value: p }, p === 'auto' ? t('validator.auto') : p)));
  const fileInput = h('input', { type: 'file', id: 'v-file', class: 'visually-hidden', accept: '.hl7,.er7,.txt,.xml,.cda,text/plain,application/xml' });
  const drop = h('div', { class: 'dropzone', id: 'v-drop' },
    h('span', {}, t('validator.drop')), ' ',
    h('label', { for: 'v-file', class: 'btn btn-small' }, t('validator.chooseFile')), fileInput,
    h('span', { class: 'muted small', id: 'v-filename', 'aria-live': 'polite' }));
  const result = h('div', { id: 'v-result', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'v-submit' }, t('validator.validate'));

  async function readFile(file) {
    // HL7 v2 may be Latin-9 (MSH-18 8859/15): read bytes and decode per MSH-18 rather than assuming UTF-8.
    const bytes = new Uint8Array(await file.arrayBuffer());
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, 4096));
    const latin = /^\s*MSH/.test(head) && /8859\/(1|15)\b/.test(head.split(/\r|\n/)[0] ?? '');
    text.value = new TextDecoder(latin ? 'iso-8859-15' : 'utf-8').decode(bytes);
    fileName = file.name;
    fileBytes = bytes;
    document.getElementById('v-filename').textContent = file.name;
  }
  fileInput.addEventListener('change', () => { if (fileInput.files?.[0]) void readFile(fileInput.files[0]); });
  for (const el of [drop, text]) {
    el.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('is-over'); });
    el.addEventListener('dragleave', () => drop.classList.remove('is-over'));
    el.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('is-over');
      const file = e.dataTransfer?.files?.[0];
      if (file) void readFile(file);
    });
  }
  text.addEventListener('input', () => { fileName = null; fileBytes = null; document.getElementById('v-filename').textContent = ''; });

  const form = h('form', {
    class: 'validator-form',
    onsubmit: async (e) => {
      e.preventDefault();
      const content = text.value;
      if (!content.trim()) { text.focus(); return; }
      submit.disabled = true;
      mount(result, h('p', { class: 'loading' }, t('validator.running')));
      const isXml = content.trimStart().startsWith('<');
      try {
        const qs = !isXml && profile.value !== 'auto' ? `?profile=${profile.value}` : '';
        // A text area turns every line break into LF: give pasted HL7 its CR segment terminators back,
        // so that the report is about the message, not about the text area. Files are sent as they are.
        const body = fileBytes ? new Blob([fileBytes]) : isXml ? content : content.replace(/\r\n|\n/g, '\r');
        const report = await api(`/api/validate${qs}`, { method: 'POST', body, contentType: isXml ? 'application/xml' : 'text/plain; charset=utf-8' });
        showReport(report, content);
      } catch (err) {
        mount(result, h('div', { class: 'panel panel-error', role: 'alert' }, err instanceof ApiError ? err.message : String(err)));
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'v-input', class: 'label' }, t('validator.input')), text),
  h('p', { id: 'v-help', class: 'help' }, t('validator.help')),
  drop,
  h('div', { class: 'validator-actions' },
    h('div', { class: 'field field-inline' }, h('label', { for: 'v-profile', class: 'label' }, t('validator.profile')), profile),
    submit,
    h('button', { type: 'button', class: 'btn btn-ghost', onclick: () => { text.value = ''; fileName = null; fileBytes = null; result.replaceChildren(); document.getElementById('v-filename').textContent = ''; text.focus(); } }, t('validator.clear'))));

  function showReport(report, content) {
    const name = fileName ?? (report.kind === 'cda' ? 'document.xml' : 'message.hl7');
    const cli = cliReport(name, report);
    const errors = report.issues.filter((i) => severityClass(i.severity) === 'error').length;
    const warnings = report.issues.filter((i) => severityClass(i.severity) === 'warning').length;
    const parsed = report.kind === 'hl7' ? parseEr7(content) : null;
    const view = parsed ? renderHl7(parsed, { dict, findings: report.issues, label: t('validator.annotated') }) : null;
    mount(result,
      h('section', { class: `panel verdict ${report.valid ? 'verdict-ok' : 'verdict-bad'}`, id: 'v-verdict' },
        h('h2', {}, report.valid ? t('validator.valid') : t('validator.invalid')),
        h('p', {}, `${report.kind === 'cda' ? 'CDA' : 'HL7 v2'} · ${t('validator.profileFound')} ${report.profile ?? t('validator.unknownFlow')} · ${t('common.errors', { n: errors })} · ${t('common.warnings', { n: warnings })}`)),
      h('section', { class: 'panel' },
        h('div', { class: 'panel-head' }, h('h2', {}, t('validator.cliReport')),
          h('button', { type: 'button', class: 'btn btn-small', onclick: async () => toast((await copyText(cli)) ? t('message.copied') : t('message.copyFailed'), 'success') }, t('message.copy'))),
        h('pre', { class: 'cli-report', id: 'v-cli' }, cli)),
      report.issues.length ? h('section', { class: 'panel panel-flush' },
        h('h2', { class: 'panel-title' }, `${t('validator.issues')} (${report.issues.length})`),
        h('table', { class: 'grid', id: 'v-issues' },
          h('caption', { class: 'visually-hidden' }, t('validator.issues')),
          h('thead', {}, h('tr', {}, [t('validator.severity'), t('validator.location'), t('validator.rule'), t('validator.message')].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', {}, [...report.issues].sort((a, b) => severityRank(a.severity) - severityRank(b.severity)).map((i) => h('tr', {},
            h('td', {}, severityBadge(i.severity)),
            h('td', { class: 'mono' }, view && i.location ? h('button', { type: 'button', class: 'link-button mono', onclick: () => view.reveal(i.location) }, i.location) : (i.location ?? '—')),
            h('td', { class: 'mono small' }, i.rule),
            h('td', {}, i.message)))))) : null,
      view ? h('section', { class: 'panel' }, h('h2', {}, t('validator.annotated')), view.element) : null,
      report.tree ? h('section', { class: 'panel' }, h('details', {}, h('summary', {}, h('h2', { class: 'inline-h' }, t('message.tabTree'))), renderTree(report.tree, dict))) : null);
    document.getElementById('v-verdict')?.scrollIntoView({ block: 'nearest' });
  }

  mount(root,
    h('div', { class: 'page-head' }, h('div', {}, h('h1', { tabindex: '-1' }, t('validator.title')), h('p', { class: 'muted' }, t('validator.subtitle')))),
    h('section', { class: 'panel' }, form),
    result);
}

function severityRank(s) {
  const c = severityClass(s);
  return c === 'error' ? 0 : c === 'warning' ? 1 : 2;
}

/** The report exactly as `cisis-tlr validate FILE` prints it (src/cli/commands/validate.ts). */
export function cliReport(file, report) {
  if (report.kind === 'cda') return cdaCliReport(file, report);
  const lines = [`${file}: ${report.profile ?? 'unknown flow'} — ${report.valid ? 'valid' : 'INVALID'}`];
  const errors = report.issues.filter((i) => i.severity === 'error');
  const warnings = report.issues.filter((i) => i.severity === 'warning');
  for (const [title, list] of [['errors', errors], ['warnings', warnings]]) {
    if (list.length === 0) continue;
    lines.push(`  ${list.length} ${list.length === 1 ? title.slice(0, -1) : title}:`);
    for (const i of list) lines.push(`    ${String(i.location ?? '').padEnd(14)} ${String(i.rule).padEnd(12)} ${i.message}`);
  }
  if (report.issues.length === 0) lines.push('  no finding');
  return lines.join('\n');
}

const CDA_SEVERITIES = ['error', 'warning', 'info'];

/**
 * The report as `cisis-tlr validate-cda FILE` prints it (src/cli/commands/validate-cda.ts), less the
 * "checked with" line: the API does not return the rule sets.
 */
function cdaCliReport(file, report) {
  const counts = CDA_SEVERITIES.map((s) => [s, report.issues.filter((i) => i.severity === s)]);
  const summary = counts.filter(([, l]) => l.length).map(([s, l]) => `${l.length} ${s}${l.length > 1 ? 's' : ''}`).join(', ');
  const lines = [`== ${file}`, `   profile ${report.profile}: ${report.valid ? 'VALID' : 'INVALID'}${summary ? ` (${summary})` : ''}`];
  for (const [s, list] of counts) {
    if (!list.length) continue;
    lines.push(`   ${s}s:`);
    for (const i of list) {
      lines.push(`   - ${i.source ? `[${i.source}] ` : ''}${i.rule}${i.location ? ` at ${i.location}` : ''}`);
      lines.push(`       ${i.message}`);
    }
  }
  return lines.join('\n');
}
