/**
 * The onward route end to end: platform → RIS half (MDM T02/T10/T04 over MLLP) → PFI simulator
 * (MDM v2.6 of "Transmission de documents CDA en HL7 v2" 2.1, through the RIS's durable outbox) →
 * ZAM receipts back on the RIS's receipt listener → delivery status per destination. On SQLite, and
 * on PostgreSQL when CISIS_TLR_TEST_PG is set.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { parseMessage } from '../../src/hl7/index.js';
import { MllpClient } from '../../src/mllp/index.js';
import { buildBusinessReceipt } from '../../src/documents/transport/index.js';
import { documentsOf } from '../../src/gateway/documents/documents-plugin.js';
import { formatOrderKey, type OrderKey, type PublicationRecord } from '../../src/store/index.js';
import { DMP_CLOSED, PfiSimulator, type PfiOutcomes } from '../../src/simulate/index.js';
import { order } from '../tlr/fixtures.js';
import { API_KEY, bringOrderToReport, startGatewayPair, type GatewayPair } from '../helpers/gateway-pair.js';
import { freePort } from '../helpers/ports.js';

const pgUrl = process.env['CISIS_TLR_TEST_PG'] ?? '';
const pgSkip = pgUrl === '' ? 'CISIS_TLR_TEST_PG is not set (e.g. postgres://postgres@127.0.0.1:5432/test)' : false;
const key: OrderKey = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
const content = {
  clinicalContext: 'Céphalées brutales depuis 48 h.',
  technique: 'IRM encéphalique 1,5 T.',
  findings: "Pas d'anomalie de signal.",
  conclusion: 'IRM encéphalique normale.',
};
const COPY_TO = 'imagerie.service@test.mssante.fr';

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

for (const engine of ['SQLite', 'PostgreSQL'] as const) {
  describe(`onward route RIS → PFI on ${engine}`, { skip: engine === 'PostgreSQL' ? pgSkip : false, timeout: 600_000 }, () => {
    let pair: GatewayPair;
    let pfi: PfiSimulator;
    let pfiPort: number;
    let receiptPort: number;
    let schema: string | undefined;
    let outcomes: PfiOutcomes = { dmp: 'accept', mssante: 'deliver' };
    const startPfi = () =>
      PfiSimulator.start({ port: pfiPort, receipts: { host: '127.0.0.1', port: receiptPort }, delayMs: 50, outcomes: () => outcomes });
    const publications = (): Promise<readonly PublicationRecord[]> => pair.ris.store.listPublications(formatOrderKey(key));
    const ofVersion = async (version: number) => (await publications()).filter((p) => p.version === version);
    const settledVersion = (version: number, n: number) =>
      until(`the receipts of version ${version}`, async () => {
        const rows = await ofVersion(version);
        return rows.length === n && rows.every((r) => r.status === 'accepted' || r.status === 'refused') && rows;
      });

    before(async () => {
      [pfiPort, receiptPort] = [await freePort(), await freePort()];
      let storage = {};
      if (engine === 'PostgreSQL') {
        schema = `tlr_onward_${randomBytes(4).toString('hex')}`;
        const url = new URL(pgUrl);
        url.searchParams.set('schema', schema);
        storage = { storage: { url: url.toString() } };
      }
      pair = await startGatewayPair({
        ris: {
          ...storage,
          outbox: { baseDelayMs: 50, maxDelayMs: 200 },
          onward: {
            pfi: {
              port: pfiPort,
              ackTimeoutMs: 5_000,
              listen: { port: receiptPort },
              dmp: true,
              mssante: { professionals: true, patient: true, recipients: [COPY_TO] },
            },
          },
        },
      });
      pfi = await startPfi();
      state = async () =>
        JSON.stringify({
          pfi: pfi.received.map((r) => [r.event, r.ack]),
          counts: pfi.counts,
          rows: (await publications()).map((p) => [p.version, p.requestKind, p.destination, p.status]),
        });
      await bringOrderToReport(pair);
    });
    after(async () => {
      await pfi?.stop();
      await pair?.stop();
      if (schema) {
        const client = new pg.Client({ connectionString: pgUrl });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    });

    it('sends an accepted report (T02) on to the PFI, published to the DMP and mailed; the RIS tracks each destination', async () => {
      const sent = await documentsOf(pair.platform).reports.submit(key, { content });
      await pair.waitFor('ris', (e) => e.type === 'report.received');
      const rows = await settledVersion(1, 3);
      assert.deepEqual(
        rows.map((r) => [r.requestKind, r.destination, r.address, r.status]),
        [
          ['initial', 'dmp', '', 'accepted'],
          ['initial', 'mssante', COPY_TO, 'accepted'],
          ['initial', 'mssante', `${order.patient.ins!.value}@patient.mssante.fr`, 'accepted'],
        ],
      );
      assert.deepEqual(rows[0]!.documentId, sent.report.documentId);
      const got = pfi.received.find((r) => r.controlId === rows[0]!.controlId)!;
      assert.equal(got.event, 'MDM^T02');
      assert.equal(got.ack, 'AA');
      assert.deepEqual(
        got.findings.filter((f) => f.severity === 'error'),
        [],
      );
      // What left is the volet 2.1 message: MSH-12 2.6, MSH-21 2.1^CISIS_CDA_HL7_V2, the PFI as receiver.
      const out = await pair.ris.store.getMessage(rows[0]!.messageId!);
      assert.equal(out?.partner, 'pfi');
      assert.equal(out?.status, 'delivered');
      const m = parseMessage(out!.raw!);
      assert.equal(m.get('MSH-12'), '2.6');
      assert.equal(m.get('MSH-21.1'), '2.1');
      assert.equal(m.get('MSH-21.2'), 'CISIS_CDA_HL7_V2');
      assert.equal(m.get('MSH-5'), 'PFI');
      const flags = Object.fromEntries(
        m
          .all('OBX')
          .slice(1)
          .map((o) => [o.get('3.1'), o.get('5.1')]),
      );
      assert.equal(flags['DESTDMP'], 'Y');
      assert.equal(flags['DESTMSSANTEPS'], 'Y');
      assert.equal(flags['DESTMSSANTEPAT'], 'Y');
      assert.equal(flags['ACK_RECEPTION'], 'Y');
      await pair.waitFor('ris', (e) => e.type === 'report.published' && e.data?.['destination'] === 'dmp');

      const api = await fetch(`http://127.0.0.1:${pair.ris.apiPort}/api/orders/${key.placerNumber}/reports`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      const body = (await api.json()) as { items: Array<{ publications: Array<{ destination: string; status: string }> }> };
      assert.deepEqual(
        body.items[0]!.publications.map((p) => `${p.destination}:${p.status}`),
        ['dmp:accepted', 'mssante:accepted', 'mssante:accepted'],
      );
      const metrics = await (await fetch(`http://127.0.0.1:${pair.ris.apiPort}/metrics`)).text();
      assert.match(metrics, /cisis_tlr_publications_total\{[^}]*destination="dmp"[^}]*outcome="accepted"[^}]*\} 1/);
    });

    it('shows a replacement (T10) the DMP refused, with its error code and text', async () => {
      outcomes = { dmp: 'refuse', mssante: 'deliver' };
      await documentsOf(pair.platform).reports.replace(key, { content: { ...content, conclusion: 'IRM normale. Addendum.' } });
      const rows = await settledVersion(2, 3);
      const dmp = rows.find((r) => r.destination === 'dmp')!;
      assert.equal(dmp.requestKind, 'replace');
      assert.equal(dmp.status, 'refused');
      assert.equal(dmp.errorCode, DMP_CLOSED.code);
      assert.equal(dmp.errorText, DMP_CLOSED.label);
      const failed = await pair.waitFor('ris', (e) => e.type === 'report.publication_failed' && e.data?.['destination'] === 'dmp');
      assert.equal(failed.data?.['code'], 'DMPClosed');
      assert.equal(failed.data?.['request'], 'replace');
      assert.equal(pfi.received.find((r) => r.controlId === dmp.controlId)?.event, 'MDM^T10');
    });

    it('keeps what it sends while the PFI is down, then in order once it is back (T10, T04, an MSSanté failure)', async () => {
      await pfi.stop();
      outcomes = { dmp: 'accept', mssante: 'fail' };
      await documentsOf(pair.platform).reports.replace(key, { content: { ...content, conclusion: 'IRM normale. Second addendum.' } });
      await pair.waitFor('ris', (e) => e.type === 'report.replaced' && e.data?.['version'] === 3);
      await documentsOf(pair.platform).reports.delete(key, {});
      await pair.waitFor('ris', (e) => e.type === 'report.deleted');
      const waiting = await until('both messages queued', async () => {
        const rows = (await publications()).filter((p) => p.version === 3);
        return rows.length === 6 && rows;
      });
      assert.ok(
        waiting.every((r) => r.status === 'pending'),
        'nothing is sent while the PFI is down',
      );
      const attempts = await until('a failed attempt', async () => {
        const items = await pair.ris.store.listOutbox({ partner: 'pfi' });
        const open = items.items.filter((i) => i.state !== 'delivered');
        return open.length === 2 && open.some((i) => i.attempts > 0) && open;
      });
      assert.equal(attempts.length, 2);

      pfi = await startPfi();
      const rows = await until('the receipts of the replacement and the deletion', async () => {
        const r = (await publications()).filter((p) => p.version === 3);
        return r.length === 6 && r.every((x) => x.status === 'accepted' || x.status === 'refused') && r;
      });
      const replaceRows = rows.filter((r) => r.requestKind === 'replace');
      const deleteRows = rows.filter((r) => r.requestKind === 'delete');
      assert.equal(replaceRows.length, 3);
      assert.equal(deleteRows.length, 3);
      assert.deepEqual(
        deleteRows.map((r) => `${r.destination}:${r.status}:${r.errorCode ?? ''}`),
        ['dmp:accepted:', 'mssante:refused:550', 'mssante:refused:550'],
      );
      // Order kept: the PFI got the replacement before the deletion, each once.
      const events = pfi.received.map((r) => r.event);
      assert.deepEqual(events, ['MDM^T10', 'MDM^T04']);
      assert.equal(pfi.received[0]!.controlId, replaceRows[0]!.controlId);
      assert.equal(pfi.received[1]!.controlId, deleteRows[0]!.controlId);
    });

    it('refuses on the receipt listener what is not a receipt of a report it sent (AE with ERR)', async () => {
      const client = new MllpClient({ host: '127.0.0.1', port: receiptPort, reconnect: false });
      try {
        await client.connect();
        const context = { sendingApplication: 'PFI', sendingFacility: 'PFI', receivingApplication: 'RIS', receivingFacility: 'RIS' };
        const unknown = buildBusinessReceipt({ kind: 'dmp', acknowledgedControlId: 'NEVER-SENT', success: true }, context);
        const r1 = await client.send(unknown.toBytes());
        assert.equal(r1.code, 'AE');
        assert.equal(r1.errors[0]?.condition, '204');
        assert.match(r1.errors[0]?.message ?? '', /NEVER-SENT/);
        const sentRow = (await publications()).find((p) => p.destination === 'mssante' && p.status === 'accepted')!;
        const wrongMailbox = buildBusinessReceipt(
          { kind: 'mss-delivery', acknowledgedControlId: sentRow.controlId, success: true, mailbox: { address: 'nobody@test.mssante.fr' } },
          context,
        );
        const r2 = await client.send(wrongMailbox.toBytes());
        assert.equal(r2.code, 'AE');
        assert.equal(r2.errors[0]?.condition, '204');
        // A ZAM^Z01 without its status OBX is not a valid receipt: the document-transport pack's findings.
        const broken = unknown
          .toString()
          .split('\r')
          .filter((s) => !s.startsWith('OBX'))
          .join('\r');
        const r3 = await client.send(Buffer.from(broken));
        assert.equal(r3.code, 'AE');
        assert.ok(r3.errors.length > 0);
        // A document message is not for this listener.
        const order1 = await pair.ris.store.listMessages({ partner: 'pfi', direction: 'outbound', limit: 1 });
        const doc = await pair.ris.store.getMessage(order1.items[0]!.id);
        const r4 = await client.send(Buffer.from(doc!.raw!));
        assert.equal(r4.code, 'AE');
        assert.equal(r4.errors[0]?.condition, '200');
      } finally {
        await client.close();
      }
      const journal = await pair.ris.store.listMessages({ partner: 'pfi', direction: 'inbound', status: 'error' });
      assert.ok((journal.total ?? 0) >= 4, 'every refused receipt is journaled');
    });
  });
}
