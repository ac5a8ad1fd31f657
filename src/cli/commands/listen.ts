import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import { pino } from 'pino';
import type { Level } from 'pino';
import { readAck, tryParseMessage } from '../../hl7/index.js';
import type { Message } from '../../hl7/index.js';
import { acceptAllHandler, MllpServer, peekHeader, readTlsFiles } from '../../mllp/index.js';
import type { MllpMessageHandler, MllpServerTlsOptions } from '../../mllp/index.js';

interface ListenCliOptions {
  port: number;
  host: string;
  tls?: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  requireClientCert?: boolean;
  validate?: boolean;
  verbose?: boolean;
  logLevel: Level;
}

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
    print(`${new Date().toISOString()} ${context.peer} ${header?.messageType || '(no MSH)'} control id ${header?.controlId || '-'} ${message.length} bytes -> ${code}`);
    if (options.verbose) print((tryParseMessage(message).message?.toString() ?? message.toString('latin1')).replace(/\r\n?|\n/g, '\n').trimEnd());
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

/**
 * `cisis-tlr listen --port P [--host H] [--tls --ca F --cert F --key F --require-client-cert]
 * [--validate] [--verbose]`: an MLLP receiver that prints a summary line per message and answers
 * each with an ACK. Runs until SIGINT or SIGTERM, then stops gracefully (messages already received
 * are answered).
 */
export function registerListenCommand(program: Command): void {
  program
    .command('listen')
    .description('receive HL7 v2 messages over MLLP, print a summary of each and answer with an ACK')
    .requiredOption('--port <port>', 'TCP port to listen on (0: any free port, printed at start)', parseListenPort)
    .option('--host <host>', 'address to listen on', '0.0.0.0')
    .option('--tls', 'serve MLLP over TLS (requires --cert and --key)')
    .option('--ca <file>', 'PEM file of the authorities trusted for client certificates')
    .option('--cert <file>', 'PEM server certificate')
    .option('--key <file>', 'PEM private key of the server certificate')
    .option('--require-client-cert', 'mutual TLS: refuse clients without a certificate signed by --ca')
    .option('--validate', 'answer from the conformance validator (profile detected from each message)')
    .option('--verbose', 'print the full content of each message')
    .option('--log-level <level>', 'transport log level on stderr (fatal, error, warn, info, debug, trace)', parseLevel, 'warn')
    .action(async (options: ListenCliOptions) => {
      process.exitCode = await listen(options);
    });
}

async function listen(options: ListenCliOptions): Promise<number> {
  const tlsWanted = options.tls || options.cert || options.key || options.requireClientCert;
  let tls: MllpServerTlsOptions | undefined;
  if (tlsWanted) {
    if (!options.cert || !options.key) {
      process.stderr.write('--tls needs --cert and --key\n');
      return 2;
    }
    if (options.requireClientCert && !options.ca) {
      process.stderr.write('--require-client-cert needs --ca (the authorities that sign client certificates)\n');
      return 2;
    }
    try {
      const files = await readTlsFiles({ caFile: options.ca, certFile: options.cert, keyFile: options.key });
      tls = { key: files.key!, cert: files.cert!, ...(files.ca ? { ca: files.ca } : {}), requestCert: options.requireClientCert ?? false };
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 2;
    }
  }
  let validate: MessageValidator | undefined;
  if (options.validate) {
    validate = await loadProfileValidator();
    if (!validate) process.stderr.write('warning: the conformance validator is not available; acknowledgements reflect ER7 parse errors only\n');
  }
  const logger = pino({ level: options.logLevel }, pino.destination(2));
  const server = new MllpServer({ handler: createListenHandler({ validate, verbose: options.verbose ?? false }), logger, ...(tls ? { tls } : {}) });
  try {
    const address = await server.listen(options.port, options.host);
    process.stdout.write(`listening on ${address.address}:${address.port}${tls ? ` (TLS${options.requireClientCert ? ', client certificate required' : ''})` : ''}\n`);
  } catch (error) {
    process.stderr.write(`cannot listen on ${options.host}:${options.port}: ${(error as Error).message}\n`);
    return 2;
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  process.stdout.write('stopped\n');
  return 0;
}

function parseListenPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('expected a TCP port between 0 and 65535');
  return port;
}

function parseLevel(value: string): Level {
  const levels: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
  if (!levels.includes(value)) throw new InvalidArgumentError(`expected one of ${levels.join(', ')}`);
  return value as Level;
}
