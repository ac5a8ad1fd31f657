import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage } from '../../../src/hl7/index.js';
import type { DocumentRequest } from '../../../src/documents/transport/index.js';
import {
  DocumentTransportError,
  buildDocumentAck,
  buildDocumentMessage,
  completeMetadata,
  readDocumentMessage,
  validateDocumentMessage,
} from '../../../src/documents/transport/index.js';
import { PLATFORM, RADIOLOGIST, REPORT_V1, REPORT_V2, cdaXml, orderDocumentRequest, reportRequest } from './cda-fixtures.js';

const errorsOf = (r: { issues: Array<{ severity: string; rule: string; location: string; message: string }> }): string[] =>
  r.issues.filter((i) => i.severity === 'error').map((i) => `${i.rule} ${i.location} ${i.message}`);

function xmlBytes(request: DocumentRequest): Buffer {
  const xml = request.document.xml;
  return typeof xml === 'string' ? Buffer.from(xml, 'utf8') : Buffer.from(xml);
}

describe('buildDocumentMessage', () => {
  for (const [kind, event, orc, status, profile] of [
    ['initial', 'T02', 'NW', 'F', 'mdm-t02'],
    ['replace', 'T10', 'RO', 'C', 'mdm-t10'],
    ['delete', 'T04', 'CA', 'D', 'mdm-t04'],
  ] as const) {
    it(`builds MDM^${event}^MDM_T02 for a ${kind} request that validates with no error and no warning`, () => {
      const msg = buildDocumentMessage(reportRequest(kind));
      assert.equal(msg.get('MSH-9'), 'MDM');
      assert.equal(msg.raw('MSH-9'), `MDM^${event}^MDM_T02`);
      assert.equal(msg.get('MSH-12'), '2.6');
      assert.equal(msg.raw('MSH-21'), '2.1^CISIS_CDA_HL7_V2');
      assert.equal(msg.get('ORC-1'), orc);
      assert.equal(msg.get('OBX-11'), status);
      const report = validateDocumentMessage(msg.toBytes());
      assert.equal(report.profile, profile);
      assert.deepEqual(errorsOf(report), []);
      assert.deepEqual(report.issues, []);
      assert.equal(report.valid, true);
    });
  }

  it('writes the segments in the MDM_T02 order, the document OBX first and the ten metadata in the IG order', () => {
    const msg = buildDocumentMessage(reportRequest('initial'));
    assert.deepEqual(
      msg.segments.map((s) => s.name),
      ['MSH', 'EVN', 'PID', 'PV1', 'ORC', 'OBR', 'TXA', 'OBX', 'PRT', 'PRT', 'PRT', ...Array(11).fill('OBX')],
    );
    assert.deepEqual(
      msg.all('OBX').map((o) => o.get('3.1')),
      [
        '18748-4',
        'MASQUE_PS',
        'INVISIBLE_PATIENT',
        'INVISIBLE_REP_LEGAUX',
        'CONNEXION_SECRETE',
        'MODIF_CONF_CODE',
        'DESTDMP',
        'DESTMSSANTEPS',
        'DESTMSSANTEPAT',
        'ACK_RECEPTION',
        'ACK_LECTURE_MSS',
        'CORPSMAIL_PS',
      ],
    );
    assert.deepEqual(
      msg.all('OBX').map((o) => o.get(1)),
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'],
    );
    assert.deepEqual(
      msg.all('PRT').map((p) => p.raw(4)),
      ['SB^Send by^participation', 'RCT^Result Copies To^participation', 'REPLY^Reply To^participation'],
    );
  });

  it('fills TXA as the volet says: TXA-12 the CDA id, TXA-13 the replaced id on T10, TXA-17 AU', () => {
    const txa = buildDocumentMessage(reportRequest('replace')).segment('TXA')!;
    assert.equal(txa.raw(1), '1');
    assert.equal(txa.raw(2), '18748-4');
    assert.equal(txa.raw(3), 'TEXT');
    assert.equal(txa.raw(12), REPORT_V2);
    assert.equal(txa.raw(13), REPORT_V1);
    assert.equal(txa.raw(14), 'OPN101^^1.2.250.1.748.12345678.12^ISO');
    assert.equal(txa.raw(17), 'AU');
    assert.equal(txa.raw(22), '801234564895^THOMAS^Eric^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS');
    assert.equal(buildDocumentMessage(reportRequest('initial')).segment('TXA')!.raw(13), '');
  });

  it('writes a CDA id with an extension as extension^^root^ISO in TXA-12', () => {
    const request = reportRequest('initial');
    const xml = cdaXml({ id: REPORT_V1 }).replace(`<id root="${REPORT_V1}"/>`, `<id root="${REPORT_V1}" extension="42"/>`);
    const msg = buildDocumentMessage({ ...request, document: { ...request.document, xml, id: { root: REPORT_V1, extension: '42' } } });
    assert.equal(msg.raw('TXA-12'), `42^^${REPORT_V1}^ISO`);
    assert.deepEqual(errorsOf(validateDocumentMessage(msg)), []);
  });

  it('carries the exact document bytes as single-line padded base64 in ^text^XML^Base64^', () => {
    const request = reportRequest('initial');
    const msg = buildDocumentMessage(request);
    const obx5 = msg.raw('OBX-5');
    assert.match(obx5, /^\^text\^XML\^Base64\^[A-Za-z0-9+/]+={0,2}$/);
    assert.equal(obx5.split('^')[4]!.length % 4, 0);
    assert.deepEqual(Buffer.from(obx5.split('^')[4]!, 'base64'), xmlBytes(request));
  });

  it('writes NTE FIN right after DESTMSSANTEPAT when the patient may not reply', () => {
    const request = reportRequest('initial');
    const msg = buildDocumentMessage({
      ...request,
      metadata: { sendToDmp: true, sendToPatient: true, patientMayNotReply: true },
      participants: {
        recipients: [
          {
            person: {
              idNat: '279035121518989',
              familyName: 'PAT-TROIS',
              givenName: '',
              assigningAuthority: { universalId: '1.2.250.1.213.1.4.10', universalIdType: 'ISO' },
              identifierType: 'INS',
              nameType: 'L',
            },
            address: '279035121518989@patient.mssante.fr',
          },
        ],
      },
    });
    const names = msg.segments.map((s) => (s.name === 'OBX' ? s.get('3.1') : s.name));
    assert.equal(names[names.indexOf('DESTMSSANTEPAT') + 1], 'NTE');
    assert.equal(msg.raw('NTE-4'), 'FIN');
    const report = validateDocumentMessage(msg);
    assert.deepEqual(errorsOf(report), []);
    assert.equal(readDocumentMessage(msg).value!.metadata.patientMayNotReply, true);
  });

  it('builds the order document (DA-IMG) from the RIS to the platform in ISO 8859-15, without DMP nor MSSanté', () => {
    const msg = buildDocumentMessage(orderDocumentRequest());
    const bytes = msg.toBytes();
    assert.equal(msg.get('MSH-18'), '8859/15');
    assert.equal(msg.get('OBR-4.1'), '55115-0');
    assert.equal(msg.get('MSH-11'), 'T');
    const report = validateDocumentMessage(bytes);
    assert.deepEqual(report.issues, []);
    const read = readDocumentMessage(bytes).value!;
    assert.equal(read.document!.type.code, '55115-0');
    assert.deepEqual(read.participants.sender?.organisation?.identifier, '300017985');
  });

  it('refuses a request that the CDA contradicts, naming the offending value', () => {
    const request = reportRequest('initial');
    const cases: Array<[string, DocumentRequest]> = [
      ['document.id', { ...request, document: { ...request.document, id: { root: '1.2.250.1.213.4.5.2.7.9999' } } }],
      ['document.version', { ...request, document: { ...request.document, version: 2 } }],
      [
        'document.type.code',
        { ...request, document: { ...request.document, type: { code: '11502-2', display: 'CR bio', codingSystem: 'LN' } } },
      ],
      ['document.confidentiality', { ...request, document: { ...request.document, confidentiality: 'R' } }],
      ['patient.identifiers', { ...request, patient: { ...request.patient, identifiers: [] } }],
    ];
    for (const [path, bad] of cases) {
      assert.throws(
        () => buildDocumentMessage(bad),
        (e: unknown) => e instanceof DocumentTransportError && e.code === 'TLR_ERR_DOC_TRANSPORT_CDA_MISMATCH' && e.path === path,
        path,
      );
    }
  });

  it('refuses a replacement whose CDA does not declare the replaced document as RPLC parent', () => {
    const request = reportRequest('replace');
    assert.throws(
      () => buildDocumentMessage({ ...request, replacedDocumentId: { root: '1.2.250.1.213.4.5.2.7.1000' } } as DocumentRequest),
      (e: unknown) => e instanceof DocumentTransportError && e.path === 'replacedDocumentId',
    );
  });

  it('refuses bytes that are not a CDA document', () => {
    const request = reportRequest('initial');
    for (const xml of [
      'Document medical au format CDA',
      '<ClinicalDocument xmlns="urn:hl7-org:v3"><id root="1.2"/>',
      '<Document xmlns="urn:other"/>',
    ]) {
      assert.throws(
        () => buildDocumentMessage({ ...request, document: { ...request.document, xml } }),
        (e: unknown) => e instanceof DocumentTransportError && e.code === 'TLR_ERR_DOC_TRANSPORT_NOT_CDA',
        xml,
      );
    }
  });

  const refusalsTest =
    'refuses what the validator would reject: mail to a patient the document is hidden from, DMP without INS or sender, ' +
    'MSSanté without recipient';
  it(refusalsTest, () => {
    const request = reportRequest('initial');
    const { ins: _ins, ...withoutIns } = request.patient;
    const cases: Array<[string, DocumentRequest]> = [
      [
        'metadata.sendToPatient',
        {
          ...request,
          metadata: { hiddenFromPatient: true, sendToPatient: true },
          participants: { recipients: [{ address: 'p@patient.mssante.fr' }] },
        },
      ],
      [
        'patient.identifiers',
        {
          ...request,
          patient: withoutIns,
          document: {
            ...request.document,
            xml: cdaXml({ id: REPORT_V1, patientIds: [{ root: '1.2.250.1.213.4.5.2.4', extension: 'IPP101' }] }),
          },
        },
      ],
      ['participants.sender', { ...request, participants: { ...request.participants, sender: { organisation: PLATFORM } } }],
      ['participants.recipients', { ...request, participants: { recipients: [] } }],
      ['visit.visitNumber', { ...request, visit: { patientClass: 'I' } }],
      ['document.mimeType', { ...request, document: { ...request.document, mimeType: 'application/pdf' as 'text/xml' } }],
    ];
    for (const [path, bad] of cases) {
      assert.throws(
        () => buildDocumentMessage(bad),
        (e: unknown) => e instanceof DocumentTransportError && e.path === path,
        path,
      );
    }
  });
});

describe('readDocumentMessage', () => {
  for (const kind of ['initial', 'replace', 'delete'] as const) {
    it(`reads back what was built for a ${kind} request`, () => {
      const request = reportRequest(kind);
      const { value, report } = readDocumentMessage(buildDocumentMessage(request).toBytes());
      assert.equal(report.valid, true);
      assert.ok(value);
      assert.equal(value.kind, kind);
      assert.equal(value.structure, 'MDM');
      assert.deepEqual(value.patient, request.patient);
      assert.deepEqual(value.visit, request.visit);
      assert.deepEqual(value.order, request.order);
      assert.deepEqual(value.metadata, completeMetadata(request.metadata));
      assert.deepEqual(value.participants, {
        sender: { person: RADIOLOGIST, organisation: PLATFORM },
        recipients: request.participants!.recipients,
        replyTo: request.participants!.replyTo,
      });
      assert.equal(value.documents.length, 1);
      assert.deepEqual(value.document!.bytes, xmlBytes(request));
      assert.deepEqual(value.document!.id, request.document.id);
      assert.deepEqual(value.document!.type, request.document.type);
      assert.equal(value.document!.mimeType, 'text/xml');
      assert.equal(value.document!.cda?.versionNumber, request.document.version);
      assert.deepEqual(value.replacedDocumentId, kind === 'initial' ? undefined : { root: REPORT_V1 });
      assert.equal(value.creationTime, '20260312113000+0100');
      assert.equal(value.header.controlId, `CR-${kind}`);
    });
  }

  it('gives no value for input that is not HL7, with the parse finding', () => {
    const { value, report } = readDocumentMessage('not an HL7 message');
    assert.equal(value, undefined);
    assert.equal(report.valid, false);
    assert.equal(report.issues[0]!.rule, 'TDOC-GEN-001');
  });
});

describe('buildDocumentAck', () => {
  it('acknowledges an MDM in version 2.6 with MSA-2 = the MDM control id', () => {
    const mdm = buildDocumentMessage(reportRequest('replace'));
    const ack = parseMessage(buildDocumentAck(mdm, { code: 'AA', controlId: 'ACK1' }).toString());
    assert.equal(ack.raw('MSH-9'), 'ACK^T10^ACK');
    assert.equal(ack.get('MSH-12'), '2.6');
    assert.equal(ack.get('MSA-2'), 'CR-replace');
    assert.equal(ack.get('MSH-3'), 'RIS');
  });
});
