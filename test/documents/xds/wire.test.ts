import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  ACTION,
  NS,
  STATUS,
  buildDeletionRequest,
  buildMtom,
  buildPublicationRequest,
  buildSignedVihf,
  manifestDigest,
  parseDmpResponse,
  parseMultipart,
  readVihf,
  verifySubmissionSignature,
  verifyVihfSignature,
} from '../../../src/documents/xds/index.js';
import type { VihfInput } from '../../../src/documents/xds/index.js';
import { childElements, descendants, firstChild, parseXml, serializeNode, text } from '../../../src/documents/xds/xml-dom.js';
import type { Element } from '../../../src/documents/xds/xml-dom.js';
import { CONTENT_TYPE_EXTERNAL, createDmpTestPki, level1, submitterOf } from '../../simulate/dmp-fixtures.js';
import type { DmpTestPki } from '../../simulate/dmp-fixtures.js';

const envelopeOf = (body: string): string =>
  `<?xml version="1.0"?><s:Envelope xmlns:s="${NS.soap}" xmlns:a="${NS.wsa}">` +
  '<s:Header><a:RelatesTo>urn:uuid:1</a:RelatesTo></s:Header>' +
  `<s:Body>${body}</s:Body></s:Envelope>`;

describe('DMP wire: MTOM, SOAP envelope, VIHF, answers', () => {
  let pki: DmpTestPki;
  before(() => {
    pki = createDmpTestPki();
  });
  after(() => pki?.remove());

  it('MTOM: the parts come back byte for byte, the root is the start part, the CDA is its own binary part', () => {
    const binary = Buffer.from([0, 1, 2, 13, 10, 45, 45, 255, 13, 10]);
    const m = buildMtom('<e/>', ACTION.provideAndRegister, [{ contentId: 'a@x', contentType: 'application/octet-stream', body: binary }]);
    assert.match(
      m.contentType,
      /^multipart\/related; boundary="[^"]+"; type="application\/xop\+xml"; start="<[^>]+>"; start-info="application\/soap\+xml"/,
    );
    const parsed = parseMultipart(m.body, m.contentType);
    assert.equal(parsed.root.body.toString(), '<e/>');
    assert.match(parsed.root.contentType, /^application\/xop\+xml; charset=UTF-8; type="application\/soap\+xml"/);
    assert.deepEqual(parsed.parts[1]?.body, binary);
    assert.equal(parsed.parts[1]?.contentId, 'a@x');
  });

  it('MTOM: says what is wrong with a broken multipart', () => {
    assert.throws(() => parseMultipart(Buffer.from('x'), 'multipart/related'), /no boundary/);
    assert.throws(() => parseMultipart(Buffer.from('--b\r\nA: 1\r\n\r\nx\r\n'), 'multipart/related; boundary=b'), /no closing boundary/);
    assert.throws(() => parseMultipart(Buffer.from('--b\r\n\r\n--b--'), 'multipart/related; boundary=b; start="<z>"'), /start part/);
  });

  it('ITI-41: SOAP 1.2 with Action, MessageID, ReplyTo, To, the VIHF in WS-Security and the CDA as the xop:Include target', () => {
    const cda = level1();
    const { request, metadata } = buildPublicationRequest({
      to: 'https://dmp.test/si-dmp-server/v2/services/repository',
      document: cda,
      submitter: submitterOf(pki),
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
    });
    const mp = parseMultipart(request.body, request.contentType);
    const env = parseXml(mp.root.body.toString('utf8')).documentElement as Element;
    const header = firstChild(env, NS.soap, 'Header');
    assert.equal(text(firstChild(header, NS.wsa, 'Action')), ACTION.provideAndRegister);
    assert.equal(text(firstChild(header, NS.wsa, 'MessageID')), request.messageId);
    assert.match(request.messageId, /^urn:uuid:[0-9a-f-]{36}$/);
    assert.equal(text(firstChild(header, NS.wsa, 'To')), 'https://dmp.test/si-dmp-server/v2/services/repository');
    assert.equal(
      text(firstChild(firstChild(header, NS.wsa, 'ReplyTo'), NS.wsa, 'Address')),
      'http://www.w3.org/2005/08/addressing/anonymous',
    );
    assert.equal(descendants(header!, NS.saml, 'Assertion').length, 1);
    const include = descendants(env, NS.xop, 'Include')[0];
    const part = mp.parts.find((p) => `cid:${p.contentId}` === include?.getAttribute('href'));
    assert.ok(part);
    assert.equal(part.contentType, 'text/xml');
    assert.equal(createHash('sha1').update(part.body).digest('hex'), metadata.documentEntry.hash, 'the hash is that of the bytes sent');
    const associations = descendants(env, NS.rim, 'Association').map((a) => a.getAttribute('associationType'));
    assert.deepEqual(associations, [
      'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember',
      'urn:oasis:names:tc:ebxml-regrep:AssociationType:HasMember',
      'urn:ihe:iti:2007:AssociationType:signs',
    ]);
    // The signature document is the third part, and verifies against the CA with a Manifest covering the report.
    const signature = mp.parts[2];
    assert.ok(signature);
    const check = verifySubmissionSignature(signature.body.toString('utf8'), [pki.ca]);
    assert.ok(check.valid, check.valid ? '' : check.reason);
    assert.equal(check.references.get(`urn:oid:${metadata.documentEntry.uniqueId}`), manifestDigest(cda));
    assert.equal(check.references.get(`urn:oid:${metadata.submissionSet.uniqueId}`), manifestDigest(metadata.submissionSet.uniqueId));
  });

  it('ITI-41 replacement carries the RPLC association from the new entry to the replaced entryUUID', () => {
    const { request } = buildPublicationRequest({
      to: 'https://dmp.test/repository',
      document: level1(),
      submitter: submitterOf(pki),
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
      replaces: { entryUUID: 'urn:uuid:0f0e0d0c-0b0a-4909-8807-060504030201' },
    });
    const env = parseXml(parseMultipart(request.body, request.contentType).root.body.toString('utf8')).documentElement as Element;
    const rplc = descendants(env, NS.rim, 'Association').find(
      (a) => a.getAttribute('associationType') === 'urn:ihe:iti:2007:AssociationType:RPLC',
    );
    assert.equal(rplc?.getAttribute('sourceObject'), 'Document01');
    assert.equal(rplc?.getAttribute('targetObject'), 'urn:uuid:0f0e0d0c-0b0a-4909-8807-060504030201');
  });

  it('ITI-57 deletion: UpdateAvailabilityStatus Approved → Deleted, plain SOAP to the registry', () => {
    const req = buildDeletionRequest({
      to: 'https://dmp.test/registry',
      submitter: submitterOf(pki),
      entryUUID: 'urn:uuid:0f0e0d0c-0b0a-4909-8807-060504030201',
      patientId: '279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH',
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
    });
    assert.match(req.contentType, /^application\/soap\+xml; charset=UTF-8; action="urn:ihe:iti:2010:UpdateDocumentSet"$/);
    const env = parseXml(req.body.toString('utf8')).documentElement as Element;
    const assoc = descendants(env, NS.rim, 'Association')[0]!;
    assert.equal(assoc.getAttribute('associationType'), 'urn:ihe:iti:2010:AssociationType:UpdateAvailabilityStatus');
    const slot = (name: string) =>
      text(descendants(childElements(assoc, NS.rim, 'Slot').find((s) => s.getAttribute('name') === name)!, NS.rim, 'Value')[0]);
    assert.equal(slot('OriginalStatus'), STATUS.approved);
    assert.equal(slot('NewStatus'), 'urn:asip:ci-sis:2010:StatusType:Deleted');
  });

  describe('VIHF', () => {
    const input = (): VihfInput => ({
      nameId: '801234567894',
      subjectName: 'Claire BERNARD',
      structureId: '1750000001',
      activitySector: 'SA01',
      roles: [{ code: '10', codingScheme: '1.2.250.1.71.1.2.7', displayName: 'Médecin' }],
      patientId: '279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH',
      lps: { name: 'cisis-tlr', version: '0.1.0', homologationId: 'H-1' },
    });

    it('says INDIRECTE, urn:dmp, the patient, the sector with its OID; its Issuer is the certificate subject', () => {
      const xml = buildSignedVihf(input(), { certificate: pki.cachet.cert, privateKey: pki.cachet.key });
      const v = readVihf(parseXml(xml).documentElement as Element);
      assert.deepEqual(v.attributes.get('Authentification_Mode'), ['INDIRECTE']);
      assert.deepEqual(v.attributes.get('Ressource_URN'), ['urn:dmp']);
      assert.deepEqual(v.attributes.get('urn:oasis:names:tc:xacml:2.0:resource:resource-id'), [
        '279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH',
      ]);
      assert.deepEqual(v.attributes.get('Secteur_Activite'), ['SA01^1.2.250.1.71.4.2.4']);
      assert.deepEqual(v.attributes.get('VIHF_Version'), ['3.0']);
      assert.deepEqual(v.coded.get('urn:oasis:names:tc:xspa:1.0:subject:purposeofuse')?.[0]?.code, 'normal');
      assert.equal(v.nameId, '801234567894');
      assert.equal(v.issuer, 'CN=cachet.hopital.test,OU=1750000001,O=Hopital Test,C=FR');
      // The signature follows the Issuer, as the SAML schema orders the assertion's children.
      const names = childElements(parseXml(xml).documentElement as Element, '*', '*').map((e) => e.localName);
      assert.deepEqual(names.slice(0, 3), ['Issuer', 'Signature', 'Subject']);
    });

    it('verifies against the CA, and fails when tampered, when signed by another CA, or when the signature covers another element', () => {
      const signer = { certificate: pki.cachet.cert, privateKey: pki.cachet.key };
      const xml = buildSignedVihf(input(), signer);
      const ok = verifyVihfSignature(xml, [pki.ca]);
      assert.equal(ok.valid, true);
      const tampered = xml.replace('>1750000001<', '>1750000002<');
      assert.notEqual(tampered, xml);
      assert.equal(verifyVihfSignature(tampered, [pki.ca]).valid, false);
      const rogue = buildSignedVihf(input(), { certificate: pki.rogueCachet.cert, privateKey: pki.rogueCachet.key });
      const untrusted = verifyVihfSignature(rogue, [pki.ca]);
      assert.equal(untrusted.valid, false);
      assert.match(untrusted.valid ? '' : untrusted.reason, /not trusted/);
      // Same ID moved to a child element: the reference no longer designates the assertion.
      const doc = parseXml(xml);
      const root = doc.documentElement as Element;
      const id = root.getAttribute('ID')!;
      root.setAttribute('ID', '_other');
      firstChild(root, NS.saml, 'Subject')!.setAttribute('ID', id);
      assert.equal(verifyVihfSignature(serializeNode(root), [pki.ca]).valid, false);
    });
  });

  describe('answers', () => {
    const rs = (status: string, errors = ''): string =>
      envelopeOf(
        `<rs:RegistryResponse xmlns:rs="${NS.rs}" status="${status}">` +
          `${errors ? `<rs:RegistryErrorList>${errors}</rs:RegistryErrorList>` : ''}</rs:RegistryResponse>`,
      );
    const soap = 'application/soap+xml';

    it('Success is accepted, with RelatesTo', () => {
      const r = parseDmpResponse(200, soap, Buffer.from(rs('urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success')));
      assert.deepEqual([r.outcome, r.relatesTo], ['accepted', 'urn:uuid:1']);
    });

    it('Failure and PartialSuccess are refused with the first error code and context', () => {
      const err =
        '<rs:RegistryError errorCode="W1" codeContext="just a warning" ' +
        'severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning"/>' +
        '<rs:RegistryError errorCode="DMPClosed" codeContext="DMP fermé" ' +
        'severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error" location="Document01"/>';
      const f = parseDmpResponse(200, soap, Buffer.from(rs('urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure', err)));
      assert.deepEqual([f.outcome, f.code, f.text], ['refused', 'DMPClosed', 'DMP fermé']);
      assert.deepEqual(
        f.errors?.map((e) => e.severity),
        ['warning', 'error'],
      );
      assert.equal(f.errors?.[1]?.location, 'Document01');
      const p = parseDmpResponse(200, soap, Buffer.from(rs('urn:ihe:iti:2007:ResponseStatusType:PartialSuccess', err)));
      assert.equal(p.outcome, 'refused');
    });

    it('a Sender fault is refused, a Receiver fault is transient', () => {
      const fault = (code: string) =>
        envelopeOf(
          `<s:Fault><s:Code><s:Value>s:${code}</s:Value><s:Subcode><s:Value>x:Invalid</s:Value></s:Subcode></s:Code>` +
            '<s:Reason><s:Text xml:lang="fr">raison</s:Text></s:Reason></s:Fault>',
        );
      assert.deepEqual(
        (({ outcome, code, text }) => ({ outcome, code, text }))(parseDmpResponse(400, soap, Buffer.from(fault('Sender')))),
        { outcome: 'refused', code: 'x:Invalid', text: 'raison' },
      );
      assert.equal(parseDmpResponse(500, soap, Buffer.from(fault('Receiver'))).outcome, 'transient');
    });

    it('HTTP 5xx without SOAP is transient, 4xx is refused, garbage in 200 is transient', () => {
      assert.deepEqual((({ outcome, code }) => ({ outcome, code }))(parseDmpResponse(503, 'text/html', Buffer.from('<html>down</html>'))), {
        outcome: 'transient',
        code: 'HTTP503',
      });
      assert.equal(parseDmpResponse(404, 'text/plain', Buffer.from('no')).outcome, 'refused');
      assert.equal(parseDmpResponse(200, soap, Buffer.from('not xml <')).outcome, 'transient');
    });

    it('reads an MTOM answer', () => {
      const m = buildMtom(rs('urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success'), ACTION.provideAndRegisterResponse, []);
      assert.equal(parseDmpResponse(200, m.contentType, m.body).outcome, 'accepted');
    });
  });
});
