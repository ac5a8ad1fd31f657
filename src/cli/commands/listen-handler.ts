import { readAck, tryParseMessage } from '../../hl7/index.js';
import type { Message } from '../../hl7/index.js';
import { acceptAllHandler, peekHeader } from '../../mllp/index.js';
import type { MllpMessageHandler } from '../../mllp/index.js';

/*
 * The message handler of `cisis-tlr listen`, apart from the command's definition (listen.ts), which
 * loads this file and the transport only when the command runs.
 */

/** Turns received message bytes into the acknowledgement to send back (unframed ER7). */
export type MessageValidator = (message: Buffer) => Promise<Buffer>;

/** Options of `createListenHandler`. */
export interface ListenHandlerOptions {
  /** Builds the ACK from a conformance check; without it, the ACK reflects ER7 parse errors only. */
  validate?: MessageValidator | undefined;
  /** Also print the full content of each message. */
  verbose?: boolean;
  /** Where the summary lines go (default: stdout). */
  print?: (line: string) => void;
}

/**
 * Handler of `cisis-tlr listen`: answers each message (through `validate` when given, else AA, or
 * AE listing the parse errors) and prints one line per message: time, peer, message type,
 * control id, size and the MSA-1 answered. Content is printed only when `verbose` is set.
 */
export function createListenHandler(options: ListenHandlerOptions = {}): MllpMessageHandler {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const answer = options.validate ?? acceptAllHandler;
  return async (message, context) => {
    const ack = await answer(message);
    const header = peekHeader(message);
    const ackParsed = tryParseMessage(ack).message;
    const code = ackParsed ? safeAckCode(ackParsed) : '?';
    print(
      `${new Date().toISOString()} ${context.peer} ${header?.messageType || '(no MSH)'} control id ${header?.controlId || '-'} ` +
        `${message.length} bytes -> ${code}`,
    );
    if (options.verbose)
      print((tryParseMessage(message).message?.toString() ?? message.toString('latin1')).replace(/\r\n?|\n/g, '\n').trimEnd());
    return ack;
  };
}

/**
 * Glue to the profiles layer for `--validate`. The profiles layer sits above the transport, so it
 * is imported at run time, not at build time: the transport compiles and runs without it, and
 * `listen --validate` upgrades from syntax-only acknowledgements to conformance-based ones as soon
 * as `src/profiles/index.ts` exports `validateMessage` and `ackForValidation`.
 * Returns undefined when that layer is not available.
 */
export async function loadProfileValidator(): Promise<MessageValidator | undefined> {
  const specifier = '../../profiles/index.js';
  let profiles: Record<string, unknown>;
  try {
    profiles = (await import(specifier)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const validateMessage = profiles['validateMessage'];
  const ackForValidation = profiles['ackForValidation'];
  if (typeof validateMessage !== 'function' || typeof ackForValidation !== 'function') return undefined;
  return async (bytes) => {
    const parsed = tryParseMessage(bytes);
    // An unreadable message has nothing to validate: the parse errors are the answer.
    if (!parsed.message) return acceptAllHandler(bytes);
    const report: unknown = await validateMessage(bytes, { profile: 'auto' });
    return ackBytes(await ackForValidation(parsed.message, report));
  };
}

function ackBytes(ack: unknown): Buffer {
  if (Buffer.isBuffer(ack)) return ack;
  if (ack instanceof Uint8Array) return Buffer.from(ack);
  if (typeof ack === 'string') return Buffer.from(ack, 'utf8');
  if (ack !== null && typeof ack === 'object' && typeof (ack as Message).toBytes === 'function') return (ack as Message).toBytes();
  throw new TypeError('ackForValidation returned neither a Message nor bytes');
}

function safeAckCode(ack: Message): string {
  try {
    return readAck(ack).code;
  } catch {
    return '?';
  }
}
