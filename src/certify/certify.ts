import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { GatewayConfig } from '../gateway/config.js';
import { loadConfig } from '../gateway/config.js';
import type { MllpServerTlsOptions } from '../mllp/index.js';
import { MllpServer } from '../mllp/index.js';
import { registeredRules, rulePacks } from '../profiles/index.js';
import { ClinicalDataGenerator } from '../simulate/index.js';
import { KitHalf } from './kit-half.js';
import type { Routing } from './kit-half.js';
import type { Operator } from './operator.js';
import type { CertifyPlan, CertifyRole } from './plan.js';
import type { StepResult } from './runner.js';
import { CertifyRunner } from './runner.js';
import type { CertifyTarget } from './wire.js';

/** Options of {@link runCertification}. */
export interface CertifyRunOptions {
  plan: CertifyPlan;
  /** The tested system's MLLP listener. */
  target: CertifyTarget;
  /** Where the kit listens for the tested system's messages (port 0: any free port, see `onListening`). */
  listen: { host?: string; port: number; tls?: MllpServerTlsOptions };
  operator: Operator;
  /** Time the tested system has to acknowledge a message (default 10 s). */
  ackTimeoutMs?: number;
  /** Time the tested system has to send an awaited message (default 5 min). */
  stepTimeoutMs?: number;
  /** Replaces the plan's slow-partner hold (must exceed the tested system's own ACK timeout). */
  holdAckMs?: number;
  /** `--system-name`, `--system-version`. */
  system?: { name?: string; version?: string };
  /** MSH-3/4 the kit sends under (default: cisis-tlr's defaults for the role it plays). */
  kitIdentity?: { application: string; facility: string };
  /** MSH-5/6 the kit addresses (default: cisis-tlr's defaults for the tested role). */
  partnerIdentity?: { application: string; facility: string };
  /** MSH-11 (default `T`: the synthetic patients carry test INS). */
  processingId?: 'P' | 'T' | 'D';
  seed?: number;
  print?: (line: string) => void;
  /** Called once the kit's listener is up, with its port. */
  onListening?: (port: number) => void | Promise<void>;
}

/** Everything the report says: `report.json` is this object. */
export interface CertifyReport {
  /** Format of this JSON, for CI scripts. */
  format: 'cisis-tlr-certify/1';
  passed: boolean;
  summary: { steps: number; passed: number; warnings: number; failed: number; requiredFailed: number; optionalFailed: number };
  testedSystem: {
    role: CertifyRole;
    name: string | null;
    version: string | null;
    /** MSH-3 and MSH-4 of its messages or acknowledgements. */
    sendingApplication: string | null;
    sendingFacility: string | null;
    endpoint: string;
  };
  kit: { name: 'cisis-tlr'; version: string; listen: string; playedRole: CertifyRole };
  plan: { title: string; version: string; steps: number };
  ruleSets: { id: string; title: string; rules: number }[];
  cdaRuleSets: string[];
  startedAt: string;
  finishedAt: string;
  steps: StepResult[];
}

/** The kit's version, from its package.json. */
export function kitVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Compiled CDA schematron rule sets shipped in `rulesets/compiled` (title of each manifest). */
async function cdaRuleSets(): Promise<string[]> {
  const dir = fileURLToPath(new URL('../../../rulesets/compiled/', import.meta.url));
  try {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.manifest.json')).sort();
    const out: string[] = [];
    for (const n of names) {
      const m = JSON.parse(await readFile(`${dir}${n}`, 'utf8')) as { schematron?: string; phase?: string };
      out.push(`${m.schematron ?? n}${m.phase ? ` (phase ${m.phase})` : ''}`);
    }
    return out;
  } catch {
    return [];
  }
}

/**
 * Certifies the tested system's half of the volet against a plan: starts the kit's half (an MLLP
 * listener for what the tested system sends), runs every step, stops, and returns the report data.
 */
export async function runCertification(o: CertifyRunOptions): Promise<CertifyReport> {
  const startedAt = new Date().toISOString();
  const sutRole = o.plan.role;
  const kitRole: CertifyRole = sutRole === 'ris' ? 'platform' : 'ris';
  const kitDefaults = await loadConfig({ env: {}, overrides: { role: kitRole }, defaultRole: kitRole });
  const routing: Routing = {
    kit: o.kitIdentity ?? { application: kitDefaults.identity.application, facility: kitDefaults.identity.facility },
    partner: o.partnerIdentity ?? { application: kitDefaults.partner.application, facility: kitDefaults.partner.facility },
  };
  const processingId = o.processingId ?? 'T';
  const generator = new ClinicalDataGenerator({ processingId, ...(o.seed === undefined ? {} : { seed: o.seed }) });
  const platformConfig: GatewayConfig | undefined =
    kitRole === 'platform'
      ? await loadConfig({
          env: {},
          defaultRole: 'platform',
          overrides: {
            role: 'platform',
            identity: routing.kit,
            partner: { application: routing.partner.application, facility: routing.partner.facility },
            processingId,
          },
        })
      : undefined;
  const kit = new KitHalf(kitRole, generator, routing, processingId, platformConfig);
  const server = new MllpServer({ handler: (bytes) => kit.receive(bytes), ...(o.listen.tls ? { tls: o.listen.tls } : {}) });
  const address = await server.listen(o.listen.port, o.listen.host ?? '0.0.0.0');
  const listenPort = address.port;
  await o.onListening?.(listenPort);
  let steps: StepResult[];
  try {
    const runner = new CertifyRunner({
      plan: o.plan,
      kit,
      target: o.target,
      operator: o.operator,
      ackTimeoutMs: o.ackTimeoutMs ?? 10_000,
      stepTimeoutMs: o.stepTimeoutMs ?? 300_000,
      ...(o.holdAckMs === undefined ? {} : { holdAckMs: o.holdAckMs }),
      ...(o.print ? { print: o.print } : {}),
    });
    steps = await runner.run();
  } finally {
    await server.close();
  }
  const failed = steps.filter((s) => s.status === 'fail');
  const packs = rulePacks();
  const all = registeredRules();
  return {
    format: 'cisis-tlr-certify/1',
    passed: failed.every((s) => !s.required),
    summary: {
      steps: steps.length,
      passed: steps.filter((s) => s.status === 'pass').length,
      warnings: steps.filter((s) => s.status === 'warning').length,
      failed: failed.length,
      requiredFailed: failed.filter((s) => s.required).length,
      optionalFailed: failed.filter((s) => !s.required).length,
    },
    testedSystem: {
      role: sutRole,
      name: o.system?.name ?? null,
      version: o.system?.version ?? null,
      sendingApplication: kit.partnerHeader?.application ?? null,
      sendingFacility: kit.partnerHeader?.facility ?? null,
      endpoint: `${o.target.tls ? 'mllps' : 'mllp'}://${o.target.host}:${o.target.port}`,
    },
    kit: {
      name: 'cisis-tlr',
      version: kitVersion(),
      listen: `${o.listen.tls ? 'mllps' : 'mllp'}://${o.listen.host ?? '0.0.0.0'}:${listenPort}`,
      playedRole: kitRole,
    },
    plan: { title: o.plan.title, version: o.plan.version, steps: o.plan.steps.length },
    ruleSets: packs.map((p) => ({ id: p.id, title: p.title, rules: all.filter((r) => r.pack === p.id).length })),
    cdaRuleSets: await cdaRuleSets(),
    startedAt,
    finishedAt: new Date().toISOString(),
    steps,
  };
}
