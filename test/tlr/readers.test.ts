import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import {
  buildAcknowledgement,
  buildCancellationMessage,
  buildDecisionMessage,
  buildOrderMessage,
  buildPostExamMessage,
  readAcknowledgementMessage,
  readCancellationMessage,
  readDecisionMessage,
  readMessage,
  readOrderMessage,
  readPostExamMessage,
} from '../../src/tlr/index.js';
import { examplesDir } from '../helpers/paths.js';
import * as f from './fixtures.js';

const example = (name: string): Buffer => readFileSync(join(examplesDir, 'teleradiologie', name));
const rules = (r: { issues: ReadonlyArray<{ severity: string; rule: string }> }): string[] =>
  r.issues.map((i) => `${i.severity} ${i.rule}`);

describe('validating readers', () => {
  it('reads a built flow-1 message into the same order with a clean report', () => {
    const { value, report } = readOrderMessage(buildOrderMessage(f.order, f.risContext).toBytes());
    assert.equal(report.valid, true);
    assert.deepEqual(value, { kind: 'order', context: f.risContext, order: f.order });
  });

  it('reads flows 2, 3 and 4 and the ACK with their dedicated readers', () => {
    assert.deepEqual(
      readCancellationMessage(buildCancellationMessage(f.cancellation, f.risContext).toString()).value?.cancellation,
      f.cancellation,
    );
    assert.deepEqual(readDecisionMessage(buildDecisionMessage(f.refusal, f.platformContext)).value?.decision, f.refusal);
    assert.deepEqual(readPostExamMessage(buildPostExamMessage(f.postExamInfo, f.risContext).toBytes()).value?.postExamInfo, f.postExamInfo);
    const original = buildDecisionMessage(f.acceptance, f.platformContext);
    const ack = readAcknowledgementMessage(buildAcknowledgement(original, { code: 'AA', controlId: 'A1' }).toBytes(), {
      acknowledged: original,
    });
    assert.equal(ack.report.valid, true);
    assert.deepEqual(ack.value?.acknowledgement, { code: 'AA', acknowledgedControlId: '000003', acknowledgedEvent: 'R01', errors: [] });
    assert.equal(ack.value?.context.sendingApplication, 'StructureApp');
  });

  it('readMessage detects the flow and returns a value discriminated by kind', () => {
    const kinds = [
      buildOrderMessage(f.order, f.risContext),
      buildCancellationMessage(f.cancellation, f.risContext),
      buildDecisionMessage(f.acceptance, f.platformContext),
      buildPostExamMessage(f.postExamInfo, f.risContext),
    ].map((m) => readMessage(m.toBytes()));
    assert.deepEqual(
      kinds.map((r) => r.value?.kind),
      ['order', 'cancellation', 'decision', 'postExamInfo'],
    );
    assert.deepEqual(
      kinds.map((r) => r.report.profile),
      ['flux1', 'flux2', 'flux3', 'flux4'],
    );
    const decision = kinds[2]!.value;
    assert.ok(decision?.kind === 'decision' && decision.decision.outcome.accepted);
    assert.equal(
      decision.decision.outcome.protocols[1]?.kind === 'document' && decision.decision.outcome.protocols[1].mediaType,
      'application/pdf',
    );
  });

  it('reads the guide examples with the findings the checklist expects of them', () => {
    const flux1 = readOrderMessage(example('flux1_ORM_O01_transmission_demande.hl7'));
    assert.deepEqual(rules(flux1.report), ['warning TLR-PID-008']);
    assert.equal(flux1.value?.order.justification, 'JustificationDemande');
    const flux3 = readDecisionMessage(example('flux3_ORU_R01_reponse_demande.hl7'));
    assert.equal(flux3.report.valid, false);
    assert.ok(rules(flux3.report).includes('error TLR-OBX-016'));
    assert.equal(flux3.value?.decision.outcome.accepted, true, 'the value is still read for an invalid message');
  });

  it("gives no value, and the validator's errors, for a message of another flow", () => {
    const { value, report } = readOrderMessage(buildPostExamMessage(f.postExamInfo, f.risContext).toBytes());
    assert.equal(value, undefined);
    assert.equal(report.valid, false);
  });

  it('never throws on input that is not HL7 at all', () => {
    for (const input of ['', 'hello', 'MSH|', Buffer.from([0xff, 0xfe, 0x00, 0x41]), 'MSH|^~\\&|A|B|C|D|2026|||X|P|2.5.1\rORC|NW\r']) {
      for (const reader of [
        readOrderMessage,
        readCancellationMessage,
        readDecisionMessage,
        readPostExamMessage,
        readAcknowledgementMessage,
        readMessage,
      ]) {
        const result = reader(input);
        assert.equal(result.report.valid, false, `${reader.name} on ${JSON.stringify(String(input))}`);
      }
    }
  });

  it('reads what it can from an order missing required parts, and reports the missing parts', () => {
    const broken = buildOrderMessage(f.order, f.risContext);
    broken.segments.splice(
      broken.segments.findIndex((s) => s.name === 'PV1'),
      1,
    );
    broken.segment('ORC')!.set(12, '');
    const { value, report } = readOrderMessage(broken.toBytes());
    assert.equal(report.valid, false);
    assert.ok(rules(report).includes('error TLR-PV1-001'));
    assert.equal(value?.order.responsibleProfessional.idNat, '');
    assert.equal(value?.order.visit.patientClass, '');
    assert.deepEqual(value?.order.patient, f.patient);
  });
});
