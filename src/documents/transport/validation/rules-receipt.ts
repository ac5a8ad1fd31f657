import type { RuleContext } from '../../../profiles/index.js';
import { RECEIPT_CODING_SYSTEM, RECEIPT_CODING_SYSTEM_ALIASES, receiptDefinition } from '../business-receipt-vocabulary.js';
import { MAIL_ADDRESS_TYPE, YES_NO_CODING_SYSTEM } from '../vocabulary.js';
import type { DocumentMessageView } from './message-view.js';
import type { DocumentProfile, DocumentRuleDefinition } from './profile.js';
import { ZAM_PROFILES, defineDocumentRule } from './profile.js';

type Context = RuleContext<DocumentProfile, DocumentMessageView>;

function definitionOf(view: DocumentMessageView) {
  return receiptDefinition(view.message.header.triggerEvent.trim())!;
}

function checkCodingSystem(ctx: Context, rule: DocumentRuleDefinition, obxIndex: number): void {
  const obx = ctx.obx[obxIndex]!.segment;
  const system = obx.get('3.3').trim();
  if (system === RECEIPT_CODING_SYSTEM) return;
  if (RECEIPT_CODING_SYSTEM_ALIASES.includes(system))
    ctx.report(rule, ctx.at(obx, '3.3'), `OBX-3.3 is "${system}"; read as "${RECEIPT_CODING_SYSTEM}"`, {
      severity: 'warning',
      condition: '103',
    });
  else
    ctx.report(rule, ctx.at(obx, '3.3'), `OBX-3.3 is "${system}"; expected "${RECEIPT_CODING_SYSTEM}"`, {
      severity: 'error',
      condition: system === '' ? '101' : '103',
    });
}

export const TDOC_ZAM_001 = defineDocumentRule({
  id: 'TDOC-ZAM-001',
  severity: 'error',
  condition: '103',
  profiles: ZAM_PROFILES,
  scope: 'message',
  summary: 'the status OBX: OBX-2 CWE, OBX-3 the status code of the event in AckMetierZAM, OBX-5 Y/N expandedYes-NoIndicator, OBX-11 F',
  evaluate(ctx) {
    const status = ctx.obx[0];
    if (!status) return;
    const s = status.segment;
    const def = definitionOf(ctx);
    if (s.get(2).trim() !== 'CWE')
      ctx.report(TDOC_ZAM_001, ctx.at(s, '2'), `OBX-2 of the status is "${s.get(2).trim()}"; expected "CWE"`, { condition: '102' });
    if (s.get('3.1').trim() !== def.status.code)
      ctx.report(
        TDOC_ZAM_001,
        ctx.at(s, '3.1'),
        `OBX-3.1 of the status is "${s.get('3.1').trim()}"; ZAM^${def.event} expects "${def.status.code}"`,
      );
    checkCodingSystem(ctx, TDOC_ZAM_001, 0);
    const v = s.get('5.1').trim();
    if (v !== 'Y' && v !== 'N')
      ctx.report(TDOC_ZAM_001, ctx.at(s, '5.1'), `OBX-5.1 of the status is "${v}"; expected Y or N`, {
        condition: v === '' ? '101' : '103',
      });
    if (s.get('5.3').trim() !== YES_NO_CODING_SYSTEM)
      ctx.report(TDOC_ZAM_001, ctx.at(s, '5.3'), `OBX-5.3 of the status is "${s.get('5.3').trim()}"; expected "${YES_NO_CODING_SYSTEM}"`);
    if (s.get(11).trim() !== 'F') ctx.report(TDOC_ZAM_001, ctx.at(s, '11'), `OBX-11 of the status is "${s.get(11).trim()}"; expected "F"`);
  },
});

export const TDOC_ZAM_002 = defineDocumentRule({
  id: 'TDOC-ZAM-002',
  severity: 'error',
  condition: '101',
  profiles: ZAM_PROFILES,
  scope: 'message',
  summary: 'OBX-4 of the status OBX is the MSH-10 of the message that carried the document',
  evaluate(ctx) {
    const s = ctx.obx[0]?.segment;
    if (s && s.get(4).trim() === '')
      ctx.report(TDOC_ZAM_002, ctx.at(s, '4'), 'OBX-4 of the status must hold the MSH-10 of the ORU/MDM message that carried the document');
  },
});

export const TDOC_ZAM_003 = defineDocumentRule({
  id: 'TDOC-ZAM-003',
  severity: 'error',
  condition: '103',
  profiles: ZAM_PROFILES,
  scope: 'message',
  summary: 'Z02/Z03 carry the address OBX (OBX-2 XTN, OBX-3 DESTINATAIRE_MSS / LECTEUR_MSS, OBX-5 ^^X.400^address); Z01 has none',
  evaluate(ctx) {
    const def = definitionOf(ctx);
    const address = ctx.obx[1];
    if (!def.address) {
      if (address) ctx.report(TDOC_ZAM_003, ctx.at(address.segment), 'ZAM^Z01 (DMP receipt) has no address OBX', { condition: '100' });
      return;
    }
    if (!address) {
      ctx.report(TDOC_ZAM_003, 'OBX', `ZAM^${def.event} requires the address OBX ${def.address.code}`, { condition: '100' });
      return;
    }
    const s = address.segment;
    if (s.get(2).trim() !== 'XTN')
      ctx.report(TDOC_ZAM_003, ctx.at(s, '2'), `OBX-2 of the address is "${s.get(2).trim()}"; expected "XTN"`, { condition: '102' });
    if (s.get('3.1').trim() !== def.address.code)
      ctx.report(
        TDOC_ZAM_003,
        ctx.at(s, '3.1'),
        `OBX-3.1 of the address is "${s.get('3.1').trim()}"; ZAM^${def.event} expects "${def.address.code}"`,
      );
    checkCodingSystem(ctx, TDOC_ZAM_003, 1);
    if (s.get('5.3').trim() !== MAIL_ADDRESS_TYPE)
      ctx.report(TDOC_ZAM_003, ctx.at(s, '5.3'), `OBX-5.3 is "${s.get('5.3').trim()}"; expected "${MAIL_ADDRESS_TYPE}"`);
    if (s.get('5.4').trim() === '')
      ctx.report(TDOC_ZAM_003, ctx.at(s, '5.4'), 'OBX-5.4 (the MSSanté address) is required', { condition: '101' });
  },
});

export const TDOC_ZAM_004 = defineDocumentRule({
  id: 'TDOC-ZAM-004',
  severity: 'error',
  condition: '103',
  profiles: ZAM_PROFILES,
  scope: 'message',
  summary: 'a failed receipt (status N) has an ERR: ERR-3.1 207, ERR-4 E/F/I/W, ERR-5 in the coding system of the event',
  evaluate(ctx) {
    const status = ctx.obx[0]?.segment.get('5.1').trim();
    const err = ctx.message.segment('ERR');
    const def = definitionOf(ctx);
    if (status !== 'N') {
      if (err && status === 'Y')
        ctx.report(TDOC_ZAM_004, ctx.at(err), 'ERR on a successful receipt (status Y) is ignored', {
          severity: 'warning',
          condition: '100',
        });
      return;
    }
    if (!err) {
      ctx.report(TDOC_ZAM_004, 'ERR', 'A failed receipt (status N) requires an ERR segment saying why', { condition: '101' });
      return;
    }
    if (err.get('3.1').trim() !== '207')
      ctx.report(TDOC_ZAM_004, ctx.at(err, '3.1'), `ERR-3.1 is "${err.get('3.1').trim()}"; expected 207 (application error)`);
    if (!['E', 'F', 'I', 'W'].includes(err.get(4).trim()))
      ctx.report(TDOC_ZAM_004, ctx.at(err, '4'), `ERR-4 is "${err.get(4).trim()}"; expected E, F, I or W`);
    if (err.get('5.1').trim() === '')
      ctx.report(TDOC_ZAM_004, ctx.at(err, '5.1'), 'ERR-5.1 (the error code) is required', { condition: '101' });
    const system = err.get('5.3').trim();
    if (system !== def.errorCodingSystem) {
      const alias = def.errorCodingSystemAliases.includes(system);
      ctx.report(TDOC_ZAM_004, ctx.at(err, '5.3'), `ERR-5.3 is "${system}"; ZAM^${def.event} uses "${def.errorCodingSystem}"`, {
        severity: alias ? 'warning' : 'error',
      });
    }
  },
});

/** Rules on the business receipts ZAM^Z01/Z02/Z03 (trans-cda-r2 §8). */
export const RECEIPT_RULES: readonly DocumentRuleDefinition[] = [TDOC_ZAM_001, TDOC_ZAM_002, TDOC_ZAM_003, TDOC_ZAM_004];
