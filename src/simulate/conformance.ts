import { tryParseMessage } from '../hl7/index.js';
import type { Finding } from '../profiles/index.js';
import { validateMessage } from '../profiles/index.js';
import type { AckCode, MessageRecord, Store } from '../store/index.js';
import { checkDocumentAck } from './document-ack-check.js';

/** Count of the findings of one rule over the messages checked. */
export interface RuleFindingCount {
  rule: string;
  severity: 'error' | 'warning';
  count: number;
  /** One message text of that rule, as an example. */
  example: string;
}

/**
 * What a simulator observed of the system under test: every message it received (validated by the
 * gateway on receipt) and every acknowledgement it received for what it sent (validated here
 * against the acknowledged message: the Téléradiologie ACK profile for the four flows, the
 * document-transport rules for reports).
 */
export interface ConformanceSummary {
  /** Business and document messages received, per MSH-9 type (`ORU^R01`, `ORM^O01`…). */
  messagesReceived: Record<string, number>;
  /** Acknowledgements received for the messages sent. */
  acks: Record<AckCode, number>;
  /** Messages sent that are still waiting for an acknowledgement (queued, retrying or parked). */
  unacknowledged: number;
  findingsByRule: RuleFindingCount[];
  /** Messages checked: received messages plus received acknowledgements. */
  checked: number;
  /** Checked messages without any error finding. */
  conformant: number;
  /** `conformant / checked` as a percentage (100 when nothing was checked). */
  percent: number;
  errors: number;
  warnings: number;
}

async function allMessages(store: Store, direction: 'inbound' | 'outbound', partner?: string): Promise<MessageRecord[]> {
  const out: MessageRecord[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await store.listMessages({ direction, limit: 1000, offset, ...(partner ? { partner } : {}) });
    out.push(...page.items);
    if (page.items.length < 1000) return out;
  }
}

/**
 * Builds the conformance summary from a gateway's journal. Received messages carry the findings the
 * inbound handler stored; acknowledgements are validated here with the ACK profile and the
 * correlated rules (the acknowledged message is the one we sent). `partner`: only the messages
 * exchanged with that partner (the RIS's exchange with the platform, not with its PFI).
 */
export async function collectConformance(store: Store, options: { partner?: string } = {}): Promise<ConformanceSummary> {
  const received = await allMessages(store, 'inbound', options.partner);
  const sent = await allMessages(store, 'outbound', options.partner);
  const byRule = new Map<string, RuleFindingCount>();
  const note = (f: Pick<Finding, 'rule' | 'severity' | 'message'>): void => {
    const k = `${f.rule}|${f.severity}`;
    const entry = byRule.get(k) ?? { rule: f.rule, severity: f.severity, count: 0, example: f.message };
    entry.count += 1;
    byRule.set(k, entry);
  };
  const messagesReceived: Record<string, number> = {};
  let checked = 0;
  let conformant = 0;
  for (const m of received) {
    messagesReceived[m.summary.messageType] = (messagesReceived[m.summary.messageType] ?? 0) + 1;
    checked += 1;
    for (const f of m.findings) note({ rule: f.rule, severity: f.severity === 'error' ? 'error' : 'warning', message: f.message });
    if (!m.findings.some((f) => f.severity === 'error')) conformant += 1;
  }
  const acks: Record<AckCode, number> = { AA: 0, AE: 0, AR: 0 };
  let unacknowledged = 0;
  for (const m of sent) {
    const detail = m.ackCode ? await store.getMessage(m.id) : null;
    if (!detail?.ack || !detail.raw) {
      unacknowledged += 1;
      continue;
    }
    acks[detail.ack.code] += 1;
    const original = tryParseMessage(detail.raw).message;
    checked += 1;
    if (m.summary.flow === 'report' && original) {
      // Document messages are acknowledged per the document-transport volet, not the Téléradiologie ACK profile.
      const findings = checkDocumentAck(detail.ack.raw, original);
      for (const f of findings) note(f);
      if (findings.length === 0) conformant += 1;
      continue;
    }
    const report = validateMessage(detail.ack.raw, { profile: 'ack', ...(original ? { acknowledged: original } : {}) });
    for (const f of report.issues) note(f);
    if (report.valid) conformant += 1;
  }
  const findingsByRule = [...byRule.values()].sort((a, b) =>
    a.severity === b.severity ? b.count - a.count : a.severity === 'error' ? -1 : 1,
  );
  return {
    messagesReceived,
    acks,
    unacknowledged,
    findingsByRule,
    checked,
    conformant,
    percent: checked === 0 ? 100 : Math.floor((conformant / checked) * 1000) / 10,
    errors: findingsByRule.filter((f) => f.severity === 'error').reduce((s, f) => s + f.count, 0),
    warnings: findingsByRule.filter((f) => f.severity === 'warning').reduce((s, f) => s + f.count, 0),
  };
}

/** The summary as the lines the simulators print. */
export function formatConformance(s: ConformanceSummary): string[] {
  const lines = ['Conformance of the system under test'];
  const types = Object.entries(s.messagesReceived)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  lines.push(`  messages received    ${types || 'none'}`);
  lines.push(
    `  ACKs received        AA ${s.acks.AA}, AE ${s.acks.AE}, ` +
      `AR ${s.acks.AR}${s.unacknowledged ? ` (${s.unacknowledged} sent message(s) without ACK)` : ''}`,
  );
  if (s.findingsByRule.length === 0) lines.push('  findings             none');
  for (const f of s.findingsByRule)
    lines.push(`  ${f.severity === 'error' ? 'error  ' : 'warning'} ${f.rule.padEnd(12)} ×${f.count}  ${f.example}`);
  lines.push(
    `  conformant           ${s.conformant}/${s.checked} messages (${s.percent} %), ${s.errors} error(s), ${s.warnings} warning(s)`,
  );
  return lines;
}
