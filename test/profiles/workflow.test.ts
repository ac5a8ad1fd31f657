import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowProfile } from '../../src/profiles/index.js';
import type { OrderState } from '../../src/workflow/index.js';
import type { OrderHistoryView } from '../../src/workflow/checks/index.js';
import {
  evaluateWorkflow,
  messageFingerprint,
  messageKey,
  patientIdentifierKey,
  placerNumberKey,
} from '../../src/workflow/checks/index.js';
import type { ExampleName } from './fixtures.js';
import { example } from './fixtures.js';

const KEY = placerNumberKey('OPN101', '1.2.250.1.748.12345678.12');
const INS = patientIdentifierKey('279035121518989', 'ASIP-SANTE-INS-NIR', '1.2.250.1.213.1.4.10');
const FLOW: Record<FlowProfile, ExampleName> = { flux1: 'flux1', flux2: 'flux2', flux3: 'flux3', flux4: 'flux4' };

function view(state: OrderState, extra: Partial<OrderHistoryView> = {}): OrderHistoryView {
  return { state, knownPlacerNumbers: new Set(state === 'NONE' ? [] : [KEY]), ...extra };
}

function rules(profile: FlowProfile, v: OrderHistoryView): string[] {
  return evaluateWorkflow(example(FLOW[profile]), profile, v).map((f) => `${f.rule}@${f.severity}/${f.condition}`);
}

/** conformance-checklist.md §12 and README.md §5.3, one case per rule and state. */
const CASES: Array<{ name: string; profile: FlowProfile; view: OrderHistoryView; expect: string[] }> = [
  { name: 'TLR-WF-002: a new request for an unknown placer number is accepted', profile: 'flux1', view: view('NONE'), expect: [] },
  {
    name: 'TLR-WF-002: a request reusing a known placer number is rejected with 205',
    profile: 'flux1',
    view: view('REQUESTED'),
    expect: ['TLR-WF-002@error/205'],
  },
  {
    name: 'TLR-WF-003: a cancellation of an unknown order is rejected with 204',
    profile: 'flux2',
    view: view('NONE'),
    expect: ['TLR-WF-003@error/204'],
  },
  { name: 'TLR-WF-003/004: a cancellation of a requested order is accepted', profile: 'flux2', view: view('REQUESTED'), expect: [] },
  {
    name: 'TLR-WF-004: a cancellation of an accepted, not complemented order is accepted',
    profile: 'flux2',
    view: view('ACCEPTED'),
    expect: [],
  },
  {
    name: 'TLR-WF-004: a cancellation after flow 4 is rejected with 207',
    profile: 'flux2',
    view: view('COMPLEMENTED'),
    expect: ['TLR-WF-004@error/207'],
  },
  {
    name: 'TLR-WF-005: a cancellation of a cancelled order is a warning only',
    profile: 'flux2',
    view: view('CANCELLED'),
    expect: ['TLR-WF-005@warning/207'],
  },
  {
    name: 'TLR-WF-005: a cancellation of a rejected order is a warning only',
    profile: 'flux2',
    view: view('REJECTED'),
    expect: ['TLR-WF-005@warning/207'],
  },
  {
    name: 'TLR-WF-006: a response for an order this RIS never sent is rejected with 204',
    profile: 'flux3',
    view: view('NONE'),
    expect: ['TLR-WF-006@error/204'],
  },
  { name: 'TLR-WF-006/008: a response to a requested order is accepted', profile: 'flux3', view: view('REQUESTED'), expect: [] },
  {
    name: 'TLR-WF-007: a response crossing a cancellation is a warning only',
    profile: 'flux3',
    view: view('CANCELLED'),
    expect: ['TLR-WF-007@warning/207'],
  },
  {
    name: 'TLR-WF-008: a second decision is rejected with 207',
    profile: 'flux3',
    view: view('ACCEPTED'),
    expect: ['TLR-WF-008@error/207'],
  },
  {
    name: 'TLR-WF-009: post-exam information for an unknown order is rejected with 204',
    profile: 'flux4',
    view: view('NONE'),
    expect: ['TLR-WF-009@error/204'],
  },
  { name: 'TLR-WF-010: post-exam information for an accepted order is accepted', profile: 'flux4', view: view('ACCEPTED'), expect: [] },
  {
    name: 'TLR-WF-010: post-exam information may repeat on a complemented order',
    profile: 'flux4',
    view: view('COMPLEMENTED'),
    expect: [],
  },
  {
    name: 'TLR-WF-010: post-exam information for a request not yet accepted is rejected with 207',
    profile: 'flux4',
    view: view('REQUESTED'),
    expect: ['TLR-WF-010@error/207'],
  },
  {
    name: 'TLR-WF-010: post-exam information for a refused order is rejected with 207',
    profile: 'flux4',
    view: view('REJECTED'),
    expect: ['TLR-WF-010@error/207'],
  },
  {
    name: 'TLR-WF-011: the patient of flow 4 matches the INS sent in flow 1',
    profile: 'flux4',
    view: view('ACCEPTED', { patientIdentifiers: new Set([INS]) }),
    expect: [],
  },
  {
    name: 'TLR-WF-011: a cancellation naming another patient is a warning',
    profile: 'flux2',
    view: view('REQUESTED', { patientIdentifiers: new Set([patientIdentifierKey('123', 'CHU', '1.2.3')]) }),
    expect: ['TLR-WF-011@warning/204'],
  },
  {
    name: 'TLR-WF-012: a StudyInstanceUID already received for this order is fine',
    profile: 'flux4',
    view: view('COMPLEMENTED', { studyInstanceUids: new Map([['1.2.250.1.213.4.5.2.1.101', KEY]]) }),
    expect: [],
  },
  {
    name: 'TLR-WF-012: a StudyInstanceUID already received for another order is a warning',
    profile: 'flux4',
    view: view('COMPLEMENTED', { studyInstanceUids: new Map([['1.2.250.1.213.4.5.2.1.101', placerNumberKey('OPN7', '1.2.3')]]) }),
    expect: ['TLR-WF-012@warning/205'],
  },
];

describe('workflow rules over an order-history view (checklist §12)', () => {
  for (const c of CASES) it(c.name, () => assert.deepEqual(rules(c.profile, c.view), c.expect));

  it('TLR-WF-001: a re-delivered message (same sender, control id and content) is reported alone, not re-evaluated', () => {
    const m = example('flux1');
    const processed = new Map([[messageKey(m.header), messageFingerprint(m)]]);
    assert.deepEqual(rules('flux1', view('REQUESTED', { processedMessages: processed })), ['TLR-WF-001@warning/0']);
  });

  it('TLR-MSH-016: a control id reused by the same sender for a different message is a warning', () => {
    const other = example('flux1');
    other.set('ORC-9', '20260106140000');
    const processed = new Map([[messageKey(other.header), messageFingerprint(other)]]);
    assert.deepEqual(rules('flux1', view('NONE', { processedMessages: processed })), ['TLR-MSH-016@warning/205']);
  });

  it('TLR-MSH-016: a control id used by another sender is not a reuse', () => {
    const other = example('flux1');
    other.set('MSH-3', 'OtherRIS');
    other.set('ORC-9', '20260106140000');
    const processed = new Map([[messageKey(other.header), messageFingerprint(other)]]);
    assert.deepEqual(rules('flux1', view('NONE', { processedMessages: processed })), []);
  });
});
