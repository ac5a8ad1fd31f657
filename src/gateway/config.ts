import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import {
  DEFAULT_FRAME_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_CONNECTIONS_PER_PEER,
  PeerAllowList,
} from '../mllp/index.js';
import { DEFAULT_GROUP_COMMIT } from '../store/commit-group.js';
import type { AlertsConfig } from './alerts.js';
import { DEFAULT_ALERTS } from './alerts.js';
import { GatewayConfigError } from './errors.js';
import type { OnwardConfig } from './onward/onward-config.js';
import { completeDmpConfig, completeOnwardConfig, onwardConfigSchema } from './onward/onward-config.js';
import { ENVIRONMENT_OVERRIDES } from './environment-overrides.js';
import { forbiddenWebhookAddress } from './webhook-target.js';

/** Which half-connector an instance plays. */
export type Role = 'ris' | 'platform';

/** TLS files for an MLLP endpoint (paths). */
export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
  /** Server side: ask the partner for a certificate and refuse it when invalid (mutual TLS). */
  requestClientCert?: boolean;
  /** Client side: the name to verify in the partner's certificate (default: partner host). */
  servername?: string;
}

export interface WebhookConfig {
  url: string;
  /** HMAC-SHA256 key for the `X-Cisis-Tlr-Signature` header. */
  secret: string;
  /** Event types to deliver (`*` for all). */
  events: string[];
  /**
   * Allow a link-local, multicast or cloud-metadata target (refused by default: see
   * `webhook-target.ts`). Loopback and private networks need no such flag.
   */
  allowPrivateTargets?: boolean;
}

/** The MLLP listener: where the partner connects, and the limits that keep it reachable. */
export interface MllpListenerConfig {
  host: string;
  port: number;
  tls?: TlsFiles;
  maxFrameBytes: number;
  /** Close a connection after this long without a byte of a frame. */
  idleTimeoutMs: number;
  /** Close a connection whose started frame is not finished in this time (slowloris). */
  frameTimeoutMs: number;
  /** Simultaneous connections; at the limit a new one closes the longest-idle one. */
  maxConnections: number;
  /** Simultaneous connections from one peer address, same rule. */
  maxConnectionsPerPeer: number;
  /** Addresses or CIDR blocks (IPv4, IPv6) allowed to connect; empty: any peer. */
  allowedPeers: string[];
}

/**
 * One partner of a gateway: a RIS the platform reads for, or a platform the RIS works with. What it is
 * called, how it names itself, how its connections are recognised, where its messages go.
 */
export interface PartnerConfig {
  /** The partner's name in the journal, the metrics (`partner` label), the API and the console. */
  name: string;
  /** A disabled partner's messages are refused (AR) and its outbound lane is stopped; its data stays. */
  enabled: boolean;
  /** MSH-3 / MSH-4 the partner sends (its identity), and MSH-5 / MSH-6 of the messages sent to it. */
  application: string;
  facility: string;
  /** Its MLLP listener: where its messages go. */
  host: string;
  port: number;
  tls?: TlsFiles;
  ackTimeoutMs: number;
  /**
   * How its connections are recognised: peer addresses or CIDR blocks, the subject (`CN=…, O=…`, or one
   * `CN=…` component) of its verified TLS client certificate, or that certificate's SHA-256 fingerprint.
   * A partner with none of them is a candidate on every connection, told apart by MSH-3/MSH-4 alone.
   */
  admission: { peers: string[]; certificateSubjects: string[]; certificateFingerprints: string[] };
  /**
   * Whether MSH-3/MSH-4 of what it sends must be its identity (default). The single `partner` of an
   * older configuration does not check them, as before.
   */
  checkIdentity: boolean;
  /** Its retry policy, over `outbox`. */
  retry?: { baseDelayMs?: number; maxDelayMs?: number; maxAttempts?: number };
  /**
   * Its validation policy: `tolerate` lists rule ids whose errors are accepted as warnings from this
   * partner (a known defect of its RIS); `warnings: refuse` answers AE to a message with warnings.
   */
  validation?: { tolerate?: string[]; warnings?: 'accept' | 'refuse' };
}

/** Complete, validated configuration of one gateway instance. */
export interface GatewayConfig {
  role: Role;
  /** How this system names itself in MSH-3 / MSH-4. */
  identity: { application: string; facility: string };
  /**
   * The organisation this instance speaks for where a message names it: the platform in ORC-21 of
   * flow 3 (the RIS takes its facility from each order).
   */
  organisation: { name: string; identifierType: 'FINEJ' | 'FINEG' | 'IDNST' | 'UF' | 'SVR'; identifier: string };
  /** The other half: where to send, and how it names itself (MSH-5 / MSH-6). */
  partner: { name: string; host: string; port: number; application: string; facility: string; tls?: TlsFiles; ackTimeoutMs: number };
  /**
   * Every partner (`partners.ts`: absent, the single `partner` is the one partner). `partner` above is
   * then the default partner's endpoint and identity.
   */
  partners?: PartnerConfig[];
  /** The partner an order created through the API goes to when the request names none. */
  defaultPartner?: string;
  mllp: MllpListenerConfig;
  /** `namedKeys`: keys with the name the audit log records for the actions taken with them (unnamed keys: `key-<digest>`). */
  api: { host: string; port: number; keys: string[]; namedKeys?: { name: string; key: string }[] };
  /** `sqlite:` path or `postgres://` URL; default: SQLite file in `dataDir`. */
  /** `poolSize`: PostgreSQL connections of this instance (default 10). */
  /**
   * `groupCommit`: inbound messages arriving together share one commit (each ACK still leaves after
   * the commit holding its message); `maxMessages: 1` gives every message its own commit.
   */
  storage: { url: string; poolSize?: number; groupCommit: { maxWaitMs: number; maxMessages: number } };
  dataDir: string;
  webhooks: WebhookConfig[];
  retention: { contentDays: number };
  /**
   * Retries of outbound messages: exponential backoff from `baseDelayMs` to `maxDelayMs`; after
   * `maxAttempts` failed attempts in a row the message is parked (and `message.parked` raised).
   */
  outbox: { baseDelayMs: number; maxDelayMs: number; maxAttempts: number };
  /** MSH-11 of the messages we send. */
  processingId: 'P' | 'T' | 'D';
  /** MSH-18 of the messages we send. */
  charset: 'UNICODE UTF-8' | '8859/15';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Imaging reports: `cdaKit` is the folder of another ANS TestContenuCDA kit to validate with (its rule sets are
   * compiled in the background on first start); empty for the kit bundled with the package.
   */
  reports: { cdaKit: string };
  /**
   * RIS only: where accepted reports go on to: the integration platform (PFI), for the DMP and MSSanté, and/or the DMP
   * directly (XDS.b); absent: nowhere.
   */
  onward?: OnwardConfig;
  /** Thresholds of the operational alerts (`alerts.ts`; 0 turns one off) and their evaluation interval. */
  alerts: AlertsConfig;
}

/** A configuration as written by a user: every key optional. */
export type GatewayConfigInput = DeepPartial<GatewayConfig>;
type DeepPartial<T> = {
  [K in keyof T]?: NonNullable<T[K]> extends Array<infer U>
    ? U[]
    : NonNullable<T[K]> extends object
      ? DeepPartial<NonNullable<T[K]>>
      : T[K];
};

const tlsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ca: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    requestClientCert: { type: 'boolean' },
    servername: { type: 'string' },
  },
} as const;

const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const nonEmptyList = { type: 'array', items: nonEmpty } as const;

/** A partner name: what the journal, metric labels and URLs carry. */
export const PARTNER_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';

const partnerSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'application', 'facility', 'host', 'port'],
  properties: {
    name: { type: 'string', pattern: PARTNER_NAME_PATTERN },
    enabled: { type: 'boolean' },
    application: nonEmpty,
    facility: nonEmpty,
    host: nonEmpty,
    port,
    tls: tlsSchema,
    ackTimeoutMs: { type: 'integer', minimum: 100 },
    admission: {
      type: 'object',
      additionalProperties: false,
      properties: {
        peers: nonEmptyList,
        certificateSubjects: nonEmptyList,
        certificateFingerprints: { type: 'array', items: { type: 'string', pattern: '^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$' } },
      },
    },
    checkIdentity: { type: 'boolean' },
    retry: {
      type: 'object',
      additionalProperties: false,
      properties: {
        baseDelayMs: { type: 'integer', minimum: 10 },
        maxDelayMs: { type: 'integer', minimum: 10 },
        maxAttempts: { type: 'integer', minimum: 1 },
      },
    },
    validation: {
      type: 'object',
      additionalProperties: false,
      properties: { tolerate: nonEmptyList, warnings: { enum: ['accept', 'refuse'] } },
    },
  },
} as const;

/** JSON Schema of the configuration file, also published in docs/configuration.md. */
export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    role: { enum: ['ris', 'platform'] },
    identity: { type: 'object', additionalProperties: false, properties: { application: nonEmpty, facility: nonEmpty } },
    organisation: {
      type: 'object',
      additionalProperties: false,
      properties: { name: nonEmpty, identifierType: { enum: ['FINEJ', 'FINEG', 'IDNST', 'UF', 'SVR'] }, identifier: nonEmpty },
    },
    partner: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: nonEmpty,
        host: nonEmpty,
        port,
        application: nonEmpty,
        facility: nonEmpty,
        tls: tlsSchema,
        ackTimeoutMs: { type: 'integer', minimum: 100 },
      },
    },
    partners: { type: 'array', minItems: 1, items: partnerSchema },
    defaultPartner: { type: 'string', pattern: PARTNER_NAME_PATTERN },
    mllp: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: nonEmpty,
        port,
        tls: tlsSchema,
        maxFrameBytes: { type: 'integer', minimum: 1024 },
        idleTimeoutMs: { type: 'integer', minimum: 1000 },
        frameTimeoutMs: { type: 'integer', minimum: 100 },
        maxConnections: { type: 'integer', minimum: 1 },
        maxConnectionsPerPeer: { type: 'integer', minimum: 1 },
        allowedPeers: { type: 'array', items: nonEmpty },
      },
    },
    api: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: nonEmpty,
        port,
        keys: { type: 'array', items: { type: 'string', minLength: 16 } },
        namedKeys: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'key'],
            properties: { name: { type: 'string', pattern: '^[A-Za-z0-9._@-]{1,64}$' }, key: { type: 'string', minLength: 16 } },
          },
        },
      },
    },
    storage: {
      type: 'object',
      additionalProperties: false,
      properties: {
        url: nonEmpty,
        poolSize: { type: 'integer', minimum: 1, maximum: 1000 },
        groupCommit: {
          type: 'object',
          additionalProperties: false,
          properties: {
            maxWaitMs: { type: 'integer', minimum: 0, maximum: 1000 },
            maxMessages: { type: 'integer', minimum: 1, maximum: 1000 },
          },
        },
      },
    },
    dataDir: nonEmpty,
    webhooks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url', 'secret'],
        properties: {
          url: { type: 'string', pattern: '^https?://' },
          secret: { type: 'string', minLength: 16 },
          events: { type: 'array', items: nonEmpty },
          allowPrivateTargets: { type: 'boolean' },
        },
      },
    },
    retention: { type: 'object', additionalProperties: false, properties: { contentDays: { type: 'integer', minimum: 1 } } },
    outbox: {
      type: 'object',
      additionalProperties: false,
      properties: {
        baseDelayMs: { type: 'integer', minimum: 10 },
        maxDelayMs: { type: 'integer', minimum: 10 },
        maxAttempts: { type: 'integer', minimum: 1 },
      },
    },
    processingId: { enum: ['P', 'T', 'D'] },
    charset: { enum: ['UNICODE UTF-8', '8859/15'] },
    logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    reports: { type: 'object', additionalProperties: false, properties: { cdaKit: { type: 'string' } } },
    onward: onwardConfigSchema({ tls: tlsSchema, port, nonEmpty }),
    alerts: {
      type: 'object',
      additionalProperties: false,
      properties: {
        intervalMs: { type: 'integer', minimum: 1000 },
        outboxDepth: { type: 'integer', minimum: 0 },
        oldestPendingSeconds: { type: 'integer', minimum: 0 },
        partnerDisconnectedSeconds: { type: 'integer', minimum: 0 },
        parkedMessages: { type: 'integer', minimum: 0 },
        webhookFailures: { type: 'integer', minimum: 0 },
        certificateExpiryDays: { type: 'integer', minimum: 0 },
      },
    },
  },
} as const;

const DEFAULT_PORTS: Record<Role, { mllp: number; api: number; partner: number }> = {
  ris: { mllp: 2575, api: 8080, partner: 2576 },
  platform: { mllp: 2576, api: 8081, partner: 2575 },
};

/** Defaults that run on loopback with an embedded SQLite database. */
export function defaultConfig(role: Role): GatewayConfig {
  const p = DEFAULT_PORTS[role];
  const ris = role === 'ris';
  return {
    role,
    identity: ris
      ? { application: 'RIS_CISIS_TLR', facility: 'STRUCTURE_IMAGERIE' }
      : { application: 'TLR_CISIS_TLR', facility: 'PLATEFORME_TLR' },
    organisation: ris
      ? { name: "Structure d'imagerie", identifierType: 'FINEG', identifier: '750000001' }
      : { name: 'Plateforme de téléradiologie', identifierType: 'FINEG', identifier: '750000002' },
    partner: ris
      ? {
          name: 'platform',
          host: '127.0.0.1',
          port: p.partner,
          application: 'TLR_CISIS_TLR',
          facility: 'PLATEFORME_TLR',
          ackTimeoutMs: 30_000,
        }
      : {
          name: 'ris',
          host: '127.0.0.1',
          port: p.partner,
          application: 'RIS_CISIS_TLR',
          facility: 'STRUCTURE_IMAGERIE',
          ackTimeoutMs: 30_000,
        },
    mllp: {
      host: '127.0.0.1',
      port: p.mllp,
      maxFrameBytes: 16 * 1024 * 1024,
      idleTimeoutMs: DEFAULT_IDLE_TIMEOUT_MS,
      frameTimeoutMs: DEFAULT_FRAME_TIMEOUT_MS,
      maxConnections: DEFAULT_MAX_CONNECTIONS,
      maxConnectionsPerPeer: DEFAULT_MAX_CONNECTIONS_PER_PEER,
      allowedPeers: [],
    },
    api: { host: '127.0.0.1', port: p.api, keys: [] },
    storage: { url: '', groupCommit: { ...DEFAULT_GROUP_COMMIT } },
    dataDir: './cisis-tlr-data',
    webhooks: [],
    retention: { contentDays: 90 },
    outbox: { baseDelayMs: 1_000, maxDelayMs: 5 * 60_000, maxAttempts: 100 },
    processingId: 'P',
    charset: 'UNICODE UTF-8',
    logLevel: 'info',
    reports: { cdaKit: '' },
    alerts: { ...DEFAULT_ALERTS },
  };
}

export { ENVIRONMENT_OVERRIDES } from './environment-overrides.js';

export interface LoadConfigOptions {
  /** Configuration file (YAML or JSON). */
  file?: string | undefined;
  /** Command-line flags, already mapped to config paths; they win over file and environment. */
  overrides?: GatewayConfigInput;
  env?: NodeJS.ProcessEnv;
  /** Role when neither file, environment nor flags give one. */
  defaultRole?: Role;
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validateInput = ajv.compile(CONFIG_SCHEMA);

/**
 * Loads the configuration: defaults for the role ← file ← environment ← command-line flags,
 * validated against `CONFIG_SCHEMA` with every problem listed in one `GatewayConfigError`.
 */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<GatewayConfig> {
  const env = options.env ?? process.env;
  let fromFile: Record<string, unknown> = {};
  if (options.file) {
    let text: string;
    try {
      text = await readFile(options.file, 'utf8');
    } catch (e) {
      throw new GatewayConfigError(`Cannot read configuration file ${options.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    try {
      const parsed: unknown = options.file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
      fromFile = (parsed ?? {}) as Record<string, unknown>;
    } catch (e) {
      throw new GatewayConfigError(
        `Configuration file ${options.file} is not valid ${options.file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`,
      );
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile))
      throw new GatewayConfigError(`Configuration file ${options.file} must hold an object`);
  }
  const fromEnv: Record<string, unknown> = {};
  const envProblems: string[] = [];
  for (const o of ENVIRONMENT_OVERRIDES) {
    const raw = env[o.name];
    if (raw === undefined || raw === '') continue;
    let value: unknown = raw;
    if (o.type === 'integer') {
      value = Number(raw);
      if (!Number.isInteger(value)) envProblems.push(`${o.name}=${raw} is not an integer`);
    } else if (o.type === 'list') {
      value = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    } else if (o.type === 'boolean') {
      value = /^(1|true|yes)$/i.test(raw);
    } else if (o.type === 'json') {
      try {
        value = JSON.parse(raw) as unknown;
      } catch {
        envProblems.push(`${o.name} is not valid JSON`);
      }
    }
    setPath(fromEnv, o.path, value);
  }
  if (envProblems.length) throw new GatewayConfigError(`Invalid environment: ${envProblems.join('; ')}`, envProblems);

  const merged = mergeDeep(mergeDeep(fromFile, fromEnv), (options.overrides ?? {}) as Record<string, unknown>);
  if (!validateInput(merged)) {
    const problems = (validateInput.errors ?? []).map((e) => {
      const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(top level)';
      const extra =
        e.keyword === 'additionalProperties' ? ` "${String((e.params as { additionalProperty: string }).additionalProperty)}"` : '';
      const allowed = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
      return `${where}: ${e.message ?? 'invalid'}${extra}${allowed}`;
    });
    throw new GatewayConfigError(
      `Invalid configuration${options.file ? ` in ${options.file}` : ''}:\n  - ${problems.join('\n  - ')}`,
      problems,
    );
  }
  const role = ((merged as { role?: Role }).role ?? options.defaultRole ?? 'ris') as Role;
  if (merged['partners'] !== undefined && merged['partner'] !== undefined) {
    throw new GatewayConfigError(
      'Invalid configuration: give either `partner` (one partner, as before) or `partners` (a list), not both; ' +
        'move the single partner into the list',
    );
  }
  const config = mergeDeep(defaultConfig(role) as unknown as Record<string, unknown>, merged) as unknown as GatewayConfig;
  completePartners(config);
  config.dataDir = resolve(config.dataDir);
  if (!config.storage.url) config.storage.url = `sqlite:${resolve(config.dataDir, `cisis-tlr-${role}.db`)}`;
  if (config.outbox.maxDelayMs < config.outbox.baseDelayMs) {
    throw new GatewayConfigError('Invalid configuration: outbox.maxDelayMs must be at least outbox.baseDelayMs');
  }
  if (config.mllp.maxConnectionsPerPeer > config.mllp.maxConnections) {
    throw new GatewayConfigError('Invalid configuration: mllp.maxConnectionsPerPeer must be at most mllp.maxConnections');
  }
  try {
    new PeerAllowList(config.mllp.allowedPeers);
  } catch (e) {
    throw new GatewayConfigError(`Invalid configuration: mllp.allowedPeers: ${(e as Error).message}`);
  }
  const dmp = completeDmpConfig(config.onward?.dmp);
  if (dmp && role !== 'ris')
    throw new GatewayConfigError('Invalid configuration: onward.dmp is a RIS setting (the RIS publishes its reports)');
  const givenPfi = config.onward?.pfi;
  if (dmp && givenPfi?.dmp === true) {
    throw new GatewayConfigError(
      'Invalid configuration: onward.dmp publishes to the DMP directly and onward.pfi.dmp asks the PFI to publish too; ' +
        'set onward.pfi.dmp: false',
    );
  }
  // Beside the direct route, the PFI keeps the MSSanté destinations only: one DMP publication per report.
  const pfi = completeOnwardConfig(givenPfi && dmp ? { ...givenPfi, dmp: false } : givenPfi, config.identity);
  if (pfi && role !== 'ris') throw new GatewayConfigError('Invalid configuration: onward.pfi is a RIS setting (the PFI is behind the RIS)');
  if (pfi || dmp) config.onward = { ...(pfi ? { pfi } : {}), ...(dmp ? { dmp } : {}) };
  for (const w of config.webhooks) {
    w.events ??= ['*'];
    let host: string;
    try {
      host = new URL(w.url).hostname.replace(/^\[|\]$/g, '');
    } catch {
      throw new GatewayConfigError(`Invalid configuration: webhook URL ${w.url} is not a URL`);
    }
    const reason = w.allowPrivateTargets ? undefined : forbiddenWebhookAddress(host);
    if (reason)
      throw new GatewayConfigError(
        `Invalid configuration: webhook URL ${w.url} targets ${reason}; set allowPrivateTargets: true on this webhook if that is intended`,
      );
  }
  return config;
}

/**
 * Completes the `partners` list (defaults, checks across entries) and points `partner` at the default
 * one; without a list, the single `partner` stays as it is (see `partnersOf`).
 * @throws GatewayConfigError listing every problem
 */
export function completePartners(config: GatewayConfig): void {
  if (config.partners === undefined) {
    if (config.defaultPartner !== undefined && config.defaultPartner !== config.partner.name) {
      throw new GatewayConfigError(`Invalid configuration: defaultPartner "${config.defaultPartner}" is not the partner's name`);
    }
    return;
  }
  const problems: string[] = [];
  const byName = new Set<string>();
  const byIdentity = new Map<string, string>();
  const byFingerprint = new Map<string, string>();
  config.partners = config.partners.map((given) => {
    const p: PartnerConfig = {
      ...given,
      enabled: given.enabled ?? true,
      ackTimeoutMs: given.ackTimeoutMs ?? 30_000,
      checkIdentity: given.checkIdentity ?? true,
      admission: {
        peers: given.admission?.peers ?? [],
        certificateSubjects: given.admission?.certificateSubjects ?? [],
        certificateFingerprints: (given.admission?.certificateFingerprints ?? []).map(normalizeFingerprint),
      },
    };
    if (byName.has(p.name)) problems.push(`partners: the name "${p.name}" is used twice`);
    byName.add(p.name);
    const identity = `${p.application}^${p.facility}`;
    const other = byIdentity.get(identity);
    if (other !== undefined) problems.push(`partners: "${other}" and "${p.name}" both send as MSH-3/MSH-4 ${identity}`);
    byIdentity.set(identity, p.name);
    for (const f of p.admission.certificateFingerprints) {
      const holder = byFingerprint.get(f);
      if (holder !== undefined) problems.push(`partners: "${holder}" and "${p.name}" pin the same certificate fingerprint`);
      byFingerprint.set(f, p.name);
    }
    try {
      new PeerAllowList(p.admission.peers);
    } catch (e) {
      problems.push(`partners.${p.name}.admission.peers: ${(e as Error).message}`);
    }
    if (p.retry?.baseDelayMs !== undefined && p.retry.maxDelayMs !== undefined && p.retry.maxDelayMs < p.retry.baseDelayMs) {
      problems.push(`partners.${p.name}.retry: maxDelayMs must be at least baseDelayMs`);
    }
    return p;
  });
  const fallback = config.partners.find((p) => p.enabled) ?? config.partners[0]!;
  const chosen = config.defaultPartner === undefined ? fallback : config.partners.find((p) => p.name === config.defaultPartner);
  if (chosen === undefined) problems.push(`defaultPartner "${config.defaultPartner}" is not in partners`);
  if (problems.length) throw new GatewayConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`, problems);
  const d = chosen!;
  config.defaultPartner = d.name;
  config.partner = {
    name: d.name,
    host: d.host,
    port: d.port,
    application: d.application,
    facility: d.facility,
    ackTimeoutMs: d.ackTimeoutMs,
    ...(d.tls ? { tls: d.tls } : {}),
  };
}

/** `AB:CD:…` (as Node reports a certificate's `fingerprint256`), whatever case and colons it was written with. */
export function normalizeFingerprint(text: string): string {
  const hex = text.replace(/:/g, '').toUpperCase();
  return hex.replace(/(..)(?!$)/g, '$1:');
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    node[k] ??= {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const b = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b)
        ? mergeDeep(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}
