import type { Message } from '../../src/hl7/index.js';
import { ruleCases } from './rule-cases.js';
import { GOOD_VIEWER_URL, indexOf, insertSegment, removeSegment } from './fixtures.js';

const after = (m: Message, id: string, occurrence: number, er7: string): Message => insertSegment(m, indexOf(m, id, occurrence) + 1, er7);
const MODALITY_F1 = 'OBX|8|CE|MODALITE_IMAGERIE^Modalité^TLR_OBSERVATION||CT^TDM^DCM||||||O';
const REGION_2 = (status: string): string =>
  `OBX|8|CE|REGION_ANATOMIQUE^Localisation^TLR_OBSERVATION|2.1|774007^tête et/ou cou^SCT||||||${status}`;

ruleCases('F1 — imaging request (checklist §7)', [
  { rule: 'TLR-F1-001', base: 'flux1', breaks: 'OBR is missing', edit: (m) => removeSegment(m, 'OBR') },
  {
    rule: 'TLR-F1-001',
    base: 'flux1',
    breaks: 'the ORDER group has two OBR',
    edit: (m) => after(m, 'OBX', 7, m.segment('OBR')!.toString()),
  },
  {
    rule: 'TLR-F1-002',
    base: 'flux1',
    breaks: 'the request has no OBX',
    edit: (m) => {
      m.segments.splice(indexOf(m, 'OBX'));
    },
    location: 'OBSERVATION',
  },
  { rule: 'TLR-F1-003', base: 'flux1', breaks: 'an RQD follows OBR', edit: (m) => after(m, 'OBR', 1, 'RQD|1') },
  {
    rule: 'TLR-F1-004',
    base: 'flux1',
    breaks: 'OBR-13 is empty',
    edit: (m) => {
      m.set('OBR-13', '');
    },
    location: 'OBR-13',
  },
  {
    rule: 'TLR-F1-005',
    base: 'flux1',
    breaks: 'the NTE after OBR has comment type RE',
    edit: (m) => {
      m.set('NTE-4.1', 'RE');
    },
    location: 'NTE-4.1',
  },
  {
    rule: 'TLR-F1-006',
    base: 'flux1',
    breaks: 'the NTE after OBR has no text',
    edit: (m) => {
      m.set('NTE-3', '');
    },
  },
  {
    rule: 'TLR-F1-007',
    base: 'flux1',
    breaks: 'there is no modality OBX',
    edit: (m) => {
      removeSegment(m, 'OBX', 1);
      removeSegment(m, 'NTE', 2);
    },
  },
  { rule: 'TLR-F1-008', base: 'flux1', breaks: 'two modality OBX are sent', edit: (m) => insertSegment(m, m.segments.length, MODALITY_F1) },
  {
    rule: 'TLR-F1-009',
    base: 'flux1',
    breaks: 'the modality is typed CWE',
    edit: (m) => {
      m.set('OBX-2', 'CWE');
    },
  },
  {
    rule: 'TLR-F1-010',
    base: 'flux1',
    breaks: 'the modality coding system is SCT',
    edit: (m) => {
      m.set('OBX-5.3', 'SCT');
    },
  },
  {
    rule: 'TLR-F1-011',
    base: 'flux1',
    breaks: 'the modality XR is not in the JDV',
    edit: (m) => {
      m.set('OBX-5.1', 'XR');
    },
    location: 'OBX-5.1',
  },
  {
    rule: 'TLR-F1-011',
    base: 'flux1',
    breaks: 'a CI-SIS modality code is labelled DCM',
    edit: (m) => {
      m.set('OBX-5.1', 'MED-1126');
    },
    satisfied: (m) => {
      m.set('OBX-5.1', 'MED-1126');
      m.set('OBX-5.3', 'terminologie-cisis-fr');
    },
  },
  {
    rule: 'TLR-F1-012',
    base: 'flux1',
    breaks: 'the note on the modality has comment type FINALITE_EXAMEN',
    edit: (m) => {
      m.set('NTE[2]-4.1', 'FINALITE_EXAMEN');
    },
  },
  {
    rule: 'TLR-F1-013',
    base: 'flux1',
    breaks: 'there is no anatomical location',
    edit: (m) => {
      removeSegment(m, 'OBX', 2);
      removeSegment(m, 'OBX', 2);
    },
  },
  {
    rule: 'TLR-F1-014',
    base: 'flux1',
    breaks: 'the region is typed ST',
    edit: (m) => {
      m.set('OBX[2]-2', 'ST');
    },
  },
  {
    rule: 'TLR-F1-015',
    base: 'flux1',
    breaks: 'the region coding system is LN',
    edit: (m) => {
      m.set('OBX[3]-5.3', 'LN');
    },
  },
  {
    rule: 'TLR-F1-016',
    base: 'flux1',
    breaks: 'a qualifier 2.2 has no location 2.1',
    edit: (m) => {
      m.set('OBX[3]-4', '2.2');
    },
    location: 'OBX[3]-4',
  },
  {
    rule: 'TLR-F1-017',
    base: 'flux1',
    breaks: 'the region code is not in JDV_RegionAnatomique-CISIS',
    edit: (m) => {
      m.set('OBX[2]-5.1', '24028007');
    },
  },
  {
    rule: 'TLR-F1-018',
    base: 'flux1',
    breaks: 'the qualifier code is not in JDV_ModificateurTopographique-CISIS',
    edit: (m) => {
      m.set('OBX[3]-5.1', '774007');
    },
  },
  {
    rule: 'TLR-F1-019',
    base: 'flux1',
    breaks: 'the history is typed TX',
    edit: (m) => {
      m.set('OBX[4]-2', 'TX');
    },
  },
  {
    rule: 'TLR-F1-020',
    base: 'flux1',
    breaks: 'the history relevance is HIGH',
    edit: (m) => {
      m.set('OBX[4]-8', 'HIGH');
    },
  },
  {
    rule: 'TLR-F1-021',
    base: 'flux1',
    breaks: 'the height is typed ST',
    edit: (m) => {
      m.set('OBX[5]-2', 'ST');
    },
  },
  {
    rule: 'TLR-F1-022',
    base: 'flux1',
    breaks: 'the height has no unit',
    edit: (m) => {
      m.set('OBX[5]-6', '');
    },
  },
  {
    rule: 'TLR-F1-023',
    base: 'flux1',
    breaks: 'two heights are sent',
    edit: (m) => insertSegment(m, m.segments.length, 'OBX|8|NM|8302-2^Body height^LN|2|171|cm|||||O'),
  },
  {
    rule: 'TLR-F1-024',
    base: 'flux1',
    breaks: 'the weight is typed ST',
    edit: (m) => {
      m.set('OBX[6]-2', 'ST');
    },
  },
  {
    rule: 'TLR-F1-025',
    base: 'flux1',
    breaks: 'the weight has no unit',
    edit: (m) => {
      m.set('OBX[6]-6', '');
    },
  },
  {
    rule: 'TLR-F1-026',
    base: 'flux1',
    breaks: 'two weights are sent',
    edit: (m) => insertSegment(m, m.segments.length, 'OBX|8|NM|29463-7^Body weight^LN|2|70|kg|||||O'),
  },
  {
    rule: 'TLR-F1-027',
    base: 'flux1',
    breaks: 'the pregnancy status is typed ST',
    edit: (m) => {
      m.set('OBX[7]-2', 'ST');
    },
  },
  {
    rule: 'TLR-F1-028',
    base: 'flux1',
    breaks: 'the pregnancy status is UNK',
    edit: (m) => {
      m.set('OBX[7]-5.1', 'UNK');
    },
  },
  {
    rule: 'TLR-F1-029',
    base: 'flux1',
    breaks: 'the pregnancy coding system is HL70136',
    edit: (m) => {
      m.set('OBX[7]-5.3', 'HL70136');
    },
  },
  {
    rule: 'TLR-F1-030',
    base: 'flux1',
    breaks: 'two pregnancy statuses are sent',
    edit: (m) => insertSegment(m, m.segments.length, 'OBX|8|CE|82810-3^Pregnancy status^LN|2|N^^expandedYes-NoIndicator||||||O'),
  },
  {
    rule: 'TLR-F1-031',
    base: 'flux1',
    breaks: 'a second anatomical location 2.1 is sent',
    edit: (m) => insertSegment(m, m.segments.length, REGION_2('O')),
  },
]);

ruleCases('F2 — cancellation (checklist §8)', [
  { rule: 'TLR-F2-001', base: 'flux2', breaks: 'OBR is missing', edit: (m) => removeSegment(m, 'OBR') },
  { rule: 'TLR-F2-002', base: 'flux2', breaks: 'an ODS follows OBR', edit: (m) => after(m, 'OBR', 1, 'ODS|D') },
  {
    rule: 'TLR-F2-003',
    base: 'flux2',
    breaks: 'an OBX with a code unknown to flow 1 is sent',
    edit: (m) => insertSegment(m, m.segments.length, 'OBX|1|ST|MOTIF^Motif^TLR_OBSERVATION||doublon||||||O'),
  },
  {
    rule: 'TLR-F2-004',
    base: 'flux2',
    breaks: 'a pregnancy OBX has value UNK',
    edit: (m) => insertSegment(m, m.segments.length, 'OBX|1|CE|82810-3^Pregnancy status^LN||UNK^^expandedYes-NoIndicator||||||O'),
    satisfied: (m) => insertSegment(m, m.segments.length, 'OBX|1|CE|82810-3^Pregnancy status^LN||N^^expandedYes-NoIndicator||||||O'),
  },
]);

const PROTOCOL_FT = 'OBX|1|FT|PROTOCOLE_IMAGERIE^Protocole^TLR_OBSERVATION||IRM cérébrale sans injection||||||F';

ruleCases('F3 — response (checklist §9)', [
  { rule: 'TLR-F3-001', base: 'flux3', breaks: 'PID is missing', edit: (m) => removeSegment(m, 'PID') },
  {
    rule: 'TLR-F3-001',
    base: 'flux3',
    breaks: 'a second patient follows the order',
    edit: (m) => insertSegment(m, m.segments.length, m.segment('PID')!.toString()),
  },
  { rule: 'TLR-F3-002', base: 'flux3', breaks: 'OBR is missing after ORC', edit: (m) => removeSegment(m, 'OBR'), location: 'OBR' },
  {
    rule: 'TLR-F3-003',
    base: 'flux3',
    breaks: 'an acceptance carries no protocol',
    edit: (m) => removeSegment(m, 'OBX'),
    satisfied: (m) => {
      removeSegment(m, 'OBX');
      m.set('ORC-1', 'OC');
    },
  },
  {
    rule: 'TLR-F3-004',
    base: 'flux3',
    breaks: 'a refusal carries a protocol',
    edit: (m) => {
      m.set('ORC-1', 'OC');
    },
  },
  {
    rule: 'TLR-F3-005',
    base: 'flux3',
    breaks: 'a refusal carries an OBX',
    edit: (m) => {
      m.set('ORC-1', 'OC');
    },
    satisfied: (m) => {
      m.set('ORC-1', 'OC');
      removeSegment(m, 'OBX');
    },
  },
  {
    rule: 'TLR-F3-006',
    base: 'flux3',
    breaks: 'an acceptance gives a refusal reason',
    edit: (m) => {
      m.set('ORC-16.2', 'Motif');
    },
  },
  {
    rule: 'TLR-F3-007',
    base: 'flux3',
    breaks: 'the protocol is typed TX',
    edit: (m) => {
      removeSegment(m, 'OBX');
      insertSegment(m, m.segments.length, PROTOCOL_FT.replace('|FT|', '|TX|'));
    },
    satisfied: (m) => {
      removeSegment(m, 'OBX');
      insertSegment(m, m.segments.length, PROTOCOL_FT);
    },
  },
  {
    rule: 'TLR-F3-008',
    base: 'flux3',
    breaks: 'the ED protocol has type of data AP',
    edit: (m) => {
      m.set('OBX-5.2', 'AP');
    },
  },
  {
    rule: 'TLR-F3-009',
    base: 'flux3',
    breaks: 'the ED protocol encoding is Hex',
    edit: (m) => {
      m.set('OBX-5.4', 'Hex');
    },
  },
  {
    rule: 'TLR-F3-010',
    base: 'flux3',
    breaks: 'the ED protocol has no data',
    edit: (m) => {
      m.segment('OBX')!.setRaw(5, '^TEXT^^Base64');
    },
  },
]);

const ORDER_2 = (placer: string, uid: string): string[] => [
  `ORC|SR|${placer}^^1.2.250.1.748.12345678.12^ISO`,
  'TQ1||||||730^jours|20260106184418',
  `OBR||${placer}^^1.2.250.1.748.12345678.12^ISO||COMPLEMENT_POST_ACTE^^TLR_OBR_PROCEDURE`,
  `OBX|1|ED|URL_PARTIELLE_VIEWER^URL^TLR_OBSERVATION||^TEXT^^Base64^${GOOD_VIEWER_URL}||||||F`,
  'OBX|2|CE|CODE_ACTE_IMAGERIE^Code^TLR_OBSERVATION||24590-2^RM cerveau^LN||||||F',
  `IPC|ACN102^^1.2.250.1.925.994044.27^ISO|24590-2^^2.16.840.1.113883.6.1^ISO|${uid}|24590-2^^2.16.840.1.113883.6.1^ISO`,
];
const addOrder = (m: Message, placer: string, uid: string): Message => {
  for (const s of ORDER_2(placer, uid)) insertSegment(m, m.segments.length, s);
  return m;
};

ruleCases('F4 — post-exam complement (checklist §10)', [
  { rule: 'TLR-F4-001', base: 'flux4', breaks: 'IPC is missing', edit: (m) => removeSegment(m, 'IPC'), location: 'IPC' },
  { rule: 'TLR-F4-001', base: 'flux4', breaks: 'TQ1 is missing', edit: (m) => removeSegment(m, 'TQ1') },
  { rule: 'TLR-F4-002', base: 'flux4', breaks: 'two TQ1 are sent', edit: (m) => after(m, 'TQ1', 1, 'TQ1||||||365^jours|20260106184418') },
  {
    rule: 'TLR-F4-003',
    base: 'flux4',
    breaks: 'two IPC are sent',
    edit: (m) => after(m, 'IPC', 1, m.segment('IPC')!.toString()),
    location: 'IPC[2]',
  },
  {
    rule: 'TLR-F4-004',
    base: 'flux4',
    breaks: 'the second exam has another placer number',
    edit: (m) => addOrder(m, 'OPN102', '1.2.250.1.213.4.5.2.1.102'),
    satisfied: (m) => addOrder(m, 'OPN101', '1.2.250.1.213.4.5.2.1.102'),
  },
  {
    rule: 'TLR-F4-005',
    base: 'flux4',
    breaks: 'the retention duration is not a number',
    edit: (m) => {
      m.set('TQ1-6.1', 'deux ans');
    },
  },
  {
    rule: 'TLR-F4-005',
    base: 'flux4',
    breaks: 'the retention duration is empty',
    edit: (m) => {
      m.set('TQ1-6.1', '');
    },
  },
  {
    rule: 'TLR-F4-006',
    base: 'flux4',
    breaks: 'the retention duration is 7.5',
    edit: (m) => {
      m.set('TQ1-6.1', '7.5');
    },
  },
  {
    rule: 'TLR-F4-007',
    base: 'flux4',
    breaks: 'the retention unit is months',
    edit: (m) => {
      m.set('TQ1-6.2', 'mois');
    },
    satisfied: (m) => {
      m.set('TQ1-6.2', 'd');
    },
  },
  {
    rule: 'TLR-F4-008',
    base: 'flux4',
    breaks: 'the exam date is empty',
    edit: (m) => {
      m.set('TQ1-7', '');
    },
  },
  {
    rule: 'TLR-F4-008',
    base: 'flux4',
    breaks: 'the exam date is 24:00',
    edit: (m) => {
      m.set('TQ1-7', '202601062400');
    },
  },
  {
    rule: 'TLR-F4-009',
    base: 'flux4',
    breaks: 'the accession number is empty',
    edit: (m) => {
      m.set('IPC-1.1', '');
    },
  },
  {
    rule: 'TLR-F4-010',
    base: 'flux4',
    breaks: 'IPC-1.3 is empty',
    edit: (m) => {
      m.set('IPC-1.3', '');
    },
  },
  {
    rule: 'TLR-F4-011',
    base: 'flux4',
    breaks: 'IPC-1.4 is L',
    edit: (m) => {
      m.set('IPC-1.4', 'L');
    },
  },
  {
    rule: 'TLR-F4-012',
    base: 'flux4',
    breaks: 'IPC-2.1 is empty',
    edit: (m) => {
      m.set('IPC-2.1', '');
    },
  },
  {
    rule: 'TLR-F4-013',
    base: 'flux4',
    breaks: 'IPC-2.3 is not the LOINC OID',
    edit: (m) => {
      m.set('IPC-2.3', '2.16.840.1.113883.6.96');
    },
  },
  {
    rule: 'TLR-F4-014',
    base: 'flux4',
    breaks: 'IPC-2.4 is empty',
    edit: (m) => {
      m.set('IPC-2.4', '');
    },
  },
  {
    rule: 'TLR-F4-015',
    base: 'flux4',
    breaks: 'the StudyInstanceUID is empty',
    edit: (m) => {
      m.set('IPC-3', '');
    },
  },
  {
    rule: 'TLR-F4-016',
    base: 'flux4',
    breaks: 'the StudyInstanceUID has a leading zero',
    edit: (m) => {
      m.set('IPC-3.1', '1.2.250.01.5');
    },
  },
  {
    rule: 'TLR-F4-016',
    base: 'flux4',
    breaks: 'the StudyInstanceUID is longer than 64 characters',
    edit: (m) => {
      m.set('IPC-3.1', `1.2.${'1'.repeat(64)}`);
    },
  },
  {
    rule: 'TLR-F4-017',
    base: 'flux4',
    breaks: 'the StudyInstanceUID has an assigning authority',
    edit: (m) => {
      m.set('IPC-3.3', '1.2.3');
    },
  },
  {
    rule: 'TLR-F4-018',
    base: 'flux4',
    breaks: 'IPC-4.1 is empty',
    edit: (m) => {
      m.set('IPC-4.1', '');
    },
  },
  {
    rule: 'TLR-F4-019',
    base: 'flux4',
    breaks: 'IPC-4.3 is empty',
    edit: (m) => {
      m.set('IPC-4.3', '');
    },
  },
  {
    rule: 'TLR-F4-020',
    base: 'flux4',
    breaks: 'IPC-4.4 is L',
    edit: (m) => {
      m.set('IPC-4.4', 'L');
    },
  },
  {
    rule: 'TLR-F4-021',
    base: 'flux4',
    breaks: 'IPC-4.1 is not in JDV_CodeDocumentImagerie-CISIS',
    edit: (m) => {
      m.set('IPC-4.1', '8867-4');
    },
    location: 'IPC-4.1',
  },
  {
    rule: 'TLR-F4-022',
    base: 'flux4',
    breaks: 'two exams share a StudyInstanceUID',
    edit: (m) => addOrder(m, 'OPN101', '1.2.250.1.213.4.5.2.1.101'),
    satisfied: (m) => addOrder(m, 'OPN101', '1.2.250.1.213.4.5.2.1.102'),
  },
  { rule: 'TLR-F4-023', base: 'flux4', breaks: 'there is no viewer URL', edit: (m) => removeSegment(m, 'OBX', 1) },
  { rule: 'TLR-F4-023', base: 'flux4', breaks: 'there are two viewer URLs', edit: (m) => after(m, 'OBX', 1, m.segment('OBX')!.toString()) },
  {
    rule: 'TLR-F4-024',
    base: 'flux4',
    breaks: 'the viewer URL is typed ST',
    edit: (m) => {
      m.set('OBX-2', 'ST');
    },
  },
  {
    rule: 'TLR-F4-025',
    base: 'flux4',
    breaks: 'the viewer URL type of data is AP',
    edit: (m) => {
      m.set('OBX-5.2', 'AP');
    },
  },
  {
    rule: 'TLR-F4-026',
    base: 'flux4',
    breaks: 'the viewer URL encoding is A',
    edit: (m) => {
      m.set('OBX-5.4', 'A');
    },
  },
  {
    rule: 'TLR-F4-027',
    base: 'flux4',
    breaks: 'the viewer URL decodes to binary (guide example)',
    edit: () => undefined,
    satisfied: (m) => {
      m.set('OBX-5.5', GOOD_VIEWER_URL);
    },
  },
  {
    rule: 'TLR-F4-027',
    base: 'flux4',
    breaks: 'the viewer URL has no host name',
    edit: (m) => {
      m.set('OBX-5.5', Buffer.from('viewer?StudyInstanceUID=1.2.250.1.213.4.5.2.1.101').toString('base64'));
    },
    satisfied: (m) => {
      m.set('OBX-5.5', GOOD_VIEWER_URL);
    },
  },
  {
    rule: 'TLR-F4-028',
    base: 'flux4',
    breaks: 'the viewer URL lacks the accession number',
    edit: (m) => {
      m.set('OBX-5.5', Buffer.from('https://drimbox.chu-x.fr/viewer?StudyInstanceUID=1.2.250.1.213.4.5.2.1.101').toString('base64'));
    },
    satisfied: (m) => {
      m.set('OBX-5.5', GOOD_VIEWER_URL);
    },
  },
  { rule: 'TLR-F4-029', base: 'flux4', breaks: 'there is no procedure code', edit: (m) => removeSegment(m, 'OBX', 2) },
  {
    rule: 'TLR-F4-030',
    base: 'flux4',
    breaks: 'two procedure codes are sent',
    edit: (m) => after(m, 'OBX', 2, 'OBX|11|CE|CODE_ACTE_IMAGERIE^Code^TLR_OBSERVATION|2|24590-2^RM cerveau^LN||||||F'),
  },
  {
    rule: 'TLR-F4-031',
    base: 'flux4',
    breaks: 'the procedure is typed CWE',
    edit: (m) => {
      m.set('OBX[2]-2', 'CWE');
    },
  },
  {
    rule: 'TLR-F4-032',
    base: 'flux4',
    breaks: 'the procedure coding system is CCAM',
    edit: (m) => {
      m.set('OBX[2]-5.3', 'CCAM');
    },
  },
  {
    rule: 'TLR-F4-033',
    base: 'flux4',
    breaks: 'the procedure code is not in JDV_CodeDocumentImagerie-CISIS',
    edit: (m) => {
      m.set('OBX[2]-5.1', '8867-4');
    },
  },
  {
    rule: 'TLR-F4-034',
    base: 'flux4',
    breaks: 'the OBX procedure differs from IPC-2/IPC-4',
    edit: (m) => {
      m.set('OBX[2]-5.1', '11525-3');
    },
  },
  {
    rule: 'TLR-F4-035',
    base: 'flux4',
    breaks: 'the region coding system is LN',
    edit: (m) => {
      m.set('OBX[3]-5.3', 'LN');
    },
  },
  {
    rule: 'TLR-F4-036',
    base: 'flux4',
    breaks: 'a qualifier 2.2 has no location 2.1',
    edit: (m) => {
      m.set('OBX[4]-4', '2.2');
    },
  },
  {
    rule: 'TLR-F4-037',
    base: 'flux4',
    breaks: 'the region code is not in the JDV',
    edit: (m) => {
      m.set('OBX[3]-5.1', '123456');
    },
  },
  {
    rule: 'TLR-F4-038',
    base: 'flux4',
    breaks: 'the modality coding system is SCT',
    edit: (m) => {
      m.set('OBX[5]-5.3', 'SCT');
    },
  },
  {
    rule: 'TLR-F4-039',
    base: 'flux4',
    breaks: 'two modalities are sent',
    edit: (m) => after(m, 'OBX', 5, 'OBX|11|CE|MODALITE_IMAGERIE^Modalité^TLR_OBSERVATION|2|CT^TDM^DCM||||||F'),
  },
  {
    rule: 'TLR-F4-040',
    base: 'flux4',
    breaks: 'the note on the modality has comment type FINALITE_EXAMEN',
    edit: (m) => after(m, 'OBX', 5, 'NTE|||Séquence T2 ajoutée|FINALITE_EXAMEN^^HL70364'),
    satisfied: (m) => after(m, 'OBX', 5, 'NTE|||Séquence T2 ajoutée|MODALITE_IMAGERIE^^HL70364'),
  },
  {
    rule: 'TLR-F4-041',
    base: 'flux4',
    breaks: 'a product type has no lot number',
    edit: (m) => {
      removeSegment(m, 'OBX', 7);
    },
  },
  {
    rule: 'TLR-F4-042',
    base: 'flux4',
    breaks: 'a quantity has no type and lot',
    edit: (m) => {
      m.set('OBX[8]-4', '2.3');
    },
  },
  {
    rule: 'TLR-F4-043',
    base: 'flux4',
    breaks: 'a product has no quantity',
    edit: (m) => {
      removeSegment(m, 'OBX', 8);
    },
  },
  {
    rule: 'TLR-F4-044',
    base: 'flux4',
    breaks: 'the product type is typed CWE',
    edit: (m) => {
      m.set('OBX[6]-2', 'CWE');
    },
  },
  {
    rule: 'TLR-F4-045',
    base: 'flux4',
    breaks: 'the product type coding system is WHO',
    edit: (m) => {
      m.set('OBX[6]-5.3', 'WHO');
    },
  },
  {
    rule: 'TLR-F4-046',
    base: 'flux4',
    breaks: 'the product is a contrast medium V08',
    edit: (m) => {
      m.set('OBX[6]-5.1', 'V08');
    },
  },
  {
    rule: 'TLR-F4-047',
    base: 'flux4',
    breaks: 'the product type is the ATC code V09AX',
    edit: (m) => {
      m.set('OBX[6]-5.1', 'V09AX');
    },
  },
  {
    rule: 'TLR-F4-048',
    base: 'flux4',
    breaks: 'the lot number is typed TX',
    edit: (m) => {
      m.set('OBX[7]-2', 'TX');
      m.set('OBX[7]-5', 'LOT123456');
    },
  },
  {
    rule: 'TLR-F4-049',
    base: 'flux4',
    breaks: 'the lot number is typed CE',
    edit: (m) => {
      m.set('OBX[7]-2', 'CE');
    },
  },
  {
    rule: 'TLR-F4-050',
    base: 'flux4',
    breaks: 'the quantity is typed ST',
    edit: (m) => {
      m.set('OBX[8]-2', 'ST');
    },
  },
  {
    rule: 'TLR-F4-051',
    base: 'flux4',
    breaks: 'the quantity has no unit',
    edit: (m) => {
      m.set('OBX[8]-6', '');
    },
  },
  {
    rule: 'TLR-F4-052',
    base: 'flux4',
    breaks: 'the device identifier is typed ST',
    edit: (m) => {
      m.set('OBX[9]-2', 'ST');
    },
  },
  {
    rule: 'TLR-F4-053',
    base: 'flux4',
    breaks: 'a device model has no identifier',
    edit: (m) => {
      removeSegment(m, 'OBX', 9);
    },
  },
  { rule: 'TLR-F4-054', base: 'flux4', breaks: 'a second anatomical location 2.1 is sent', edit: (m) => after(m, 'OBX', 4, REGION_2('F')) },
  {
    rule: 'TLR-F4-055',
    base: 'flux4',
    breaks: 'a second device 2.1 is sent',
    edit: (m) => after(m, 'OBX', 10, 'OBX|11|TX|APPAREIL_IMAGERIE^Appareil^TLR_OBSERVATION|2.1|9876543210||||||F'),
  },
  {
    rule: 'TLR-F4-056',
    base: 'flux4',
    breaks: 'the modality XR is not in the JDV',
    edit: (m) => {
      m.set('OBX[5]-5.1', 'XR');
    },
  },
]);
