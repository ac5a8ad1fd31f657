import type { Profile } from '../types.js';
import { ACK_RULES } from './ack.js';
import { RuleIndex } from './evaluate.js';
import { F1_RULES } from './f1.js';
import { F2_RULES } from './f2.js';
import { F3_RULES } from './f3.js';
import { F4_RULES } from './f4.js';
import { GEN_001, GEN_002, GEN_003, GEN_004, GEN_RULES } from './gen.js';
import { MSH_RULES } from './msh.js';
import { OBX_RULES } from './obx.js';
import { ORD_RULES } from './ord.js';
import { PID_RULES } from './pid.js';
import { PV1_RULES } from './pv1.js';
import type { RuleDefinition } from './rule.js';
import { STRUCTURE_RULES } from './structure-rules.js';

/**
 * The rules of the Téléradiologie pack, in evaluation order (conformance-checklist.md §0): message
 * level, then segment rules (MSH, PID, PV1, ORC/OBR), then flow-specific rules, then generic OBX rules.
 * The pipeline rules GEN-001…GEN-004 and the structure rules come first for documentation; they
 * run in `validate.ts` and in the grammar matcher. Every pack's rules: `packs/registry.ts`.
 */
export const RULES: readonly RuleDefinition[] = [
  GEN_001,
  GEN_002,
  GEN_003,
  GEN_004,
  ...STRUCTURE_RULES,
  ...GEN_RULES,
  ...MSH_RULES,
  ...PID_RULES,
  ...PV1_RULES,
  ...ORD_RULES,
  ...F1_RULES,
  ...F2_RULES,
  ...F3_RULES,
  ...F4_RULES,
  ...OBX_RULES,
  ...ACK_RULES,
];

const INDEX = new RuleIndex(RULES, [GEN_001, GEN_002, GEN_003, GEN_004, ...STRUCTURE_RULES]);

/** The definition of a rule id (the first one when a rule has several table rows). */
export function ruleById(id: string): RuleDefinition | undefined {
  return INDEX.byId(id);
}

/** The rules evaluated for a profile, pipeline rules excluded. */
export function rulesFor(profile: Profile): readonly RuleDefinition[] {
  return INDEX.forProfile(profile);
}
