import { InvalidArgumentError } from 'commander';
import type { Command } from 'commander';
import type { Level } from 'pino';
import type { MllpServerTlsOptions } from '../../mllp/index.js';
import type { MessageValidator } from './listen-handler.js';
import { helpSections } from '../help.js';

export type { ListenHandlerOptions, MessageValidator } from './listen-handler.js';

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
    .addHelpText('after', helpSections({ examples: ['cisis-tlr listen --port 2576', 'cisis-tlr listen --port 2576 --validate'] }))
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
  // Loaded here, not at the top: `--help` and the other commands must not pay for the transport and its logger.
  const [{ pino }, { MllpServer, readTlsFiles }, { createListenHandler, loadProfileValidator }] = await Promise.all([
    import('pino'),
    import('../../mllp/index.js'),
    import('./listen-handler.js'),
  ]);
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
    if (!validate)
      process.stderr.write('warning: the conformance validator is not available; acknowledgements reflect ER7 parse errors only\n');
  }
  const logger = pino({ level: options.logLevel }, pino.destination(2));
  const server = new MllpServer({
    handler: createListenHandler({ validate, verbose: options.verbose ?? false }),
    logger,
    ...(tls ? { tls } : {}),
  });
  try {
    const address = await server.listen(options.port, options.host);
    const security = tls ? ` (TLS${options.requireClientCert ? ', client certificate required' : ''})` : '';
    process.stdout.write(`listening on ${address.address}:${address.port}${security}\n`);
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
