import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseMessage } from '../../src/hl7/index.js';
import { validateMessage } from '../../src/profiles/index.js';
import type { Finding } from '../../src/profiles/index.js';
import {
  buildAcknowledgement,
  buildCancellationMessage,
  buildDecisionMessage,
  buildOrderMessage,
  buildPostExamMessage,
  TlrBuildError,
} from '../../src/tlr/index.js';
import type { ImagingOrder, Patient } from '../../src/tlr/index.js';
import * as f from './fixtures.js';

const rules = (issues: readonly Finding[]): string[] => issues.map((i) => `${i.severity} ${i.rule}`);

function expectBuildError(fn: () => unknown, code: TlrBuildError['code'], path: string): void {
  assert.throws(fn, (e: unknown) => e instanceof TlrBuildError && e.code === code && e.path === path);
}

describe('builders produce messages the validator accepts without any finding', () => {
  it('flow 1: the realistic imaging order validates against flux1 with no error and no warning', () => {
    const report = validateMessage(buildOrderMessage(f.order, f.risContext).toBytes(), { profile: 'flux1' });
    assert.deepEqual(rules(report.issues), []);
    assert.equal(report.profile, 'flux1');
  });

  it('flow 2: the cancellation validates against flux2 with no finding', () => {
    const report = validateMessage(buildCancellationMessage(f.cancellation, f.risContext).toBytes(), { profile: 'flux2' });
    assert.deepEqual(rules(report.issues), []);
  });

  it('flow 3: an acceptance with a text and a PDF protocol validates against flux3 with no finding', () => {
    const report = validateMessage(buildDecisionMessage(f.acceptance, f.platformContext).toBytes(), { profile: 'flux3' });
    assert.deepEqual(rules(report.issues), []);
  });

  it('flow 3: a refusal with a reason validates against flux3 with no finding', () => {
    const report = validateMessage(buildDecisionMessage(f.refusal, f.platformContext).toBytes(), { profile: 'flux3' });
    assert.deepEqual(rules(report.issues), []);
  });

  it('flow 4: two performed exams validate against flux4 with no finding', () => {
    const report = validateMessage(buildPostExamMessage(f.postExamInfo, f.risContext).toBytes(), { profile: 'flux4' });
    assert.deepEqual(rules(report.issues), []);
  });

  it('auto-detects the profile of every built message', () => {
    assert.equal(validateMessage(buildOrderMessage(f.order, f.risContext)).profile, 'flux1');
    assert.equal(validateMessage(buildCancellationMessage(f.cancellation, f.risContext)).profile, 'flux2');
    assert.equal(validateMessage(buildDecisionMessage(f.refusal, f.platformContext)).profile, 'flux3');
    assert.equal(validateMessage(buildPostExamMessage(f.postExamInfo, f.risContext)).profile, 'flux4');
  });

  it('ACK: a positive acknowledgement of flow 1 passes the correlated ACK rules', () => {
    const original = buildOrderMessage(f.order, f.risContext);
    const ack = buildAcknowledgement(original, { code: 'AA', controlId: 'ACK-1', timestamp: '2026-01-06T13:44:19+01:00' });
    assert.equal(ack.get('MSH-9'), 'ACK');
    assert.equal(ack.raw('MSH-9'), 'ACK^O01^ACK');
    assert.equal(ack.get('MSH-7'), '20260106134419+0100');
    const report = validateMessage(ack.toBytes(), { profile: 'ack', acknowledged: original });
    assert.deepEqual(rules(report.issues), []);
  });

  it('ACK: a negative acknowledgement carries its ERR and still passes the ACK rules', () => {
    const original = buildPostExamMessage(f.postExamInfo, f.risContext);
    const ack = buildAcknowledgement(original, {
      code: 'AR',
      errors: [{ condition: '207', severity: 'E', message: 'Demande annulée : complément refusé' }],
    });
    assert.equal(ack.raw('MSH-9'), 'ACK^O23^ACK');
    const report = validateMessage(ack.toBytes(), { profile: 'ack', acknowledged: original });
    assert.deepEqual(rules(report.issues), []);
  });
});

describe('builders encode text safely', () => {
  it('escapes every HL7 delimiter in free text and names, and the value reads back intact', () => {
    const message = buildOrderMessage(f.order, f.risContext);
    assert.equal(
      message.raw('OBR-13'),
      'Céphalées brutales depuis 48 h \\F\\ vomissements \\S\\ flou visuel \\T\\ raideur \\R\\ nuque \\E\\ fièvre',
    );
    assert.equal(parseMessage(message.toBytes()).get('OBR-13'), f.order.justification);
    const odd: Patient = { ...f.patient, birthName: 'D’ARC|DE^LA~PUCELLE&\\' };
    const reread = parseMessage(buildOrderMessage({ ...f.order, patient: odd }, f.risContext).toBytes());
    assert.equal(reread.get('PID-5.1'), 'D’ARC|DE^LA~PUCELLE&\\');
    assert.equal(reread.segments.length, buildOrderMessage(f.order, f.risContext).segments.length);
  });

  it('writes line breaks of free text as \\.br\\ (FT), never as a segment terminator', () => {
    const message = buildDecisionMessage(f.acceptance, f.platformContext);
    assert.match(message.raw('OBX-5'), /^IRM cérébrale :\\\.br\\séquences/);
    assert.equal(message.toString().split('\r').filter(Boolean).length, message.segments.length);
  });

  it('encodes an 8859/15 message in Latin-9 bytes, substituting the typographic apostrophe', () => {
    const bytes = buildOrderMessage(f.order, { ...f.risContext, charset: '8859/15' }).toBytes();
    assert.ok(bytes.includes(Buffer.from('C\xe9phal\xe9es', 'latin1')), 'é is the single byte 0xE9');
    assert.ok(!bytes.includes(Buffer.from('’', 'utf8')), 'no UTF-8 sequence left');
    assert.equal(parseMessage(bytes).get('NTE-3'), "Recherche d'hémorragie méningée");
    assert.deepEqual(rules(validateMessage(bytes, { profile: 'flux1' }).issues), []);
  });

  it('keeps Latin-9 letters such as œ and Œ, drops foreign accents, and refuses letters with no Latin-9 form', () => {
    const latin9 = { ...f.risContext, charset: '8859/15' as const };
    const kept = parseMessage(buildOrderMessage({ ...f.order, justification: 'Œdème du cœur – Bucureşti' }, latin9).toBytes());
    assert.equal(kept.get('OBR-13'), 'Œdème du cœur - Bucuresti');
    expectBuildError(
      () => buildOrderMessage({ ...f.order, patient: { ...f.patient, birthName: 'Łukasiewicz' } }, latin9),
      'TLR_ERR_BUILD_UNREPRESENTABLE',
      'PID-5',
    );
    assert.doesNotThrow(() =>
      buildOrderMessage({ ...f.order, patient: { ...f.patient, birthName: 'Łukasiewicz' } }, f.risContext).toBytes(),
    );
  });

  it('writes numbers in plain decimal notation, never with an exponent', () => {
    const tiny: ImagingOrder = { ...f.order, weight: { value: 1e-7, unit: 'kg' }, height: { value: 1e21, unit: 'cm' } };
    const message = buildOrderMessage(tiny, f.risContext);
    assert.equal(message.get('OBX[7]-5'), '0.0000001');
    assert.equal(message.get('OBX[6]-5'), '1000000000000000000000');
  });
});

describe('builders report what the volet cannot carry', () => {
  it("reports a several-region order with the guide's warning only (TLR-F1-031)", () => {
    const twoRegions: ImagingOrder = {
      ...f.order,
      anatomicalRegions: [...f.order.anatomicalRegions, { region: { code: '67734004' } }],
    };
    const message = buildOrderMessage(twoRegions, f.risContext);
    assert.equal(message.get('OBX[4]-4'), '2.1');
    assert.deepEqual(rules(validateMessage(message).issues), ['warning TLR-F1-031']);
  });

  it('sends an alphanumeric lot number as TX (warning TLR-F4-048) and a numeric one as NM', () => {
    const exam = {
      ...f.postExamInfo.exams[0]!,
      administeredProducts: [{ atc: { code: 'V10' }, lotNumber: 'LOT-A12', quantity: { value: 2, unit: 'mL' } }],
    };
    const message = buildPostExamMessage({ ...f.postExamInfo, exams: [exam] }, f.risContext);
    const lot = message.all('OBX').find((o) => o.get(4) === '1.2' && o.get('3.1') === 'PRODUIT_ADMINISTRE')!;
    assert.equal(lot.get(2), 'TX');
    assert.deepEqual(rules(validateMessage(message).issues), ['warning TLR-F4-048']);
  });

  it('names the missing or malformed value of the domain object', () => {
    expectBuildError(
      () => buildOrderMessage({ ...f.order, patient: { ...f.patient, birthName: ' ' } }, f.risContext),
      'TLR_ERR_BUILD_MISSING_VALUE',
      'order.patient.birthName',
    );
    expectBuildError(
      () => buildOrderMessage({ ...f.order, requestedAt: '2026-02-30T10:00:00' }, f.risContext),
      'TLR_ERR_BUILD_INVALID_VALUE',
      'order.requestedAt',
    );
    expectBuildError(
      () => buildOrderMessage({ ...f.order, anatomicalRegions: [] }, f.risContext),
      'TLR_ERR_BUILD_MISSING_VALUE',
      'order.anatomicalRegions',
    );
    expectBuildError(
      () =>
        buildOrderMessage({ ...f.order, imagingFacility: { name: 'Radiologie', identifierType: 'UF', identifier: 'UF42' } }, f.risContext),
      'TLR_ERR_BUILD_MISSING_VALUE',
      'order.imagingFacility.establishmentFiness',
    );
    expectBuildError(
      () => buildOrderMessage({ ...f.order, visit: { patientClass: 'I' } }, f.risContext),
      'TLR_ERR_BUILD_MISSING_VALUE',
      'order.visit.visitNumber',
    );
    expectBuildError(
      () => buildOrderMessage({ ...f.order, patient: { birthName: 'X' } }, f.risContext),
      'TLR_ERR_BUILD_MISSING_VALUE',
      'order.patient.ins',
    );
    expectBuildError(
      () => buildOrderMessage(f.order, { ...f.risContext, sendingFacility: '' }),
      'TLR_ERR_BUILD_MISSING_VALUE',
      'context.sendingFacility',
    );
    expectBuildError(
      () => buildPostExamMessage({ ...f.postExamInfo, exams: [{ ...f.postExamInfo.exams[0]!, imageRetentionDays: 1.5 }] }, f.risContext),
      'TLR_ERR_BUILD_INVALID_VALUE',
      'postExamInfo.exams[0].imageRetentionDays',
    );
  });

  it('refuses an encapsulated protocol whose content is not what it declares, or not base64', () => {
    const xml = Buffer.from('<?xml version="1.0"?><protocole/>').toString('base64');
    expectBuildError(
      () =>
        buildDecisionMessage(
          { ...f.acceptance, outcome: { accepted: true, protocols: [{ kind: 'document', mediaType: 'application/pdf', base64: xml }] } },
          f.platformContext,
        ),
      'TLR_ERR_BUILD_INVALID_VALUE',
      'decision.outcome.protocols[0].mediaType',
    );
    expectBuildError(
      () =>
        buildDecisionMessage(
          {
            ...f.acceptance,
            outcome: { accepted: true, protocols: [{ kind: 'document', mediaType: 'application/pdf', base64: 'Pendggfbubzbdy12gggvt' }] },
          },
          f.platformContext,
        ),
      'TLR_ERR_BUILD_INVALID_VALUE',
      'decision.outcome.protocols[0].base64',
    );
    expectBuildError(
      () => buildDecisionMessage({ ...f.acceptance, outcome: { accepted: true, protocols: [] } }, f.platformContext),
      'TLR_ERR_BUILD_MISSING_VALUE',
      'decision.outcome.protocols',
    );
  });

  it('fills the header defaults: new control id, current Paris time, P, UTF-8', () => {
    const { controlId: _c, timestamp: _t, processingId: _p, charset: _s, ...routing } = f.risContext;
    const message = buildOrderMessage(
      { ...f.order, patient: { ...f.patient, ins: { ...f.patient.ins!, authorityOid: '1.2.250.1.213.1.4.8' } } },
      routing,
    );
    assert.match(message.get('MSH-10'), /^[0-9A-Z]{1,20}$/);
    assert.match(message.get('MSH-7'), /^\d{14}[+-]\d{4}$/);
    assert.equal(message.get('MSH-11'), 'P');
    assert.equal(message.get('MSH-18'), 'UNICODE UTF-8');
    assert.equal(message.raw('MSH-21'), '1.0^CISIS_TLR_HL7_V2');
  });
});
