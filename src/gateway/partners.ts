import type { MessageHeader } from '../hl7/index.js';
import type { Finding, ValidationReport } from '../profiles/index.js';
import type { MllpConnectionContext } from '../mllp/index.js';
import { PeerAllowList } from '../mllp/index.js';
import type { GatewayConfig, PartnerConfig } from './config.js';
import { normalizeFingerprint } from './config.js';

/**
 * The partners of a gateway: the `partners` list, or the single `partner` of an older configuration as
 * a one-element list (no admission rule, MSH-3/MSH-4 not checked, the instance's retry policy): the
 * behaviour such a configuration always had.
 */
export function partnersOf(config: GatewayConfig): PartnerConfig[] {
  if (config.partners !== undefined && config.partners.length > 0) return config.partners;
  const p = config.partner;
  return [
    {
      name: p.name,
      enabled: true,
      application: p.application,
      facility: p.facility,
      host: p.host,
      port: p.port,
      ...(p.tls ? { tls: p.tls } : {}),
      ackTimeoutMs: p.ackTimeoutMs,
      admission: { peers: [], certificateSubjects: [], certificateFingerprints: [] },
      checkIdentity: false,
    },
  ];
}

/** Why a message was not attributed to a partner (finding TLR-GW-002). */
export interface AttributionRefusal {
  readonly refused: true;
  /** The partner the connection belongs to, when it is known (the journal files the message under it). */
  readonly connectionPartner: string | undefined;
  /** For the ERR segment and the journal's finding: no identifiers beyond MSH-3/MSH-4. */
  readonly message: string;
}

export type Attribution = { readonly refused: false; readonly partner: PartnerConfig } | AttributionRefusal;

/** Name the journal files a message under when no partner could be named. */
export const UNATTRIBUTED = 'unattributed';

interface Entry {
  readonly partner: PartnerConfig;
  readonly peers: PeerAllowList | undefined;
}

/**
 * Who sent a message: the partner of its connection (the TLS client certificate first — with mutual TLS
 * the certificate is the partner's identity — then the peer address), checked against MSH-3/MSH-4.
 * Replaced as a whole on reload ({@link PartnerDirectory.replace}), so a message is attributed against
 * one consistent list.
 */
export class PartnerDirectory {
  #entries: readonly Entry[] = [];
  #defaultName: string;

  constructor(config: GatewayConfig) {
    this.#defaultName = config.defaultPartner ?? config.partner.name;
    this.replace(partnersOf(config), this.#defaultName);
  }

  replace(partners: readonly PartnerConfig[], defaultName: string): void {
    this.#entries = partners.map((p) => ({
      partner: p,
      peers: p.admission.peers.length > 0 ? new PeerAllowList(p.admission.peers) : undefined,
    }));
    this.#defaultName = defaultName;
  }

  get all(): readonly PartnerConfig[] {
    return this.#entries.map((e) => e.partner);
  }

  get(name: string): PartnerConfig | undefined {
    return this.#entries.find((e) => e.partner.name === name)?.partner;
  }

  /** The partner an API request that names none goes to. */
  get defaultPartner(): PartnerConfig {
    return this.get(this.#defaultName) ?? this.#entries[0]!.partner;
  }

  /**
   * Addresses the MLLP listener admits on behalf of the partners: `undefined` (any peer) as soon as one
   * enabled partner is not restricted to addresses (no peer rule, or recognised by certificate).
   */
  admittedPeers(): string[] | undefined {
    const enabled = this.#entries.filter((e) => e.partner.enabled);
    if (enabled.some((e) => e.peers === undefined)) return undefined;
    return [...new Set(enabled.flatMap((e) => e.partner.admission.peers))];
  }

  /** The partners a connection may belong to, before MSH-3/MSH-4 are read. */
  candidatesOf(conn: MllpConnectionContext): PartnerConfig[] {
    // An operator's re-run of received bytes: the sender is told by MSH-3/MSH-4 alone.
    if (conn.peerAddress === 'operator') return this.#entries.map((e) => e.partner);
    const tls = conn.tls;
    const fingerprint = tls?.peerCertificateFingerprint256 ? normalizeFingerprint(tls.peerCertificateFingerprint256) : undefined;
    const subject = tls?.authorized ? tls.peerCertificateSubject : undefined;
    const byCertificate = this.#entries.filter(
      (e) =>
        (fingerprint !== undefined && e.partner.admission.certificateFingerprints.includes(fingerprint)) ||
        (subject !== undefined && e.partner.admission.certificateSubjects.some((s) => subjectMatches(s, subject))),
    );
    if (byCertificate.length > 0) return byCertificate.map((e) => e.partner);
    return this.#entries
      .filter((e) => {
        const a = e.partner.admission;
        if (e.peers !== undefined) return e.peers.allows(conn.peerAddress);
        return a.certificateSubjects.length === 0 && a.certificateFingerprints.length === 0;
      })
      .map((e) => e.partner);
  }

  /**
   * Attributes a message to a partner: among the candidates of its connection, the one whose identity is
   * MSH-3/MSH-4 (or the one that does not check it). A message claiming another partner's identity, the
   * identity of a disabled partner, or none known, is refused.
   */
  attribute(conn: MllpConnectionContext, header: MessageHeader | undefined): Attribution {
    const candidates = this.candidatesOf(conn);
    const connectionPartner = candidates.length === 1 ? candidates[0]!.name : undefined;
    const claims = (p: PartnerConfig) => header !== undefined && identityMatches(p, header);
    const chosen = candidates.find((p) => p.checkIdentity && claims(p)) ?? candidates.find((p) => !p.checkIdentity);
    const sender = header ? `${header.sendingApplication}^${header.sendingFacility}` : 'an unreadable MSH';
    const ofConnection = connectionPartner ? `partner ${connectionPartner}` : 'a partner of this connection';
    if (chosen === undefined) {
      const owner = this.#entries.find((e) => claims(e.partner))?.partner;
      const message =
        owner !== undefined && !candidates.includes(owner)
          ? `MSH-3/MSH-4 ${sender} is the identity of partner ${owner.name}, which this connection does not belong to`
          : candidates.length === 0
            ? `This connection belongs to no configured partner (MSH-3/MSH-4 ${sender})`
            : `MSH-3/MSH-4 ${sender} is not the identity of ${ofConnection}`;
      return { refused: true, connectionPartner, message };
    }
    if (!chosen.enabled) return { refused: true, connectionPartner: chosen.name, message: `Partner ${chosen.name} is disabled` };
    return { refused: false, partner: chosen };
  }
}

/** MSH-3/MSH-4 against a partner's identity: the namespace id (HD.1), or the whole HD as written. */
function identityMatches(p: PartnerConfig, h: MessageHeader): boolean {
  const app = p.application === h.sendingApplication || p.application === h.raw.sendingApplication;
  const facility = p.facility === h.sendingFacility || p.facility === h.raw.sendingFacility;
  return app && facility;
}

/** `CN=…, O=…` as a whole, or one `KEY=value` component of it. */
function subjectMatches(rule: string, subject: string): boolean {
  if (rule === subject) return true;
  return !rule.includes(',') && subject.split(', ').includes(rule.trim());
}

/**
 * A partner's validation policy over the validator's report: errors of tolerated rules become warnings,
 * and with `warnings: refuse` warnings become errors. The findings say so, so the ACK and the journal show it.
 */
export function withPartnerPolicy(report: ValidationReport, partner: PartnerConfig): ValidationReport {
  const policy = partner.validation;
  if (!policy || ((policy.tolerate ?? []).length === 0 && policy.warnings !== 'refuse')) return report;
  const tolerated = new Set(policy.tolerate ?? []);
  const issues = report.issues.map((f): Finding => {
    if (f.severity === 'error' && tolerated.has(f.rule)) {
      return { ...f, severity: 'warning', message: `${f.message} (tolerated for partner ${partner.name})` };
    }
    if (f.severity === 'warning' && policy.warnings === 'refuse') {
      return { ...f, severity: 'error', message: `${f.message} (warnings refused for partner ${partner.name})` };
    }
    return f;
  });
  return { ...report, issues, valid: !issues.some((f) => f.severity === 'error') };
}
