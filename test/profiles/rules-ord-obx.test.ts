import { ruleCases } from './rule-cases.js';
import { GOOD_VIEWER_URL, insertSegment } from './fixtures.js';

ruleCases('ORD — ORC/OBR patterns (checklist §5)', [
  {
    rule: 'TLR-ORD-001',
    base: 'flux1',
    breaks: 'ORC-2.1 is empty',
    edit: (m) => {
      m.set('ORC-2.1', '');
    },
    location: 'ORC-2.1',
  },
  {
    rule: 'TLR-ORD-002',
    base: 'flux4',
    breaks: 'ORC-2.3 is empty',
    edit: (m) => {
      m.set('ORC-2.3', '');
    },
  },
  {
    rule: 'TLR-ORD-003',
    base: 'flux3',
    breaks: 'ORC-2.4 is empty',
    edit: (m) => {
      m.set('ORC-2.4', '');
    },
  },
  {
    rule: 'TLR-ORD-004',
    base: 'flux1',
    breaks: 'ORC-2.4 is L',
    edit: (m) => {
      m.set('ORC-2.4', 'L');
    },
  },
  {
    rule: 'TLR-ORD-005',
    base: 'flux2',
    breaks: 'ORC-2.3 is not an OID while ORC-2.4 = ISO',
    edit: (m) => {
      m.set('ORC-2.3', 'RIS-CHU');
      m.set('OBR-2.3', 'RIS-CHU');
    },
  },
  {
    rule: 'TLR-ORD-006',
    base: 'flux1',
    breaks: 'OBR-2.1 differs from ORC-2.1',
    edit: (m) => {
      m.set('OBR-2.1', 'OPN999');
    },
    location: 'OBR-2.1',
  },
  {
    rule: 'TLR-ORD-007',
    base: 'flux3',
    breaks: 'OBR-4.3 is not TLR_OBR_PROCEDURE',
    edit: (m) => {
      m.set('OBR-4.3', 'LN');
    },
  },
  {
    rule: 'TLR-ORD-007',
    base: 'flux4',
    breaks: 'OBR-4.1 is empty',
    edit: (m) => {
      m.set('OBR-4.1', '');
    },
  },
  {
    rule: 'TLR-ORD-008',
    base: 'flux1',
    breaks: 'a request carries the cancellation procedure code',
    edit: (m) => {
      m.set('OBR-4.1', 'ANNULATION_DEMANDE');
    },
    location: 'OBR-4.1',
  },
  {
    rule: 'TLR-ORD-009',
    base: 'flux1',
    breaks: 'ORC-12.1 is empty',
    edit: (m) => {
      m.set('ORC-12.1', '');
    },
  },
  {
    rule: 'TLR-ORD-010',
    base: 'flux2',
    breaks: 'ORC-12.2 is empty',
    edit: (m) => {
      m.set('ORC-12.2', '');
    },
  },
  {
    rule: 'TLR-ORD-011',
    base: 'flux3',
    breaks: 'ORC-12.3 is empty',
    edit: (m) => {
      m.set('ORC-12.3', '');
    },
  },
  {
    rule: 'TLR-ORD-012',
    base: 'flux1',
    breaks: 'ORC-12.9.2 is not the PS_IdNat OID',
    edit: (m) => {
      m.set('ORC-12.9.2', '1.2.250.1.71.4.2.2');
    },
    location: 'ORC-12.9.2',
  },
  {
    rule: 'TLR-ORD-013',
    base: 'flux1',
    breaks: 'ORC-12.9.3 is L',
    edit: (m) => {
      m.set('ORC-12.9.3', 'L');
    },
  },
  {
    rule: 'TLR-ORD-014',
    base: 'flux1',
    breaks: 'ORC-12.13 is empty',
    edit: (m) => {
      m.set('ORC-12.13', '');
    },
  },
  {
    rule: 'TLR-ORD-015',
    base: 'flux1',
    breaks: 'ORC-12.13 is RPPS',
    edit: (m) => {
      m.set('ORC-12.13', 'RPPS');
    },
  },
  {
    rule: 'TLR-ORD-016',
    base: 'flux3',
    breaks: 'ORC-12.1 starts with 8 but is too short',
    edit: (m) => {
      m.set('ORC-12.1', '8012345');
    },
  },
  {
    rule: 'TLR-ORD-017',
    base: 'flux1',
    breaks: 'OBR-16 names another professional',
    edit: (m) => {
      m.set('OBR-16.2', 'Autre');
    },
    location: 'OBR-16.2',
  },
  {
    rule: 'TLR-ORD-017',
    base: 'flux3',
    breaks: 'OBR-16 has another assigning authority',
    edit: (m) => {
      m.set('OBR-16.9.2', '1.2.3');
    },
  },
  {
    rule: 'TLR-ORD-018',
    base: 'flux1',
    breaks: 'ORC-17.3 is not TLR_TYPE_ORGANISATION',
    edit: (m) => {
      m.set('ORC-17.3', 'L');
    },
  },
  {
    rule: 'TLR-ORD-019',
    base: 'flux3',
    breaks: 'the platform response says STRUCTURE_IMAGERIE',
    edit: (m) => {
      m.set('ORC-17.1', 'STRUCTURE_IMAGERIE');
    },
  },
  {
    rule: 'TLR-ORD-019',
    base: 'flux2',
    breaks: 'the cancellation says PLATEFORME_TLR',
    edit: (m) => {
      m.set('ORC-17.1', 'PLATEFORME_TLR');
    },
  },
  {
    rule: 'TLR-ORD-020',
    base: 'flux1',
    breaks: 'ORC-21.1 is empty',
    edit: (m) => {
      m.set('ORC-21.1', '');
    },
  },
  {
    rule: 'TLR-ORD-021',
    base: 'flux1',
    breaks: 'ORC-21.6 is empty',
    edit: (m) => {
      m.set('ORC-21.6', '');
    },
  },
  {
    rule: 'TLR-ORD-022',
    base: 'flux2',
    breaks: 'ORC-21.7 is SIRET',
    edit: (m) => {
      m.set('ORC-21.7', 'SIRET');
    },
  },
  {
    rule: 'TLR-ORD-023',
    base: 'flux3',
    breaks: 'ORC-21.10 is empty',
    edit: (m) => {
      m.set('ORC-21.10', '');
    },
  },
  {
    rule: 'TLR-ORD-024',
    base: 'flux1',
    breaks: 'a FINEG identifier has another authority',
    edit: (m) => {
      m.set('ORC-21.6.2', '1.2.3.4');
    },
    satisfied: (m) => {
      m.set('ORC-21.7', 'UF');
      m.set('ORC-21.6.2', '1.2.3.4');
    },
  },
  {
    rule: 'TLR-ORD-025',
    base: 'flux1',
    breaks: 'a FINEG identifier has 5 characters',
    edit: (m) => {
      m.set('ORC-21.10', '30001');
    },
  },
  {
    rule: 'TLR-ORD-026',
    base: 'flux1',
    breaks: 'IDNST carries a bare FINESS',
    edit: (m) => {
      m.set('ORC-21.7', 'IDNST');
    },
    satisfied: (m) => {
      m.set('ORC-21.7', 'IDNST');
      m.set('ORC-21.10', '1300017985');
    },
  },
  {
    rule: 'TLR-ORD-027',
    base: 'flux1',
    breaks: 'ORC-9 is empty',
    edit: (m) => {
      m.set('ORC-9', '');
    },
  },
  {
    rule: 'TLR-ORD-027',
    base: 'flux2',
    breaks: 'ORC-9 is not a date',
    edit: (m) => {
      m.set('ORC-9', 'yesterday');
    },
  },
  {
    rule: 'TLR-ORD-028',
    base: 'flux1',
    breaks: 'ORC-11 has another assigning authority',
    edit: (m) => {
      m.set('ORC-11.9.2', '1.2.3');
    },
    location: 'ORC-11',
  },
  {
    rule: 'TLR-ORD-029',
    base: 'flux1',
    breaks: 'ORC-14 carries no number',
    edit: (m) => {
      m.segment('ORC')!.setRaw(14, '^PRN^CP');
    },
  },
  {
    rule: 'TLR-ORD-030',
    base: 'flux2',
    breaks: 'ORC-16 has only a coding system',
    edit: (m) => {
      m.segment('ORC')!.setRaw(16, '^^LOCAL');
    },
  },
  {
    rule: 'TLR-ORD-031',
    base: 'flux2',
    breaks: 'ORC-16.1 has no coding system',
    edit: (m) => {
      m.segment('ORC')!.setRaw(16, 'DOUBLON^Demande en double');
    },
    satisfied: (m) => {
      m.segment('ORC')!.setRaw(16, 'DOUBLON^Demande en double^LOCAL');
    },
  },
]);

const HISTORY = 'OBX|8|FT|11322-5^History of General health Narrative^LN||Autre antécédent|||PERTINENT|||O';

ruleCases('OBX — generic rules (checklist §6)', [
  {
    rule: 'TLR-OBX-001',
    base: 'flux1',
    breaks: 'OBX-1 is a letter',
    edit: (m) => {
      m.set('OBX-1', 'a');
    },
    location: 'OBX-1',
  },
  {
    rule: 'TLR-OBX-002',
    base: 'flux1',
    breaks: 'the second OBX is numbered 5',
    edit: (m) => {
      m.set('OBX[2]-1', '5');
    },
    location: 'OBX[2]-1',
  },
  {
    rule: 'TLR-OBX-003',
    base: 'flux4',
    breaks: 'OBX-2 is empty',
    edit: (m) => {
      m.set('OBX[3]-2', '');
    },
  },
  {
    rule: 'TLR-OBX-004',
    base: 'flux1',
    breaks: 'OBX-3.3 is empty',
    edit: (m) => {
      m.set('OBX-3.3', '');
    },
    location: 'OBX-3.3',
  },
  {
    rule: 'TLR-OBX-005',
    base: 'flux1',
    breaks: 'an observation the flow does not define is sent',
    edit: (m) => {
      m.set('OBX[4]-3.1', '8867-4');
    },
  },
  {
    rule: 'TLR-OBX-005',
    base: 'flux3',
    breaks: 'a flow-1 observation is sent in flow 3',
    edit: (m) => {
      m.set('OBX-3.1', 'MODALITE_IMAGERIE');
    },
  },
  {
    rule: 'TLR-OBX-006',
    base: 'flux1',
    breaks: 'a local code is given coding system LN',
    edit: (m) => {
      m.set('OBX-3.3', 'LN');
    },
  },
  {
    rule: 'TLR-OBX-006',
    base: 'flux1',
    breaks: 'a LOINC code is given coding system TLR_OBSERVATION',
    edit: (m) => {
      m.set('OBX[5]-3.3', 'TLR_OBSERVATION');
    },
  },
  {
    rule: 'TLR-OBX-007',
    base: 'flux1',
    breaks: 'OBX-5 is empty',
    edit: (m) => {
      m.set('OBX[5]-5', '');
    },
  },
  {
    rule: 'TLR-OBX-008',
    base: 'flux1',
    breaks: 'the NM height is not a number',
    edit: (m) => {
      m.set('OBX[5]-5', '1m70');
    },
    location: 'OBX[5]-5',
  },
  {
    rule: 'TLR-OBX-008',
    base: 'flux4',
    breaks: 'the CE procedure has no code',
    edit: (m) => {
      m.segment('OBX', 2)!.setRaw(5, '^résonance magnétique cerveau^LN');
    },
  },
  {
    rule: 'TLR-OBX-008',
    base: 'flux4',
    breaks: 'the ED viewer URL has no encoding',
    edit: (m) => {
      m.set('OBX-5.4', '');
    },
  },
  {
    rule: 'TLR-OBX-009',
    base: 'flux3',
    breaks: 'OBX-11 is empty',
    edit: (m) => {
      m.set('OBX-11', '');
    },
  },
  {
    rule: 'TLR-OBX-010',
    base: 'flux1',
    breaks: 'a flow-1 OBX is final (F)',
    edit: (m) => {
      m.set('OBX-11', 'F');
    },
  },
  {
    rule: 'TLR-OBX-010',
    base: 'flux4',
    breaks: 'a flow-4 OBX is order detail (O)',
    edit: (m) => {
      m.set('OBX-11', 'O');
    },
  },
  {
    rule: 'TLR-OBX-011',
    base: 'flux1',
    breaks: 'OBX-4 is 1.a',
    edit: (m) => {
      m.set('OBX[4]-4', '1.a');
    },
  },
  {
    rule: 'TLR-OBX-012',
    base: 'flux1',
    breaks: 'a region has Sub-ID 1 without m',
    edit: (m) => {
      m.set('OBX[2]-4', '1');
    },
  },
  {
    rule: 'TLR-OBX-012',
    base: 'flux4',
    breaks: 'a product has no Sub-ID',
    edit: (m) => {
      m.set('OBX[6]-4', '');
    },
  },
  {
    rule: 'TLR-OBX-013',
    base: 'flux1',
    breaks: 'two history OBX have no Sub-ID',
    edit: (m) => insertSegment(m, m.segments.length, HISTORY),
    satisfied: (m) => {
      insertSegment(m, m.segments.length, HISTORY);
      m.set('OBX[4]-4', '1.1');
      m.set('OBX[8]-4', '2.1');
    },
  },
  {
    rule: 'TLR-OBX-014',
    base: 'flux1',
    breaks: 'two regions share Sub-ID 1.1',
    edit: (m) => {
      m.set('OBX[3]-4', '1.1');
    },
    location: 'OBX[3]-4',
  },
  {
    rule: 'TLR-OBX-015',
    base: 'flux4',
    breaks: 'a device has Sub-ID 1.3',
    edit: (m) => {
      m.set('OBX[10]-4', '1.3');
    },
  },
  {
    rule: 'TLR-OBX-015',
    base: 'flux1',
    breaks: 'a region has Sub-ID 1.3',
    edit: (m) => {
      m.set('OBX[3]-4', '1.3');
    },
  },
  {
    rule: 'TLR-OBX-016',
    base: 'flux3',
    breaks: 'the protocol is not base64 (guide example)',
    edit: () => undefined,
    satisfied: (m) => {
      m.set('OBX-5.5', Buffer.from('%PDF-1.4 protocole IRM').toString('base64'));
    },
  },
  {
    rule: 'TLR-OBX-016',
    base: 'flux4',
    breaks: 'the viewer URL contains a space',
    edit: (m) => {
      m.set('OBX-5.5', 'aHR0 cHM6');
    },
    satisfied: (m) => {
      m.set('OBX-5.5', GOOD_VIEWER_URL);
    },
  },
]);
