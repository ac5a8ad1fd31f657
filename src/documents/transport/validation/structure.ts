import type { Message, Segment } from '../../../hl7/index.js';
import { formatLocation } from '../../../hl7/index.js';
import type { Finding } from '../../../profiles/index.js';
import { finding } from './profile.js';

/**
 * The abstract message syntax of the volet's messages (trans-cda-r2 §4, §8) as data, and a small
 * greedy matcher over segment ids: an element repeats while the next segment can start it, a
 * group can start with any of its leading segments (those up to its first required child).
 */
export type StructureElement =
  | { kind: 'segment'; id: string; min: number; max: number }
  | { kind: 'group'; name: string; min: number; max: number; children: readonly StructureElement[] };

const MANY = Number.POSITIVE_INFINITY;
const seg = (id: string, min = 1, max = 1): StructureElement => ({ kind: 'segment', id, min, max });
const group = (name: string, min: number, max: number, children: readonly StructureElement[]): StructureElement => ({ kind: 'group', name, min, max, children });

/**
 * MDM_T02 (v2.6) as the volet profiles it, plus the standard optional SFT, UAC and TQ2 that the
 * IG's figure 18 shows (accepted, never generated).
 */
export const MDM_GRAMMAR: readonly StructureElement[] = [
  seg('MSH'), seg('SFT', 0, MANY), seg('UAC', 0, 1), seg('EVN'), seg('PID'), seg('PV1'),
  group('COMMON_ORDER', 1, 1, [seg('ORC'), group('TIMING', 0, MANY, [seg('TQ1'), seg('TQ2', 0, MANY)]), seg('OBR'), seg('NTE', 0, MANY)]),
  seg('TXA'),
  group('OBXNTE', 1, MANY, [seg('OBX'), seg('PRT', 0, MANY), seg('NTE', 0, MANY)]),
];

/**
 * ORU_R01 (v2.5) as the volet profiles it: PATIENT and ORC required, PV1 in an RE visit group, the
 * standard optional PD1, NTE, NK1, PV2, TQ2 and CTD of figure 17 accepted. ORDER_OBSERVATION is
 * [1..*] in the table and [1..1] in the figure; the matcher accepts several (a separate rule warns).
 */
export const ORU_GRAMMAR: readonly StructureElement[] = [
  seg('MSH'), seg('SFT', 0, MANY),
  group('PATIENT_RESULT', 1, 1, [
    group('PATIENT', 1, 1, [seg('PID'), seg('PD1', 0, 1), seg('NTE', 0, MANY), seg('NK1', 0, MANY), group('PATIENT_VISIT', 0, 1, [seg('PV1'), seg('PV2', 0, 1)])]),
    group('ORDER_OBSERVATION', 1, MANY, [
      seg('ORC'), seg('OBR'), seg('NTE', 0, MANY), group('TIMING', 0, MANY, [seg('TQ1'), seg('TQ2', 0, MANY)]), seg('CTD', 0, 1),
      group('OBSERVATION', 1, MANY, [seg('OBX'), seg('PRT', 0, MANY), seg('NTE', 0, MANY)]),
    ]),
  ]),
];

/** ZAM_Z01 (v2.6), IG figure 20: status OBX, address OBX (Z02/Z03), ERR when the status is N. */
export const ZAM_GRAMMAR: readonly StructureElement[] = [
  seg('MSH'), seg('SFT', 0, MANY), seg('EVN'), seg('OBX'), seg('OBX', 0, 1), seg('ERR', 0, 1),
];

function leadingIds(el: StructureElement): string[] {
  if (el.kind === 'segment') return [el.id];
  const ids: string[] = [];
  for (const c of el.children) {
    ids.push(...leadingIds(c));
    if (c.min > 0) break;
  }
  return ids;
}

function nameOf(el: StructureElement): string {
  return el.kind === 'segment' ? el.id : el.name;
}

/**
 * Matches the message's segments against a structure. Reports each missing required element
 * (located at the segment or group name) and the first segment that has no place in the
 * structure (located at that segment); matching stops there, as one misplaced segment makes the
 * rest of the reading unreliable.
 */
export function checkStructure(message: Message, structure: readonly StructureElement[], rule: string): Finding[] {
  const segments = message.segments;
  const findings: Finding[] = [];
  const matchSequence = (elements: readonly StructureElement[], start: number, within: string): number => {
    let pos = start;
    for (const el of elements) {
      const lead = leadingIds(el);
      let count = 0;
      while (count < el.max && pos < segments.length && lead.includes(segments[pos]!.name)) {
        pos = el.kind === 'segment' ? pos + 1 : matchSequence(el.children, pos, el.name);
        count++;
      }
      if (count < el.min) {
        const what = el.kind === 'segment' ? `segment ${el.id}` : `group ${el.name} (starting with ${lead.join(' or ')})`;
        findings.push(finding(rule, 'error', nameOf(el), `Required ${what} is missing${within ? ` in ${within}` : ''}`, '100'));
      }
    }
    return pos;
  };
  const end = matchSequence(structure, 0, '');
  if (end < segments.length) {
    const s: Segment = segments[end]!;
    const previous = end > 0 ? ` after ${segments[end - 1]!.name}` : '';
    findings.push(finding(rule, 'error', formatLocation(message.locate(s)), `Segment ${s.name} is not expected here${previous}: the structure does not allow it at this position`, '100'));
  }
  return findings;
}
