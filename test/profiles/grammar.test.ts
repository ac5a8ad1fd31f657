import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupsNamed, matchStructure } from '../../src/profiles/structure/grammar.js';
import { GRAMMARS } from '../../src/profiles/structure/structures.js';
import { example, indexOf, insertSegment } from './fixtures.js';

const name = (s: { name: string }): string => s.name;

describe('structure grammar', () => {
  it('groups the flow-1 example into PATIENT, ORDER, ORDER_DETAIL and one OBSERVATION per OBX', () => {
    const m = example('flux1');
    const { tree, problems } = matchStructure(GRAMMARS.flux1, m.segments, name);
    assert.deepEqual(problems, []);
    assert.equal(groupsNamed(tree, 'ORDER').length, 1);
    assert.equal(groupsNamed(tree, 'OBSERVATION').length, 7);
    const modality = groupsNamed(tree, 'OBSERVATION')[0]!;
    assert.deepEqual(
      modality.items.map((s) => ('items' in s ? s.name : s.name)),
      ['OBX', 'NTE'],
    );
  });

  it('splits a flow-4 message with two exams into two ORDER groups', () => {
    const m = example('flux4');
    const order = m.segments.slice(indexOf(m, 'ORC'));
    m.segments.push(...order.map((s) => s));
    const { tree, problems } = matchStructure(GRAMMARS.flux4, m.segments, name);
    assert.deepEqual(problems, []);
    assert.equal(groupsNamed(tree, 'ORDER').length, 2);
  });

  it('reports one misplaced segment once and keeps matching what follows', () => {
    const m = example('flux1');
    insertSegment(m, indexOf(m, 'OBR'), 'PV1||O');
    const { tree, problems } = matchStructure(GRAMMARS.flux1, m.segments, (s) => s.name);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.rule, 'TLR-GEN-004');
    assert.equal(groupsNamed(tree, 'OBSERVATION').length, 7);
  });

  it('reports a missing leading segment where it belongs (ORDER without ORC)', () => {
    const m = example('flux4');
    m.segments.splice(indexOf(m, 'ORC'), 1);
    const { problems } = matchStructure(GRAMMARS.flux4, m.segments, name);
    assert.deepEqual(
      problems.map((p) => `${p.rule} ${p.location}`),
      ['TLR-F4-001 ORC'],
    );
  });
});
