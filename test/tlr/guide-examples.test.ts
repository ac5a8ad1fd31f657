import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

import { parseMessage } from '../../src/hl7/index.js';
import type { Patient, Visit } from '../../src/tlr/model/index.js';
import { tlrMessageFromMessage } from '../../src/tlr/read/mapping.js';
import { examplesDir } from '../helpers/paths.js';

/** The guide's example messages (`../shared/data/examples/teleradiologie`), read into domain objects. */
const exampleDir = join(examplesDir, 'teleradiologie');
const example = (name: string): Buffer => readFileSync(join(exampleDir, name));
const read = (name: string) => tlrMessageFromMessage(parseMessage(example(name)));

const guidePatient: Patient = {
  ins: { value: '279035121518989', authorityOid: '1.2.250.1.213.1.4.10', effectiveDate: '2010-12-07' },
  birthName: 'PAT-TROIS',
  firstGivenName: 'DOMINIQUE',
  birthGivenNames: 'DOMINIQUE',
  birthDate: '1979-03-28',
  sex: 'F',
  birthplaceCode: '63220',
  address: { street: '28 Av de Breteuil', city: 'PARIS', postalCode: '75007', country: 'FRA' },
  accountNumber: {
    value: '405660',
    assigningAuthority: { namespaceId: 'AUT-AFFECTATION', universalId: '1204567809', universalIdType: 'M' },
    type: 'AN',
    effectiveDate: '2010-12-05',
  },
  identityStatus: 'VALI',
};

const guideVisit: Visit = {
  patientClass: 'O',
  visitNumber: {
    value: '000897406',
    assigningAuthority: { namespaceId: 'CHU-X', universalId: '000897406', universalIdType: 'M' },
    type: 'VN',
    effectiveDate: '2021-04-09',
  },
  admittedAt: '2026-01-03T13:44:18',
};

const hoda = { idNat: '801234567897', familyName: 'Hoda', givenName: 'Adam', prefix: 'DR', identifierType: 'IDNPS' };
const eric = { idNat: '801234564895', familyName: 'Eric', givenName: 'Thomas', prefix: 'DR', identifierType: 'IDNPS' };
const placer = { value: 'OPN101', authorityOid: '1.2.250.1.748.12345678.12' };

describe('reading the guide examples into domain objects', () => {
  it('reads every field of the flow-1 example (ORM^O01 NW) into an ImagingOrder', () => {
    const value = read('flux1_ORM_O01_transmission_demande.hl7');
    assert.equal(value?.kind, 'order');
    assert.deepEqual(value.context, {
      sendingApplication: 'StructureApp',
      sendingFacility: 'StructureFacility',
      receivingApplication: 'TLRapp',
      receivingFacility: 'TLRfacility',
      controlId: '000001',
      timestamp: '2026-01-06T13:44:18',
      processingId: 'P',
      charset: 'UNICODE UTF-8',
    });
    assert.deepEqual(value.order, {
      placerOrderNumber: placer,
      patient: guidePatient,
      visit: guideVisit,
      requestedAt: '2026-01-06T13:44:18',
      responsibleProfessional: hoda,
      remoteRadiologist: eric,
      callbackPhone: '+3360708091',
      imagingFacility: { name: 'Structure-Y', identifierType: 'FINEG', identifier: '300017985' },
      justification: 'JustificationDemande',
      purposeNotes: ["Commentaire sur la finalité de l'examen"],
      requestedModality: { code: 'MR', codingSystem: 'DCM', display: 'IRM', notes: ['Commentaire sur la modalité'] },
      anatomicalRegions: [
        { region: { code: '774007', display: 'tête et/ou cou' }, qualifier: { code: '24028007', display: 'côté droit' } },
      ],
      medicalHistory: [{ text: 'Antécédents majeur du patient', relevance: 'MAJEUR' }],
      height: { value: 170, unit: 'cm' },
      weight: { value: 68, unit: 'kg' },
      pregnant: false,
    });
  });

  it('reads the flow-2 example (ORM^O01 CA) with its text-only cancellation reason', () => {
    const value = read('flux2_ORM_O01_annulation_demande.hl7');
    assert.equal(value?.kind, 'cancellation');
    assert.deepEqual(value.cancellation, {
      placerOrderNumber: placer,
      patient: guidePatient,
      visit: guideVisit,
      cancelledAt: '2026-01-06T13:45:18',
      responsibleProfessional: hoda,
      imagingFacility: { name: 'Structure-Y', identifierType: 'FINEG', identifier: '300017985' },
      reason: { text: "Motif d'annulation de la demande" },
    });
  });

  it('reads the flow-3 example (ORU^R01 OK) as an acceptance without visit, keeping the placeholder protocol as received', () => {
    const value = read('flux3_ORU_R01_reponse_demande.hl7');
    assert.equal(value?.kind, 'decision');
    const { decision } = value;
    assert.equal(decision.visit, undefined);
    assert.deepEqual(decision.remoteRadiologist, eric);
    assert.deepEqual(decision.platform, { name: 'Plateforme-Y', identifierType: 'FINEG', identifier: '300017986' });
    // The guide's payload is not base64 (21 characters): it cannot be recognised, so it is an octet stream.
    assert.deepEqual(decision.outcome, {
      accepted: true,
      protocols: [{ kind: 'document', mediaType: 'application/octet-stream', base64: 'Pendggfbubzbdy12gggvt' }],
    });
  });

  it('reads the flow-4 example (OMI^O23 SR) into one performed exam with product, device and lot kept as text', () => {
    const value = read('flux4_OMI_O23_complement_post_examen.hl7');
    assert.equal(value?.kind, 'postExamInfo');
    const info = value.postExamInfo;
    assert.deepEqual(info.placerOrderNumber, placer);
    assert.deepEqual(info.visit, { ...guideVisit, dischargedAt: '2026-01-07T13:44:18' });
    assert.equal(info.exams.length, 1);
    const exam = info.exams[0]!;
    const { viewerUrl, ...rest } = exam;
    // The example's URL is a placeholder whose base64 decodes to bytes that are not text.
    assert.equal(viewerUrl, Buffer.from('Penfhghdegge', 'base64').toString('utf8'));
    assert.deepEqual(rest, {
      accessionNumber: { value: 'ACN101', authorityOid: '1.2.250.1.925.994044.27' },
      studyInstanceUid: '1.2.250.1.213.4.5.2.1.101',
      procedure: { code: '24590-2', display: 'résonance magnétique cerveau' },
      performedAt: '2026-01-06T18:44:18',
      imageRetentionDays: 730,
      modality: { code: 'MR', codingSystem: 'DCM', display: 'IRM' },
      anatomicalRegions: [
        { region: { code: '774007', display: 'tête et/ou cou' }, qualifier: { code: '24028007', display: 'côté droit' } },
      ],
      administeredProducts: [{ atc: { code: 'V09' }, lotNumber: '0123456789', quantity: { value: 1, unit: 'ml' } }],
      device: { identifier: '1234567896363', model: 'Modèle' },
    });
  });

  it('reads the positive and negative ACK examples with their MSA and ERR content', () => {
    const aa = read('ack_AA_acquittement_positif.hl7');
    assert.equal(aa?.kind, 'acknowledgement');
    assert.deepEqual(aa.acknowledgement, { code: 'AA', acknowledgedControlId: '12345', acknowledgedEvent: 'R01', errors: [] });
    assert.equal(aa.context.charset, '8859/15');

    const ae = read('ack_AE_version_non_supportee.hl7');
    assert.equal(ae?.kind, 'acknowledgement');
    assert.equal(ae.acknowledgement.code, 'AE');
    assert.equal(ae.acknowledgement.errors.length, 1);
    const err = ae.acknowledgement.errors[0]!;
    assert.equal(err.condition, '203');
    assert.equal(err.severity, 'E');
    assert.deepEqual(err.location, { segment: 'MSH', occurrence: 1, field: 12 });
  });
});
