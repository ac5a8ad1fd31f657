/**
 * JSON Schemas of the REST API, in the domain's words (the `src/tlr` model). Fastify validates
 * every body against them before a handler runs, and @fastify/swagger publishes them in
 * `/openapi.json`. `additionalProperties: false` everywhere: a misspelt field is an error, not a
 * silently dropped value.
 */

const text = { type: 'string', minLength: 1 } as const;
const optionalText = { type: 'string' } as const;
const dateTime = {
  type: 'string',
  pattern: '^\\d{4}(-\\d{2}(-\\d{2}(T\\d{2}(:\\d{2}(:\\d{2}(\\.\\d{1,4})?)?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?$',
  description: 'ISO 8601 date or date-time at the precision known: 2026-01-06, 2026-01-06T13:44:18+01:00',
} as const;
const oid = { type: 'string', pattern: '^[0-2](\\.(0|[1-9][0-9]*))+$', description: 'An OID' } as const;

export const oidIdentifier = {
  type: 'object',
  additionalProperties: false,
  required: ['value', 'authorityOid'],
  properties: { value: text, authorityOid: oid },
} as const;

const assigningAuthority = {
  type: 'object',
  additionalProperties: false,
  properties: { namespaceId: optionalText, universalId: optionalText, universalIdType: optionalText },
} as const;

const identifier = {
  type: 'object',
  additionalProperties: false,
  required: ['value'],
  properties: { value: text, assigningAuthority, type: optionalText, effectiveDate: dateTime },
} as const;

const coded = {
  type: 'object',
  additionalProperties: false,
  required: ['code'],
  properties: { code: text, display: optionalText },
} as const;

export const patient = {
  type: 'object',
  additionalProperties: false,
  required: ['birthName'],
  properties: {
    ins: {
      type: 'object',
      additionalProperties: false,
      required: ['value', 'authorityOid'],
      properties: { value: { type: 'string', pattern: '^[0-9A-Z]{15}$' }, authorityOid: oid, effectiveDate: dateTime },
    },
    identifiers: { type: 'array', items: identifier },
    birthName: text,
    firstGivenName: optionalText,
    birthGivenNames: optionalText,
    usedName: optionalText,
    usedGivenName: optionalText,
    birthDate: dateTime,
    sex: { enum: ['F', 'M', 'U', 'O', 'A', 'N'] },
    birthplaceCode: optionalText,
    address: {
      type: 'object',
      additionalProperties: false,
      properties: {
        street: optionalText,
        otherDesignation: optionalText,
        city: optionalText,
        postalCode: optionalText,
        country: optionalText,
      },
    },
    accountNumber: identifier,
    identityStatus: { type: 'string', pattern: '^[A-Z]{4,5}$' },
  },
} as const;

export const healthProfessional = {
  type: 'object',
  additionalProperties: false,
  required: ['idNat', 'familyName', 'givenName', 'identifierType'],
  properties: { idNat: text, familyName: text, givenName: text, prefix: optionalText, identifierType: text },
} as const;

export const organisation = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'identifierType', 'identifier'],
  properties: {
    name: text,
    identifierType: { enum: ['FINEJ', 'FINEG', 'IDNST', 'UF', 'SVR'] },
    identifier: text,
    establishmentFiness: optionalText,
  },
} as const;

const visit = {
  type: 'object',
  additionalProperties: false,
  required: ['patientClass'],
  properties: {
    patientClass: { enum: ['B', 'C', 'E', 'I', 'N', 'O', 'P', 'R', 'U'] },
    visitNumber: identifier,
    admittedAt: dateTime,
    dischargedAt: dateTime,
  },
} as const;

const modality = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'codingSystem'],
  properties: {
    code: text,
    codingSystem: { enum: ['DCM', 'terminologie-cisis-fr'] },
    display: optionalText,
    notes: { type: 'array', items: text },
  },
} as const;

const anatomicalRegion = {
  type: 'object',
  additionalProperties: false,
  required: ['region'],
  properties: { region: coded, qualifier: coded },
} as const;

const quantity = {
  type: 'object',
  additionalProperties: false,
  required: ['value', 'unit'],
  properties: { value: { type: 'number' }, unit: text },
} as const;

const reason = {
  type: 'object',
  additionalProperties: false,
  properties: { code: optionalText, codingSystem: optionalText, text: optionalText },
  anyOf: [{ required: ['text'] }, { required: ['code', 'codingSystem'] }],
} as const;

/** Body of `POST /api/orders` (flow 1). */
export const imagingOrder = {
  $id: 'ImagingOrder',
  type: 'object',
  additionalProperties: false,
  required: [
    'placerOrderNumber',
    'patient',
    'visit',
    'requestedAt',
    'responsibleProfessional',
    'imagingFacility',
    'justification',
    'requestedModality',
    'anatomicalRegions',
  ],
  properties: {
    placerOrderNumber: oidIdentifier,
    patient,
    visit,
    requestedAt: dateTime,
    responsibleProfessional: healthProfessional,
    remoteRadiologist: healthProfessional,
    callbackPhone: optionalText,
    imagingFacility: organisation,
    justification: text,
    purposeNotes: { type: 'array', items: text },
    requestedModality: modality,
    anatomicalRegions: { type: 'array', minItems: 1, items: anatomicalRegion },
    medicalHistory: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['text'],
        properties: { text, relevance: { enum: ['SANS_IMPACT', 'PERTINENT', 'MAJEUR'] } },
      },
    },
    height: quantity,
    weight: quantity,
    pregnant: { type: 'boolean' },
  },
} as const;

/**
 * A request or supporting document given with the order or added later (`POST /api/orders/{placer}/documents`):
 * exactly one of `generate` (the DA-IMG generated from the order), `cda` (the host's own CDA R2, sent as is) or
 * `pdfBase64` (a PDF wrapped as a level-1 DA-IMG).
 */
export const orderDocumentSource = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {
    generate: { enum: ['level3', 'level1'], description: 'request only: generate the DA-IMG from the order' },
    cda: { type: 'string', description: 'the host’s own CDA R2 document, sent as is' },
    pdfBase64: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$', description: 'request only: a PDF wrapped as a level-1 DA-IMG' },
  },
} as const;

/**
 * Body of `POST /api/orders`: the flow-1 order, with its request document (DA-IMG) and supporting documents, each
 * sent as its own MDM^T02 right after the ORM^O01, in the order's outbox lane.
 */
export const createOrderRequest = {
  ...imagingOrder,
  $id: 'CreateOrderRequest',
  properties: {
    ...imagingOrder.properties,
    partner: {
      type: 'string',
      description: 'the partner (platform) the order goes to, by its configured name; default: `defaultPartner`',
    },
    requestDocument: { ...orderDocumentSource, description: 'the imaging request document (DA-IMG, LOINC 55115-0)' },
    supportingDocuments: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['cda'],
        properties: { cda: orderDocumentSource.properties.cda },
      },
      description: 'previous reports, letters, prior imaging results: CDA R2 documents sent as they are',
    },
  },
} as const;

/** What became of each document given with `POST /api/orders`: queued (`messageId`), or refused (`error`). */
export const orderDocumentOutcomes = {
  type: 'array',
  items: {
    type: 'object',
    additionalProperties: true,
    required: ['role'],
    properties: {
      role: { enum: ['request', 'supporting'] },
      messageId: { type: 'integer' },
      controlId: { type: 'string' },
      documentId: { type: 'object', additionalProperties: true },
      error: {
        type: 'object',
        additionalProperties: true,
        properties: { status: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' } },
      },
    },
  },
} as const;

/** Answer of `POST /api/orders`: the order queued, and what became of each document given with it. */
export const createOrderResponse = {
  type: 'object',
  additionalProperties: true,
  properties: {
    messageId: { type: 'integer' },
    controlId: { type: 'string' },
    repeated: { type: 'boolean' },
    documents: orderDocumentOutcomes,
  },
} as const;

/** Body of `POST /api/orders/{placer}/cancel` (flow 2). */
export const cancelRequest = {
  type: 'object',
  additionalProperties: false,
  properties: { reason, cancelledAt: dateTime, responsibleProfessional: healthProfessional },
} as const;

const performedExam = {
  type: 'object',
  additionalProperties: false,
  required: ['accessionNumber', 'studyInstanceUid', 'procedure', 'performedAt', 'imageRetentionDays', 'viewerUrl'],
  properties: {
    accessionNumber: oidIdentifier,
    studyInstanceUid: { type: 'string', pattern: '^(0|[1-9][0-9]*)(\\.(0|[1-9][0-9]*))+$', maxLength: 64 },
    procedure: coded,
    performedAt: dateTime,
    imageRetentionDays: { type: 'integer', minimum: 1 },
    viewerUrl: { type: 'string', pattern: '^https?://' },
    modality,
    anatomicalRegions: { type: 'array', items: anatomicalRegion },
    administeredProducts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['atc', 'lotNumber'],
        properties: { atc: coded, lotNumber: text, quantity },
      },
    },
    device: { type: 'object', additionalProperties: false, properties: { identifier: optionalText, model: optionalText } },
  },
} as const;

/** Body of `POST /api/orders/{placer}/post-exam` (flow 4). */
export const postExamRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['exams'],
  properties: { exams: { type: 'array', minItems: 1, items: performedExam } },
} as const;

const protocol = {
  oneOf: [
    { type: 'object', additionalProperties: false, required: ['kind', 'text'], properties: { kind: { const: 'text' }, text } },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'mediaType', 'base64'],
      properties: {
        kind: { const: 'document' },
        mediaType: { enum: ['application/pdf', 'application/xml', 'application/octet-stream'] },
        base64: { type: 'string', minLength: 4, pattern: '^[A-Za-z0-9+/]*={0,2}$' },
      },
    },
  ],
} as const;

/** Body of `POST /api/orders/{placer}/accept` (flow 3, OK). */
export const acceptRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['remoteRadiologist', 'protocols'],
  properties: { remoteRadiologist: healthProfessional, protocols: { type: 'array', minItems: 1, items: protocol }, platform: organisation },
} as const;

/** Body of `POST /api/orders/{placer}/refuse` (flow 3, OC). */
export const refuseRequest = {
  type: 'object',
  additionalProperties: false,
  required: ['remoteRadiologist'],
  properties: { remoteRadiologist: healthProfessional, reason, platform: organisation },
} as const;

export const orderParams = {
  type: 'object',
  required: ['placer'],
  properties: { placer: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const authorityQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    authority: { type: 'string', description: 'the assigning authority OID (ORC-2.3), when several authorities use the placer number' },
    partner: { type: 'string', description: 'the partner the order belongs to, when several partners use the placer number' },
  },
} as const;

export const listQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
  cursor: { type: 'string', maxLength: 200, description: '`next` of the previous page: the page after it, stable under inserts' },
  offset: { type: 'integer', minimum: 0, default: 0, description: 'Deprecated (kept for old clients): rows to skip; prefer `cursor`' },
} as const;

/**
 * A page of a listing. `next` is opaque: pass it back as `cursor`. `total` counts every match of the
 * filter and is computed for the first page only (a count over the same filter: index-backed, except
 * for the text search `q`, a scan); later pages leave it out.
 */
export function pageResponse(description: string) {
  return {
    type: 'object',
    required: ['items', 'next'],
    properties: {
      total: { type: 'integer', minimum: 0, description: 'Matches of the filter; first page only' },
      next: { type: ['string', 'null'], description: 'Cursor of the following page; null on the last page' },
      items: { type: 'array', description, items: { type: 'object', additionalProperties: true } },
    },
  } as const;
}
