import type { MessageGrammar } from '../../../profiles/index.js';
import { group, seg } from '../../../profiles/index.js';

/**
 * The abstract message syntax of the volet's messages (trans-cda-r2 §4, §8) as grammars of the
 * validator's structure matcher (`profiles/structure/grammar.ts`): the same engine as the
 * Téléradiologie flows, with this volet's rule (TDOC-STR-001). A required group whose leading
 * segment is missing is reported as a missing group (`recoverMissingLead: false`), and matching ends
 * at the first misplaced segment (`afterUnexpected: 'stop'`), as this pack has always reported.
 * Each missing required element (located at the segment or group name) and each segment that has no
 * place in the structure (located at that segment) is a TDOC-STR-001 error with condition 100.
 */
const doc = (structure: string, children: Parameters<typeof group>[3]): MessageGrammar => ({
  structure,
  rule: 'TDOC-STR-001',
  recoverMissingLead: false,
  afterUnexpected: 'stop',
  root: group(structure, 1, 1, children),
});

/**
 * MDM_T02 (v2.6) as the volet profiles it, plus the standard optional SFT, UAC and TQ2 that the
 * IG's figure 18 shows (accepted, never generated).
 */
export const MDM_GRAMMAR: MessageGrammar = doc('MDM_T02', [
  seg('MSH'),
  seg('SFT', 0, '*'),
  seg('UAC', 0, 1),
  seg('EVN'),
  seg('PID'),
  seg('PV1'),
  group('COMMON_ORDER', 1, 1, [seg('ORC'), group('TIMING', 0, '*', [seg('TQ1'), seg('TQ2', 0, '*')]), seg('OBR'), seg('NTE', 0, '*')]),
  seg('TXA'),
  group('OBXNTE', 1, '*', [seg('OBX'), seg('PRT', 0, '*'), seg('NTE', 0, '*')]),
]);

/**
 * ORU_R01 (v2.5) as the volet profiles it: PATIENT and ORC required, PV1 in an RE visit group, the
 * standard optional PD1, NTE, NK1, PV2, TQ2 and CTD of figure 17 accepted. ORDER_OBSERVATION is
 * [1..*] in the table and [1..1] in the figure; the matcher accepts several (a separate rule warns).
 */
export const ORU_GRAMMAR: MessageGrammar = doc('ORU_R01', [
  seg('MSH'),
  seg('SFT', 0, '*'),
  group('PATIENT_RESULT', 1, 1, [
    group('PATIENT', 1, 1, [
      seg('PID'),
      seg('PD1', 0, 1),
      seg('NTE', 0, '*'),
      seg('NK1', 0, '*'),
      group('PATIENT_VISIT', 0, 1, [seg('PV1'), seg('PV2', 0, 1)]),
    ]),
    group('ORDER_OBSERVATION', 1, '*', [
      seg('ORC'),
      seg('OBR'),
      seg('NTE', 0, '*'),
      group('TIMING', 0, '*', [seg('TQ1'), seg('TQ2', 0, '*')]),
      seg('CTD', 0, 1),
      group('OBSERVATION', 1, '*', [seg('OBX'), seg('PRT', 0, '*'), seg('NTE', 0, '*')]),
    ]),
  ]),
]);

/** ZAM_Z01 (v2.6), IG figure 20: status OBX, address OBX (Z02/Z03), ERR when the status is N. */
export const ZAM_GRAMMAR: MessageGrammar = doc('ZAM_Z01', [
  seg('MSH'),
  seg('SFT', 0, '*'),
  seg('EVN'),
  seg('OBX'),
  seg('OBX', 0, 1),
  seg('ERR', 0, 1),
]);

/** The grammar of a message structure. */
export const GRAMMARS: Readonly<Record<'MDM' | 'ORU' | 'ZAM', MessageGrammar>> = { MDM: MDM_GRAMMAR, ORU: ORU_GRAMMAR, ZAM: ZAM_GRAMMAR };
