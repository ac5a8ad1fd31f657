import type { Segment } from '../../../hl7/index.js';
import type { RuleContext } from '../../../profiles/index.js';
import { isOid } from '../document-id.js';
import { MAIL_ADDRESS_TYPE, PARTICIPATION } from '../vocabulary.js';
import type { DocumentMessageView } from './message-view.js';
import type { DocumentProfile, DocumentRuleDefinition } from './profile.js';
import { DOCUMENT_CARRYING_PROFILES, defineDocumentRule } from './profile.js';

const DOCS = DOCUMENT_CARRYING_PROFILES;
const ROLES: readonly string[] = [PARTICIPATION.sender.code, PARTICIPATION.recipient.code, PARTICIPATION.replyTo.code];
const ORGANIZATION_TYPES: readonly string[] = ['FINEJ', 'FINEG', 'IDNST', 'UF', 'SVR'];

export const TDOC_PRT_001 = defineDocumentRule({
  id: 'TDOC-PRT-001',
  severity: 'error',
  condition: '100',
  profiles: DOCS,
  scope: 'message',
  summary: 'PRT segments follow the (first) document OBX only',
  evaluate(ctx) {
    const firstDoc = ctx.obx.find((o) => o.role === 'document');
    for (const p of ctx.participations) {
      if (p.after !== undefined && p.after === firstDoc) continue;
      ctx.report(
        TDOC_PRT_001,
        ctx.at(p.segment),
        `PRT is allowed only right after the document OBX${p.after ? ` (this one follows OBX ${p.after.code})` : ''}`,
      );
    }
  },
});

export const TDOC_PRT_002 = defineDocumentRule({
  id: 'TDOC-PRT-002',
  severity: 'error',
  condition: '103',
  profiles: DOCS,
  scope: 'message',
  summary: 'PRT-4.1 is SB (sender), RCT (recipient) or REPLY (reply-to)',
  evaluate(ctx) {
    for (const { segment } of ctx.participations) {
      const role = segment.get('4.1').trim();
      if (!ROLES.includes(role))
        ctx.report(TDOC_PRT_002, ctx.at(segment, '4.1'), `PRT-4.1 is "${role}"; expected SB, RCT or REPLY`, {
          condition: role === '' ? '101' : '103',
        });
    }
  },
});

export const TDOC_PRT_003 = defineDocumentRule({
  id: 'TDOC-PRT-003',
  severity: 'error',
  condition: '103',
  profiles: DOCS,
  scope: 'message',
  summary: 'PRT-2 (action code) is UC',
  evaluate(ctx) {
    for (const { segment } of ctx.participations) {
      const action = segment.get(2).trim();
      if (action !== 'UC')
        ctx.report(TDOC_PRT_003, ctx.at(segment, '2'), `PRT-2 is "${action}"; expected "UC"`, { condition: action === '' ? '101' : '103' });
    }
  },
});

export const TDOC_PRT_004 = defineDocumentRule({
  id: 'TDOC-PRT-004',
  severity: 'error',
  condition: '101',
  profiles: DOCS,
  scope: 'message',
  summary: 'the sender PRT (SB) is present when the document goes to the DMP',
  evaluate(ctx) {
    if (ctx.flags.sendToDmp && !ctx.sender && ctx.documents.length) {
      ctx.report(
        TDOC_PRT_004,
        ctx.at(ctx.documents[0]!.obx),
        'DESTDMP = Y requires a sender PRT (PRT-4 SB) after the document OBX: the DMP VIHF and the submission author come from it',
      );
    }
  },
});

export const TDOC_PRT_005 = defineDocumentRule({
  id: 'TDOC-PRT-005',
  severity: 'warning',
  condition: '101',
  profiles: DOCS,
  scope: 'message',
  summary: 'a sender PRT (SB) is present (warning when the DMP is not asked: it is also the MSSanté sender)',
  evaluate(ctx) {
    if (!ctx.flags.sendToDmp && !ctx.sender && ctx.documents.length) {
      ctx.report(TDOC_PRT_005, ctx.at(ctx.documents[0]!.obx), 'No sender PRT (PRT-4 SB): the IG also uses it as the MSSanté sender');
    }
  },
});

export const TDOC_PRT_006 = defineDocumentRule({
  id: 'TDOC-PRT-006',
  severity: 'error',
  condition: '101',
  profiles: DOCS,
  scope: 'message',
  summary: 'the sender PRT names a person (PRT-5) or a device (PRT-10), and its organisation (PRT-8) when the document goes to the DMP',
  evaluate(ctx) {
    const s = ctx.sender;
    if (!s) return;
    if (s.get('5.1').trim() === '' && s.get('10.1').trim() === '')
      ctx.report(TDOC_PRT_006, ctx.at(s, '5'), 'The sender PRT names neither a person (PRT-5) nor a device (PRT-10)');
    if (ctx.flags.sendToDmp && s.get('8.10').trim() === '')
      ctx.report(
        TDOC_PRT_006,
        ctx.at(s, '8.10'),
        'DESTDMP = Y requires the sender organisation identifier (PRT-8.10): it becomes the VIHF Identifiant_Structure',
      );
  },
});

export const TDOC_PRT_007 = defineDocumentRule({
  id: 'TDOC-PRT-007',
  severity: 'error',
  condition: '101',
  profiles: DOCS,
  scope: 'message',
  summary: 'at least one recipient PRT (RCT) when an MSSanté exchange is asked (DESTMSSANTEPS or DESTMSSANTEPAT = Y)',
  evaluate(ctx) {
    if ((ctx.flags.sendToProfessionals || ctx.flags.sendToPatient) && ctx.recipients.length === 0 && ctx.documents.length) {
      ctx.report(
        TDOC_PRT_007,
        ctx.at(ctx.documents[0]!.obx),
        'An MSSanté exchange is requested but no recipient PRT (PRT-4 RCT) follows the document OBX',
      );
    }
  },
});

function checkAddress(ctx: RuleContext<DocumentProfile, DocumentMessageView>, prt: Segment, role: string): void {
  const address = prt.get('15.4').trim();
  if (address === '') {
    ctx.report(TDOC_PRT_008, ctx.at(prt, '15.4'), `PRT ${role} has no MSSanté address in PRT-15.4`, { condition: '101' });
    return;
  }
  if (prt.get('15.3').trim() !== MAIL_ADDRESS_TYPE)
    ctx.report(
      TDOC_PRT_008,
      ctx.at(prt, '15.3'),
      `PRT-15.3 is "${prt.get('15.3').trim()}"; an MSSanté address has equipment type "${MAIL_ADDRESS_TYPE}"`,
    );
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address))
    ctx.report(TDOC_PRT_008, ctx.at(prt, '15.4'), `PRT-15.4 "${address}" is not an e-mail address`, { condition: '102' });
}

export const TDOC_PRT_008 = defineDocumentRule({
  id: 'TDOC-PRT-008',
  severity: 'error',
  condition: '103',
  profiles: DOCS,
  scope: 'message',
  summary: 'RCT and REPLY carry an MSSanté address: PRT-15.3 X.400, PRT-15.4 an e-mail address',
  evaluate(ctx) {
    for (const r of ctx.recipients) checkAddress(ctx, r, 'RCT');
    if (ctx.replyTo) checkAddress(ctx, ctx.replyTo, 'REPLY');
  },
});

export const TDOC_PRT_009 = defineDocumentRule({
  id: 'TDOC-PRT-009',
  severity: 'error',
  condition: '101',
  profiles: DOCS,
  scope: 'message',
  summary:
    'a person (PRT-5) has its assigning authority OID (5.9.2) and identifier type (5.13); an organisation (PRT-8) ' +
    'its authority OID (8.6.2), type (8.7) and identifier (8.10)',
  evaluate(ctx) {
    for (const { segment: s } of ctx.participations) {
      if (s.get('5.1').trim() !== '') {
        const namespace = s.get('5.9.1').trim();
        if (s.get('5.9.2').trim() === '' && isOid(namespace)) {
          ctx.report(
            TDOC_PRT_009,
            ctx.at(s, '5.9.1'),
            `PRT-5.9 has the OID ${namespace} in its namespace (5.9.1) instead of its universal id (5.9.2); ` +
              `read as the assigning authority`,
            { severity: 'warning', condition: '102' },
          );
        } else if (s.get('5.9.2').trim() === '') {
          ctx.report(TDOC_PRT_009, ctx.at(s, '5.9.2'), 'PRT-5.9.2 (assigning authority OID of the person identifier) is required');
        }
        if (s.get('5.13').trim() === '')
          ctx.report(TDOC_PRT_009, ctx.at(s, '5.13'), 'PRT-5.13 (identifier type: IDNPS, RPPS, INS…) is required');
      }
      if (s.get('8.1').trim() !== '' || s.get('8.10').trim() !== '') {
        if (s.get('8.6.2').trim() === '')
          ctx.report(TDOC_PRT_009, ctx.at(s, '8.6.2'), 'PRT-8.6.2 (assigning authority OID of the organisation) is required');
        const type = s.get('8.7').trim();
        if (!ORGANIZATION_TYPES.includes(type))
          ctx.report(TDOC_PRT_009, ctx.at(s, '8.7'), `PRT-8.7 is "${type}"; expected FINEJ, FINEG, IDNST, UF or SVR`, {
            condition: type === '' ? '101' : '103',
          });
        if (s.get('8.10').trim() === '') ctx.report(TDOC_PRT_009, ctx.at(s, '8.10'), 'PRT-8.10 (organisation identifier) is required');
      }
    }
  },
});

/** Rules on the PRT segments (trans-cda-r2 §5.7). */
export const PARTICIPANT_RULES: readonly DocumentRuleDefinition[] = [
  TDOC_PRT_001,
  TDOC_PRT_002,
  TDOC_PRT_003,
  TDOC_PRT_004,
  TDOC_PRT_005,
  TDOC_PRT_006,
  TDOC_PRT_007,
  TDOC_PRT_008,
  TDOC_PRT_009,
];
