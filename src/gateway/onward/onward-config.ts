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

/** Kind of the national identifier of a structure, and the prefix that makes it an `idNat_Struct`. */
export const STRUCTURE_ID_PREFIX = { FINESS: '1', SIRET: '3', RPPS: '4' } as const;
export type StructureIdType = keyof typeof STRUCTURE_ID_PREFIX;

/**
 * Direct publication to the DMP (XDS.b, "DMP-compatible" software, TD2.1 indirect authentication): the
 * RIS itself sends each accepted report to the DMP's web services, for sites without an integration
 * platform. See docs/dmp.md.
 */
export interface OnwardDmpConfig {
  /** Partner name of the DMP in the journal and the outbox (default `dmp`). */
  name: string;
  /** The repository service (ITI-41 Provide and Register Document Set-b), `https://…`. */
  endpoint: string;
  /** The registry service (ITI-57 Update Document Set, ITI-18 Stored Query); default `endpoint`. */
  registryEndpoint: string;
  /**
   * Mutual TLS: the structure's authentication certificate (IGC-Santé "ORG" authentication) and its key,
   * and the CA that signs the DMP's server certificate (required: the IGC-Santé chain is not among Node's CAs).
   */
  tls: { cert: string; key: string; ca: string };
  /** The certificate and key that sign the VIHF (the structure's "cachet" certificate); default `tls.cert` / `tls.key`. */
  signing: { cert: string; key: string };
  /** The health structure the RIS publishes for (VIHF `Identifiant_Structure`, `Secteur_Activite`). */
  structure: {
    /** FINESS (9 characters), SIRET (14 digits) or RPPS (cabinet) identifier, without its prefix. */
    id: string;
    idType: StructureIdType;
    name: string;
    /** Activity sector (secteur d'activité), a JDV_J61 code such as `SA07`. */
    sector: string;
  };
  /** The software's identity and DMP homologation (VIHF `LPS_*`). */
  lps: { homologationId: string; name: string; version: string; id?: string };
  /** OID of the submitting system (SubmissionSet `sourceId`); also the root of the submission set unique ids. */
  sourceId: string;
  /** VIHF version attribute: `3.0` (the ANS samples) or `4.0` (the IG's table). */
  vihfVersion: '3.0' | '4.0';
  /** Time to wait for the DMP's answer before the attempt counts as a transient failure (retried, `outbox.*`). */
  timeoutMs: number;
}

export interface OnwardConfig {
  pfi?: OnwardPfiConfig;
  dmp?: OnwardDmpConfig;
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
    dmp: {
      type: 'object',
      additionalProperties: false,
      required: ['endpoint', 'tls', 'structure', 'lps', 'sourceId'],
      properties: {
        name: nonEmpty,
        endpoint: HTTPS_URL,
        registryEndpoint: HTTPS_URL,
        tls: {
          type: 'object',
          additionalProperties: false,
          required: ['cert', 'key', 'ca'],
          properties: { cert: nonEmpty, key: nonEmpty, ca: nonEmpty },
        },
        signing: {
          type: 'object',
          additionalProperties: false,
          required: ['cert', 'key'],
          properties: { cert: nonEmpty, key: nonEmpty },
        },
        structure: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'idType', 'name', 'sector'],
          properties: {
            id: { type: 'string', pattern: '^[0-9A-Za-z]{9,14}$' },
            idType: { enum: Object.keys(STRUCTURE_ID_PREFIX) },
            name: nonEmpty,
            sector: { type: 'string', pattern: '^SA[0-9]{2}$' },
          },
        },
        lps: {
          type: 'object',
          additionalProperties: false,
          required: ['homologationId', 'name', 'version'],
          properties: { homologationId: nonEmpty, name: nonEmpty, version: nonEmpty, id: nonEmpty },
        },
        sourceId: { type: 'string', pattern: '^[0-2](\\.(0|[1-9][0-9]*))+$' },
        vihfVersion: { enum: ['3.0', '4.0'] },
        timeoutMs: { type: 'integer', minimum: 100 },
      },
    },
  },
});

/** An `https://` URL (the DMP is only reached over TLS). */
const HTTPS_URL = { type: 'string', pattern: '^https://[^\\s/]+(/\\S*)?$' } as const;

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
  { name: 'CISIS_TLR_ONWARD_DMP_ENDPOINT', path: 'onward.dmp.endpoint', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_DMP_REGISTRY_ENDPOINT', path: 'onward.dmp.registryEndpoint', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_DMP_TLS_CA', path: 'onward.dmp.tls.ca', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_DMP_TLS_CERT', path: 'onward.dmp.tls.cert', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_DMP_TLS_KEY', path: 'onward.dmp.tls.key', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_DMP_SIGNING_CERT', path: 'onward.dmp.signing.cert', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_DMP_SIGNING_KEY', path: 'onward.dmp.signing.key', type: 'string' },
  { name: 'CISIS_TLR_ONWARD_DMP_TIMEOUT_MS', path: 'onward.dmp.timeoutMs', type: 'integer' },
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

/** The DMP route completed with its defaults (`undefined` when `onward.dmp` is absent); the schema checked the required keys. */
export function completeDmpConfig(given: Partial<OnwardDmpConfig> | undefined): OnwardDmpConfig | undefined {
  if (!given) return undefined;
  const g = given as OnwardDmpConfig;
  return {
    name: g.name ?? 'dmp',
    endpoint: g.endpoint,
    registryEndpoint: g.registryEndpoint ?? g.endpoint,
    tls: g.tls,
    signing: g.signing ?? { cert: g.tls.cert, key: g.tls.key },
    structure: g.structure,
    lps: g.lps,
    sourceId: g.sourceId,
    vihfVersion: g.vihfVersion ?? '3.0',
    timeoutMs: g.timeoutMs ?? 30_000,
  };
}

/** The structure's national identifier (`idNat_Struct`): the prefix of its kind, then the identifier. */
export function structureNationalId(structure: OnwardDmpConfig['structure']): string {
  return `${STRUCTURE_ID_PREFIX[structure.idType]}${structure.id}`;
}
