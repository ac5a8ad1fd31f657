import type { Message } from '../../hl7/index.js';
import { readNM } from '../../hl7/index.js';
import type { CodedValue } from '../model/coded-value.js';
import type { AnatomicalRegion, Modality, ModalityCodingSystem, Quantity } from '../model/imaging-order.js';
import { compact, nonEmpty } from './compact.js';
import type { ObservationGroup } from './message-groups.js';
import { fieldText } from './text.js';

/** The observations of a group identified by OBX-3.1. */
export function observationsOf(groups: readonly ObservationGroup[], code: string): ObservationGroup[] {
  return groups.filter((g) => g.obx.get('3.1') === code);
}

/** OBX-4 `n.m` split; a missing or bare Sub-ID reads as occurrence 1 (or `n`), item 1. */
export function subIdOf(group: ObservationGroup): { n: number; m: number } {
  const [n = '1', m = '1'] = group.obx.get(4).split('.');
  return { n: Number(n) || 1, m: Number(m) || 1 };
}

/** Groups observations by the occurrence number `n` of their Sub-ID, in ascending order. */
export function byOccurrence(groups: readonly ObservationGroup[]): Array<Map<number, ObservationGroup>> {
  const occurrences = new Map<number, Map<number, ObservationGroup>>();
  for (const g of groups) {
    const { n, m } = subIdOf(g);
    const items = occurrences.get(n) ?? new Map<number, ObservationGroup>();
    if (!items.has(m)) items.set(m, g);
    occurrences.set(n, items);
  }
  return [...occurrences.entries()].sort(([a], [b]) => a - b).map(([, items]) => items);
}

/** OBX-5 as a coded value (CE.1, CE.2). */
export function codedValue(g: ObservationGroup): CodedValue {
  return compact({ code: g.obx.get('5.1'), display: nonEmpty(g.obx.get('5.2')) });
}

/** OBX-5 NM + OBX-6 unit; undefined when OBX-5 is not a number. */
export function quantity(g: ObservationGroup): Quantity | undefined {
  const value = readNM(g.obx.get('5.1'));
  return value === undefined ? undefined : { value, unit: g.obx.get('6.1') };
}

/** The decoded text of OBX-5 (FT, TX, NM kept as text). */
export function textValue(message: Message, g: ObservationGroup): string {
  return fieldText(message, g.obx, 5);
}

/** NTE-3 of the notes of a group. */
export function noteTexts(message: Message, notes: ObservationGroup['notes']): string[] {
  return notes.map((n) => fieldText(message, n, 3));
}

/** The first `MODALITE_IMAGERIE` observation and its comments. */
export function readModality(message: Message, groups: readonly ObservationGroup[], code: string): Modality | undefined {
  const g = observationsOf(groups, code)[0];
  if (!g) return undefined;
  const notes = noteTexts(message, g.notes);
  return compact({
    code: g.obx.get('5.1'),
    codingSystem: g.obx.get('5.3') as ModalityCodingSystem,
    display: nonEmpty(g.obx.get('5.2')),
    notes: notes.length > 0 ? notes : undefined,
  });
}

/** `REGION_ANATOMIQUE` observations → regions with their qualifiers, by occurrence `n`. */
export function readAnatomicalRegions(groups: readonly ObservationGroup[], code: string): AnatomicalRegion[] {
  const regions: AnatomicalRegion[] = [];
  for (const items of byOccurrence(observationsOf(groups, code))) {
    const region = items.get(1);
    const qualifier = items.get(2);
    regions.push(
      compact({
        region: region ? codedValue(region) : { code: '' },
        qualifier: qualifier ? codedValue(qualifier) : undefined,
      }),
    );
  }
  return regions;
}
