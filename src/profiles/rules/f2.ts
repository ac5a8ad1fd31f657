import type { Profile } from '../types.js';
import type { RuleContext, RuleDefinition } from './rule.js';
import { defineRule, observationCode } from './rule.js';
import { F1_OBSERVATION_RULES, reportOrderAlternatives } from './f1.js';
import { FLOW_OBSERVATIONS } from './obx.js';

/**
 * Flow 2 — cancellation, ORM^O01 CA (conformance-checklist.md §8). The OBSERVATION groups are
 * optional and undefined by the guide: OBX with a flow-1 code are checked against the flow-1
 * rules, but only as warnings (TLR-F2-004). TLR-F2-001 is carried by the message structure.
 */

const F2: readonly Profile[] = ['flux2'];

export const F2_002 = defineRule({
  id: 'TLR-F2-002',
  severity: 'warning',
  condition: '100',
  profiles: F2,
  scope: 'message',
  summary: 'No RQD, RQ1, RXO, ODS or ODT segment.',
  evaluate(ctx) {
    reportOrderAlternatives(ctx, F2_002);
  },
});

export const F2_003 = defineRule({
  id: 'TLR-F2-003',
  severity: 'warning',
  condition: '103',
  profiles: F2,
  scope: 'observation',
  summary: 'An OBX present in F2 whose OBX-3 is not a flow-1 observation.',
  evaluate(ctx) {
    for (const g of ctx.orders) {
      for (const obx of g.observations) {
        const code = observationCode(obx);
        if (!FLOW_OBSERVATIONS.flux1.includes(code)) {
          ctx.report(
            F2_003,
            ctx.at(obx, '3'),
            `Observation "${code}" in a cancellation is not one of the flow-1 observations (${FLOW_OBSERVATIONS.flux1.join(', ')}); ` +
              `the guide defines no OBX for flow 2`,
          );
        }
      }
    }
  },
});

export const F2_004 = defineRule({
  id: 'TLR-F2-004',
  severity: 'warning',
  condition: '103',
  profiles: F2,
  scope: 'observation',
  summary: 'An OBX present in F2 with a flow-1 observation code that violates the corresponding F1 rule (F1-009…F1-030).',
  evaluate(ctx) {
    // Re-run the flow-1 observation rules on the same groups; each of their findings becomes a F2-004 warning naming the flow-1 rule.
    const asFlow1: RuleContext = {
      ...ctx,
      profile: 'flux1',
      at: ctx.at,
      report: (rule, location, message, overrides) =>
        ctx.report(F2_004, location, `${message} (flow-1 rule ${rule.id})`, { condition: overrides?.condition ?? rule.condition }),
    };
    for (const rule of F1_OBSERVATION_RULES) rule.evaluate(asFlow1);
  },
});

export const F2_RULES: readonly RuleDefinition[] = [F2_002, F2_003, F2_004];
