import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import {
  ACTION,
  STATUS,
  buildDeletionRequest,
  buildEntryLookupRequest,
  buildPublicationRequest,
  findDocumentsQueryBody,
  plainSoapRequest,
  postSoap,
  submitterVihf,
} from '../../src/documents/xds/index.js';
import { newUuidOid } from '../../src/documents/cda/identifiers.js';
import type { DmpSimulator } from '../../src/simulate/dmp-simulator.js';
import {
  CONTENT_TYPE_EXTERNAL,
  clientTls,
  createDmpTestPki,
  level1,
  level3,
  replacementOf,
  startDouble,
  submitterOf,
  withId,
} from './dmp-fixtures.js';
import type { DmpTestPki } from './dmp-fixtures.js';

/** A raw HTTPS POST with the given client identity (or none), to see what the double does below the SOAP layer. */
function rawPost(
  url: string,
  tls: { cert?: string; key?: string; ca: string },
  body: string,
): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST', ...tls, headers: { 'content-type': 'application/soap+xml' }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end(body);
  });
}

describe('DMP double over mutual TLS: publication, replacement, deletion', () => {
  let pki: DmpTestPki;
  let dmp: DmpSimulator;
  before(async () => {
    pki = createDmpTestPki();
    dmp = await startDouble(pki, { requireSubmissionSignature: true });
  });
  after(async () => {
    await dmp?.stop();
    pki?.remove();
  });
  const repository = (): string => `${dmp.url}/repository`;
  const registry = (): string => `${dmp.url}/registry`;

  it('accepts the level-1 CR-IMG published with ITI-41 and registers it Approved', async () => {
    const { request: req, metadata } = buildPublicationRequest({
      to: repository(),
      document: level1(),
      submitter: submitterOf(pki),
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
    });
    const result = await postSoap(repository(), req, clientTls(pki), 10_000);
    assert.equal(result.outcome, 'accepted', JSON.stringify(result));
    assert.equal(result.relatesTo, req.messageId);
    const entry = dmp.entryByUniqueId(metadata.documentEntry.uniqueId);
    assert.ok(entry);
    assert.equal(entry.status, STATUS.approved);
    assert.equal(entry.hash, metadata.documentEntry.hash);
    assert.equal(entry.structureId, '1750000001');
    assert.match(entry.entryUUID, /^urn:uuid:/);
    assert.deepEqual(dmp.exchanges.at(-1)?.violations, []);
    const signature = dmp.entries.find((e) => e.kind === 'signature' && e.submissionSetUniqueId === metadata.submissionSet.uniqueId);
    assert.ok(signature, 'the signature document of the submission is registered');
    assert.equal(dmp.exchanges.at(-1)?.client, 'ris.test.local');
  });

  it('accepts the level-3 CR-IMG (structured body, imaging-report formatCode)', async () => {
    const { request: req, metadata } = buildPublicationRequest({
      to: repository(),
      document: level3(),
      submitter: submitterOf(pki),
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
    });
    assert.equal(metadata.documentEntry.formatCode.code, 'urn:ihe:rad:CDA:ImagingReportStructuredHeadings:2013');
    const result = await postSoap(repository(), req, clientTls(pki), 10_000);
    assert.equal(result.outcome, 'accepted', JSON.stringify(result));
  });

  it('refuses the same document twice (XDSDuplicateUniqueIdInRegistry)', async () => {
    const { request: req } = buildPublicationRequest({
      to: repository(),
      document: level1(),
      submitter: submitterOf(pki),
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
    });
    const result = await postSoap(repository(), req, clientTls(pki), 10_000);
    assert.equal(result.outcome, 'refused');
    assert.equal(result.code, 'XDSDuplicateUniqueIdInRegistry');
    assert.match(result.text ?? '', /^DMP-MD-009: /);
  });

  it('replaces: finds the entry with ITI-18, publishes the new version with RPLC, the old one becomes Deprecated', async () => {
    const submitter = submitterOf(pki);
    const oldUniqueId = '1.2.250.1.213.4.5.2.7.1001';
    const lookup = await postSoap(
      registry(),
      buildEntryLookupRequest({
        to: registry(),
        submitter,
        uniqueId: oldUniqueId,
        patientId: '279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH',
      }),
      clientTls(pki),
      10_000,
    );
    assert.equal(lookup.outcome, 'accepted', JSON.stringify(lookup));
    const old = lookup.entries?.[0];
    assert.ok(old);
    assert.equal(old.uniqueId, oldUniqueId);
    assert.equal(old.status, STATUS.approved);
    const v2 = replacementOf(level1(), newUuidOid());
    const { request: req, metadata } = buildPublicationRequest({
      to: repository(),
      document: v2,
      submitter,
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
      replaces: { entryUUID: old.entryUUID },
    });
    const result = await postSoap(repository(), req, clientTls(pki), 10_000);
    assert.equal(result.outcome, 'accepted', JSON.stringify(result));
    assert.equal(dmp.entryByUniqueId(oldUniqueId)?.status, STATUS.deprecated);
    const fresh = dmp.entryByUniqueId(metadata.documentEntry.uniqueId);
    assert.equal(fresh?.status, STATUS.approved);
    assert.equal(fresh?.replaces, old.entryUUID);

    // Replacing the deprecated version again is refused.
    const again = buildPublicationRequest({
      to: repository(),
      document: replacementOf(level1(), newUuidOid()),
      submitter,
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
      replaces: { entryUUID: old.entryUUID },
    });
    const refused = await postSoap(repository(), again.request, clientTls(pki), 10_000);
    assert.equal(refused.outcome, 'refused');
    assert.equal(refused.code, 'XDSRegistryDeprecatedDocumentError');
  });

  it('answers FindDocuments by patient and status (ITI-18) with the Approved entries of the patient', async () => {
    const submitter = submitterOf(pki);
    const patientId = '279035121518989^^^&1.2.250.1.213.1.4.10&ISO^NH';
    const vihf = submitterVihf(submitter, patientId);
    const result = await postSoap(
      registry(),
      plainSoapRequest(ACTION.registryStoredQuery, registry(), vihf, findDocumentsQueryBody(patientId)),
      clientTls(pki),
      10_000,
    );
    assert.equal(result.outcome, 'accepted', JSON.stringify(result));
    const approved = dmp.entries.filter((e) => e.patientId === patientId && e.status === STATUS.approved).map((e) => e.entryUUID);
    assert.ok(approved.length >= 2);
    assert.deepEqual(result.entries?.map((e) => e.entryUUID).sort(), approved.sort());
    assert.ok(result.entries?.every((e) => e.status === STATUS.approved && e.patientId === patientId));
  });

  it('refuses an RPLC to an entry the registry does not know (UnresolvedReferenceException)', async () => {
    const { request: req } = buildPublicationRequest({
      to: repository(),
      document: replacementOf(level3(), newUuidOid()),
      submitter: submitterOf(pki),
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
      replaces: { entryUUID: 'urn:uuid:00000000-0000-4000-8000-000000000000' },
    });
    const result = await postSoap(repository(), req, clientTls(pki), 10_000);
    assert.equal(result.outcome, 'refused');
    assert.equal(result.code, 'UnresolvedReferenceException');
  });

  it('deletes with ITI-57 (status urn:asip:ci-sis:2010:StatusType:Deleted), then refuses to delete it again', async () => {
    const entry = dmp.entryByUniqueId('1.2.250.1.213.4.5.2.7.1002');
    assert.ok(entry);
    const del = (): ReturnType<typeof buildDeletionRequest> =>
      buildDeletionRequest({
        to: registry(),
        submitter: submitterOf(pki),
        entryUUID: entry.entryUUID,
        patientId: entry.patientId,
        contentTypeCode: CONTENT_TYPE_EXTERNAL,
      });
    const result = await postSoap(registry(), del(), clientTls(pki), 10_000);
    assert.equal(result.outcome, 'accepted', JSON.stringify(result));
    assert.equal(entry.status, STATUS.deleted);
    const again = await postSoap(registry(), del(), clientTls(pki), 10_000);
    assert.equal(again.outcome, 'refused');
    assert.equal(again.code, 'XDSMetadataUpdateError');
    assert.match(again.text ?? '', /^DMP-DEL-003/);
  });

  it("refuses a deletion by another structure than the author's (DMP-DEL-005)", async () => {
    const { request: req, metadata } = buildPublicationRequest({
      to: repository(),
      document: withId(level3(), newUuidOid()),
      submitter: submitterOf(pki),
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
    });
    assert.equal((await postSoap(repository(), req, clientTls(pki), 10_000)).outcome, 'accepted');
    const entry = dmp.entryByUniqueId(metadata.documentEntry.uniqueId);
    assert.ok(entry);
    const other = { ...submitterOf(pki), structure: { id: '1750000099', name: 'Autre structure', activitySector: 'SA01' } };
    const result = await postSoap(
      registry(),
      buildDeletionRequest({
        to: registry(),
        submitter: other,
        entryUUID: entry.entryUUID,
        patientId: entry.patientId,
        contentTypeCode: CONTENT_TYPE_EXTERNAL,
      }),
      clientTls(pki),
      10_000,
    );
    assert.equal(result.outcome, 'refused');
    assert.match(result.text ?? '', /^DMP-DEL-005/);
    assert.equal(entry.status, STATUS.approved);
  });

  it('refuses a TLS client without a certificate, and one whose certificate another CA issued', async () => {
    const none = await rawPost(repository(), { ca: pki.ca }, '<x/>');
    assert.ok('error' in none, `expected a TLS failure, got HTTP ${'status' in none ? none.status : ''}`);
    const rogue = await rawPost(repository(), { cert: pki.rogueClient.cert, key: pki.rogueClient.key, ca: pki.ca }, '<x/>');
    assert.ok('error' in rogue, 'a client certificate of an unknown CA is refused');
    const { request: req } = buildPublicationRequest({
      to: repository(),
      document: level1(),
      submitter: submitterOf(pki),
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
    });
    const viaClient = await postSoap(repository(), req, { cert: pki.rogueClient.cert, key: pki.rogueClient.key, ca: pki.ca }, 10_000);
    assert.equal(viaClient.outcome, 'transient');
  });

  it('answers HTTP 404 outside the two services, and lists its entries without patient data on GET /entries', async () => {
    const res = await rawPost(`${dmp.url}/other`, { cert: pki.client.cert, key: pki.client.key, ca: pki.ca }, '');
    assert.deepEqual(res, { status: 404 });
    const list = await new Promise<string>((resolve, reject) => {
      request(`${dmp.url}/entries`, { cert: pki.client.cert, key: pki.client.key, ca: pki.ca, agent: false }, (r) => {
        let s = '';
        r.on('data', (c: Buffer) => {
          s += c.toString();
        });
        r.on('end', () => resolve(s));
      })
        .on('error', reject)
        .end();
    });
    const entries = JSON.parse(list) as Array<Record<string, unknown>>;
    assert.ok(entries.length >= 3);
    assert.ok(!list.includes('279035121518989'), 'no INS in the listing');
  });

  it('plays injected faults: HTTP 503, Receiver fault, dropped connection, no answer are transient; a DMP error is refused', async () => {
    const publish = () =>
      buildPublicationRequest({
        to: repository(),
        document: withId(level1(), newUuidOid()),
        submitter: submitterOf(pki),
        contentTypeCode: CONTENT_TYPE_EXTERNAL,
      }).request;
    dmp.injectFault({ kind: 'http-status', status: 503 });
    assert.deepEqual((({ outcome, code }) => ({ outcome, code }))(await postSoap(repository(), publish(), clientTls(pki), 10_000)), {
      outcome: 'transient',
      code: 'HTTP503',
    });
    dmp.injectFault({ kind: 'receiver-fault' });
    assert.equal((await postSoap(repository(), publish(), clientTls(pki), 10_000)).outcome, 'transient');
    dmp.injectFault({ kind: 'drop' });
    assert.equal((await postSoap(repository(), publish(), clientTls(pki), 10_000)).outcome, 'transient');
    dmp.injectFault({ kind: 'hang' });
    const hung = await postSoap(repository(), publish(), clientTls(pki), 500);
    assert.deepEqual([hung.outcome, hung.code], ['transient', 'ETIMEDOUT']);
    dmp.injectFault({ kind: 'registry-error', code: 'DMPClosed', text: 'DMP fermé' });
    const closed = await postSoap(repository(), publish(), clientTls(pki), 10_000);
    assert.deepEqual([closed.outcome, closed.code, closed.text], ['refused', 'DMPClosed', 'DMP fermé']);
    // Back to normal: nothing of the failed attempts was registered, the next one is.
    const documents = (): number => dmp.entries.filter((e) => e.kind === 'document').length;
    const before = documents();
    assert.equal((await postSoap(repository(), publish(), clientTls(pki), 10_000)).outcome, 'accepted');
    assert.equal(documents(), before + 1);
  });

  it('outside strict mode, accepts a submission without signature document', async () => {
    const lenient = await startDouble(pki);
    try {
      const to = `${lenient.url}/repository`;
      const { request: req } = buildPublicationRequest({
        to,
        document: level1(),
        submitter: submitterOf(pki),
        contentTypeCode: CONTENT_TYPE_EXTERNAL,
        signSubmission: false,
      });
      assert.equal((await postSoap(to, req, clientTls(pki), 10_000)).outcome, 'accepted');
      assert.deepEqual(
        lenient.entries.map((e) => e.kind),
        ['document'],
      );
    } finally {
      await lenient.stop();
    }
  });

  it('maps a refused connection to transient (ECONNREFUSED)', async () => {
    const { request: req } = buildPublicationRequest({
      to: 'https://127.0.0.1:9/repository',
      document: level1(),
      submitter: submitterOf(pki),
      contentTypeCode: CONTENT_TYPE_EXTERNAL,
    });
    const result = await postSoap('https://127.0.0.1:9/repository', req, clientTls(pki), 5_000);
    assert.equal(result.outcome, 'transient');
    assert.equal(result.code, 'ECONNREFUSED');
  });
});
