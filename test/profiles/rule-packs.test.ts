import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Message } from '../../src/hl7/index.js';
import { parseMessage } from '../../src/hl7/index.js';
import type { RulePack } from '../../src/profiles/index.js';
import {
  RULE_ID,
  RULES,
  TELERADIOLOGIE_PACK,
  registerRulePack,
  registeredRules,
  rulePacks,
  selectRulePack,
  validateMessage,
} from '../../src/profiles/index.js';
import {
  DOCUMENT_ACK_PACK,
  DOCUMENT_TRANSPORT_PACK,
  DOCUMENT_TRANSPORT_RULES,
  buildBusinessReceipt,
  buildDocumentAck,
  validateDocumentMessage,
} from '../../src/documents/transport/index.js';
import { examplesDir as sharedExamples } from '../helpers/paths.js';
import { example, repoRoot } from './fixtures.js';

const mdm = (): Message =>
  parseMessage(readFileSync(join(repoRoot, 'test', 'documents', 'transport', 'fixtures', 'ans_MDM_T02_CR_Radio_INIT_N1.er7')));
const oru = (): Message =>
  parseMessage(
    readFileSync(join(sharedExamples, 'other', 'ans-hl7v2-exemples', 'transdoc_v2.1_vague2_ORU_R01_CR_bio_INIT_N3_SEGUR_base64.hl7')),
  );
const zam = (): Message =>
  buildBusinessReceipt(
    { kind: 'dmp', acknowledgedControlId: 'CR-1', success: true },
    {
      sendingApplication: 'RIS',
      sendingFacility: 'CHU_X',
      receivingApplication: 'SI-TLR',
      receivingFacility: 'PLAT-TLR',
      controlId: 'ZAM1',
    },
  );

describe('rule packs', () => {
  it('lists every rule of every pack in one registry: the Téléradiologie rules, then those the document packs register', () => {
    assert.deepEqual(
      rulePacks().map((p) => p.id),
      ['document-transport', 'document-ack', 'teleradiologie'],
    );
    const ids = new Set(registeredRules().map((r) => r.rule.id));
    for (const r of [...RULES, ...DOCUMENT_TRANSPORT_RULES]) assert.ok(ids.has(r.id), r.id);
    assert.ok(
      registeredRules().some((r) => r.pack === 'document-ack' && r.rule.id === 'TLR-ACK-001'),
      'the document acknowledgements run the ACK rules',
    );
  });

  it('gives every rule of every pack an id <VOLET>-<AREA>-<NNN>', () => {
    assert.deepEqual(
      registeredRules()
        .filter((r) => !RULE_ID.test(r.rule.id))
        .map((r) => r.rule.id),
      [],
    );
    assert.ok(TELERADIOLOGIE_PACK.rules.every((r) => r.id.startsWith('TLR-')));
    assert.ok(DOCUMENT_TRANSPORT_PACK.rules.every((r) => r.id.startsWith('TDOC-')));
  });

  it('selects the pack and profile of a message from MSH-9, ORC-1 and OBX-2', () => {
    const cases: Array<[string, Message, string, string | null]> = [
      ['flow 1', example('flux1'), 'teleradiologie', 'flux1'],
      ['flow 3', example('flux3'), 'teleradiologie', 'flux3'],
      ['an ACK of a flow', example('ackAA'), 'teleradiologie', 'ack'],
      ['an MDM^T02', mdm(), 'document-transport', 'mdm-t02'],
      ['an ORU^R01 carrying a CDA', oru(), 'document-transport', 'oru-document'],
      ['an ACK^T02', buildDocumentAck(mdm(), { code: 'AA', errors: [] }), 'document-ack', 'document-ack'],
      ['a ZAM receipt (validate and the library; the gateway reads them with readBusinessReceipt)', zam(), 'document-transport', 'zam-z01'],
      ['an ACK^Z01', buildDocumentAck(zam(), { code: 'AA', errors: [] }), 'document-ack', 'document-ack'],
      ['an ADT^A01', parseMessage('MSH|^~\\&|A|B|C|D|20260101||ADT^A01^ADT_A01|1|P|2.5.1\rPID|1\r'), 'teleradiologie', null],
    ];
    for (const [what, message, pack, profile] of cases) {
      const selection = selectRulePack(message);
      assert.deepEqual([selection.pack.id, selection.profile], [pack, profile], what);
    }
  });

  it('validates with the selected pack as each pack’s own entry point does', () => {
    for (const message of [example('flux1'), example('flux4'), parseMessage('MSH|^~\\&|A|B|C|D|20260101||ADT^A01^ADT_A01|1|P|2.5.1\r')]) {
      assert.deepEqual(selectRulePack(message).pack.validate(message.toString()), validateMessage(message.toString()));
    }
    for (const message of [mdm(), oru()])
      assert.deepEqual(selectRulePack(message).pack.validate(message), validateDocumentMessage(message));
    const ack = buildDocumentAck(mdm(), { code: 'AA', errors: [] });
    const report = selectRulePack(ack).pack.validate(ack.toString());
    assert.equal(report.profile, 'document-ack');
    assert.equal(report.valid, true, JSON.stringify(report.issues));
  });

  it('registers a pack once, and refuses another pack under a registered id or a rule id outside the convention', () => {
    registerRulePack(DOCUMENT_ACK_PACK);
    assert.equal(rulePacks().filter((p) => p.id === 'document-ack').length, 1);
    assert.throws(() => registerRulePack({ ...DOCUMENT_ACK_PACK }), /Another rule pack is registered as document-ack/);
    const badRule = { ...RULES[0]!, id: 'F1-TLR-1' };
    const bad: RulePack = { ...TELERADIOLOGIE_PACK, id: 'test-bad-ids', rules: [badRule] };
    assert.throws(() => registerRulePack(bad), /F1-TLR-1 of pack test-bad-ids does not follow the rule-id convention/);
    assert.ok(!rulePacks().some((p) => p.id === 'test-bad-ids'));
  });
});
