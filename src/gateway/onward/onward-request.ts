import { randomUUID } from 'node:crypto';
import type { Message } from '../../hl7/index.js';
import type { Finding } from '../../profiles/index.js';
import type {
  CdaConfidentiality,
  DocumentMetadataInput,
  DocumentRequest,
  MailRecipient,
  Participant,
  ReceivedDocumentMessage,
} from '../../documents/transport/index.js';
import { DocumentTransportError, INS_OIDS, buildDocumentMessage, validateDocumentMessage } from '../../documents/transport/index.js';
import type { PublicationDestination } from '../../store/index.js';
import type { HealthProfessional, ImagingOrder, Patient } from '../../tlr/index.js';
import type { ReportRecord } from '../../workflow/index.js';
import type { GatewayConfig } from '../config.js';
import type { OnwardPfiConfig } from './onward-config.js';

/** A report the RIS half accepted from the platform (T02, T10 or T04), as the onward route takes it. */
export interface AcceptedReport {
  kind: 'initial' | 'replace' | 'delete';
  /** The platform's message as read (patient, visit, order, participants, the platform's masking flags). */
  received: ReceivedDocumentMessage;
  /** The CDA bytes, forwarded unchanged. */
  bytes: Uint8Array;
  /** The report version (for a deletion: the deleted version). */
  report: Pick<ReportRecord, 'documentId' | 'setId' | 'version' | 'title'>;
  /** The order as flow 1 brought it, when the RIS has it: the patient's INS and its qualification. */
  order: ImagingOrder | undefined;
  /** The platform's message as received (the direct DMP route reads it again when it sends). */
  raw: Uint8Array;
}

/** One destination of the planned message, or why it is not asked for. */
export interface PlannedDestination {
  destination: PublicationDestination;
  address?: string;
  /** `skipped` with `reason` when the configuration asks for it but the report or patient do not allow it. */
  status: 'pending' | 'skipped';
  reason?: string;
}

/** What the onward route sends for an accepted report: the message, or why it is held; and its destinations. */
export interface OnwardPlan {
  destinations: PlannedDestination[];
  /** The built message; undefined when it could not be built. */
  message: Message | undefined;
  /** MSH-10 of the message (a fresh id when it could not be built). */
  controlId: string;
  /** The document-transport pack's findings (or the builder's refusal); `held` when one is an error. */
  findings: Finding[];
  held: boolean;
}

/** Confidentiality codes that keep a document out of the shared record (trans-cda-r2 §6.1, DESTDMP). */
const NOT_SHARED: readonly string[] = ['R', 'V'];

/**
 * Why a report cannot go to the patient's DMP (by the PFI or directly), or `undefined` when it can: the
 * DMP needs an INS whose identity is qualified (PID-32 `VALI`, from the order when the RIS has it) and a
 * document of normal confidentiality.
 */
export function dmpSkipReason(accepted: AcceptedReport): string | undefined {
  const patient = accepted.received.patient;
  const confidentiality = accepted.received.document?.cda?.confidentialityCode ?? 'N';
  const ins = patient.ins && INS_OIDS.includes(patient.ins.authorityOid) ? patient.ins : undefined;
  const reliability = accepted.order?.patient.identityStatus ?? patient.identityStatus;
  if (ins === undefined || reliability !== 'VALI') return 'the patient has no qualified INS (PID-3 INS with PID-32 VALI)';
  if (NOT_SHARED.includes(confidentiality)) return `the document's confidentiality is ${confidentiality}: not shared in the DMP`;
  return undefined;
}

/**
 * The volet 2.1 message (MDM^T02/T10/T04, v2.6) for the PFI, from a report the RIS accepted.
 *
 * Readings of the guide (docs/document-transport.md, "Onward route"):
 * - the masking flags (`MASQUE_PS`, `INVISIBLE_PATIENT`, `INVISIBLE_REP_LEGAUX`, `CONNEXION_SECRETE`,
 *   `MODIF_CONF_CODE`) are those the platform set when the document was validated: the RIS forwards
 *   them; the Téléradiologie order (flow 1) carries no opposition or visibility flag of its own;
 * - the destinations (`DESTDMP`, `DESTMSSANTEPS`, `DESTMSSANTEPAT`) are the deployment's choice, each
 *   kept only when the patient and the document allow it: the DMP needs an INS whose identity is
 *   qualified (PID-32 `VALI`) and a document of normal confidentiality; the professionals' mail needs
 *   a recipient and a document not hidden from professionals; the patient's mail needs the INS (the
 *   patient mailbox is `<INS>@<domain>`) and a document visible to the patient;
 * - `ACK_RECEPTION` is asked whenever a destination is: the RIS tracks each one by its ZAM.
 */
export function planOnwardMessage(gateway: GatewayConfig, pfi: OnwardPfiConfig, accepted: AcceptedReport): OnwardPlan {
  const { received } = accepted;
  const patient = received.patient;
  const cda = received.document?.cda;
  const confidentiality = (cda?.confidentialityCode ?? 'N') as CdaConfidentiality;
  const masks = received.metadata;
  const ins = patient.ins && INS_OIDS.includes(patient.ins.authorityOid) ? patient.ins : undefined;

  const destinations: PlannedDestination[] = [];
  if (pfi.dmp) {
    const reason = dmpSkipReason(accepted);
    destinations.push(reason ? { destination: 'dmp', status: 'skipped', reason } : { destination: 'dmp', status: 'pending' });
  }
  const recipients: MailRecipient[] = [];
  if (pfi.mssante.professionals) {
    const patientMailbox = (r: MailRecipient) => r.person?.identifierType === 'INS';
    const named = received.participants.recipients.filter((r) => !patientMailbox(r));
    const addresses = new Set(named.map((r) => r.address));
    const all = [...named, ...pfi.mssante.recipients.filter((a) => !addresses.has(a)).map((address) => ({ address }))];
    if (masks.hiddenFromProfessionals) {
      destinations.push({ destination: 'mssante', status: 'skipped', reason: 'the document is hidden from professionals (MASQUE_PS)' });
    } else if (all.length === 0) {
      destinations.push({ destination: 'mssante', status: 'skipped', reason: 'no MSSanté recipient was named or configured' });
    } else {
      recipients.push(...all);
      for (const r of all) destinations.push({ destination: 'mssante', address: r.address, status: 'pending' });
    }
  }
  let mailsPatient = false;
  if (pfi.mssante.patient) {
    const reason = !ins
      ? 'the patient has no INS: no MSSanté patient mailbox'
      : masks.hiddenFromPatient
        ? 'the document is not visible to the patient (INVISIBLE_PATIENT)'
        : undefined;
    if (reason || !ins) {
      destinations.push({ destination: 'mssante', address: '', status: 'skipped', reason: reason ?? '' });
    } else {
      const address = `${ins.value}@${pfi.mssante.patientDomain}`;
      recipients.push({ person: patientAsRecipient(patient, ins), address });
      destinations.push({ destination: 'mssante', address, status: 'pending' });
      mailsPatient = true;
    }
  }
  const pending = destinations.filter((d) => d.status === 'pending');
  const metadata: DocumentMetadataInput = {
    hiddenFromProfessionals: masks.hiddenFromProfessionals,
    hiddenFromPatient: masks.hiddenFromPatient,
    hiddenFromLegalRepresentatives: masks.hiddenFromLegalRepresentatives,
    secretConnection: masks.secretConnection,
    confidentialityChange: accepted.kind === 'replace' && masks.confidentialityChange,
    sendToDmp: pending.some((d) => d.destination === 'dmp'),
    sendToProfessionals: pending.some((d) => d.destination === 'mssante' && !isPatientAddress(d.address, pfi)),
    sendToPatient: mailsPatient,
    receptionReceipt: pending.length > 0,
    readReceipt: false,
    patientMayNotReply: masks.patientMayNotReply,
    ...(masks.mailBodyForProfessionals !== undefined ? { mailBodyForProfessionals: masks.mailBodyForProfessionals } : {}),
    ...(masks.mailBodyForPatient !== undefined ? { mailBodyForPatient: masks.mailBodyForPatient } : {}),
  };

  const sender: Participant = received.participants.sender ?? {
    deviceId: pfi.sendingApplication,
    organisation: { ...gateway.organisation },
  };
  const author: HealthProfessional = sender.person ?? {
    idNat: cda?.legalAuthenticatorId?.extension ?? '',
    familyName: '',
    givenName: '',
    identifierType: 'IDNPS',
  };
  const base = {
    patient,
    ...(received.visit ? { visit: received.visit } : {}),
    ...(received.order ? { order: received.order } : {}),
    document: {
      xml: accepted.bytes,
      id: accepted.report.documentId,
      setId: accepted.report.setId,
      version: accepted.report.version,
      title: cda?.title ?? accepted.report.title,
      type: received.document?.type ?? { code: '18748-4', display: "CR d'imagerie médicale", codingSystem: 'LN' },
      creationTime: cda?.effectiveTime ?? received.creationTime ?? new Date(),
      confidentiality,
      mimeType: 'text/xml' as const,
      author,
      custodian: sender.organisation ?? { ...gateway.organisation },
    },
    metadata,
    participants: { sender, recipients },
    context: {
      sendingApplication: pfi.sendingApplication,
      sendingFacility: pfi.sendingFacility,
      receivingApplication: pfi.receivingApplication,
      receivingFacility: pfi.receivingFacility,
      processingId: gateway.processingId,
      charset: gateway.charset,
    },
  };
  const request: DocumentRequest =
    accepted.kind === 'replace'
      ? { ...base, kind: 'replace', replacedDocumentId: received.replacedDocumentId ?? { root: '' } }
      : { ...base, kind: accepted.kind };

  let message: Message;
  try {
    message = buildDocumentMessage(request);
  } catch (e) {
    if (!(e instanceof DocumentTransportError)) throw e;
    const finding: Finding = { severity: 'error', rule: e.code, location: e.path ?? '', message: e.message, condition: '207' };
    return { destinations, message: undefined, controlId: `held-${randomUUID()}`, findings: [finding], held: true };
  }
  // Built messages validate by construction; the pack is run anyway so that what leaves is what it accepts.
  const report = validateDocumentMessage(message);
  return { destinations, message, controlId: message.header.controlId, findings: report.issues, held: !report.valid };
}

function isPatientAddress(address: string | undefined, pfi: OnwardPfiConfig): boolean {
  return address?.endsWith(`@${pfi.mssante.patientDomain}`) ?? false;
}

/** The patient as an MSSanté recipient (PRT-5): the INS, under its authority, with the legal name. */
function patientAsRecipient(patient: Patient, ins: NonNullable<Patient['ins']>): HealthProfessional {
  return {
    idNat: ins.value,
    familyName: patient.birthName,
    givenName: patient.firstGivenName ?? '',
    identifierType: 'INS',
    assigningAuthority: { universalId: ins.authorityOid, universalIdType: 'ISO' },
    nameType: 'L',
  };
}
