import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseMessage, readAck } from '../../../src/hl7/index.js';
import { buildDocumentAck, readBusinessReceipt, readDocumentMessage } from '../../../src/documents/transport/index.js';
import { examplesDir, repoRoot } from '../../helpers/paths.js';

const ans = (name: string): Buffer => readFileSync(join(examplesDir, 'other', 'ans-hl7v2-exemples', name));
const fixture = (name: string): Buffer => readFileSync(join(repoRoot, 'test', 'documents', 'transport', 'fixtures', name));

type Issue = { severity: string; rule: string; location: string };
const summary = (issues: readonly Issue[]): string[] => issues.map((i) => `${i.severity} ${i.rule} ${i.location}`).sort();

describe('official ANS examples of the volet', () => {
  it('reads the v2.1 SEGUR ORU^R01 carrying a real level-3 CDA: valid, with the three defects of the example as warnings', () => {
    const { value, report } = readDocumentMessage(ans('transdoc_v2.1_vague2_ORU_R01_CR_bio_INIT_N3_SEGUR_base64.hl7'));
    assert.equal(report.profile, 'oru-document');
    assert.equal(report.valid, true);
    // The CDA recordTarget also has the IPP, which PID-3 omits; the patient RCT writes its OID in PRT-5.9.1;
    // the CORPSMAIL_PS base64 is cut short in the source file.
    assert.deepEqual(summary(report.issues), [
      'warning TDOC-DOC-013 PID-3',
      'warning TDOC-META-011 OBX[12]-5.5',
      'warning TDOC-PRT-009 PRT[3]-5.9.1',
    ]);
    assert.ok(value);
    assert.equal(value.kind, 'initial');
    assert.equal(value.structure, 'ORU');
    assert.equal(value.documents.length, 1);
    const doc = value.document!;
    assert.equal(doc.mimeType, 'text/xml');
    assert.deepEqual(doc.id, { root: '1.2.250.1.213.1.1.9' });
    assert.equal(doc.cda?.code?.code, '11502-2');
    assert.equal(doc.bytes!.subarray(0, 5).toString(), '<?xml');
    assert.equal(doc.bytes!.length, 217807);
    assert.deepEqual([value.patient.ins?.value, value.patient.identifiers], ['279035121518989', undefined], 'PID-3 carries the INS alone');
    assert.equal(value.metadata.sendToDmp, true);
    assert.equal(value.metadata.readReceipt, true);
    assert.equal(value.participants.sender?.organisation?.identifier, '1120459876');
    assert.deepEqual(
      value.participants.recipients.map((r) => r.address),
      ['adam.hoda@test-ci-sis.mssante.fr', '27707279035121518989@patient.mssante.fr'],
    );
    assert.equal(value.participants.recipients[1]!.person?.assigningAuthority?.universalId, '1.2.250.1.213.1.4.10');
    assert.equal(value.participants.replyTo, 'adam.hoda@test-ci-sis.mssante.fr');
    assert.deepEqual(value.order, { placerOrderNumber: { value: '98765431', authorityOid: '' } });
  });

  it('reads the v2.1 ORU^R01 with two documents, and reports its placeholder documents as not CDA', () => {
    const { value, report } = readDocumentMessage(ans('transdoc_v2.1_ORU_R01_CR_bio_INIT_N1_N3.hl7'));
    assert.equal(report.profile, 'oru-document');
    assert.equal(report.valid, false);
    // Both document OBX hold "Document medcial au format CDA niveau 1" in base64, a placeholder, not XML.
    assert.deepEqual(summary(report.issues), [
      'error TDOC-DOC-007 OBX-5.5',
      'error TDOC-DOC-007 OBX[2]-5.5',
      'warning TDOC-META-011 OBX[13]-5.5',
      'warning TDOC-PRT-009 PRT[3]-5.9.1',
    ]);
    assert.ok(value);
    assert.equal(value.documents.length, 2);
    assert.equal(value.document!.bytes!.toString('utf8'), 'Document medcial au format CDA niveau 1');
    assert.equal(value.metadata.sendToPatient, true);
    assert.equal(value.participants.recipients.length, 2);
  });

  it('identifies the v1.2 ORU^R01 as the previous version of the volet and reports what changed', () => {
    const { report } = readDocumentMessage(ans('transdoc_v1.2_ORU_R01_CR_bio.hl7'));
    assert.equal(report.profile, 'oru-document');
    assert.equal(report.valid, false);
    const rules = new Set(report.issues.map((i) => i.rule));
    for (const rule of ['TDOC-MSH-008', 'TDOC-ORC-001', 'TDOC-META-001', 'TDOC-META-005', 'TDOC-CWE-001', 'TDOC-DOC-007'])
      assert.ok(rules.has(rule), rule);
    assert.deepEqual(
      report.issues.filter((i) => i.rule === 'TDOC-META-001').map((i) => i.message.split(' ')[2]),
      ['INVISIBLE_REP_LEGAUX', 'MODIF_CONF_CODE'],
    );
  });

  it('reads the MDM^T02 imaging report example: only its placeholder document is an error, its MSSanté combination a warning', () => {
    const { value, report } = readDocumentMessage(fixture('ans_MDM_T02_CR_Radio_INIT_N1.er7'));
    assert.equal(report.profile, 'mdm-t02');
    // OBX-5.5 decodes to a placeholder text; INVISIBLE_REP_LEGAUX = Y with a professional mail matches no matrix row.
    assert.deepEqual(summary(report.issues), ['error TDOC-DOC-007 OBX-5.5', 'warning TDOC-META-013 OBX']);
    assert.ok(value);
    assert.equal(value.kind, 'initial');
    assert.deepEqual(value.document!.id, { root: '1.2.250.1.71.4.2.2.120456789.71024000081' });
    assert.equal(value.metadata.mailBodyForProfessionals, 'Cher confrère, vous trouverez ci-joint le CR d’imagerie de M.Dupont');
    assert.equal(value.metadata.hiddenFromLegalRepresentatives, true);
    assert.equal(value.participants.sender?.person?.idNat, '801234564895');
    assert.equal(value.participants.recipients[0]!.address, 'adam.hoda@test-ci-sis.mssante.fr');
  });

  it('trims the blanks that pad PRT-8.10 in the official MDM examples', () => {
    const padded = fixture('ans_MDM_T02_CR_Radio_INIT_N1.er7')
      .toString('latin1')
      .replace('^FINEG^^^300017985', '^FINEG^^^300017985                  ');
    assert.match(padded, /300017985 {18}/);
    const { value } = readDocumentMessage(Buffer.from(padded, 'latin1'));
    assert.equal(value?.participants.sender?.organisation?.identifier, '300017985');
  });

  it('is not fooled by the ACK of the examples: not a document message', () => {
    const { value, report } = readDocumentMessage(ans('transdoc_v2.1_ORU_R01_CR_bio_INIT_ACK.hl7'));
    assert.equal(value, undefined);
    assert.deepEqual(summary(report.issues), ['error TDOC-MSH-009 MSH-9']);
  });

  it('acknowledges the ORU example as the ANS ACK does: ACK^R01^ACK in 2.5, partners swapped, MSA-2 = 015', () => {
    const expected = parseMessage(ans('transdoc_v2.1_ORU_R01_CR_bio_INIT_ACK.hl7'));
    const ack = buildDocumentAck(parseMessage(ans('transdoc_v2.1_ORU_R01_CR_bio_INIT_N1_N3.hl7')), { code: 'AA', controlId: '016' });
    for (const path of ['MSH-3', 'MSH-4', 'MSH-5', 'MSH-6', 'MSH-9', 'MSH-10', 'MSH-11', 'MSH-12', 'MSH-17', 'MSH-18', 'MSA-1', 'MSA-2']) {
      assert.equal(ack.raw(path), expected.raw(path), path);
    }
    assert.deepEqual(readAck(ack), readAck(expected));
  });

  it('reads the ZAM^Z01 DMP receipt example (DMP closed), its error coding system spelling as a warning', () => {
    const { value, report } = readBusinessReceipt(fixture('ans_ZAM_Z01_reception_DMP.er7'));
    assert.equal(report.profile, 'zam-z01');
    assert.equal(report.valid, true);
    assert.deepEqual(summary(report.issues), ['warning TDOC-ZAM-004 ERR-5.3']);
    assert.equal(value?.kind, 'dmp');
    assert.equal(value?.acknowledgedControlId, '015');
    assert.equal(value?.success, false);
    assert.deepEqual(value?.error, { severity: 'E', code: 'DMPClosed', label: 'DMP fermé' });
  });

  it('reads the ZAM^Z02 MSSanté delivery receipt example without finding', () => {
    const { value, report } = readBusinessReceipt(fixture('ans_ZAM_Z02_reception_MSS.er7'));
    assert.equal(report.profile, 'zam-z02');
    assert.deepEqual(report.issues, []);
    assert.equal(value?.success, true);
    assert.deepEqual(value?.mailbox, { address: 'adam.hoda@test-ci-sis.mssante.fr', recipientId: '801234567897' });
  });
});
