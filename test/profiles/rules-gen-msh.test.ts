import type { Message } from '../../src/hl7/index.js';
import { ruleCases } from './rule-cases.js';
import { indexOf, insertSegment } from './fixtures.js';

const text = (m: Message): string => m.toString();
const PARTNERS = {
  imagingFacility: { application: 'StructureApp', facility: 'StructureFacility' },
  platform: { application: 'TLRapp', facility: 'TLRfacility' },
};

ruleCases('GEN — message level (checklist §1)', [
  {
    rule: 'TLR-GEN-001',
    base: 'flux1',
    breaks: 'the message does not start with MSH',
    edit: (m) => text(m).slice(text(m).indexOf('PID')),
    location: 'MSH',
  },
  {
    rule: 'TLR-GEN-001',
    base: 'flux2',
    breaks: 'a segment id is not three upper-case characters',
    edit: (m) => text(m).replace('\rPV1|', '\rpv1|'),
  },
  {
    rule: 'TLR-GEN-002',
    base: 'flux4',
    breaks: 'MSH-9 is written OMI_023 with a digit zero',
    edit: (m) => {
      m.set('MSH-9.3', 'OMI_023');
    },
    location: 'MSH-9',
  },
  {
    rule: 'TLR-GEN-003',
    base: 'flux1',
    breaks: 'ORC-1 is XX, no flow of the volet',
    edit: (m) => {
      m.set('ORC-1', 'XX');
    },
    location: 'ORC-1',
  },
  {
    rule: 'TLR-GEN-003',
    base: 'flux1',
    breaks: 'the message validated as flux1 on request is a cancellation',
    edit: (m) => {
      m.set('ORC-1', 'CA');
    },
    options: { profile: 'flux1' },
  },
  {
    rule: 'TLR-GEN-004',
    base: 'flux1',
    breaks: 'a segment the ORM_O01 structure does not allow follows ORC',
    edit: (m) => insertSegment(m, indexOf(m, 'ORC') + 1, 'NK1|1|DOE^JOHN'),
    location: 'NK1',
  },
  {
    rule: 'TLR-GEN-004',
    base: 'flux3',
    breaks: 'a next-of-kin segment follows OBR',
    edit: (m) => insertSegment(m, indexOf(m, 'OBR') + 1, 'NK1|1|DOE^JOHN'),
  },
  {
    rule: 'TLR-GEN-005',
    base: 'flux1',
    breaks: 'PID-7 is 30 February',
    edit: (m) => {
      m.set('PID-7', '19790230');
    },
    location: 'PID-7',
  },
  {
    rule: 'TLR-GEN-005',
    base: 'flux3',
    breaks: 'MSH-7 has letters',
    edit: (m) => {
      m.set('MSH-7', '2026010616441A');
    },
  },
  {
    rule: 'TLR-GEN-006',
    base: 'flux1',
    breaks: 'MSH-18 = 8859/15 but the text contains ’ (U+2019)',
    edit: (m) => {
      m.set('MSH-18', '8859/15');
    },
  },
  {
    rule: 'TLR-GEN-007',
    base: 'flux2',
    breaks: 'the cancellation carries two ORDER groups',
    edit: (m) => `${text(m)}${m.segment('ORC')!.toString()}\r${m.segment('OBR')!.toString()}\r`,
  },
  { rule: 'TLR-GEN-008', base: 'flux1', breaks: 'segments are separated by LF', edit: (m) => text(m).replace(/\r/g, '\n') },
  { rule: 'TLR-GEN-008', base: 'flux4', breaks: 'segments are separated by CRLF', edit: (m) => text(m).replace(/\r/g, '\r\n') },
]);

ruleCases('MSH — business messages (checklist §2)', [
  { rule: 'TLR-MSH-001', base: 'flux2', breaks: 'the field separator is #', edit: (m) => text(m).replace(/\|/g, '#'), location: 'MSH-1' },
  {
    rule: 'TLR-MSH-002',
    base: 'flux2',
    breaks: 'the component separator is $',
    edit: (m) => text(m).replace(/\^/g, '$'),
    location: 'MSH-2',
  },
  {
    rule: 'TLR-MSH-003',
    base: 'flux1',
    breaks: 'MSH-3 is empty',
    edit: (m) => {
      m.set('MSH-3', '');
    },
    location: 'MSH-3',
  },
  {
    rule: 'TLR-MSH-004',
    base: 'flux1',
    breaks: 'MSH-4 is empty',
    edit: (m) => {
      m.set('MSH-4', '');
    },
  },
  {
    rule: 'TLR-MSH-005',
    base: 'flux1',
    breaks: 'MSH-5 is empty',
    edit: (m) => {
      m.set('MSH-5', '');
    },
  },
  {
    rule: 'TLR-MSH-006',
    base: 'flux1',
    breaks: 'MSH-6 holds the HL7 null ""',
    edit: (m) => {
      m.msh.setRaw(6, '""');
    },
  },
  {
    rule: 'TLR-MSH-007',
    base: 'flux3',
    breaks: 'MSH-7 is empty',
    edit: (m) => {
      m.set('MSH-7', '');
    },
  },
  {
    rule: 'TLR-MSH-008',
    base: 'flux1',
    breaks: 'MSH-9.3 is missing (validated as flux1 on request)',
    edit: (m) => {
      m.msh.setRaw(9, 'ORM^O01');
    },
    options: { profile: 'flux1' },
    location: 'MSH-9.3',
  },
  {
    rule: 'TLR-MSH-009',
    base: 'flux1',
    breaks: 'MSH-10 is empty',
    edit: (m) => {
      m.set('MSH-10', '');
    },
    asMessage: true,
  },
  {
    rule: 'TLR-MSH-010',
    base: 'flux4',
    breaks: 'MSH-11 is X',
    edit: (m) => {
      m.set('MSH-11', 'X');
    },
  },
  {
    rule: 'TLR-MSH-011',
    base: 'flux1',
    breaks: 'MSH-12 is 2.4',
    edit: (m) => {
      m.set('MSH-12', '2.4');
    },
    location: 'MSH-12.1',
  },
  {
    rule: 'TLR-MSH-012',
    base: 'flux1',
    breaks: 'MSH-17 is FR',
    edit: (m) => {
      m.set('MSH-17', 'FR');
    },
  },
  {
    rule: 'TLR-MSH-013',
    base: 'flux2',
    breaks: 'MSH-18 is 8859/1',
    edit: (m) => {
      m.set('MSH-18', '8859/1');
    },
  },
  {
    rule: 'TLR-MSH-014',
    base: 'flux1',
    breaks: 'MSH-21 names another profile',
    edit: (m) => {
      m.msh.setRaw(21, '1.0^OTHER_PROFILE');
    },
    location: 'MSH-21',
  },
  {
    rule: 'TLR-MSH-015',
    base: 'flux1',
    breaks: 'MSH-21 has profile version 2.0',
    edit: (m) => {
      m.set('MSH-21.1', '2.0');
    },
  },
  {
    rule: 'TLR-MSH-017',
    base: 'flux1',
    breaks: 'the platform appears as the sender of flow 1',
    edit: (m) => {
      m.set('MSH-3', 'TLRapp');
      m.set('MSH-4', 'TLRfacility');
    },
    options: { partners: PARTNERS },
  },
  {
    rule: 'TLR-MSH-017',
    base: 'flux3',
    breaks: 'an unknown application sends flow 3',
    edit: (m) => {
      m.set('MSH-3', 'OtherApp');
    },
    options: { partners: PARTNERS },
  },
]);
