import type { Gateway } from '../gateway/gateway.js';
import { documentsOf } from '../gateway/documents/documents-plugin.js';
import type { GatewayEvent } from '../gateway/events.js';
import type { OrderData } from '../gateway/order-data.js';
import type { OrderKey } from '../store/index.js';
import type { ImagingOrder, Organisation, Protocol } from '../tlr/index.js';
import type { ClinicalDataGenerator } from './clinical-data-generator.js';

/** What the simulated radiologist does with a request. */
export type PlatformDecisionPlan =
  | { action: 'accept'; protocols: 'text' | 'pdf' | 'text+pdf' }
  | { action: 'refuse' }
  /** No decision (the request is left for the RIS to cancel, or for a person to decide through the API). */
  | { action: 'hold' };

/** What the radiologist does once the exam is performed (post-exam information received). */
export interface ReportPlan {
  /** Sends a corrected version (MDM^T10) after the first report. */
  replace?: boolean;
  /** Deletes the report in force (MDM^T04) at the end (e.g. written for the wrong exam). */
  delete?: boolean;
}

/** Outcome counters of a platform simulator run. */
export interface PlatformSimulatorStats {
  ordersReceived: number;
  accepted: number;
  refused: number;
  held: number;
  /** Requests cancelled before the decision was due (the simulator then does not decide). */
  cancelledBeforeDecision: number;
  cancellations: number;
  postExamInfos: number;
  reportsSent: number;
  reportsReplaced: number;
  reportsDeleted: number;
  /** Request (DA-IMG) and supporting documents received and attached, and how many of them were valid. */
  documentsReceived: { request: number; supporting: number; valid: number };
  /** Decisions or reports that the gateway refused to send (e.g. a conflict); each is also printed. */
  failures: number;
}

export interface PlatformSimulatorOptions {
  gateway: Gateway;
  generator: ClinicalDataGenerator;
  /** Share of requests accepted when no `plan` is given (default 0.9). */
  acceptRate?: number;
  /** Time the radiologist takes to decide, in ms (default 2000); a random ±50 % is applied for realism. */
  delayMs?: number;
  /** Protocol given with every acceptance instead of a generated one (`--protocol-file`). */
  protocol?: Protocol;
  /** Per-request decision; default: accept with `acceptRate` (text or PDF protocol, half each), else refuse. */
  plan?: (order: ImagingOrder) => PlatformDecisionPlan;
  /**
   * Reports written once the post-exam information of an accepted request arrives: the plan per
   * request, or undefined for no report. Default: no reports.
   */
  reports?: (order: ImagingOrder) => ReportPlan | undefined | Promise<ReportPlan | undefined>;
  /** Reading time between the post-exam information and the report, ms (default 500). */
  reportDelayMs?: number;
  /** The platform named in ORC-21 (default the gateway's configured organisation). */
  platform?: Organisation;
  /** Receives one line per event (no patient data). */
  print?: (line: string) => void;
}

/**
 * The platform half of a simulation: a real platform {@link Gateway} whose radiologist is automatic.
 * On each `order.received` it waits the decision delay, checks that the request is still awaiting a
 * decision (the RIS may have cancelled it meanwhile), then accepts it with a text and/or PDF
 * protocol, or refuses it with a reason, through the same actions as the REST API.
 */
export class PlatformSimulator {
  readonly stats: PlatformSimulatorStats = {
    ordersReceived: 0,
    accepted: 0,
    refused: 0,
    held: 0,
    cancelledBeforeDecision: 0,
    cancellations: 0,
    postExamInfos: 0,
    reportsSent: 0,
    reportsReplaced: 0,
    reportsDeleted: 0,
    documentsReceived: { request: 0, supporting: 0, valid: 0 },
    failures: 0,
  };
  /** Last time an event was seen (ms since epoch); drives `--exit-when-idle`. */
  lastActivity = Date.now();
  readonly #o: PlatformSimulatorOptions;
  readonly #pending = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #listener: (e: GatewayEvent) => void;
  /** Requests already scheduled for a decision (by order key), so a catch-up never decides twice. */
  readonly #scheduled = new Set<string>();
  #stopped = false;

  constructor(options: PlatformSimulatorOptions) {
    this.#o = options;
    this.#listener = (e) => this.#onEvent(e);
    options.gateway.on('event', this.#listener);
  }

  /**
   * Schedules a decision for every request already waiting in the store: those that arrived while the
   * gateway was starting, before this simulator listened, or before a restart.
   */
  async catchUp(): Promise<number> {
    let n = 0;
    for (let offset = 0; ; offset += 500) {
      const page = await this.#o.gateway.store.listOrders({ role: 'platform', state: 'REQUESTED', limit: 500, offset });
      for (const o of page.items) {
        const order = (o.data as OrderData | null)?.order;
        if (order && !this.#scheduled.has(keyOf(order))) {
          this.stats.ordersReceived += 1;
          this.#schedule(order);
          n += 1;
        }
      }
      if (page.items.length < 500) return n;
    }
  }

  /** Decisions scheduled or being sent. */
  get pendingDecisions(): number {
    return this.#pending.size;
  }

  /** Resolves once every scheduled decision has been made (or skipped). */
  async settled(): Promise<void> {
    while (this.#pending.size) await Promise.allSettled([...this.#pending]);
  }

  /** Stops deciding (scheduled decisions are dropped) and detaches from the gateway. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.#o.gateway.off('event', this.#listener);
  }

  #print(line: string): void {
    this.#o.print?.(line);
  }

  #onEvent(e: GatewayEvent): void {
    this.lastActivity = Date.now();
    const placer = e.placerOrderNumber ?? '?';
    switch (e.type) {
      case 'order.received': {
        const order = (e.data as OrderData | undefined)?.order;
        this.stats.ordersReceived += 1;
        if (!order) return;
        this.#print(
          `order received       ${placer}  ${order.requestedModality.display ?? order.requestedModality.code}, ` +
            `${order.anatomicalRegions[0]?.region.display ?? ''}`,
        );
        this.#schedule(order);
        return;
      }
      case 'order.cancelled':
        this.stats.cancellations += 1;
        this.#print(`order cancelled      ${placer}  (state ${e.state ?? '?'})`);
        return;
      case 'postexam.received':
        this.stats.postExamInfos += 1;
        this.#print(`post-exam received   ${placer}  (state ${e.state ?? '?'})`);
        if (e.orderKey && e.state === 'COMPLEMENTED') this.#scheduleReport(e.orderKey);
        return;
      case 'document.received': {
        // The radiologist checks what came with the request: its kind, level and the verdict of the rule sets.
        const d = e.data as { role?: string; level?: number | null; valid?: boolean; status?: string; profile?: string } | undefined;
        if (d?.status !== 'current' || (d.role !== 'request' && d.role !== 'supporting')) return;
        this.stats.documentsReceived[d.role] += 1;
        if (d.valid) this.stats.documentsReceived.valid += 1;
        this.#print(
          `document received    ${placer}  ${d.role === 'request' ? 'DA-IMG' : 'supporting'} level ${d.level ?? '?'} ` +
            `${d.profile ?? ''} ${d.valid ? 'valid' : 'INVALID'}`,
        );
        return;
      }
      case 'message.rejected':
        this.#print(`message rejected     ${placer}  ${String(e.data?.['reason'] ?? '')}`);
        return;
      case 'message.parked':
        this.#print(`message parked       ${placer}  ${String(e.data?.['reason'] ?? '')}`);
        return;
      default:
    }
  }

  /** Runs `work` after `delayMs`, tracked by {@link settled}; a failure is counted and printed. */
  #track(delayMs: number, placer: string, what: string, work: () => Promise<void>): void {
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#pending.add(done);
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      work()
        .catch((err: unknown) => {
          this.stats.failures += 1;
          const label = `${what} failed`.padEnd(21);
          this.#print(`${label}${placer}  ${(err as Error).message}`);
        })
        .finally(() => {
          this.#pending.delete(done);
          this.lastActivity = Date.now();
          release();
        });
    }, delayMs);
    this.#timers.add(timer);
  }

  #schedule(order: ImagingOrder): void {
    if (this.#scheduled.has(keyOf(order))) return;
    this.#scheduled.add(keyOf(order));
    const base = this.#o.delayMs ?? 2000;
    const delay = Math.max(0, Math.round(base * (0.5 + this.#o.generator.random.next())));
    this.#track(delay, order.placerOrderNumber.value, 'decision', () => this.#decide(order));
  }

  #scheduleReport(orderKey: string): void {
    const split = orderKey.lastIndexOf('|');
    const key: OrderKey = { assigningAuthority: orderKey.slice(0, split), placerNumber: orderKey.slice(split + 1) };
    this.#track(this.#o.reportDelayMs ?? 500, key.placerNumber, 'report', async () => {
      if (this.#stopped || !this.#o.reports) return;
      const stored = await this.#o.gateway.store.getOrder('platform', key);
      const order = (stored?.data as OrderData | null)?.order;
      if (!order) return;
      const plan = await this.#o.reports(order);
      if (!plan || this.#stopped) return;
      const reports = documentsOf(this.#o.gateway).reports;
      const first = await reports.submit(key, { content: this.#o.generator.reportContent(order) });
      this.stats.reportsSent += 1;
      this.#print(`report sent          ${key.placerNumber}  CR-IMG v${first.report.version} (MDM^T02)`);
      if (plan.replace) {
        const second = await reports.replace(key, { content: this.#o.generator.reportContent(order, { corrected: true }) });
        this.stats.reportsReplaced += 1;
        this.#print(`report replaced      ${key.placerNumber}  CR-IMG v${second.report.version} (MDM^T10)`);
      }
      if (plan.delete) {
        await reports.delete(key);
        this.stats.reportsDeleted += 1;
        this.#print(`report deleted       ${key.placerNumber}  (MDM^T04)`);
      }
    });
  }

  #plan(order: ImagingOrder): PlatformDecisionPlan {
    if (this.#o.plan) return this.#o.plan(order);
    const r = this.#o.generator.random;
    if (!r.chance(this.#o.acceptRate ?? 0.9)) return { action: 'refuse' };
    return { action: 'accept', protocols: r.chance(0.5) ? 'text' : 'pdf' };
  }

  async #decide(order: ImagingOrder): Promise<void> {
    if (this.#stopped) return;
    const gw = this.#o.gateway;
    const g = this.#o.generator;
    const key: OrderKey = { placerNumber: order.placerOrderNumber.value, assigningAuthority: order.placerOrderNumber.authorityOid };
    const current = await gw.store.getOrder('platform', key);
    if (current?.state !== 'REQUESTED') {
      this.stats.cancelledBeforeDecision += current?.state === 'CANCELLED' ? 1 : 0;
      this.#print(`no decision          ${key.placerNumber}  (order is ${current?.state ?? 'unknown'})`);
      return;
    }
    const plan = this.#plan(order);
    const remoteRadiologist = g.remoteRadiologist();
    const platform = this.#o.platform ?? gw.config.organisation;
    if (plan.action === 'hold') {
      this.stats.held += 1;
      this.#print(`held                 ${key.placerNumber}  (no automatic decision)`);
      return;
    }
    if (plan.action === 'refuse') {
      const reason = g.refusalReason();
      await gw.platform.refuse(key, { remoteRadiologist, reason, platform });
      this.stats.refused += 1;
      this.#print(`refused              ${key.placerNumber}  ${reason.text ?? reason.code ?? ''}`);
      return;
    }
    let protocols: Protocol[];
    let label: string;
    if (this.#o.protocol) {
      protocols = [this.#o.protocol];
      label = this.#o.protocol.kind === 'text' ? 'text protocol from file' : `${this.#o.protocol.mediaType} protocol from file`;
    } else if (plan.protocols === 'text') {
      protocols = [g.textProtocol(order)];
      label = 'text protocol';
    } else {
      const pdf = await g.pdfProtocol(order, remoteRadiologist, platform);
      protocols = plan.protocols === 'pdf' ? [pdf] : [g.textProtocol(order), pdf];
      label = plan.protocols === 'pdf' ? `PDF protocol, ${Math.round((pdf.base64.length * 0.75) / 1024)} KB` : 'text and PDF protocols';
    }
    await gw.platform.accept(key, { remoteRadiologist, protocols, platform });
    this.stats.accepted += 1;
    this.#print(`accepted             ${key.placerNumber}  by Dr ${remoteRadiologist.familyName} (${label})`);
  }
}

function keyOf(order: ImagingOrder): string {
  return `${order.placerOrderNumber.authorityOid}|${order.placerOrderNumber.value}`;
}
