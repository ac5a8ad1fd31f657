import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { newUuidOid } from '../../src/documents/cda/identifiers.js';
import { serializeXmlFragment } from '../../src/documents/cda/xml-tree.js';
import {
  ACTION,
  DELETION,
  buildMtom,
  buildSubmissionSignature,
  buildVihfAssertion,
  signatureEntryFor,
  buildXdsMetadata,
  getDocumentsQueryBody,
  postSoap,
  provideAndRegisterBody,
  signSubmission,
  signVihf,
  soapEnvelope,
  submissionSetFor,
  submitterVihfInput,
  updateAvailabilityBody,
} from '../../src/documents/xds/index.js';
import type {
  DmpResult,
  SignatureEntryMetadata,
  SignedSubmission,
  SoapRequest,
  VihfInput,
  XdsAction,
  XdsMetadata,
} from '../../src/documents/xds/index.js';
import { DMP_RULES } from '../../src/simulate/dmp-simulator.js';
import type { DmpRuleId, DmpSimulator } from '../../src/simulate/dmp-simulator.js';
import { CONTENT_TYPE_EXTERNAL, clientTls, createDmpTestPki, level1, startDouble, submitterOf, withId } from './dmp-fixtures.js';
import type { DmpTestPki } from './dmp-fixtures.js';

/**
 * For each rule of the DMP double, a submission that is right but for one deliberate mistake, and the precise
 * refusal it gets: the rule id at the head of the RegistryError codeContext (or of the SOAP fault reason) and the
 * rule's XDS error code. The last test checks that every rule of the catalogue has its case here.
 */

const PATIENT = '279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH';
const OTHER_PATIENT = '180036912345678^^^&1.2.250.1.213.1.4.10&ISO^NH';

interface Mistake {
  /** Changes the metadata before the body is built. */
  metadata?: (m: XdsMetadata) => void;
  /** The bytes sent as the document part (default: those the metadata were built from). */
  attachment?: (cda: Buffer) => Buffer;
  /** Changes the VIHF input, or its unsigned XML, before it is signed. */
  vihf?: (input: VihfInput) => VihfInput;
  vihfXml?: (xml: string) => string;
  /** Changes the signed VIHF (after the signature). */
  signedVihf?: (xml: string) => string;
  /** Changes the whole envelope text. */
  envelope?: (xml: string) => string;
  /** Signs with the rogue CA's certificate. */
  rogueSigner?: boolean;
  /** Sends the envelope as plain SOAP instead of MTOM. */
  plain?: boolean;
  /** The signature document (default: the library's, made after the metadata changes); `null` for none. */
  signature?: ((m: XdsMetadata, cda: Buffer) => SignedSubmission) | null;
  /** Changes the signature's DocumentEntry. */
  signatureEntry?: (e: SignatureEntryMetadata) => void;
}

describe('DMP double: each rule refuses its deliberate mistake with the right error', () => {
  let pki: DmpTestPki;
  let dmp: DmpSimulator;
  const tested = new Set<string>();
  before(async () => {
    pki = createDmpTestPki();
    dmp = await startDouble(pki, { requireSubmissionSignature: true });
  });
  after(async () => {
    await dmp?.stop();
    pki?.remove();
  });

  /** A fresh level-1 report (new id), its metadata, and the ITI-41 with the mistake applied. */
  function publication(m: Mistake, cda = withId(level1(), newUuidOid())): { request: SoapRequest; metadata: XdsMetadata } {
    const submitter = submitterOf(pki);
    const signer = m.rogueSigner ? { certificate: pki.rogueCachet.cert, privateKey: pki.rogueCachet.key } : submitter.signer;
    const metadata = buildXdsMetadata(cda, {
      sourceId: submitter.sourceId,
      author: { person: submitter.responsible, institution: { name: submitter.structure.name, id: submitter.structure.id } },
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
    });
    m.metadata?.(metadata);
    const input = (m.vihf ?? ((x) => x))(submitterVihfInput(submitter, metadata.submissionSet.patientId));
    const unsigned = (m.vihfXml ?? ((x) => x))(buildVihfAssertion(input, signer.certificate));
    const vihf = (m.signedVihf ?? ((x) => x))(signVihf(unsigned, signer));
    const to = `${dmp.url}/repository`;
    const messageId = `urn:uuid:${randomUUID()}`;
    const contentId = `doc.${randomUUID()}@test`;
    const signature =
      m.signature === null ? undefined : (m.signature ?? ((md, bytes) => signSubmission(md, bytes, submitter.signer)))(metadata, cda);
    if (signature) m.signatureEntry?.(signature.entry);
    const signatureId = `sig.${randomUUID()}@test`;
    const body = provideAndRegisterBody(metadata, contentId, signature && { entry: signature.entry, contentId: signatureId });
    const envelope = (m.envelope ?? ((x) => x))(soapEnvelope(ACTION.provideAndRegister, to, messageId, vihf, body));
    const attachment = (m.attachment ?? ((x) => x))(cda);
    if (m.plain) {
      return {
        request: {
          body: Buffer.from(envelope),
          contentType: 'application/soap+xml; charset=UTF-8',
          messageId,
          action: ACTION.provideAndRegister,
          to,
        },
        metadata,
      };
    }
    const parts = [{ contentId, contentType: 'text/xml', body: attachment }];
    if (signature) parts.push({ contentId: signatureId, contentType: 'text/xml', body: signature.bytes });
    const mtom = buildMtom(envelope, ACTION.provideAndRegister, parts);
    return { request: { body: mtom.body, contentType: mtom.contentType, messageId, action: ACTION.provideAndRegister, to }, metadata };
  }

  async function send(request: SoapRequest): Promise<DmpResult> {
    return postSoap(request.to, request, clientTls(pki), 15_000);
  }

  /** Asserts a refusal naming `rule` with its code (a RegistryError among others, or the SOAP fault). */
  function assertRefused(result: DmpResult, rule: DmpRuleId): void {
    tested.add(rule);
    const def = DMP_RULES.find((r) => r.id === rule)!;
    assert.equal(result.outcome, 'refused', `${rule}: expected a refusal, got ${JSON.stringify(result)}`);
    const errors = result.errors ?? [{ errorCode: result.code ?? '', codeContext: result.text ?? '', severity: 'error' as const }];
    const hit = errors.find((e) => e.codeContext.startsWith(`${rule}: `));
    assert.ok(hit, `${rule} not among ${JSON.stringify(errors.map((e) => e.codeContext))}`);
    assert.equal(hit.errorCode.replace(/^dmp:/, ''), def.code, `${rule} error code`);
    assert.equal(hit.severity, def.severity, `${rule} severity`);
  }

  async function refuses(rule: DmpRuleId, mistake: Mistake): Promise<void> {
    assertRefused(await send(publication(mistake).request), rule);
  }

  const replaceOnce = (xml: string, search: string | RegExp, by: string): string => {
    assert.ok(typeof search === 'string' ? xml.includes(search) : search.test(xml), `${String(search)} in the message`);
    return xml.replace(search, by);
  };

  it('sends a clean level-1 publication that every rule accepts (the baseline of the mistakes below)', async () => {
    const result = await send(publication({}).request);
    assert.equal(result.outcome, 'accepted', JSON.stringify(result));
    assert.equal(result.errors, undefined);
  });

  describe('SOAP, MTOM and WS-Addressing', () => {
    it('DMP-ENV-001 refuses ITI-41 as plain SOAP instead of MTOM', () => refuses('DMP-ENV-001', { plain: true }));
    it('DMP-ENV-002 refuses a SOAP 1.1 envelope', () =>
      refuses('DMP-ENV-002', {
        envelope: (x) => x.replaceAll('http://www.w3.org/2003/05/soap-envelope', 'http://schemas.xmlsoap.org/soap/envelope/'),
      }));
    it('DMP-ENV-003 refuses the action of another transaction', () =>
      refuses('DMP-ENV-003', {
        envelope: (x) => replaceOnce(x, `>${ACTION.provideAndRegister}<`, '>urn:ihe:iti:2007:RegisterDocumentSet-b<'),
      }));
    it('DMP-ENV-004 refuses a request without MessageID', () =>
      refuses('DMP-ENV-004', { envelope: (x) => replaceOnce(x, /<wsa:MessageID>[^<]*<\/wsa:MessageID>/, '') }));
    it('DMP-ENV-005 refuses a request addressed to the registry', () =>
      refuses('DMP-ENV-005', { envelope: (x) => replaceOnce(x, /\/repository<\/wsa:To>/, '/registry</wsa:To>') }));
    it('DMP-ENV-006 refuses a request without ReplyTo', () =>
      refuses('DMP-ENV-006', { envelope: (x) => replaceOnce(x, /<wsa:ReplyTo>.*?<\/wsa:ReplyTo>/, '') }));
    it('DMP-ENV-007 refuses an xop:Include naming no part', () =>
      refuses('DMP-ENV-007', { envelope: (x) => replaceOnce(x, /href="cid:[^"]+"/, 'href="cid:missing@test"') }));
  });

  describe('VIHF', () => {
    it('DMP-VIHF-001 refuses a request without WS-Security', () =>
      refuses('DMP-VIHF-001', { envelope: (x) => replaceOnce(x, /<wsse:Security.*<\/wsse:Security>/, '') }));
    it('DMP-VIHF-002 refuses a tampered assertion (structure id changed after signing)', () =>
      refuses('DMP-VIHF-002', {
        signedVihf: (x) => replaceOnce(x, '<saml2:AttributeValue>1750000001<', '<saml2:AttributeValue>1750000002<'),
      }));
    it('DMP-VIHF-002 refuses an assertion signed by a certificate of an unknown CA', () => refuses('DMP-VIHF-002', { rogueSigner: true }));
    it('DMP-VIHF-003 refuses an Issuer that is not an X509SubjectName', () =>
      refuses('DMP-VIHF-003', { vihfXml: (x) => replaceOnce(x, 'nameid-format:X509SubjectName', 'nameid-format:unspecified') }));
    it('DMP-VIHF-004 refuses direct authentication', () =>
      refuses('DMP-VIHF-004', { vihfXml: (x) => replaceOnce(x, '>INDIRECTE<', '>DIRECTE<') }));
    it('DMP-VIHF-005 refuses another resource URN', () =>
      refuses('DMP-VIHF-005', { vihfXml: (x) => replaceOnce(x, '>urn:dmp<', '>urn:other<') }));
    it('DMP-VIHF-006 refuses a VIHF for another patient', () =>
      refuses('DMP-VIHF-006', { vihf: (i) => ({ ...i, patientId: OTHER_PATIENT }) }));
    it('DMP-VIHF-007 refuses an activity sector outside JDV_J02', () =>
      refuses('DMP-VIHF-007', { vihf: (i) => ({ ...i, activitySector: 'XX99' }) }));
    it('DMP-VIHF-008 refuses a VIHF without role', () =>
      refuses('DMP-VIHF-008', {
        vihfXml: (x) => replaceOnce(x, /<saml2:Attribute Name="urn:oasis:names:tc:xacml:2.0:subject:role">.*?<\/saml2:Attribute>/, ''),
      }));
    it('DMP-VIHF-009 refuses a purpose of use other than normal', () =>
      refuses('DMP-VIHF-009', { vihfXml: (x) => replaceOnce(x, 'code="normal"', 'code="urgence"') }));
    it('DMP-VIHF-010 refuses VIHF_Version 2.0', () =>
      refuses('DMP-VIHF-010', { vihfXml: (x) => replaceOnce(x, '<saml2:AttributeValue>3.0<', '<saml2:AttributeValue>2.0<') }));
    it('DMP-VIHF-011 refuses a VIHF without the DMP homologation number', () =>
      refuses('DMP-VIHF-011', {
        vihfXml: (x) => replaceOnce(x, /<saml2:Attribute Name="LPS_ID_HOMOLOGATION_DMP">.*?<\/saml2:Attribute>/, ''),
      }));
  });

  describe('XML Schemas', () => {
    it('DMP-XSD-001 refuses an element the ebRIM schema does not allow', () =>
      refuses('DMP-XSD-001', { envelope: (x) => replaceOnce(x, '<rim:RegistryObjectList>', '<rim:RegistryObjectList><rim:Unknown/>') }));
    it('DMP-XSD-001 refuses slots after the Name (ebRIM order)', () =>
      refuses('DMP-XSD-001', {
        envelope: (x) =>
          replaceOnce(x, /(<rim:ExtrinsicObject [^>]*>)(<rim:Slot name="creationTime">.*?<\/rim:Slot>)(.*?<\/rim:Name>)/, '$1$3$2'),
      }));
  });

  describe('SubmissionSet', () => {
    it('DMP-MD-001 refuses a package not classified as SubmissionSet', () =>
      refuses('DMP-MD-001', { envelope: (x) => replaceOnce(x, /<rim:Classification classificationNode="urn:uuid:a54d6aa5[^>]*\/>/, '') }));
    it('DMP-MD-002 refuses an ISO submissionTime', () =>
      refuses('DMP-MD-002', { metadata: (m) => (m.submissionSet.submissionTime = '2026-12-04T10:00:00Z') }));
    it('DMP-MD-003 refuses an author that is not an XCN', () =>
      refuses('DMP-MD-003', { metadata: (m) => (m.submissionSet.author.person = 'Claire BERNARD') }));
    it('DMP-MD-004 refuses a content type outside JDV_J59', () =>
      refuses('DMP-MD-004', { metadata: (m) => (m.submissionSet.contentTypeCode = { ...CONTENT_TYPE_EXTERNAL, code: '42' }) }));
    it('DMP-MD-005 refuses a sourceId that is not an OID', () =>
      refuses('DMP-MD-005', { metadata: (m) => (m.submissionSet.sourceId = 'cisis-tlr') }));
    it('DMP-MD-006 refuses a SubmissionSet uniqueId already submitted', async () => {
      const first = publication({});
      assert.equal((await send(first.request)).outcome, 'accepted');
      await refuses('DMP-MD-006', { metadata: (m) => (m.submissionSet.uniqueId = first.metadata.submissionSet.uniqueId) });
    });
    it('DMP-MD-007 refuses a production INS on the test environment', () =>
      refuses('DMP-MD-007', {
        metadata: (m) => {
          m.submissionSet.patientId = m.submissionSet.patientId.replace('1.2.250.1.213.1.4.10', '1.2.250.1.213.1.4.8');
          m.documentEntry.patientId = m.submissionSet.patientId;
        },
        vihf: (i) => ({ ...i, patientId: PATIENT.replace('1.2.250.1.213.1.4.10', '1.2.250.1.213.1.4.8') }),
      }));
    it('DMP-MD-007 accepts the INS-NIR of a patient born in Corsica (department 2A)', async () => {
      const cda = withId(level1(), newUuidOid()).toString('utf8').replace('extension="279035121518989"', 'extension="213102A00446967"');
      const result = await send(publication({}, Buffer.from(cda)).request);
      assert.equal(result.outcome, 'accepted', JSON.stringify(result));
    });
    it('DMP-MD-008 refuses a DocumentEntry of another patient than the SubmissionSet', () =>
      refuses('DMP-MD-008', { metadata: (m) => (m.documentEntry.patientId = OTHER_PATIENT) }));
  });

  describe('DocumentEntry', () => {
    it('DMP-MD-009 refuses a uniqueId written OID^extension', () =>
      refuses('DMP-MD-009', { metadata: (m) => (m.documentEntry.uniqueId = `${m.documentEntry.uniqueId}^1`) }));
    it('DMP-MD-010 refuses another mimeType', () =>
      refuses('DMP-MD-010', { metadata: (m) => ((m.documentEntry as { mimeType: string }).mimeType = 'application/pdf') }));
    it('DMP-MD-011 refuses a creationTime in local time, and warns that it matches only as local time (DMP-MD-032)', async () => {
      const result = await send(publication({ metadata: (m) => (m.documentEntry.creationTime = '20260312113000') }).request);
      assertRefused(result, 'DMP-MD-011');
      assertRefused(result, 'DMP-MD-032');
    });
    it('DMP-MD-012 refuses a serviceStartTime that is not the serviceEvent low', () =>
      refuses('DMP-MD-012', { metadata: (m) => (m.documentEntry.serviceStartTime = '20260312080000') }));
    it('DMP-MD-013 refuses a languageCode other than the CDA one', () =>
      refuses('DMP-MD-013', { metadata: (m) => (m.documentEntry.languageCode = 'en-US') }));
    it('DMP-MD-014 refuses a legalAuthenticator other than the CDA one', () =>
      refuses('DMP-MD-014', {
        metadata: (m) => (m.documentEntry.legalAuthenticator = m.documentEntry.legalAuthenticator.replace('801234567894', '801234567899')),
      }));
    it('DMP-MD-015 refuses a sourcePatientId that is not a CX', () =>
      refuses('DMP-MD-015', { metadata: (m) => (m.documentEntry.sourcePatientId = 'IPP101') }));
    it('DMP-MD-016 refuses a typeCode that is not the CDA code', () =>
      refuses('DMP-MD-016', { metadata: (m) => (m.documentEntry.typeCode = { ...m.documentEntry.typeCode, code: '11488-4' }) }));
    it('DMP-MD-016 refuses a typeCode outside JDV_J07', () =>
      refuses('DMP-MD-016', { metadata: (m) => (m.documentEntry.typeCode = { ...m.documentEntry.typeCode, code: '24802-1' }) }));
    it('DMP-MD-017 refuses a classCode other than 31 or 10 for an imaging report', () =>
      refuses('DMP-MD-017', {
        metadata: (m) => (m.documentEntry.classCode = { ...m.documentEntry.classCode, code: '11', displayName: 'Synthèse' }),
      }));
    it('DMP-MD-018 refuses a first confidentialityCode other than the CDA one', () =>
      refuses('DMP-MD-018', {
        metadata: (m) =>
          (m.documentEntry.confidentialityCodes[0] = { code: 'R', codingScheme: '2.16.840.1.113883.5.25', displayName: 'Restreint' }),
      }));
    it('DMP-MD-018 refuses a masking code with the wrong codingScheme', () =>
      refuses('DMP-MD-018', {
        metadata: (m) =>
          m.documentEntry.confidentialityCodes.push({ code: 'MASQUE_PS', codingScheme: '2.16.840.1.113883.5.25', displayName: 'Masqué' }),
      }));
    it('DMP-MD-019 refuses the structured-report formatCode for a PDF body', () =>
      refuses('DMP-MD-019', {
        metadata: (m) =>
          (m.documentEntry.formatCode = { ...m.documentEntry.formatCode, code: 'urn:ihe:rad:CDA:ImagingReportStructuredHeadings:2013' }),
      }));
    it('DMP-MD-020 refuses a DocumentEntry without author', () =>
      refuses('DMP-MD-020', { metadata: (m) => (m.documentEntry.authors = []) }));
    it('DMP-MD-021 refuses a healthcareFacilityTypeCode other than the CDA one', () =>
      refuses('DMP-MD-021', {
        metadata: (m) => (m.documentEntry.healthcareFacilityTypeCode = { ...m.documentEntry.healthcareFacilityTypeCode, code: 'SA02' }),
      }));
    it('DMP-MD-022 refuses the author organisation practice setting instead of the performer one', () =>
      refuses('DMP-MD-022', {
        metadata: (m) => (m.documentEntry.practiceSettingCode = { ...m.documentEntry.practiceSettingCode, code: 'AMBULATOIRE' }),
      }));
    it('DMP-MD-023 refuses a coded value without display name', () =>
      refuses('DMP-MD-023', {
        metadata: (m) => (m.documentEntry.eventCodes = [{ code: 'MR', codingScheme: '1.2.250.1.213.1.1.5.618', displayName: '' }]),
      }));
    it('DMP-MD-024 refuses a DocumentEntry without title', () => refuses('DMP-MD-024', { metadata: (m) => (m.documentEntry.title = '') }));
    it('DMP-MD-025 refuses a hash of other bytes', () =>
      refuses('DMP-MD-025', { attachment: (c) => Buffer.concat([c, Buffer.from('\n')]), metadata: () => {} }));
    it('DMP-MD-026 refuses a size of other bytes', () => refuses('DMP-MD-026', { metadata: (m) => (m.documentEntry.size += 1) }));
    it('DMP-MD-027 refuses a DocumentEntry without its Document', () =>
      refuses('DMP-MD-027', { envelope: (x) => replaceOnce(x, /<xdsb:Document .*?<\/xdsb:Document>/, '') }));
    it('DMP-MD-028 refuses a Document without its DocumentEntry', () =>
      refuses('DMP-MD-028', { envelope: (x) => replaceOnce(x, '<xdsb:Document id="Document01">', '<xdsb:Document id="Document02">') }));
    it('DMP-MD-029 refuses a submission without the HasMember association', () =>
      refuses('DMP-MD-029', {
        envelope: (x) => replaceOnce(x, /<rim:Association associationType="[^"]*HasMember".*?<\/rim:Association>/, ''),
      }));
    it('DMP-MD-030 refuses a uniqueId that is not the CDA id', () =>
      refuses('DMP-MD-030', { metadata: (m) => (m.documentEntry.uniqueId = newUuidOid()) }));
    it('DMP-MD-031 refuses a document part that is not a CDA', () => {
      const html = Buffer.from('<html xmlns="http://www.w3.org/1999/xhtml"/>');
      const sha1 = (b: Buffer) => import('node:crypto').then((c) => c.createHash('sha1').update(b).digest('hex'));
      return sha1(html).then((hash) =>
        refuses('DMP-MD-031', {
          attachment: () => html,
          metadata: (m) => {
            m.documentEntry.hash = hash;
            m.documentEntry.size = html.length;
          },
        }),
      );
    });
    it('DMP-MD-033 accepts classCode 10 with a warning', async () => {
      const result = await send(
        publication({
          metadata: (m) => (m.documentEntry.classCode = { ...m.documentEntry.classCode, code: '10', displayName: 'Compte rendu' }),
        }).request,
      );
      assert.equal(result.outcome, 'accepted', JSON.stringify(result));
      const warning = result.errors?.find((e) => e.codeContext.startsWith('DMP-MD-033: '));
      assert.equal(warning?.severity, 'warning');
      tested.add('DMP-MD-033');
    });
  });

  describe('signature of the submission (XAdES)', () => {
    it('DMP-SIG-001 refuses a submission without signature document (strict mode)', () => refuses('DMP-SIG-001', { signature: null }));
    it('DMP-SIG-002 refuses a signature entry in French instead of art', () =>
      refuses('DMP-SIG-002', { signatureEntry: (e) => (e.languageCode = 'fr-FR') }));
    it('DMP-SIG-003 refuses a signature without the signs association', () =>
      refuses('DMP-SIG-003', {
        envelope: (x) =>
          replaceOnce(x, /<rim:Association associationType="urn:ihe:iti:2007:AssociationType:signs".*?<\/rim:Association>/, ''),
      }));
    it('DMP-SIG-004 refuses a signature by a certificate of an unknown CA', () =>
      refuses('DMP-SIG-004', {
        signature: (md, cda) => signSubmission(md, cda, { certificate: pki.rogueCachet.cert, privateKey: pki.rogueCachet.key }),
      }));
    it('DMP-SIG-005 refuses a Manifest that does not cover the submitted report', () =>
      refuses('DMP-SIG-005', {
        signature: (md) => {
          const submitter = submitterOf(pki);
          const xml = buildSubmissionSignature(
            {
              signatureId: 'S1',
              submissionSetUniqueId: md.submissionSet.uniqueId,
              documents: [{ uniqueId: md.documentEntry.uniqueId, bytes: Buffer.from('other') }],
            },
            submitter.signer,
          );
          const bytes = Buffer.from(xml);
          return { entry: signatureEntryFor(md, bytes), bytes };
        },
      }));
  });

  describe('replacement', () => {
    const rplc = (target: string) => (m: XdsMetadata) => (m.replaces = { entryUUID: target });
    it('DMP-RPLC-001 refuses an RPLC to an unknown entry', () =>
      refuses('DMP-RPLC-001', { metadata: rplc('urn:uuid:11111111-2222-4333-8444-555555555555') }));
    it('DMP-RPLC-002 refuses an RPLC to a deprecated entry', async () => {
      const v1 = publication({});
      assert.equal((await send(v1.request)).outcome, 'accepted');
      const target = dmp.entryByUniqueId(v1.metadata.documentEntry.uniqueId)!.entryUUID;
      assert.equal((await send(publication({ metadata: rplc(target) }).request)).outcome, 'accepted');
      await refuses('DMP-RPLC-002', { metadata: rplc(target) });
    });
    it('DMP-RPLC-003 refuses an RPLC to the entry of another patient', async () => {
      const other = Buffer.from(
        withId(level1(), newUuidOid()).toString('utf8').replace('extension="279035121518989"', 'extension="180036912345678"'),
      );
      const v1 = publication({}, other);
      assert.equal((await send(v1.request)).outcome, 'accepted');
      await refuses('DMP-RPLC-003', { metadata: rplc(dmp.entryByUniqueId(v1.metadata.documentEntry.uniqueId)!.entryUUID) });
    });
    it('DMP-RPLC-004 refuses an RPLC whose source is not a DocumentEntry of the submission', () =>
      refuses('DMP-RPLC-004', {
        metadata: rplc('urn:uuid:11111111-2222-4333-8444-555555555555'),
        envelope: (x) =>
          replaceOnce(x, /(associationType="urn:ihe:iti:2007:AssociationType:RPLC"[^>]*sourceObject=")Document01"/, '$1Document09"'),
      }));
  });

  describe('deletion (ITI-57) and stored query (ITI-18)', () => {
    async function registered(): Promise<{ entryUUID: string; patientId: string }> {
      const v = publication({});
      assert.equal((await send(v.request)).outcome, 'accepted');
      const e = dmp.entryByUniqueId(v.metadata.documentEntry.uniqueId)!;
      return { entryUUID: e.entryUUID, patientId: e.patientId };
    }
    function registryRequest(action: XdsAction, body: string, patientId = PATIENT): SoapRequest {
      const submitter = submitterOf(pki);
      const to = `${dmp.url}/registry`;
      const vihf = signVihf(buildVihfAssertion(submitterVihfInput(submitter, patientId), submitter.signer.certificate), submitter.signer);
      const messageId = `urn:uuid:${randomUUID()}`;
      const envelope = soapEnvelope(action, to, messageId, vihf, { name: 'x', attributes: {}, children: [] }).replace('<x/>', body);
      return { body: Buffer.from(envelope), contentType: `application/soap+xml; charset=UTF-8; action="${action}"`, messageId, action, to };
    }
    function deletion(
      entryUUID: string,
      patientId: string,
      edit: (xml: string) => string = (x) => x,
      vihfPatient = patientId,
    ): SoapRequest {
      const set = submissionSetFor(submitterOf(pki), patientId, CONTENT_TYPE_EXTERNAL);
      return registryRequest(
        ACTION.updateDocumentSet,
        edit(serializeXmlFragment(updateAvailabilityBody({ submissionSet: set, entryUUID, ...DELETION }))),
        vihfPatient,
      );
    }
    it('DMP-DEL-001 refuses an availability change to Deprecated', async () => {
      const e = await registered();
      assertRefused(
        await send(
          deletion(e.entryUUID, e.patientId, (x) =>
            replaceOnce(x, 'urn:asip:ci-sis:2010:StatusType:Deleted', 'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated'),
          ),
        ),
        'DMP-DEL-001',
      );
    });
    it('DMP-DEL-002 refuses the deletion of an unknown entry', async () => {
      assertRefused(await send(deletion('urn:uuid:11111111-2222-4333-8444-555555555555', PATIENT)), 'DMP-DEL-002');
    });
    it('DMP-DEL-003 refuses the deletion of a deleted entry', async () => {
      const e = await registered();
      assert.equal((await send(deletion(e.entryUUID, e.patientId))).outcome, 'accepted');
      assertRefused(await send(deletion(e.entryUUID, e.patientId)), 'DMP-DEL-003');
    });
    it('DMP-DEL-004 refuses a deletion for another patient than the entry', async () => {
      const e = await registered();
      assertRefused(await send(deletion(e.entryUUID, OTHER_PATIENT)), 'DMP-DEL-004');
    });
    it('DMP-DEL-005 refuses a deletion by another structure', async () => {
      const e = await registered();
      const edit = (x: string) => replaceOnce(x, 'IDNST^^^1750000001', 'IDNST^^^1750000099');
      assertRefused(await send(deletion(e.entryUUID, e.patientId, edit)), 'DMP-DEL-005');
    });
    it('DMP-QRY-001 refuses a GetAssociations query it does not support', async () => {
      // GetAssociations (urn:uuid:a7ae438b-4bc2-4642-93e9-be891f7bb155) in place of GetDocuments.
      const body = serializeXmlFragment(getDocumentsQueryBody(['1.2.3'])).replace(
        'urn:uuid:5c4f972b-d56b-40ac-a5fc-c8ca9b40b9d4',
        'urn:uuid:a7ae438b-4bc2-4642-93e9-be891f7bb155',
      );
      assertRefused(await send(registryRequest(ACTION.registryStoredQuery, body)), 'DMP-QRY-001');
    });
  });

  it('has a refusal test for every rule of the catalogue', () => {
    const missing = DMP_RULES.map((r) => r.id).filter((id) => !tested.has(id));
    assert.deepEqual(missing, [], `rules without a test: ${missing.join(', ')}`);
  });
});
