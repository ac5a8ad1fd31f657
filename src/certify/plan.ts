import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import type { OrderState } from '../workflow/index.js';
import { isOrderState } from '../workflow/index.js';

/** The half of the volet the tested system implements; the kit plays the other half. */
export type CertifyRole = 'ris' | 'platform';

/** What the kit builds and sends, or waits for, in a step. */
export type PlanMessage = 'order' | 'cancel' | 'post-exam' | 'decision' | 'report-initial' | 'report-replace' | 'report-delete';

/** The messages each side sends: the RIS sends flows 1, 2 and 4, the platform flow 3 and the reports. */
export const SENT_BY: Readonly<Record<CertifyRole, readonly PlanMessage[]>> = {
  ris: ['order', 'cancel', 'post-exam'],
  platform: ['decision', 'report-initial', 'report-replace', 'report-delete'],
};

export type PlanCharset = 'UNICODE UTF-8' | '8859/15';
export type ProtocolKind = 'text' | 'pdf';

/** A change made to a built message so that it breaks one rule (invalid-message steps). */
export interface PlanMutation {
  /** Field path, e.g. `OBR-4`, `MSH-12`, `PID-3`. */
  path: string;
  /** New value; empty (the default) removes the field. */
  value?: string;
}

/** What the kit sends in a `send` step. */
export interface SendSpec {
  message: PlanMessage;
  /** Label of the order in the run (`o1`…); `unknown` is an order the partner never heard of. */
  order: string;
  charset?: PlanCharset;
  /** `decision`: accept (with protocols) or refuse. */
  decision?: 'accept' | 'refuse';
  protocols?: ProtocolKind[];
  /** `post-exam`: number of performed exams, one ORDER group each (default 1). */
  exams?: number;
  mutate?: PlanMutation[];
  /** `drop-mid-frame`: half of the frame, connection closed, then the whole message again on a new connection. */
  transport?: 'normal' | 'drop-mid-frame';
}

/** What the kit waits for in an `await` step (the tested system must send it). */
export interface AwaitSpec {
  message: PlanMessage;
  order: string;
  /** MSH-18 the message must declare (the operator is asked to send it so). */
  charset?: PlanCharset;
  decision?: 'accept' | 'refuse';
  protocols?: ProtocolKind[];
  /** `post-exam`: at least this many ORDER groups. */
  minExams?: number;
  /** `post-exam`: every exam carries the DRIMbox viewer URL. */
  drimboxUrl?: boolean;
  /** Slow partner: the kit answers the first delivery only after this long, and expects the message again, same MSH-10. */
  holdAckMs?: number;
  /** Time the operator (or the hook) has to make the system send it, ms (default: the run's `--step-timeout`). */
  timeoutMs?: number;
}

/** An ERR segment the acknowledgement must carry. */
export interface ErrExpectation {
  /** ERR-3.1, HL7 table 0357. */
  condition?: string;
  /** ERR-2 as `SEGMENT^SEQUENCE^FIELD` (`OBR^1^4`); a prefix matches deeper locations. */
  location?: string;
}

/** What the tested system's acknowledgement must say. */
export interface AckExpectation {
  /** Accepted MSA-1 codes; default: what the workflow table says (AA, or AR when the transition is refused). */
  ack?: Array<'AA' | 'AE' | 'AR'>;
  err?: ErrExpectation[];
}

export interface PlanAction {
  /** Stable id sent to the hook (`create-order`, `accept`, `refuse`, `write-report`…). */
  id: string;
  /** Shown to the operator; `{placer}` is replaced by the order's placer number. */
  instruction: string;
}

interface StepBase {
  id: string;
  title: string;
  /** Where the spec says it (`flux1-transmission.md`, `ack.md §5.3`…). */
  spec: string;
  required: boolean;
  /** The state the kit's half holds for the order after the step (the workflow table's verdict). */
  state?: OrderState;
}

export interface SendStep extends StepBase {
  kind: 'send';
  send: SendSpec;
  expect?: AckExpectation;
}

/** Sends again the very bytes of an earlier step (same MSH-10): the original acknowledgement is expected. */
export interface ResendStep extends StepBase {
  kind: 'resend';
  resend: { step: string };
}

export interface AwaitStep extends StepBase {
  kind: 'await';
  await: AwaitSpec;
  action: PlanAction;
}

export type PlanStep = SendStep | ResendStep | AwaitStep;

export interface CertifyPlan {
  /** Role of the system under test. */
  role: CertifyRole;
  title: string;
  /** Version of the plan, printed in the report. */
  version: string;
  steps: PlanStep[];
}

export class CertifyPlanError extends Error {
  readonly code = 'TLR_ERR_CERTIFY_PLAN';
  constructor(message: string) {
    super(message);
    this.name = 'CertifyPlanError';
  }
}

const MESSAGES = ['order', 'cancel', 'post-exam', 'decision', 'report-initial', 'report-replace', 'report-delete'];
const CHARSETS = ['UNICODE UTF-8', '8859/15'];
const PROTOCOLS = { type: 'array', items: { enum: ['text', 'pdf'] }, minItems: 1 };
const BASE = {
  id: { type: 'string', pattern: '^[A-Z0-9][A-Z0-9-]*$' },
  title: { type: 'string', minLength: 1 },
  spec: { type: 'string', minLength: 1 },
  required: { type: 'boolean' },
  state: { type: 'string' },
  kind: { type: 'string' },
};
const REQUIRED_BASE = ['id', 'title', 'spec', 'required', 'kind'];
/** What a send and an await step both say about their message. */
const MESSAGE_SPEC = {
  message: { enum: MESSAGES },
  order: { type: 'string', minLength: 1 },
  charset: { enum: CHARSETS },
  decision: { enum: ['accept', 'refuse'] },
  protocols: PROTOCOLS,
};

/** The JSON schema of one step per kind: the plan is data, checked when loaded. */
const STEP_SCHEMAS: Record<PlanStep['kind'], object> = {
  send: {
    type: 'object',
    additionalProperties: false,
    required: [...REQUIRED_BASE, 'send'],
    properties: {
      ...BASE,
      send: {
        type: 'object',
        additionalProperties: false,
        required: ['message', 'order'],
        properties: {
          ...MESSAGE_SPEC,
          exams: { type: 'integer', minimum: 1, maximum: 20 },
          transport: { enum: ['normal', 'drop-mid-frame'] },
          mutate: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['path'],
              properties: {
                path: { type: 'string', pattern: '^[A-Z][A-Z0-9]{2}(\\[\\d+\\])?-\\d+(\\.\\d+){0,2}$' },
                value: { type: 'string' },
              },
            },
          },
        },
      },
      expect: {
        type: 'object',
        additionalProperties: false,
        properties: {
          ack: { type: 'array', items: { enum: ['AA', 'AE', 'AR'] }, minItems: 1 },
          err: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              properties: { condition: { type: 'string', pattern: '^\\d+$' }, location: { type: 'string' } },
            },
          },
        },
      },
    },
  },
  resend: {
    type: 'object',
    additionalProperties: false,
    required: [...REQUIRED_BASE, 'resend'],
    properties: {
      ...BASE,
      resend: { type: 'object', additionalProperties: false, required: ['step'], properties: { step: { type: 'string' } } },
    },
  },
  await: {
    type: 'object',
    additionalProperties: false,
    required: [...REQUIRED_BASE, 'await', 'action'],
    properties: {
      ...BASE,
      await: {
        type: 'object',
        additionalProperties: false,
        required: ['message', 'order'],
        properties: {
          ...MESSAGE_SPEC,
          minExams: { type: 'integer', minimum: 1 },
          drimboxUrl: { type: 'boolean' },
          holdAckMs: { type: 'integer', minimum: 1 },
          timeoutMs: { type: 'integer', minimum: 1 },
        },
      },
      action: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'instruction'],
        properties: { id: { type: 'string', minLength: 1 }, instruction: { type: 'string', minLength: 1 } },
      },
    },
  },
};

const ajv = new Ajv({ allErrors: true, strict: true });
const validators = Object.fromEntries(Object.entries(STEP_SCHEMAS).map(([k, s]) => [k, ajv.compile(s)])) as Record<
  PlanStep['kind'],
  ReturnType<typeof ajv.compile>
>;

/**
 * Checks a parsed plan and returns it typed. Every problem is reported at once, by step id and
 * field, so that a vendor editing a plan sees what to fix: an unknown step kind, a missing field,
 * a message the kit's half does not send, a reference to an unknown step.
 */
export function checkPlan(data: unknown, source = 'plan'): CertifyPlan {
  const problems: string[] = [];
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new CertifyPlanError(`${source}: expected a mapping with role, title, version, steps`);
  const d = data as Record<string, unknown>;
  const role = d['role'];
  if (role !== 'ris' && role !== 'platform') problems.push(`role: must be ris or platform, got ${JSON.stringify(role)}`);
  if (typeof d['title'] !== 'string' || !d['title']) problems.push('title: required');
  if (typeof d['version'] !== 'string' && typeof d['version'] !== 'number') problems.push('version: required');
  for (const k of Object.keys(d)) if (!['role', 'title', 'version', 'steps'].includes(k)) problems.push(`${k}: unknown field`);
  const steps = d['steps'];
  if (!Array.isArray(steps) || steps.length === 0) problems.push('steps: a non-empty list is required');
  const seen = new Map<string, PlanStep>();
  for (const [i, raw] of (Array.isArray(steps) ? steps : []).entries()) {
    const s = (raw ?? {}) as Record<string, unknown>;
    const name = typeof s['id'] === 'string' ? `step ${s['id']}` : `step #${i + 1}`;
    const kind = s['kind'];
    if (kind !== 'send' && kind !== 'resend' && kind !== 'await') {
      problems.push(`${name}: unknown step kind ${JSON.stringify(kind)} (send, resend or await)`);
      continue;
    }
    const validate = validators[kind];
    if (!validate(s)) {
      for (const e of validate.errors ?? []) {
        const at = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '';
        const what =
          e.keyword === 'required'
            ? `missing field ${at ? `${at}.` : ''}${String(e.params['missingProperty'])}`
            : e.keyword === 'additionalProperties'
              ? `unknown field ${at ? `${at}.` : ''}${String(e.params['additionalProperty'])}`
              : `${at}: ${e.message ?? 'invalid'}${allowed(e)}`;
        problems.push(`${name}: ${what}`);
      }
      continue;
    }
    const step = s as unknown as PlanStep;
    if (seen.has(step.id)) problems.push(`${name}: duplicate step id`);
    if (step.state !== undefined && !isOrderState(step.state)) problems.push(`${name}: state ${step.state} is not an order state`);
    if (role === 'ris' || role === 'platform') {
      const kit: CertifyRole = role === 'ris' ? 'platform' : 'ris';
      if (step.kind === 'send' && !SENT_BY[kit].includes(step.send.message))
        problems.push(`${name}: the kit plays the ${kit === 'ris' ? 'RIS' : 'platform'} and cannot send ${step.send.message}`);
      if (step.kind === 'await' && !SENT_BY[role].includes(step.await.message))
        problems.push(`${name}: a ${role === 'ris' ? 'RIS' : 'platform'} does not send ${step.await.message}`);
    }
    if (step.kind === 'resend' && !seen.has(step.resend.step))
      problems.push(`${name}: resend.step ${step.resend.step} is not an earlier step`);
    if (step.kind === 'resend' && seen.get(step.resend.step)?.kind !== 'send' && seen.has(step.resend.step))
      problems.push(`${name}: resend.step ${step.resend.step} is not a send step`);
    seen.set(step.id, step);
  }
  if (problems.length) throw new CertifyPlanError(`${source}: invalid test plan\n  ${problems.join('\n  ')}`);
  return { role: role as CertifyRole, title: String(d['title']), version: String(d['version']), steps: [...seen.values()] };
}

function allowed(e: { keyword: string; params: Record<string, unknown> }): string {
  return e.keyword === 'enum' ? ` (${(e.params['allowedValues'] as unknown[]).join(', ')})` : '';
}

/** Reads and checks a YAML (or JSON) plan file. */
export async function loadPlan(file: string): Promise<CertifyPlan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new CertifyPlanError(`${file}: cannot read the plan (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new CertifyPlanError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  return checkPlan(data, file);
}

/** The plan shipped with the package for a role (`certify/plans/ris.yaml`, `platform.yaml`). */
export function shippedPlanPath(role: CertifyRole): string {
  return fileURLToPath(new URL(`../../../certify/plans/${role}.yaml`, import.meta.url));
}
