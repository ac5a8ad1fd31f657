import type { Location, Message } from '../hl7/index.js';
import { readAck, toErl, tryParseMessage } from '../hl7/index.js';
import type { Finding } from '../profiles/index.js';
import { validateMessage } from '../profiles/index.js';
import { checkDocumentAck } from '../simulate/index.js';
import type { ImagingOrder } from '../tlr/index.js';
import type { OrderState } from '../workflow/index.js';
import type { CheckResult, ExchangedMessage, ReportedFinding } from './findings.js';
import { worstOf } from './findings.js';
import type { KitHalf, KitOrder, ReceivedMessage } from './kit-half.js';
import { MESSAGE_LABELS, eventOf, isDocument, orderKeyOf } from './kit-half.js';
import type { ActionRequest, Operator } from './operator.js';
import type { AwaitStep, CertifyPlan, PlanStep, ResendStep, SendStep } from './plan.js';
import type { CertifyTarget } from './wire.js';
import { exchange, sendHalfFrame } from './wire.js';

/** Outcome of one step of the plan. */
export interface StepResult {
  id: string;
  title: string;
  spec: string;
  required: boolean;
  kind: PlanStep['kind'];
  status: 'pass' | 'fail' | 'warning';
  checks: CheckResult[];
  exchanges: ExchangedMessage[];
  /** Placer number of the order the step was about. */
  placerNumber?: string;
  /** State of the order in the kit's half after the step. */
  kitState?: OrderState;
  startedAt: string;
  durationMs: number;
}

export interface RunnerOptions {
  plan: CertifyPlan;
  kit: KitHalf;
  target: CertifyTarget;
  operator: Operator;
  ackTimeoutMs: number;
  stepTimeoutMs: number;
  /** Replaces every slow-partner step's `holdAckMs` (it must exceed the tested system's ACK timeout). */
  holdAckMs?: number;
  print?: (line: string) => void;
}

interface SentRecord {
  bytes: Buffer;
  message: Message;
  ack: Buffer | undefined;
}

const ACK_CODES = ['AA', 'AE', 'AR'] as const;

/**
 * Runs the plan's steps in order against the tested system: builds and sends what the kit's half
 * sends, asks the operator (or the hook) for what the tested system must send and waits for it,
 * and checks every message and acknowledgement (validator, correlation, codes, ERR locations, the
 * workflow state both halves should be in, timings). A failed step does not stop the run: later
 * steps that depend on it fail with the reason.
 */
export class CertifyRunner {
  readonly #o: RunnerOptions;
  readonly #sent = new Map<string, SentRecord>();

  constructor(options: RunnerOptions) {
    this.#o = options;
  }

  async run(): Promise<StepResult[]> {
    const results: StepResult[] = [];
    for (const [i, step] of this.#o.plan.steps.entries()) {
      this.#o.print?.(`[${i + 1}/${this.#o.plan.steps.length}] ${step.id}  ${step.title}`);
      const started = Date.now();
      const result: StepResult = {
        id: step.id,
        title: step.title,
        spec: step.spec,
        required: step.required,
        kind: step.kind,
        status: 'pass',
        checks: [],
        exchanges: [],
        startedAt: new Date(started).toISOString(),
        durationMs: 0,
      };
      try {
        if (step.kind === 'send') await this.#send(step, result);
        else if (step.kind === 'resend') await this.#resend(step, result);
        else await this.#await(step, result);
      } catch (e) {
        result.checks.push({ status: 'fail', label: 'the step could run', detail: (e as Error).message });
      }
      result.status = worstOf(result.checks);
      result.durationMs = Date.now() - started;
      results.push(result);
      const mark =
        result.status === 'pass' ? 'pass' : result.status === 'warning' ? 'warning' : result.required ? 'FAIL' : 'fail (optional)';
      this.#o.print?.(
        `      ${mark}${
          result.status === 'fail'
            ? `: ${result.checks
                .filter((c) => c.status === 'fail')
                .map((c) => c.detail ?? c.label)
                .join('; ')}`
            : ''
        }`,
      );
    }
    return results;
  }

  async #send(step: SendStep, result: StepResult): Promise<void> {
    const kit = this.#o.kit;
    const spec = step.send;
    const { order: known, fresh } = kit.orderFor(spec);
    const order: ImagingOrder | undefined = known?.order ?? fresh;
    if (!order) {
      result.checks.push({
        status: 'fail',
        label: `order ${spec.order} exists in the run`,
        detail: `order ${spec.order} was never exchanged (an earlier step failed)`,
      });
      return;
    }
    result.placerNumber = order.placerOrderNumber.value;
    const built = await kit.build(spec, order, known);
    const message = built.message;
    for (const m of spec.mutate ?? []) message.set(m.path, m.value ?? '');
    const bytes = message.toBytes();
    const accepted = built.extra?.decision ? built.extra.decision.outcome.accepted : true;
    const remaining = known ? known.reports.filter((r) => r.status === 'current').length - 1 : 0;
    const t = kit.transition(known, eventOf(spec.message, accepted, Math.max(0, remaining)));
    // What the tested system must answer: the plan's word, else the one workflow table's.
    const expectedCodes = step.expect?.ack ?? (t.accept ? ['AA'] : ['AR']);
    const expectedErr = step.expect?.err ?? (t.accept || step.expect?.ack ? [] : [{ condition: t.errorCode }]);

    if (spec.transport === 'drop-mid-frame') {
      await sendHalfFrame(this.#o.target, bytes, this.#o.ackTimeoutMs);
      result.exchanges.push({
        direction: 'sent',
        label: 'half of the frame, then the connection closed',
        at: new Date().toISOString(),
        er7: '',
        findings: [],
      });
      result.checks.push({ status: 'pass', label: 'half a frame written and the connection dropped' });
    }
    const ex = await this.#exchange(message, bytes, spec.message, result);
    this.#sent.set(step.id, { bytes, message, ack: ex.ack });
    const code = this.#checkAck(message, ex, expectedCodes, expectedErr, result);
    // The state both halves should now be in.
    if (t.accept && code === 'AA') {
      const target = known ?? this.#register(spec.order, order);
      Object.assign(target, built.extra ?? {});
      target.state = t.next;
    }
    const after = known ?? (spec.order !== 'unknown' ? kit.orders.get(spec.order) : undefined);
    const state = after?.state ?? 'NONE';
    result.kitState = state;
    result.checks.push({
      status: 'pass',
      label: 'workflow state of the kit half',
      detail: `${t.from} → ${state}${t.accept ? '' : ` (the transition table refuses ${spec.message} in ${t.from}: AR ${t.errorCode})`}`,
    });
    if (step.state && step.state !== state)
      result.checks.push({ status: 'fail', label: `the order ends in ${step.state}`, detail: `it is ${state}` });
    if (spec.transport === 'drop-mid-frame' && code === 'AA') {
      // A sender whose ACK was lost sends again, unchanged: the receiver must answer, not process it twice.
      const again = await this.#exchange(message, bytes, spec.message, result, 'the same message again (acknowledgement lost)');
      this.#checkSameAck(ex.ack, again, result);
    }
  }

  #register(label: string, order: ImagingOrder): KitOrder {
    const key = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
    const o: KitOrder = { label, key, order, state: 'NONE', reports: [] };
    if (label !== 'unknown') this.#o.kit.orders.set(label, o);
    return o;
  }

  async #resend(step: ResendStep, result: StepResult): Promise<void> {
    const original = this.#sent.get(step.resend.step);
    if (!original?.ack) {
      result.checks.push({
        status: 'fail',
        label: `step ${step.resend.step} got an acknowledgement to compare with`,
        detail: `step ${step.resend.step} has none`,
      });
      return;
    }
    const kind = original.message.header.messageCode === 'MDM' ? 'report-initial' : 'order';
    const ex = await this.#exchange(original.message, original.bytes, kind, result, 'the same bytes again (same MSH-10)');
    const ackCode = original.ack ? safeAck(original.ack)?.code : undefined;
    this.#checkAck(original.message, ex, ackCode && isAckCode(ackCode) ? [ackCode] : ['AA'], [], result);
    this.#checkSameAck(original.ack, ex, result);
  }

  #checkSameAck(first: Buffer | undefined, again: { ack: Buffer | undefined }, result: StepResult): void {
    if (!first || !again.ack) return;
    const a = safeAck(first);
    const b = safeAck(again.ack);
    const same = a && b && a.code === b.code && a.errors.map((e) => e.condition).join() === b.errors.map((e) => e.condition).join();
    result.checks.push({
      status: same ? 'pass' : 'fail',
      label: 'a re-delivery is answered with the original acknowledgement, not processed again',
      detail: same
        ? `MSA-1 ${b.code} as the first time`
        : `first ${a?.code ?? '?'}, then ${b?.code ?? '?'} ${b?.errors.map((e) => e.condition).join(' ') ?? ''}`,
    });
    if (same) {
      const idA = tryParseMessage(first).message?.header.controlId;
      const idB = tryParseMessage(again.ack).message?.header.controlId;
      result.checks.push({
        status: idA === idB ? 'pass' : 'warning',
        label: 'the very same acknowledgement (ACK MSH-10) is returned',
        detail:
          idA === idB ? `ACK MSH-10 ${idA ?? ''}` : `a new acknowledgement ${idB ?? ''} (the first was ${idA ?? ''}) with the same verdict`,
      });
    }
  }

  async #exchange(
    message: Message,
    bytes: Buffer,
    kind: SendStep['send']['message'],
    result: StepResult,
    label?: string,
  ): Promise<{ ack: Buffer | undefined; durationMs: number; failure?: string }> {
    const at = new Date().toISOString();
    result.exchanges.push({
      direction: 'sent',
      label: label ?? MESSAGE_LABELS[kind],
      at,
      er7: message.toString(),
      findings: this.#ownFindings(message, kind),
    });
    const ex = await exchange(this.#o.target, bytes, this.#o.ackTimeoutMs);
    if (ex.ack) {
      const parsed = tryParseMessage(ex.ack).message;
      if (parsed && !this.#o.kit.partnerHeader)
        this.#o.kit.partnerHeader = { application: parsed.header.sendingApplication, facility: parsed.header.sendingFacility };
      const findings = isDocument(kind)
        ? checkDocumentAck(ex.ack, message).map((f) => ({ ...f, location: 'MSA' }))
        : validateMessage(ex.ack, { profile: 'ack', acknowledged: message }).issues;
      result.exchanges.push({
        direction: 'received',
        label: `acknowledgement (${ex.durationMs} ms)`,
        at: new Date().toISOString(),
        er7: parsed?.toString() ?? ex.ack.toString('latin1'),
        findings: findings.map(reported),
      });
    }
    return ex;
  }

  /** Our own message, validated: a kit that sends a wrong message proves nothing (mutated messages excepted, on purpose). */
  #ownFindings(message: Message, kind: SendStep['send']['message']): ReportedFinding[] {
    if (isDocument(kind)) return [];
    return validateMessage(message.toBytes()).issues.map(reported);
  }

  /** Checks one acknowledgement; returns its MSA-1 (undefined when none). */
  #checkAck(
    sent: Message,
    ex: { ack: Buffer | undefined; durationMs: number; failure?: string },
    codes: readonly string[],
    errs: readonly { condition?: string; location?: string }[],
    result: StepResult,
  ): string | undefined {
    if (!ex.ack) {
      result.checks.push({ status: 'fail', label: `an acknowledgement within ${this.#o.ackTimeoutMs} ms`, detail: ex.failure ?? 'none' });
      return undefined;
    }
    result.checks.push({ status: 'pass', label: `an acknowledgement within ${this.#o.ackTimeoutMs} ms`, detail: `${ex.durationMs} ms` });
    const parsed = tryParseMessage(ex.ack).message;
    const summary = safeAck(ex.ack);
    if (!parsed || !summary) {
      result.checks.push({
        status: 'fail',
        label: 'the acknowledgement is an HL7 ACK with an MSA segment',
        detail: 'it could not be read',
      });
      return undefined;
    }
    const last = result.exchanges.at(-1);
    const errors = last?.findings.filter((f) => f.severity === 'error') ?? [];
    const warnings = last?.findings.filter((f) => f.severity === 'warning') ?? [];
    result.checks.push({
      status: errors.length ? 'fail' : warnings.length ? 'warning' : 'pass',
      label: 'the acknowledgement conforms to the ACK profile',
      detail:
        errors.length || warnings.length
          ? [...errors, ...warnings].map((f) => `${f.rule} ${f.location}: ${f.message}`).join('; ')
          : 'no finding',
    });
    const controlId = sent.header.controlId;
    result.checks.push({
      status: summary.acknowledgedControlId === controlId ? 'pass' : 'fail',
      label: 'MSA-2 equals the MSH-10 sent',
      detail: `MSA-2 ${summary.acknowledgedControlId || '(empty)'}, MSH-10 ${controlId}`,
    });
    result.checks.push({
      status: codes.includes(summary.code) ? 'pass' : 'fail',
      label: `MSA-1 is ${codes.join(' or ')}`,
      detail: `MSA-1 ${summary.code}${summary.errors.length ? `, ERR ${summary.errors.map(errText).join(' ')}` : ''}`,
    });
    for (const want of errs) {
      const hit = summary.errors.find(
        (e) =>
          (!want.condition || e.condition === want.condition) &&
          (!want.location || (e.location !== undefined && toErl(e.location).join('^').startsWith(want.location))),
      );
      const what = `an ERR${want.condition ? ` with ERR-3 ${want.condition}` : ''}${want.location ? ` at ERR-2 ${want.location}` : ''}`;
      result.checks.push({
        status: hit ? 'pass' : 'fail',
        label: what,
        detail: summary.errors.length
          ? summary.errors.map((e) => `ERR-3 ${e.condition}, ERR-2 ${e.location ? toErl(e.location).join('^') : '(empty)'}`).join('; ')
          : 'no ERR segment',
      });
    }
    if (summary.code !== 'AA' && summary.errors.length === 0)
      result.checks.push({ status: 'fail', label: 'an AE/AR carries at least one ERR', detail: 'no ERR segment' });
    return summary.code;
  }

  async #await(step: AwaitStep, result: StepResult): Promise<void> {
    const kit = this.#o.kit;
    const spec = step.await;
    const timeoutMs = spec.timeoutMs ?? this.#o.stepTimeoutMs;
    const bound = spec.message === 'order' ? undefined : kit.orders.get(spec.order);
    if (spec.message !== 'order' && !bound) {
      result.checks.push({
        status: 'fail',
        label: `order ${spec.order} exists in the run`,
        detail: `order ${spec.order} was never exchanged (an earlier step failed)`,
      });
      return;
    }
    if (spec.message === 'order' && kit.orders.has(spec.order)) {
      result.checks.push({ status: 'fail', label: 'the plan names a new order', detail: `order ${spec.order} is already bound` });
      return;
    }
    if (bound) result.placerNumber = bound.key.placerNumber;
    const holdMs = spec.holdAckMs === undefined ? undefined : (this.#o.holdAckMs ?? spec.holdAckMs);
    if (holdMs !== undefined) kit.holdNext = { kind: spec.message, ms: holdMs };
    const suggestion = spec.message === 'order' ? kit.generator.imagingOrder() : undefined;
    const request: ActionRequest = {
      step: step.id,
      action: step.action.id,
      instruction: step.action.instruction.replace(/\{placer\}/g, bound?.key.placerNumber ?? suggestion?.placerOrderNumber.value ?? ''),
      expected: spec,
      order: {
        label: spec.order,
        ...(bound ? { placerNumber: bound.key.placerNumber, assigningAuthority: bound.key.assigningAuthority } : {}),
      },
      ...(suggestion ? { suggested: { order: suggestion } } : {}),
      ...(spec.message === 'post-exam' && bound ? { suggested: { exams: this.#suggestedExams(bound, spec.minExams ?? 1) } } : {}),
      timeoutMs,
      deadline: new Date(Date.now() + timeoutMs).toISOString(),
    };
    const matches = (r: ReceivedMessage): boolean =>
      !r.claimed &&
      r.kind === spec.message &&
      (bound
        ? r.key !== undefined && orderKeyOf(r.key) === orderKeyOf(bound.key)
        : // A new request: any not yet given a label, an invalid one included (the checks then say what is wrong with it).
          !r.duplicate && (r.key === undefined || !kit.labelled(r.key)));
    let rec: ReceivedMessage | undefined;
    const waiting = this.#waitFor(matches, timeoutMs);
    try {
      await this.#o.operator.request(request);
      rec = await waiting.promise;
    } finally {
      waiting.cancel();
      this.#o.operator.done?.(request);
      if (holdMs !== undefined) kit.holdNext = undefined;
    }
    if (!rec) {
      result.checks.push({
        status: 'fail',
        label: `${MESSAGE_LABELS[spec.message]} received within ${Math.round(timeoutMs / 1000)} s`,
        detail: 'nothing came',
      });
      return;
    }
    rec.claimed = true;
    this.#received(rec, result);
    result.checks.push({ status: 'pass', label: `${MESSAGE_LABELS[spec.message]} received`, detail: `MSH-10 ${rec.controlId}` });
    this.#checkReceived(rec, step, result);
    let order = bound;
    if (spec.message === 'order' && rec.key && rec.valid) order = kit.bind(spec.order, rec.key);
    if (order) {
      result.placerNumber = order.key.placerNumber;
      result.kitState = order.state;
    }
    const ack = safeAck(rec.ack);
    result.checks.push({
      status: 'pass',
      label: 'the kit acknowledged it',
      detail: `MSA-1 ${ack?.code ?? '?'} ${ack?.errors.map((e) => e.condition).join(' ') ?? ''}; kit state ${order?.state ?? 'NONE'}`,
    });
    if (step.state && step.state !== (order?.state ?? 'NONE'))
      result.checks.push({ status: 'fail', label: `the order ends in ${step.state}`, detail: `it is ${order?.state ?? 'NONE'}` });
    if (holdMs !== undefined) await this.#awaitRetry(rec, holdMs, timeoutMs, result);
  }

  #suggestedExams(order: KitOrder, count: number): unknown[] {
    const exams = this.#o.kit.generator.performedExams(order.order);
    while (exams.length < count) exams.push(...this.#o.kit.generator.performedExams(order.order));
    return exams.slice(0, Math.max(count, 1));
  }

  /** Slow partner: after the late acknowledgement, the same message again (same MSH-10), processed once. */
  async #awaitRetry(first: ReceivedMessage, holdMs: number, timeoutMs: number, result: StepResult): Promise<void> {
    const retry = await this.#waitFor(
      (r) =>
        r !== first &&
        !r.claimed &&
        r.kind === first.kind &&
        r.key !== undefined &&
        first.key !== undefined &&
        orderKeyOf(r.key) === orderKeyOf(first.key),
      holdMs + timeoutMs,
    ).promise;
    if (!retry) {
      result.checks.push({
        status: 'fail',
        label: `the message sent again after the ACK timeout (the kit answered after ${holdMs} ms)`,
        detail: 'no retry came',
      });
      return;
    }
    retry.claimed = true;
    this.#received(retry, result, 'the same message again (retry)');
    result.checks.push({
      status: retry.controlId === first.controlId ? 'pass' : 'fail',
      label: 'the retry keeps its MSH-10, so that the receiver processes it once',
      detail:
        retry.controlId === first.controlId
          ? `MSH-10 ${retry.controlId}, answered with the original acknowledgement`
          : `first MSH-10 ${first.controlId}, retry ${retry.controlId}`,
    });
  }

  #received(rec: ReceivedMessage, result: StepResult, label?: string): void {
    const text = rec.message?.toString() ?? rec.bytes.toString('latin1');
    result.exchanges.push({
      direction: 'received',
      label: label ?? MESSAGE_LABELS[rec.kind ?? 'order'],
      at: rec.at.toISOString(),
      er7: text,
      findings: rec.findings.map(reported),
    });
    const ack = tryParseMessage(rec.ack).message;
    result.exchanges.push({
      direction: 'sent',
      label: 'acknowledgement of the kit',
      at: rec.at.toISOString(),
      er7: ack?.toString() ?? '',
      findings: [],
    });
  }

  #checkReceived(rec: ReceivedMessage, step: AwaitStep, result: StepResult): void {
    const spec = step.await;
    const errors = rec.findings.filter((f) => f.severity === 'error');
    const warnings = rec.findings.filter((f) => f.severity === 'warning');
    result.checks.push({
      status: errors.length ? 'fail' : warnings.length ? 'warning' : 'pass',
      label: `the message conforms (${isDocument(rec.kind) ? 'document transport rule pack' : 'Téléradiologie rule pack'})`,
      detail: errors.length || warnings.length ? `${errors.length} error(s), ${warnings.length} warning(s)` : 'no finding',
    });
    const charset = rec.message?.header.charset;
    if (spec.charset)
      result.checks.push({
        status: charset === spec.charset ? 'pass' : 'fail',
        label: `MSH-18 is ${spec.charset}`,
        detail: `MSH-18 ${charset || '(empty)'}`,
      });
    const v = rec.value;
    if (spec.decision && v?.kind === 'decision') {
      const accepted = v.decision.outcome.accepted;
      result.checks.push({
        status: (spec.decision === 'accept') === accepted ? 'pass' : 'fail',
        label: spec.decision === 'accept' ? 'the request is accepted (ORC-1 OK)' : 'the request is refused (ORC-1 OC)',
        detail: accepted ? 'OK' : 'OC',
      });
      if (spec.protocols && v.decision.outcome.accepted) {
        const kinds = v.decision.outcome.protocols.map((p) =>
          p.kind === 'text' ? 'text' : p.mediaType === 'application/pdf' ? 'pdf' : p.mediaType,
        );
        const ok = spec.protocols.every((p) => kinds.includes(p)) && kinds.length >= spec.protocols.length;
        result.checks.push({
          status: ok ? 'pass' : 'fail',
          label: `protocols: ${spec.protocols.join(' + ')}`,
          detail: kinds.join(' + ') || 'none',
        });
      }
    } else if (spec.decision) {
      result.checks.push({
        status: 'fail',
        label: `a readable decision (${spec.decision})`,
        detail: 'the message could not be read as flow 3',
      });
    }
    if (spec.minExams !== undefined)
      result.checks.push({
        status: (rec.exams?.count ?? 0) >= spec.minExams ? 'pass' : 'fail',
        label: `at least ${spec.minExams} ORDER group(s), one per exam`,
        detail: `${rec.exams?.count ?? 0} ORDER group(s)`,
      });
    if (spec.drimboxUrl)
      result.checks.push({
        status: rec.exams && rec.exams.count > 0 && rec.exams.withViewerUrl === rec.exams.count ? 'pass' : 'fail',
        label: 'every exam carries the DRIMbox viewer URL',
        detail: `${rec.exams?.withViewerUrl ?? 0} of ${rec.exams?.count ?? 0}`,
      });
    const ack = safeAck(rec.ack);
    if (ack && ack.code !== 'AA' && errors.length === 0)
      result.checks.push({
        status: 'fail',
        label: 'the message makes sense in the order state (workflow table)',
        detail: ack.errors.map((e) => `${e.condition}: ${e.message ?? ''}`).join('; '),
      });
  }

  /** Waits for a received message matching `predicate` (past ones included), or undefined after `timeoutMs` or `cancel()`. */
  #waitFor(
    predicate: (r: ReceivedMessage) => boolean,
    timeoutMs: number,
  ): { promise: Promise<ReceivedMessage | undefined>; cancel: () => void } {
    const kit = this.#o.kit;
    const found = kit.received.find(predicate);
    if (found) return { promise: Promise.resolve(found), cancel: () => undefined };
    let cancel: () => void = () => undefined;
    const promise = new Promise<ReceivedMessage | undefined>((resolve) => {
      const stop = (hit: ReceivedMessage | undefined): void => {
        clearTimeout(timer);
        off();
        resolve(hit);
      };
      const timer = setTimeout(() => stop(undefined), timeoutMs);
      const off = kit.onReceived(() => {
        const hit = kit.received.find(predicate);
        if (hit) stop(hit);
      });
      cancel = () => stop(undefined);
    });
    return { promise, cancel };
  }
}

function errText(e: { condition: string; location?: Location | undefined }): string {
  return `${e.condition}${e.location ? `@${toErl(e.location).join('^')}` : ''}`;
}

function reported(f: Pick<Finding, 'severity' | 'rule' | 'location' | 'message'>): ReportedFinding {
  return { severity: f.severity, rule: f.rule, location: f.location, message: f.message };
}

function safeAck(bytes: Buffer): ReturnType<typeof readAck> | undefined {
  const m = tryParseMessage(bytes).message;
  if (!m) return undefined;
  try {
    return readAck(m);
  } catch {
    return undefined;
  }
}

function isAckCode(code: string): code is (typeof ACK_CODES)[number] {
  return (ACK_CODES as readonly string[]).includes(code);
}
