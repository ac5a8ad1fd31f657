import type { Gateway } from '../gateway/gateway.js';
import type { GatewayEvent } from '../gateway/events.js';
import type { OrderData } from '../gateway/order-data.js';
import type { OrderKey } from '../store/index.js';
import type { ImagingOrder } from '../tlr/index.js';
import type { OrderState } from '../workflow/index.js';
import { ClinicalDataGenerator } from './clinical-data-generator.js';
import { previousReportOf } from './supporting-document.js';

/** What the simulated imaging facility does with one request after sending it. */
export interface RisOrderPlan {
  /** `before-decision`: cancelled shortly after sending; `after-acceptance`: cancelled once accepted (the patient left). */
  cancel: 'never' | 'before-decision' | 'after-acceptance';
  /** Whether the exam is performed and the post-exam information (flow 4) sent once the request is accepted. */
  postExam: boolean;
}

/** The documents the facility sends with one request, each as MDM^T02 after its ORM^O01. */
export interface RisDocumentPlan {
  /** The imaging request document (DA-IMG), generated at this level. */
  request?: 'level3' | 'level1';
  /** A supporting document: the patient's previous imaging report. */
  supporting?: boolean;
}

/**
 * The default document plan of request `index`: a DA-IMG with four requests out of five (level 1 every third
 * one, level 3 otherwise), a previous report with one out of three. Drawn from the index, not the generator,
 * so that the orders and their stories are the same with and without documents.
 */
export function defaultDocumentPlan(index: number): RisDocumentPlan {
  return {
    ...(index % 5 !== 4 ? { request: index % 3 === 1 ? ('level1' as const) : ('level3' as const) } : {}),
    ...(index % 3 === 0 ? { supporting: true } : {}),
  };
}

/** One request of the run and what became of it. */
export interface RisOrderOutcome {
  index: number;
  key: OrderKey;
  plan: RisOrderPlan;
  /** Short description for progress lines (modality, region; never patient data). */
  label: string;
  decision: 'accepted' | 'refused' | undefined;
  /** The RIS state after our cancellation, when one was sent. */
  stateAfterCancel: OrderState | undefined;
  postExamSent: boolean;
  /** Request and supporting documents queued after the request (refused ones are problems). */
  documentsSent: { request: number; supporting: number };
  /** Final states that count as "as expected" (computed when the run ends). */
  expected: OrderState[];
  /** State in the RIS store at the end of the run. */
  state: OrderState | undefined;
  problems: string[];
}

export interface RisSimulatorOptions {
  gateway: Gateway;
  generator: ClinicalDataGenerator;
  orders: number;
  /** Requests sent per second (default 2). */
  ratePerSecond?: number;
  /** Share of requests the facility cancels when no `plan` is given (default 0.1). */
  cancelRate?: number;
  /** Per-request plan, by index and request; default from `cancelRate`, with post-exam information for every accepted request. */
  plan?: (index: number, order: ImagingOrder) => RisOrderPlan;
  /**
   * The documents sent with each request (a DA-IMG, a previous report), through the documents plug-in's
   * `sendOrderDocuments` (as `POST /api/orders` does); undefined for none. Default: none.
   */
  documents?: (index: number, order: ImagingOrder) => RisDocumentPlan | undefined | Promise<RisDocumentPlan | undefined>;
  /** Time between sending a request and cancelling it (`before-decision`), ms (default 100). */
  cancelDelayMs?: number;
  /** Time between the acceptance and the post-exam information (the exam itself), ms (default 300). */
  examDurationMs?: number;
  /** How long to wait for the outstanding decisions and deliveries after the last request, ms (default 60 s). */
  settleTimeoutMs?: number;
  /** Receives one line per event (no patient data). */
  print?: (line: string) => void;
  /** Called when an outcome changes (progress displays). */
  onProgress?: (outcomes: readonly RisOrderOutcome[]) => void;
}

/** Result of {@link RisSimulator.run}. */
export interface RisRunResult {
  outcomes: RisOrderOutcome[];
  /** Every request ended in an expected state, with every message delivered. */
  asExpected: boolean;
  durationMs: number;
  /** Messages of our outbox not delivered at the end (pending, in flight or parked). */
  undelivered: number;
}

const FURTHER_THAN_COMPLEMENTED: OrderState[] = ['COMPLEMENTED', 'REPORTED', 'PUBLISHED'];

/**
 * The RIS half of a simulation: a real RIS {@link Gateway} that sends realistic requests (flow 1)
 * at a given rate, cancels some of them (flow 2), waits for the platform's decisions (flow 3) and
 * sends the post-exam information (flow 4) of the accepted ones, then checks that every request
 * reached the state its story implies.
 */
export class RisSimulator {
  readonly #o: RisSimulatorOptions;
  readonly #outcomes: RisOrderOutcome[] = [];
  readonly #byKey = new Map<string, RisOrderOutcome>();
  readonly #actions = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  /** Draws of the supporting documents, apart from the run's (see {@link previousReportOf}). */
  readonly #supportingData: ClinicalDataGenerator;

  constructor(options: RisSimulatorOptions) {
    this.#o = options;
    this.#supportingData = new ClinicalDataGenerator({ seed: 0x19da1 });
  }

  get outcomes(): readonly RisOrderOutcome[] {
    return this.#outcomes;
  }

  #print(line: string): void {
    this.#o.print?.(line);
  }

  #planFor(index: number, order: ImagingOrder): RisOrderPlan {
    if (this.#o.plan) return this.#o.plan(index, order);
    const r = this.#o.generator.random;
    const cancel = r.chance(this.#o.cancelRate ?? 0.1) ? r.pick(['before-decision', 'after-acceptance'] as const) : 'never';
    return { cancel, postExam: true };
  }

  /** Runs an action later, tracked so that the run waits for it; failures become problems of the order. */
  #later(outcome: RisOrderOutcome, delayMs: number, what: string, action: () => Promise<void>): void {
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#actions.add(done);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      action()
        .catch((e: unknown) => {
          outcome.problems.push(`${what} failed: ${(e as Error).message}`);
          const label = `${what} failed`.padEnd(21);
          this.#print(`${label}${outcome.key.placerNumber}  ${(e as Error).message}`);
        })
        .finally(() => {
          this.#actions.delete(done);
          this.#o.onProgress?.(this.#outcomes);
          release();
        });
    }, delayMs);
    this.#timers.add(timer);
  }

  /** The documents of a request being sent: a cancellation waits for them, as a RIS sends a request's documents with it. */
  readonly #documentsSending = new WeakMap<RisOrderOutcome, Promise<void>>();

  #cancel(outcome: RisOrderOutcome, delayMs: number): void {
    this.#later(outcome, delayMs, 'cancellation', async () => {
      await this.#documentsSending.get(outcome);
      const sent = await this.#o.gateway.ris.cancelOrder(outcome.key, { reason: this.#o.generator.cancellationReason() });
      outcome.stateAfterCancel = sent.order.state;
      this.#print(`cancellation sent    ${outcome.key.placerNumber}  (state ${sent.order.state})`);
    });
  }

  #onEvent(e: GatewayEvent): void {
    const outcome = e.orderKey ? this.#byKey.get(e.orderKey) : undefined;
    if (!outcome) return;
    if (e.type === 'decision.received') {
      const decision = (e.data as OrderData | undefined)?.decision;
      const accepted = decision?.outcome.accepted === true;
      outcome.decision = accepted ? 'accepted' : 'refused';
      const verdict = decision?.outcome;
      let detail = 'no reason given';
      if (verdict?.accepted) {
        const kinds = verdict.protocols.map((p) => (p.kind === 'text' ? 'text' : p.mediaType === 'application/pdf' ? 'PDF' : p.mediaType));
        detail = `${kinds.join(' + ')} protocol`;
      } else if (verdict?.reason) detail = verdict.reason.text ?? verdict.reason.code ?? detail;
      this.#print(
        `${accepted ? 'accepted' : 'refused'}`.padEnd(21) +
          `${outcome.key.placerNumber}  ` +
          `${detail}${e.state && e.state !== (accepted ? 'ACCEPTED' : 'REJECTED') ? ` (order stays ${e.state})` : ''}`,
      );
      // A request planned for cancellation before the decision is cancelled even when the acceptance overtook the cancellation.
      if (accepted && e.state === 'ACCEPTED' && outcome.plan.cancel !== 'before-decision') {
        if (outcome.plan.cancel === 'after-acceptance') this.#cancel(outcome, this.#o.cancelDelayMs ?? 100);
        else if (outcome.plan.postExam) this.#sendPostExam(outcome);
      }
      this.#o.onProgress?.(this.#outcomes);
    } else if (e.type === 'message.rejected' || e.type === 'message.parked') {
      const reason = String(e.data?.['reason'] ?? e.type);
      outcome.problems.push(`${e.type}: ${reason}`);
      this.#print(`${e.type.padEnd(21)}${outcome.key.placerNumber}  ${reason}`);
    } else if (e.type === 'report.received' || e.type === 'report.replaced' || e.type === 'report.deleted') {
      this.#print(`${e.type.padEnd(21)}${outcome.key.placerNumber}  (state ${e.state ?? '?'})`);
      this.#o.onProgress?.(this.#outcomes);
    }
  }

  #sendPostExam(outcome: RisOrderOutcome): void {
    this.#later(outcome, this.#o.examDurationMs ?? 300, 'post-exam', async () => {
      const stored = await this.#o.gateway.store.getOrder('ris', outcome.key);
      const order = (stored?.data as OrderData | null)?.order;
      if (!order) throw new Error('the request is not in the RIS store');
      const exams = this.#o.generator.performedExams(order);
      await this.#o.gateway.ris.sendPostExamInfo(outcome.key, exams);
      outcome.postExamSent = true;
      this.#print(
        `post-exam sent       ${outcome.key.placerNumber}  ${exams.length} exam(s): ` +
          `${exams.map((x) => x.procedure.display ?? x.procedure.code).join(', ')}`,
      );
    });
  }

  /** Sends the requests, drives their stories, waits for them to settle and checks the end states. */
  async run(): Promise<RisRunResult> {
    const gw = this.#o.gateway;
    const started = Date.now();
    const listener = (e: GatewayEvent): void => this.#onEvent(e);
    gw.on('event', listener);
    try {
      const interval = 1000 / Math.max(0.001, this.#o.ratePerSecond ?? 2);
      for (let i = 0; i < this.#o.orders; i++) {
        const due = started + i * interval;
        if (due > Date.now()) await sleep(due - Date.now());
        await this.#send(i);
      }
      await this.#settle(started);
    } finally {
      for (const t of this.#timers) clearTimeout(t);
      gw.off('event', listener);
    }
    const undelivered = (await gw.store.outboxDepth()).reduce((s, d) => s + d.pending + d.inFlight + d.parked, 0);
    for (const o of this.#outcomes) {
      o.state = (await gw.store.getOrder('ris', o.key))?.state;
      o.expected = expectedStates(o);
      if (o.state === undefined || !o.expected.includes(o.state)) {
        o.problems.push(`ended ${o.state ?? 'unknown'}, expected ${o.expected.join(' or ') || 'a decision'}`);
      }
    }
    return {
      outcomes: this.#outcomes,
      asExpected: undelivered === 0 && this.#outcomes.every((o) => o.problems.length === 0),
      durationMs: Date.now() - started,
      undelivered,
    };
  }

  async #send(index: number): Promise<void> {
    const order: ImagingOrder = this.#o.generator.imagingOrder();
    const key = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
    const region = order.anatomicalRegions[0]?.region.display ?? order.anatomicalRegions[0]?.region.code ?? '';
    const outcome: RisOrderOutcome = {
      index,
      key,
      plan: this.#planFor(index, order),
      label: `${order.requestedModality.display ?? order.requestedModality.code}, ${region}`,
      decision: undefined,
      stateAfterCancel: undefined,
      postExamSent: false,
      documentsSent: { request: 0, supporting: 0 },
      expected: [],
      state: undefined,
      problems: [],
    };
    this.#outcomes.push(outcome);
    this.#byKey.set(`${key.assigningAuthority}|${key.placerNumber}`, outcome);
    // Registered before the request leaves: its decision may come back before its documents are sent.
    let documentsDone = (): void => undefined;
    this.#documentsSending.set(
      outcome,
      new Promise<void>((resolve) => {
        documentsDone = resolve;
      }),
    );
    try {
      try {
        await this.#o.gateway.ris.createOrder(order);
      } catch (e) {
        outcome.problems.push(`request not sent: ${(e as Error).message}`);
        this.#print(`request not sent     ${key.placerNumber}  ${(e as Error).message}`);
        return;
      }
      this.#print(`request sent         ${key.placerNumber}  ${outcome.label} (class ${order.visit.patientClass})`);
      const planned = await this.#o.documents?.(index, order);
      // A PET or scintigraphy DA-IMG needs the studied function (MED-1133), which flow 1 does not carry: no DA-IMG is
      // generated for those requests.
      const nuclear = ['PT', 'NM'].includes(order.requestedModality.code);
      const documents = planned && nuclear ? { ...(planned.supporting ? { supporting: true } : {}) } : planned;
      if (documents && (documents.request || documents.supporting)) await this.#sendDocuments(outcome, order, documents);
    } finally {
      documentsDone();
    }
    if (outcome.plan.cancel === 'before-decision') this.#cancel(outcome, this.#o.cancelDelayMs ?? 100);
    this.#o.onProgress?.(this.#outcomes);
  }

  /** Sends the request's documents right after it, the DA-IMG first; a refused one is a problem of the order. */
  async #sendDocuments(outcome: RisOrderOutcome, order: ImagingOrder, plan: RisDocumentPlan): Promise<void> {
    const gw = this.#o.gateway;
    const sender = gw.plugins.find((p) => p.sendOrderDocuments);
    if (!sender?.sendOrderDocuments) {
      outcome.problems.push('documents not sent: the gateway runs without the documents plug-in');
      return;
    }
    try {
      const supporting = plan.supporting ? [{ cda: await previousReportOf(gw.config, order, this.#supportingData) }] : [];
      const outcomes = await sender.sendOrderDocuments(outcome.key, {
        ...(plan.request ? { requestDocument: { generate: plan.request } } : {}),
        supportingDocuments: supporting,
      });
      for (const o of outcomes) {
        if ('error' in o) {
          outcome.problems.push(`${o.role} document refused: ${o.error.detail}`);
          this.#print(`document refused     ${outcome.key.placerNumber}  ${o.role}: ${o.error.detail}`);
        } else outcome.documentsSent[o.role] += 1;
      }
      const what = [
        plan.request ? `DA-IMG ${plan.request === 'level1' ? 'level 1' : 'level 3'}` : '',
        plan.supporting ? 'previous report' : '',
      ]
        .filter(Boolean)
        .join(' + ');
      this.#print(`documents sent       ${outcome.key.placerNumber}  ${what}`);
    } catch (e) {
      outcome.problems.push(`documents not sent: ${(e as Error).message}`);
      this.#print(`documents not sent   ${outcome.key.placerNumber}  ${(e as Error).message}`);
    }
  }

  /** Waits until every story is told and the outbox is empty, or the settle timeout. */
  async #settle(started: number): Promise<void> {
    const deadline = Date.now() + (this.#o.settleTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      const waiting = this.#outcomes.some(
        (o) =>
          o.problems.length === 0 && o.decision === undefined && o.stateAfterCancel === undefined && o.plan.cancel !== 'before-decision',
      );
      const depth = (await this.#o.gateway.store.outboxDepth()).reduce((s, d) => s + d.pending + d.inFlight, 0);
      if (!waiting && this.#actions.size === 0 && depth === 0) return;
      await sleep(50);
    }
    for (const o of this.#outcomes) {
      if (o.decision === undefined && o.stateAfterCancel === undefined && o.plan.cancel !== 'before-decision') {
        o.problems.push(`no decision received within ${Math.round((Date.now() - started) / 1000)} s`);
      }
    }
  }
}

/** The states a request may end in, given what happened to it. */
export function expectedStates(o: Pick<RisOrderOutcome, 'decision' | 'stateAfterCancel' | 'postExamSent' | 'plan'>): OrderState[] {
  if (o.stateAfterCancel) return [o.stateAfterCancel];
  if (o.decision === 'refused') return ['REJECTED'];
  if (o.decision === 'accepted')
    return o.postExamSent ? FURTHER_THAN_COMPLEMENTED : o.plan.postExam || o.plan.cancel === 'after-acceptance' ? [] : ['ACCEPTED'];
  return [];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
