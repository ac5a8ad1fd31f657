import type { Segment } from '../../hl7/index.js';
import { valueSet } from '../terminology/value-sets.js';
import type { ValueSetId } from '../terminology/value-sets.js';
import type { OrderGroup, RuleContext, RuleDefinition } from './rule.js';
import { isGroupNode, ownSegments } from '../structure/grammar.js';
import { observationCode, subId, valueAt } from './rule.js';

/** Helpers shared by the flow rules that look at the OBSERVATION groups of an ORDER group. */

/** The OBX of a group identified as `code`. */
export function withCode(group: OrderGroup, code: string): Segment[] {
  return group.observations.filter((o) => observationCode(o) === code);
}

/** Occurrences `n` of an observation split by Sub-ID: n → the `m` values present, with their OBX. */
export function occurrences(obxs: readonly Segment[]): Map<number, Map<number, Segment>> {
  const out = new Map<number, Map<number, Segment>>();
  for (const obx of obxs) {
    const s = subId(obx);
    if (!s || s.m === undefined) continue;
    let parts = out.get(s.n);
    if (!parts) {
      parts = new Map();
      out.set(s.n, parts);
    }
    if (!parts.has(s.m)) parts.set(s.m, obx);
  }
  return out;
}

/** Where to report a finding about a whole ORDER group: its ORC, else its first segment, else its name. */
export function groupLocation(ctx: RuleContext, group: OrderGroup): string {
  if (group.orc) return ctx.at(group.orc);
  const first = group.node.items.find((i) => !isGroupNode(i));
  return first && !isGroupNode(first) ? ctx.at(first) : group.node.name;
}

/** The NTE segments that follow an OBX inside its OBSERVATION group. */
export function notesAfter(group: OrderGroup, obx: Segment): Segment[] {
  const find = (items: OrderGroup['node']['items']): Segment[] | undefined => {
    for (const item of items) {
      if (!isGroupNode(item)) continue;
      if (item.name === 'OBSERVATION' && item.items[0] === obx) return ownSegments(item).filter((s) => s.name === 'NTE');
      const inner = find(item.items);
      if (inner) return inner;
    }
    return undefined;
  };
  return find(group.node.items) ?? [];
}

/**
 * JDV membership of OBX-5.1 (rules TLR-F1-011, F1-017, F1-018, F4-037, F4-056): the code must
 * belong to the pinned release and, when the value set spans several code systems (the modality
 * value set mixes DICOM and CI-SIS codes), OBX-5.3 must name the system the code belongs to.
 */
export function checkMembership(ctx: RuleContext, rule: RuleDefinition, obx: Segment, id: ValueSetId): void {
  const code = valueAt(obx, '5.1');
  if (code === '') return; // OBX-007 / OBX-008
  const vs = valueSet(id);
  const label = `${observationCode(obx)}${valueAt(obx, '4') ? ` ${valueAt(obx, '4')}` : ''}`;
  if (!vs.has(code)) {
    ctx.report(rule, ctx.at(obx, '5.1'), `${label} code "${code}" is not in ${vs.label}`);
    return;
  }
  const system = vs.systemOf(code)!;
  const declared = valueAt(obx, '5.3');
  if (Object.keys(vs.release.codes).length > 1 && declared !== '' && declared !== system) {
    ctx.report(
      rule,
      ctx.at(obx, '5.3'),
      `${label} code "${code}" belongs to code system ${system} in ${vs.label}, but OBX-5.3 says "${declared}"`,
    );
  }
}
