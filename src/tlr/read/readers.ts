import type { Message } from '../../hl7/index.js';
import { validateMessage } from '../../profiles/index.js';
import type { Profile } from '../../profiles/index.js';
import type {
  AcknowledgementMessage,
  CancellationMessage,
  DecisionMessage,
  OrderMessage,
  PostExamMessage,
  TlrMessage,
  TlrMessageKind,
} from '../model/tlr-message.js';
import { acknowledgementFromMessage } from './acknowledgement.js';
import { cancellationFromMessage } from './cancellation-message.js';
import { decisionFromMessage } from './decision-message.js';
import { detectMessageKind } from './detect.js';
import { orderFromMessage } from './order-message.js';
import { postExamInfoFromMessage } from './post-exam-message.js';
import type { ReadOptions, ReadResult } from './read-result.js';
import { tlrMessageFromMessage } from './tlr-message.js';

/** Input of every reader: raw bytes (decoded per MSH-18), ER7 text, or an already parsed message. */
export type ReaderInput = Uint8Array | string | Message;

/**
 * Validation first, mapping second: the validator parses the input (reporting parse and charset
 * problems as findings) and the mapping reuses its parsed message. The value is produced only for
 * the expected kind of message, so a flow-4 message given to the flow-1 reader yields the
 * validator's errors and no value.
 */
function readAs<T>(
  input: ReaderInput,
  options: ReadOptions,
  profile: Profile,
  kind: TlrMessageKind,
  map: (message: Message) => T,
): ReadResult<T> {
  const report = validateMessage(input, { ...options, profile });
  const message = report.message;
  return { value: message && detectMessageKind(message) === kind ? map(message) : undefined, report };
}

/** Reads flow 1 (ORM^O01 `NW`), validated against profile `flux1`. Never throws; see {@link ReadResult}. */
export function readOrderMessage(input: ReaderInput, options: ReadOptions = {}): ReadResult<OrderMessage> {
  return readAs(input, options, 'flux1', 'order', orderFromMessage);
}

/** Reads flow 2 (ORM^O01 `CA`), validated against profile `flux2`. Never throws; see {@link ReadResult}. */
export function readCancellationMessage(input: ReaderInput, options: ReadOptions = {}): ReadResult<CancellationMessage> {
  return readAs(input, options, 'flux2', 'cancellation', cancellationFromMessage);
}

/** Reads flow 3 (ORU^R01 `OK`/`OC`), validated against profile `flux3`. Never throws; see {@link ReadResult}. */
export function readDecisionMessage(input: ReaderInput, options: ReadOptions = {}): ReadResult<DecisionMessage> {
  return readAs(input, options, 'flux3', 'decision', decisionFromMessage);
}

/** Reads flow 4 (OMI^O23 `SR`), validated against profile `flux4`. Never throws; see {@link ReadResult}. */
export function readPostExamMessage(input: ReaderInput, options: ReadOptions = {}): ReadResult<PostExamMessage> {
  return readAs(input, options, 'flux4', 'postExamInfo', postExamInfoFromMessage);
}

/**
 * Reads an acknowledgement, validated against profile `ack`; pass `acknowledged` (the original
 * message) to enable the correlated rules. Never throws; see {@link ReadResult}.
 */
export function readAcknowledgementMessage(input: ReaderInput, options: ReadOptions = {}): ReadResult<AcknowledgementMessage> {
  return readAs(input, options, 'ack', 'acknowledgement', acknowledgementFromMessage);
}

/**
 * Reads any message of the volet: the validator detects the profile (TLR-GEN-003) and the value
 * is discriminated by `kind`. Never throws; see {@link ReadResult}.
 */
export function readMessage(input: ReaderInput, options: ReadOptions = {}): ReadResult<TlrMessage> {
  const report = validateMessage(input, { ...options, profile: 'auto' });
  return { value: report.message ? tlrMessageFromMessage(report.message) : undefined, report };
}
