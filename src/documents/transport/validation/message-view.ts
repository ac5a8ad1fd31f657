import type { ED, Message, Segment } from '../../../hl7/index.js';
import { readED } from '../../../hl7/index.js';
import type { Base64Inspection } from '../base64.js';
import { inspectBase64 } from '../base64.js';
import type { CdaReadResult } from '../cda-header.js';
import { readCdaHeader } from '../cda-header.js';
import type { DocumentAction, MetadataFlag } from '../vocabulary.js';
import {
  DOCUMENT_ACTIONS,
  MAIL_BODY_DEFINITIONS,
  METADATA_ALIASES,
  METADATA_CODING_SYSTEM,
  METADATA_DEFINITIONS,
  PARTICIPATION,
} from '../vocabulary.js';
import type { DocumentProfile } from './profile.js';

/** What an OBX of a document message carries. */
export type ObxRole = 'document' | 'metadata' | 'mail-body' | 'unknown';

export interface ObxEntry {
  segment: Segment;
  role: ObxRole;
  /** OBX-3.1 trimmed, aliases resolved (`ACK_LECTURE` → `ACK_LECTURE_MSS`). */
  code: string;
  /** OBX-3.1 as written (trimmed). */
  writtenCode: string;
  /** PRT segments right after this OBX (before the next OBX). */
  participations: Segment[];
  /** NTE segments right after this OBX and its PRTs. */
  notes: Segment[];
}

/** A document OBX decoded once: base64, then the CDA header. */
export interface CarriedDocument {
  obx: Segment;
  ed: ED;
  base64: Base64Inspection;
  /** Undefined when the base64 did not decode. */
  cda: CdaReadResult | undefined;
}

/** A message of the volet, analysed once for all the rules and for the reader. */
export interface DocumentMessageView {
  message: Message;
  profile: DocumentProfile;
  structure: 'MDM' | 'ORU' | 'ZAM';
  /** Action named by MSH-9 (MDM only). */
  eventAction: DocumentAction | undefined;
  /** Action named by ORC-1. */
  orderAction: DocumentAction | undefined;
  /** The action of the request: the MDM event, else ORC-1. */
  action: DocumentAction | undefined;
  obx: ObxEntry[];
  documents: CarriedDocument[];
  /** Metadata OBX by resolved code (first occurrence). */
  metadata: Map<string, ObxEntry>;
  /** Y/N value of each metadata present with a readable value. */
  flags: Partial<Record<MetadataFlag, boolean>>;
  /** PRT segments, each with the OBX it follows. */
  participations: Array<{ segment: Segment; after: ObxEntry | undefined }>;
  /** PRT segments by PRT-4.1 (`SB`, `RCT`, `REPLY`) following the first document OBX. */
  sender: Segment | undefined;
  recipients: Segment[];
  replyTo: Segment | undefined;
}

const METADATA_CODES = new Set<string>([...METADATA_DEFINITIONS.map((d) => d.code), ...MAIL_BODY_DEFINITIONS.map((d) => d.code)]);

function roleOf(obx: Segment, code: string): ObxRole {
  if (MAIL_BODY_DEFINITIONS.some((d) => d.code === code)) return 'mail-body';
  if (METADATA_CODES.has(code) || obx.get('3.3').trim() === METADATA_CODING_SYSTEM) return 'metadata';
  if (obx.get(2).trim() === 'ED') return 'document';
  return 'unknown';
}

/** Analyses a parsed message of a known profile. */
export function viewDocumentMessage(message: Message, profile: DocumentProfile): DocumentMessageView {
  const structure = profile.startsWith('mdm') ? 'MDM' : profile === 'oru-document' ? 'ORU' : 'ZAM';
  const event = message.header.triggerEvent.trim();
  const eventAction = structure === 'MDM' ? DOCUMENT_ACTIONS.find((a) => a.mdmEvent === event) : undefined;
  const orc1 = message.get('ORC-1').trim();
  const orderAction = DOCUMENT_ACTIONS.find((a) => a.orderControl === orc1);

  const obx: ObxEntry[] = [];
  const participations: DocumentMessageView['participations'] = [];
  let current: ObxEntry | undefined;
  for (const s of message.segments) {
    if (s.name === 'OBX') {
      const writtenCode = s.get('3.1').trim();
      const code = METADATA_ALIASES[writtenCode] ?? writtenCode;
      current = { segment: s, role: structure === 'ZAM' ? 'unknown' : roleOf(s, code), code, writtenCode, participations: [], notes: [] };
      obx.push(current);
    } else if (s.name === 'PRT') {
      participations.push({ segment: s, after: current });
      current?.participations.push(s);
    } else if (s.name === 'NTE') {
      current?.notes.push(s);
    } else {
      current = undefined;
    }
  }

  const documents: CarriedDocument[] = obx
    .filter((o) => o.role === 'document')
    .map((o) => {
      const ed = readED(o.segment.field(5));
      const base64 = inspectBase64(ed.data.trim());
      return { obx: o.segment, ed, base64, cda: base64.bytes ? readCdaHeader(base64.bytes) : undefined };
    });

  const metadata = new Map<string, ObxEntry>();
  const flags: Partial<Record<MetadataFlag, boolean>> = {};
  for (const o of obx) {
    if (o.role === 'document' || o.role === 'unknown' || metadata.has(o.code)) continue;
    metadata.set(o.code, o);
    const def = METADATA_DEFINITIONS.find((d) => d.code === o.code);
    const value = o.segment.get('5.1').trim();
    if (def && (value === 'Y' || value === 'N')) flags[def.flag] = value === 'Y';
  }

  const firstDocument = obx.find((o) => o.role === 'document');
  const prts = firstDocument?.participations ?? [];
  const role = (s: Segment): string => s.get('4.1').trim();
  return {
    message,
    profile,
    structure,
    eventAction,
    orderAction,
    action: eventAction ?? orderAction,
    obx,
    documents,
    metadata,
    flags,
    participations,
    sender: prts.find((s) => role(s) === PARTICIPATION.sender.code),
    recipients: prts.filter((s) => role(s) === PARTICIPATION.recipient.code),
    replyTo: prts.find((s) => role(s) === PARTICIPATION.replyTo.code),
  };
}
