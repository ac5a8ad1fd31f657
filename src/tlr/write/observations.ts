import type { ComponentInput, Message } from '../../hl7/index.js';
import type { CodedValue } from '../model/coded-value.js';
import type { AnatomicalRegion, Modality } from '../model/imaging-order.js';
import { CODING_SYSTEM, COMMENT_TYPE, OBSERVATION } from '../vocabulary.js';
import { optionalText, requireText } from './input-checks.js';

/** Observation result status (OBX-11): `O` order detail in flows 1–2, `F` final in flows 3–4. */
export type ResultStatus = 'O' | 'F';

/** One OBX to write. */
export interface ObservationInput {
  valueType: 'CE' | 'FT' | 'NM' | 'ED' | 'TX';
  /** OBX-3 code, display, coding system. */
  identifier: { code: string; display: string };
  codingSystem: string;
  /** OBX-4, `n.m`. */
  subId?: string;
  /** OBX-5 components. */
  value: ComponentInput[];
  /** OBX-6.1. */
  unit?: string;
  /** OBX-8. */
  abnormalFlag?: string;
}

/**
 * Appends the OBSERVATION groups of one ORDER group: numbers OBX-1 from 1 in segment order
 * (`common.md` §5), sets OBX-11, and writes the notes that follow an OBX.
 */
export class ObservationWriter {
  readonly #message: Message;
  readonly #status: ResultStatus;
  #setId = 0;

  constructor(message: Message, status: ResultStatus) {
    this.#message = message;
    this.#status = status;
  }

  add(o: ObservationInput): void {
    const obx = this.#message.addSegment('OBX');
    obx.set(1, String(++this.#setId));
    obx.set(2, o.valueType);
    obx.setComponents(3, [o.identifier.code, o.identifier.display, o.codingSystem]);
    if (o.subId !== undefined) obx.set(4, o.subId);
    obx.setComponents(5, o.value);
    if (o.unit !== undefined) obx.setComponents(6, [o.unit]);
    if (o.abnormalFlag !== undefined) obx.set(8, o.abnormalFlag);
    obx.set(11, this.#status);
  }

  /** An NTE after the last segment (NTE-3 comment, NTE-4 `type^^HL70364`). */
  note(comment: string, commentType: string): void {
    const nte = this.#message.addSegment('NTE');
    nte.set(3, comment);
    nte.setComponents(4, [commentType, '', COMMENT_TYPE.codingSystem]);
  }

  /** `MODALITE_IMAGERIE` OBX (CE, `DCM` or `terminologie-cisis-fr`) and its comments. */
  modality(m: Modality, path: string): void {
    this.add({
      valueType: 'CE',
      identifier: OBSERVATION.modality,
      codingSystem: OBSERVATION.localCodingSystem,
      value: [requireText(m.code, `${path}.code`), optionalText(m.display), requireText(m.codingSystem, `${path}.codingSystem`)],
    });
    (m.notes ?? []).forEach((n, i) => {
      this.note(requireText(n, `${path}.notes[${i}]`), COMMENT_TYPE.modality);
    });
  }

  /** `REGION_ANATOMIQUE` OBX pairs: `n.1` region, `n.2` topographic qualifier (SNOMED CT). */
  anatomicalRegions(regions: readonly AnatomicalRegion[], path: string): void {
    regions.forEach((r, i) => {
      const n = i + 1;
      this.add({
        valueType: 'CE',
        identifier: OBSERVATION.anatomicalRegion,
        codingSystem: OBSERVATION.localCodingSystem,
        subId: `${n}.1`,
        value: codedSnomed(r.region, `${path}[${i}].region`),
      });
      if (r.qualifier) {
        this.add({
          valueType: 'CE',
          identifier: OBSERVATION.anatomicalRegion,
          codingSystem: OBSERVATION.localCodingSystem,
          subId: `${n}.2`,
          value: codedSnomed(r.qualifier, `${path}[${i}].qualifier`),
        });
      }
    });
  }
}

function codedSnomed(c: CodedValue, path: string): ComponentInput[] {
  return [requireText(c.code, `${path}.code`), optionalText(c.display), CODING_SYSTEM.snomedCt];
}

/**
 * OBX-4 of the `i`-th of `count` repeated observations that have no defined `m` (history entries,
 * protocols): none for a single one, as in the guide's examples; `1.1`, `2.1`… when several share
 * OBX-3, which the Sub-ID rule then requires (`common.md` §5.1).
 */
export function repeatedSubId(i: number, count: number): string | undefined {
  return count > 1 ? `${i + 1}.1` : undefined;
}
