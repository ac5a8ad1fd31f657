import type { Finding } from '../../../profiles/index.js';
import { inspectBase64 } from '../base64.js';
import {
  MAIL_BODY_DEFINITIONS, METADATA_ALIASES, METADATA_CODING_SYSTEM, METADATA_DEFINITIONS, NO_REPLY_COMMENT_TYPE, YES_NO_CODING_SYSTEM,
} from '../vocabulary.js';
import type { ObxEntry } from './message-view.js';
import { matchMssanteRow } from './mssante-matrix.js';
import { DOCUMENT_CARRYING_PROFILES, finding } from './profile.js';
import type { DocumentRule } from './rule.js';
import { at } from './rule.js';

const DOCS = DOCUMENT_CARRYING_PROFILES;
const ORDER = [...METADATA_DEFINITIONS.map((d) => d.code), ...MAIL_BODY_DEFINITIONS.map((d) => d.code)];

function metadataEntries(obx: readonly ObxEntry[]): ObxEntry[] {
  return obx.filter((o) => o.role === 'metadata' || o.role === 'mail-body');
}

/** Rules on the DMP/MSSanté metadata OBX (trans-cda-r2 §4.3, §6). */
export const METADATA_RULES: readonly DocumentRule[] = [
  {
    id: 'TDOC-META-001', profiles: DOCS, summary: 'the eight required Y/N metadata (MASQUE_PS … DESTMSSANTEPAT) are present',
    check: (view) => METADATA_DEFINITIONS.filter((d) => d.presence === 'required' && !view.metadata.has(d.code))
      .map((d) => finding('TDOC-META-001', 'error', 'OBX', `Metadata OBX ${d.code} (${d.label}) is missing`, '101')),
  },
  {
    id: 'TDOC-META-002', profiles: DOCS, summary: 'ACK_RECEPTION and ACK_LECTURE_MSS are present (warning: the IG tables say optional, its text required)',
    check: (view) => METADATA_DEFINITIONS.filter((d) => d.presence === 'expected' && !view.metadata.has(d.code))
      .map((d) => finding('TDOC-META-002', 'warning', 'OBX', `Metadata OBX ${d.code} (${d.label}) is missing: read as N`, '101')),
  },
  {
    id: 'TDOC-META-003', profiles: DOCS, summary: 'the metadata OBX follow the IG order (warning: each is identified by its code)',
    check: (view) => {
      const out: Finding[] = [];
      let last = -1;
      for (const o of metadataEntries(view.obx)) {
        const rank = ORDER.indexOf(o.code);
        if (rank < 0) continue;
        if (rank < last) out.push(finding('TDOC-META-003', 'warning', at(view, o.segment, 3), `Metadata ${o.code} comes after ${ORDER[last]}; the IG order is ${ORDER.join(', ')}`, '100'));
        last = Math.max(last, rank);
      }
      return out;
    },
  },
  {
    id: 'TDOC-META-004', profiles: DOCS, summary: 'OBX-2 of a Y/N metadata is CWE in MDM and CE in ORU; ED for the mail bodies',
    check: (view) => metadataEntries(view.obx).flatMap((o) => {
      const want = o.role === 'mail-body' ? 'ED' : view.structure === 'MDM' ? 'CWE' : 'CE';
      const got = o.segment.get(2).trim();
      return got === want ? [] : [finding('TDOC-META-004', 'error', at(view, o.segment, 2), `OBX-2 of ${o.code} is "${got}"; ${view.structure} expects "${want}"`, '102')];
    }),
  },
  {
    id: 'TDOC-META-005', profiles: DOCS, summary: 'OBX-3.3 of a metadata is MetaDMPMSS',
    check: (view) => metadataEntries(view.obx).flatMap((o) => {
      const system = o.segment.get('3.3').trim();
      return system === METADATA_CODING_SYSTEM ? [] : [finding('TDOC-META-005', 'error', at(view, o.segment, 3, 3), `OBX-3.3 of ${o.code} is "${system}"; expected "${METADATA_CODING_SYSTEM}"`, system === '' ? '101' : '103')];
    }),
  },
  {
    id: 'TDOC-META-006', profiles: DOCS, summary: 'a Y/N metadata value is Y or N with OBX-5.3 expandedYes-NoIndicator',
    check: (view) => metadataEntries(view.obx).filter((o) => o.role === 'metadata').flatMap((o) => {
      const out: Finding[] = [];
      const value = o.segment.get('5.1').trim();
      if (value !== 'Y' && value !== 'N') out.push(finding('TDOC-META-006', 'error', at(view, o.segment, 5, 1), `OBX-5.1 of ${o.code} is "${value}"; expected Y or N`, value === '' ? '101' : '103'));
      const system = o.segment.get('5.3').trim();
      if (system !== YES_NO_CODING_SYSTEM) out.push(finding('TDOC-META-006', 'error', at(view, o.segment, 5, 3), `OBX-5.3 of ${o.code} is "${system}"; expected "${YES_NO_CODING_SYSTEM}"`, system === '' ? '101' : '103'));
      return out;
    }),
  },
  {
    id: 'TDOC-META-007', profiles: DOCS, summary: 'OBX-11 of a metadata is F',
    check: (view) => metadataEntries(view.obx).flatMap((o) => (o.segment.get(11).trim() === 'F' ? []
      : [finding('TDOC-META-007', 'error', at(view, o.segment, 11), `OBX-11 of ${o.code} is "${o.segment.get(11).trim()}"; metadata are always "F"`, '103')])),
  },
  {
    id: 'TDOC-META-008', profiles: DOCS, summary: 'each metadata appears once',
    check: (view) => {
      const seen = new Set<string>();
      return metadataEntries(view.obx).flatMap((o) => {
        if (!seen.has(o.code)) { seen.add(o.code); return []; }
        return [finding('TDOC-META-008', 'error', at(view, o.segment, 3), `Metadata ${o.code} appears more than once`, '100')];
      });
    },
  },
  {
    id: 'TDOC-META-009', profiles: DOCS, summary: 'unknown OBX codes and the ACK_LECTURE alias are reported (warning) and ignored',
    check: (view) => view.obx.flatMap((o) => {
      if (o.role === 'unknown' || (o.role === 'metadata' && !ORDER.includes(o.code))) {
        return [finding('TDOC-META-009', 'warning', at(view, o.segment, 3), `OBX ${o.writtenCode || '(no code)'} is not a document nor a metadata of the volet: ignored`, '103')];
      }
      if (o.writtenCode !== o.code && METADATA_ALIASES[o.writtenCode]) {
        return [finding('TDOC-META-009', 'warning', at(view, o.segment, 3, 1), `OBX-3.1 "${o.writtenCode}" is read as ${o.code}, the code of the IG table`, '103')];
      }
      return [];
    }),
  },
  {
    id: 'TDOC-META-010', profiles: DOCS, summary: 'NTE FIN (patient may not reply) follows DESTMSSANTEPAT = Y (warning otherwise: ignored)',
    check: (view) => view.obx.flatMap((o) => o.notes.filter((n) => n.get('4.1').trim() === NO_REPLY_COMMENT_TYPE).flatMap((n) => {
      if (o.code !== 'DESTMSSANTEPAT') return [finding('TDOC-META-010', 'warning', at(view, n, 4), `NTE ${NO_REPLY_COMMENT_TYPE} follows ${o.code || 'an OBX'}; it belongs right after DESTMSSANTEPAT`, '100')];
      return view.flags.sendToPatient ? [] : [finding('TDOC-META-010', 'warning', at(view, n, 4), `NTE ${NO_REPLY_COMMENT_TYPE} is given while DESTMSSANTEPAT = N: no mail goes to the patient`, '207')];
    })),
  },
  {
    id: 'TDOC-META-011', profiles: DOCS, summary: 'a mail body (CORPSMAIL_*) is base64 of UTF-8 text (warning: plain text accepted)',
    check: (view) => view.obx.filter((o) => o.role === 'mail-body').flatMap((o) => {
      const data = o.segment.get('5.5').trim();
      const encoding = o.segment.get('5.4').trim().toLowerCase();
      if (encoding !== 'base64') return [finding('TDOC-META-011', 'warning', at(view, o.segment, 5, 4), `OBX-5.4 of ${o.code} is "${o.segment.get('5.4').trim()}"; the mail body is written Base64 (plain text accepted)`, '103')];
      const b = inspectBase64(data);
      if (!b.bytes) return [finding('TDOC-META-011', 'warning', at(view, o.segment, 5, 5), `OBX-5.5 of ${o.code} is not valid base64: the mail body is taken as written`, '102')];
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(b.bytes);
        return [];
      } catch {
        return [finding('TDOC-META-011', 'warning', at(view, o.segment, 5, 5), `OBX-5.5 of ${o.code} does not decode to UTF-8 text (truncated base64?)`, '102')];
      }
    }),
  },
  {
    id: 'TDOC-META-012', profiles: DOCS, summary: 'a document hidden from the patient (INVISIBLE_PATIENT = Y) is not mailed to the patient (DESTMSSANTEPAT = Y)',
    check: (view) => (view.flags.hiddenFromPatient && view.flags.sendToPatient
      ? [finding('TDOC-META-012', 'error', at(view, view.metadata.get('DESTMSSANTEPAT')!.segment, 5, 1), 'INVISIBLE_PATIENT = Y forbids DESTMSSANTEPAT = Y: the document must not be mailed to the patient', '207')] : []),
  },
  {
    id: 'TDOC-META-013', profiles: DOCS, summary: 'an MSSanté request matches a row of the MSSanté matrix (warning)',
    check: (view) => {
      if (!view.flags.sendToProfessionals && !view.flags.sendToPatient) return [];
      if (matchMssanteRow(view.flags)) return [];
      return [finding('TDOC-META-013', 'warning', 'OBX', 'The metadata combination matches no row of the MSSanté matrix (regles-gestion-mssante); a strict GESTIONNAIRE rejects it', '207')];
    },
  },
  {
    id: 'TDOC-META-014', profiles: DOCS, summary: 'MODIF_CONF_CODE = Y goes with a replacement (warning otherwise)',
    check: (view) => (view.flags.confidentialityChange && view.action && view.action.kind !== 'replace'
      ? [finding('TDOC-META-014', 'warning', at(view, view.metadata.get('MODIF_CONF_CODE')!.segment, 5, 1), `MODIF_CONF_CODE = Y on a ${view.action.kind} request: a change of masking/visibility is made by a replacement`, '207')] : []),
  },
];
