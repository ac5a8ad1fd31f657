import type { Profile } from '../types.js';
import type { RuleDefinition } from './rule.js';
import { defineRule } from './rule.js';

/**
 * Cardinality rules enforced by the message grammars (`structure/structures.ts`): the grammar
 * element that breaks them carries their id. They are declared here for their severity, 0357
 * condition and wording; their `evaluate` does nothing because the matcher reports them.
 */

const byGrammar = (): void => undefined;

const structural = (id: string, profiles: readonly Profile[], summary: string): RuleDefinition =>
  defineRule({ id, severity: 'error', condition: '100', profiles, scope: 'message', summary, evaluate: byGrammar });

export const STRUCTURE_RULES: readonly RuleDefinition[] = [
  structural('TLR-PID-001', ['flux1', 'flux2', 'flux3', 'flux4'], 'Exactly one PID segment.'),
  structural('TLR-PV1-001', ['flux1', 'flux2', 'flux4'], 'Exactly one PV1 segment.'),
  structural('TLR-PV1-002', ['flux3'], 'At most one PV1 segment (absence is allowed).'),
  structural('TLR-F1-001', ['flux1'], 'Each ORDER group contains exactly one ORDER_DETAIL whose first segment is OBR.'),
  structural('TLR-F1-002', ['flux1'], 'Each ORDER_DETAIL contains at least one OBSERVATION group (OBX).'),
  structural(
    'TLR-F2-001',
    ['flux2'],
    'Each ORDER group contains exactly one ORDER_DETAIL whose first segment is OBR; OBSERVATION groups are optional.',
  ),
  structural('TLR-F3-001', ['flux3'], 'Exactly one PATIENT_RESULT group containing a PATIENT group (PID).'),
  structural('TLR-F3-002', ['flux3'], 'Each ORDER_OBSERVATION group starts with ORC immediately followed by OBR.'),
  structural(
    'TLR-F4-001',
    ['flux4'],
    'Each ORDER group is, in order: ORC, TIMING (≥ 1 TQ1), OBR, [NTE/CTD/DG1], ≥ 1 OBSERVATION (OBX), exactly one IPC.',
  ),
  structural('TLR-F4-003', ['flux4'], 'More than one IPC in an ORDER group.'),
  structural('TLR-ACK-001', ['ack'], 'Segments: MSH, [SFT…], [UAC], exactly one MSA, [ERR…], in that order; nothing else.'),
];
