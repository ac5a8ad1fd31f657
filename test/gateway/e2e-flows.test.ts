import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { verifyWebhookSignature, SIGNATURE_HEADER } from '../../src/gateway/webhook-dispatcher.js';
import { ClinicalDataGenerator, findFreePort } from '../../src/simulate/index.js';
import type { ImagingOrder } from '../../src/tlr/index.js';
import type { ReceivedWebhook, ServedGateway } from './harness.js';
import {
  API_KEY,
  WEBHOOK_SECRET,
  pgSkip,
  postgresSchemaUrl,
  servePair,
  startWebhookReceiver,
  stateOf,
  tempDir,
  waitFor,
  waitForState,
} from './harness.js';

/**
 * Two real `cisis-tlr serve` processes, a RIS and a platform, over real MLLP on loopback, each with
 * its own database: every flow is driven through the REST API of the side that sends it and checked
 * on the other side through its API and its signed webhooks.
 */
function endToEndSuite(engine: 'SQLite' | 'PostgreSQL', skip: string | false): void {
  describe(`two gateway processes over MLLP on ${engine}`, { skip }, () => {
    let ris: ServedGateway;
    let platform: ServedGateway;
    let risHooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
    let platformHooks: Awaited<ReturnType<typeof startWebhookReceiver>>;
    const disposers: Array<() => Promise<unknown>> = [];
    const data = new ClinicalDataGenerator({ seed: 20260106 });
    const orders: ImagingOrder[] = Array.from({ length: 5 }, () => data.imagingOrder());
    const [textAccepted, pdfAccepted, refused, cancelled, acceptedThenCancelled] = orders.map((o) => o.placerOrderNumber.value) as [
      string,
      string,
      string,
      string,
      string,
    ];

    before(async () => {
      const dir = await tempDir(engine.toLowerCase());
      disposers.push(dir.dispose);
      [risHooks, platformHooks] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
      disposers.push(risHooks.close, platformHooks.close);
      const [risPort, platformPort] = [await findFreePort(), await findFreePort()];
      const storage = (role: string): string | undefined => {
        if (engine === 'SQLite') return undefined;
        const s = postgresSchemaUrl(role);
        disposers.push(s.dispose);
        return s.url;
      };
      const risStorage = storage('ris');
      const platformStorage = storage('platform');
      [ris, platform] = await servePair(
        {
          role: 'ris',
          mllpPort: risPort,
          partnerPort: platformPort,
          dataDir: dir.path,
          webhookUrl: risHooks.url,
          ...(risStorage ? { storageUrl: risStorage } : {}),
        },
        {
          role: 'platform',
          mllpPort: platformPort,
          partnerPort: risPort,
          dataDir: dir.path,
          webhookUrl: platformHooks.url,
          ...(platformStorage ? { storageUrl: platformStorage } : {}),
        },
      );
    });

    after(async () => {
      const codes = await Promise.all([ris?.stop(), platform?.stop()]);
      for (const d of disposers.reverse()) await d();
      assert.deepEqual(codes, [0, 0], 'both gateways stop gracefully on SIGTERM');
    });

    const hookFor = (hooks: ReceivedWebhook[], type: string, placer: string): ReceivedWebhook | undefined =>
      hooks.find((h) => h.event.type === type && h.event.data.placerOrderNumber === placer);

    it('delivers RIS requests (flow 1) to the platform, which reports them by webhook', async () => {
      for (const o of orders) {
        const r = await ris.api.post('/api/orders', o);
        assert.equal(r.status, 202, r.text);
        assert.equal(r.json.order.state, 'REQUESTED');
        assert.match(r.json.controlId, /\S/);
      }
      for (const o of orders) await waitForState(platform, o.placerOrderNumber.value, 'REQUESTED');
      const hook = await waitFor('order.received webhook', async () => hookFor(platformHooks.received, 'order.received', textAccepted));
      assert.equal(hook.event.data.data?.['order'] !== undefined, true, 'the event carries the request');
      const detail = await platform.api.get(`/api/orders/${textAccepted}`);
      assert.equal(detail.json.flows.request.justification, orders[0]!.justification, 'accents and punctuation survive MLLP and storage');
      assert.equal(detail.json.flows.request.patient.usedName, orders[0]!.patient.usedName);
    });

    it('carries the platform decisions (flow 3) with a text and a PDF protocol, and a refusal, to the RIS', async () => {
      const radiologist = data.remoteRadiologist();
      const text = data.textProtocol(orders[0]!);
      const pdf = await data.pdfProtocol(orders[1]!, radiologist, {
        name: 'Plateforme de téléradiologie',
        identifierType: 'FINEG',
        identifier: '750000002',
      });
      assert.equal(
        (await platform.api.post(`/api/orders/${textAccepted}/accept`, { remoteRadiologist: radiologist, protocols: [text] })).status,
        202,
      );
      assert.equal(
        (await platform.api.post(`/api/orders/${pdfAccepted}/accept`, { remoteRadiologist: radiologist, protocols: [pdf] })).status,
        202,
      );
      assert.equal(
        (await platform.api.post(`/api/orders/${acceptedThenCancelled}/accept`, { remoteRadiologist: radiologist, protocols: [text] }))
          .status,
        202,
      );
      assert.equal(
        (await platform.api.post(`/api/orders/${refused}/refuse`, { remoteRadiologist: radiologist, reason: data.refusalReason() })).status,
        202,
      );
      await waitForState(ris, textAccepted, 'ACCEPTED');
      await waitForState(ris, pdfAccepted, 'ACCEPTED');
      await waitForState(ris, acceptedThenCancelled, 'ACCEPTED');
      await waitForState(ris, refused, 'REJECTED');
      const protocolText = await fetch(`${ris.api.base}/api/orders/${textAccepted}/protocols/1`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      assert.equal(await protocolText.text(), text.text);
      const protocolPdf = await fetch(`${ris.api.base}/api/orders/${pdfAccepted}/protocols/1`, {
        headers: { authorization: `Bearer ${API_KEY}` },
      });
      assert.equal(protocolPdf.headers.get('content-type'), 'application/pdf');
      const bytes = Buffer.from(await protocolPdf.arrayBuffer());
      assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.equal(bytes.toString('base64'), pdf.base64, 'the PDF arrives byte for byte');
      const hook = await waitFor('decision.received webhook', async () => hookFor(risHooks.received, 'decision.received', refused));
      assert.equal(hook.event.data.state, 'REJECTED');
    });

    it('cancels (flow 2) before the decision and after an acceptance', async () => {
      assert.equal((await ris.api.post(`/api/orders/${cancelled}/cancel`, { reason: data.cancellationReason() })).status, 202);
      assert.equal((await ris.api.post(`/api/orders/${acceptedThenCancelled}/cancel`, {})).status, 202);
      await waitForState(platform, cancelled, 'CANCELLED');
      await waitForState(platform, acceptedThenCancelled, 'CANCELLED');
      await waitFor('order.cancelled webhook', async () => hookFor(platformHooks.received, 'order.cancelled', cancelled));
    });

    it('sends post-exam information (flow 4) for the accepted requests', async () => {
      for (const [placer, order] of [
        [textAccepted, orders[0]!],
        [pdfAccepted, orders[1]!],
      ] as const) {
        const r = await ris.api.post(`/api/orders/${placer}/post-exam`, { exams: data.performedExams(order) });
        assert.equal(r.status, 202, r.text);
        assert.equal(r.json.order.state, 'COMPLEMENTED');
        await waitForState(platform, placer, 'COMPLEMENTED');
      }
      const hook = await waitFor('postexam.received webhook', async () =>
        hookFor(platformHooks.received, 'postexam.received', pdfAccepted),
      );
      assert.equal(hook.event.data.state, 'COMPLEMENTED');
      const detail = await platform.api.get(`/api/orders/${textAccepted}`);
      assert.match(
        detail.json.flows.postExamInfo.exams[0].viewerUrl,
        /^https:\/\/drimbox\..*\/IHEInvokeImageDisplay\?requestType=STUDY&studyUID=2\.25\.\d+&Accessionnumber=/,
      );
    });

    it('ends with the same state on both sides and lists orders and messages', async () => {
      const expected: Record<string, string> = {
        [textAccepted]: 'COMPLEMENTED',
        [pdfAccepted]: 'COMPLEMENTED',
        [refused]: 'REJECTED',
        [cancelled]: 'CANCELLED',
        [acceptedThenCancelled]: 'CANCELLED',
      };
      for (const [placer, state] of Object.entries(expected)) {
        assert.equal(await stateOf(ris, placer), state, `RIS ${placer}`);
        assert.equal(await stateOf(platform, placer), state, `platform ${placer}`);
      }
      const list = await platform.api.get('/api/orders?limit=100');
      assert.equal(list.json.total, 5);
      assert.deepEqual(
        new Set(list.json.items.map((i: { placerOrderNumber: string }) => i.placerOrderNumber)),
        new Set(Object.keys(expected)),
      );
      const sent = await ris.api.get('/api/messages?direction=outbound&limit=100');
      // 5 requests, 2 cancellations, 2 post-exam messages, all acknowledged AA.
      assert.equal(sent.json.total, 9);
      assert.ok(
        sent.json.items.every((m: { status: string; ackCode: string }) => m.status === 'delivered' && m.ackCode === 'AA'),
        JSON.stringify(sent.json.items.map((m: { status: string }) => m.status)),
      );
      const received = await platform.api.get('/api/messages?direction=inbound&limit=100');
      assert.equal(received.json.total, 9);
      assert.ok(
        received.json.items.every((m: { findings: unknown[] }) => m.findings.length === 0),
        'the platform found nothing to report in what the RIS sent',
      );
    });

    it('signs every webhook with HMAC-SHA256 and logs its delivery', async () => {
      await waitFor('webhook deliveries to settle', async () => {
        const d = await platform.api.get('/api/webhooks/deliveries?limit=100');
        return d.json.items.length > 0 && d.json.items.every((i: { state: string }) => i.state === 'delivered');
      });
      const all = [...risHooks.received, ...platformHooks.received];
      assert.ok(all.length >= 12, `${all.length} webhooks received`);
      for (const h of all) {
        const signature = h.headers[SIGNATURE_HEADER] as string;
        assert.ok(verifyWebhookSignature(WEBHOOK_SECRET, h.body, signature), `valid signature on ${h.event.type}`);
        assert.equal(verifyWebhookSignature('another-secret-of-16+', h.body, signature), false);
        assert.equal(verifyWebhookSignature(WEBHOOK_SECRET, h.body.replace('"type"', '"typ"'), signature), false, 'a modified body fails');
      }
      const types = new Set(platformHooks.received.map((h) => h.event.type));
      for (const t of ['order.received', 'order.cancelled', 'postexam.received']) assert.ok(types.has(t), `platform webhook ${t}`);
      assert.ok(risHooks.received.some((h) => h.event.type === 'decision.received'));
    });
  });
}

endToEndSuite('SQLite', false);
endToEndSuite('PostgreSQL', pgSkip);
