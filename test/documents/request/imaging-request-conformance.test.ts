import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ImagingRequestError, generateImagingRequest, imagingRequestInputFromOrder } from '../../../src/documents/request/index.js';
import type { ImagingRequestInput } from '../../../src/documents/request/index.js';
import { CdaValidationWorker } from '../../../src/documents/validation/index.js';
import { ClinicalDataGenerator } from '../../../src/simulate/index.js';

const FACILITY_TYPE = { code: 'SA01', display: 'Etablissement public de santé', codeSystem: '1.2.250.1.71.4.2.4' };
const PRACTICE_SETTING = { code: 'ETABLISSEMENT', display: 'Etablissement de santé', codeSystem: '1.2.250.1.213.1.1.4.9' };
const SPECIALTY = { code: 'G15_10/SM26', display: 'Médecin - Qualifié en Médecine Générale (SM)', codeSystem: '1.2.250.1.213.1.1.4.5' };

/** Orders of the simulators' clinical data generator, with the DA-IMG-only clinical data it draws. */
function corpus(size: number, seed: number): ImagingRequestInput[] {
  const g = new ClinicalDataGenerator({ seed, now: () => new Date('2025-03-14T09:30:00+01:00') });
  const inputs: ImagingRequestInput[] = [];
  for (let i = 0; i < size; i++) {
    const order = g.imagingOrder();
    inputs.push(
      imagingRequestInputFromOrder(order, {
        document: { effectiveTime: new Date('2025-03-14T09:31:00+01:00') },
        facilityType: FACILITY_TYPE,
        practiceSetting: PRACTICE_SETTING,
        prescriberSpecialty: SPECIALTY,
        clinical: g.requestClinicalData(order),
      }),
    );
  }
  return inputs;
}

function errorsOf(issues: readonly { severity: string; source: string; rule: string; message: string; location: string }[]): string[] {
  return issues
    .filter((i) => i.severity === 'error')
    .map((i) => `${i.source} ${i.rule} ${i.location}: ${i.message.replace(/\s+/g, ' ').trim()}`);
}

describe('IMG-DA-IMG generator over a seeded corpus of orders', () => {
  const worker = new CdaValidationWorker();
  before(() => worker.warmUp());
  after(() => worker.close());
  // 20 orders × 2 levels: about 40 validations of ~0.4 s each on two cores.
  const inputs = corpus(20, 19_2025);

  it('draws a corpus that exercises the optional parts (contra-indications, urgency, PET or scintigraphy, measurements)', () => {
    assert.ok(inputs.some((i) => (i.clinical?.contraIndications?.length ?? 0) > 0 || i.order.pregnant === true));
    assert.ok(inputs.some((i) => i.clinical?.urgency));
    assert.ok(inputs.some((i) => i.order.weight));
    assert.ok(inputs.some((i) => i.order.anatomicalRegions.some((r) => r.qualifier)));
    assert.ok(new Set(inputs.map((i) => i.order.requestedModality.code)).size >= 4);
  });

  for (const level of [3, 1] as const) {
    it(`level ${level}: every document passes the XSD and every applicable ANS rule set with 0 errors`, async () => {
      const failures: string[] = [];
      for (const input of inputs) {
        const doc = await generateImagingRequest(input, { level });
        const report = await worker.validate(doc.xml);
        assert.equal(report.profile, level === 3 ? 'IMG-DA-IMG_2024.01' : 'IMG-DA-IMG_N1');
        if (level === 3) assert.ok(report.ruleSets.includes('CI-SIS_IMG-DA-IMG_2024.01'));
        for (const e of errorsOf(report.issues))
          failures.push(`${input.order.placerOrderNumber.value} (${input.order.requestedModality.code}): ${e}`);
        // The documented request is the order: serviceEvent/id is the Order Placer Number.
        const placer = input.order.placerOrderNumber;
        const root = placer.authorityOid.replace(/\./g, '\\.');
        const serviceEvent = `<serviceEvent classCode="ACT">\\s*<id root="${root}" extension="${placer.value}"/>\\s*<code code="55115-0"`;
        assert.match(doc.xml, new RegExp(serviceEvent));
      }
      assert.deepEqual(failures, []);
    });
  }
});

describe('IMG-DA-IMG generator input', () => {
  it('refuses a PET request without its studied function, and a patient without INS, listing both problems', async () => {
    const [input] = corpus(1, 7);
    assert.ok(input);
    const { ins: _ins, ...patient } = input.order.patient;
    const bad: ImagingRequestInput = {
      ...input,
      order: { ...input.order, patient, requestedModality: { code: 'PT', display: 'TEP', codingSystem: 'DCM' } },
      clinical: {},
    };
    await assert.rejects(generateImagingRequest(bad, { level: 3 }), (e: unknown) => {
      assert.ok(e instanceof ImagingRequestError);
      assert.equal(e.code, 'TLR_ERR_REQUEST_INPUT_INVALID');
      const paths = e.problems.map((p) => p.path);
      assert.ok(paths.includes('clinical.studiedFunction'), paths.join(', '));
      assert.ok(paths.includes('patient.ins.authorityOid'), paths.join(', '));
      return true;
    });
  });
});
