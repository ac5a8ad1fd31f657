import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Message, Segment } from '../../../src/hl7/index.js';
import { parseMessage } from '../../../src/hl7/index.js';
import {
  DOCUMENT_TRANSPORT_PACK,
  buildBusinessReceipt,
  buildDocumentMessage,
  validateDocumentMessage,
} from '../../../src/documents/transport/index.js';
import { examplesDir } from '../../helpers/paths.js';
import { orderDocumentRequest, reportRequest } from './cda-fixtures.js';

/**
 * One case per rule: a valid message (built, or an official example), a mutation that breaks the
 * rule, and where the finding must be. The unmutated base must have no finding of that rule.
 */
type Base = 'mdm-t02' | 'mdm-t10' | 'order' | 'oru' | 'zam-z01' | 'zam-z02' | 'confidential';
interface RuleCase {
  rule: string;
  base: Base;
  what: string;
  mutate?: (m: Message) => void;
  mutateText?: (er7: string) => string;
  location?: string;
  severity?: 'error' | 'warning';
  /** The valid message to check the rule against, when `base` is already the broken one (default `base`). */
  satisfiedBy?: Base;
}

const SEGUR_ORU = join(examplesDir, 'other', 'ans-hl7v2-exemples', 'transdoc_v2.1_vague2_ORU_R01_CR_bio_INIT_N3_SEGUR_base64.hl7');
const ZAM_CONTEXT = {
  sendingApplication: 'RIS',
  sendingFacility: 'CHU_X',
  receivingApplication: 'SI-TLR',
  receivingFacility: 'PLAT-TLR',
  controlId: 'ZAM1',
};

function base(kind: Base): Message {
  switch (kind) {
    case 'mdm-t02':
      return buildDocumentMessage(reportRequest('initial'));
    case 'mdm-t10':
      return buildDocumentMessage(reportRequest('replace'));
    case 'order':
      return buildDocumentMessage(orderDocumentRequest());
    case 'oru':
      return parseMessage(readFileSync(SEGUR_ORU));
    case 'zam-z01':
      return buildBusinessReceipt(
        {
          kind: 'dmp',
          acknowledgedControlId: 'CR-initial',
          success: false,
          error: { severity: 'E', code: 'DMPClosed', label: 'DMP fermé' },
        },
        ZAM_CONTEXT,
      );
    case 'zam-z02':
      return buildBusinessReceipt(
        {
          kind: 'mss-delivery',
          acknowledgedControlId: 'CR-initial',
          success: true,
          mailbox: { address: 'adam.hoda@test-ci-sis.mssante.fr', recipientId: '801234567897' },
        },
        ZAM_CONTEXT,
      );
    case 'confidential': {
      const request = reportRequest('initial');
      return buildDocumentMessage({
        ...request,
        document: {
          ...request.document,
          confidentiality: 'R',
          xml: String(request.document.xml).replace('confidentialityCode code="N"', 'confidentialityCode code="R"'),
        },
      });
    }
  }
}

function seg(m: Message, name: string, occurrence = 1): Segment {
  const s = m.segment(name, occurrence);
  assert.ok(s, `${name}[${occurrence}] exists`);
  return s;
}
function remove(m: Message, s: Segment): void {
  m.segments.splice(m.segments.indexOf(s), 1);
}
/** Inserts a copy of `s` after segment `after`. */
function copyAfter(m: Message, s: Segment, after: Segment): Segment {
  const copy = m.addSegment(s.name, m.segments.indexOf(after) + 1);
  for (let n = 1; n <= s.fieldCount; n++) copy.setRaw(n, s.rawField(n));
  return copy;
}
const obxByCode = (m: Message, code: string): Segment => m.all('OBX').find((o) => o.get('3.1') === code)!;

const CASES: readonly RuleCase[] = [
  { rule: 'TDOC-GEN-001', base: 'mdm-t02', what: 'a lower-case segment id', mutateText: (t) => t.replace('\rPV1|', '\rpv1|') },
  { rule: 'TDOC-GEN-002', base: 'mdm-t02', what: 'LF segment terminators', mutateText: (t) => t.replace(/\r/g, '\n'), severity: 'warning' },
  { rule: 'TDOC-STR-001', base: 'mdm-t02', what: 'no EVN', mutate: (m) => remove(m, seg(m, 'EVN')), location: 'EVN' },
  { rule: 'TDOC-STR-001', base: 'oru', what: 'ORU without ORC', mutate: (m) => remove(m, seg(m, 'ORC')), location: 'ORDER_OBSERVATION' },
  { rule: 'TDOC-STR-001', base: 'zam-z02', what: 'ZAM without EVN', mutate: (m) => remove(m, seg(m, 'EVN')), location: 'EVN' },
  {
    rule: 'TDOC-STR-001',
    base: 'mdm-t02',
    what: 'TXA after the OBX',
    mutate: (m) => {
      const t = seg(m, 'TXA');
      remove(m, t);
      copyAfter(m, t, seg(m, 'OBX'));
    },
    location: 'TXA',
  },
  { rule: 'TDOC-MSH-001', base: 'mdm-t02', what: 'empty MSH-4', mutate: (m) => m.set('MSH-4', ''), location: 'MSH-4' },
  { rule: 'TDOC-MSH-002', base: 'mdm-t02', what: 'MSH-7 month 13', mutate: (m) => m.set('MSH-7', '20261312'), location: 'MSH-7' },
  { rule: 'TDOC-MSH-003', base: 'mdm-t02', what: 'empty MSH-10', mutate: (m) => m.set('MSH-10', ''), location: 'MSH-10' },
  { rule: 'TDOC-MSH-004', base: 'mdm-t02', what: 'MSH-11 X', mutate: (m) => m.set('MSH-11', 'X'), location: 'MSH-11' },
  { rule: 'TDOC-MSH-005', base: 'mdm-t02', what: 'MDM in 2.5.1', mutate: (m) => m.set('MSH-12', '2.5.1'), location: 'MSH-12' },
  { rule: 'TDOC-MSH-005', base: 'oru', what: 'ORU in 2.6', mutate: (m) => m.set('MSH-12', '2.6'), location: 'MSH-12' },
  { rule: 'TDOC-MSH-006', base: 'mdm-t02', what: 'MSH-17 FR', mutate: (m) => m.set('MSH-17', 'FR'), location: 'MSH-17' },
  { rule: 'TDOC-MSH-007', base: 'mdm-t02', what: 'MSH-18 ASCII', mutate: (m) => m.set('MSH-18', 'ASCII'), location: 'MSH-18' },
  {
    rule: 'TDOC-MSH-008',
    base: 'mdm-t02',
    what: 'the v1.2 profile',
    mutate: (m) => seg(m, 'MSH').setRaw(21, '1.2^CISIS_CDA_HL7_V1'),
    location: 'MSH-21.1',
  },
  {
    rule: 'TDOC-MSH-009',
    base: 'mdm-t02',
    what: 'structure MDM_T01',
    mutate: (m) => seg(m, 'MSH').setRaw(9, 'MDM^T02^MDM_T01'),
    location: 'MSH-9.3',
  },
  {
    rule: 'TDOC-MSH-009',
    base: 'mdm-t02',
    what: 'event T01',
    mutate: (m) => seg(m, 'MSH').setRaw(9, 'MDM^T01^MDM_T01'),
    location: 'MSH-9',
  },
  { rule: 'TDOC-PID-001', base: 'mdm-t02', what: 'empty PID-3', mutate: (m) => m.set('PID-3', ''), location: 'PID-3' },
  { rule: 'TDOC-PID-002', base: 'mdm-t02', what: 'empty PID-5', mutate: (m) => m.set('PID-5', ''), location: 'PID-5' },
  {
    rule: 'TDOC-PID-003',
    base: 'mdm-t02',
    what: 'DMP without INS',
    mutate: (m) => seg(m, 'PID').setRaw(3, seg(m, 'PID').field(3, 2).raw),
    location: 'PID-3',
  },
  {
    rule: 'TDOC-PID-004',
    base: 'mdm-t02',
    what: 'INS with a provisional identity',
    mutate: (m) => m.set('PID-32', 'PROV'),
    location: 'PID-32',
    severity: 'warning',
  },
  { rule: 'TDOC-PV1-001', base: 'mdm-t02', what: 'empty PV1-2', mutate: (m) => m.set('PV1-2', ''), location: 'PV1-2' },
  {
    rule: 'TDOC-PV1-002',
    base: 'mdm-t02',
    what: 'outpatient without visit number',
    mutate: (m) => m.set('PV1-19', ''),
    location: 'PV1-19',
  },
  { rule: 'TDOC-ORC-001', base: 'mdm-t02', what: 'ORC-1 SC', mutate: (m) => m.set('ORC-1', 'SC'), location: 'ORC-1' },
  { rule: 'TDOC-ACT-001', base: 'mdm-t02', what: 'T02 with ORC-1 RO', mutate: (m) => m.set('ORC-1', 'RO'), location: 'ORC-1' },
  { rule: 'TDOC-ACT-002', base: 'mdm-t02', what: 'T02 with OBX-11 C', mutate: (m) => m.set('OBX-11', 'C'), location: 'OBX-11' },
  { rule: 'TDOC-ACT-002', base: 'mdm-t10', what: 'T10 with OBX-11 F', mutate: (m) => m.set('OBX-11', 'F'), location: 'OBX-11' },
  { rule: 'TDOC-OBR-001', base: 'mdm-t02', what: 'empty OBR-4', mutate: (m) => m.set('OBR-4', ''), location: 'OBR-4.1' },
  { rule: 'TDOC-OBR-002', base: 'mdm-t02', what: 'OBR-4.3 LOINC', mutate: (m) => m.set('OBR-4.3', 'LOINC'), location: 'OBR-4.3' },
  { rule: 'TDOC-TXA-001', base: 'mdm-t02', what: 'TXA-1 2', mutate: (m) => m.set('TXA-1', '2'), location: 'TXA-1' },
  { rule: 'TDOC-TXA-002', base: 'mdm-t02', what: 'empty TXA-2', mutate: (m) => m.set('TXA-2', ''), location: 'TXA-2' },
  { rule: 'TDOC-TXA-003', base: 'mdm-t02', what: 'TXA-3 FT', mutate: (m) => m.set('TXA-3', 'FT'), location: 'TXA-3' },
  { rule: 'TDOC-TXA-004', base: 'mdm-t02', what: 'empty TXA-12', mutate: (m) => m.set('TXA-12', ''), location: 'TXA-12' },
  { rule: 'TDOC-TXA-005', base: 'mdm-t02', what: 'TXA-17 DO', mutate: (m) => m.set('TXA-17', 'DO'), location: 'TXA-17' },
  { rule: 'TDOC-TXA-006', base: 'mdm-t10', what: 'T10 without TXA-13', mutate: (m) => m.set('TXA-13', ''), location: 'TXA-13' },
  { rule: 'TDOC-TXA-007', base: 'mdm-t02', what: 'TXA-2 another type', mutate: (m) => m.set('TXA-2', '11502-2'), location: 'TXA-2' },
  {
    rule: 'TDOC-TXA-008',
    base: 'mdm-t02',
    what: 'namespace in TXA-12.2',
    mutate: (m) => seg(m, 'TXA').setRaw(12, `${m.get('TXA-12')}^Organisation-Y`),
    location: 'TXA-12',
    severity: 'warning',
  },
  {
    rule: 'TDOC-ORD-001',
    base: 'mdm-t02',
    what: 'OBR-2 another order',
    mutate: (m) => seg(m, 'OBR').setRaw(2, 'OPN999^^1.2.250.1.748.12345678.12^ISO'),
    location: 'OBR-2',
    severity: 'warning',
  },
  {
    rule: 'TDOC-OBX-001',
    base: 'mdm-t02',
    what: 'OBX-1 out of sequence',
    mutate: (m) => seg(m, 'OBX', 3).set(1, '7'),
    location: 'OBX[3]-1',
    severity: 'warning',
  },
  {
    rule: 'TDOC-CWE-001',
    base: 'mdm-t02',
    what: 'metadata code without coding system',
    mutate: (m) => seg(m, 'OBX', 2).setRaw(3, 'MASQUE_PS^Masqué'),
    location: 'OBX[2]-3.3',
  },
  { rule: 'TDOC-DOC-001', base: 'mdm-t02', what: 'first OBX typed TX', mutate: (m) => m.set('OBX-2', 'TX'), location: 'OBX-2' },
  {
    rule: 'TDOC-DOC-001',
    base: 'mdm-t02',
    what: 'two documents in MDM',
    mutate: (m) => copyAfter(m, seg(m, 'OBX'), seg(m, 'PRT', 3)),
    location: 'OBX[2]',
  },
  {
    rule: 'TDOC-DOC-002',
    base: 'mdm-t02',
    what: 'OBX-3 another type than OBR-4',
    mutate: (m) => seg(m, 'OBX').setRaw(3, '11502-2^CR bio^LN'),
    location: 'OBX-3',
  },
  { rule: 'TDOC-DOC-003', base: 'mdm-t02', what: 'OBX-5.4 Hex', mutate: (m) => m.set('OBX-5.4', 'Hex'), location: 'OBX-5.4' },
  { rule: 'TDOC-DOC-003', base: 'mdm-t02', what: 'OBX-5.3 PDF', mutate: (m) => m.set('OBX-5.3', 'PDF'), location: 'OBX-5.3' },
  {
    rule: 'TDOC-DOC-004',
    base: 'mdm-t02',
    what: 'TEXT in MDM',
    mutate: (m) => m.set('OBX-5.2', 'TEXT'),
    location: 'OBX-5.2',
    severity: 'warning',
  },
  {
    rule: 'TDOC-DOC-004',
    base: 'oru',
    what: 'text in ORU',
    mutate: (m) => m.set('OBX-5.2', 'text'),
    location: 'OBX-5.2',
    severity: 'warning',
  },
  {
    rule: 'TDOC-DOC-005',
    base: 'mdm-t02',
    what: 'base64 wrapped at 76 columns',
    mutate: (m) => {
      const b = m.get('OBX-5.5');
      seg(m, 'OBX').setRaw('5.5', `${b.slice(0, 76)}\n${b.slice(76)}`);
    },
    location: 'OBX-5.5',
  },
  {
    rule: 'TDOC-DOC-005',
    base: 'mdm-t02',
    what: 'base64 with a foreign character',
    mutate: (m) => m.set('OBX-5.5', `${m.get('OBX-5.5').slice(0, 40)}*${m.get('OBX-5.5').slice(41)}`),
    location: 'OBX-5.5',
  },
  {
    rule: 'TDOC-DOC-006',
    base: 'mdm-t02',
    what: 'base64 without its padding',
    severity: 'warning',
    location: 'OBX-5.5',
    mutate: (m) => {
      let bytes = Buffer.from(m.get('OBX-5.5'), 'base64');
      while (bytes.length % 3 !== 1) bytes = Buffer.concat([bytes, Buffer.from('\n')]);
      m.set('OBX-5.5', bytes.toString('base64').replace(/=+$/, ''));
    },
  },
  {
    rule: 'TDOC-DOC-007',
    base: 'mdm-t02',
    what: 'a placeholder text instead of a CDA',
    mutate: (m) => m.set('OBX-5.5', Buffer.from('Document medical au format CDA niveau 1').toString('base64')),
    location: 'OBX-5.5',
  },
  {
    rule: 'TDOC-DOC-007',
    base: 'mdm-t02',
    what: 'XML that is not a CDA',
    mutate: (m) => m.set('OBX-5.5', Buffer.from('<Document xmlns="urn:other"/>').toString('base64')),
    location: 'OBX-5.5',
  },
  {
    rule: 'TDOC-DOC-008',
    base: 'mdm-t02',
    what: 'TXA-12 another id',
    mutate: (m) => m.set('TXA-12', '1.2.250.1.213.4.5.2.7.9999'),
    location: 'TXA-12',
  },
  {
    rule: 'TDOC-DOC-009',
    base: 'mdm-t02',
    what: 'message type differs from the CDA code',
    mutate: (m) => {
      seg(m, 'OBX').setRaw(3, '11502-2^CR bio^LN');
      seg(m, 'OBR').setRaw(4, '11502-2^CR bio^LN');
      m.set('TXA-2', '11502-2');
    },
    location: 'OBX-3.1',
  },
  {
    rule: 'TDOC-DOC-010',
    base: 'mdm-t10',
    what: 'TXA-13 not the RPLC parent',
    mutate: (m) => m.set('TXA-13', '1.2.250.1.213.4.5.2.7.1000'),
    location: 'TXA-13',
  },
  {
    rule: 'TDOC-DOC-011',
    base: 'mdm-t02',
    what: 'PID-3 with an id the CDA lacks',
    mutate: (m) => seg(m, 'PID').addRepetition(3, ['X1', '', '', ['', '1.2.3.4', 'ISO'], 'PI']),
    location: 'PID-3',
  },
  {
    rule: 'TDOC-DOC-013',
    base: 'mdm-t02',
    what: 'PID-3 without the IPP of the CDA',
    mutate: (m) => seg(m, 'PID').setRaw(3, seg(m, 'PID').field(3, 1).raw),
    location: 'PID-3',
    severity: 'warning',
  },
  {
    rule: 'TDOC-DOC-012',
    base: 'confidential',
    satisfiedBy: 'mdm-t02',
    what: 'a restricted document to the DMP',
    location: 'OBX[7]-5',
    severity: 'warning',
  },
  {
    rule: 'TDOC-PRT-001',
    base: 'mdm-t02',
    what: 'a PRT after a metadata OBX',
    mutate: (m) => copyAfter(m, seg(m, 'PRT', 2), seg(m, 'OBX', 2)),
    location: 'PRT[4]',
  },
  {
    rule: 'TDOC-PRT-002',
    base: 'mdm-t02',
    what: 'PRT-4 XX',
    mutate: (m) => seg(m, 'PRT', 3).setRaw(4, 'XX^^participation'),
    location: 'PRT[3]-4.1',
  },
  { rule: 'TDOC-PRT-003', base: 'mdm-t02', what: 'PRT-2 AD', mutate: (m) => m.set('PRT-2', 'AD'), location: 'PRT-2' },
  { rule: 'TDOC-PRT-004', base: 'mdm-t02', what: 'DMP without sender PRT', mutate: (m) => remove(m, seg(m, 'PRT')), location: 'OBX' },
  {
    rule: 'TDOC-PRT-005',
    base: 'order',
    what: 'no sender PRT, no DMP',
    mutate: (m) => remove(m, seg(m, 'PRT')),
    location: 'OBX',
    severity: 'warning',
  },
  { rule: 'TDOC-PRT-006', base: 'mdm-t02', what: 'sender without person nor device', mutate: (m) => m.set('PRT-5', ''), location: 'PRT-5' },
  {
    rule: 'TDOC-PRT-006',
    base: 'mdm-t02',
    what: 'DMP sender without organisation id',
    mutate: (m) => m.set('PRT-8.10', ''),
    location: 'PRT-8.10',
  },
  { rule: 'TDOC-PRT-007', base: 'mdm-t02', what: 'MSSanté without recipient', mutate: (m) => remove(m, seg(m, 'PRT', 2)), location: 'OBX' },
  {
    rule: 'TDOC-PRT-008',
    base: 'mdm-t02',
    what: 'recipient address typed Internet',
    mutate: (m) => seg(m, 'PRT', 2).set('15.3', 'Internet'),
    location: 'PRT[2]-15.3',
  },
  {
    rule: 'TDOC-PRT-008',
    base: 'mdm-t02',
    what: 'reply-to without address',
    mutate: (m) => seg(m, 'PRT', 3).setRaw(15, ''),
    location: 'PRT[3]-15.4',
  },
  { rule: 'TDOC-PRT-009', base: 'mdm-t02', what: 'organisation type XYZ', mutate: (m) => m.set('PRT-8.7', 'XYZ'), location: 'PRT-8.7' },
  {
    rule: 'TDOC-PRT-009',
    base: 'mdm-t02',
    what: 'professional without identifier type',
    mutate: (m) => seg(m, 'PRT', 2).set('5.13', ''),
    location: 'PRT[2]-5.13',
  },
  { rule: 'TDOC-META-001', base: 'mdm-t02', what: 'no DESTDMP', mutate: (m) => remove(m, obxByCode(m, 'DESTDMP')), location: 'OBX' },
  {
    rule: 'TDOC-META-002',
    base: 'mdm-t02',
    what: 'no ACK_LECTURE_MSS',
    mutate: (m) => remove(m, obxByCode(m, 'ACK_LECTURE_MSS')),
    location: 'OBX',
    severity: 'warning',
  },
  {
    rule: 'TDOC-META-003',
    base: 'mdm-t02',
    what: 'MASQUE_PS after INVISIBLE_PATIENT',
    mutate: (m) => {
      const o = obxByCode(m, 'MASQUE_PS');
      remove(m, o);
      copyAfter(m, o, obxByCode(m, 'INVISIBLE_PATIENT'));
    },
    location: 'OBX[3]-3',
    severity: 'warning',
  },
  {
    rule: 'TDOC-META-004',
    base: 'mdm-t02',
    what: 'CE metadata in MDM',
    mutate: (m) => seg(m, 'OBX', 2).set(2, 'CE'),
    location: 'OBX[2]-2',
  },
  { rule: 'TDOC-META-004', base: 'oru', what: 'CWE metadata in ORU', mutate: (m) => seg(m, 'OBX', 2).set(2, 'CWE'), location: 'OBX[2]-2' },
  {
    rule: 'TDOC-META-005',
    base: 'mdm-t02',
    what: 'metadata coding system MetaDMP',
    mutate: (m) => seg(m, 'OBX', 2).set('3.3', 'MetaDMP'),
    location: 'OBX[2]-3.3',
  },
  {
    rule: 'TDOC-META-006',
    base: 'mdm-t02',
    what: 'metadata value O',
    mutate: (m) => seg(m, 'OBX', 2).setRaw(5, 'O^^expandedYes-NoIndicator'),
    location: 'OBX[2]-5.1',
  },
  {
    rule: 'TDOC-META-006',
    base: 'mdm-t02',
    what: 'metadata value without its table',
    mutate: (m) => seg(m, 'OBX', 2).setRaw(5, 'N^^HL70136'),
    location: 'OBX[2]-5.3',
  },
  {
    rule: 'TDOC-META-007',
    base: 'mdm-t02',
    what: 'metadata OBX-11 C',
    mutate: (m) => seg(m, 'OBX', 2).set(11, 'C'),
    location: 'OBX[2]-11',
  },
  {
    rule: 'TDOC-META-008',
    base: 'mdm-t02',
    what: 'MASQUE_PS twice',
    mutate: (m) => copyAfter(m, obxByCode(m, 'MASQUE_PS'), obxByCode(m, 'MASQUE_PS')),
    location: 'OBX[3]-3',
  },
  {
    rule: 'TDOC-META-009',
    base: 'mdm-t02',
    what: 'the ACK_LECTURE alias',
    mutate: (m) => obxByCode(m, 'ACK_LECTURE_MSS').set('3.1', 'ACK_LECTURE'),
    location: 'OBX[11]-3.1',
    severity: 'warning',
  },
  {
    rule: 'TDOC-META-009',
    base: 'mdm-t02',
    what: 'an unknown OBX',
    mutate: (m) => {
      const o = copyAfter(m, obxByCode(m, 'CORPSMAIL_PS'), obxByCode(m, 'CORPSMAIL_PS'));
      o.setRaw(3, 'COMP_LOT^Lot');
      o.set(2, 'CE');
      o.set(1, '13');
    },
    location: 'OBX[13]-3',
    severity: 'warning',
  },
  {
    rule: 'TDOC-META-010',
    base: 'mdm-t02',
    what: 'NTE FIN after MASQUE_PS',
    mutate: (m) => {
      m.addSegment('NTE', m.segments.indexOf(obxByCode(m, 'MASQUE_PS')) + 1)
        .set(1, '1')
        .set(4, 'FIN');
    },
    location: 'NTE-4',
    severity: 'warning',
  },
  {
    rule: 'TDOC-META-011',
    base: 'mdm-t02',
    what: 'a truncated mail body',
    mutate: (m) =>
      obxByCode(m, 'CORPSMAIL_PS').set(
        '5.5',
        'Q2hlciBjb25mcsOocmUsIHZvdXMgdHJvdXZlcmV6IGNpLWpvaW50IGxlIENSIGTigJlpbWFnZXJpZSBkZSBNLkR1cG9ud',
      ),
    location: 'OBX[12]-5.5',
    severity: 'warning',
  },
  {
    rule: 'TDOC-META-012',
    base: 'mdm-t02',
    what: 'mail to a patient the document is hidden from',
    mutate: (m) => obxByCode(m, 'DESTMSSANTEPAT').set('5.1', 'Y'),
    location: 'OBX[9]-5.1',
  },
  {
    rule: 'TDOC-META-013',
    base: 'mdm-t02',
    what: 'professional mail hidden from legal representatives',
    mutate: (m) => obxByCode(m, 'INVISIBLE_REP_LEGAUX').set('5.1', 'Y'),
    location: 'OBX',
    severity: 'warning',
  },
  {
    rule: 'TDOC-META-014',
    base: 'mdm-t02',
    what: 'MODIF_CONF_CODE on an initial transmission',
    mutate: (m) => obxByCode(m, 'MODIF_CONF_CODE').set('5.1', 'Y'),
    location: 'OBX[6]-5.1',
    severity: 'warning',
  },
  {
    rule: 'TDOC-ZAM-001',
    base: 'zam-z01',
    what: 'Z01 with the MSSanté status code',
    mutate: (m) => m.set('OBX-3.1', 'ACK_RECEPTION_MSS'),
    location: 'OBX-3.1',
  },
  { rule: 'TDOC-ZAM-001', base: 'zam-z01', what: 'status value U', mutate: (m) => m.set('OBX-5.1', 'U'), location: 'OBX-5.1' },
  { rule: 'TDOC-ZAM-002', base: 'zam-z01', what: 'no acknowledged control id', mutate: (m) => m.set('OBX-4', ''), location: 'OBX-4' },
  { rule: 'TDOC-ZAM-003', base: 'zam-z02', what: 'Z02 without address OBX', mutate: (m) => remove(m, seg(m, 'OBX', 2)), location: 'OBX' },
  { rule: 'TDOC-ZAM-003', base: 'zam-z02', what: 'address typed CWE', mutate: (m) => seg(m, 'OBX', 2).set(2, 'CWE'), location: 'OBX[2]-2' },
  { rule: 'TDOC-ZAM-004', base: 'zam-z01', what: 'failed receipt without ERR', mutate: (m) => remove(m, seg(m, 'ERR')), location: 'ERR' },
  {
    rule: 'TDOC-ZAM-004',
    base: 'zam-z01',
    what: 'ERR-5 in SMTPERRORCODE for a DMP receipt',
    mutate: (m) => m.set('ERR-5.3', 'SMTPERRORCODE'),
    location: 'ERR-5.3',
  },
];

describe('TDOC rules', () => {
  for (const c of CASES) {
    it(`${c.rule} flags ${c.what}${c.location ? ` at ${c.location}` : ''}, and not the valid ${c.satisfiedBy ?? c.base} message`, () => {
      const before = validateDocumentMessage(base(c.satisfiedBy ?? c.base).toString());
      assert.deepEqual(
        before.issues.filter((i) => i.rule === c.rule),
        [],
        `the ${c.satisfiedBy ?? c.base} base already breaks ${c.rule}`,
      );
      const broken = base(c.base);
      c.mutate?.(broken);
      const report = c.mutateText ? validateDocumentMessage(c.mutateText(broken.toString())) : validateDocumentMessage(broken);
      const hits = report.issues.filter((i) => i.rule === c.rule);
      assert.ok(hits.length > 0, `${c.rule} not reported; got ${report.issues.map((i) => `${i.rule}@${i.location}`).join(', ')}`);
      if (c.location)
        assert.ok(
          hits.some((h) => h.location === c.location),
          `${c.rule} at ${hits.map((h) => h.location).join(', ')}, expected ${c.location}`,
        );
      assert.ok(
        hits.every((h) => h.severity === (c.severity ?? 'error')),
        `${c.rule} severity ${hits.map((h) => h.severity).join(', ')}`,
      );
      if ((c.severity ?? 'error') === 'error') assert.equal(report.valid, false);
    });
  }

  it('has a breaking case for every rule id of the field table and of the function rules', () => {
    const tested = new Set(CASES.map((c) => c.rule));
    // The pack lists its field rows, its function rules and its pipeline rules (TDOC-GEN-001/002, TDOC-STR-001).
    const declared = new Set(DOCUMENT_TRANSPORT_PACK.rules.map((r) => r.id));
    assert.deepEqual([...declared].filter((id) => !tested.has(id)).sort(), []);
  });
});
