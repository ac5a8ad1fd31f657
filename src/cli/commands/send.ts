import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import { formatLocation } from '../../hl7/index.js';
import type { MllpClientTlsOptions, MllpSendResult } from '../../mllp/index.js';
import { helpSections } from '../help.js';

/** The transport, loaded by the command itself: `--help` and the other commands must not pay for it. */
type Mllp = typeof import('../../mllp/index.js');

interface SendCliOptions {
  host: string;
  port: number;
  tls?: boolean;
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  ackTimeout: number;
  /** Former name of `--ack-timeout`, still accepted. */
  timeout?: number;
}

/**
 * `cisis-tlr send --host H --port P [--tls --ca F --cert F --key F --servername N] [--ack-timeout MS] FILE...`:
 * sends each file over one MLLP connection, one after the other, and prints each acknowledgement
 * (MSA-1, MSA-2, ERR). Exit code 0 when every ACK is AA, 1 when one is not, 2 on a usage, file or
 * connection error (a missing acknowledgement included: the message's fate is unknown).
 */
export function registerSendCommand(program: Command): void {
  program
    .command('send')
    .description('send HL7 v2 message files to an MLLP partner and print their acknowledgements')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'cisis-tlr send --host 127.0.0.1 --port 2576 examples/messages/utf-8/01-flow1-order-NW.hl7',
          'cisis-tlr send --host tlr.example.org --port 2576 --ca ca.pem --cert ris.pem --key ris.key order.hl7',
        ],
        notes: 'Exit code: 0 every message answered AA, 1 an AE/AR (printed with its ERR), 2 a connection or usage error.',
      }),
    )
    .argument('<files...>', 'one message per file (ER7; LF and CRLF line ends are converted to CR)')
    .requiredOption('--host <host>', 'partner host name or address')
    .requiredOption('--port <port>', 'partner TCP port', parsePort)
    .option('--tls', 'connect over TLS (implied by --ca, --cert or --key)')
    .option('--ca <file>', 'PEM file of the authorities trusted for the partner certificate')
    .option('--cert <file>', 'PEM client certificate, for mutual TLS')
    .option('--key <file>', 'PEM private key of the client certificate')
    .option('--servername <name>', 'name expected in the partner certificate (default: --host)')
    .option('--ack-timeout <ms>', 'acknowledgement timeout per message, in ms', parsePositiveInteger, 30_000)
    .addOption(new Option('--timeout <ms>', 'former name of --ack-timeout').argParser(parsePositiveInteger).hideHelp())
    .action(async (files: string[], options: SendCliOptions) => {
      process.exitCode = await sendFiles(files, options);
    });
}

async function sendFiles(files: string[], options: SendCliOptions): Promise<number> {
  // Read everything first: a wrong path must not leave half of a batch sent.
  const messages: Array<{ file: string; bytes: Buffer }> = [];
  for (const file of files) {
    try {
      messages.push({ file, bytes: toCarriageReturns(await readFile(file)) });
    } catch (error) {
      process.stderr.write(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})\n`);
      return 2;
    }
  }
  const mllp: Mllp = await import('../../mllp/index.js');
  const { MllpClient, MllpError } = mllp;
  const describe = (error: unknown): string => describeError(error, mllp);
  let tls: MllpClientTlsOptions | undefined;
  try {
    tls = await tlsOptionsFrom(options, mllp);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const ackTimeoutMs = options.timeout ?? options.ackTimeout;
  const client = new MllpClient({ host: options.host, port: options.port, reconnect: false, ackTimeoutMs, ...(tls ? { tls } : {}) });
  try {
    await client.connect();
  } catch (error) {
    process.stderr.write(`${describe(error)}\n`);
    return 2;
  }
  let exitCode = 0;
  try {
    for (const { file, bytes } of messages) {
      try {
        const result = await client.send(bytes, { timeoutMs: ackTimeoutMs });
        process.stdout.write(formatAck(file, result));
        if (result.code !== 'AA') exitCode = Math.max(exitCode, 1);
      } catch (error) {
        process.stderr.write(`${file}: ${describe(error)}\n`);
        // No control id is a problem of that file; a transport failure stops the batch.
        if (error instanceof MllpError && error.code === 'TLR_ERR_MLLP_NO_CONTROL_ID') {
          exitCode = Math.max(exitCode, 1);
          continue;
        }
        return 2;
      }
    }
  } finally {
    await client.close();
  }
  return exitCode;
}

/** Segment separators to CR, as HL7 requires: message files are often edited with LF or CRLF line ends. */
export function toCarriageReturns(bytes: Buffer): Buffer {
  if (!bytes.includes(0x0a)) return bytes;
  return Buffer.from(bytes.toString('latin1').replace(/\r\n|\n/g, '\r'), 'latin1');
}

function formatAck(file: string, result: MllpSendResult): string {
  const lines = [`${file}: MSA-1=${result.code} MSA-2=${result.controlId} (${result.durationMs.toFixed(1)} ms)`];
  for (const error of result.errors) {
    const where = error.location ? formatLocation(error.location) : '-';
    const rule = error.applicationCode ? ` [${error.applicationCode}]` : '';
    lines.push(`  ERR ${where} ${error.condition} ${error.severity}${rule}: ${error.message ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

async function tlsOptionsFrom(options: SendCliOptions, { readTlsFiles }: Mllp): Promise<MllpClientTlsOptions | undefined> {
  if (!options.tls && !options.ca && !options.cert && !options.key) return undefined;
  const files = await readTlsFiles({ caFile: options.ca, certFile: options.cert, keyFile: options.key });
  return { ...files, ...(options.servername ? { servername: options.servername } : {}) };
}

function describeError(error: unknown, { MllpError }: Mllp): string {
  if (error instanceof MllpError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Commander parser of a TCP port (1–65535). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('expected a TCP port between 1 and 65535');
  return port;
}

function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}
