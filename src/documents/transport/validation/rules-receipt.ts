import type { Finding } from '../../../profiles/index.js';
import { RECEIPT_CODING_SYSTEM, RECEIPT_CODING_SYSTEM_ALIASES, receiptDefinition } from '../business-receipt-vocabulary.js';
import { MAIL_ADDRESS_TYPE, YES_NO_CODING_SYSTEM } from '../vocabulary.js';
import type { DocumentMessageView } from './message-view.js';
import { ZAM_PROFILES, finding } from './profile.js';
import type { DocumentRule } from './rule.js';
import { at } from './rule.js';

function definitionOf(view: DocumentMessageView) {
  return receiptDefinition(view.message.header.triggerEvent.trim())!;
}

function checkCodingSystem(view: DocumentMessageView, rule: string, obxIndex: number): Finding[] {
  const obx = view.obx[obxIndex]!.segment;
  const system = obx.get('3.3').trim();
  if (system === RECEIPT_CODING_SYSTEM) return [];
  if (RECEIPT_CODING_SYSTEM_ALIASES.includes(system)) return [finding(rule, 'warning', at(view, obx, 3, 3), `OBX-3.3 is "${system}"; read as "${RECEIPT_CODING_SYSTEM}"`, '103')];
  return [finding(rule, 'error', at(view, obx, 3, 3), `OBX-3.3 is "${system}"; expected "${RECEIPT_CODING_SYSTEM}"`, system === '' ? '101' : '103')];
}

/** Rules on the business receipts ZAM^Z01/Z02/Z03 (trans-cda-r2 §8). */
export const RECEIPT_RULES: readonly DocumentRule[] = [
  {
    id: 'TDOC-ZAM-001', profiles: ZAM_PROFILES, summary: 'the status OBX: OBX-2 CWE, OBX-3 the status code of the event in AckMetierZAM, OBX-5 Y/N expandedYes-NoIndicator, OBX-11 F',
    check: (view) => {
      const status = view.obx[0];
      if (!status) return [];
      const s = status.segment;
      const def = definitionOf(view);
      const out: Finding[] = [];
      if (s.get(2).trim() !== 'CWE') out.push(finding('TDOC-ZAM-001', 'error', at(view, s, 2), `OBX-2 of the status is "${s.get(2).trim()}"; expected "CWE"`, '102'));
      if (s.get('3.1').trim() !== def.status.code) out.push(finding('TDOC-ZAM-001', 'error', at(view, s, 3, 1), `OBX-3.1 of the status is "${s.get('3.1').trim()}"; ZAM^${def.event} expects "${def.status.code}"`, '103'));
      out.push(...checkCodingSystem(view, 'TDOC-ZAM-001', 0));
      const v = s.get('5.1').trim();
      if (v !== 'Y' && v !== 'N') out.push(finding('TDOC-ZAM-001', 'error', at(view, s, 5, 1), `OBX-5.1 of the status is "${v}"; expected Y or N`, v === '' ? '101' : '103'));
      if (s.get('5.3').trim() !== YES_NO_CODING_SYSTEM) out.push(finding('TDOC-ZAM-001', 'error', at(view, s, 5, 3), `OBX-5.3 of the status is "${s.get('5.3').trim()}"; expected "${YES_NO_CODING_SYSTEM}"`, '103'));
      if (s.get(11).trim() !== 'F') out.push(finding('TDOC-ZAM-001', 'error', at(view, s, 11), `OBX-11 of the status is "${s.get(11).trim()}"; expected "F"`, '103'));
      return out;
    },
  },
  {
    id: 'TDOC-ZAM-002', profiles: ZAM_PROFILES, summary: 'OBX-4 of the status OBX is the MSH-10 of the message that carried the document',
    check: (view) => {
      const s = view.obx[0]?.segment;
      return s && s.get(4).trim() === '' ? [finding('TDOC-ZAM-002', 'error', at(view, s, 4), 'OBX-4 of the status must hold the MSH-10 of the ORU/MDM message that carried the document', '101')] : [];
    },
  },
  {
    id: 'TDOC-ZAM-003', profiles: ZAM_PROFILES, summary: 'Z02/Z03 carry the address OBX (OBX-2 XTN, OBX-3 DESTINATAIRE_MSS / LECTEUR_MSS, OBX-5 ^^X.400^address); Z01 has none',
    check: (view) => {
      const def = definitionOf(view);
      const address = view.obx[1];
      if (!def.address) {
        return address ? [finding('TDOC-ZAM-003', 'error', at(view, address.segment), 'ZAM^Z01 (DMP receipt) has no address OBX', '100')] : [];
      }
      if (!address) return [finding('TDOC-ZAM-003', 'error', 'OBX', `ZAM^${def.event} requires the address OBX ${def.address.code}`, '100')];
      const s = address.segment;
      const out: Finding[] = [];
      if (s.get(2).trim() !== 'XTN') out.push(finding('TDOC-ZAM-003', 'error', at(view, s, 2), `OBX-2 of the address is "${s.get(2).trim()}"; expected "XTN"`, '102'));
      if (s.get('3.1').trim() !== def.address.code) out.push(finding('TDOC-ZAM-003', 'error', at(view, s, 3, 1), `OBX-3.1 of the address is "${s.get('3.1').trim()}"; ZAM^${def.event} expects "${def.address.code}"`, '103'));
      out.push(...checkCodingSystem(view, 'TDOC-ZAM-003', 1));
      if (s.get('5.3').trim() !== MAIL_ADDRESS_TYPE) out.push(finding('TDOC-ZAM-003', 'error', at(view, s, 5, 3), `OBX-5.3 is "${s.get('5.3').trim()}"; expected "${MAIL_ADDRESS_TYPE}"`, '103'));
      if (s.get('5.4').trim() === '') out.push(finding('TDOC-ZAM-003', 'error', at(view, s, 5, 4), 'OBX-5.4 (the MSSanté address) is required', '101'));
      return out;
    },
  },
  {
    id: 'TDOC-ZAM-004', profiles: ZAM_PROFILES, summary: 'a failed receipt (status N) has an ERR: ERR-3.1 207, ERR-4 E/F/I/W, ERR-5 in the coding system of the event',
    check: (view) => {
      const status = view.obx[0]?.segment.get('5.1').trim();
      const err = view.message.segment('ERR');
      const def = definitionOf(view);
      if (status !== 'N') {
        return err && status === 'Y' ? [finding('TDOC-ZAM-004', 'warning', at(view, err), 'ERR on a successful receipt (status Y) is ignored', '100')] : [];
      }
      if (!err) return [finding('TDOC-ZAM-004', 'error', 'ERR', 'A failed receipt (status N) requires an ERR segment saying why', '101')];
      const out: Finding[] = [];
      if (err.get('3.1').trim() !== '207') out.push(finding('TDOC-ZAM-004', 'error', at(view, err, 3, 1), `ERR-3.1 is "${err.get('3.1').trim()}"; expected 207 (application error)`, '103'));
      if (!['E', 'F', 'I', 'W'].includes(err.get(4).trim())) out.push(finding('TDOC-ZAM-004', 'error', at(view, err, 4), `ERR-4 is "${err.get(4).trim()}"; expected E, F, I or W`, '103'));
      if (err.get('5.1').trim() === '') out.push(finding('TDOC-ZAM-004', 'error', at(view, err, 5, 1), 'ERR-5.1 (the error code) is required', '101'));
      const system = err.get('5.3').trim();
      if (system !== def.errorCodingSystem) {
        const alias = def.errorCodingSystemAliases.includes(system);
        out.push(finding('TDOC-ZAM-004', alias ? 'warning' : 'error', at(view, err, 5, 3), `ERR-5.3 is "${system}"; ZAM^${def.event} uses "${def.errorCodingSystem}"`, '103'));
      }
      return out;
    },
  },
];
