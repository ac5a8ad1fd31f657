import type { Message } from '../../src/hl7/index.js';
import { ruleCases } from './rule-cases.js';
import { acknowledgedHeader, indexOf, insertSegment, removeSegment } from './fixtures.js';

const correlated = { acknowledged: acknowledgedHeader() };
/** The guide's ACK with the trigger event fixed (O01), i.e. conforming to TLR-ACK-006. */
const fixTrigger = (m: Message): Message => {
  m.set('MSH-9.2', 'O01');
  return m;
};
const text = (m: Message): string => m.toString();

ruleCases('ACK — acknowledgements (checklist §11)', [
  {
    rule: 'TLR-ACK-001',
    base: 'ackAA',
    breaks: 'MSA is missing',
    edit: (m) => removeSegment(m, 'MSA'),
    options: correlated,
    location: 'MSA',
  },
  {
    rule: 'TLR-ACK-001',
    base: 'ackAE',
    breaks: 'ERR precedes MSA',
    edit: (m) => {
      const err = m.segments.pop()!;
      m.segments.splice(1, 0, err);
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-002',
    base: 'ackAA',
    breaks: 'a UAC is sent',
    edit: (m) => insertSegment(m, indexOf(m, 'MSA'), 'UAC|KERB^token'),
    options: correlated,
  },
  { rule: 'TLR-ACK-003', base: 'ackAA', breaks: 'the field separator is #', edit: (m) => text(m).replace(/\|/g, '#'), options: correlated },
  {
    rule: 'TLR-ACK-004',
    base: 'ackAA',
    breaks: 'MSH-7 is empty',
    edit: (m) => {
      m.set('MSH-7', '');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-005',
    base: 'ackAA',
    breaks: 'MSH-9 is ACK^A01^ACK (validated as ack on request)',
    edit: (m) => {
      m.set('MSH-9.2', 'A01');
    },
    options: { ...correlated, profile: 'ack' },
  },
  {
    rule: 'TLR-ACK-006',
    base: 'ackAA',
    breaks: 'an ORM^O01 is acknowledged with ACK^R01^ACK (guide example)',
    edit: () => undefined,
    satisfied: fixTrigger,
    options: correlated,
    location: 'MSH-9.2',
  },
  {
    rule: 'TLR-ACK-007',
    base: 'ackAA',
    breaks: 'MSH-10 is empty',
    edit: (m) => {
      m.set('MSH-10', '');
    },
    options: correlated,
    asMessage: true,
  },
  {
    rule: 'TLR-ACK-008',
    base: 'ackAA',
    breaks: 'the ACK reuses the original control id',
    edit: (m) => {
      m.set('MSH-10', '12345');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-009',
    base: 'ackAA',
    breaks: 'MSH-11 is X',
    edit: (m) => {
      m.set('MSH-11', 'X');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-010',
    base: 'ackAA',
    breaks: 'MSH-11 is T while the original is P',
    edit: (m) => {
      m.set('MSH-11', 'T');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-011',
    base: 'ackAE',
    breaks: 'MSH-12 is 2.3',
    edit: (m) => {
      m.set('MSH-12', '2.3');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-012',
    base: 'ackAA',
    breaks: 'MSH-17 is empty',
    edit: (m) => {
      m.set('MSH-17', '');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-013',
    base: 'ackAA',
    breaks: 'MSH-18 is ASCII',
    edit: (m) => {
      m.set('MSH-18', 'ASCII');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-014',
    base: 'ackAA',
    breaks: 'the ACK is addressed to the platform itself',
    edit: (m) => {
      m.set('MSH-5', 'TLRapp');
    },
    options: correlated,
    location: 'MSH-5',
  },
  {
    rule: 'TLR-ACK-015',
    base: 'ackAA',
    breaks: 'MSA-1 is the enhanced-mode CA',
    edit: (m) => {
      m.set('MSA-1', 'CA');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-016',
    base: 'ackAA',
    breaks: 'MSA-2 is empty',
    edit: (m) => {
      m.set('MSA-2', '');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-017',
    base: 'ackAA',
    breaks: 'MSA-2 names another message',
    edit: (m) => {
      m.set('MSA-2', '99999');
    },
    options: correlated,
    location: 'MSA-2',
  },
  { rule: 'TLR-ACK-018', base: 'ackAE', breaks: 'an AE has no ERR', edit: (m) => removeSegment(m, 'ERR'), options: correlated },
  {
    rule: 'TLR-ACK-019',
    base: 'ackAE',
    breaks: 'ERR-3.1 is 999',
    edit: (m) => {
      m.set('ERR-3.1', '999');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-020',
    base: 'ackAE',
    breaks: 'ERR-3.3 is HL70358',
    edit: (m) => {
      m.set('ERR-3.3', 'HL70358');
    },
    satisfied: (m) => {
      m.set('ERR-3.3', 'HL70357');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-021',
    base: 'ackAE',
    breaks: 'ERR-4 is F',
    edit: (m) => {
      m.set('ERR-4', 'F');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-022',
    base: 'ackAE',
    breaks: 'ERR-2 has a non-numeric sequence',
    edit: (m) => {
      m.set('ERR-2.2', 'a');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-023',
    base: 'ackAE',
    breaks: 'an AA carries an ERR of severity E',
    edit: (m) => {
      m.set('MSA-1', 'AA');
    },
    options: correlated,
  },
  {
    rule: 'TLR-ACK-024',
    base: 'ackAE',
    breaks: 'an AE carries only a warning',
    edit: (m) => {
      m.set('ERR-4', 'W');
    },
    options: correlated,
  },
]);
