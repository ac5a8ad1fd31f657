import type { CdaHeader } from '../cda-header.js';
import { formatDocumentId, readDocumentId, sameDocumentId } from '../document-id.js';
import { DOCUMENT_DATA_SUBTYPE, DOCUMENT_ENCODING, DOCUMENT_TYPE_OF_DATA } from '../vocabulary.js';
import type { CarriedDocument, DocumentMessageView } from './message-view.js';
import type { DocumentRuleDefinition } from './profile.js';
import { DOCUMENT_CARRYING_PROFILES, MDM_PROFILES, defineDocumentRule } from './profile.js';

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

export const TDOC_DOC_001 = defineDocumentRule({
  id: 'TDOC-DOC-001',
  severity: 'error',
  condition: '100',
  profiles: DOCS,
  scope: 'message',
  summary: 'the first OBX carries the document (OBX-2 ED); MDM carries exactly one document, ORU one or two',
  evaluate(ctx) {
    const first = ctx.obx[0];
    if (!first) return;
    if (first.role !== 'document') {
      ctx.report(
        TDOC_DOC_001,
        ctx.at(first.segment, '2'),
        `The first OBX must carry the CDA document (OBX-2 ED); it is "${first.segment.get(2).trim()}" ${first.code}`,
      );
    }
    const max = ctx.structure === 'MDM' ? 1 : 2;
    const docs = ctx.obx.filter((o) => o.role === 'document');
    for (const extra of docs.slice(max)) {
      ctx.report(
        TDOC_DOC_001,
        ctx.at(extra.segment),
        `${ctx.structure} carries at most ${max} document${max > 1 ? 's' : ''}; this OBX is one more`,
      );
    }
    const firstNonDocument = ctx.obx.findIndex((o) => o.role !== 'document');
    if (firstNonDocument >= 0) {
      for (const late of ctx.obx.slice(firstNonDocument).filter((o) => o.role === 'document')) {
        ctx.report(TDOC_DOC_001, ctx.at(late.segment), 'A document OBX comes after the metadata OBX: documents come first');
      }
    }
  },
});

export const TDOC_DOC_002 = defineDocumentRule({
  id: 'TDOC-DOC-002',
  severity: 'error',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'OBX-3 of each document OBX equals OBR-4 (code and coding system)',
  evaluate(ctx) {
    const obr = ctx.message.segment('OBR');
    if (!obr) return;
    const code = obr.get('4.1').trim();
    const system = obr.get('4.3').trim();
    for (const d of ctx.documents) {
      if (d.obx.get('3.1').trim() === code && d.obx.get('3.3').trim() === system) continue;
      ctx.report(
        TDOC_DOC_002,
        ctx.at(d.obx, '3'),
        `OBX-3 "${d.obx.get('3.1').trim()}^…^${d.obx.get('3.3').trim()}" differs from the document type OBR-4 "${code}^…^${system}"`,
      );
    }
  },
});

export const TDOC_DOC_003 = defineDocumentRule({
  id: 'TDOC-DOC-003',
  severity: 'error',
  condition: '103',
  profiles: DOCS,
  scope: 'message',
  summary: 'OBX-5 of a document is ^text^XML^Base64^<data> (type of data compared case-insensitively)',
  evaluate(ctx) {
    for (const d of ctx.documents) {
      const expect = [
        [2, DOCUMENT_TYPE_OF_DATA.MDM, d.ed.typeOfData],
        [3, DOCUMENT_DATA_SUBTYPE, d.ed.dataSubtype],
        [4, DOCUMENT_ENCODING, d.ed.encoding],
      ] as const;
      for (const [c, want, got] of expect) {
        if (got.trim().toLowerCase() !== want.toLowerCase()) {
          ctx.report(TDOC_DOC_003, ctx.at(d.obx, `5.${c}`), `OBX-5.${c} is "${got.trim()}"; a CDA document is carried as "${want}"`);
        }
      }
      if (d.ed.data.trim() === '')
        ctx.report(TDOC_DOC_003, ctx.at(d.obx, '5.5'), 'OBX-5.5 (the base64 document) is empty', { condition: '101' });
    }
  },
});

export const TDOC_DOC_004 = defineDocumentRule({
  id: 'TDOC-DOC-004',
  severity: 'warning',
  condition: '103',
  profiles: DOCS,
  scope: 'message',
  summary: 'OBX-5.2 is written "text" in MDM and "TEXT" in ORU (warning on another case)',
  evaluate(ctx) {
    for (const d of ctx.documents) {
      const want = ctx.structure === 'MDM' ? DOCUMENT_TYPE_OF_DATA.MDM : DOCUMENT_TYPE_OF_DATA.ORU;
      const got = d.ed.typeOfData.trim();
      if (got.toLowerCase() === want.toLowerCase() && got !== want)
        ctx.report(TDOC_DOC_004, ctx.at(d.obx, '5.2'), `OBX-5.2 is "${got}"; ${ctx.structure} writes "${want}"`);
    }
  },
});

export const TDOC_DOC_005 = defineDocumentRule({
  id: 'TDOC-DOC-005',
  severity: 'error',
  condition: '102',
  profiles: DOCS,
  scope: 'message',
  summary: 'OBX-5.5 is base64 on a single line, without foreign characters',
  evaluate(ctx) {
    for (const d of ctx.documents) {
      if (d.ed.data.trim() === '' || d.base64.bytes) continue;
      const why = d.base64.hasLineBreaks
        ? 'contains line breaks or spaces (the base64 must be a single line)'
        : d.base64.invalidCharacter
          ? `contains "${d.base64.invalidCharacter}", outside the base64 alphabet`
          : 'is not valid base64';
      ctx.report(TDOC_DOC_005, ctx.at(d.obx, '5.5'), `OBX-5.5 ${why}`);
    }
  },
});

export const TDOC_DOC_006 = defineDocumentRule({
  id: 'TDOC-DOC-006',
  severity: 'warning',
  condition: '102',
  profiles: DOCS,
  scope: 'message',
  summary: 'the base64 of OBX-5.5 is padded with "=" (warning; decoded anyway)',
  evaluate(ctx) {
    for (const d of ctx.documents)
      if (d.base64.bytes && d.base64.unpadded) ctx.report(TDOC_DOC_006, ctx.at(d.obx, '5.5'), 'OBX-5.5 base64 lacks its "=" padding');
  },
});

export const TDOC_DOC_007 = defineDocumentRule({
  id: 'TDOC-DOC-007',
  severity: 'error',
  condition: '102',
  profiles: DOCS,
  scope: 'message',
  summary: 'the decoded document is well-formed XML whose root is ClinicalDocument in urn:hl7-org:v3',
  evaluate(ctx) {
    for (const d of ctx.documents) {
      if (d.cda?.problem)
        ctx.report(TDOC_DOC_007, ctx.at(d.obx, '5.5'), `The decoded document is not a CDA document: ${d.cda.problem.message}`);
    }
  },
});

export const TDOC_DOC_008 = defineDocumentRule({
  id: 'TDOC-DOC-008',
  severity: 'error',
  condition: '207',
  profiles: MDM_PROFILES,
  scope: 'message',
  summary: 'the CDA ClinicalDocument/id equals TXA-12',
  evaluate(ctx) {
    const txa = ctx.message.segment('TXA');
    const cda = ctx.documents[0] && cdaOf(ctx.documents[0]);
    if (!txa || !cda) return;
    const txaId = readDocumentId(txa.field(12));
    if (!txaId || sameDocumentId(cda.id, txaId)) return;
    ctx.report(
      TDOC_DOC_008,
      'TXA-12',
      `TXA-12 ${formatDocumentId(txaId)} differs from the CDA id ${cda.id ? formatDocumentId(cda.id) : '(absent)'}`,
    );
  },
});

export const TDOC_DOC_009 = defineDocumentRule({
  id: 'TDOC-DOC-009',
  severity: 'error',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'the CDA code equals OBX-3.1 of its OBX',
  evaluate(ctx) {
    for (const d of ctx.documents) {
      const cda = cdaOf(d);
      const code = d.obx.get('3.1').trim();
      if (cda && cda.code?.code !== code)
        ctx.report(TDOC_DOC_009, ctx.at(d.obx, '3.1'), `OBX-3.1 "${code}" differs from the CDA code "${cda.code?.code ?? ''}"`);
    }
  },
});

export const TDOC_DOC_010 = defineDocumentRule({
  id: 'TDOC-DOC-010',
  severity: 'error',
  condition: '207',
  profiles: ['mdm-t10'],
  scope: 'message',
  summary: 'on a replacement, the CDA relatedDocument RPLC parent id equals TXA-13',
  evaluate(ctx) {
    const cda = ctx.documents[0] && cdaOf(ctx.documents[0]);
    const parent = ctx.message.segment('TXA') ? readDocumentId(ctx.message.segment('TXA')!.field(13)) : undefined;
    if (!cda || !parent) return;
    const rplc = cda.relatedDocuments.filter((r) => r.typeCode === 'RPLC');
    if (rplc.some((r) => sameDocumentId(r.id, parent))) return;
    ctx.report(
      TDOC_DOC_010,
      'TXA-13',
      `TXA-13 ${formatDocumentId(parent)} is not the parentDocument of a relatedDocument RPLC in the ` +
        `CDA${rplc.length ? ` (it names ${rplc.map((r) => formatDocumentId(r.id)).join(', ')})` : ' (the CDA has none)'}`,
    );
  },
});

export const TDOC_DOC_011 = defineDocumentRule({
  id: 'TDOC-DOC-011',
  severity: 'error',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'every PID-3 identifier is one of the CDA recordTarget/patientRole/id',
  evaluate(ctx) {
    for (const { onlyPid } of comparePatientIds(ctx)) {
      if (onlyPid.length)
        ctx.report(
          TDOC_DOC_011,
          'PID-3',
          `PID-3 must carry the identifiers of the CDA recordTarget; not in the CDA: ${onlyPid.join(', ')}`,
        );
    }
  },
});

export const TDOC_DOC_013 = defineDocumentRule({
  id: 'TDOC-DOC-013',
  severity: 'warning',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'every CDA recordTarget/patientRole/id is also in PID-3 (warning: the official SEGUR example omits the IPP)',
  evaluate(ctx) {
    for (const { onlyCda } of comparePatientIds(ctx)) {
      if (onlyCda.length)
        ctx.report(TDOC_DOC_013, 'PID-3', `The CDA recordTarget has identifiers PID-3 does not carry: ${onlyCda.join(', ')}`);
    }
  },
});

export const TDOC_DOC_012 = defineDocumentRule({
  id: 'TDOC-DOC-012',
  severity: 'warning',
  condition: '207',
  profiles: DOCS,
  scope: 'message',
  summary: 'a restricted or very restricted document (confidentialityCode R/V) should not be sent to the DMP (warning)',
  evaluate(ctx) {
    if (!ctx.flags.sendToDmp) return;
    for (const d of ctx.documents) {
      const conf = cdaOf(d)?.confidentialityCode;
      if (conf !== 'R' && conf !== 'V') continue;
      const destDmp = ctx.metadata.get('DESTDMP');
      ctx.report(
        TDOC_DOC_012,
        destDmp ? ctx.at(destDmp.segment, '5') : 'OBX',
        `The CDA confidentialityCode is ${conf}: such a document should not be shared in the DMP`,
      );
    }
  },
});

/** Rules on the document OBX and on the CDA it carries (trans-cda-r2 §5.6, §11). */
export const DOCUMENT_RULES: readonly DocumentRuleDefinition[] = [
  TDOC_DOC_001,
  TDOC_DOC_002,
  TDOC_DOC_003,
  TDOC_DOC_004,
  TDOC_DOC_005,
  TDOC_DOC_006,
  TDOC_DOC_007,
  TDOC_DOC_008,
  TDOC_DOC_009,
  TDOC_DOC_010,
  TDOC_DOC_011,
  TDOC_DOC_013,
  TDOC_DOC_012,
];
