import type { ErrorCondition, Message } from '../hl7/index.js';

/**
 * The message profiles of the Téléradiologie volet (conformance-checklist.md §0): the four business
 * flows and the acknowledgement.
 */
export type Profile = 'flux1' | 'flux2' | 'flux3' | 'flux4' | 'ack';

/** Every profile, in flow order. */
export const PROFILES: readonly Profile[] = ['flux1', 'flux2', 'flux3', 'flux4', 'ack'];

/** The business flows (the profiles that carry an order). */
export type FlowProfile = Exclude<Profile, 'ack'>;

/** `error`: the message does not conform (answer AE, or AR for workflow rules); `warning`: conformant but suspicious. */
export type FindingSeverity = 'error' | 'warning';

/** One validation finding. Findings are data, never exceptions. */
export interface Finding {
  severity: FindingSeverity;
  /** Rule id of conformance-checklist.md, e.g. `TLR-F4-023`. */
  rule: string;
  /** `MSH-12`, `OBX[3]-5.5`, `PV1-19`, or a segment/group name (`PV1`, `OBSERVATION`) for a missing one. */
  location: string;
  /** What is wrong, readable without the specification at hand. */
  message: string;
  /** HL7 table 0357 code the finding maps to in ERR-3 of the acknowledgement (ack.md §5.3). */
  condition: ErrorCondition;
}

/**
 * Outcome of a validation, whatever the rule pack: {@link validateMessage} (`ValidationReport<Profile>`)
 * and the document-transport pack (`ValidationReport<DocumentProfile>`) report in this one shape.
 */
export interface ValidationReport<P extends string = string> {
  /** The profile of its pack the message was validated against; null when none could be identified. */
  profile: P | null;
  /** True when no finding has severity `error` (warnings allowed). */
  valid: boolean;
  issues: Finding[];
  /** The parsed message, undefined when it could not be parsed. */
  message: Message | undefined;
}

/** Sending application and facility (MSH-3 / MSH-4, first component) of a partner system. */
export interface PartnerIdentity {
  application: string;
  facility: string;
}

/** Options of {@link validateMessage}. */
export interface ValidateOptions {
  /** Profile to validate against; `auto` (default) detects it from MSH-9 and ORC-1 (TLR-GEN-003). */
  profile?: Profile | 'auto';
  /** The acknowledged message, enabling the correlated ACK rules (TLR-ACK-006, -008, -010, -014, -017). */
  acknowledged?: Message;
  /**
   * Partner identities; when given, TLR-MSH-017 checks the direction of the flow (the imaging
   * facility sends flows 1, 2 and 4, the platform sends flow 3).
   */
  partners?: { imagingFacility: PartnerIdentity; platform: PartnerIdentity };
}
