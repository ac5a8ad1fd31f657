import type { Segment } from '../../../hl7/index.js';
import type { Finding } from '../../../profiles/index.js';
import { isOid } from '../document-id.js';
import { MAIL_ADDRESS_TYPE, PARTICIPATION } from '../vocabulary.js';
import type { DocumentMessageView } from './message-view.js';
import { DOCUMENT_CARRYING_PROFILES, finding } from './profile.js';
import type { DocumentRule } from './rule.js';
import { at } from './rule.js';

const DOCS = DOCUMENT_CARRYING_PROFILES;
const ROLES: readonly string[] = [PARTICIPATION.sender.code, PARTICIPATION.recipient.code, PARTICIPATION.replyTo.code];
const ORGANIZATION_TYPES: readonly string[] = ['FINEJ', 'FINEG', 'IDNST', 'UF', 'SVR'];

function checkAddress(view: DocumentMessageView, prt: Segment, rule: string, role: string): Finding[] {
  const address = prt.get('15.4').trim();
  if (address === '') return [finding(rule, 'error', at(view, prt, 15, 4), `PRT ${role} has no MSSanté address in PRT-15.4`, '101')];
  const out: Finding[] = [];
  if (prt.get('15.3').trim() !== MAIL_ADDRESS_TYPE) out.push(finding(rule, 'error', at(view, prt, 15, 3), `PRT-15.3 is "${prt.get('15.3').trim()}"; an MSSanté address has equipment type "${MAIL_ADDRESS_TYPE}"`, '103'));
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) out.push(finding(rule, 'error', at(view, prt, 15, 4), `PRT-15.4 "${address}" is not an e-mail address`, '102'));
  return out;
}

/** Rules on the PRT segments (trans-cda-r2 §5.7). */
export const PARTICIPANT_RULES: readonly DocumentRule[] = [
  {
    id: 'TDOC-PRT-001', profiles: DOCS, summary: 'PRT segments follow the (first) document OBX only',
    check: (view) => {
      const firstDoc = view.obx.find((o) => o.role === 'document');
      return view.participations.filter((p) => p.after === undefined || p.after !== firstDoc).map((p) =>
        finding('TDOC-PRT-001', 'error', at(view, p.segment), `PRT is allowed only right after the document OBX${p.after ? ` (this one follows OBX ${p.after.code})` : ''}`, '100'));
    },
  },
  {
    id: 'TDOC-PRT-002', profiles: DOCS, summary: 'PRT-4.1 is SB (sender), RCT (recipient) or REPLY (reply-to)',
    check: (view) => view.participations.flatMap(({ segment }) => {
      const role = segment.get('4.1').trim();
      return ROLES.includes(role) ? [] : [finding('TDOC-PRT-002', 'error', at(view, segment, 4, 1), `PRT-4.1 is "${role}"; expected SB, RCT or REPLY`, role === '' ? '101' : '103')];
    }),
  },
  {
    id: 'TDOC-PRT-003', profiles: DOCS, summary: 'PRT-2 (action code) is UC',
    check: (view) => view.participations.flatMap(({ segment }) => (segment.get(2).trim() === 'UC' ? []
      : [finding('TDOC-PRT-003', 'error', at(view, segment, 2), `PRT-2 is "${segment.get(2).trim()}"; expected "UC"`, segment.get(2).trim() === '' ? '101' : '103')])),
  },
  {
    id: 'TDOC-PRT-004', profiles: DOCS, summary: 'the sender PRT (SB) is present when the document goes to the DMP',
    check: (view) => (view.flags.sendToDmp && !view.sender && view.documents.length
      ? [finding('TDOC-PRT-004', 'error', at(view, view.documents[0]!.obx), 'DESTDMP = Y requires a sender PRT (PRT-4 SB) after the document OBX: the DMP VIHF and the submission author come from it', '101')] : []),
  },
  {
    id: 'TDOC-PRT-005', profiles: DOCS, summary: 'a sender PRT (SB) is present (warning when the DMP is not asked: it is also the MSSanté sender)',
    check: (view) => (!view.flags.sendToDmp && !view.sender && view.documents.length
      ? [finding('TDOC-PRT-005', 'warning', at(view, view.documents[0]!.obx), 'No sender PRT (PRT-4 SB): the IG also uses it as the MSSanté sender', '101')] : []),
  },
  {
    id: 'TDOC-PRT-006', profiles: DOCS, summary: 'the sender PRT names a person (PRT-5) or a device (PRT-10), and its organisation (PRT-8) when the document goes to the DMP',
    check: (view) => {
      const s = view.sender;
      if (!s) return [];
      const out: Finding[] = [];
      if (s.get('5.1').trim() === '' && s.get('10.1').trim() === '') out.push(finding('TDOC-PRT-006', 'error', at(view, s, 5), 'The sender PRT names neither a person (PRT-5) nor a device (PRT-10)', '101'));
      if (view.flags.sendToDmp && s.get('8.10').trim() === '') out.push(finding('TDOC-PRT-006', 'error', at(view, s, 8, 10), 'DESTDMP = Y requires the sender organisation identifier (PRT-8.10): it becomes the VIHF Identifiant_Structure', '101'));
      return out;
    },
  },
  {
    id: 'TDOC-PRT-007', profiles: DOCS, summary: 'at least one recipient PRT (RCT) when an MSSanté exchange is asked (DESTMSSANTEPS or DESTMSSANTEPAT = Y)',
    check: (view) => ((view.flags.sendToProfessionals || view.flags.sendToPatient) && view.recipients.length === 0 && view.documents.length
      ? [finding('TDOC-PRT-007', 'error', at(view, view.documents[0]!.obx), 'An MSSanté exchange is requested but no recipient PRT (PRT-4 RCT) follows the document OBX', '101')] : []),
  },
  {
    id: 'TDOC-PRT-008', profiles: DOCS, summary: 'RCT and REPLY carry an MSSanté address: PRT-15.3 X.400, PRT-15.4 an e-mail address',
    check: (view) => [...view.recipients.map((r) => [r, 'RCT'] as const), ...(view.replyTo ? [[view.replyTo, 'REPLY'] as const] : [])]
      .flatMap(([prt, role]) => checkAddress(view, prt, 'TDOC-PRT-008', role)),
  },
  {
    id: 'TDOC-PRT-009', profiles: DOCS, summary: 'a person (PRT-5) has its assigning authority OID (5.9.2) and identifier type (5.13); an organisation (PRT-8) its authority OID (8.6.2), type (8.7) and identifier (8.10)',
    check: (view) => view.participations.flatMap(({ segment: s }) => {
      const out: Finding[] = [];
      if (s.get('5.1').trim() !== '') {
        const namespace = s.get('5.9.1').trim();
        if (s.get('5.9.2').trim() === '' && isOid(namespace)) {
          out.push(finding('TDOC-PRT-009', 'warning', `${at(view, s, 5, 9)}.1`, `PRT-5.9 has the OID ${namespace} in its namespace (5.9.1) instead of its universal id (5.9.2); read as the assigning authority`, '102'));
        } else if (s.get('5.9.2').trim() === '') {
          out.push(finding('TDOC-PRT-009', 'error', `${at(view, s, 5, 9)}.2`, 'PRT-5.9.2 (assigning authority OID of the person identifier) is required', '101'));
        }
        if (s.get('5.13').trim() === '') out.push(finding('TDOC-PRT-009', 'error', at(view, s, 5, 13), 'PRT-5.13 (identifier type: IDNPS, RPPS, INS…) is required', '101'));
      }
      if (s.get('8.1').trim() !== '' || s.get('8.10').trim() !== '') {
        if (s.get('8.6.2').trim() === '') out.push(finding('TDOC-PRT-009', 'error', `${at(view, s, 8, 6)}.2`, 'PRT-8.6.2 (assigning authority OID of the organisation) is required', '101'));
        const type = s.get('8.7').trim();
        if (!ORGANIZATION_TYPES.includes(type)) out.push(finding('TDOC-PRT-009', 'error', at(view, s, 8, 7), `PRT-8.7 is "${type}"; expected FINEJ, FINEG, IDNST, UF or SVR`, type === '' ? '101' : '103'));
        if (s.get('8.10').trim() === '') out.push(finding('TDOC-PRT-009', 'error', at(view, s, 8, 10), 'PRT-8.10 (organisation identifier) is required', '101'));
      }
      return out;
    }),
  },
];
