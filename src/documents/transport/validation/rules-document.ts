import type { Finding } from '../../../profiles/index.js';
import type { CdaHeader } from '../cda-header.js';
import { formatDocumentId, readDocumentId, sameDocumentId } from '../document-id.js';
import { DOCUMENT_DATA_SUBTYPE, DOCUMENT_ENCODING, DOCUMENT_TYPE_OF_DATA } from '../vocabulary.js';
import type { CarriedDocument, DocumentMessageView } from './message-view.js';
import { DOCUMENT_CARRYING_PROFILES, MDM_PROFILES, finding } from './profile.js';
import type { DocumentRule } from './rule.js';
import { at } from './rule.js';

const DOCS = DOCUMENT_CARRYING_PROFILES;

/** The decoded CDA header of a carried document, when it could be read. */
function cdaOf(d: CarriedDocument): CdaHeader | undefined {
  return d.cda?.header;
}

/** Per decoded document: the patient ids found only in PID-3, and only in the CDA (`value (oid)`). */
function comparePatientIds(view: DocumentMessageView): Array<{ onlyPid: string[]; onlyCda: string[] }> {
  const pid = view.message.segment('PID');
  if (!pid) return [];
  const key = (root: string, ext: string | undefined): string => `${ext ?? ''} (${root})`;
  const pidIds = new Set(pid.repetitions(3).map((r) => key(r.get(4, 2).trim(), r.get(1).trim())));
  return view.documents.flatMap((d) => {
    const cda = cdaOf(d);
    if (!cda) return [];
    const cdaIds = new Set(cda.patientIds.map((i) => key(i.root, i.extension)));
    return [{ onlyPid: [...pidIds].filter((k) => !cdaIds.has(k)), onlyCda: [...cdaIds].filter((k) => !pidIds.has(k)) }];
  });
}

/** Rules on the document OBX and on the CDA it carries (trans-cda-r2 §5.6, §11). */
export const DOCUMENT_RULES: readonly DocumentRule[] = [
  {
    id: 'TDOC-DOC-001', profiles: DOCS, summary: 'the first OBX carries the document (OBX-2 ED); MDM carries exactly one document, ORU one or two',
    check: (view) => {
      const out: Finding[] = [];
      const first = view.obx[0];
      if (!first) return out;
      if (first.role !== 'document') {
        out.push(finding('TDOC-DOC-001', 'error', at(view, first.segment, 2), `The first OBX must carry the CDA document (OBX-2 ED); it is "${first.segment.get(2).trim()}" ${first.code}`, '100'));
      }
      const max = view.structure === 'MDM' ? 1 : 2;
      const docs = view.obx.filter((o) => o.role === 'document');
      for (const extra of docs.slice(max)) {
        out.push(finding('TDOC-DOC-001', 'error', at(view, extra.segment), `${view.structure} carries at most ${max} document${max > 1 ? 's' : ''}; this OBX is one more`, '100'));
      }
      const firstNonDocument = view.obx.findIndex((o) => o.role !== 'document');
      if (firstNonDocument >= 0) {
        for (const late of view.obx.slice(firstNonDocument).filter((o) => o.role === 'document')) {
          out.push(finding('TDOC-DOC-001', 'error', at(view, late.segment), 'A document OBX comes after the metadata OBX: documents come first', '100'));
        }
      }
      return out;
    },
  },
  {
    id: 'TDOC-DOC-002', profiles: DOCS, summary: 'OBX-3 of each document OBX equals OBR-4 (code and coding system)',
    check: (view) => {
      const obr = view.message.segment('OBR');
      if (!obr) return [];
      const code = obr.get('4.1').trim();
      const system = obr.get('4.3').trim();
      return view.documents.flatMap((d) => (d.obx.get('3.1').trim() === code && d.obx.get('3.3').trim() === system ? []
        : [finding('TDOC-DOC-002', 'error', at(view, d.obx, 3), `OBX-3 "${d.obx.get('3.1').trim()}^…^${d.obx.get('3.3').trim()}" differs from the document type OBR-4 "${code}^…^${system}"`, '207')]));
    },
  },
  {
    id: 'TDOC-DOC-003', profiles: DOCS, summary: 'OBX-5 of a document is ^text^XML^Base64^<data> (type of data compared case-insensitively)',
    check: (view) => view.documents.flatMap((d) => {
      const out: Finding[] = [];
      const expect = [[2, DOCUMENT_TYPE_OF_DATA.MDM, d.ed.typeOfData], [3, DOCUMENT_DATA_SUBTYPE, d.ed.dataSubtype], [4, DOCUMENT_ENCODING, d.ed.encoding]] as const;
      for (const [c, want, got] of expect) {
        if (got.trim().toLowerCase() !== want.toLowerCase()) {
          out.push(finding('TDOC-DOC-003', 'error', at(view, d.obx, 5, c), `OBX-5.${c} is "${got.trim()}"; a CDA document is carried as "${want}"`, '103'));
        }
      }
      if (d.ed.data.trim() === '') out.push(finding('TDOC-DOC-003', 'error', at(view, d.obx, 5, 5), 'OBX-5.5 (the base64 document) is empty', '101'));
      return out;
    }),
  },
  {
    id: 'TDOC-DOC-004', profiles: DOCS, summary: 'OBX-5.2 is written "text" in MDM and "TEXT" in ORU (warning on another case)',
    check: (view) => view.documents.flatMap((d) => {
      const want = view.structure === 'MDM' ? DOCUMENT_TYPE_OF_DATA.MDM : DOCUMENT_TYPE_OF_DATA.ORU;
      const got = d.ed.typeOfData.trim();
      return got.toLowerCase() === want.toLowerCase() && got !== want
        ? [finding('TDOC-DOC-004', 'warning', at(view, d.obx, 5, 2), `OBX-5.2 is "${got}"; ${view.structure} writes "${want}"`, '103')] : [];
    }),
  },
  {
    id: 'TDOC-DOC-005', profiles: DOCS, summary: 'OBX-5.5 is base64 on a single line, without foreign characters',
    check: (view) => view.documents.flatMap((d) => {
      if (d.ed.data.trim() === '' || d.base64.bytes) return [];
      const why = d.base64.hasLineBreaks ? 'contains line breaks or spaces (the base64 must be a single line)'
        : d.base64.invalidCharacter ? `contains "${d.base64.invalidCharacter}", outside the base64 alphabet` : 'is not valid base64';
      return [finding('TDOC-DOC-005', 'error', at(view, d.obx, 5, 5), `OBX-5.5 ${why}`, '102')];
    }),
  },
  {
    id: 'TDOC-DOC-006', profiles: DOCS, summary: 'the base64 of OBX-5.5 is padded with "=" (warning; decoded anyway)',
    check: (view) => view.documents.flatMap((d) => (d.base64.bytes && d.base64.unpadded
      ? [finding('TDOC-DOC-006', 'warning', at(view, d.obx, 5, 5), 'OBX-5.5 base64 lacks its "=" padding', '102')] : [])),
  },
  {
    id: 'TDOC-DOC-007', profiles: DOCS, summary: 'the decoded document is well-formed XML whose root is ClinicalDocument in urn:hl7-org:v3',
    check: (view) => view.documents.flatMap((d) => (d.cda?.problem
      ? [finding('TDOC-DOC-007', 'error', at(view, d.obx, 5, 5), `The decoded document is not a CDA document: ${d.cda.problem.message}`, '102')] : [])),
  },
  {
    id: 'TDOC-DOC-008', profiles: MDM_PROFILES, summary: 'the CDA ClinicalDocument/id equals TXA-12',
    check: (view) => {
      const txa = view.message.segment('TXA');
      const cda = view.documents[0] && cdaOf(view.documents[0]);
      if (!txa || !cda) return [];
      const txaId = readDocumentId(txa.field(12));
      if (!txaId) return [];
      return sameDocumentId(cda.id, txaId) ? []
        : [finding('TDOC-DOC-008', 'error', 'TXA-12', `TXA-12 ${formatDocumentId(txaId)} differs from the CDA id ${cda.id ? formatDocumentId(cda.id) : '(absent)'}`, '207')];
    },
  },
  {
    id: 'TDOC-DOC-009', profiles: DOCS, summary: 'the CDA code equals OBX-3.1 of its OBX',
    check: (view) => view.documents.flatMap((d) => {
      const cda = cdaOf(d);
      const code = d.obx.get('3.1').trim();
      return cda && cda.code?.code !== code
        ? [finding('TDOC-DOC-009', 'error', at(view, d.obx, 3, 1), `OBX-3.1 "${code}" differs from the CDA code "${cda.code?.code ?? ''}"`, '207')] : [];
    }),
  },
  {
    id: 'TDOC-DOC-010', profiles: ['mdm-t10'], summary: 'on a replacement, the CDA relatedDocument RPLC parent id equals TXA-13',
    check: (view) => {
      const cda = view.documents[0] && cdaOf(view.documents[0]);
      const parent = view.message.segment('TXA') ? readDocumentId(view.message.segment('TXA')!.field(13)) : undefined;
      if (!cda || !parent) return [];
      const rplc = cda.relatedDocuments.filter((r) => r.typeCode === 'RPLC');
      return rplc.some((r) => sameDocumentId(r.id, parent)) ? []
        : [finding('TDOC-DOC-010', 'error', 'TXA-13', `TXA-13 ${formatDocumentId(parent)} is not the parentDocument of a relatedDocument RPLC in the CDA${rplc.length ? ` (it names ${rplc.map((r) => formatDocumentId(r.id)).join(', ')})` : ' (the CDA has none)'}`, '207')];
    },
  },
  {
    id: 'TDOC-DOC-011', profiles: DOCS, summary: 'every PID-3 identifier is one of the CDA recordTarget/patientRole/id',
    check: (view) => comparePatientIds(view).flatMap(({ onlyPid }) => (onlyPid.length
      ? [finding('TDOC-DOC-011', 'error', 'PID-3', `PID-3 must carry the identifiers of the CDA recordTarget; not in the CDA: ${onlyPid.join(', ')}`, '207')] : [])),
  },
  {
    id: 'TDOC-DOC-013', profiles: DOCS, summary: 'every CDA recordTarget/patientRole/id is also in PID-3 (warning: the official SEGUR example omits the IPP)',
    check: (view) => comparePatientIds(view).flatMap(({ onlyCda }) => (onlyCda.length
      ? [finding('TDOC-DOC-013', 'warning', 'PID-3', `The CDA recordTarget has identifiers PID-3 does not carry: ${onlyCda.join(', ')}`, '207')] : [])),
  },
  {
    id: 'TDOC-DOC-012', profiles: DOCS, summary: 'a restricted or very restricted document (confidentialityCode R/V) should not be sent to the DMP (warning)',
    check: (view) => {
      if (!view.flags.sendToDmp) return [];
      return view.documents.flatMap((d) => {
        const conf = cdaOf(d)?.confidentialityCode;
        return conf === 'R' || conf === 'V'
          ? [finding('TDOC-DOC-012', 'warning', view.metadata.get('DESTDMP') ? at(view, view.metadata.get('DESTDMP')!.segment, 5) : 'OBX', `The CDA confidentialityCode is ${conf}: such a document should not be shared in the DMP`, '207')] : [];
      });
    },
  },
];

