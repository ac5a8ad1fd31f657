import { readTS } from '../../../hl7/index.js';
import { readDocumentId } from '../document-id.js';
import { INS_OIDS, MDM_MESSAGE_STRUCTURE, ORU_MESSAGE_STRUCTURE } from '../vocabulary.js';
import type { DocumentRuleDefinition } from './profile.js';
import { DOCUMENT_CARRYING_PROFILES, DOCUMENT_PROFILES, MDM_PROFILES, defineDocumentRule } from './profile.js';

const DOCS = DOCUMENT_CARRYING_PROFILES;

export const TDOC_MSH_002 = defineDocumentRule({
  id: 'TDOC-MSH-002',
  severity: 'error',
  condition: '102',
  profiles: DOCUMENT_PROFILES,
  scope: 'message',
  summary: 'MSH-7 is a valid HL7 date/time',
  evaluate(ctx) {
    const v = ctx.message.get('MSH-7').trim();
    if (v === '') ctx.report(TDOC_MSH_002, 'MSH-7', 'MSH-7 (date/time of message) is required', { condition: '101' });
    else if (!readTS(v)) ctx.report(TDOC_MSH_002, 'MSH-7', `MSH-7 "${v}" is not a valid HL7 TS`);
  },
});

/** Also the pipeline's rule when MSH-9 names no message of the volet (`validate-document-message.ts`). */
export const TDOC_MSH_009 = defineDocumentRule({
  id: 'TDOC-MSH-009',
  severity: 'error',
  condition: '200',
  profiles: DOCUMENT_PROFILES,
  scope: 'message',
  summary: 'MSH-9 has its three components and names the structure of the event (MDM_T02, ORU_R01, ZAM_Z01)',
  evaluate(ctx) {
    const expected = ctx.structure === 'MDM' ? MDM_MESSAGE_STRUCTURE : ctx.structure === 'ORU' ? ORU_MESSAGE_STRUCTURE : 'ZAM_Z01';
    const actual = ctx.message.header.messageStructure.trim();
    if (actual !== expected)
      ctx.report(TDOC_MSH_009, 'MSH-9.3', `MSH-9.3 (message structure) is "${actual}"; expected "${expected}"`, {
        condition: actual === '' ? '101' : '200',
      });
  },
});

export const TDOC_ACT_001 = defineDocumentRule({
  id: 'TDOC-ACT-001',
  severity: 'error',
  condition: '207',
  profiles: MDM_PROFILES,
  scope: 'message',
  summary: 'ORC-1 agrees with the MDM event: T02 ↔ NW, T10 ↔ RO, T04 ↔ CA',
  evaluate({ eventAction, orderAction, message, report }) {
    if (!eventAction || !orderAction || eventAction === orderAction) return;
    report(
      TDOC_ACT_001,
      'ORC-1',
      `ORC-1 "${orderAction.orderControl}" contradicts the event ${message.header.triggerEvent} (expects ${eventAction.orderControl})`,
    );
  },
});

export const TDOC_ACT_002 = defineDocumentRule({
  id: 'TDOC-ACT-002',
  severity: 'error',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'OBX-11 of each document OBX agrees with the action: F initial, C replacement, D deletion',
  evaluate(ctx) {
    const { action } = ctx;
    if (!action) return;
    for (const d of ctx.documents) {
      const status = d.obx.get(11).trim();
      if (status === action.resultStatus) continue;
      ctx.report(
        TDOC_ACT_002,
        ctx.at(d.obx, '11'),
        `OBX-11 of the document is "${status}"; ` +
          `a ${action.kind} request (${ctx.structure === 'MDM' ? `event ${action.mdmEvent}` : `ORC-1 ${action.orderControl}`}) ` +
          `requires "${action.resultStatus}"`,
      );
    }
  },
});

export const TDOC_TXA_006 = defineDocumentRule({
  id: 'TDOC-TXA-006',
  severity: 'error',
  condition: '101',
  profiles: ['mdm-t10'],
  scope: 'message',
  summary: 'TXA-13 (parent document) is required on a replacement',
  evaluate({ message, report }) {
    if (message.segment('TXA') && message.get('TXA-13').trim() === '') {
      report(
        TDOC_TXA_006,
        'TXA-13',
        'TXA-13 (parent document number) is required on a replacement (MDM^T10): the id of the replaced document',
      );
    }
  },
});

export const TDOC_TXA_007 = defineDocumentRule({
  id: 'TDOC-TXA-007',
  severity: 'error',
  condition: '207',
  profiles: MDM_PROFILES,
  scope: 'message',
  summary: 'TXA-2 equals OBR-4.1 (the document type)',
  evaluate({ message, report }) {
    const txa2 = message.get('TXA-2').trim();
    const obr4 = message.get('OBR-4.1').trim();
    if (txa2 && obr4 && txa2 !== obr4) report(TDOC_TXA_007, 'TXA-2', `TXA-2 "${txa2}" differs from the document type OBR-4.1 "${obr4}"`);
  },
});

export const TDOC_TXA_008 = defineDocumentRule({
  id: 'TDOC-TXA-008',
  severity: 'warning',
  condition: '102',
  profiles: MDM_PROFILES,
  scope: 'message',
  summary: 'TXA-12/TXA-13 follow the population rule: root alone in EI.1, or extension^^root^ISO (warning)',
  evaluate(ctx) {
    const txa = ctx.message.segment('TXA');
    if (!txa) return;
    for (const n of [12, 13]) {
      const ei = txa.field(n);
      if (ei.isEmpty) continue;
      const loc = ctx.at(txa, String(n));
      if (ei.get(2).trim() && !ei.get(3).trim()) {
        ctx.report(
          TDOC_TXA_008,
          loc,
          `TXA-${n} carries a namespace in EI.2 ("${ei.get(2)}"): the volet writes the CDA id root alone in EI.1, ` +
            `or extension^^root^ISO; EI.1 is read as the root`,
        );
      } else if (ei.get(3).trim() && ei.get(4).trim() !== 'ISO') {
        ctx.report(TDOC_TXA_008, loc, `TXA-${n}.4 should be "ISO" when TXA-${n}.3 holds the root OID`);
      } else if (!readDocumentId(ei)) {
        ctx.report(TDOC_TXA_008, loc, `TXA-${n} has no document id`);
      }
    }
  },
});

export const TDOC_PV1_001 = defineDocumentRule({
  id: 'TDOC-PV1-001',
  severity: 'error',
  condition: '101',
  profiles: DOCS,
  scope: 'message',
  summary: 'PV1-2 (patient class) is required when PV1 is present',
  evaluate({ message, report }) {
    if (message.segment('PV1') && message.get('PV1-2').trim() === '') report(TDOC_PV1_001, 'PV1-2', 'PV1-2 (patient class) is required');
  },
});

export const TDOC_PV1_002 = defineDocumentRule({
  id: 'TDOC-PV1-002',
  severity: 'error',
  condition: '101',
  profiles: DOCS,
  scope: 'message',
  summary: 'PV1-19 (visit number) is required when PV1-2 is E, I, O or R',
  evaluate({ message, report }) {
    const cls = message.get('PV1-2').trim();
    if (['E', 'I', 'O', 'R'].includes(cls) && message.get('PV1-19').trim() === '') {
      report(TDOC_PV1_002, 'PV1-19', `PV1-19 (visit number) is required when the patient class is ${cls}`);
    }
  },
});

export const TDOC_PID_003 = defineDocumentRule({
  id: 'TDOC-PID-003',
  severity: 'error',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'DMP publication (DESTDMP = Y) requires the INS in PID-3',
  evaluate({ message, flags, report }) {
    if (!flags.sendToDmp) return;
    const pid = message.segment('PID');
    if (!pid) return;
    const hasIns = pid.repetitions(3).some((r) => r.get(5).trim() === 'INS' && INS_OIDS.includes(r.get(4, 2).trim()));
    if (!hasIns)
      report(TDOC_PID_003, 'PID-3', 'The document goes to the DMP (DESTDMP = Y) but PID-3 has no INS (type INS under an INS OID)');
  },
});

export const TDOC_PID_004 = defineDocumentRule({
  id: 'TDOC-PID-004',
  severity: 'warning',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'an INS is shared only for a validated identity: PID-32 = VALI (warning)',
  evaluate({ message, report }) {
    const pid = message.segment('PID');
    if (!pid?.repetitions(3).some((r) => r.get(5).trim() === 'INS')) return;
    const rel = message.get('PID-32').trim();
    if (rel !== 'VALI') report(TDOC_PID_004, 'PID-32', `PID-3 carries an INS but PID-32 (identity reliability) is "${rel}", not VALI`);
  },
});

export const TDOC_ORD_001 = defineDocumentRule({
  id: 'TDOC-ORD-001',
  severity: 'warning',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'the placer order number is the same in ORC-2, OBR-2 and TXA-14 when several are filled (warning)',
  evaluate({ message, report }) {
    const values = ['ORC-2', 'OBR-2', 'TXA-14']
      .map((p) => ({ p, v: message.segment(p.slice(0, 3)) ? message.raw(p).trim() : '' }))
      .filter((x) => x.v !== '');
    const first = values[0];
    for (const x of values) {
      if (x.v !== first?.v)
        report(TDOC_ORD_001, x.p, `${x.p} "${x.v}" differs from ${first!.p} "${first!.v}": they identify the same order`);
    }
  },
});

export const TDOC_OBX_001 = defineDocumentRule({
  id: 'TDOC-OBX-001',
  severity: 'warning',
  condition: '102',
  profiles: DOCS,
  scope: 'message',
  summary: 'OBX-1 numbers the OBX segments 1, 2, 3… (warning)',
  evaluate(ctx) {
    ctx.obx.forEach((o, i) => {
      const n = o.segment.get(1).trim();
      if (n !== String(i + 1))
        ctx.report(
          TDOC_OBX_001,
          ctx.at(o.segment, '1'),
          `OBX-1 is "${n}"; the OBX segments are numbered consecutively from 1 (expected ${i + 1})`,
        );
    });
  },
});

export const TDOC_CWE_001 = defineDocumentRule({
  id: 'TDOC-CWE-001',
  severity: 'error',
  condition: '101',
  profiles: DOCUMENT_PROFILES,
  scope: 'message',
  summary: 'a coded value with a code has its coding system (pre-adopted HL7 v2.7 constraint on CE/CWE)',
  evaluate(ctx) {
    const obr = ctx.message.segment('OBR');
    const coded = [
      ...(obr ? [{ seg: obr, field: 4 }] : []),
      ...ctx.obx.flatMap((o) => {
        const list = [{ seg: o.segment, field: 3 }];
        if (['CE', 'CWE'].includes(o.segment.get(2).trim())) list.push({ seg: o.segment, field: 5 });
        return list;
      }),
    ];
    for (const { seg, field } of coded) {
      const c = seg.field(field);
      if (c.get(1).trim() !== '' && c.get(3).trim() === '') {
        ctx.report(
          TDOC_CWE_001,
          ctx.at(seg, `${field}.3`),
          `${seg.name}-${field} has the code "${c.get(1).trim()}" but no coding system (component 3)`,
        );
      }
    }
  },
});

/** Message-level rules: header, patient and visit, action agreement, TXA, order reference, OBX numbering, coded values. */
export const MESSAGE_RULES: readonly DocumentRuleDefinition[] = [
  TDOC_MSH_002,
  TDOC_MSH_009,
  TDOC_ACT_001,
  TDOC_ACT_002,
  TDOC_TXA_006,
  TDOC_TXA_007,
  TDOC_TXA_008,
  TDOC_PV1_001,
  TDOC_PV1_002,
  TDOC_PID_003,
  TDOC_PID_004,
  TDOC_ORD_001,
  TDOC_OBX_001,
  TDOC_CWE_001,
];
