import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { GatewayConfig, GatewayConfigInput, Role } from '../gateway/config.js';
import { loadConfig } from '../gateway/config.js';
import type { CdaValidation } from '../gateway/documents/cda-validation.js';
import type { Gateway } from '../gateway/gateway.js';
import { startGateway } from '../gateway/start.js';
import { findFreePort } from './free-port.js';

/** Options of {@link startSimulatorGateway}. */
export interface SimulatorGatewayOptions {
  role: Role;
  /** MLLP listening port (0: any free port). */
  mllpPort: number;
  /** REST API port (0: any free port). */
  apiPort: number;
  partner: { host: string; port: number };
  /** Directory of the SQLite database; default a fresh directory under the system temp dir. */
  dataDir?: string;
  apiKeys: string[];
  /** Log level of the gateway (default `warn`: no patient data, and stdout stays for the simulator's own lines). */
  logLevel?: GatewayConfig['logLevel'];
  /**
   * Time to wait for the partner's acknowledgement before the delivery is retried (default 10 s,
   * shorter than a production gateway's 30 s so that a simulation notices a silent partner soon).
   */
  ackTimeoutMs?: number;
  /** Further configuration (identity, storage…), merged last. */
  extra?: GatewayConfigInput;
  /** A CDA validation shared with the other gateways of the process (the demo's two halves load the rule sets once). */
  cdaValidation?: CdaValidation;
}

/** Default acknowledgement timeout of the simulators' gateways. */
export const SIMULATOR_ACK_TIMEOUT_MS = 10_000;

/** A fresh directory under the system temp dir for a simulator's databases. */
export function freshDataDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `cisis-tlr-${prefix}-`));
}

/** A random API key (32 base64url characters), for a run that was given none. */
export function generateApiKey(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Starts a real gateway for a simulator or the demo: test processing mode (`T`, since simulated
 * patients carry test INS), short outbox retry delays, logs on stderr at `warn`, configuration
 * isolated from the `CISIS_TLR_*` environment so that a developer's settings do not leak in.
 */
export async function startSimulatorGateway(o: SimulatorGatewayOptions): Promise<Gateway> {
  const dataDir = o.dataDir ?? (await freshDataDir(o.role));
  const mllpPort = o.mllpPort || (await findFreePort());
  const overrides: GatewayConfigInput = {
    role: o.role,
    mllp: { port: mllpPort },
    api: { port: o.apiPort, keys: o.apiKeys },
    partner: { host: o.partner.host, port: o.partner.port, ackTimeoutMs: o.ackTimeoutMs ?? SIMULATOR_ACK_TIMEOUT_MS },
    dataDir,
    processingId: 'T',
    logLevel: o.logLevel ?? 'warn',
    outbox: { baseDelayMs: 200, maxDelayMs: 5_000 },
  };
  const config = await loadConfig({ overrides: mergeInput(overrides, o.extra ?? {}), defaultRole: o.role, env: {} });
  const logger = pino({ level: config.logLevel, base: { role: config.role } }, pino.destination(2));
  return startGateway(config, { logger, pollMs: 200, ...(o.cdaValidation ? { cdaValidation: o.cdaValidation } : {}) });
}

function mergeInput(base: GatewayConfigInput, over: GatewayConfigInput): GatewayConfigInput {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' ? { ...(b as object), ...(v as object) } : v;
  }
  return out as GatewayConfigInput;
}
