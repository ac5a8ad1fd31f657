import { ruleCases } from './rule-cases.js';
import { indexOf, insertSegment, removeSegment } from './fixtures.js';

ruleCases('PID — patient (checklist §3)', [
  { rule: 'TLR-PID-001', base: 'flux1', breaks: 'PID is missing', edit: (m) => removeSegment(m, 'PID'), location: 'PID' },
  {
    rule: 'TLR-PID-001',
    base: 'flux4',
    breaks: 'PID appears twice',
    edit: (m) => insertSegment(m, indexOf(m, 'PID') + 1, m.segment('PID')!.toString()),
    location: 'PID[2]',
  },
  {
    rule: 'TLR-PID-002',
    base: 'flux1',
    breaks: 'PID-3 is empty',
    edit: (m) => {
      m.set('PID-3', '');
    },
  },
  {
    rule: 'TLR-PID-003',
    base: 'flux2',
    breaks: 'PID-5 has no family name',
    edit: (m) => {
      m.set('PID-5.1', '');
    },
  },
  {
    rule: 'TLR-PID-004',
    base: 'flux1',
    breaks: 'the INS has no identifier type',
    edit: (m) => {
      m.set('PID-3.5', '');
    },
    location: 'PID-3.5',
  },
  {
    rule: 'TLR-PID-005',
    base: 'flux1',
    breaks: 'the INS has identifier type NI',
    edit: (m) => {
      m.set('PID-3.5', 'NI');
    },
  },
  {
    rule: 'TLR-PID-006',
    base: 'flux3',
    breaks: 'the INS authority type is L',
    edit: (m) => {
      m.set('PID-3.4.3', 'L');
    },
  },
  {
    rule: 'TLR-PID-007',
    base: 'flux1',
    breaks: 'the NIR key is wrong',
    edit: (m) => {
      m.set('PID-3.1', '279035121518988');
    },
    location: 'PID-3.1',
  },
  {
    rule: 'TLR-PID-007',
    base: 'flux1',
    breaks: 'the NIR has 13 characters',
    edit: (m) => {
      m.set('PID-3.1', '2790351215189');
    },
  },
  {
    rule: 'TLR-PID-008',
    base: 'flux1',
    breaks: 'a test INS OID travels in a production message',
    edit: () => undefined,
    satisfied: (m) => {
      m.set('MSH-11', 'T');
    },
    location: 'PID-3.4.2',
  },
  {
    rule: 'TLR-PID-009',
    base: 'flux1',
    breaks: 'PID-32 is PROV with an INS',
    edit: (m) => {
      m.set('PID-32', 'PROV');
    },
  },
  {
    rule: 'TLR-PID-010',
    base: 'flux4',
    breaks: 'the birth name is not of type L',
    edit: (m) => {
      m.set('PID-5.7', 'D');
    },
  },
  {
    rule: 'TLR-PID-011',
    base: 'flux1',
    breaks: 'the birth date is missing',
    edit: (m) => {
      m.set('PID-7', '');
    },
    location: 'PID-7',
  },
  {
    rule: 'TLR-PID-012',
    base: 'flux1',
    breaks: 'PID-11 has no birthplace',
    edit: (m) => {
      m.segment('PID')!.setRaw(11, '28 Av de Breteuil^^PARIS^^75007^FRA^H');
    },
  },
  {
    rule: 'TLR-PID-013',
    base: 'flux1',
    breaks: 'PID-18 has no identifier',
    edit: (m) => {
      m.set('PID-18.1', '');
    },
  },
  {
    rule: 'TLR-PID-014',
    base: 'flux2',
    breaks: 'PID-32 is not a French 0445 code',
    edit: (m) => {
      m.segment('PID')!.setRaw(32, 'VALI~XXXX');
    },
    location: 'PID-32[2]',
  },
]);

ruleCases('PV1 — visit (checklist §4)', [
  {
    rule: 'TLR-PV1-001',
    base: 'flux1',
    breaks: 'PV1 is missing in flow 1',
    edit: (m) => removeSegment(m, 'PV1'),
    location: 'PATIENT_VISIT',
  },
  {
    rule: 'TLR-PV1-001',
    base: 'flux4',
    breaks: 'PV1 appears twice in flow 4',
    edit: (m) => insertSegment(m, indexOf(m, 'PV1') + 1, m.segment('PV1')!.toString()),
  },
  {
    rule: 'TLR-PV1-002',
    base: 'flux3',
    breaks: 'flow 3 carries two PV1',
    edit: (m) => {
      const pv1 = 'PV1||O|||||||||||||||||000897406^^^CHU-X&000897406&M^VN';
      insertSegment(m, indexOf(m, 'PID') + 1, pv1);
      insertSegment(m, indexOf(m, 'PID') + 2, pv1);
    },
  },
  {
    rule: 'TLR-PV1-003',
    base: 'flux1',
    breaks: 'PV1-2 is empty',
    edit: (m) => {
      m.set('PV1-2', '');
    },
  },
  {
    rule: 'TLR-PV1-004',
    base: 'flux2',
    breaks: 'PV1-2 is Z',
    edit: (m) => {
      m.set('PV1-2', 'Z');
    },
  },
  {
    rule: 'TLR-PV1-005',
    base: 'flux1',
    breaks: 'PV1-19 is empty for an outpatient',
    edit: (m) => {
      m.set('PV1-19', '');
    },
    satisfied: (m) => {
      m.set('PV1-2', 'N');
      m.set('PV1-19', '');
    },
    location: 'PV1-19.1',
  },
  {
    rule: 'TLR-PV1-006',
    base: 'flux4',
    breaks: 'PV1-45 is month 13',
    edit: (m) => {
      m.set('PV1-45', '20261301');
    },
    location: 'PV1-45.1',
  },
  {
    rule: 'TLR-PV1-007',
    base: 'flux4',
    breaks: 'the discharge precedes the admission',
    edit: (m) => {
      m.set('PV1-45', '20260101000000');
    },
  },
]);
