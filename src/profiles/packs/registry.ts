import type { Message } from '../../hl7/index.js';
import type { RuleDeclaration } from '../rules/rule.js';
import type { RulePack, RulePackSelection } from './pack.js';
import { TELERADIOLOGIE_PACK } from './teleradiologie.js';

/**
 * The one registry of rule packs, and the entry point that picks the pack of a message.
 *
 * The Téléradiologie pack is built in. Packs declared above this layer (the document-transport volet)
 * register themselves when their module loads, so the registry never imports them: `profiles` sits
 * below `documents`. They are asked before the built-in pack, as they claim messages its detection
 * would also read (ACK^T02 is an ACK).
 */

/** `<VOLET>-<AREA>-<NNN>`: the rule-id convention of every pack (`TLR-F4-023`, `TDOC-MSH-001`). */
export const RULE_ID = /^[A-Z]+-[A-Z0-9]+-\d{3}$/;

const REGISTERED: RulePack[] = [];

/**
 * Adds a pack. Registering the same pack again does nothing; another pack under a registered id, or
 * a rule id outside the convention, throws (a programming error, found at load).
 */
export function registerRulePack(pack: RulePack): void {
  const known = rulePacks().find((p) => p.id === pack.id);
  if (known === pack) return;
  if (known) throw new Error(`Another rule pack is registered as ${pack.id}`);
  const bad = pack.rules.find((r) => !RULE_ID.test(r.id));
  if (bad) throw new Error(`Rule ${bad.id} of pack ${pack.id} does not follow the rule-id convention <VOLET>-<AREA>-<NNN>`);
  REGISTERED.push(pack);
}

/** Every pack, in the order they are asked: the registered ones, then the Téléradiologie pack. */
export function rulePacks(): readonly RulePack[] {
  return [...REGISTERED, TELERADIOLOGIE_PACK];
}

/** Every rule of every pack, with its pack (a rule a pack shares with another is listed under each). */
export function registeredRules(): ReadonlyArray<{ pack: string; rule: RuleDeclaration }> {
  return rulePacks().flatMap((pack) => pack.rules.map((rule) => ({ pack: pack.id, rule })));
}

/**
 * Which pack applies to a parsed message, and which of its profiles: the first pack that selects it;
 * the Téléradiologie pack with no profile when none does (it reports the unknown type or flow).
 * Validate with `selection.pack.validate(input)`.
 */
export function selectRulePack(message: Message): RulePackSelection {
  for (const pack of rulePacks()) {
    const profile = pack.select(message);
    if (profile !== null) return { pack, profile };
  }
  return { pack: TELERADIOLOGIE_PACK, profile: null };
}
