import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PDFDocument } from 'pdf-lib';
import { validateMessage } from '../../src/profiles/index.js';
import {
  BIRTHPLACES,
  ClinicalDataGenerator,
  EXAM_TYPES,
  EXAM_TYPES_OUTSIDE_VALUE_SETS,
  SeededRandom,
  generateDicomUid,
  generateFiness,
  generateNir,
  generateRppsIdNat,
  insTrait,
  isLuhnValid,
  isValidNir,
  nirKey,
  parseDuration,
} from '../../src/simulate/index.js';
import { INS_OID, buildCancellationMessage, buildDecisionMessage, buildOrderMessage, buildPostExamMessage } from '../../src/tlr/index.js';

const context = {
  sendingApplication: 'RIS',
  sendingFacility: 'CH',
  receivingApplication: 'TLR',
  receivingFacility: 'PLATEFORME',
  processingId: 'T' as const,
};

describe('simulated identifiers', () => {
  it('computes the INS-NIR key as 97 − (first 13 digits mod 97)', () => {
    // 2 79 03 51 215 189 → key 89 (a NIR of the test fixtures).
    assert.equal(nirKey('2790351215189'), '89');
    assert.ok(isValidNir('279035121518989'));
    assert.equal(isValidNir('279035121518988'), false);
  });

  it('counts the Corsican departments 2A and 2B as 19 and 18', () => {
    assert.equal(nirKey('185012A004123'), String(97 - Number(1850119004123n % 97n)).padStart(2, '0'));
    assert.equal(nirKey('299122B033001'), String(97 - Number(2991218033001n % 97n)).padStart(2, '0'));
    const random = new SeededRandom(1);
    for (const birthplaceCode of ['2A004', '2B033']) {
      const nir = generateNir(random, { sex: 'M', birthDate: '1985-01-15', birthplaceCode });
      assert.equal(nir.slice(5, 10), birthplaceCode);
      assert.ok(isValidNir(nir), nir);
    }
  });

  it('builds NIRs consistent with sex, birth date and birthplace', () => {
    const random = new SeededRandom(2);
    const nir = generateNir(random, { sex: 'F', birthDate: '1979-03-28', birthplaceCode: '63113' });
    assert.match(nir, /^2790363113\d{5}$/);
    assert.ok(isValidNir(nir));
  });

  it('issues RPPS-based PS_IdNat and FINESS numbers with a valid Luhn key', () => {
    const random = new SeededRandom(3);
    for (let i = 0; i < 50; i++) {
      const idNat = generateRppsIdNat(random);
      assert.match(idNat, /^810\d{9}$/);
      assert.ok(isLuhnValid(idNat.slice(1)), idNat);
      const finess = generateFiness(random, '24');
      assert.match(finess, /^24\d{7}$/);
      assert.ok(isLuhnValid(finess), finess);
    }
  });

  it('issues UUID-derived DICOM UIDs of at most 64 characters', () => {
    const random = new SeededRandom(4);
    const uids = new Set(Array.from({ length: 200 }, () => generateDicomUid(random)));
    assert.equal(uids.size, 200);
    for (const uid of uids) {
      assert.match(uid, /^2\.25\.(0|[1-9]\d*)$/);
      assert.ok(uid.length <= 64);
    }
  });

  it('writes INS reference traits in upper case without diacritics', () => {
    assert.equal(insTrait('Lœuillet'), 'LOEUILLET');
    assert.equal(insTrait('Hélène Marie-Thérèse'), 'HELENE MARIE-THERESE');
    assert.equal(insTrait('N’Diaye'), "N'DIAYE");
  });

  it('reads durations written for people', () => {
    assert.equal(parseDuration('2s'), 2000);
    assert.equal(parseDuration('250ms'), 250);
    assert.equal(parseDuration('1.5'), 1500);
    assert.equal(parseDuration('1m'), 60_000);
    assert.throws(() => parseDuration('soon'), /not a duration/);
  });
});

describe('simulated clinical data', () => {
  it('draws every exam type from the pinned value sets', () => {
    assert.deepEqual(EXAM_TYPES_OUTSIDE_VALUE_SETS, []);
    assert.ok(EXAM_TYPES.length >= 15);
    assert.ok(
      EXAM_TYPES.some((e) => e.radiopharmaceutical?.atc.code === 'V09'),
      'radiopharmaceuticals are ATC V09 (TLR-F4-046)',
    );
  });

  it('replays the same data from the same seed and differs with another', () => {
    const a = new ClinicalDataGenerator({ seed: 5, now: () => new Date('2026-03-02T10:00:00Z') });
    const b = new ClinicalDataGenerator({ seed: 5, now: () => new Date('2026-03-02T10:00:00Z') });
    const c = new ClinicalDataGenerator({ seed: 6, now: () => new Date('2026-03-02T10:00:00Z') });
    const first = a.imagingOrder();
    assert.deepEqual(b.imagingOrder(), first);
    assert.notDeepEqual(c.imagingOrder(), first);
    assert.notEqual(a.imagingOrder().placerOrderNumber.value, first.placerOrderNumber.value, 'placer numbers follow each other');
  });

  it('generates varied patients with valid test INS, accents and Corsican births', () => {
    const g = new ClinicalDataGenerator({ seed: 8 });
    const patients = Array.from({ length: 300 }, () => g.patient());
    for (const p of patients) {
      assert.equal(p.ins?.authorityOid, INS_OID.nirTest);
      assert.ok(isValidNir(p.ins!.value), p.ins!.value);
      assert.equal(p.ins!.value.slice(5, 10), p.birthplaceCode);
      assert.equal(p.ins!.value[0], p.sex === 'M' ? '1' : '2');
      assert.equal(p.birthName, insTrait(p.birthName));
    }
    assert.ok(
      patients.some((p) => /[À-ÿ]/.test(`${p.usedName}${p.usedGivenName}`)),
      'accented used names',
    );
    assert.ok(
      patients.some((p) => /^2[AB]/.test(p.birthplaceCode ?? '')),
      'Corsican birthplaces',
    );
    assert.ok(
      BIRTHPLACES.some((b) => b.code.startsWith('99')) && patients.some((p) => p.birthplaceCode?.startsWith('99')),
      'births abroad',
    );
    const production = new ClinicalDataGenerator({ seed: 8, processingId: 'P' });
    assert.equal(production.patient().ins, undefined, 'no invented INS in production mode');
  });

  it('builds messages of the four flows that validate without any finding', async () => {
    const g = new ClinicalDataGenerator({ seed: 9 });
    const platform = g.platformOrganisation();
    for (let i = 0; i < 40; i++) {
      const order = g.imagingOrder();
      const radiologist = g.remoteRadiologist();
      const protocols = i % 4 === 0 ? [g.textProtocol(order), await g.pdfProtocol(order, radiologist, platform)] : [g.textProtocol(order)];
      const messages = [
        buildOrderMessage(order, context),
        buildDecisionMessage(
          {
            placerOrderNumber: order.placerOrderNumber,
            patient: order.patient,
            visit: order.visit,
            remoteRadiologist: radiologist,
            platform,
            outcome: i % 5 === 0 ? { accepted: false, reason: g.refusalReason() } : { accepted: true, protocols },
          },
          context,
        ),
        buildCancellationMessage(
          {
            placerOrderNumber: order.placerOrderNumber,
            patient: order.patient,
            visit: order.visit,
            cancelledAt: order.requestedAt,
            responsibleProfessional: order.responsibleProfessional,
            imagingFacility: order.imagingFacility,
            reason: g.cancellationReason(),
          },
          context,
        ),
        buildPostExamMessage(
          { placerOrderNumber: order.placerOrderNumber, patient: order.patient, visit: order.visit, exams: g.performedExams(order) },
          context,
        ),
      ];
      for (const m of messages) assert.deepEqual(validateMessage(m).issues, [], m.toString().replace(/\r/g, '\n'));
    }
  });

  it('renders PDF protocols that a PDF reader opens', async () => {
    const g = new ClinicalDataGenerator({ seed: 10 });
    const order = g.imagingOrder();
    const p = await g.pdfProtocol(order, g.remoteRadiologist(), g.platformOrganisation());
    assert.equal(p.mediaType, 'application/pdf');
    const bytes = Buffer.from(p.base64, 'base64');
    assert.ok(bytes.length < 8_000, `${bytes.length} bytes`);
    const doc = await PDFDocument.load(bytes);
    assert.equal(doc.getPageCount(), 1);
    assert.match(doc.getTitle() ?? '', new RegExp(order.placerOrderNumber.value));
  });

  it('gives performed exams a DRIMbox partial URL with the study UID and the accession number', () => {
    const g = new ClinicalDataGenerator({ seed: 12 });
    for (let i = 0; i < 30; i++) {
      for (const exam of g.performedExams(g.imagingOrder())) {
        const url = new URL(exam.viewerUrl);
        assert.equal(url.protocol, 'https:');
        assert.equal(url.pathname, '/IHEInvokeImageDisplay');
        assert.equal(url.searchParams.get('requestType'), 'STUDY');
        assert.equal(url.searchParams.get('studyUID'), exam.studyInstanceUid);
        assert.equal(url.searchParams.get('Accessionnumber'), `${exam.accessionNumber.authorityOid}.${exam.accessionNumber.value}`);
        for (const product of exam.administeredProducts ?? []) assert.match(product.atc.code, /^V(09|10)$/);
      }
    }
  });
});
