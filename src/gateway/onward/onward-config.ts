import type { TlsFiles } from '../config.js';

/**
 * The onward route of a RIS half-connector: the integration platform (PFI/EAI, the volet's
 * GESTIONNAIRE) it hands accepted reports to, with the "Transmission de documents CDA en HL7 v2"
 * volet (2.1, MDM v2.6), and the listener where the PFI sends its business receipts (ZAM).
 */
export interface OnwardPfiConfig {
  /** Partner name of the PFI in the journal and the outbox (default `pfi`). */
  name: string;
  /** Where the MDM messages go. */
  host: string;
  port: number;
  tls?: TlsFiles;
  ackTimeoutMs: number;
  /** MSH-3 / MSH-4 of the messages to the PFI; default the gateway's identity. */
  sendingApplication: string;
  sendingFacility: string;
  /** MSH-5 / MSH-6: how the PFI names itself. */
  receivingApplication: string;
  receivingFacility: string;
  /** Publish to the patient's DMP (`DESTDMP`), when the patient has a qualified INS. */
  dmp: boolean;
  mssante: {
    /** Mail the report to professionals (`DESTMSSANTEPS`): the recipients the platform named, and `recipients`. */
    professionals: boolean;
    /** Mail the report to the patient's MSSanté mailbox (`DESTMSSANTEPAT`), derived from the INS. */
    patient: boolean;
    /** MSSanté addresses that always receive a copy when `professionals` is on (e.g. the requesting department). */
    recipients: string[];
    /** Domain of the patient mailboxes: `<INS>@<domain>` (default `patient.mssante.fr`). */
    patientDomain: string;
  };
  /** The second MLLP listener, where the PFI sends ZAM^Z01/Z02 (and acknowledges nothing else). */
  listen: { host: string; port: number; tls?: TlsFiles; allowedPeers: string[] };
}

export interface OnwardConfig {
  pfi?: OnwardPfiConfig;
}

/** The schema pieces every part of the configuration shares (`config.ts`). */
interface SchemaParts {
  tls: object;
  port: object;
  nonEmpty: object;
}

/** JSON Schema of `onward` in the configuration file. */
export const onwardConfigSchema = ({ tls, port, nonEmpty }: SchemaParts) => ({
  type: 'object',
  additionalProperties: false,
  properties: {
    pfi: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: nonEmpty,
        host: nonEmpty,
        port,
        tls,
        ackTimeoutMs: { type: 'integer', minimum: 100 },
        sendingApplication: nonEmpty,
        sendingFacility: nonEmpty,
        receivingApplication: nonEmpty,
        receivingFacility: nonEmpty,
        dmp: { type: 'boolean' },
        mssante: {
          type: 'object',
          additionalProperties: false,
          properties: {
            professionals: { type: 'boolean' },
            patient: { type: 'boolean' },
            recipients: { type: 'array', items: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' } },
            patientDomain: nonEmpty,
          },
        },
        listen: {
          type: 'object',
          additionalProperties: false,
          properties: { host: nonEmpty, port, tls, allowedPeers: { type: 'array', items: nonEmpty } },
        },
      },
    },
  },
});

/** Environment variables of the onward route, in the configuration's convention (`CISIS_TLR_` + path). */
export const ONWARD_ENVIRONMENT_OVERRIDES = [
  { name: 'CISIS_TLR_ONWARD_PFI_HOST', path: 'onward.pfi.host', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_PFI_PORT', path: 'onward.pfi.port', type: 'integer' },
  { name: 'CISIS_TLR_ONWARD_PFI_ACK_TIMEOUT_MS', path: 'onward.pfi.ackTimeoutMs', type: 'integer' },
  { name: 'CISIS_TLR_ONWARD_PFI_TLS_CA', path: 'onward.pfi.tls.ca', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_PFI_TLS_CERT', path: 'onward.pfi.tls.cert', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_PFI_TLS_KEY', path: 'onward.pfi.tls.key', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_PFI_TLS_SERVERNAME', path: 'onward.pfi.tls.servername', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_PFI_SENDING_APPLICATION', path: 'onward.pfi.sendingApplication', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_PFI_SENDING_FACILITY', path: 'onward.pfi.sendingFacility', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_PFI_RECEIVING_APPLICATION', path: 'onward.pfi.receivingApplication', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_PFI_RECEIVING_FACILITY', path: 'onward.pfi.receivingFacility', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_PFI_DMP', path: 'onward.pfi.dmp', type: 'boolean' },
  { name: 'CISIS_TLR_ONWARD_PFI_MSSANTE_PROFESSIONALS', path: 'onward.pfi.mssante.professionals', type: 'boolean' },
  { name: 'CISIS_TLR_ONWARD_PFI_MSSANTE_PATIENT', path: 'onward.pfi.mssante.patient', type: 'boolean' },
  { name: 'CISIS_TLR_ONWARD_PFI_MSSANTE_RECIPIENTS', path: 'onward.pfi.mssante.recipients', type: 'list' },
  { name: 'CISIS_TLR_ONWARD_PFI_LISTEN_HOST', path: 'onward.pfi.listen.host', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_PFI_LISTEN_PORT', path: 'onward.pfi.listen.port', type: 'integer' },
  { name: 'CISIS_TLR_ONWARD_PFI_LISTEN_ALLOWED_PEERS', path: 'onward.pfi.listen.allowedPeers', type: 'list' },
] as const;

/** Default MLLP ports of the PFI and of the receipt listener. */
export const DEFAULT_PFI_PORT = 2577;
export const DEFAULT_RECEIPT_PORT = 2578;

/**
 * The onward route completed with its defaults once any `onward.pfi` key is given (the route exists
 * only then); `undefined` otherwise. Only a RIS has one: a platform given one is refused.
 */
export function completeOnwardConfig(
  given: Partial<Record<keyof OnwardPfiConfig, unknown>> | undefined,
  identity: { application: string; facility: string },
): OnwardPfiConfig | undefined {
  if (!given) return undefined;
  const g = given as Partial<OnwardPfiConfig> & {
    mssante?: Partial<OnwardPfiConfig['mssante']>;
    listen?: Partial<OnwardPfiConfig['listen']>;
  };
  return {
    name: g.name ?? 'pfi',
    host: g.host ?? '127.0.0.1',
    port: g.port ?? DEFAULT_PFI_PORT,
    ...(g.tls ? { tls: g.tls } : {}),
    ackTimeoutMs: g.ackTimeoutMs ?? 30_000,
    sendingApplication: g.sendingApplication ?? identity.application,
    sendingFacility: g.sendingFacility ?? identity.facility,
    receivingApplication: g.receivingApplication ?? 'PFI',
    receivingFacility: g.receivingFacility ?? identity.facility,
    dmp: g.dmp ?? true,
    mssante: {
      professionals: g.mssante?.professionals ?? false,
      patient: g.mssante?.patient ?? false,
      recipients: g.mssante?.recipients ?? [],
      patientDomain: g.mssante?.patientDomain ?? 'patient.mssante.fr',
    },
    listen: {
      host: g.listen?.host ?? '127.0.0.1',
      port: g.listen?.port ?? DEFAULT_RECEIPT_PORT,
      ...(g.listen?.tls ? { tls: g.listen.tls } : {}),
      allowedPeers: g.listen?.allowedPeers ?? [],
    },
  };
}
