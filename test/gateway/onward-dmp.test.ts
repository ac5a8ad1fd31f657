/**
 * The direct onward route to the DMP end to end: platform → RIS half (MDM T02/T10/T04 over MLLP) →
 * the RIS's durable outbox → the DMP test double (XDS.b over mutual TLS with a signed VIHF: ITI-41,
 * RPLC, ITI-18, ITI-57) → the publication status of each version. On SQLite, and on PostgreSQL when
 * CISIS_TLR_TEST_PG is set. And the configuration errors of `onward.dmp`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import { loadConfig } from '../../src/gateway/config.js';
import { documentsOf } from '../../src/gateway/documents/documents-plugin.js';
import { GatewayConfigError } from '../../src/gateway/errors.js';
import { createXdsDmpTransport } from '../../src/gateway/onward/xds-dmp-transport.js';
import { type OrderKey, type PublicationRecord, formatOrderKey } from '../../src/store/index.js';
import { type DmpCertificates, generateDmpCertificates } from '../../src/simulate/dmp-certificates.js';
import { DmpSimulator } from '../../src/simulate/dmp-simulator.js';
import type { ImagingOrder } from '../../src/tlr/index.js';
import { order, postExamInfo, remoteRadiologist } from '../tlr/fixtures.js';
import { API_KEY, type GatewayPair, startGatewayPair } from '../helpers/gateway-pair.js';
import { freePort } from '../helpers/ports.js';
import { CHROMIUM_PATH, launchBrowser } from '../console/harness.js';

/** A complete `onward.dmp` (the files need not exist to load the configuration). */
const DMP = {
  endpoint: 'https://dmp.test.local/si-dmp-server/v2/services/repository',
  tls: { cert: '/etc/cisis-tlr/structure.crt', key: '/etc/cisis-tlr/structure.key', ca: '/etc/cisis-tlr/igc-sante.pem' },
  structure: { id: '750000001', idType: 'FINESS', name: 'Centre Imagerie Test', sector: 'SA07' },
  lps: { homologationId: 'HOMOLOGATION-TEST', name: 'cisis-tlr', version: '1.0' },
  sourceId: '1.2.250.1.999.1.1',
} as const;

const load = (onward: Record<string, unknown>, role: 'ris' | 'platform' = 'ris') =>
  loadConfig({ env: {}, overrides: { role, onward } as never });

describe('onward.dmp configuration', () => {
  it('completes a direct DMP route with its defaults', async () => {
    const c = await load({ dmp: DMP });
    const dmp = c.onward?.dmp;
    assert.ok(dmp);
    assert.equal(dmp.name, 'dmp');
    assert.equal(dmp.registryEndpoint, DMP.endpoint, 'the registry defaults to the repository endpoint');
    assert.deepEqual(dmp.signing, { cert: DMP.tls.cert, key: DMP.tls.key }, 'the VIHF is signed with the TLS certificate by default');
    assert.equal(dmp.vihfVersion, '3.0');
    assert.equal(dmp.timeoutMs, 30_000);
    assert.equal(c.onward?.pfi, undefined, 'no PFI route unless configured');
  });

  it('keeps the PFI for MSSanté beside the direct route', async () => {
    const c = await load({ dmp: DMP, pfi: { port: 2577, mssante: { professionals: true } } });
    assert.equal(c.onward?.pfi?.dmp, false, 'the PFI does not publish to the DMP as well');
    assert.ok(c.onward?.dmp);
  });

  it('refuses a PFI asked to publish to the DMP beside the direct route', async () => {
    await assert.rejects(load({ dmp: DMP, pfi: { dmp: true } }), (e: Error) => {
      assert.ok(e instanceof GatewayConfigError);
      assert.match(e.message, /onward\.pfi\.dmp: false/);
      return true;
    });
  });

  it('refuses an endpoint that is not https, naming the key', async () => {
    await assert.rejects(
      load({ dmp: { ...DMP, endpoint: 'http://dmp.test.local/repository' } }),
      /onward\.dmp\.endpoint: must match pattern/,
    );
    await assert.rejects(load({ dmp: { ...DMP, registryEndpoint: 'ftp://x' } }), /onward\.dmp\.registryEndpoint/);
  });

  it('refuses a route without its certificate, CA, structure or LPS', async () => {
    const { tls: _t, ...noTls } = DMP;
    await assert.rejects(load({ dmp: noTls }), /onward\.dmp: must have required property 'tls'/);
    await assert.rejects(
      load({ dmp: { ...DMP, tls: { cert: 'a.crt', key: 'a.key' } } }),
      /onward\.dmp\.tls: must have required property 'ca'/,
    );
    const { structure: _s, ...noStructure } = DMP;
    await assert.rejects(load({ dmp: noStructure }), /must have required property 'structure'/);
    await assert.rejects(
      load({ dmp: { ...DMP, lps: { name: 'x', version: '1' } } }),
      /onward\.dmp\.lps: must have required property 'homologationId'/,
    );
  });

  it('refuses a structure identifier type, activity sector or source OID of the wrong form', async () => {
    await assert.rejects(
      load({ dmp: { ...DMP, structure: { ...DMP.structure, idType: 'ADELI' } } }),
      /onward\.dmp\.structure\.idType: .*FINESS, SIRET, RPPS/,
    );
    await assert.rejects(load({ dmp: { ...DMP, structure: { ...DMP.structure, sector: 'hospital' } } }), /onward\.dmp\.structure\.sector/);
    await assert.rejects(load({ dmp: { ...DMP, sourceId: '1.2.03' } }), /onward\.dmp\.sourceId/);
    await assert.rejects(load({ dmp: { ...DMP, vihfVersion: '2.0' } }), /onward\.dmp\.vihfVersion: .*3\.0, 4\.0/);
    await assert.rejects(load({ dmp: { ...DMP, colour: 'blue' } }), /onward\.dmp: must NOT have additional properties "colour"/);
  });

  it('stops the start with the key and the file of a certificate it cannot read', async () => {
    const c = await load({ dmp: DMP });
    await assert.rejects(createXdsDmpTransport(c.onward!.dmp!, c, pino({ level: 'silent' })), (e: Error) => {
      assert.ok(e instanceof GatewayConfigError);
      assert.match(e.message, /^onward\.dmp\.tls\.cert: cannot read \/etc\/cisis-tlr\/structure\.crt \(ENOENT\)/);
      return true;
    });
  });

  it('refuses a direct DMP route on a platform', async () => {
    await assert.rejects(load({ dmp: DMP }, 'platform'), /onward\.dmp is a RIS setting/);
  });

  it('reads the endpoint and certificate files from the environment', async () => {
    const c = await loadConfig({
      env: {
        CISIS_TLR_ONWARD_DMP_ENDPOINT: 'https://env.dmp.local/repository',
        CISIS_TLR_ONWARD_DMP_TLS_CA: '/env/ca.pem',
        CISIS_TLR_ONWARD_DMP_TIMEOUT_MS: '5000',
      },
      overrides: { role: 'ris', onward: { dmp: DMP } } as never,
    });
    assert.equal(c.onward?.dmp?.endpoint, DMP.endpoint, 'overrides beat the environment');
    assert.equal(c.onward?.dmp?.tls.ca, DMP.tls.ca);
    assert.equal(c.onward?.dmp?.timeoutMs, 5000);
  });
});

const pgUrl = process.env['CISIS_TLR_TEST_PG'] ?? '';
const pgSkip = pgUrl === '' ? 'CISIS_TLR_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/test)' : false;
const keyOf = (o: ImagingOrder): OrderKey => ({
  placerNumber: o.placerOrderNumber.value,
  assigningAuthority: o.placerOrderNumber.authorityOid,
});
const key = keyOf(order);
/** The same patient, but the identity is provisional (PID-32 `PROV`): its INS is not qualified. */
const unqualified: ImagingOrder = {
  ...order,
  placerOrderNumber: { ...order.placerOrderNumber, value: 'OPN777' },
  patient: { ...order.patient, identityStatus: 'PROV' },
};
const content = {
  clinicalContext: 'Céphalées brutales depuis 48 h.',
  technique: 'IRM encéphalique 1,5 T.',
  findings: "Pas d'anomalie de signal.",
  conclusion: 'IRM encéphalique normale.',
};

/** What the test saw last, for the message of a timeout. */
let state: (() => Promise<string>) | undefined;

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; ${state ? await state() : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An order taken to the point where the platform can report it (flows 1, 3 and 4), each step waited for. */
async function bringToReport(pair: GatewayPair, o: ImagingOrder): Promise<void> {
  const k = keyOf(o);
  await pair.ris.ris.createOrder(o);
  await pair.waitFor('platform', (e) => e.type === 'order.received' && e.placerOrderNumber === k.placerNumber);
  await pair.platform.platform.accept(k, { remoteRadiologist, protocols: [{ kind: 'text', text: 'IRM T1 T2 FLAIR' }] });
  await pair.waitFor('ris', (e) => e.type === 'decision.received' && e.placerOrderNumber === k.placerNumber);
  await pair.ris.ris.sendPostExamInfo(k, postExamInfo.exams);
  await pair.waitFor('platform', (e) => e.type === 'postexam.received' && e.placerOrderNumber === k.placerNumber);
}

for (const engine of ['SQLite', 'PostgreSQL'] as const) {
  describe(`onward route RIS → DMP (XDS.b) on ${engine}`, { skip: engine === 'PostgreSQL' ? pgSkip : false, timeout: 600_000 }, () => {
    let pair: GatewayPair;
    let pki: DmpCertificates;
    let dmp: DmpSimulator;
    let dmpPort: number;
    let schema: string | undefined;
    /** The double on its port; a restarted one keeps the registry of the one before (the DMP was down, not wiped). */
    const startDmp = async (previous?: DmpSimulator): Promise<DmpSimulator> => {
      const d = await DmpSimulator.start({
        port: dmpPort,
        tls: { cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey), ca: readFileSync(pki.ca) },
        // The fixture's INS is under the production root.
        insEnvironment: 'production',
        // Strict: every submission carries the signature document of its submission set.
        requireSubmissionSignature: true,
      });
      if (previous) d.entries.push(...previous.entries);
      return d;
    };
    const publications = (k: OrderKey = key): Promise<readonly PublicationRecord[]> => pair.ris.store.listPublications(formatOrderKey(k));
    const dmpRow = async (version: number, requestKind: string, k: OrderKey = key) =>
      (await publications(k)).find((p) => p.destination === 'dmp' && p.version === version && p.requestKind === requestKind);
    const settled = (version: number, requestKind: string) =>
      until(`the DMP's answer to version ${version} (${requestKind})`, async () => {
        const r = await dmpRow(version, requestKind);
        return r && (r.status === 'accepted' || r.status === 'refused' || r.status === 'skipped') && r;
      });

    before(async () => {
      pki = await generateDmpCertificates({ name: 'Centre Imagerie Test', id: '1750000001' });
      dmpPort = await freePort();
      dmp = await startDmp();
      let storage = {};
      if (engine === 'PostgreSQL') {
        schema = `tlr_dmp_${randomBytes(4).toString('hex')}`;
        const url = new URL(pgUrl);
        url.searchParams.set('schema', schema);
        storage = { storage: { url: url.toString() } };
      }
      pair = await startGatewayPair({
        ris: {
          ...storage,
          outbox: { baseDelayMs: 50, maxDelayMs: 200 },
          onward: {
            dmp: {
              endpoint: `https://127.0.0.1:${dmpPort}/repository`,
              registryEndpoint: `https://127.0.0.1:${dmpPort}/registry`,
              tls: { cert: pki.clientCert, key: pki.clientKey, ca: pki.ca },
              structure: { id: '750000001', idType: 'FINESS', name: 'Centre Imagerie Test', sector: 'SA07' },
              lps: { homologationId: 'TEST-HOMOLOGATION-1', name: 'cisis-tlr', version: '0.1.0' },
              sourceId: '1.2.250.1.213.4.5.9.1',
              timeoutMs: 5_000,
            },
          },
        },
      });
      state = async () =>
        JSON.stringify({
          exchanges: dmp.exchanges.map((x) => [x.path, x.outcome, x.violations.map((v) => `${v.rule} ${v.text}`)]),
          rows: (await publications()).map((p) => [p.version, p.requestKind, p.destination, p.status, p.errorCode, p.errorText]),
        });
      await bringToReport(pair, order);
    });
    after(async () => {
      await pair?.stop();
      await dmp?.stop();
      await pki?.remove();
      if (schema) {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    });

    it('publishes an accepted report (T02) to the DMP with ITI-41 over mutual TLS with a signed VIHF, and keeps its entry', async () => {
      const sent = await documentsOf(pair.platform).reports.submit(key, { content });
      const row = await settled(1, 'initial');
      assert.equal(row.status, 'accepted', `refused: ${row.errorCode} ${row.errorText}`);
      assert.deepEqual(row.documentId, sent.report.documentId);
      assert.equal(row.uniqueId, sent.report.documentId.root, 'the uniqueId is the CDA id');
      const entry = dmp.entryByUniqueId(row.uniqueId!);
      assert.ok(entry, 'the double registered the document');
      assert.equal(entry.status, 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved');
      assert.equal(row.entryUuid, entry.entryUUID, 'the entryUUID the registry gave is kept');
      assert.equal(entry.structureId, '1750000001', 'the structure: prefix 1 (FINESS) and the FINESS number');
      // Every exchange passed the double's checks (mTLS client, VIHF signature and attributes, schemas, metadata).
      const iti41 = dmp.exchanges.filter((x) => x.path === '/repository');
      assert.equal(iti41.length, 1);
      assert.equal(iti41[0]!.outcome, 'accepted');
      assert.deepEqual(
        iti41[0]!.violations.filter((v) => v.severity === 'error'),
        [],
      );
      assert.equal(iti41[0]!.client, '1750000001', 'the structure certificate authenticated the client');
      const out = await pair.ris.store.getMessage(row.messageId!);
      assert.equal(out?.partner, 'dmp');
      assert.equal(out?.summary.messageType, 'ITI-41');
      assert.equal(out?.status, 'delivered');
      const published = await pair.waitFor('ris', (e) => e.type === 'report.published' && e.data?.['destination'] === 'dmp');
      assert.equal(published.data?.['request'], 'initial');
      const api = await fetch(`http://127.0.0.1:${pair.ris.apiPort}/api/orders/${key.placerNumber}/reports`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      const body = (await api.json()) as {
        items: Array<{ publications: Array<{ destination: string; status: string; entryUuid: string }> }>;
      };
      assert.deepEqual(
        body.items[0]!.publications.map((p) => [p.destination, p.status, p.entryUuid]),
        [['dmp', 'accepted', entry.entryUUID]],
      );
      const metrics = await (await fetch(`http://127.0.0.1:${pair.ris.apiPort}/metrics`)).text();
      assert.match(metrics, /cisis_tlr_publications_total\{[^}]*destination="dmp"[^}]*outcome="accepted"[^}]*\} 1/);
    });

    it('publishes a replacement (T10) with RPLC to the entry of the replaced version, which the DMP deprecates', async () => {
      const first = (await dmpRow(1, 'initial'))!;
      await documentsOf(pair.platform).reports.replace(key, { content: { ...content, conclusion: 'IRM normale. Addendum.' } });
      const row = await settled(2, 'replace');
      assert.equal(row.status, 'accepted', `refused: ${row.errorCode} ${row.errorText}`);
      const entry = dmp.entryByUniqueId(row.uniqueId!)!;
      assert.equal(entry.replaces, first.entryUuid, 'RPLC names the entry of version 1');
      assert.equal(dmp.entryByUniqueId(first.uniqueId!)?.status, 'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated');
      assert.equal(row.entryUuid, entry.entryUUID);
    });

    it('records a refusal with the DMP error code and text, does not retry it, and replaces past it', async () => {
      dmp.injectFault({ kind: 'registry-error', code: 'DMPClosed', text: 'Le DMP du patient est fermé' });
      await documentsOf(pair.platform).reports.replace(key, { content: { ...content, conclusion: 'IRM normale. Second addendum.' } });
      const refused = await settled(3, 'replace');
      assert.equal(refused.status, 'refused');
      assert.equal(refused.errorCode, 'DMPClosed');
      assert.equal(refused.errorText, 'Le DMP du patient est fermé');
      assert.equal(refused.entryUuid, null);
      const failed = await pair.waitFor('ris', (e) => e.type === 'report.publication_failed' && e.data?.['destination'] === 'dmp');
      assert.equal(failed.data?.['code'], 'DMPClosed');
      assert.equal(failed.data?.['request'], 'replace');
      const item = (await pair.ris.store.listOutbox({ partner: 'dmp' })).items.find((i) => i.messageId === refused.messageId)!;
      assert.equal(item.state, 'delivered', 'a business refusal is an answer: not retried, the lane goes on');
      assert.equal(item.attempts, 1);
      // Version 3 never reached the DMP: its replacement goes to the entry still Approved there, version 2's.
      const v2 = (await dmpRow(2, 'replace'))!;
      await documentsOf(pair.platform).reports.replace(key, { content: { ...content, conclusion: 'IRM normale. Troisième version.' } });
      const v4 = await settled(4, 'replace');
      assert.equal(v4.status, 'accepted', `refused: ${v4.errorCode} ${v4.errorText}`);
      assert.equal(dmp.entryByUniqueId(v4.uniqueId!)?.replaces, v2.entryUuid);
    });

    it('keeps what it publishes while the DMP is down, then sends it in order once it is back (T10, then T04)', async () => {
      await dmp.stop();
      const before = dmp;
      await documentsOf(pair.platform).reports.replace(key, { content: { ...content, conclusion: 'IRM normale. Version 5.' } });
      await pair.waitFor('ris', (e) => e.type === 'report.replaced' && e.data?.['version'] === 5);
      await documentsOf(pair.platform).reports.delete(key, {});
      await pair.waitFor('ris', (e) => e.type === 'report.deleted');
      const waiting = await until('a failed attempt of the replacement', async () => {
        const open = (await pair.ris.store.listOutbox({ partner: 'dmp' })).items.filter((i) => i.state !== 'delivered');
        return open.length === 2 && open.some((i) => i.attempts > 0) && open;
      });
      assert.equal(waiting.length, 2);
      assert.match(waiting.find((i) => i.attempts > 0)?.lastError ?? '', /ECONNREFUSED/);
      assert.equal((await dmpRow(5, 'replace'))?.status, 'pending');
      assert.equal((await dmpRow(5, 'delete'))?.status, 'pending', 'the deletion waits behind the replacement');

      dmp = await startDmp(before);
      const replaced = await settled(5, 'replace');
      const deleted = await settled(5, 'delete');
      assert.equal(replaced.status, 'accepted', `refused: ${replaced.errorCode} ${replaced.errorText}`);
      assert.equal(deleted.status, 'accepted', `refused: ${deleted.errorCode} ${deleted.errorText}`);
      // In order: the replacement registered, then its entry deleted with ITI-57.
      const paths = dmp.exchanges.filter((x) => x.outcome !== 'fault').map((x) => `${x.path} ${x.action ?? ''}`);
      const iti41 = paths.findIndex((p) => p.includes('ProvideAndRegister'));
      const iti57 = paths.findIndex((p) => p.includes('UpdateDocumentSet'));
      assert.ok(iti41 >= 0 && iti57 > iti41, `ITI-41 before ITI-57: ${paths.join(', ')}`);
      assert.equal(dmp.entryByUniqueId(replaced.uniqueId!)?.status, 'urn:asip:ci-sis:2010:StatusType:Deleted');
      const items = (await pair.ris.store.listOutbox({ partner: 'dmp' })).items;
      assert.ok(
        items.every((i) => i.state === 'delivered'),
        'nothing left behind',
      );
    });

    it('does not publish the report of a patient whose INS is not qualified: skipped with the reason', async () => {
      await bringToReport(pair, unqualified);
      const k = keyOf(unqualified);
      const exchangesBefore = dmp.exchanges.length;
      await documentsOf(pair.platform).reports.submit(k, { content });
      const row = await until('the skipped publication', () => dmpRow(1, 'initial', k));
      assert.equal(row.status, 'skipped');
      assert.match(row.errorText ?? '', /no qualified INS/);
      assert.equal(row.messageId, null, 'nothing was queued');
      assert.equal(dmp.exchanges.length, exchangesBefore, 'the DMP was not called');
    });

    it("shows each version's DMP status on the console's report card (accepted with its entry, refused with code and text, not sent)", {
      skip:
        engine === 'PostgreSQL'
          ? 'the console reads the API, the same on both stores'
          : existsSync(CHROMIUM_PATH)
            ? false
            : `no Chromium at ${CHROMIUM_PATH}`,
    }, async () => {
      const browser = await launchBrowser();
      try {
        const { page } = browser;
        page.setDefaultTimeout(15_000);
        await page.goto(`http://127.0.0.1:${pair.ris.apiPort}/console/`);
        await page.locator('#api-key').fill(API_KEY);
        await page.getByRole('button', { name: 'Se connecter' }).click();
        await page.locator('#orders-table').waitFor();
        await page.goto(`http://127.0.0.1:${pair.ris.apiPort}/console/#/orders/${key.placerNumber}`);
        const row = (version: number, request: string) =>
          page.locator(
            `#card-reports li.report[data-version="${version}"] li.publication[data-destination="dmp"][data-request="${request}"]`,
          );
        await row(1, 'initial').waitFor();
        const v1 = (await dmpRow(1, 'initial'))!;
        assert.equal(await row(1, 'initial').getAttribute('data-status'), 'accepted');
        assert.match(await row(1, 'initial').innerText(), /DMP\s+accepté/);
        assert.equal(await row(1, 'initial').getAttribute('title'), `Entrée DMP ${v1.entryUuid}`);
        assert.match(await row(3, 'replace').innerText(), /DMP\s+remplacement\s+refusé\s+DMPClosed — Le DMP du patient est fermé/);
        assert.match(await row(5, 'delete').innerText(), /DMP\s+suppression\s+accepté/);
        await page.goto(`http://127.0.0.1:${pair.ris.apiPort}/console/#/orders/${unqualified.placerOrderNumber.value}`);
        await row(1, 'initial').waitFor();
        assert.equal(await row(1, 'initial').getAttribute('data-status'), 'skipped');
        assert.match(await row(1, 'initial').innerText(), /DMP\s+non envoyé\s+the patient has no qualified INS/);
      } finally {
        await browser.close();
      }
    });
  });
}

describe('onward route RIS → DMP: attempts exhausted', { timeout: 300_000 }, () => {
  let pair: GatewayPair;
  let pki: DmpCertificates;
  let dmp: DmpSimulator | undefined;
  let dmpPort: number;

  before(async () => {
    pki = await generateDmpCertificates({ name: 'Centre Imagerie Test', id: '1750000001' });
    dmpPort = await freePort();
    pair = await startGatewayPair({
      ris: {
        outbox: { baseDelayMs: 50, maxDelayMs: 100, maxAttempts: 3 },
        onward: {
          dmp: {
            endpoint: `https://127.0.0.1:${dmpPort}/repository`,
            registryEndpoint: `https://127.0.0.1:${dmpPort}/registry`,
            tls: { cert: pki.clientCert, key: pki.clientKey, ca: pki.ca },
            structure: { id: '750000001', idType: 'FINESS', name: 'Centre Imagerie Test', sector: 'SA07' },
            lps: { homologationId: 'TEST-HOMOLOGATION-1', name: 'cisis-tlr', version: '0.1.0' },
            sourceId: '1.2.250.1.213.4.5.9.1',
            timeoutMs: 5_000,
          },
        },
      },
    });
    await bringToReport(pair, order);
  });
  after(async () => {
    await pair?.stop();
    await dmp?.stop();
    await pki?.remove();
  });

  it('parks the publication after outbox.maxAttempts, tells it, and publishes it once an operator retries', async () => {
    await documentsOf(pair.platform).reports.submit(key, { content });
    const failed = await pair.waitFor('ris', (e) => e.type === 'report.publication_failed' && e.data?.['destination'] === 'dmp', 60_000);
    assert.equal(failed.data?.['status'], 'parked');
    const row = (await pair.ris.store.listPublications(formatOrderKey(key))).find((p) => p.destination === 'dmp')!;
    assert.equal(row.status, 'parked');
    assert.match(row.errorText ?? '', /ECONNREFUSED.*gave up after 3 attempts/);
    dmp = await DmpSimulator.start({
      port: dmpPort,
      tls: { cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey), ca: readFileSync(pki.ca) },
      insEnvironment: 'production',
      requireSubmissionSignature: true,
    });
    const retried = await fetch(`http://127.0.0.1:${pair.ris.apiPort}/api/messages/${row.messageId}/retry`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    assert.equal(retried.status, 200, await retried.text());
    state = async () =>
      JSON.stringify({
        exchanges: dmp?.exchanges.map((x) => [x.path, x.outcome, x.violations.map((v) => `${v.rule} ${v.text}`)]),
        rows: (await pair.ris.store.listPublications(formatOrderKey(key))).map((p) => [p.version, p.status, p.errorCode, p.errorText]),
        outbox: (await pair.ris.store.listOutbox({ partner: 'dmp' })).items.map((i) => [i.state, i.attempts, i.lastError]),
      });
    const accepted = await until('the retried publication', async () => {
      const r = (await pair.ris.store.listPublications(formatOrderKey(key))).find((p) => p.destination === 'dmp');
      return r?.status === 'accepted' && r;
    });
    assert.equal(dmp.entryByUniqueId(accepted.uniqueId!)?.entryUUID, accepted.entryUuid);
  });
});
