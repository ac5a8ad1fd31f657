import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from '../../src/hl7/index.js';
import type { ValidateOptions } from '../../src/profiles/index.js';
import { RULES, validateMessage } from '../../src/profiles/index.js';
import { WORKFLOW_RULES } from '../../src/workflow/checks/index.js';
import type { ExampleName } from './fixtures.js';
import { example } from './fixtures.js';

/**
 * Table-driven rule tests: each case derives a message that breaks one rule from a guide example
 * (edited with the hl7 API) and checks that the rule is reported, with its declared severity; and
 * that the rule is not reported on a conforming message (the example, or `satisfied` applied to it).
 */
export interface RuleCase {
  rule: string;
  base: ExampleName;
  /** What the edit does, for the test name ("PV1-2 is empty"). */
  breaks: string;
  edit: (m: Message) => Message | string | undefined;
  /** Edit making the base conform to the rule when the example itself does not. */
  satisfied?: (m: Message) => Message | string | undefined;
  options?: ValidateOptions;
  /** Validate the edited Message object itself (bypassing the parser, for rules the parser would pre-empt). */
  asMessage?: boolean;
  /** Expected location of the first finding, when worth pinning. */
  location?: string;
}

const SEVERITY = new Map([...RULES, ...WORKFLOW_RULES].map((r) => [r.id, r.severity]));

function apply(c: RuleCase, f: (m: Message) => Message | string | undefined): Message | string {
  const m = example(c.base);
  const out = f(m);
  return out === undefined ? m : out;
}

function run(c: RuleCase, input: Message | string): ReturnType<typeof validateMessage> {
  const payload = typeof input === 'string' ? input : c.asMessage ? input : input.toString();
  return validateMessage(payload, c.options);
}

export function ruleCases(title: string, cases: readonly RuleCase[]): void {
  describe(title, () => {
    for (const c of cases) {
      it(`${c.rule} is reported when ${c.breaks} (${c.base})`, () => {
        const report = run(c, apply(c, c.edit));
        const found = report.issues.filter((i) => i.rule === c.rule);
        assert.ok(found.length > 0, `expected ${c.rule}; got ${JSON.stringify(report.issues.map((i) => `${i.rule} ${i.location}`))}`);
        assert.equal(found[0]!.severity, SEVERITY.get(c.rule), `${c.rule} severity`);
        assert.ok(found[0]!.message.length > 20, 'the message explains the problem');
        if (c.location) assert.equal(found[0]!.location, c.location);
      });
      it(`${c.rule} is not reported on a message that satisfies it (${c.base})`, () => {
        const report = run(c, apply(c, c.satisfied ?? (() => undefined)));
        const found = report.issues.filter((i) => i.rule === c.rule);
        assert.deepEqual(found, [], `unexpected ${c.rule}`);
      });
    }
  });
}
