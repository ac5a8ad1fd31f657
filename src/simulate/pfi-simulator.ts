import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { pino } from 'pino';
import type { AckError, Message } from '../hl7/index.js';
import { tryParseMessage } from '../hl7/index.js';
import { MllpClient, MllpServer, buildTransportAck } from '../mllp/index.js';
import type { Finding } from '../profiles/index.js';
import { ackErrorOf } from '../profiles/index.js';
import type { BusinessReceipt, ReceivedDocumentMessage } from '../documents/transport/index.js';
import { buildBusinessReceipt, buildDocumentAck, readDocumentMessage } from '../documents/transport/index.js';

/** What the simulated PFI answers for one destination. */
export interface PfiOutcomes {
  /** The DMP's answer to the publication (ITI-41) or deletion: `accept`, or `refuse` with `dmpError`. */
  dmp: 'accept' | 'refuse';
  /** The DMP error of a refusal (ZAM^Z01 ERR-5, code system `DMP_ERROR_CODE`); default {@link DMP_CLOSED}. */
  dmpError?: { code: string; label: string };
  /** MSSanté delivery (DSN): `deliver`, or `fail` with `smtpError`. */
  mssante: 'deliver' | 'fail';
  /** SMTP error of a failed delivery (ZAM^Z02 ERR-5, `SMTPERRORCODE`); default 550 mailbox unavailable. */
  smtpError?: { code: string; label: string };
}

/** The DMP error of the ANS example (`Message metier reception DMP`): the patient's DMP is closed. */
export const DMP_CLOSED = { code: 'DMPClosed', label: 'DMP fermé' } as const;
/** SMTP 550 (trans-cda-r2 §9.1): mailbox unavailable (not found, no access). */
export const SMTP_MAILBOX_UNAVAILABLE = { code: '550', label: 'Mailbox unavailable' } as const;

export interface PfiSimulatorOptions {
  /** MLLP port the RIS sends its documents to (0: any free port). */
  port: number;
  host?: string;
  /** The RIS's receipt listener, where the ZAM go. */
  receipts: { host: string; port: number };
  /** Time between the HL7 ACK and the business receipts (the DMP and MSSanté answering). */
  delayMs?: number;
  /** Outcomes for every message, or chosen per message. */
  outcomes?: PfiOutcomes | ((message: ReceivedDocumentMessage) => PfiOutcomes);
  /** MSH-3 / MSH-4 of the receipts. */
  application?: string;
  facility?: string;
  /** One line per event (never patient data). */
  print?: (line: string) => void;
  logger?: Logger;
}

/** A document message the simulated PFI received, and what it answered. */
export interface PfiReceived {
  controlId: string;
  event: string;
  ack: 'AA' | 'AE';
  findings: Finding[];
  /** The placer order number and document id, when the message could be read. */
  placer?: string;
  documentId?: string;
}

/** What the simulated PFI counted, per destination. */
export interface PfiCounts {
  received: number;
  refused: number;
  dmp: { accepted: number; refused: number };
  mssante: { delivered: number; failed: number };
  /** Receipts the RIS answered other than AA, or that could not be delivered. */
  receiptProblems: number;
}

/**
 * A faithful integration platform (PFI, the volet's GESTIONNAIRE) for the onward route: it receives
 * the MDM^T02/T10/T04 (and ORU^R01) of "Transmission de documents CDA en HL7 v2" 2.1, validates each
 * with the document-transport pack (AE with the findings when wrong), answers the HL7 ACK (v2.6),
 * then after `delayMs` sends the business receipts asked for (`ACK_RECEPTION`): one ZAM^Z01 for the
 * DMP when `DESTDMP` is Y, one ZAM^Z02 per MSSanté recipient (PRT `RCT`), with the configured outcomes.
 * Receipts are sent in the order of the messages they answer and retried while the RIS is unreachable.
 */
export class PfiSimulator {
  readonly received: PfiReceived[] = [];
  readonly counts: PfiCounts = {
    received: 0,
    refused: 0,
    dmp: { accepted: 0, refused: 0 },
    mssante: { delivered: 0, failed: 0 },
    receiptProblems: 0,
  };
  readonly #o: PfiSimulatorOptions;
  readonly #server: MllpServer;
  readonly #client: MllpClient;
  #address: AddressInfo | undefined;
  /** Receipts go one after the other, in the order of the messages. */
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;
  #stopped = false;
  readonly #timers = new Set<NodeJS.Timeout>();

  private constructor(o: PfiSimulatorOptions) {
    this.#o = o;
    const logger = o.logger ?? pino({ level: 'silent' });
    this.#server = new MllpServer({ handler: (bytes) => this.#handle(bytes), logger });
    this.#client = new MllpClient({ host: o.receipts.host, port: o.receipts.port, ackTimeoutMs: 10_000, logger });
  }

  static async start(o: PfiSimulatorOptions): Promise<PfiSimulator> {
    const sim = new PfiSimulator(o);
    sim.#address = await sim.#server.listen(o.port, o.host ?? '127.0.0.1');
    return sim;
  }

  get port(): number {
    return this.#address?.port ?? 0;
  }

  /** Resolves once every scheduled receipt was sent (or given up). */
  async idle(): Promise<void> {
    while (this.#pending > 0) await this.#queue;
  }

  async #handle(bytes: Buffer): Promise<Uint8Array> {
    const parsed = tryParseMessage(bytes);
    const message = parsed.message;
    if (!message) {
      this.counts.refused++;
      return buildTransportAck(bytes, 'AE', '100', parsed.errors[0]?.message ?? 'The message could not be read');
    }
    this.counts.received++;
    const { value, report } = readDocumentMessage(message);
    const errors = report.issues.filter((i) => i.severity === 'error');
    const entry: PfiReceived = {
      controlId: message.header.controlId,
      event: `${message.header.messageCode}^${message.header.triggerEvent}`,
      ack: 'AA',
      findings: report.issues,
      ...(value?.order ? { placer: value.order.placerOrderNumber.value } : {}),
      ...(value?.document?.id ? { documentId: value.document.id.root } : {}),
    };
    this.received.push(entry);
    if (!value || errors.length > 0) {
      entry.ack = 'AE';
      this.counts.refused++;
      const ackErrors: AckError[] = errors.length
        ? errors.slice(0, 20).map(ackErrorOf)
        : [{ condition: '200', severity: 'E', message: 'A PFI receives document messages (MDM^T02/T10/T04, ORU^R01)' }];
      this.#print(`PFI: ${entry.event} ${entry.controlId} refused (AE, ${ackErrors.length} error(s))`);
      return buildDocumentAck(message, { code: 'AE', errors: ackErrors }).toBytes();
    }
    this.#print(`PFI: ${entry.event} ${entry.controlId} accepted (AA)`);
    if (value.metadata.receptionReceipt) this.#schedule(message, value);
    return buildDocumentAck(message, { code: 'AA' }).toBytes();
  }

  #schedule(message: Message, value: ReceivedDocumentMessage): void {
    const given = this.#o.outcomes ?? { dmp: 'accept', mssante: 'deliver' };
    const outcomes = typeof given === 'function' ? given(value) : given;
    const receipts: BusinessReceipt[] = [];
    const acknowledgedControlId = message.header.controlId;
    if (value.metadata.sendToDmp) {
      receipts.push(
        outcomes.dmp === 'accept'
          ? { kind: 'dmp', acknowledgedControlId, success: true }
          : { kind: 'dmp', acknowledgedControlId, success: false, error: { severity: 'E', ...(outcomes.dmpError ?? DMP_CLOSED) } },
      );
    }
    if (value.metadata.sendToProfessionals || value.metadata.sendToPatient) {
      for (const r of value.participants.recipients) {
        const mailbox = { address: r.address, ...(r.person?.idNat ? { recipientId: r.person.idNat } : {}) };
        receipts.push(
          outcomes.mssante === 'deliver'
            ? { kind: 'mss-delivery', acknowledgedControlId, success: true, mailbox }
            : {
                kind: 'mss-delivery',
                acknowledgedControlId,
                success: false,
                mailbox,
                error: { severity: 'E', ...(outcomes.smtpError ?? SMTP_MAILBOX_UNAVAILABLE) },
              },
        );
      }
    }
    if (receipts.length === 0) return;
    this.#pending++;
    const due = new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, this.#o.delayMs ?? 0);
      this.#timers.add(t);
    });
    this.#queue = this.#queue
      .then(() => due)
      .then(async () => {
        for (const r of receipts) await this.#sendReceipt(r);
      })
      .finally(() => {
        this.#pending--;
      });
  }

  async #sendReceipt(receipt: BusinessReceipt): Promise<void> {
    const zam = buildBusinessReceipt(receipt, {
      sendingApplication: this.#o.application ?? 'PFI',
      sendingFacility: this.#o.facility ?? 'PFI',
      receivingApplication: 'RIS',
      receivingFacility: 'RIS',
      processingId: 'T',
    });
    const what = `${receipt.kind === 'dmp' ? 'DMP' : 'MSSanté'} ${receipt.success ? 'ok' : `failed (${receipt.error?.code})`}`;
    // The RIS may be restarting: a few attempts with a growing pause, as a PFI's own outbox would.
    for (let attempt = 1; attempt <= 10 && !this.#stopped; attempt++) {
      try {
        if (!this.#client.connected) await this.#client.connect();
        const result = await this.#client.send(zam.toBytes());
        if (result.code !== 'AA') this.counts.receiptProblems++;
        else this.#count(receipt);
        this.#print(`PFI: ZAM^${zam.header.triggerEvent} for ${receipt.acknowledgedControlId}: ${what}, RIS answered ${result.code}`);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    this.counts.receiptProblems++;
  }

  #count(r: BusinessReceipt): void {
    if (r.kind === 'dmp') this.counts.dmp[r.success ? 'accepted' : 'refused']++;
    else this.counts.mssante[r.success ? 'delivered' : 'failed']++;
  }

  #print(line: string): void {
    this.#o.print?.(line);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers) clearTimeout(t);
    await this.#server.close().catch(() => undefined);
    await this.#client.close().catch(() => undefined);
  }
}
