import type { Hl7Error, Message, Segment } from '../hl7/index.js';
import { formatLocation } from '../hl7/index.js';
import { detectProfile } from './detect.js';
import type { ValidationInput } from './rules/evaluate.js';
import { evaluateRules, matchMessage, readInput, reportOf } from './rules/evaluate.js';
import { GEN_001, GEN_002, GEN_003, GEN_008, MESSAGE_TYPES } from './rules/gen.js';
import type { OrderGroup } from './rules/rule.js';
import { FindingCollector, locationOf } from './rules/rule.js';
import { ruleById, rulesFor } from './rules/teleradiologie.js';
import type { GroupNode } from './structure/grammar.js';
import { groupsNamed, isGroupNode, segmentsOf } from './structure/grammar.js';
import { GRAMMARS, ORDER_GROUP } from './structure/structures.js';
import type { FlowProfile, Profile, ValidateOptions, ValidationReport } from './types.js';

const FLOW_NAMES: Readonly<Record<Profile, string>> = {
  flux1: 'flow 1 (imaging request, ORM^O01 with ORC-1 = NW)',
  flux2: 'flow 2 (cancellation, ORM^O01 with ORC-1 = CA)',
  flux3: 'flow 3 (response, ORU^R01 with ORC-1 = OK or OC)',
  flux4: 'flow 4 (post-exam complement, OMI^O23 with ORC-1 = SR)',
  ack: 'acknowledgement (ACK)',
};

/** Trigger events of each message code in the volet (for the ERR-3 code of TLR-GEN-002). */
const EVENTS: Readonly<Record<string, readonly string[]>> = { ORM: ['O01'], ORU: ['R01'], OMI: ['O23'], ACK: ['O01', 'R01', 'O23'] };

/**
 * Validates a message against the Téléradiologie volet, as the ANS online validator does
 * (EVSClient, standard 45), offline. Never throws for a bad message: every problem is a finding.
 *
 * Evaluation order (conformance-checklist.md §0): parse (TLR-GEN-001) → message type (GEN-002) →
 * flow detection (GEN-003) → structure (GEN-004 and the cardinality rules) → segment rules → OBX
 * rules. A failure of GEN-001…003 stops the evaluation: nothing after it would be meaningful.
 * When a profile is forced, GEN-002 and GEN-003 are reported but the forced profile is still
 * applied (the caller asked for it).
 *
 * A caller that already parsed the bytes passes the {@link ParseResult}, not its message: the
 * parser's errors (control characters, charset, length…) are findings too, and a bare `Message`
 * no longer carries them.
 */
export function validateMessage(input: ValidationInput, options: ValidateOptions = {}): ValidationReport<Profile> {
  const collector = new FindingCollector();
  const forced = options.profile && options.profile !== 'auto' ? options.profile : undefined;
  const done = (profile: Profile | null, message: Message | undefined): ValidationReport<Profile> => reportOf(profile, collector, message);

  const { message, parsed } = readInput(input);
  if (parsed) {
    for (const e of parsed.errors) collector.add(GEN_001, where(e), e.message, { condition: e.condition });
    for (const w of parsed.warnings) {
      // Segment separators are reported by TLR-GEN-008 from message.lineEnding; other parser warnings stay GEN-001 warnings.
      if (w.code === 'TLR_ERR_HL7_LINE_ENDINGS') continue;
      collector.add(w.code === 'TLR_ERR_HL7_EMPTY_SEGMENT' ? GEN_008 : GEN_001, where(w), w.message, {
        severity: 'warning',
        condition: w.condition,
      });
    }
  }
  if (!message || (parsed && parsed.errors.length > 0)) return done(forced ?? null, message);

  const msh = message.segments[0];
  if (msh?.name !== 'MSH') {
    collector.add(GEN_001, 'MSH', 'The message must start with an MSH segment');
    return done(forced ?? null, message);
  }
  // Compared component by component, so that other delimiters (TLR-MSH-002) do not hide the type.
  const type =
    msh.repetitions(9).length > 1 || msh.field(9).length > 3 ? msh.rawField(9) : [1, 2, 3].map((c) => msh.field(9).get(c)).join('^');
  if (!(MESSAGE_TYPES as readonly string[]).includes(type)) {
    const events = EVENTS[msh.get('9.1')];
    const condition = !events ? '200' : !events.includes(msh.get('9.2')) ? '201' : '103';
    const hint = /^OMI\^O23\^OMI_023$/.test(type) ? ' (the structure is OMI_O23 with the letter O, not the digit zero)' : '';
    collector.add(GEN_002, locationOf(message, msh, '9'), `MSH-9 is "${type}"; the volet uses exactly ${MESSAGE_TYPES.join(', ')}${hint}`, {
      condition,
    });
    if (!forced) return done(null, message);
  }

  const detected = detectProfile(message);
  let profile: Profile;
  if (forced) {
    profile = forced;
    if (detected !== forced) {
      collector.add(
        GEN_003,
        flowLocation(message),
        `The message was validated as ${FLOW_NAMES[forced]} as requested, ` +
          `but its MSH-9 and ORC-1 ${detected ? `identify ${FLOW_NAMES[detected]}` : 'identify no flow of the volet'}`,
      );
    }
  } else if (detected) {
    profile = detected;
  } else {
    const controls = message.all('ORC').map((o) => o.get(1) || '(empty)');
    const why = controls.length === 0 ? 'the message has no ORC segment' : `ORC-1 is ${[...new Set(controls)].join(', ')}`;
    collector.add(
      GEN_003,
      flowLocation(message),
      `The flow cannot be identified: MSH-9 is ${type} and ${why} (flow 1: ORM^O01 + NW, flow 2: ORM^O01 + CA, flow 3: ` +
        `ORU^R01 + OK/OC, flow 4: OMI^O23 + SR)`,
    );
    return done(null, message);
  }

  evaluate(message, profile, options, collector, false);
  return done(profile, message);
}

/**
 * Validates a fragment of OBX segments as the OBSERVATION part of one ORDER group of `profile`
 * (the guide's Sub-ID example is such a fragment): the per-OBX and Sub-ID rules run, the rules
 * that need a complete message or ORDER group (structure, required observations) do not.
 * The message only needs an MSH before the OBX segments.
 */
export function validateObservations(message: Message, profile: FlowProfile): ValidationReport<Profile> {
  const collector = new FindingCollector();
  evaluate(message, profile, {}, collector, true);
  return reportOf(profile, collector, message);
}

function evaluate(message: Message, profile: Profile, options: ValidateOptions, collector: FindingCollector, fragment: boolean): void {
  let tree: GroupNode;
  let orders: OrderGroup[];
  if (fragment) {
    const obx = message.segments.filter((s) => s.name === 'OBX');
    tree = { name: 'FRAGMENT', items: [{ name: 'OBSERVATION', items: obx }] };
    orders = [{ index: 1, node: tree, orc: undefined, obr: undefined, observations: obx }];
  } else {
    tree = matchMessage(message, GRAMMARS[profile], collector, ruleById);
    orders = profile === 'ack' ? [] : orderGroups(tree, ORDER_GROUP[profile]);
  }
  const rules = fragment ? rulesFor(profile).filter((r) => r.scope === 'observation') : rulesFor(profile);
  evaluateRules(message, profile, tree, { orders, options, fragment }, rules, collector);
}

function orderGroups(tree: GroupNode, groupName: string): OrderGroup[] {
  return groupsNamed(tree, groupName).map((node, i) => {
    const segments = segmentsOf(node);
    return {
      index: i + 1,
      node,
      orc: node.items.find((s): s is Segment => !isGroupNode(s) && s.name === 'ORC'),
      obr: segments.find((s) => s.name === 'OBR'),
      observations: groupsNamed(node, 'OBSERVATION')
        .map((o) => o.items[0])
        .filter((s): s is Segment => s !== undefined && !isGroupNode(s) && s.name === 'OBX'),
    };
  });
}

function flowLocation(message: Message): string {
  const orc = message.segment('ORC');
  return orc ? locationOf(message, orc, '1') : 'MSH-9';
}

function where(e: Hl7Error): string {
  return e.location ? formatLocation(e.location) : 'MSH';
}
