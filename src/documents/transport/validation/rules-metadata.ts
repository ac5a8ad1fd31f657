import { inspectBase64 } from '../base64.js';
import {
  MAIL_BODY_DEFINITIONS,
  METADATA_ALIASES,
  METADATA_CODING_SYSTEM,
  METADATA_DEFINITIONS,
  NO_REPLY_COMMENT_TYPE,
  YES_NO_CODING_SYSTEM,
} from '../vocabulary.js';
import type { ObxEntry } from './message-view.js';
import { matchMssanteRow } from './mssante-matrix.js';
import type { DocumentRuleDefinition } from './profile.js';
import { DOCUMENT_CARRYING_PROFILES, defineDocumentRule } from './profile.js';

const DOCS = DOCUMENT_CARRYING_PROFILES;
const ORDER = [...METADATA_DEFINITIONS.map((d) => d.code), ...MAIL_BODY_DEFINITIONS.map((d) => d.code)];

function metadataEntries(obx: readonly ObxEntry[]): ObxEntry[] {
  return obx.filter((o) => o.role === 'metadata' || o.role === 'mail-body');
}

export const TDOC_META_001 = defineDocumentRule({
  id: 'TDOC-META-001',
  severity: 'error',
  condition: '101',
  profiles: DOCS,
  scope: 'message',
  summary: 'the eight required Y/N metadata (MASQUE_PS … DESTMSSANTEPAT) are present',
  evaluate(ctx) {
    for (const d of METADATA_DEFINITIONS) {
      if (d.presence === 'required' && !ctx.metadata.has(d.code))
        ctx.report(TDOC_META_001, 'OBX', `Metadata OBX ${d.code} (${d.label}) is missing`);
    }
  },
});

export const TDOC_META_002 = defineDocumentRule({
  id: 'TDOC-META-002',
  severity: 'warning',
  condition: '101',
  profiles: DOCS,
  scope: 'message',
  summary: 'ACK_RECEPTION and ACK_LECTURE_MSS are present (warning: the IG tables say optional, its text required)',
  evaluate(ctx) {
    for (const d of METADATA_DEFINITIONS) {
      if (d.presence === 'expected' && !ctx.metadata.has(d.code))
        ctx.report(TDOC_META_002, 'OBX', `Metadata OBX ${d.code} (${d.label}) is missing: read as N`);
    }
  },
});

export const TDOC_META_003 = defineDocumentRule({
  id: 'TDOC-META-003',
  severity: 'warning',
  condition: '100',
  profiles: DOCS,
  scope: 'message',
  summary: 'the metadata OBX follow the IG order (warning: each is identified by its code)',
  evaluate(ctx) {
    let last = -1;
    for (const o of metadataEntries(ctx.obx)) {
      const rank = ORDER.indexOf(o.code);
      if (rank < 0) continue;
      if (rank < last)
        ctx.report(
          TDOC_META_003,
          ctx.at(o.segment, '3'),
          `Metadata ${o.code} comes after ${ORDER[last]}; the IG order is ${ORDER.join(', ')}`,
        );
      last = Math.max(last, rank);
    }
  },
});

export const TDOC_META_004 = defineDocumentRule({
  id: 'TDOC-META-004',
  severity: 'error',
  condition: '102',
  profiles: DOCS,
  scope: 'message',
  summary: 'OBX-2 of a Y/N metadata is CWE in MDM and CE in ORU; ED for the mail bodies',
  evaluate(ctx) {
    for (const o of metadataEntries(ctx.obx)) {
      const want = o.role === 'mail-body' ? 'ED' : ctx.structure === 'MDM' ? 'CWE' : 'CE';
      const got = o.segment.get(2).trim();
      if (got !== want)
        ctx.report(TDOC_META_004, ctx.at(o.segment, '2'), `OBX-2 of ${o.code} is "${got}"; ${ctx.structure} expects "${want}"`);
    }
  },
});

export const TDOC_META_005 = defineDocumentRule({
  id: 'TDOC-META-005',
  severity: 'error',
  condition: '103',
  profiles: DOCS,
  scope: 'message',
  summary: 'OBX-3.3 of a metadata is MetaDMPMSS',
  evaluate(ctx) {
    for (const o of metadataEntries(ctx.obx)) {
      const system = o.segment.get('3.3').trim();
      if (system !== METADATA_CODING_SYSTEM) {
        ctx.report(TDOC_META_005, ctx.at(o.segment, '3.3'), `OBX-3.3 of ${o.code} is "${system}"; expected "${METADATA_CODING_SYSTEM}"`, {
          condition: system === '' ? '101' : '103',
        });
      }
    }
  },
});

export const TDOC_META_006 = defineDocumentRule({
  id: 'TDOC-META-006',
  severity: 'error',
  condition: '103',
  profiles: DOCS,
  scope: 'message',
  summary: 'a Y/N metadata value is Y or N with OBX-5.3 expandedYes-NoIndicator',
  evaluate(ctx) {
    for (const o of metadataEntries(ctx.obx).filter((e) => e.role === 'metadata')) {
      const value = o.segment.get('5.1').trim();
      if (value !== 'Y' && value !== 'N')
        ctx.report(TDOC_META_006, ctx.at(o.segment, '5.1'), `OBX-5.1 of ${o.code} is "${value}"; expected Y or N`, {
          condition: value === '' ? '101' : '103',
        });
      const system = o.segment.get('5.3').trim();
      if (system !== YES_NO_CODING_SYSTEM)
        ctx.report(TDOC_META_006, ctx.at(o.segment, '5.3'), `OBX-5.3 of ${o.code} is "${system}"; expected "${YES_NO_CODING_SYSTEM}"`, {
          condition: system === '' ? '101' : '103',
        });
    }
  },
});

export const TDOC_META_007 = defineDocumentRule({
  id: 'TDOC-META-007',
  severity: 'error',
  condition: '103',
  profiles: DOCS,
  scope: 'message',
  summary: 'OBX-11 of a metadata is F',
  evaluate(ctx) {
    for (const o of metadataEntries(ctx.obx)) {
      if (o.segment.get(11).trim() !== 'F')
        ctx.report(TDOC_META_007, ctx.at(o.segment, '11'), `OBX-11 of ${o.code} is "${o.segment.get(11).trim()}"; metadata are always "F"`);
    }
  },
});

export const TDOC_META_008 = defineDocumentRule({
  id: 'TDOC-META-008',
  severity: 'error',
  condition: '100',
  profiles: DOCS,
  scope: 'message',
  summary: 'each metadata appears once',
  evaluate(ctx) {
    const seen = new Set<string>();
    for (const o of metadataEntries(ctx.obx)) {
      if (!seen.has(o.code)) seen.add(o.code);
      else ctx.report(TDOC_META_008, ctx.at(o.segment, '3'), `Metadata ${o.code} appears more than once`);
    }
  },
});

export const TDOC_META_009 = defineDocumentRule({
  id: 'TDOC-META-009',
  severity: 'warning',
  condition: '103',
  profiles: DOCS,
  scope: 'message',
  summary: 'unknown OBX codes and the ACK_LECTURE alias are reported (warning) and ignored',
  evaluate(ctx) {
    for (const o of ctx.obx) {
      if (o.role === 'unknown' || (o.role === 'metadata' && !ORDER.includes(o.code))) {
        ctx.report(
          TDOC_META_009,
          ctx.at(o.segment, '3'),
          `OBX ${o.writtenCode || '(no code)'} is not a document nor a metadata of the volet: ignored`,
        );
      } else if (o.writtenCode !== o.code && METADATA_ALIASES[o.writtenCode]) {
        ctx.report(TDOC_META_009, ctx.at(o.segment, '3.1'), `OBX-3.1 "${o.writtenCode}" is read as ${o.code}, the code of the IG table`);
      }
    }
  },
});

export const TDOC_META_010 = defineDocumentRule({
  id: 'TDOC-META-010',
  severity: 'warning',
  condition: '100',
  profiles: DOCS,
  scope: 'message',
  summary: 'NTE FIN (patient may not reply) follows DESTMSSANTEPAT = Y (warning otherwise: ignored)',
  evaluate(ctx) {
    for (const o of ctx.obx) {
      for (const n of o.notes.filter((note) => note.get('4.1').trim() === NO_REPLY_COMMENT_TYPE)) {
        if (o.code !== 'DESTMSSANTEPAT')
          ctx.report(
            TDOC_META_010,
            ctx.at(n, '4'),
            `NTE ${NO_REPLY_COMMENT_TYPE} follows ${o.code || 'an OBX'}; it belongs right after DESTMSSANTEPAT`,
          );
        else if (!ctx.flags.sendToPatient)
          ctx.report(
            TDOC_META_010,
            ctx.at(n, '4'),
            `NTE ${NO_REPLY_COMMENT_TYPE} is given while DESTMSSANTEPAT = N: no mail goes to the patient`,
            { condition: '207' },
          );
      }
    }
  },
});

export const TDOC_META_011 = defineDocumentRule({
  id: 'TDOC-META-011',
  severity: 'warning',
  condition: '102',
  profiles: DOCS,
  scope: 'message',
  summary: 'a mail body (CORPSMAIL_*) is base64 of UTF-8 text (warning: plain text accepted)',
  evaluate(ctx) {
    for (const o of ctx.obx.filter((e) => e.role === 'mail-body')) {
      const data = o.segment.get('5.5').trim();
      const encoding = o.segment.get('5.4').trim().toLowerCase();
      if (encoding !== 'base64') {
        ctx.report(
          TDOC_META_011,
          ctx.at(o.segment, '5.4'),
          `OBX-5.4 of ${o.code} is "${o.segment.get('5.4').trim()}"; the mail body is written Base64 (plain text accepted)`,
          { condition: '103' },
        );
        continue;
      }
      const b = inspectBase64(data);
      if (!b.bytes) {
        ctx.report(TDOC_META_011, ctx.at(o.segment, '5.5'), `OBX-5.5 of ${o.code} is not valid base64: the mail body is taken as written`);
        continue;
      }
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(b.bytes);
      } catch {
        ctx.report(TDOC_META_011, ctx.at(o.segment, '5.5'), `OBX-5.5 of ${o.code} does not decode to UTF-8 text (truncated base64?)`);
      }
    }
  },
});

export const TDOC_META_012 = defineDocumentRule({
  id: 'TDOC-META-012',
  severity: 'error',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'a document hidden from the patient (INVISIBLE_PATIENT = Y) is not mailed to the patient (DESTMSSANTEPAT = Y)',
  evaluate(ctx) {
    if (ctx.flags.hiddenFromPatient && ctx.flags.sendToPatient) {
      ctx.report(
        TDOC_META_012,
        ctx.at(ctx.metadata.get('DESTMSSANTEPAT')!.segment, '5.1'),
        'INVISIBLE_PATIENT = Y forbids DESTMSSANTEPAT = Y: the document must not be mailed to the patient',
      );
    }
  },
});

export const TDOC_META_013 = defineDocumentRule({
  id: 'TDOC-META-013',
  severity: 'warning',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'an MSSanté request matches a row of the MSSanté matrix (warning)',
  evaluate(ctx) {
    if (!ctx.flags.sendToProfessionals && !ctx.flags.sendToPatient) return;
    if (!matchMssanteRow(ctx.flags))
      ctx.report(
        TDOC_META_013,
        'OBX',
        'The metadata combination matches no row of the MSSanté matrix (regles-gestion-mssante); a strict GESTIONNAIRE rejects it',
      );
  },
});

export const TDOC_META_014 = defineDocumentRule({
  id: 'TDOC-META-014',
  severity: 'warning',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'MODIF_CONF_CODE = Y goes with a replacement (warning otherwise)',
  evaluate(ctx) {
    if (ctx.flags.confidentialityChange && ctx.action && ctx.action.kind !== 'replace') {
      ctx.report(
        TDOC_META_014,
        ctx.at(ctx.metadata.get('MODIF_CONF_CODE')!.segment, '5.1'),
        `MODIF_CONF_CODE = Y on a ${ctx.action.kind} request: a change of masking/visibility is made by a replacement`,
      );
    }
  },
});

/** Rules on the DMP/MSSanté metadata OBX (trans-cda-r2 §4.3, §6). */
export const METADATA_RULES: readonly DocumentRuleDefinition[] = [
  TDOC_META_001,
  TDOC_META_002,
  TDOC_META_003,
  TDOC_META_004,
  TDOC_META_005,
  TDOC_META_006,
  TDOC_META_007,
  TDOC_META_008,
  TDOC_META_009,
  TDOC_META_010,
  TDOC_META_011,
  TDOC_META_012,
  TDOC_META_013,
  TDOC_META_014,
];
