import type { Segment } from '../../hl7/index.js';
import { encodeText, readTS } from '../../hl7/index.js';
import { PATTERNS } from '../patterns.js';
import type { Profile } from '../types.js';
import type { RuleContext, RuleDefinition } from './rule.js';
import { BUSINESS, defineRule, valueAt } from './rule.js';

/**
 * GEN — message-level rules (conformance-checklist.md §1). GEN-001 to GEN-004 run in the
 * validation pipeline itself (they decide whether evaluation goes on); they are declared here so
 * that their severity, condition and wording live with the other rules.
 */

const PIPELINE = (): void => undefined;

export const GEN_001 = defineRule({
  id: 'TLR-GEN-001',
  severity: 'error',
  condition: '100',
  profiles: ['flux1', 'flux2', 'flux3', 'flux4', 'ack'],
  scope: 'message',
  summary: 'The message is ER7-parseable and starts with MSH; segments are separated by CR.',
  evaluate: PIPELINE,
});

/** The six message types of the volet (MSH-9, all three components). */
export const MESSAGE_TYPES = [
  'ORM^O01^ORM_O01',
  'ORU^R01^ORU_R01',
  'OMI^O23^OMI_O23',
  'ACK^O01^ACK',
  'ACK^R01^ACK',
  'ACK^O23^ACK',
] as const;

export const GEN_002 = defineRule({
  id: 'TLR-GEN-002',
  severity: 'error',
  condition: '200',
  profiles: ['flux1', 'flux2', 'flux3', 'flux4', 'ack'],
  scope: 'message',
  summary: 'MSH-9 is exactly one of ORM^O01^ORM_O01, ORU^R01^ORU_R01, OMI^O23^OMI_O23, ACK^O01^ACK, ACK^R01^ACK, ACK^O23^ACK.',
  evaluate: PIPELINE,
});

export const GEN_003 = defineRule({
  id: 'TLR-GEN-003',
  severity: 'error',
  condition: '103',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'The flow is identifiable from MSH-9 and ORC-1 (NW → flow 1, CA → flow 2, OK/OC → flow 3, SR → flow 4).',
  evaluate: PIPELINE,
});

export const GEN_004 = defineRule({
  id: 'TLR-GEN-004',
  severity: 'error',
  condition: '100',
  profiles: BUSINESS,
  scope: 'message',
  summary: "Segments appear in the order, grouping and cardinality of the flow's structure table.",
  evaluate: PIPELINE,
});

/** TS fields validated by GEN-005; the others have their own rule (ORD-027, PV1-006, F4-008). */
const TIMESTAMP_FIELDS: ReadonlyArray<{ segment: string; field: number; label: string; profiles: readonly Profile[] }> = [
  { segment: 'MSH', field: 7, label: 'date/time of message', profiles: BUSINESS },
  { segment: 'PID', field: 7, label: 'date of birth', profiles: BUSINESS },
  { segment: 'PID', field: 29, label: 'date of death', profiles: BUSINESS },
  { segment: 'ORC', field: 9, label: 'date/time of transaction', profiles: ['flux3', 'flux4'] },
  { segment: 'OBR', field: 7, label: 'observation date/time', profiles: BUSINESS },
];

export const GEN_005 = defineRule({
  id: 'TLR-GEN-005',
  severity: 'error',
  condition: '102',
  profiles: BUSINESS,
  scope: 'message',
  summary: 'TS values match RE_TS and are valid calendar dates/times.',
  evaluate(ctx) {
    for (const f of TIMESTAMP_FIELDS) {
      if (!f.profiles.includes(ctx.profile)) continue;
      for (const seg of ctx.message.all(f.segment)) {
        const v = valueAt(seg, `${f.field}.1`);
        if (v !== '' && !readTS(v)) {
          ctx.report(
            GEN_005,
            ctx.at(seg, String(f.field)),
            `${f.segment}-${f.field} (${f.label}) is "${v}", which is not ${PATTERNS.RE_TS.text} with a real calendar date and time`,
          );
        }
      }
    }
  },
});

function firstUnrepresentable(segments: readonly Segment[]): { segment: Segment; field: number; char: string } | undefined {
  for (const seg of segments) {
    for (let n = 1; n <= seg.fieldCount; n++) {
      const raw = seg.rawField(n);
      if (/^[\x00-\x7f]*$/.test(raw)) continue;
      for (const ch of raw) {
        if (ch.charCodeAt(0) < 0x80) continue;
        try {
          encodeText(ch, '8859/15');
        } catch {
          return { segment: seg, field: n, char: ch };
        }
      }
    }
  }
  return undefined;
}

export const GEN_006 = defineRule({
  id: 'TLR-GEN-006',
  severity: 'warning',
  condition: '102',
  profiles: ['flux1', 'flux2', 'flux3', 'flux4', 'ack'],
  scope: 'message',
  summary: 'When MSH-18 = 8859/15, the message contains only characters representable in ISO 8859-15.',
  evaluate(ctx) {
    if (valueAt(ctx.message.msh, '18') !== '8859/15') return;
    const bad = firstUnrepresentable(ctx.message.segments);
    if (!bad) return;
    const code = (bad.char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
    ctx.report(
      GEN_006,
      ctx.at(bad.segment, String(bad.field)),
      `MSH-18 declares 8859/15 but the message contains "${bad.char}" (U+${code}), which ISO 8859-15 cannot represent: ` +
        `substitute it (e.g. ' for ’) or declare UNICODE UTF-8`,
    );
  },
});

export const GEN_007 = defineRule({
  id: 'TLR-GEN-007',
  severity: 'warning',
  condition: '100',
  profiles: ['flux1', 'flux2', 'flux3'],
  scope: 'message',
  summary: 'The message contains exactly one ORDER (ORDER_OBSERVATION) group.',
  evaluate(ctx: RuleContext) {
    if (ctx.orders.length <= 1) return;
    const second = ctx.orders[1]!;
    const where = second.orc ? ctx.at(second.orc) : second.node.name;
    ctx.report(
      GEN_007,
      where,
      `The message contains ${ctx.orders.length} ${second.node.name} groups; the guide defines the meaning of one request per message only`,
    );
  },
});

export const GEN_008 = defineRule({
  id: 'TLR-GEN-008',
  severity: 'warning',
  condition: '100',
  profiles: ['flux1', 'flux2', 'flux3', 'flux4', 'ack'],
  scope: 'message',
  summary: 'Segments are separated by LF or CRLF instead of CR: tolerated, reported.',
  evaluate(ctx) {
    const ending = ctx.message.lineEnding;
    if (ending === 'CR') return;
    const what = ending === 'mixed' ? 'a mix of CR, LF and CRLF' : ending;
    ctx.report(
      GEN_008,
      'MSH',
      `Segments are separated by ${what} instead of CR (HL7 segment terminator 0x0D); tolerated, but the sender should fix it`,
    );
  },
});

export const GEN_RULES: readonly RuleDefinition[] = [GEN_005, GEN_006, GEN_008, GEN_007];
