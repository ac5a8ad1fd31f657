import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  applyEvent,
  EVENTS_BY_ROLE,
  ORDER_STATES,
  WORKFLOW_ROLES,
  type OrderEvent,
  type OrderState,
  type WorkflowRole,
} from '../../src/workflow/index.js';

/**
 * Expected outcomes written from README §5.2/§5.3 and the WF section of the conformance checklist,
 * independently of the transition table under test. `A:X` = accepted, next state X; `W:X` = accepted
 * with a warning, next state X; `R:nnn` = rejected with AR and ERR-3 nnn.
 */
type Expected = `A:${OrderState}` | `W:${OrderState}` | `R:${'204' | '205' | '207'}`;

const EXPECTED: ReadonlyArray<{ name: string; event: OrderEvent; cells: Record<OrderState, Expected> }> = [
  {
    name: 'flow 1 NW',
    event: { type: 'order' },
    cells: {
      NONE: 'A:REQUESTED',
      REQUESTED: 'R:205',
      CANCELLED: 'R:205',
      ACCEPTED: 'R:205',
      REJECTED: 'R:205',
      EXAM_DONE: 'R:205',
      COMPLEMENTED: 'R:205',
      REPORTED: 'R:205',
      PUBLISHED: 'R:205',
    },
  },
  {
    name: 'flow 2 CA',
    event: { type: 'cancellation' },
    cells: {
      NONE: 'R:204',
      REQUESTED: 'A:CANCELLED',
      CANCELLED: 'W:CANCELLED',
      ACCEPTED: 'A:CANCELLED',
      REJECTED: 'W:REJECTED',
      EXAM_DONE: 'A:CANCELLED',
      COMPLEMENTED: 'R:207',
      REPORTED: 'R:207',
      PUBLISHED: 'R:207',
    },
  },
  {
    name: 'flow 3 OK',
    event: { type: 'decision', accepted: true },
    cells: {
      NONE: 'R:204',
      REQUESTED: 'A:ACCEPTED',
      CANCELLED: 'W:CANCELLED',
      ACCEPTED: 'R:207',
      REJECTED: 'R:207',
      EXAM_DONE: 'R:207',
      COMPLEMENTED: 'R:207',
      REPORTED: 'R:207',
      PUBLISHED: 'R:207',
    },
  },
  {
    name: 'flow 3 OC',
    event: { type: 'decision', accepted: false },
    cells: {
      NONE: 'R:204',
      REQUESTED: 'A:REJECTED',
      CANCELLED: 'W:CANCELLED',
      ACCEPTED: 'R:207',
      REJECTED: 'R:207',
      EXAM_DONE: 'R:207',
      COMPLEMENTED: 'R:207',
      REPORTED: 'R:207',
      PUBLISHED: 'R:207',
    },
  },
  {
    name: 'exam performed (RIS internal)',
    event: { type: 'examPerformed' },
    cells: {
      NONE: 'R:204',
      REQUESTED: 'R:207',
      CANCELLED: 'R:207',
      ACCEPTED: 'A:EXAM_DONE',
      REJECTED: 'R:207',
      EXAM_DONE: 'A:EXAM_DONE',
      COMPLEMENTED: 'A:COMPLEMENTED',
      REPORTED: 'A:REPORTED',
      PUBLISHED: 'A:PUBLISHED',
    },
  },
  {
    name: 'flow 4 SR',
    event: { type: 'postExamInfo' },
    cells: {
      NONE: 'R:204',
      REQUESTED: 'R:207',
      CANCELLED: 'R:207',
      ACCEPTED: 'A:COMPLEMENTED',
      REJECTED: 'R:207',
      EXAM_DONE: 'A:COMPLEMENTED',
      COMPLEMENTED: 'A:COMPLEMENTED',
      REPORTED: 'W:COMPLEMENTED',
      PUBLISHED: 'W:COMPLEMENTED',
    },
  },
  {
    name: 'report T02',
    event: { type: 'report' },
    cells: {
      NONE: 'R:204',
      REQUESTED: 'R:207',
      CANCELLED: 'R:207',
      ACCEPTED: 'R:207',
      REJECTED: 'R:207',
      EXAM_DONE: 'R:207',
      COMPLEMENTED: 'A:REPORTED',
      REPORTED: 'A:REPORTED',
      PUBLISHED: 'A:REPORTED',
    },
  },
  {
    name: 'report replaced T10',
    event: { type: 'reportReplaced' },
    cells: {
      NONE: 'R:204',
      REQUESTED: 'R:207',
      CANCELLED: 'R:207',
      ACCEPTED: 'R:207',
      REJECTED: 'R:207',
      EXAM_DONE: 'R:207',
      COMPLEMENTED: 'R:207',
      REPORTED: 'A:REPORTED',
      PUBLISHED: 'A:REPORTED',
    },
  },
  {
    name: 'last report deleted T04',
    event: { type: 'reportDeleted', remainingReports: 0 },
    cells: {
      NONE: 'R:204',
      REQUESTED: 'R:207',
      CANCELLED: 'R:207',
      ACCEPTED: 'R:207',
      REJECTED: 'R:207',
      EXAM_DONE: 'R:207',
      COMPLEMENTED: 'R:207',
      REPORTED: 'A:COMPLEMENTED',
      PUBLISHED: 'A:COMPLEMENTED',
    },
  },
  {
    name: 'one of two reports deleted T04',
    event: { type: 'reportDeleted', remainingReports: 1 },
    cells: {
      NONE: 'R:204',
      REQUESTED: 'R:207',
      CANCELLED: 'R:207',
      ACCEPTED: 'R:207',
      REJECTED: 'R:207',
      EXAM_DONE: 'R:207',
      COMPLEMENTED: 'R:207',
      REPORTED: 'A:REPORTED',
      PUBLISHED: 'A:PUBLISHED',
    },
  },
  {
    name: 'published to the DMP (RIS internal)',
    event: { type: 'published' },
    cells: {
      NONE: 'R:204',
      REQUESTED: 'R:207',
      CANCELLED: 'R:207',
      ACCEPTED: 'R:207',
      REJECTED: 'R:207',
      EXAM_DONE: 'R:207',
      COMPLEMENTED: 'R:207',
      REPORTED: 'A:PUBLISHED',
      PUBLISHED: 'W:PUBLISHED',
    },
  },
];

function outcomeOf(state: OrderState, event: OrderEvent, role: WorkflowRole): Expected | string {
  const result = applyEvent(state, event, role);
  if (!result.accept) {
    assert.equal(result.ack, 'AR');
    assert.ok(result.message.length > 0);
    return `R:${result.errorCode}`;
  }
  assert.equal(result.ack, 'AA');
  assert.equal(result.changed, result.next !== state);
  return `${result.warning === undefined ? 'A' : 'W'}:${result.next}`;
}

for (const role of WORKFLOW_ROLES) {
  describe(`order workflow on the ${role} side`, () => {
    for (const row of EXPECTED) {
      if (!EVENTS_BY_ROLE[role].includes(row.event.type)) continue;
      for (const state of ORDER_STATES) {
        const expected = row.cells[state];
        const verb = expected.startsWith('R') ? `answers AR ${expected.slice(2)} to` : `moves to ${expected.slice(2)} on`;
        it(`${verb} ${row.name} in state ${state}${expected.startsWith('W') ? ' with a warning' : ''}`, () => {
          assert.equal(outcomeOf(state, row.event, role), expected);
        });
      }
    }
  });
}

describe('order workflow roles', () => {
  it('refuses RIS-internal events on the platform side', () => {
    for (const event of [{ type: 'examPerformed' }, { type: 'published' }] as const) {
      const result = applyEvent('REPORTED', event, 'platform');
      assert.equal(result.accept, false);
      assert.equal(!result.accept && result.errorCode, '207');
    }
  });

  it('runs the complete nominal path on the RIS side', () => {
    const path: Array<[OrderEvent, OrderState]> = [
      [{ type: 'order' }, 'REQUESTED'],
      [{ type: 'decision', accepted: true }, 'ACCEPTED'],
      [{ type: 'examPerformed' }, 'EXAM_DONE'],
      [{ type: 'postExamInfo' }, 'COMPLEMENTED'],
      [{ type: 'report' }, 'REPORTED'],
      [{ type: 'published' }, 'PUBLISHED'],
    ];
    let state: OrderState = 'NONE';
    for (const [event, expected] of path) {
      const result = applyEvent(state, event, 'ris');
      assert.ok(result.accept, `${event.type} in ${state}`);
      state = result.next;
      assert.equal(state, expected);
    }
  });

  it('names the conformance rule of the WF section it applies', () => {
    assert.equal(applyEvent('REQUESTED', { type: 'order' }, 'platform').rule, 'TLR-WF-002');
    assert.equal(applyEvent('NONE', { type: 'cancellation' }, 'platform').rule, 'TLR-WF-003');
    assert.equal(applyEvent('COMPLEMENTED', { type: 'cancellation' }, 'platform').rule, 'TLR-WF-004');
    assert.equal(applyEvent('REJECTED', { type: 'cancellation' }, 'platform').rule, 'TLR-WF-005');
    assert.equal(applyEvent('NONE', { type: 'decision', accepted: true }, 'ris').rule, 'TLR-WF-006');
    assert.equal(applyEvent('CANCELLED', { type: 'decision', accepted: false }, 'ris').rule, 'TLR-WF-007');
    assert.equal(applyEvent('ACCEPTED', { type: 'decision', accepted: true }, 'ris').rule, 'TLR-WF-008');
    assert.equal(applyEvent('NONE', { type: 'postExamInfo' }, 'platform').rule, 'TLR-WF-009');
    assert.equal(applyEvent('REQUESTED', { type: 'postExamInfo' }, 'platform').rule, 'TLR-WF-010');
  });

  it('explains the refusal of a cancellation after post-exam information in the ERR-8 text', () => {
    const result = applyEvent('COMPLEMENTED', { type: 'cancellation' }, 'platform');
    assert.ok(!result.accept);
    assert.match(result.message, /cancellation not allowed after post-exam information/);
  });
});
