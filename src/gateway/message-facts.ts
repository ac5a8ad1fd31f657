import type { Message, MessageHeader } from '../hl7/index.js';
import type { FlowId, MessageSummary, OrderKey } from '../store/index.js';
import type { OrderEvent } from '../workflow/index.js';
import { eventOfFlow } from '../workflow/checks/index.js';

/** INS assigning-authority OIDs (NIR, NIA, and the test/demonstration ones). */
const INS_OIDS = new Set(['1.2.250.1.213.1.4.8', '1.2.250.1.213.1.4.9', '1.2.250.1.213.1.4.10', '1.2.250.1.213.1.4.11']);

/** The workflow meaning of a business message: which order, which event. */
export interface MessageFacts {
  flow: FlowId;
  key: OrderKey | undefined;
  event: OrderEvent | undefined;
  /** The patient identifier journaled with the message: the INS when present, else the first PID-3. */
  patientId: string | undefined;
}

/**
 * Flow of a message from MSH-9 and ORC-1 (TLR-GEN-003), extended to the document transport
 * (MDM^T02/T10/T04) that carries reports and the order document.
 */
export function flowOf(message: Message): FlowId {
  const h = message.header;
  const orc1 = message.all('ORC').map((s) => s.get(1));
  const every = (codes: string[]) => orc1.length > 0 && orc1.every((c) => codes.includes(c));
  if (h.messageCode === 'ACK') return 'ack';
  if (h.messageCode === 'ORM' && h.triggerEvent === 'O01') return every(['NW']) ? 'flux1' : every(['CA']) ? 'flux2' : 'unknown';
  if (h.messageCode === 'ORU' && h.triggerEvent === 'R01')
    return every(['OK', 'OC']) ? 'flux3' : message.segment('TXA') || hasCdaObx(message) ? 'report' : 'unknown';
  if (h.messageCode === 'OMI' && h.triggerEvent === 'O23') return every(['SR']) ? 'flux4' : 'unknown';
  if (h.messageCode === 'MDM' && ['T02', 'T10', 'T04'].includes(h.triggerEvent)) return 'report';
  return 'unknown';
}

function hasCdaObx(message: Message): boolean {
  return message.all('OBX').some((o) => o.get(2) === 'ED');
}

/** The order key (ORC-2.1 + ORC-2.3), or OBR-2 when there is no ORC, or TXA-2 / OBR-2 for documents. */
export function orderKeyOf(message: Message): OrderKey | undefined {
  const orc = message.segment('ORC');
  const obr = message.segment('OBR');
  const placer = orc?.get('2.1') ? orc.field(2) : obr?.get('2.1') ? obr.field(2) : undefined;
  if (!placer) return undefined;
  return { placerNumber: placer.get(1), assigningAuthority: placer.get(3) };
}

export function patientIdOf(message: Message): string | undefined {
  const pid = message.segment('PID');
  if (!pid) return undefined;
  const reps = pid.repetitions(3);
  const ins = reps.find((r) => r.get(5) === 'INS' || INS_OIDS.has(r.get(4, 2)));
  const chosen = ins ?? reps[0];
  return chosen && chosen.get(1) !== '' ? chosen.get(1) : undefined;
}

/** The workflow event a message carries, given its flow (the offline validator's mapping, `eventOfFlow`). */
export function eventOf(message: Message, flow: FlowId): OrderEvent | undefined {
  return flow === 'flux1' || flow === 'flux2' || flow === 'flux3' || flow === 'flux4' ? eventOfFlow(message, flow) : undefined;
}

/** The journal summary of a parsed message. */
export function summaryOf(message: Message, flow: FlowId = flowOf(message)): MessageSummary {
  const h = message.header;
  const key = orderKeyOf(message);
  return summaryOfHeader(h, flow, key, patientIdOf(message));
}

/** The journal summary from a header alone (messages that could not be parsed completely). */
export function summaryOfHeader(h: MessageHeader | undefined, flow: FlowId, key?: OrderKey, patientId?: string): MessageSummary {
  return {
    messageType: h ? [h.messageCode, h.triggerEvent].filter(Boolean).join('^') || 'unknown' : 'unknown',
    flow,
    ...(h?.controlId ? { controlId: h.controlId } : {}),
    ...(h
      ? {
          // The raw MSH-3/MSH-4 (all HD components) identify the sender for duplicate detection.
          sendingApplication: h.raw.sendingApplication,
          sendingFacility: h.raw.sendingFacility,
          receivingApplication: h.raw.receivingApplication,
          receivingFacility: h.raw.receivingFacility,
        }
      : {}),
    ...(key ? { placerOrderNumber: key.placerNumber, placerAssigningAuthority: key.assigningAuthority } : {}),
    ...(patientId ? { patientId } : {}),
  };
}

export function factsOf(message: Message): MessageFacts {
  const flow = flowOf(message);
  return { flow, key: orderKeyOf(message), event: eventOf(message, flow), patientId: patientIdOf(message) };
}
