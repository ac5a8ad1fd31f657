import type { Message } from '../../hl7/index.js';
import type { ValidationInput } from '../rules/evaluate.js';
import type { RuleDeclaration } from '../rules/rule.js';
import type { ValidationReport } from '../types.js';

/**
 * A rule pack: the rules of one volet (or of one family of its messages) for the validator's one
 * engine, as HAPI feeds its one validation engine with rule sets. The Téléradiologie flows are the
 * first pack (`packs/teleradiologie.ts`); a pack declared above this layer registers itself with
 * {@link registerRulePack} (the document-transport packs, `documents/transport/validation/pack.ts`).
 *
 * Every pack's rules are `RuleDefinition`s (rows of the one table interpreter, or functions), its
 * structures are grammars of the one matcher, its findings are `Finding`s and its report is a
 * `ValidationReport`: only its pipeline (how it reads the parser's problems and identifies the
 * profile) and the facts its rules read are its own.
 */
export interface RulePack<P extends string = string> {
  /** `teleradiologie`, `document-transport`, `document-ack`. */
  readonly id: string;
  /** The volet and the messages the pack validates, in words. */
  readonly title: string;
  readonly profiles: readonly P[];
  /** Every rule of the pack, in evaluation order, pipeline and structure rules included. */
  readonly rules: readonly RuleDeclaration[];
  /**
   * The profile of this pack a parsed message is, or null when the pack is not the one for it. Read from
   * MSH-9 (and ORC-1, OBX-2 where the message type is shared): cheap, and never a finding.
   */
  select(message: Message): P | null;
  /**
   * Validates a message against the pack; `auto` (default) identifies the profile as the pack's pipeline does.
   * Never throws for a bad message.
   */
  validate(input: ValidationInput, options?: { profile?: P | 'auto' }): ValidationReport<P>;
}

/** The pack a message is for, and the profile the pack selected (null: the pack reports why it identifies none). */
export interface RulePackSelection {
  readonly pack: RulePack;
  readonly profile: string | null;
}
