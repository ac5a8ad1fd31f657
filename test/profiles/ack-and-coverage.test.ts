import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseMessage, readAck, tryParseMessage } from '../../src/hl7/index.js';
import { RULES, ackForValidation, detectProfile, pinnedValueSets, validateMessage } from '../../src/profiles/index.js';
import { WORKFLOW_RULES } from '../../src/workflow/checks/index.js';
import { checklistPath, example, exampleBytes } from './fixtures.js';

describe('ackForValidation builds the ACK of ack.md §5.3', () => {
  it('answers AE with one ERR per error: location, 0357 condition, severity E, rule id, message (flow 3 example)', () => {
    const report = validateMessage(exampleBytes('flux3'));
    const ack = ackForValidation(report.message!, report);
    const summary = readAck(ack);
    assert.equal(summary.code, 'AE');
    assert.equal(summary.acknowledgedControlId, '000003');
    assert.equal(ack.get('MSH-9'), 'ACK');
    assert.equal(ack.raw('MSH-9'), 'ACK^R01^ACK');
    assert.equal(summary.errors.length, 1);
    assert.equal(ack.raw('ERR-2'), 'OBX^1^5^^5');
    assert.equal(ack.get('ERR-3.1'), '102');
    assert.equal(ack.get('ERR-4'), 'E');
    assert.equal(ack.get('ERR-5'), 'TLR-OBX-016');
    assert.match(ack.get('ERR-8'), /base64/);
  });

  it('answers AA with the warnings as ERR of severity W (flow 4 example)', () => {
    const report = validateMessage(exampleBytes('flux4'));
    const summary = readAck(ackForValidation(report.message!, report));
    assert.equal(summary.code, 'AA');
    assert.deepEqual(summary.errors.map((e) => `${e.applicationCode}/${e.severity}`).sort(), [
      'TLR-F4-027/W',
      'TLR-F4-028/W',
      'TLR-PID-008/W',
    ]);
  });

  it('answers AR when every error is a business-state rejection (0357 codes 204–207)', () => {
    const report = {
      profile: 'flux2' as const,
      valid: false,
      message: example('flux2'),
      issues: [
        {
          severity: 'error' as const,
          rule: 'TLR-WF-003',
          location: 'ORC-2',
          message: 'Cancellation of unknown order',
          condition: '204' as const,
        },
      ],
    };
    const summary = readAck(ackForValidation(report.message, report));
    assert.equal(summary.code, 'AR');
    assert.equal(summary.errors[0]!.condition, '204');
  });

  it('acknowledges an unparseable message from its best-effort header, with the GEN-001 error', () => {
    const bytes = Buffer.from(exampleBytes('flux1').toString('utf8').replace('\rPV1|', '\rpv1|'));
    const report = validateMessage(bytes);
    assert.equal(report.valid, false);
    const ack = ackForValidation(tryParseMessage(bytes).header!, report);
    assert.equal(readAck(ack).code, 'AE');
    assert.equal(ack.get('ERR-5'), 'TLR-GEN-001');
  });
});

describe('detectProfile identifies the flow from MSH-9 and ORC-1 (TLR-GEN-003)', () => {
  it('recognises the four flows and the acknowledgement', () => {
    assert.equal(detectProfile(example('flux1')), 'flux1');
    assert.equal(detectProfile(example('flux2')), 'flux2');
    assert.equal(detectProfile(example('flux3')), 'flux3');
    assert.equal(detectProfile(example('flux4')), 'flux4');
    assert.equal(detectProfile(example('ackAA')), 'ack');
  });
  it('returns null for mixed ORC-1 values, a missing ORC or an ORC-1 of another message type', () => {
    const mixed = example('flux4');
    mixed.set('ORC-1', 'NW');
    assert.equal(detectProfile(mixed), null);
    assert.equal(detectProfile(parseMessage('MSH|^~\\&|A|B|C|D|20260101||ORM^O01^ORM_O01|1|P|2.5.1\rPID|||1\r')), null);
  });
});

describe('rule coverage of the conformance checklist', () => {
  const checklist = readFileSync(checklistPath, 'utf8');
  const sections = checklist.split('## 13.')[0]!;
  const ids = [...new Set([...sections.matchAll(/^\| (TLR-[A-Z0-9]+-\d{3}) \|/gm)].map((m) => m[1]!))];
  const implemented = new Set([...RULES, ...WORKFLOW_RULES].map((r) => r.id));
  const testDir = dirname(fileURLToPath(import.meta.url));
  const tests = readdirSync(testDir)
    .filter((f) => f.endsWith('.test.js'))
    .map((f) => readFileSync(join(testDir, f), 'utf8'))
    .join('\n');

  it('reads every rule id of sections 1–12 from the checklist', () => assert.ok(ids.length >= 230, `only ${ids.length} ids found`));
  it('implements every rule of sections 1–12 under its exact id', () => {
    assert.deepEqual(
      ids.filter((id) => !implemented.has(id)),
      [],
    );
  });
  it('implements no rule id that the checklist does not define', () => {
    assert.deepEqual(
      [...implemented].filter((id) => !ids.includes(id)),
      [],
    );
  });
  it('has a test naming every rule id', () => {
    assert.deepEqual(
      ids.filter((id) => !tests.includes(`'${id}`) && !tests.includes(`${id}:`) && !tests.includes(`${id}/`)),
      [],
    );
  });
  it('gives every rule a summary, a 0357 condition and the checklist severity', () => {
    for (const r of [...RULES, ...WORKFLOW_RULES]) {
      const row = new RegExp(`^\\| ${r.id} \\|[^|]*\\| (error|warning) \\|`, 'm').exec(sections);
      assert.ok(row, r.id);
      assert.equal(r.severity, row[1], `${r.id} severity`);
      assert.ok(r.summary.length > 10 && r.condition.length > 0, r.id);
    }
  });
  it('pins the four value sets of the JDV rules with their release and source', () => {
    const sets = pinnedValueSets();
    assert.deepEqual(sets.map((s) => s.oid).sort(), [
      '1.2.250.1.213.1.1.5.660',
      '1.2.250.1.213.1.1.5.687',
      '1.2.250.1.213.1.1.5.688',
      '1.2.250.1.213.1.1.5.695',
    ]);
    for (const s of sets) assert.ok(s.version && s.sourceFile && /^\d{4}-\d{2}-\d{2}$/.test(s.generatedAt), s.name);
  });
});
