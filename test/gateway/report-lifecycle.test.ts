import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { documentsOf } from '../../src/gateway/documents/documents-plugin.js';
import { verifyWebhookSignature } from '../../src/gateway/webhook-dispatcher.js';
import { parseMessage } from '../../src/hl7/index.js';
import { sendOverMllp } from '../helpers/mllp-send.js';
import type { OrderKey } from '../../src/store/index.js';
import type { ReportRecord } from '../../src/workflow/index.js';
import { buildDocumentMessage, readDocumentMessage } from '../../src/documents/transport/index.js';
import { order, remoteRadiologist } from '../tlr/fixtures.js';
import type { GatewayPair } from '../helpers/gateway-pair.js';
import { bringOrderToReport, startGatewayPair } from '../helpers/gateway-pair.js';

const key: OrderKey = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
const content = {
  clinicalContext: 'Céphalées brutales depuis 48 h.',
  technique: 'IRM encéphalique 1,5 T : T1, T2 FLAIR, diffusion, T1 gadolinium.',
  findings: "Pas d'anomalie de signal du parenchyme.\nPas de prise de contraste anormale.",
  conclusion: 'IRM encéphalique normale.',
};

async function reportsOf(gw: GatewayPair['ris']): Promise<ReportRecord[]> {
  const o = await gw.store.getOrder(gw.config.role, key);
  return ((o?.data ?? {}) as { reports?: ReportRecord[] }).reports ?? [];
}

const WEBHOOK_SECRET = 'report-webhook-secret-0123456789';

/** The RIS host software: receives the gateway's webhooks and checks their signature. */
const hooks: Array<{ type: string; signed: boolean; data: Record<string, unknown> }> = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => {
    body += c.toString('utf8');
  });
  req.on('end', () => {
    const event = JSON.parse(body) as { type: string; data: Record<string, unknown> };
    hooks.push({
      type: event.type,
      signed: verifyWebhookSignature(WEBHOOK_SECRET, body, String(req.headers['x-cisis-tlr-signature'] ?? '')),
      data: event.data,
    });
    res.writeHead(204).end();
  });
});

async function hook(type: string): Promise<{ type: string; signed: boolean; data: Record<string, unknown> }> {
  for (let i = 0; i < 300; i++) {
    const h = hooks.find((x) => x.type === type);
    if (h) return h;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no ${type} webhook; received ${hooks.map((h) => h.type).join(', ')}`);
}

describe('imaging report lifecycle between two half-connectors (MDM T02 → T10 → T04 over MLLP)', { timeout: 600_000 }, () => {
  let pair: GatewayPair;
  before(async () => {
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    pair = await startGatewayPair({
      ris: { webhooks: [{ url, secret: WEBHOOK_SECRET, events: ['report.received', 'report.replaced', 'report.deleted'] }] },
    });
    await bringOrderToReport(pair);
  });
  after(async () => {
    await pair?.stop();
    receiver.close();
  });

  it('refuses a report request before anything is sent when the order lacks what the CDA header needs', async () => {
    await assert.rejects(
      documentsOf(pair.platform).reports.submit(key, { content, accessionNumber: 'UNKNOWN' }),
      /no exam with accession number UNKNOWN/,
    );
  });

  it('delivers a level-1 report that the RIS validates, attaches and reports by webhook event', async () => {
    const sent = await documentsOf(pair.platform).reports.submit(key, { content });
    assert.equal(sent.order.state, 'REPORTED');
    assert.equal(sent.report.version, 1);
    assert.match(sent.report.viewerUrl ?? '', /idCDA=/);
    const e = await pair.waitFor('ris', (ev) => ev.type === 'report.received');
    assert.equal(e.state, 'REPORTED');
    const h = await hook('report.received');
    assert.equal(h.signed, true, 'HMAC signature verified by the host');
    assert.equal(h.data['placerOrderNumber'], key.placerNumber);
    assert.equal(h.data['state'], 'REPORTED');
    const reports = await reportsOf(pair.ris);
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.status, 'current');
    assert.deepEqual(reports[0]!.documentId, sent.report.documentId);
    const msg = await pair.ris.store.getMessage(reports[0]!.messageId);
    assert.equal(msg?.ackCode, 'AA');
    assert.deepEqual(
      msg?.findings.filter((f) => f.severity === 'error'),
      [],
      'no error from the document rules nor the CDA schematrons',
    );
    const doc = readDocumentMessage(parseMessage(msg!.raw!)).value!;
    assert.equal(doc.kind, 'initial');
    assert.match(doc.document!.bytes!.toString('utf8'), /nonXMLBody/);
  });

  it('replaces the report (T10): same setId, version 2, the first version marked replaced on both sides', async () => {
    const first = (await reportsOf(pair.platform))[0]!;
    const sent = await documentsOf(pair.platform).reports.replace(key, {
      content: { ...content, conclusion: 'IRM normale. Addendum : pas de lésion.' },
    });
    assert.equal(sent.report.version, 2);
    assert.deepEqual(sent.report.setId, first.setId);
    assert.notDeepEqual(sent.report.documentId, first.documentId);
    await pair.waitFor('ris', (ev) => ev.type === 'report.replaced');
    assert.equal((await hook('report.replaced')).signed, true);
    const reports = await reportsOf(pair.ris);
    assert.deepEqual(
      reports.map((r) => [r.version, r.status]),
      [
        [1, 'replaced'],
        [2, 'current'],
      ],
    );
  });

  it('deletes the current report (T04) and the order goes back to waiting for a report', async () => {
    await documentsOf(pair.platform).reports.delete(key);
    const e = await pair.waitFor('ris', (ev) => ev.type === 'report.deleted');
    assert.equal(e.state, 'COMPLEMENTED');
    assert.equal((await hook('report.deleted')).data['state'], 'COMPLEMENTED');
    assert.deepEqual(
      hooks.map((x) => x.type),
      ['report.received', 'report.replaced', 'report.deleted'],
      'only the subscribed events, in order',
    );
    const reports = await reportsOf(pair.ris);
    assert.deepEqual(
      reports.map((r) => r.status),
      ['replaced', 'deleted'],
    );
  });

  it('answers AE with the CDA findings when a report does not pass the ANS rules', async () => {
    // A report whose CDA language is `fr` instead of the required `fr-FR`: built with the transport builder,
    // sent straight over MLLP to the RIS as a non-conforming platform would.
    const sent = (await reportsOf(pair.platform)).find((r) => r.status === 'deleted')!;
    const original = readDocumentMessage(parseMessage((await pair.platform.store.getMessage(sent.messageId))!.raw!)).value!;
    const xml = original.document!.bytes!.toString('utf8').replace(/<languageCode code="fr-FR"\/>/, '<languageCode code="fr"/>');
    assert.match(xml, /<languageCode code="fr"\/>/, 'the document was broken as intended');
    const message = buildDocumentMessage({
      kind: 'initial',
      patient: original.patient,
      order: original.order!,
      document: {
        xml,
        id: original.document!.cda!.id!,
        setId: original.document!.cda!.setId!,
        version: original.document!.cda!.versionNumber ?? 1,
        title: original.document!.cda!.title ?? 'CR',
        type: { code: '18748-4', display: "CR d'imagerie médicale", codingSystem: 'LN' },
        creationTime: new Date(),
        confidentiality: 'N',
        mimeType: 'text/xml',
        author: original.participants.sender?.person ?? remoteRadiologist,
        custodian: original.participants.sender?.organisation ?? { name: 'X', identifier: '1300017985', identifierType: 'IDNST' },
      },
      metadata: { sendToDmp: true },
      context: {
        sendingApplication: 'TLR_CISIS_TLR',
        sendingFacility: 'PLATEFORME_TLR',
        receivingApplication: 'RIS_CISIS_TLR',
        receivingFacility: 'STRUCTURE_IMAGERIE',
      },
    });
    const result = await sendOverMllp(pair.ris.mllpPort, message);
    assert.equal(result.code, 'AE');
    assert.ok(
      result.errors.some((e) => /^CDA:/.test(e.applicationCode ?? '')),
      `expected a CDA finding, got ${JSON.stringify(result.errors.slice(0, 3))}`,
    );
    assert.equal(result.ack.header.version, '2.6', 'the ACK keeps the version of the document volet');
  });
});
