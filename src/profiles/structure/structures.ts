import type { Profile } from '../types.js';
import type { GroupElement, MessageGrammar } from './grammar.js';
import { group, seg } from './grammar.js';

/**
 * Message structures of the volet (flux files §1, page st-profils), written with the small grammar
 * of `grammar.ts`. Where a cardinality of the structure table has its own checklist rule, the
 * element carries that rule id so the finding names it (PID → TLR-PID-001, IPC → TLR-F4-003…);
 * everything else is TLR-GEN-004 (TLR-ACK-001 for the acknowledgement).
 */

function patientGroup(visitRule: string, insurance: boolean): GroupElement {
  return group(
    'PATIENT',
    1,
    1,
    [
      seg('PID', 1, 1, { rule: 'TLR-PID-001' }),
      seg('PD1', 0, 1),
      seg('NTE', 0, '*'),
      group('PATIENT_VISIT', 1, 1, [seg('PV1', 1, 1, { rule: visitRule }), seg('PV2', 0, 1)], { rule: visitRule, maxRule: visitRule }),
      ...(insurance ? [group('INSURANCE', 0, '*', [seg('IN1'), seg('IN2', 0, 1), seg('IN3', 0, 1)])] : []),
      seg('GT1', 0, 1),
      seg('AL1', 0, '*'),
    ],
    { rule: 'TLR-PID-001', maxRule: 'TLR-PID-001' },
  );
}

/** ORM_O01 as constrained by flows 1 and 2; they differ in the OBSERVATION cardinality. */
function ormO01(detailRule: string, observationMin: number): MessageGrammar {
  return {
    structure: 'ORM_O01',
    rule: 'TLR-GEN-004',
    root: group('ORM_O01', 1, 1, [
      seg('MSH'),
      seg('NTE', 0, '*'),
      patientGroup('TLR-PV1-001', true),
      group('ORDER', 1, '*', [
        seg('ORC'),
        group(
          'ORDER_DETAIL',
          1,
          1,
          [
            seg('OBR', 1, 1, { rule: detailRule }),
            // HL7 makes RQD…ODT alternatives to OBR; the guide lists them as optional siblings (flux1 I-2).
            seg('RQD', 0, 1),
            seg('RQ1', 0, 1),
            seg('RXO', 0, 1),
            seg('ODS', 0, 1),
            seg('ODT', 0, 1),
            seg('NTE', 0, '*'),
            seg('CTD', 0, 1),
            seg('DG1', 0, '*'),
            group('OBSERVATION', observationMin, '*', [seg('OBX'), seg('NTE', 0, '*')], {
              rule: observationMin > 0 ? 'TLR-F1-002' : 'TLR-GEN-004',
            }),
          ],
          { rule: detailRule, maxRule: detailRule },
        ),
        seg('FT1', 0, '*'),
        seg('CTI', 0, '*'),
        seg('BLG', 0, 1),
      ]),
    ]),
  };
}

const ORU_R01: MessageGrammar = {
  structure: 'ORU_R01',
  rule: 'TLR-GEN-004',
  root: group('ORU_R01', 1, 1, [
    seg('MSH'),
    seg('SFT', 0, '*'),
    group(
      'PATIENT_RESULT',
      1,
      1,
      [
        group(
          'PATIENT',
          1,
          1,
          [
            seg('PID', 1, 1, { rule: 'TLR-PID-001' }),
            seg('PD1', 0, 1),
            seg('NTE', 0, '*'),
            seg('NK1', 0, '*'),
            // VISIT is O [0..1] in the ORU structure table (common.md C-1).
            group('VISIT', 0, 1, [seg('PV1', 1, 1, { rule: 'TLR-PV1-002' }), seg('PV2', 0, 1)], { maxRule: 'TLR-PV1-002' }),
          ],
          { rule: 'TLR-F3-001', maxRule: 'TLR-F3-001' },
        ),
        group('ORDER_OBSERVATION', 1, '*', [
          seg('ORC', 1, 1, { rule: 'TLR-F3-002' }),
          seg('OBR', 1, 1, { rule: 'TLR-F3-002' }),
          seg('NTE', 0, '*'),
          group('TIMING_QTY', 0, '*', [seg('TQ1'), seg('TQ2', 0, '*')]),
          seg('CTD', 0, 1),
          group('OBSERVATION', 0, '*', [seg('OBX'), seg('NTE', 0, '*')]),
          seg('FT1', 0, '*'),
          seg('CTI', 0, '*'),
          group('SPECIMEN', 0, '*', [seg('SPM'), seg('OBX', 0, '*')]),
        ]),
      ],
      { rule: 'TLR-F3-001', maxRule: 'TLR-F3-001' },
    ),
    seg('DSC', 0, 1),
  ]),
};

const OMI_O23: MessageGrammar = {
  structure: 'OMI_O23',
  rule: 'TLR-GEN-004',
  root: group('OMI_O23', 1, 1, [
    seg('MSH'),
    seg('SFT', 0, '*'),
    seg('NTE', 0, '*'),
    patientGroup('TLR-PV1-001', true),
    group('ORDER', 1, '*', [
      seg('ORC', 1, 1, { rule: 'TLR-F4-001' }),
      // TIMING is [1..*] in the structure table; more than one TQ1 is TLR-F4-002 (warning).
      group('TIMING', 1, '*', [seg('TQ1'), seg('TQ2', 0, '*')], { rule: 'TLR-F4-001' }),
      seg('OBR', 1, 1, { rule: 'TLR-F4-001' }),
      seg('NTE', 0, '*'),
      seg('CTD', 0, 1),
      seg('DG1', 0, '*'),
      group('OBSERVATION', 1, '*', [seg('OBX'), seg('NTE', 0, '*')], { rule: 'TLR-F4-001' }),
      seg('IPC', 1, 1, { rule: 'TLR-F4-001', maxRule: 'TLR-F4-003' }),
    ]),
  ]),
};

const ACK: MessageGrammar = {
  structure: 'ACK',
  rule: 'TLR-ACK-001',
  root: group('ACK', 1, 1, [seg('MSH'), seg('SFT', 0, '*'), seg('UAC', 0, 1), seg('MSA'), seg('ERR', 0, '*')]),
};

/** The grammar each profile is matched against. */
export const GRAMMARS: Readonly<Record<Profile, MessageGrammar>> = {
  flux1: ormO01('TLR-F1-001', 1),
  flux2: ormO01('TLR-F2-001', 0),
  flux3: ORU_R01,
  flux4: OMI_O23,
  ack: ACK,
};

/** Name of the ORDER group of each business profile (ORDER_OBSERVATION in ORU). */
export const ORDER_GROUP: Readonly<Record<Exclude<Profile, 'ack'>, string>> = {
  flux1: 'ORDER',
  flux2: 'ORDER',
  flux3: 'ORDER_OBSERVATION',
  flux4: 'ORDER',
};
