/**
 * The offline validator and the gateway judge a message against an order alike: for every order
 * state and every flow (and for a message naming another patient, or a study of another order),
 * `validateMessage` + `evaluateWorkflow` + `ackForValidation` give the acknowledgement the receiving
 * gateway answers, compared on MSA-1 and on each ERR's 0357 condition, severity and rule id.
 *
 * The gateway side is its real inbound handler on a real SQLite store; each order is brought to its
 * state by the store's own `applyOrderEvent`, from a flow-1 order whose patient is stored as the
 * gateway stores it. EXAM_DONE and PUBLISHED are RIS-internal states that no platform event reaches:
 * for the platform they are written into the orders table directly, so that every cell is compared.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { loadConfig } from '../../src/gateway/config.js';
import { createInboundHandler } from '../../src/gateway/inbound-handler.js';
import { orderKeyOf } from '../../src/gateway/message-facts.js';
import { GatewayMetrics } from '../../src/gateway/metrics.js';
import { orderDataFromMessage } from '../../src/gateway/order-data.js';
import type { Message } from '../../src/hl7/index.js';
import { parseMessage } from '../../src/hl7/index.js';
import type { FlowProfile } from '../../src/profiles/index.js';
import { ackForValidation, validateMessage } from '../../src/profiles/index.js';
import type { OrderKey, Store } from '../../src/store/index.js';
import { openStore } from '../../src/store/index.js';
import { tlrMessageFromMessage } from '../../src/tlr/index.js';
import type { OrderEvent, OrderState, WorkflowRole } from '../../src/workflow/index.js';
import { ORDER_STATES } from '../../src/workflow/index.js';
import type { OrderHistoryView } from '../../src/workflow/checks/index.js';
import { RECEIVER_OF, evaluateWorkflow, patientIdentifierKeysOf, placerNumberKey } from '../../src/workflow/checks/index.js';
import { example } from '../profiles/fixtures.js';

const PROFILES: readonly FlowProfile[] = ['flux1', 'flux2', 'flux3', 'flux4'];
const OTHER_ORDER: OrderKey = { placerNumber: 'OPN-OTHER-7', assigningAuthority: '1.2.250.1.748.12345678.12' };

/** Events that bring a new order of each role to a state (null: no event reaches it for that role). */
const PATHS: Record<WorkflowRole, Record<OrderState, readonly OrderEvent[] | null>> = {
  platform: {
    NONE: [],
    REQUESTED: [{ type: 'order' }],
    CANCELLED: [{ type: 'order' }, { type: 'cancellation' }],
    ACCEPTED: [{ type: 'order' }, { type: 'decision', accepted: true }],
    REJECTED: [{ type: 'order' }, { type: 'decision', accepted: false }],
    EXAM_DONE: null,
    COMPLEMENTED: [{ type: 'order' }, { type: 'decision', accepted: true }, { type: 'postExamInfo' }],
    REPORTED: [{ type: 'order' }, { type: 'decision', accepted: true }, { type: 'postExamInfo' }, { type: 'report' }],
    PUBLISHED: null,
  },
  ris: {
    NONE: [],
    REQUESTED: [{ type: 'order' }],
    CANCELLED: [{ type: 'order' }, { type: 'cancellation' }],
    ACCEPTED: [{ type: 'order' }, { type: 'decision', accepted: true }],
    REJECTED: [{ type: 'order' }, { type: 'decision', accepted: false }],
    EXAM_DONE: [{ type: 'order' }, { type: 'decision', accepted: true }, { type: 'examPerformed' }],
    COMPLEMENTED: [{ type: 'order' }, { type: 'decision', accepted: true }, { type: 'postExamInfo' }],
    REPORTED: [{ type: 'order' }, { type: 'decision', accepted: true }, { type: 'postExamInfo' }, { type: 'report' }],
    PUBLISHED: [
      { type: 'order' },
      { type: 'decision', accepted: true },
      { type: 'postExamInfo' },
      { type: 'report' },
      { type: 'published' },
    ],
  },
};

/** The message as sent, or a variant that exercises TLR-WF-011 / TLR-WF-012. */
type Variant = 'as sent' | 'another patient' | 'a study of another order';

/** The guide's flow-3 example carries a protocol that is not base64 (TLR-OBX-016): it is re-encoded here. */
const PROTOCOL = Buffer.from('Protocole standard', 'utf8').toString('base64');

function variantOf(profile: FlowProfile, variant: Variant): Message {
  const m = profile === 'flux3' ? parseMessage(example(profile).toString().replace('Pendggfbubzbdy12gggvt', PROTOCOL)) : example(profile);
  if (variant === 'another patient') {
    return parseMessage(m.toString().replace(/^(PID\|[^|]*\|[^|]*\|)[^|]*/m, '$1987654^^^CHU-EXEMPLE&1.2.250.1.999.1&ISO^PI'));
  }
  return m;
}

function studyUidOf(m: Message): string {
  return m.segment('IPC')!.get('3.1');
}

interface Verdict {
  code: string;
  errors: string[];
}

function verdictOf(ack: Message): Verdict {
  return { code: ack.get('MSA-1'), errors: ack.all('ERR').map((e) => `${e.get('5.1')}@${e.get(4)}/${e.get('3.1')}`) };
}

/** As a receiver does: an invalid message is answered from validation alone and never reaches the workflow. */
function offlineVerdict(m: Message, profile: FlowProfile, view: OrderHistoryView): Verdict {
  const report = validateMessage(m);
  assert.ok(report.valid, `${profile}: ${JSON.stringify(report.issues)}`);
  const issues = [...report.issues, ...evaluateWorkflow(m, profile, view)];
  const valid = issues.every((f) => f.severity !== 'error');
  return verdictOf(ackForValidation(m, { ...report, issues, valid }));
}

async function applyAll(
  store: Store,
  role: WorkflowRole,
  key: OrderKey,
  events: readonly OrderEvent[],
  data: Record<string, unknown>,
  studies?: string[],
): Promise<void> {
  for (const [i, event] of events.entries()) {
    await store.transaction((tx) =>
      tx.applyOrderEvent({
        role,
        key,
        event,
        ...(i === 0 ? { data } : {}),
        ...(studies && event.type === 'postExamInfo' ? { studyInstanceUids: studies } : {}),
      }),
    );
  }
}

describe('offline workflow verdict equals the gateway verdict (every state × message)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tlr-wf-equivalence-'));
  const flux1 = example('flux1');
  const orderData = orderDataFromMessage(tlrMessageFromMessage(flux1)!);
  const flowOnePatient = new Set(patientIdentifierKeysOf(flux1));
  let counter = 0;
  after(() => rmSync(dir, { recursive: true, force: true }));
  before(() => assert.ok(ORDER_STATES.length === 9));

  async function gatewayVerdict(profile: FlowProfile, state: OrderState, variant: Variant, m: Message): Promise<Verdict> {
    const role = RECEIVER_OF[profile];
    const file = join(dir, `case-${++counter}.db`);
    const config = await loadConfig({ env: {}, overrides: { role, dataDir: dir, storage: { url: `sqlite:${file}` } } });
    const store = await openStore(config.storage.url);
    try {
      const key = orderKeyOf(m)!;
      const path = PATHS[role][state];
      await applyAll(store, role, key, path ?? PATHS[role].REQUESTED!, orderData);
      if (path === null) {
        const db = new Database(file);
        db.prepare('UPDATE orders SET state = ? WHERE role = ? AND placer_number = ?').run(state, role, key.placerNumber);
        db.close();
      }
      if (variant === 'a study of another order')
        await applyAll(store, role, OTHER_ORDER, PATHS[role].COMPLEMENTED!, orderData, [studyUidOf(m)]);
      const handler = createInboundHandler({
        config,
        store,
        metrics: new GatewayMetrics(role),
        logger: pino({ level: 'silent' }),
        enqueueEvent: async () => undefined,
        emitted: () => undefined,
      });
      const conn = { peer: '127.0.0.1:0', id: 'equivalence', tls: false } as unknown as Parameters<typeof handler>[1];
      return verdictOf(parseMessage(Buffer.from(await handler(Buffer.from(m.toBytes()), conn))));
    } finally {
      await store.close();
    }
  }

  const cases: Array<{ profile: FlowProfile; state: OrderState; variant: Variant }> = [];
  for (const profile of PROFILES) {
    for (const state of ORDER_STATES) {
      cases.push({ profile, state, variant: 'as sent' });
      if (profile !== 'flux1') cases.push({ profile, state, variant: 'another patient' });
      if (profile === 'flux4') cases.push({ profile, state, variant: 'a study of another order' });
    }
  }

  for (const { profile, state, variant } of cases) {
    const receiver = RECEIVER_OF[profile] === 'ris' ? 'RIS' : 'platform';
    it(`answers ${profile} on an order in state ${state} (${variant}) as the ${receiver} gateway does`, async () => {
      const m = variantOf(profile, variant);
      const view: OrderHistoryView = {
        state,
        ...(state !== 'NONE' ? { patientIdentifiers: flowOnePatient } : {}),
        ...(variant === 'a study of another order'
          ? { studyInstanceUids: new Map([[studyUidOf(m), placerNumberKey(OTHER_ORDER.placerNumber, OTHER_ORDER.assigningAuthority)]]) }
          : {}),
      };
      const offline = offlineVerdict(m, profile, view);
      const gateway = await gatewayVerdict(profile, state, variant, m);
      assert.deepEqual(gateway, offline);
    });
  }

  it('covers the checks that only history can answer (TLR-WF-011, TLR-WF-012) in both verdicts', async () => {
    const other = offlineVerdict(variantOf('flux4', 'another patient'), 'flux4', { state: 'ACCEPTED', patientIdentifiers: flowOnePatient });
    assert.ok(
      other.errors.some((e) => e.startsWith('TLR-WF-011@W/')),
      JSON.stringify(other),
    );
    const gwOther = await gatewayVerdict('flux4', 'ACCEPTED', 'another patient', variantOf('flux4', 'another patient'));
    assert.ok(gwOther.code === 'AA' && gwOther.errors.some((e) => e.startsWith('TLR-WF-011@W/')), JSON.stringify(gwOther));
    const gw = await gatewayVerdict('flux4', 'ACCEPTED', 'a study of another order', variantOf('flux4', 'as sent'));
    assert.ok(
      gw.errors.some((e) => e.startsWith('TLR-WF-012@W/')),
      JSON.stringify(gw),
    );
  });
});
