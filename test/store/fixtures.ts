import type { AckRecord, InboundMessage, MessageSummary, OrderKey } from '../../src/store/index.js';

/** Test clock: starts at the date of the guide's ACK example and only moves when told. */
export class TestClock {
  ms = Date.UTC(2026, 0, 6, 13, 44, 18);
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export const ORDER_A: OrderKey = { placerNumber: 'CMD-0001', assigningAuthority: '1.2.250.1.999.1.1' };
export const ORDER_B: OrderKey = { placerNumber: 'CMD-0002', assigningAuthority: '1.2.250.1.999.1.1' };

const FLOW_TYPES = { flux1: 'ORM^O01', flux2: 'ORM^O01', flux3: 'ORU^R01', flux4: 'OMI^O23' } as const;
const ORC1 = { flux1: 'NW', flux2: 'CA', flux3: 'OK', flux4: 'SR' } as const;

/** Header summary of a business message of the RIS "StructureApp" about an order. */
export function summaryOf(
  flow: keyof typeof FLOW_TYPES,
  controlId: string,
  order: OrderKey = ORDER_A,
  facility = 'StructureFacility',
): MessageSummary {
  return {
    messageType: FLOW_TYPES[flow],
    flow,
    controlId,
    sendingApplication: 'StructureApp',
    sendingFacility: facility,
    receivingApplication: 'TLRapp',
    receivingFacility: 'TLRfacility',
    placerOrderNumber: order.placerNumber,
    placerAssigningAuthority: order.assigningAuthority,
    patientId: '248092A000001',
  };
}

/** An ER7 message as bytes, enough to be recognisable in the journal (the store never parses it). */
export function er7(flow: keyof typeof FLOW_TYPES, controlId: string, order: OrderKey = ORDER_A, extra = ''): Uint8Array {
  const [type, trigger] = FLOW_TYPES[flow].split('^');
  return Buffer.from(
    `MSH|^~\\&|StructureApp|StructureFacility|TLRapp|TLRfacility|20260106134418||` +
      `${type}^${trigger}^${type}_${trigger}|${controlId}|P|2.5.1|||||FRA|UNICODE UTF-8|||1.0^CISIS_TLR_HL7_V2\r` +
      `PID|||248092A000001^^^1.2.250.1.213.1.4.8^NH\r` +
      `ORC|${ORC1[flow]}|${order.placerNumber}^^${order.assigningAuthority}^ISO${extra}\r`,
    'utf8',
  );
}

export function inbound(flow: keyof typeof FLOW_TYPES, controlId: string, order: OrderKey = ORDER_A, facility?: string): InboundMessage {
  return { partner: 'ris-a', raw: er7(flow, controlId, order), summary: summaryOf(flow, controlId, order, facility) };
}

/** An ACK as the platform would send it. */
export function ack(code: AckRecord['code'], acknowledged: string, ackControlId = `ACK-${acknowledged}`, errorCode?: string): AckRecord {
  const err = errorCode === undefined ? '' : `\rERR||${''}|${errorCode}^^HL70357|E`;
  return {
    raw: Buffer.from(
      `MSH|^~\\&|TLRapp|TLRfacility|StructureApp|StructureFacility|20260106134419||ACK^O01^ACK|${ackControlId}|P|2.5.1|||||FRA|` +
        `UNICODE UTF-8\rMSA|${code}|${acknowledged}${err}\r`,
    ),
    code,
    controlId: ackControlId,
  };
}

export const text = (bytes: Uint8Array | null | undefined): string => (bytes == null ? '' : Buffer.from(bytes).toString('utf8'));
