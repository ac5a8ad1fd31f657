/**
 * Many partners in one gateway (issue 20): a platform reading for several RIS, each recognised by its
 * connection (peer address here: 127.0.0.1, 127.0.0.2, 127.0.0.3 on the loopback) and its MSH-3/MSH-4.
 * Real sockets, real SQLite files and a real PostgreSQL schema.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { loadConfig } from '../../src/gateway/config.js';
import type { GatewayEvent } from '../../src/gateway/events.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { buildHttpApp } from '../../src/gateway/http/app.js';
import { PartnerDirectory, partnersOf, withPartnerPolicy } from '../../src/gateway/partners.js';
import { parseMessage } from '../../src/hl7/index.js';
import { MllpFrameDecoder, MllpServer, acceptAllHandler, encodeFrame } from '../../src/mllp/index.js';
import { buildOrderMessage } from '../../src/tlr/index.js';
import { order, remoteRadiologist } from '../tlr/fixtures.js';
import { pgSkip, postgresSchemaUrl } from './harness.js';
import { freePort } from '../helpers/ports.js';

const KEY = 'partners-test-key-0123456789';
const PLACER = order.placerOrderNumber.value;

/** A RIS's MLLP listener: answers AA and records what it received. */
async function startRisEndpoint(): Promise<{ port: number; received: string[]; close: () => Promise<void> }> {
  const received: string[] = [];
  const server = new MllpServer({
    handler: async (bytes) => {
      received.push(bytes.toString('utf8'));
      return acceptAllHandler(bytes);
    },
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { port, received, close: () => server.close() };
}

/** A persistent MLLP connection from a given loopback address (the partner's identity on the wire). */
class Peer {
  readonly #socket: Socket;
  readonly #decoder = new MllpFrameDecoder();
  readonly #waiting: ((ack: string) => void)[] = [];
  closed = false;
  /** Resolves when the gateway (or this side) closes the connection. */
  readonly ended: Promise<void>;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (c: Buffer) => this.#decoder.push(c));
    this.ended = new Promise((resolve) =>
      socket.on('close', () => {
        this.closed = true;
        for (const w of this.#waiting.splice(0)) w('closed');
        resolve();
      }),
    );
    socket.on('error', () => undefined);
    this.#decoder.on('frame', (payload: Buffer) => this.#waiting.shift()?.(payload.toString('utf8')));
  }

  static open(port: number, localAddress: string): Promise<Peer> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(new Peer(socket)));
      socket.once('error', reject);
    });
  }

  send(bytes: Uint8Array): Promise<string> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#socket.write(encodeFrame(Buffer.from(bytes)));
    });
  }

  close(): void {
    this.#socket.destroy();
  }
}

let controlIds = 0;
/** Flow 1 of the shared fixture order (same placer number and authority for every partner), sent as `app`/`facility`. */
function orderFrom(app: string, facility: string, placer = PLACER): Uint8Array {
  return buildOrderMessage(
    { ...order, placerOrderNumber: { ...order.placerOrderNumber, value: placer } },
    {
      sendingApplication: app,
      sendingFacility: facility,
      receivingApplication: 'TLR_CISIS_TLR',
      receivingFacility: 'PLATEFORME_TLR',
      controlId: `P${process.pid}-${++controlIds}`,
      processingId: 'T',
      charset: 'UNICODE UTF-8',
    },
  ).toBytes();
}

const msa = (ack: string): string => /\rMSA\|([A-Z]{2})/.exec(ack)?.[1] ?? ack;

function partnerEntry(name: string, app: string, facility: string, peer: string, port: number) {
  return {
    name,
    application: app,
    facility,
    host: '127.0.0.1',
    port,
    ackTimeoutMs: 2_000,
    admission: { peers: [peer] },
    retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 },
  };
}

for (const engine of ['SQLite', 'PostgreSQL'] as const) {
  describe(`many partners in one platform gateway (${engine})`, { skip: engine === 'PostgreSQL' ? pgSkip : false }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlr-partners-'));
    const file = join(dir, 'platform.json');
    const pgSchema = engine === 'PostgreSQL' ? postgresSchemaUrl('partners') : undefined;
    let gw: Gateway;
    let base: string;
    let a: Awaited<ReturnType<typeof startRisEndpoint>>;
    let offlinePort: number;
    let cPort: number;
    const events: GatewayEvent[] = [];
    const peers: Peer[] = [];
    let fileConfig: Record<string, unknown>;

    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      // biome-ignore lint/suspicious/noExplicitAny: each test reads the shape it asserts
      return { status: res.status, json: (await res.json()) as any };
    };
    const peer = async (address: string) => {
      const p = await Peer.open(gw.mllpPort, address);
      peers.push(p);
      return p;
    };
    const waitFor = (predicate: (e: GatewayEvent) => boolean): Promise<GatewayEvent> =>
      new Promise((resolve) => {
        const past = events.find(predicate);
        if (past) return resolve(past);
        const on = (e: GatewayEvent) => {
          if (!predicate(e)) return;
          gw.off('event', on);
          resolve(e);
        };
        gw.on('event', on);
      });

    before(async () => {
      a = await startRisEndpoint();
      offlinePort = await freePort(); // nothing listens there: partner B is offline
      cPort = await freePort();
      fileConfig = {
        role: 'platform',
        dataDir: dir,
        processingId: 'T',
        ...(pgSchema ? { storage: { url: pgSchema.url } } : {}),
        mllp: { host: '127.0.0.1', port: await freePort() },
        api: { host: '127.0.0.1', port: 0, keys: [KEY] },
        partners: [
          partnerEntry('ris-a', 'RIS_A', 'FACILITY_A', '127.0.0.1', a.port),
          partnerEntry('ris-b', 'RIS_B', 'FACILITY_B', '127.0.0.2', offlinePort),
        ],
      };
      writeFileSync(file, JSON.stringify(fileConfig));
      const load = () => loadConfig({ file, env: {} });
      gw = await Gateway.start(await load(), {
        logger: pino({ level: process.env['TLR_TEST_LOG'] ?? 'silent' }),
        pollMs: 50,
        http: (g) => buildHttpApp(g),
        reloadConfig: load,
      });
      gw.on('event', (e) => events.push(e));
      base = `http://127.0.0.1:${gw.apiPort}`;
    });

    after(async () => {
      for (const p of peers) p.close();
      await gw?.stop();
      await a?.close();
      await pgSchema?.dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps apart the orders of two partners using the same placer number and authority', async () => {
      const fromA = await peer('127.0.0.1');
      const fromB = await peer('127.0.0.2');
      assert.equal(msa(await fromA.send(orderFrom('RIS_A', 'FACILITY_A'))), 'AA');
      assert.equal(msa(await fromB.send(orderFrom('RIS_B', 'FACILITY_B'))), 'AA');
      const listed = await api('GET', `/api/orders?placer=${PLACER}`);
      assert.deepEqual(listed.json.items.map((o: { partner: string }) => o.partner).sort(), ['ris-a', 'ris-b']);
      const ambiguous = await api('GET', `/api/orders/${PLACER}`);
      assert.equal(ambiguous.status, 409);
      assert.deepEqual(ambiguous.json.partners.sort(), ['ris-a', 'ris-b']);
      const ofA = await api('GET', `/api/orders/${PLACER}?partner=ris-a`);
      assert.equal(ofA.status, 200);
      assert.equal(ofA.json.partner, 'ris-a');
      assert.ok(ofA.json.messages.every((m: { partner: string }) => m.partner === 'ris-a'));
      assert.equal((await api('GET', '/api/messages?partner=ris-b&direction=inbound')).json.total, 1);

      // The decision on A's order goes to A, addressed to A's MSH-5/MSH-6; B's order is untouched.
      const refused = await api('POST', `/api/orders/${PLACER}/refuse?partner=ris-a`, { remoteRadiologist });
      assert.equal(refused.status, 202);
      await waitFor((e) => e.type === 'order.updated' && e.partner === 'ris-a' && e.data?.['delivered'] === true);
      assert.equal(a.received.length, 1);
      assert.match(a.received[0]!, /^MSH\|\^~\\&\|[^|]*\|[^|]*\|RIS_A\|FACILITY_A\|/);
      const ofB = await gw.store.getOrder('platform', {
        placerNumber: PLACER,
        assigningAuthority: order.placerOrderNumber.authorityOid,
        partner: 'ris-b',
      });
      assert.equal(ofB?.state, 'REQUESTED');
    });

    it("answers AR with an ERR to a message claiming another partner's MSH-3/MSH-4, and journals it as rejected", async () => {
      const fromA = await peer('127.0.0.1');
      const ack = await fromA.send(orderFrom('RIS_B', 'FACILITY_B'));
      assert.equal(msa(ack), 'AR');
      assert.match(ack, /\rERR\|\|MSH\^1\^4[^\r]*\|207\^[^\r]*TLR-GW-002/);
      assert.match(ack, /identity of partner ris-b/);
      const unknown = await fromA.send(orderFrom('RIS_X', 'FACILITY_X'));
      assert.equal(msa(unknown), 'AR');
      const rejected = await gw.store.listMessages({ direction: 'inbound', status: 'rejected', partner: 'ris-a' });
      assert.equal(rejected.total, 2);
      const detail = await gw.store.getMessage(rejected.items[1]!.id);
      assert.deepEqual(
        detail?.findings.map((f) => f.rule),
        ['TLR-GW-002'],
      );
      // Nothing of it reached an order: B's order still has only its own flow 1.
      const orders = await gw.store.listOrders({ role: 'platform', placerNumber: PLACER });
      assert.equal(orders.total, 2);
    });

    it("holds an offline partner's messages in its own lane while the other partners' messages flow; pauses a lane", async () => {
      const fromA = await peer('127.0.0.1');
      const orderA = (placer: string) =>
        buildOrderMessage(
          { ...order, placerOrderNumber: { ...order.placerOrderNumber, value: placer } },
          {
            sendingApplication: 'RIS_A',
            sendingFacility: 'FACILITY_A',
            receivingApplication: 'TLR_CISIS_TLR',
            receivingFacility: 'PLATEFORME_TLR',
            controlId: `P${process.pid}-${++controlIds}`,
            processingId: 'T',
            charset: 'UNICODE UTF-8',
          },
        ).toBytes();
      assert.equal(msa(await fromA.send(orderA(`${PLACER}-2`))), 'AA');
      assert.equal(msa(await fromA.send(orderA(`${PLACER}-3`))), 'AA');

      // B is offline: its refusal waits (next attempt in a minute); A's refusal, queued after it, is delivered.
      assert.equal((await api('POST', `/api/orders/${PLACER}/refuse?partner=ris-b`, { remoteRadiologist })).status, 202);
      const sent = await api('POST', `/api/orders/${PLACER}-2/refuse`, { remoteRadiologist });
      assert.equal(sent.status, 202);
      await waitFor((e) => e.type === 'order.updated' && e.messageId === sent.json.messageId && e.data?.['delivered'] === true);
      assert.equal(a.received.length, 2);
      let b = (await api('GET', '/api/partners')).json.items.find((p: { name: string }) => p.name === 'ris-b');
      assert.equal(b.lane.pending + b.lane.inFlight, 1);
      assert.equal(b.connected, false);

      // Paused, A's lane holds its next message (no instance claims it); resumed, the message goes. Both audited.
      const paused = await api('POST', '/api/partners/ris-a/pause');
      assert.equal(paused.status, 200);
      assert.equal(paused.json.paused, true);
      const held = await api('POST', `/api/orders/${PLACER}-3/refuse`, { remoteRadiologist });
      assert.equal(held.status, 202);
      assert.equal(await gw.store.claimNext('ris-a', 'probe', 1_000), null);
      const a1 = (await api('GET', '/api/partners')).json.items.find((p: { name: string }) => p.name === 'ris-a');
      assert.deepEqual([a1.paused, a1.lane.pending], [true, 1]);
      assert.match(a1.pausedBy, /^key-/, 'the actor is the API key that paused it (unnamed key: its digest)');
      assert.equal((await api('POST', '/api/partners/ris-a/resume')).json.paused, false);
      await waitFor((e) => e.type === 'order.updated' && e.messageId === held.json.messageId && e.data?.['delivered'] === true);
      assert.equal(a.received.length, 3);
      const actions = await gw.store.listOperatorActions({});
      assert.deepEqual(
        actions.filter((x) => x.action.startsWith('partner.')).map((x) => [x.action, x.detail?.['partner']]),
        [
          ['partner.pause', 'ris-a'],
          ['partner.resume', 'ris-a'],
        ],
      );
      assert.equal((await api('POST', '/api/partners/nobody/pause')).status, 404);
      b = (await api('GET', '/api/partners')).json.items.find((p: { name: string }) => p.name === 'ris-b');
      assert.equal(b.lane.pending + b.lane.inFlight, 1, 'the offline partner still holds its message');
    });

    it('adds a partner on reload without dropping the connections of the others', async () => {
      const fromA = await peer('127.0.0.1');
      assert.equal(msa(await fromA.send(orderFrom('RIS_A', 'FACILITY_A', `${PLACER}-4`))), 'AA');
      // Before the reload the listener admits only the partners' addresses: 127.0.0.3 is closed on accept.
      await (await peer('127.0.0.3')).ended;
      writeFileSync(
        file,
        JSON.stringify({
          ...fileConfig,
          partners: [...(fileConfig['partners'] as unknown[]), partnerEntry('ris-c', 'RIS_C', 'FACILITY_C', '127.0.0.3', cPort)],
        }),
      );
      const reload = await api('POST', '/api/partners/reload');
      assert.equal(reload.status, 200);
      assert.deepEqual(reload.json.added, ['ris-c']);
      assert.deepEqual(reload.json.removed, []);
      assert.deepEqual(reload.json.unchanged.sort(), ['ris-a', 'ris-b']);
      const fromC = await peer('127.0.0.3');
      assert.equal(msa(await fromC.send(orderFrom('RIS_C', 'FACILITY_C'))), 'AA', 'the new partner is admitted');
      assert.equal(msa(await fromA.send(orderFrom('RIS_A', 'FACILITY_A', `${PLACER}-5`))), 'AA');
      assert.equal(fromA.closed, false);
      assert.equal(fromC.closed, false);
      assert.deepEqual(
        (await api('GET', '/api/partners')).json.items.map((p: { name: string }) => p.name),
        ['ris-a', 'ris-b', 'ris-c'],
      );
      assert.ok((await gw.store.listOperatorActions({})).some((x) => x.action === 'partners.reload'));

      // An invalid file changes nothing.
      writeFileSync(file, JSON.stringify({ ...fileConfig, partners: [{ name: 'broken' }] }));
      const refused = await api('POST', '/api/partners/reload');
      assert.equal(refused.status, 422);
      assert.match(refused.json.detail, /partners/);
      assert.equal((await api('GET', '/api/partners')).json.items.length, 3);
    });
  });
}

describe('partners configuration', () => {
  it('keeps the single partner of an older configuration as a one-element list that checks no identity', async () => {
    const config = await loadConfig({ env: {}, overrides: { role: 'platform', partner: { host: '10.0.0.5', port: 2575 } } });
    const [only, ...others] = partnersOf(config);
    assert.equal(others.length, 0);
    assert.equal(only?.name, 'ris');
    assert.equal(only?.host, '10.0.0.5');
    assert.equal(only?.checkIdentity, false);
  });

  it('refuses partner and partners together, duplicate names and identities, an unknown default partner', async () => {
    const entry = { name: 'a', application: 'A', facility: 'F', host: 'h', port: 1 };
    await assert.rejects(loadConfig({ env: {}, overrides: { partner: { host: 'x' }, partners: [entry as never] } }), /either `partner`/);
    await assert.rejects(loadConfig({ env: {}, overrides: { partners: [entry, entry] as never } }), /"a" is used twice[\s\S]*both send/);
    await assert.rejects(loadConfig({ env: {}, overrides: { partners: [entry] as never, defaultPartner: 'b' } }), /defaultPartner "b"/);
    await assert.rejects(loadConfig({ env: {}, overrides: { partners: [{ name: 'a b' }] as never } }), /partners\.0/);
    await assert.rejects(
      loadConfig({ env: {}, overrides: { partners: [{ ...entry, admission: { peers: ['not-an-ip'] } }] as never } }),
      /partners\.a\.admission\.peers/,
    );
  });

  it('takes the partners from CISIS_TLR_PARTNERS and points partner at the default one', async () => {
    const list = [
      { name: 'day', application: 'TLR_DAY', facility: 'PLAT_DAY', host: '10.0.0.1', port: 2576 },
      { name: 'night', application: 'TLR_NIGHT', facility: 'PLAT_NIGHT', host: '10.0.0.2', port: 2576 },
    ];
    const config = await loadConfig({ env: { CISIS_TLR_PARTNERS: JSON.stringify(list), CISIS_TLR_DEFAULT_PARTNER: 'night' } });
    assert.equal(config.partner.name, 'night');
    assert.equal(config.partner.application, 'TLR_NIGHT');
    assert.deepEqual(
      partnersOf(config).map((p) => [p.name, p.enabled, p.checkIdentity, p.ackTimeoutMs]),
      [
        ['day', true, true, 30_000],
        ['night', true, true, 30_000],
      ],
    );
  });
});

describe('partner attribution and validation policy', () => {
  const entry = (name: string, app: string, facility: string, admission: Record<string, string[]>) => ({
    name,
    application: app,
    facility,
    host: '127.0.0.1',
    port: 1,
    admission,
  });
  const FP = 'AB:'.repeat(31) + 'CD';

  it('attributes by TLS certificate (fingerprint, verified subject) before the peer address, then checks MSH-3/MSH-4', async () => {
    const config = await loadConfig({
      env: {},
      overrides: {
        role: 'platform',
        partners: [
          entry('pinned', 'RIS_P', 'FAC_P', { certificateFingerprints: [FP.replace(/:/g, '').toLowerCase()] }),
          entry('by-subject', 'RIS_S', 'FAC_S', { certificateSubjects: ['CN=ris.example'] }),
          entry('by-address', 'RIS_A', 'FAC_A', { peers: ['10.0.0.0/8'] }),
        ] as never,
      },
    });
    const directory = new PartnerDirectory(config);
    const header = (app: string, facility: string) => parseMessage(Buffer.from(orderFrom(app, facility))).header;
    const pinned = {
      peer: '10.1.1.1:5',
      peerAddress: '10.1.1.1',
      connectionId: '1',
      tls: { authorized: false, peerCertificateFingerprint256: FP },
    };
    const subject = {
      peer: '10.1.1.1:5',
      peerAddress: '10.1.1.1',
      connectionId: '2',
      tls: { authorized: true, peerCertificateSubject: 'CN=ris.example, O=Clinique' },
    };
    const unverified = { ...subject, tls: { ...subject.tls, authorized: false } };
    const plain = { peer: '10.1.1.1:5', peerAddress: '10.1.1.1', connectionId: '3' };
    const named = (a: ReturnType<PartnerDirectory['attribute']>) => (a.refused ? `refused: ${a.message}` : a.partner.name);
    assert.equal(named(directory.attribute(pinned, header('RIS_P', 'FAC_P'))), 'pinned');
    assert.equal(named(directory.attribute(subject, header('RIS_S', 'FAC_S'))), 'by-subject');
    assert.equal(named(directory.attribute(plain, header('RIS_A', 'FAC_A'))), 'by-address');
    // The certificate is the identity: a pinned connection claiming the address partner's MSH-4 is refused.
    assert.match(named(directory.attribute(pinned, header('RIS_A', 'FAC_A'))), /refused: .*identity of partner by-address/);
    // An unverified certificate proves no subject: the connection falls back to its address.
    assert.match(named(directory.attribute(unverified, header('RIS_S', 'FAC_S'))), /refused: .*identity of partner by-subject/);
    assert.match(named(directory.attribute({ ...plain, peerAddress: '192.168.0.1' }, header('RIS_A', 'FAC_A'))), /refused/);
  });

  it("applies a partner's validation policy: tolerated rules become warnings, warnings refused become errors", () => {
    const base = {
      name: 'p',
      enabled: true,
      application: 'A',
      facility: 'F',
      host: 'h',
      port: 1,
      ackTimeoutMs: 1000,
      admission: { peers: [], certificateSubjects: [], certificateFingerprints: [] },
      checkIdentity: true,
    };
    const report = {
      profile: 'flux1',
      valid: false,
      message: undefined,
      issues: [
        { severity: 'error' as const, rule: 'TLR-X-001', location: 'PID-3', message: 'known defect', condition: '101' },
        { severity: 'warning' as const, rule: 'TLR-X-002', location: 'PV1-2', message: 'a warning', condition: '207' },
      ],
    };
    const tolerated = withPartnerPolicy(report as never, { ...base, validation: { tolerate: ['TLR-X-001'] } });
    assert.equal(tolerated.valid, true);
    assert.deepEqual(
      tolerated.issues.map((f) => f.severity),
      ['warning', 'warning'],
    );
    assert.match(tolerated.issues[0]!.message, /tolerated for partner p/);
    const strict = withPartnerPolicy({ ...report, valid: true, issues: [report.issues[1]!] } as never, {
      ...base,
      validation: { warnings: 'refuse' },
    });
    assert.equal(strict.valid, false);
    assert.equal(withPartnerPolicy(report as never, base), report, 'no policy: the report as the validator gave it');
  });
});
