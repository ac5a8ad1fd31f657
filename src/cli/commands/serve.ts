import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { GatewayConfig, GatewayConfigInput, Role } from '../../gateway/config.js';
import { GatewayConfigError } from '../../gateway/errors.js';
import type { Gateway } from '../../gateway/gateway.js';
import { CDA_ENVIRONMENT, CONFIGURATION_ENVIRONMENT, helpSections } from '../help.js';

interface ServeOptions {
  role?: Role;
  config?: string;
  mllpPort?: string;
  apiPort?: string;
  dataDir?: string;
  partner?: string;
}

/** Maps the command-line flags onto configuration paths (flags win over file and environment). */
export function serveOverrides(o: ServeOptions): GatewayConfigInput {
  const out: GatewayConfigInput = {};
  if (o.role) out.role = o.role;
  if (o.mllpPort) out.mllp = { port: Number(o.mllpPort) };
  if (o.apiPort) out.api = { port: Number(o.apiPort) };
  if (o.dataDir) out.dataDir = o.dataDir;
  if (o.partner) {
    const m = /^(.+):(\d+)$/.exec(o.partner);
    if (!m) throw new GatewayConfigError(`--partner must be HOST:PORT, got "${o.partner}"`);
    out.partner = { host: m[1]!, port: Number(m[2]) };
  }
  return out;
}

/**
 * `cisis-tlr serve --role ris|platform [--config FILE] [--mllp-port P] [--api-port A] [--data-dir DIR] [--partner HOST:PORT]`
 * runs one half-connector until SIGINT/SIGTERM, then stops gracefully.
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('run a RIS or teleradiology-platform half-connector: MLLP listener, outbox, REST API, webhooks, console')
    .addHelpText(
      'after',
      helpSections({
        examples: [
          'CISIS_TLR_API_KEYS=$(openssl rand -hex 24) cisis-tlr serve --role platform --data-dir ./platform',
          'cisis-tlr serve --config /etc/cisis-tlr/config.yaml',
          'CISIS_TLR_STORAGE_URL=postgres://tlr@db/tlr cisis-tlr serve --role ris --partner tlr.example.org:2576',
        ],
        environment: [...CONFIGURATION_ENVIRONMENT, ...CDA_ENVIRONMENT],
        notes: 'The environment overrides the configuration file; flags override both (docs/configuration.md).',
      }),
    )
    .option('--role <role>', 'ris or platform (default: from the config, else ris)')
    .option('--config <file>', 'configuration file (YAML or JSON)')
    .option('--mllp-port <port>', 'MLLP listening port')
    .option('--api-port <port>', 'REST API and console port')
    .option('--data-dir <dir>', 'directory of the SQLite database (default ./cisis-tlr-data)')
    .option('--partner <host:port>', 'MLLP address of the other half-connector')
    .action(async (o: ServeOptions) => {
      if (o.role && o.role !== 'ris' && o.role !== 'platform') {
        process.stderr.write(`--role must be ris or platform, got "${String(o.role)}"\n`);
        process.exitCode = 2;
        return;
      }
      // Loaded here, not at the top: `--help` and the other commands must not pay for the gateway.
      const [{ loadConfig }, { startGateway }] = await Promise.all([import('../../gateway/config.js'), import('../../gateway/start.js')]);
      let config: GatewayConfig;
      try {
        config = await loadConfig({ file: o.config, overrides: serveOverrides(o), defaultRole: o.role ?? 'ris' });
      } catch (e) {
        process.stderr.write(`${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      if (config.api.keys.length === 0) {
        const key = randomBytes(24).toString('base64url');
        config.api.keys = [key];
        process.stderr.write(`No API key configured (api.keys or CISIS_TLR_API_KEYS): this run accepts the generated key\n  ${key}\n`);
      }
      let gw: Gateway;
      try {
        gw = await startGateway(config, {
          // SIGHUP and POST /api/partners/reload read file and environment again (flags stay as given).
          reloadConfig: () => loadConfig({ file: o.config, overrides: serveOverrides(o), defaultRole: o.role ?? 'ris' }),
        });
      } catch (e) {
        // Start-up refusals with a stable code (the database is locked by another gateway, a schema
        // too new, an unreadable certificate…) are the operator's to fix: one clear line, exit 2.
        const code = (e as { code?: unknown }).code;
        if (typeof code !== 'string' || !code.startsWith('TLR_ERR_')) throw e;
        process.stderr.write(`cisis-tlr serve: ${(e as Error).message} [${code}]\n`);
        process.exitCode = 2;
        return;
      }
      process.stdout.write(
        `cisis-tlr ${config.role} half-connector: MLLP ${config.mllp.host}:${gw.mllpPort}, ` +
          `API http://${config.api.host}:${gw.apiPort}/ (docs /docs, console /console), ` +
          `partner ${config.partner.host}:${config.partner.port}\n`,
      );
      const reload = (): void => {
        gw.reloadPartners('SIGHUP').then(
          (r) => process.stdout.write(`partners reloaded: ${JSON.stringify(r)}\n`),
          (e: unknown) => process.stderr.write(`partners not reloaded: ${(e as Error).message}\n`),
        );
      };
      process.on('SIGHUP', reload);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      process.off('SIGHUP', reload);
      await gw.stop();
      process.exitCode = 0;
    });
}
