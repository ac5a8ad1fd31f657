import { readTS } from '../../../hl7/index.js';
import type { Finding } from '../../../profiles/index.js';
import { readDocumentId } from '../document-id.js';
import { INS_OIDS, MDM_MESSAGE_STRUCTURE, ORU_MESSAGE_STRUCTURE } from '../vocabulary.js';
import { DOCUMENT_CARRYING_PROFILES, DOCUMENT_PROFILES, MDM_PROFILES, finding } from './profile.js';
import type { DocumentRule } from './rule.js';
import { at } from './rule.js';

const DOCS = DOCUMENT_CARRYING_PROFILES;

/** Message-level rules: header, patient and visit, action agreement, TXA, order reference, OBX numbering, coded values. */
export const MESSAGE_RULES: readonly DocumentRule[] = [
  {
    id: 'TDOC-MSH-002', profiles: DOCUMENT_PROFILES, summary: 'MSH-7 is a valid HL7 date/time',
    check: ({ message }) => {
      const v = message.get('MSH-7').trim();
      if (v === '') return [finding('TDOC-MSH-002', 'error', 'MSH-7', 'MSH-7 (date/time of message) is required', '101')];
      return readTS(v) ? [] : [finding('TDOC-MSH-002', 'error', 'MSH-7', `MSH-7 "${v}" is not a valid HL7 TS`, '102')];
    },
  },
  {
    id: 'TDOC-MSH-009', profiles: DOCUMENT_PROFILES, summary: 'MSH-9 has its three components and names the structure of the event (MDM_T02, ORU_R01, ZAM_Z01)',
    check: ({ message, structure }) => {
      const expected = structure === 'MDM' ? MDM_MESSAGE_STRUCTURE : structure === 'ORU' ? ORU_MESSAGE_STRUCTURE : 'ZAM_Z01';
      const actual = message.header.messageStructure.trim();
      if (actual === expected) return [];
      return [finding('TDOC-MSH-009', 'error', 'MSH-9.3', `MSH-9.3 (message structure) is "${actual}"; expected "${expected}"`, actual === '' ? '101' : '200')];
    },
  },
  {
    id: 'TDOC-ACT-001', profiles: MDM_PROFILES, summary: 'ORC-1 agrees with the MDM event: T02 ↔ NW, T10 ↔ RO, T04 ↔ CA',
    check: ({ eventAction, orderAction, message }) => {
      if (!eventAction || !orderAction || eventAction === orderAction) return [];
      return [finding('TDOC-ACT-001', 'error', 'ORC-1', `ORC-1 "${orderAction.orderControl}" contradicts the event ${message.header.triggerEvent} (expects ${eventAction.orderControl})`, '207')];
    },
  },
  {
    id: 'TDOC-ACT-002', profiles: DOCS, summary: 'OBX-11 of each document OBX agrees with the action: F initial, C replacement, D deletion',
    check: (view) => {
      const { action } = view;
      if (!action) return [];
      return view.documents.flatMap((d) => {
        const status = d.obx.get(11).trim();
        return status === action.resultStatus ? [] : [finding('TDOC-ACT-002', 'error', at(view, d.obx, 11), `OBX-11 of the document is "${status}"; a ${action.kind} request (${view.structure === 'MDM' ? `event ${action.mdmEvent}` : `ORC-1 ${action.orderControl}`}) requires "${action.resultStatus}"`, '207')];
      });
    },
  },
  {
    id: 'TDOC-TXA-006', profiles: ['mdm-t10'], summary: 'TXA-13 (parent document) is required on a replacement',
    check: ({ message }) => (message.segment('TXA') && message.get('TXA-13').trim() === ''
      ? [finding('TDOC-TXA-006', 'error', 'TXA-13', 'TXA-13 (parent document number) is required on a replacement (MDM^T10): the id of the replaced document', '101')] : []),
  },
  {
    id: 'TDOC-TXA-007', profiles: MDM_PROFILES, summary: 'TXA-2 equals OBR-4.1 (the document type)',
    check: ({ message }) => {
      const txa2 = message.get('TXA-2').trim();
      const obr4 = message.get('OBR-4.1').trim();
      return txa2 && obr4 && txa2 !== obr4 ? [finding('TDOC-TXA-007', 'error', 'TXA-2', `TXA-2 "${txa2}" differs from the document type OBR-4.1 "${obr4}"`, '207')] : [];
    },
  },
  {
    id: 'TDOC-TXA-008', profiles: MDM_PROFILES, summary: 'TXA-12/TXA-13 follow the population rule: root alone in EI.1, or extension^^root^ISO (warning)',
    check: (view) => {
      const txa = view.message.segment('TXA');
      if (!txa) return [];
      return [12, 13].flatMap((n) => {
        const ei = txa.field(n);
        if (ei.isEmpty) return [];
        const loc = at(view, txa, n);
        if (ei.get(2).trim() && !ei.get(3).trim()) {
          return [finding('TDOC-TXA-008', 'warning', loc, `TXA-${n} carries a namespace in EI.2 ("${ei.get(2)}"): the volet writes the CDA id root alone in EI.1, or extension^^root^ISO; EI.1 is read as the root`, '102')];
        }
        if (ei.get(3).trim() && ei.get(4).trim() !== 'ISO') {
          return [finding('TDOC-TXA-008', 'warning', loc, `TXA-${n}.4 should be "ISO" when TXA-${n}.3 holds the root OID`, '102')];
        }
        return readDocumentId(ei) ? [] : [finding('TDOC-TXA-008', 'warning', loc, `TXA-${n} has no document id`, '102')];
      });
    },
  },
  {
    id: 'TDOC-PV1-001', profiles: DOCS, summary: 'PV1-2 (patient class) is required when PV1 is present',
    check: ({ message }) => (message.segment('PV1') && message.get('PV1-2').trim() === ''
      ? [finding('TDOC-PV1-001', 'error', 'PV1-2', 'PV1-2 (patient class) is required', '101')] : []),
  },
  {
    id: 'TDOC-PV1-002', profiles: DOCS, summary: 'PV1-19 (visit number) is required when PV1-2 is E, I, O or R',
    check: ({ message }) => {
      const cls = message.get('PV1-2').trim();
      return ['E', 'I', 'O', 'R'].includes(cls) && message.get('PV1-19').trim() === ''
        ? [finding('TDOC-PV1-002', 'error', 'PV1-19', `PV1-19 (visit number) is required when the patient class is ${cls}`, '101')] : [];
    },
  },
  {
    id: 'TDOC-PID-003', profiles: DOCS, summary: 'DMP publication (DESTDMP = Y) requires the INS in PID-3',
    check: ({ message, flags }) => {
      if (!flags.sendToDmp) return [];
      const pid = message.segment('PID');
      if (!pid) return [];
      const hasIns = pid.repetitions(3).some((r) => r.get(5).trim() === 'INS' && INS_OIDS.includes(r.get(4, 2).trim()));
      return hasIns ? [] : [finding('TDOC-PID-003', 'error', 'PID-3', 'The document goes to the DMP (DESTDMP = Y) but PID-3 has no INS (type INS under an INS OID)', '207')];
    },
  },
  {
    id: 'TDOC-PID-004', profiles: DOCS, summary: 'an INS is shared only for a validated identity: PID-32 = VALI (warning)',
    check: ({ message }) => {
      const pid = message.segment('PID');
      if (!pid || !pid.repetitions(3).some((r) => r.get(5).trim() === 'INS')) return [];
      const rel = message.get('PID-32').trim();
      return rel === 'VALI' ? [] : [finding('TDOC-PID-004', 'warning', 'PID-32', `PID-3 carries an INS but PID-32 (identity reliability) is "${rel}", not VALI`, '207')];
    },
  },
  {
    id: 'TDOC-ORD-001', profiles: DOCS, summary: 'the placer order number is the same in ORC-2, OBR-2 and TXA-14 when several are filled (warning)',
    check: ({ message }) => {
      const values = ['ORC-2', 'OBR-2', 'TXA-14']
        .map((p) => ({ p, v: message.segment(p.slice(0, 3)) ? message.raw(p).trim() : '' }))
        .filter((x) => x.v !== '');
      const first = values[0];
      return values.filter((x) => x.v !== first?.v).map((x) => finding('TDOC-ORD-001', 'warning', x.p, `${x.p} "${x.v}" differs from ${first!.p} "${first!.v}": they identify the same order`, '207'));
    },
  },
  {
    id: 'TDOC-OBX-001', profiles: DOCS, summary: 'OBX-1 numbers the OBX segments 1, 2, 3… (warning)',
    check: (view) => view.obx.flatMap((o, i) => {
      const n = o.segment.get(1).trim();
      return n === String(i + 1) ? [] : [finding('TDOC-OBX-001', 'warning', at(view, o.segment, 1), `OBX-1 is "${n}"; the OBX segments are numbered consecutively from 1 (expected ${i + 1})`, '102')];
    }),
  },
  {
    id: 'TDOC-CWE-001', profiles: DOCUMENT_PROFILES, summary: 'a coded value with a code has its coding system (pre-adopted HL7 v2.7 constraint on CE/CWE)',
    check: (view) => {
      const out: Finding[] = [];
      const obr = view.message.segment('OBR');
      const coded = [...(obr ? [{ seg: obr, field: 4 }] : []), ...view.obx.flatMap((o) => {
        const list = [{ seg: o.segment, field: 3 }];
        if (['CE', 'CWE'].includes(o.segment.get(2).trim())) list.push({ seg: o.segment, field: 5 });
        return list;
      })];
      for (const { seg, field } of coded) {
        const c = seg.field(field);
        if (c.get(1).trim() !== '' && c.get(3).trim() === '') {
          out.push(finding('TDOC-CWE-001', 'error', at(view, seg, field, 3), `${seg.name}-${field} has the code "${c.get(1).trim()}" but no coding system (component 3)`, '101'));
        }
      }
      return out;
    },
  },
];
