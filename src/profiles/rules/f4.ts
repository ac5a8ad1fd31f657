import type { Segment } from '../../hl7/index.js';
import { readED } from '../../hl7/index.js';
import { matchesPattern } from '../patterns.js';
import type { Profile } from '../types.js';
import type { OrderGroup, RuleContext, RuleDefinition } from './rule.js';
import { defineRule, subId, valueAt } from './rule.js';
import type { FieldRow, ObservationRow } from './table.js';
import { fieldRule, observationRule } from './table.js';
import { checkMembership, groupLocation, occurrences, withCode } from './observations.js';
import { checkModalityNotes, checkQualifierHasLocation } from './f1.js';

/**
 * Flow 4 — post-exam complement, OMI^O23 SR (conformance-checklist.md §10). One ORDER group per
 * performed exam. TLR-F4-001 and TLR-F4-003 are carried by the message structure.
 */

const F4: readonly Profile[] = ['flux4'];
export const LOINC_OID = '2.16.840.1.113883.6.1';

const seg = (
  id: string,
  segment: string,
  field: string | readonly string[],
  label: string,
  check: FieldRow['check'],
  condition: FieldRow['condition'],
  summary: string,
  extra: Partial<FieldRow> = {},
): FieldRow => ({ id, profiles: F4, segment, field, label, usage: 'R', check, severity: 'error', condition, summary, ...extra });

const SEGMENT_ROWS: readonly FieldRow[] = [
  seg(
    'TLR-F4-005',
    'TQ1',
    '6.1',
    'TQ1-6.1 image retention duration',
    { kind: 'required' },
    '101',
    'TQ1-6.1 (retention duration) non-empty and numeric.',
  ),
  seg(
    'TLR-F4-005',
    'TQ1',
    '6.1',
    'TQ1-6.1 image retention duration',
    { kind: 'pattern', pattern: 'RE_NM' },
    '102',
    'TQ1-6.1 (retention duration) non-empty and numeric.',
    { usage: 'RE' },
  ),
  seg(
    'TLR-F4-007',
    'TQ1',
    '6.2',
    'TQ1-6.2 unit of the retention duration',
    { kind: 'oneOf', values: ['jours', 'd'] },
    '103',
    'TQ1-6.2 non-empty and ∈ {jours, d}.',
    { severity: 'warning' },
  ),
  seg('TLR-F4-008', 'TQ1', '7.1', 'TQ1-7 exam date/time', { kind: 'required' }, '101', 'TQ1-7 (exam date/time) non-empty, valid TS.'),
  seg('TLR-F4-008', 'TQ1', '7.1', 'TQ1-7 exam date/time', { kind: 'timestamp' }, '102', 'TQ1-7 (exam date/time) non-empty, valid TS.', {
    usage: 'RE',
  }),
  seg('TLR-F4-009', 'IPC', '1.1', 'IPC-1.1 accession number', { kind: 'required' }, '101', 'IPC-1.1 (accession number) non-empty.'),
  seg('TLR-F4-010', 'IPC', '1.3', 'IPC-1.3 accession number assigning authority', { kind: 'required' }, '101', 'IPC-1.3 non-empty.'),
  seg('TLR-F4-011', 'IPC', '1.4', 'IPC-1.4 universal id type', { kind: 'fixed', value: 'ISO' }, '103', 'IPC-1.4 = ISO.'),
  seg('TLR-F4-012', 'IPC', '2.1', 'IPC-2.1 requested procedure code (LOINC)', { kind: 'required' }, '101', 'IPC-2.1 non-empty.'),
  seg(
    'TLR-F4-013',
    'IPC',
    '2.3',
    'IPC-2.3 code system of the requested procedure',
    { kind: 'fixed', value: LOINC_OID },
    '103',
    `IPC-2.3 = ${LOINC_OID}.`,
  ),
  seg('TLR-F4-014', 'IPC', '2.4', 'IPC-2.4 universal id type', { kind: 'fixed', value: 'ISO' }, '103', 'IPC-2.4 = ISO.'),
  seg('TLR-F4-015', 'IPC', '3.1', 'IPC-3.1 StudyInstanceUID', { kind: 'required' }, '101', 'IPC-3.1 (StudyInstanceUID) non-empty.'),
  seg(
    'TLR-F4-016',
    'IPC',
    '3.1',
    'IPC-3.1 StudyInstanceUID',
    { kind: 'pattern', pattern: 'RE_DICOM_UID' },
    '102',
    'IPC-3.1 matches RE_DICOM_UID and has at most 64 characters.',
    { severity: 'warning', usage: 'RE' },
  ),
  seg('TLR-F4-018', 'IPC', '4.1', 'IPC-4.1 scheduled procedure step code (LOINC)', { kind: 'required' }, '101', 'IPC-4.1 non-empty.'),
  seg(
    'TLR-F4-019',
    'IPC',
    '4.3',
    'IPC-4.3 code system of the scheduled procedure step',
    { kind: 'fixed', value: LOINC_OID },
    '103',
    `IPC-4.3 = ${LOINC_OID}.`,
  ),
  seg('TLR-F4-020', 'IPC', '4.4', 'IPC-4.4 universal id type', { kind: 'fixed', value: 'ISO' }, '103', 'IPC-4.4 = ISO.'),
  seg(
    'TLR-F4-021',
    'IPC',
    ['2.1', '4.1'],
    'procedure code',
    { kind: 'valueSet', valueSet: 'codeDocumentImagerie' },
    '103',
    'IPC-2.1 and IPC-4.1 ∈ JDV_CodeDocumentImagerie-CISIS.',
    { usage: 'RE' },
  ),
];

const obs = (
  id: string,
  observation: string,
  field: string,
  label: string,
  check: ObservationRow['check'],
  condition: ObservationRow['condition'],
  summary: string,
  extra: Partial<ObservationRow> = {},
): ObservationRow => ({
  id,
  profiles: F4,
  observations: [observation],
  field,
  label,
  usage: 'R',
  check,
  severity: 'error',
  condition,
  summary,
  ...extra,
});

const OBSERVATION_ROWS: readonly ObservationRow[] = [
  obs(
    'TLR-F4-024',
    'URL_PARTIELLE_VIEWER',
    '2',
    'OBX-2 value type of the viewer URL',
    { kind: 'fixed', value: 'ED' },
    '103',
    'Viewer URL OBX-2 = ED.',
  ),
  obs(
    'TLR-F4-025',
    'URL_PARTIELLE_VIEWER',
    '5.2',
    'OBX-5.2 type of data of the viewer URL',
    { kind: 'fixed', value: 'TEXT' },
    '103',
    'Viewer URL OBX-5.2 = TEXT.',
  ),
  obs(
    'TLR-F4-026',
    'URL_PARTIELLE_VIEWER',
    '5.4',
    'OBX-5.4 encoding of the viewer URL',
    { kind: 'fixed', value: 'Base64' },
    '103',
    'Viewer URL OBX-5.4 = Base64.',
  ),
  obs(
    'TLR-F4-031',
    'CODE_ACTE_IMAGERIE',
    '2',
    'OBX-2 value type of the performed procedure',
    { kind: 'fixed', value: 'CE' },
    '103',
    'CODE_ACTE_IMAGERIE OBX-2 = CE.',
  ),
  obs(
    'TLR-F4-032',
    'CODE_ACTE_IMAGERIE',
    '5.3',
    'OBX-5.3 coding system of the performed procedure',
    { kind: 'fixed', value: 'LN' },
    '103',
    'CODE_ACTE_IMAGERIE OBX-5.3 = LN.',
  ),
  obs(
    'TLR-F4-033',
    'CODE_ACTE_IMAGERIE',
    '5.1',
    'OBX-5.1 performed procedure code',
    { kind: 'valueSet', valueSet: 'codeDocumentImagerie' },
    '103',
    'CODE_ACTE_IMAGERIE OBX-5.1 ∈ JDV_CodeDocumentImagerie-CISIS.',
    { usage: 'RE' },
  ),
  obs(
    'TLR-F4-035',
    'REGION_ANATOMIQUE',
    '2',
    'OBX-2 value type',
    { kind: 'fixed', value: 'CE' },
    '103',
    'REGION_ANATOMIQUE OBX: OBX-2 = CE and OBX-5.3 = SCT.',
  ),
  obs(
    'TLR-F4-035',
    'REGION_ANATOMIQUE',
    '5.3',
    'OBX-5.3 coding system',
    { kind: 'fixed', value: 'SCT' },
    '103',
    'REGION_ANATOMIQUE OBX: OBX-2 = CE and OBX-5.3 = SCT.',
  ),
  obs(
    'TLR-F4-038',
    'MODALITE_IMAGERIE',
    '2',
    'OBX-2 value type',
    { kind: 'fixed', value: 'CE' },
    '103',
    'MODALITE_IMAGERIE OBX: OBX-2 = CE and OBX-5.3 ∈ {DCM, terminologie-cisis-fr}.',
  ),
  obs(
    'TLR-F4-038',
    'MODALITE_IMAGERIE',
    '5.3',
    'OBX-5.3 coding system of the modality',
    { kind: 'oneOf', values: ['DCM', 'terminologie-cisis-fr'] },
    '103',
    'MODALITE_IMAGERIE OBX: OBX-2 = CE and OBX-5.3 ∈ {DCM, terminologie-cisis-fr}.',
  ),
  obs(
    'TLR-F4-044',
    'PRODUIT_ADMINISTRE',
    '2',
    'OBX-2 value type of the product type',
    { kind: 'fixed', value: 'CE' },
    '103',
    'PRODUIT_ADMINISTRE n.1: OBX-2 = CE.',
    { subIdM: 1 },
  ),
  obs(
    'TLR-F4-045',
    'PRODUIT_ADMINISTRE',
    '5.3',
    'OBX-5.3 coding system of the product type',
    { kind: 'fixed', value: 'ATC' },
    '103',
    'PRODUIT_ADMINISTRE n.1: OBX-5.3 = ATC.',
    { subIdM: 1 },
  ),
  obs(
    'TLR-F4-049',
    'PRODUIT_ADMINISTRE',
    '2',
    'OBX-2 value type of the lot number',
    { kind: 'oneOf', values: ['NM', 'TX', 'ST'] },
    '103',
    'PRODUIT_ADMINISTRE n.2: OBX-2 ∉ {NM, TX, ST} is an error.',
    { subIdM: 2 },
  ),
  obs(
    'TLR-F4-050',
    'PRODUIT_ADMINISTRE',
    '2',
    'OBX-2 value type of the administered quantity',
    { kind: 'fixed', value: 'NM' },
    '103',
    'PRODUIT_ADMINISTRE n.3: OBX-2 = NM.',
    { subIdM: 3 },
  ),
  obs(
    'TLR-F4-051',
    'PRODUIT_ADMINISTRE',
    '6',
    'OBX-6 unit of the administered quantity',
    { kind: 'required' },
    '101',
    'PRODUIT_ADMINISTRE n.3: OBX-6 non-empty.',
    { subIdM: 3 },
  ),
  obs(
    'TLR-F4-052',
    'APPAREIL_IMAGERIE',
    '2',
    'OBX-2 value type of the imaging device',
    { kind: 'fixed', value: 'TX' },
    '103',
    'APPAREIL_IMAGERIE OBX have OBX-2 = TX.',
  ),
];

function eachGroup(ctx: RuleContext, f: (g: OrderGroup) => void): void {
  for (const g of ctx.orders) f(g);
}

function ipcOf(g: OrderGroup): Segment | undefined {
  return g.node.items.find((i): i is Segment => !('items' in i) && i.name === 'IPC');
}

export const F4_002 = defineRule({
  id: 'TLR-F4-002',
  severity: 'warning',
  condition: '100',
  profiles: F4,
  scope: 'group',
  summary: 'More than one TQ1 in an ORDER group.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      const tq1 = g.node.items
        .flatMap((i) => ('items' in i && i.name === 'TIMING' ? i.items : []))
        .filter((s): s is Segment => !('items' in s) && s.name === 'TQ1');
      if (tq1.length > 1)
        ctx.report(
          F4_002,
          ctx.at(tq1[1]!),
          `ORDER group ${g.index} has ${tq1.length} TQ1 segments; the guide expects one (exam date and image retention)`,
        );
    });
  },
});

export const F4_004 = defineRule({
  id: 'TLR-F4-004',
  severity: 'warning',
  condition: '103',
  profiles: F4,
  scope: 'message',
  summary: 'All ORDER groups of the message carry the same ORC-2 (placer number).',
  evaluate(ctx) {
    const first = ctx.orders.find((g) => g.orc)?.orc;
    if (!first) return;
    const key = (orc: Segment): string => `${valueAt(orc, '2.1')}^${valueAt(orc, '2.3')}`;
    for (const g of ctx.orders) {
      if (g.orc && key(g.orc) !== key(first))
        ctx.report(
          F4_004,
          ctx.at(g.orc, '2'),
          `ORDER group ${g.index} has placer number ${key(g.orc)} but the first has ${key(first)}: ` +
            `every exam of a flow-4 message belongs to the same request`,
        );
    }
  },
});

export const F4_006 = defineRule({
  id: 'TLR-F4-006',
  severity: 'warning',
  condition: '102',
  profiles: F4,
  scope: 'message',
  summary: 'TQ1-6.1 is a positive integer (days).',
  evaluate(ctx) {
    for (const tq1 of ctx.message.all('TQ1')) {
      const v = valueAt(tq1, '6.1');
      if (v !== '' && matchesPattern('RE_NM', v) && !/^\+?0*[1-9][0-9]*$/.test(v))
        ctx.report(F4_006, ctx.at(tq1, '6.1'), `TQ1-6.1 (image retention duration) is ${v}; expected a positive whole number of days`);
    }
  },
});

export const F4_017 = defineRule({
  id: 'TLR-F4-017',
  severity: 'warning',
  condition: '103',
  profiles: F4,
  scope: 'message',
  summary: 'IPC-3.2, IPC-3.3, IPC-3.4 are empty.',
  evaluate(ctx) {
    for (const ipc of ctx.message.all('IPC')) {
      for (const c of [2, 3, 4]) {
        if (valueAt(ipc, `3.${c}`) !== '')
          ctx.report(
            F4_017,
            ctx.at(ipc, `3.${c}`),
            `IPC-3.${c} is "${valueAt(ipc, `3.${c}`)}": the StudyInstanceUID is globally unique and is sent ` +
              `in IPC-3.1 alone (guide note 5)`,
          );
      }
    }
  },
});

export const F4_022 = defineRule({
  id: 'TLR-F4-022',
  severity: 'warning',
  condition: '103',
  profiles: F4,
  scope: 'message',
  summary: 'StudyInstanceUID values are distinct across the ORDER groups of the message.',
  evaluate(ctx) {
    const seen = new Set<string>();
    for (const ipc of ctx.message.all('IPC')) {
      const uid = valueAt(ipc, '3.1');
      if (uid === '') continue;
      if (seen.has(uid))
        ctx.report(
          F4_022,
          ctx.at(ipc, '3.1'),
          `StudyInstanceUID ${uid} is repeated in another ORDER group: each ORDER group describes a different exam`,
        );
      seen.add(uid);
    }
  },
});

export const F4_023 = defineRule({
  id: 'TLR-F4-023',
  severity: 'error',
  condition: '100',
  profiles: F4,
  scope: 'group',
  summary: 'Exactly one OBX identified as URL_PARTIELLE_VIEWER per ORDER group.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      const urls = withCode(g, 'URL_PARTIELLE_VIEWER');
      if (urls.length === 0)
        ctx.report(
          F4_023,
          groupLocation(ctx, g),
          `ORDER group ${g.index} has no URL_PARTIELLE_VIEWER OBX: the partial DRIMbox viewer URL of the exam is required`,
        );
      for (const extra of urls.slice(1))
        ctx.report(
          F4_023,
          ctx.at(extra),
          `ORDER group ${g.index} has ${urls.length} URL_PARTIELLE_VIEWER OBX; exactly one viewer URL per exam is expected`,
        );
    });
  },
});

/** Decoded text of the viewer URL, undefined when the data is not valid base64 (OBX-016). */
function decodedUrl(obx: Segment): Buffer | undefined {
  const data = readED(obx.field(5)).data.trim();
  return matchesPattern('RE_BASE64', data) ? Buffer.from(data, 'base64') : undefined;
}

function isPrintableText(bytes: Buffer): string | undefined {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (text.includes('\uFFFD') || /[\x00-\x1F\x7F]/.test(text)) return undefined;
  return text;
}

export const F4_027 = defineRule({
  id: 'TLR-F4-027',
  severity: 'warning',
  condition: '102',
  profiles: F4,
  scope: 'observation',
  summary: 'The decoded viewer URL is printable text containing a dotted host name (FQDN).',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      withCode(g, 'URL_PARTIELLE_VIEWER').forEach((obx) => {
        const bytes = decodedUrl(obx);
        if (!bytes) return;
        const text = isPrintableText(bytes);
        if (text === undefined) {
          ctx.report(
            F4_027,
            ctx.at(obx, '5.5'),
            `The viewer URL decodes to ${bytes.length} bytes of binary data, not to text: OBX-5.5 must be the base64 of the partial URL ` +
              `(FQDN, service, StudyInstanceUID and AccessionNumber)`,
          );
        } else if (!/(^|[/@])[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]+)?([/?#]|$)/.test(text)) {
          ctx.report(
            F4_027,
            ctx.at(obx, '5.5'),
            `The decoded viewer URL "${text.slice(0, 80)}" has no dotted host name (FQDN of the DRIMbox access point)`,
          );
        }
      }),
    );
  },
});

export const F4_028 = defineRule({
  id: 'TLR-F4-028',
  severity: 'warning',
  condition: '103',
  profiles: F4,
  scope: 'group',
  summary: 'The decoded viewer URL contains the IPC-3.1 StudyInstanceUID and the IPC-1.1 Accession Number of the same ORDER group.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      const ipc = ipcOf(g);
      withCode(g, 'URL_PARTIELLE_VIEWER').forEach((obx) => {
        const bytes = decodedUrl(obx);
        if (!bytes) return;
        const text = bytes.toString('latin1');
        const missing: string[] = [];
        const uid = ipc ? valueAt(ipc, '3.1') : '';
        const accession = ipc ? valueAt(ipc, '1.1') : '';
        if (uid !== '' && !text.includes(uid)) missing.push(`StudyInstanceUID ${uid}`);
        if (accession !== '' && !text.includes(accession)) missing.push(`Accession Number ${accession}`);
        if (missing.length > 0)
          ctx.report(
            F4_028,
            ctx.at(obx, '5.5'),
            `The decoded viewer URL does not contain the ${missing.join(' nor the ')} of its exam (IPC)`,
          );
      });
    });
  },
});

export const F4_029 = defineRule({
  id: 'TLR-F4-029',
  severity: 'error',
  condition: '100',
  profiles: F4,
  scope: 'group',
  summary: 'At least one OBX identified as CODE_ACTE_IMAGERIE per ORDER group.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      if (withCode(g, 'CODE_ACTE_IMAGERIE').length === 0)
        ctx.report(
          F4_029,
          groupLocation(ctx, g),
          `ORDER group ${g.index} has no CODE_ACTE_IMAGERIE OBX: the LOINC code of the performed procedure is required`,
        );
    });
  },
});

export const F4_030 = defineRule({
  id: 'TLR-F4-030',
  severity: 'warning',
  condition: '100',
  profiles: F4,
  scope: 'observation',
  summary: 'More than one CODE_ACTE_IMAGERIE OBX per ORDER group.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      withCode(g, 'CODE_ACTE_IMAGERIE')
        .slice(1)
        .forEach((extra) => {
          ctx.report(
            F4_030,
            ctx.at(extra),
            `ORDER group ${g.index} has more than one CODE_ACTE_IMAGERIE OBX; ` +
              `the guide expects one procedure code per exam (a CCAM code cannot be sent here)`,
          );
        }),
    );
  },
});

export const F4_034 = defineRule({
  id: 'TLR-F4-034',
  severity: 'warning',
  condition: '103',
  profiles: F4,
  scope: 'group',
  summary: 'CODE_ACTE_IMAGERIE OBX-5.1 = IPC-2.1 = IPC-4.1.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      const ipc = ipcOf(g);
      const obx = withCode(g, 'CODE_ACTE_IMAGERIE')[0];
      if (!ipc || !obx) return;
      const code = valueAt(obx, '5.1');
      const requested = valueAt(ipc, '2.1');
      const scheduled = valueAt(ipc, '4.1');
      if (code === requested && code === scheduled) return;
      ctx.report(
        F4_034,
        ctx.at(obx, '5.1'),
        `The performed procedure code differs between CODE_ACTE_IMAGERIE OBX-5.1 (${code}), IPC-2.1 (${requested}) ` +
          `and IPC-4.1 (${scheduled}); they carry the same LOINC code`,
      );
    });
  },
});

export const F4_036 = defineRule({
  id: 'TLR-F4-036',
  severity: 'error',
  condition: '100',
  profiles: F4,
  scope: 'observation',
  summary: 'A REGION_ANATOMIQUE n.2 requires an n.1 with the same n.',
  evaluate(ctx) {
    checkQualifierHasLocation(ctx, F4_036);
  },
});

export const F4_037 = defineRule({
  id: 'TLR-F4-037',
  severity: 'error',
  condition: '103',
  profiles: F4,
  scope: 'observation',
  summary: 'REGION_ANATOMIQUE n.1 ∈ JDV_RegionAnatomique-CISIS, n.2 ∈ JDV_ModificateurTopographique-CISIS.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      withCode(g, 'REGION_ANATOMIQUE').forEach((obx) => {
        const m = subId(obx)?.m;
        if (m === 1) checkMembership(ctx, F4_037, obx, 'regionAnatomique');
        if (m === 2) checkMembership(ctx, F4_037, obx, 'modificateurTopographique');
      }),
    );
  },
});

export const F4_039 = defineRule({
  id: 'TLR-F4-039',
  severity: 'warning',
  condition: '100',
  profiles: F4,
  scope: 'observation',
  summary: 'More than one MODALITE_IMAGERIE OBX per ORDER group.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      withCode(g, 'MODALITE_IMAGERIE')
        .slice(1)
        .forEach((extra) => {
          ctx.report(
            F4_039,
            ctx.at(extra),
            `ORDER group ${g.index} has more than one MODALITE_IMAGERIE OBX; the guide expects one modality per exam`,
          );
        }),
    );
  },
});

export const F4_040 = defineRule({
  id: 'TLR-F4-040',
  severity: 'error',
  condition: '103',
  profiles: F4,
  scope: 'group',
  summary: 'NTE after the modality OBX: NTE-4.1 = MODALITE_IMAGERIE, NTE-4.3 = HL70364, NTE-3 non-empty.',
  evaluate(ctx) {
    checkModalityNotes(ctx, F4_040);
  },
});

function products(g: OrderGroup): Map<number, Map<number, Segment>> {
  return occurrences(withCode(g, 'PRODUIT_ADMINISTRE'));
}

export const F4_041 = defineRule({
  id: 'TLR-F4-041',
  severity: 'error',
  condition: '100',
  profiles: F4,
  scope: 'observation',
  summary: 'For each n of PRODUIT_ADMINISTRE: an n.1 exists if and only if an n.2 exists.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      for (const [n, parts] of products(g)) {
        if (parts.has(1) && !parts.has(2))
          ctx.report(
            F4_041,
            ctx.at(parts.get(1)!, '4'),
            `Administered product ${n} has a type (${n}.1) but no lot number (${n}.2): type and lot are inseparable`,
          );
        if (parts.has(2) && !parts.has(1))
          ctx.report(
            F4_041,
            ctx.at(parts.get(2)!, '4'),
            `Administered product ${n} has a lot number (${n}.2) but no type (${n}.1): type and lot are inseparable`,
          );
      }
    });
  },
});

export const F4_042 = defineRule({
  id: 'TLR-F4-042',
  severity: 'error',
  condition: '100',
  profiles: F4,
  scope: 'observation',
  summary: 'For each n: an n.3 requires both n.1 and n.2.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      for (const [n, parts] of products(g)) {
        if (parts.has(3) && (!parts.has(1) || !parts.has(2)))
          ctx.report(
            F4_042,
            ctx.at(parts.get(3)!, '4'),
            `Administered product ${n} has a quantity (${n}.3) without its type (${n}.1) and lot number (${n}.2)`,
          );
      }
    });
  },
});

export const F4_043 = defineRule({
  id: 'TLR-F4-043',
  severity: 'warning',
  condition: '101',
  profiles: F4,
  scope: 'observation',
  summary: 'For each n: n.1 present without n.3 (quantity recommended).',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      for (const [n, parts] of products(g)) {
        if (parts.has(1) && !parts.has(3))
          ctx.report(
            F4_043,
            ctx.at(parts.get(1)!, '4'),
            `Administered product ${n} has no quantity (${n}.3); the guide recommends sending the quantity actually administered`,
          );
      }
    });
  },
});

function productTypes(g: OrderGroup): Segment[] {
  return withCode(g, 'PRODUIT_ADMINISTRE').filter((o) => subId(o)?.m === 1);
}

export const F4_046 = defineRule({
  id: 'TLR-F4-046',
  severity: 'error',
  condition: '103',
  profiles: F4,
  scope: 'observation',
  summary: 'PRODUIT_ADMINISTRE n.1: OBX-5.1 starts with V09 or V10.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      productTypes(g).forEach((obx) => {
        const code = valueAt(obx, '5.1');
        if (code !== '' && !/^V(09|10)/.test(code))
          ctx.report(
            F4_046,
            ctx.at(obx, '5.1'),
            `Administered product type "${code}" is not an ATC code under V09 (diagnostic radiopharmaceuticals) ` +
              `or V10 (therapeutic radiopharmaceuticals)`,
          );
      }),
    );
  },
});

export const F4_047 = defineRule({
  id: 'TLR-F4-047',
  severity: 'warning',
  condition: '103',
  profiles: F4,
  scope: 'observation',
  summary: 'PRODUIT_ADMINISTRE n.1: OBX-5.1 is longer than 3 characters (not exactly V09/V10).',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      productTypes(g).forEach((obx) => {
        const code = valueAt(obx, '5.1');
        if (/^V(09|10)./.test(code))
          ctx.report(
            F4_047,
            ctx.at(obx, '5.1'),
            `Administered product type "${code}" is deeper than the ATC level-2 class the guide names (V09 or V10)`,
          );
      }),
    );
  },
});

export const F4_048 = defineRule({
  id: 'TLR-F4-048',
  severity: 'warning',
  condition: '103',
  profiles: F4,
  scope: 'observation',
  summary: 'PRODUIT_ADMINISTRE n.2: OBX-2 ∈ {TX, ST} instead of NM.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      withCode(g, 'PRODUIT_ADMINISTRE')
        .filter((o) => subId(o)?.m === 2)
        .forEach((obx) => {
          const type = valueAt(obx, '2');
          if (type === 'TX' || type === 'ST')
            ctx.report(
              F4_048,
              ctx.at(obx, '2'),
              `Lot number typed ${type}: the field table says NM (tolerated because real lot numbers are often alphanumeric)`,
            );
        }),
    );
  },
});

export const F4_053 = defineRule({
  id: 'TLR-F4-053',
  severity: 'warning',
  condition: '100',
  profiles: F4,
  scope: 'observation',
  summary: 'An APPAREIL_IMAGERIE n.2 (model) without the n.1 (identifier) of the same n.',
  evaluate(ctx) {
    eachGroup(ctx, (g) => {
      for (const [n, parts] of occurrences(withCode(g, 'APPAREIL_IMAGERIE'))) {
        if (parts.has(2) && !parts.has(1))
          ctx.report(
            F4_053,
            ctx.at(parts.get(2)!, '4'),
            `Imaging device ${n} has a model (${n}.2) but no unique device identifier (${n}.1)`,
          );
      }
    });
  },
});

function manyOccurrences(id: string, code: string, what: string): RuleDefinition {
  const rule: RuleDefinition = defineRule({
    id,
    severity: 'warning',
    condition: '100',
    profiles: F4,
    scope: 'observation',
    summary: `More than one ${what} occurrence in an ORDER group (${code} OBX with two or more distinct n).`,
    evaluate(ctx) {
      eachGroup(ctx, (g) => {
        const obxs = withCode(g, code);
        const ns = [...occurrences(obxs).keys()];
        if (ns.length < 2) return;
        const second = obxs.find((o) => subId(o)?.n === ns[1])!;
        ctx.report(
          rule,
          ctx.at(second, '4'),
          `ORDER group ${g.index} has ${ns.length} ${what} occurrences (n = ${ns.join(', ')}); the flow-4 table allows one`,
        );
      });
    },
  });
  return rule;
}

export const F4_054 = manyOccurrences('TLR-F4-054', 'REGION_ANATOMIQUE', 'anatomical-location');
export const F4_055 = manyOccurrences('TLR-F4-055', 'APPAREIL_IMAGERIE', 'imaging-device');

export const F4_056 = defineRule({
  id: 'TLR-F4-056',
  severity: 'error',
  condition: '103',
  profiles: F4,
  scope: 'observation',
  summary: 'MODALITE_IMAGERIE OBX-5.1 ∈ JDV_modalitedemandeActeImagerie-CISIS.',
  evaluate(ctx) {
    eachGroup(ctx, (g) =>
      withCode(g, 'MODALITE_IMAGERIE').forEach((obx) => {
        checkMembership(ctx, F4_056, obx, 'modaliteDemandeActeImagerie');
      }),
    );
  },
});

export const F4_RULES: readonly RuleDefinition[] = [
  ...SEGMENT_ROWS.map(fieldRule),
  F4_002,
  F4_004,
  F4_006,
  F4_017,
  F4_022,
  F4_023,
  ...OBSERVATION_ROWS.map(observationRule),
  F4_027,
  F4_028,
  F4_029,
  F4_030,
  F4_034,
  F4_036,
  F4_037,
  F4_039,
  F4_040,
  F4_041,
  F4_042,
  F4_043,
  F4_046,
  F4_047,
  F4_048,
  F4_053,
  F4_054,
  F4_055,
  F4_056,
];
