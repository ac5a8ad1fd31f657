import fc from 'fast-check';

import type {
  AdministeredProduct,
  AnatomicalRegion,
  Cancellation,
  Decision,
  HealthProfessional,
  Identifier,
  ImagingOrder,
  MessageCharset,
  MessageContext,
  Modality,
  NationalHealthIdentifier,
  Organisation,
  Patient,
  PerformedExam,
  PostExamInfo,
  Protocol,
  Reason,
  Visit,
} from '../../src/tlr/model/index.js';
import { INS_OID } from '../../src/tlr/vocabulary.js';

/**
 * Seeded generators of valid domain objects for the property tests. Free text mixes French
 * accents with every HL7 delimiter (| ^ ~ \ &) to exercise escaping; in a Latin-9 message the
 * alphabet is restricted to what ISO 8859-15 can carry (the builders would otherwise substitute
 * characters, which a round trip cannot give back). Codes come from the pinned value sets.
 */

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const FRENCH = 'éèêëàâäîïôöùûüçÉÈÊÀÂÎÔÙÛÇœŒæÆ';
const DELIMITERS = '|^~\\&';
const PUNCTUATION = ' -\'.,:;()/?!%+=#*0123456789"';
const UNICODE_ONLY = '’“”…–—₂ΩžŁł';

function chars(s: string): string[] {
  return [...s];
}

/** Text with at least one letter first (never blank, never the HL7 null `""`). */
function text(charset: MessageCharset, options: { maxLength?: number; lineBreaks?: boolean } = {}): fc.Arbitrary<string> {
  const pool = chars(LETTERS + FRENCH + DELIMITERS + PUNCTUATION + (charset === 'UNICODE UTF-8' ? UNICODE_ONLY : ''));
  if (options.lineBreaks) pool.push('\n');
  return fc
    .tuple(fc.constantFrom(...chars(`${LETTERS}ÉÀ`)), fc.string({ unit: fc.constantFrom(...pool), maxLength: options.maxLength ?? 40 }))
    .map(([first, rest]) => first + rest);
}

const digits = (min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...chars('0123456789')), minLength: min, maxLength: max });
const alnum = (min: number, max: number): fc.Arbitrary<string> =>
  fc
    .string({ unit: fc.constantFrom(...chars('ABCDEFGHJKLMNPQRSTUVWXYZ0123456789-')), minLength: min, maxLength: max })
    .filter((s) => /[A-Z0-9]/.test(s[0] ?? ''));
const oid = fc.array(fc.integer({ min: 1, max: 99999 }), { minLength: 2, maxLength: 6 }).map((parts) => `1.2.250.1.${parts.join('.')}`);

/** Plain object: fast-check records may have a null prototype, which deep equality tells apart. */
function record<T>(model: { [K in keyof T]: fc.Arbitrary<T[K]> }, requiredKeys: Array<keyof T>): fc.Arbitrary<T> {
  return fc.record(model, { requiredKeys } as never).map((o) => ({ ...(o as object) }) as T);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A date at day precision between 1920 and 2025. */
const birthDate = fc
  .record({ y: fc.integer({ min: 1920, max: 2025 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) })
  .map(({ y, m, d }) => `${y}-${pad2(m)}-${pad2(d)}`);

/** An instant of 2026 at second precision, with a Paris offset or none (sender's local time). */
const dateTime = fc
  .record({
    m: fc.integer({ min: 1, max: 12 }),
    d: fc.integer({ min: 1, max: 28 }),
    h: fc.integer({ min: 0, max: 23 }),
    mi: fc.integer({ min: 0, max: 59 }),
    s: fc.integer({ min: 0, max: 59 }),
    off: fc.constantFrom('+01:00', '+02:00', ''),
  })
  .map(({ m, d, h, mi, s, off }) => `2026-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}${off}`);

/** A valid INS-NIR matricule: 13 characters and the key 97 − (NIR mod 97). */
const nir = fc
  .record({
    sex: fc.constantFrom('1', '2'),
    yy: digits(2, 2),
    mm: fc.integer({ min: 1, max: 12 }),
    dept: fc.integer({ min: 1, max: 95 }),
    commune: digits(3, 3),
    order: digits(3, 3),
  })
  .map(({ sex, yy, mm, dept, commune, order }) => {
    const body = `${sex}${yy}${pad2(mm)}${pad2(dept)}${commune}${order}`;
    return body + pad2(97 - Number(BigInt(body) % 97n));
  });

function ins(processingId: MessageContext['processingId']): fc.Arbitrary<NationalHealthIdentifier> {
  // A production message must not carry a test INS (TLR-PID-008), and the other way round is just unusual.
  return record<NationalHealthIdentifier>(
    {
      value: nir,
      authorityOid: fc.constant(processingId === 'P' ? INS_OID.nir : INS_OID.nirTest),
      effectiveDate: birthDate,
    },
    ['value', 'authorityOid'],
  );
}

function identifier(charset: MessageCharset, type: string): fc.Arbitrary<Identifier> {
  return record<Identifier>(
    {
      value: alnum(1, 12),
      assigningAuthority: record({ namespaceId: text(charset, { maxLength: 12 }), universalId: oid, universalIdType: fc.constant('ISO') }, [
        'universalId',
      ]),
      type: fc.constant(type),
      effectiveDate: birthDate,
    },
    ['value', 'assigningAuthority', 'type'],
  );
}

export function patient(charset: MessageCharset, processingId: MessageContext['processingId']): fc.Arbitrary<Patient> {
  return record<Patient>(
    {
      ins: ins(processingId),
      identifiers: fc.array(identifier(charset, 'PI'), { minLength: 1, maxLength: 2 }),
      birthName: text(charset, { maxLength: 25 }),
      firstGivenName: text(charset, { maxLength: 15 }),
      birthGivenNames: text(charset, { maxLength: 30 }),
      usedName: text(charset, { maxLength: 25 }),
      usedGivenName: text(charset, { maxLength: 15 }),
      birthDate,
      sex: fc.constantFrom('F', 'M', 'U'),
      birthplaceCode: digits(5, 5),
      address: record(
        {
          street: text(charset),
          otherDesignation: text(charset),
          city: text(charset, { maxLength: 20 }),
          postalCode: digits(5, 5),
          country: fc.constant('FRA'),
        },
        ['street'],
      ),
      accountNumber: identifier(charset, 'AN'),
      identityStatus: fc.constant('VALI'),
    },
    ['identifiers', 'birthName'],
  ).map((p) => {
    // INS traits go together (TLR-PID-009…012): a patient with an INS has the full set of reference traits.
    if (!p.ins) return p;
    return {
      ...p,
      firstGivenName: p.firstGivenName ?? 'Camille',
      birthDate: p.birthDate ?? '1980-01-01',
      sex: p.sex ?? 'F',
      birthplaceCode: p.birthplaceCode ?? '75056',
      identityStatus: 'VALI',
    };
  });
}

export function visit(charset: MessageCharset): fc.Arbitrary<Visit> {
  return fc
    .tuple(
      record<Visit>({ patientClass: fc.constantFrom('O', 'I', 'E', 'R', 'N'), visitNumber: identifier(charset, 'VN') }, [
        'patientClass',
        'visitNumber',
      ]),
      fc.option(fc.integer({ min: 1, max: 27 }), { nil: undefined }),
      fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
    )
    .map(([v, day, stay]) => {
      if (day === undefined) return v;
      const admitted = `2026-02-${pad2(day)}T08:30:00+01:00`;
      return stay === undefined
        ? { ...v, admittedAt: admitted }
        : { ...v, admittedAt: admitted, dischargedAt: `2026-03-${pad2(day)}T09:${pad2(stay)}:00+01:00` };
    });
}

export function professional(charset: MessageCharset): fc.Arbitrary<HealthProfessional> {
  return record<HealthProfessional>(
    {
      idNat: digits(11, 11).map((d) => `8${d}`),
      familyName: text(charset, { maxLength: 25 }),
      givenName: text(charset, { maxLength: 15 }),
      prefix: fc.constantFrom('DR', 'PR', 'M', 'MME'),
      identifierType: fc.constant('IDNPS'),
    },
    ['idNat', 'familyName', 'givenName', 'identifierType'],
  );
}

export function organisation(charset: MessageCharset): fc.Arbitrary<Organisation> {
  return fc
    .oneof(
      fc.record({ name: text(charset), identifierType: fc.constantFrom('FINEJ' as const, 'FINEG' as const), identifier: digits(9, 9) }),
      fc.record({ name: text(charset), identifierType: fc.constant('IDNST' as const), identifier: digits(9, 9).map((d) => `1${d}`) }),
      fc.record({
        name: text(charset),
        identifierType: fc.constantFrom('UF' as const, 'SVR' as const),
        identifier: alnum(2, 8),
        establishmentFiness: digits(9, 9),
      }),
    )
    .map((o) => ({ ...o }));
}

const placer = fc.record({ value: alnum(1, 16), authorityOid: oid }).map((o) => ({ ...o }));

const MODALITIES: ReadonlyArray<Omit<Modality, 'notes'>> = [
  { code: 'MR', codingSystem: 'DCM', display: 'IRM' },
  { code: 'CT', codingSystem: 'DCM', display: 'Scanner/TDM' },
  { code: 'MG', codingSystem: 'DCM' },
  { code: 'NM', codingSystem: 'DCM', display: 'Scintigraphie' },
  { code: 'PT', codingSystem: 'DCM' },
  { code: 'OT', codingSystem: 'DCM' },
  { code: 'MED-1126', codingSystem: 'terminologie-cisis-fr', display: 'Radiographie sans contraste' },
  { code: 'MED-1128', codingSystem: 'terminologie-cisis-fr', display: 'Échographie sans contraste' },
];
const REGIONS = ['63337009', '38266002', '53120007', '61685007', '67734004', '774007', '113257007', '80891009', '76752008', '737561001'];
const QUALIFIERS = ['24028007', '7771000', '51440002', '66459002', '49370004', '260528009', '255549009', '255551008'];
const LOINC_ACTS = ['24590-2', '24627-2', '30746-2', '36643-5', '24558-9', '24725-4', '26346-7'];

function modality(charset: MessageCharset): fc.Arbitrary<Modality> {
  return fc
    .tuple(fc.constantFrom(...MODALITIES), fc.array(text(charset), { maxLength: 2 }))
    .map(([m, notes]) => (notes.length > 0 ? { ...m, notes } : { ...m }));
}

function coded(codes: readonly string[], charset: MessageCharset): fc.Arbitrary<{ code: string; display?: string }> {
  return record({ code: fc.constantFrom(...codes), display: text(charset, { maxLength: 20 }) }, ['code']);
}

/** One region, as the flows' tables say (several are allowed but reported as a warning: TLR-F1-031, TLR-F4-054). */
function regions(charset: MessageCharset): fc.Arbitrary<AnatomicalRegion[]> {
  return record<AnatomicalRegion>({ region: coded(REGIONS, charset), qualifier: coded(QUALIFIERS, charset) }, ['region']).map((r) => [r]);
}

const quantity = (unit: string, min: number, max: number) =>
  fc.record({ value: fc.integer({ min: min * 10, max: max * 10 }).map((n) => n / 10), unit: fc.constant(unit) }).map((q) => ({ ...q }));

export function context(charset: MessageCharset): fc.Arbitrary<MessageContext> {
  return fc
    .record({
      sendingApplication: text(charset, { maxLength: 12 }),
      sendingFacility: text(charset, { maxLength: 12 }),
      receivingApplication: text(charset, { maxLength: 12 }),
      receivingFacility: text(charset, { maxLength: 12 }),
      controlId: alnum(1, 20),
      timestamp: dateTime,
      processingId: fc.constantFrom('P' as const, 'T' as const, 'D' as const),
      charset: fc.constant(charset),
    })
    .map((c) => ({ ...c }));
}

/** A context and a patient that agree (INS OID vs processing id). */
function header(charset: MessageCharset) {
  return context(charset).chain((ctx) => fc.tuple(fc.constant(ctx), patient(charset, ctx.processingId)));
}

const charsetArb = fc.constantFrom<MessageCharset>('UNICODE UTF-8', '8859/15');

export const orderCase: fc.Arbitrary<{ context: MessageContext; order: ImagingOrder }> = charsetArb.chain((charset) =>
  fc
    .tuple(
      header(charset),
      record<Omit<ImagingOrder, 'patient'>>(
        {
          placerOrderNumber: placer,
          visit: visit(charset),
          requestedAt: dateTime,
          responsibleProfessional: professional(charset),
          remoteRadiologist: professional(charset),
          callbackPhone: digits(9, 9).map((d) => `+33${d}`),
          imagingFacility: organisation(charset),
          justification: text(charset, { maxLength: 80 }),
          purposeNotes: fc.array(text(charset, { maxLength: 60 }), { minLength: 1, maxLength: 3 }),
          requestedModality: modality(charset),
          anatomicalRegions: regions(charset),
          medicalHistory: fc.array(
            record(
              {
                text: text(charset, { maxLength: 80, lineBreaks: true }),
                relevance: fc.constantFrom('SANS_IMPACT' as const, 'PERTINENT' as const, 'MAJEUR' as const),
              },
              ['text'],
            ),
            { minLength: 1, maxLength: 3 },
          ),
          height: quantity('cm', 40, 220),
          weight: quantity('kg', 2, 180),
          pregnant: fc.boolean(),
        },
        [
          'placerOrderNumber',
          'visit',
          'requestedAt',
          'responsibleProfessional',
          'imagingFacility',
          'justification',
          'requestedModality',
          'anatomicalRegions',
        ],
      ),
    )
    .map(([[ctx, p], o]) => ({ context: ctx, order: { ...o, patient: p } as ImagingOrder })),
);

function reason(charset: MessageCharset): fc.Arbitrary<Reason> {
  return fc.oneof(
    fc.record({ text: text(charset, { maxLength: 60 }) }).map((r) => ({ ...r })),
    record<Reason>(
      { code: alnum(1, 12), codingSystem: fc.constantFrom('L', 'TLR_MOTIF'), text: text(charset, { maxLength: 60 }) } as never,
      ['code', 'codingSystem'] as never,
    ),
  );
}

export const cancellationCase: fc.Arbitrary<{ context: MessageContext; cancellation: Cancellation }> = charsetArb.chain((charset) =>
  fc
    .tuple(
      header(charset),
      record<Omit<Cancellation, 'patient'>>(
        {
          placerOrderNumber: placer,
          visit: visit(charset),
          cancelledAt: dateTime,
          responsibleProfessional: professional(charset),
          remoteRadiologist: professional(charset),
          callbackPhone: digits(10, 10),
          imagingFacility: organisation(charset),
          reason: reason(charset),
        },
        ['placerOrderNumber', 'visit', 'cancelledAt', 'responsibleProfessional', 'imagingFacility'],
      ),
    )
    .map(([[ctx, p], c]) => ({ context: ctx, cancellation: { ...c, patient: p } as Cancellation })),
);

/** Protocol documents: small PDF or XML files, the two formats the guide and partners agree on. */
const documentProtocol: fc.Arbitrary<Protocol> = fc
  .tuple(fc.constantFrom('pdf', 'xml'), fc.string({ maxLength: 200 }))
  .map(([kind, body]) => {
    const bytes =
      kind === 'pdf'
        ? Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(body, 'utf8'), Buffer.from('\n%%EOF\n')])
        : Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><protocole>${body.replace(/[<&]/g, '')}</protocole>`, 'utf8');
    return {
      kind: 'document' as const,
      mediaType: kind === 'pdf' ? ('application/pdf' as const) : ('application/xml' as const),
      base64: bytes.toString('base64'),
    };
  });

function protocols(charset: MessageCharset): fc.Arbitrary<Protocol[]> {
  return fc.array(
    fc.oneof(
      text(charset, { maxLength: 200, lineBreaks: true }).map((t): Protocol => ({ kind: 'text', text: t })),
      documentProtocol,
    ),
    { minLength: 1, maxLength: 3 },
  );
}

export const decisionCase: fc.Arbitrary<{ context: MessageContext; decision: Decision }> = charsetArb.chain((charset) =>
  fc
    .tuple(
      header(charset),
      record<Omit<Decision, 'patient' | 'outcome'>>(
        {
          placerOrderNumber: placer,
          visit: visit(charset),
          remoteRadiologist: professional(charset),
          platform: organisation(charset),
        },
        ['placerOrderNumber', 'remoteRadiologist', 'platform'],
      ),
      fc.oneof(
        protocols(charset).map((p) => ({ accepted: true as const, protocols: p })),
        fc
          .option(reason(charset), { nil: undefined })
          .map((r) => (r ? { accepted: false as const, reason: r } : { accepted: false as const })),
      ),
    )
    .map(([[ctx, p], d, outcome]) => ({ context: ctx, decision: { ...d, patient: p, outcome } as Decision })),
);

function product(charset: MessageCharset): fc.Arbitrary<AdministeredProduct> {
  return record<AdministeredProduct>(
    {
      atc: coded(['V09', 'V10'], charset),
      lotNumber: digits(1, 12),
      quantity: fc
        .record({ value: fc.integer({ min: 1, max: 5000 }).map((n) => n / 10), unit: fc.constantFrom('mL', 'mg', 'MBq') })
        .map((q) => ({ ...q })),
    },
    ['atc', 'lotNumber', 'quantity'],
  );
}

function exam(charset: MessageCharset, index: number): fc.Arbitrary<PerformedExam> {
  return fc
    .tuple(alnum(1, 12), fc.array(fc.integer({ min: 1, max: 99999 }), { minLength: 2, maxLength: 5 }))
    .chain(([accession, uidParts]) => {
      const studyInstanceUid = `1.2.250.1.213.4.${index + 1}.${uidParts.join('.')}`;
      return record<PerformedExam>(
        {
          accessionNumber: oid.map((o) => ({ value: accession, authorityOid: o })),
          studyInstanceUid: fc.constant(studyInstanceUid),
          procedure: coded(LOINC_ACTS, charset),
          performedAt: dateTime,
          imageRetentionDays: fc.integer({ min: 1, max: 7300 }),
          viewerUrl: fc
            .constantFrom('https://drimbox.chu-x.fr/viewer', 'https://pacs.clinique-ste-anne.fr/ohif')
            .map((base) => `${base}?StudyInstanceUID=${studyInstanceUid}&AccessionNumber=${accession}`),
          modality: modality(charset),
          anatomicalRegions: regions(charset),
          administeredProducts: fc.array(product(charset), { minLength: 1, maxLength: 3 }),
          device: record({ identifier: text(charset, { maxLength: 30 }), model: text(charset, { maxLength: 30 }) }, ['identifier']),
        },
        ['accessionNumber', 'studyInstanceUid', 'procedure', 'performedAt', 'imageRetentionDays', 'viewerUrl'],
      );
    });
}

export const postExamCase: fc.Arbitrary<{ context: MessageContext; postExamInfo: PostExamInfo }> = charsetArb.chain((charset) =>
  fc
    .tuple(
      header(charset),
      placer,
      visit(charset),
      fc.integer({ min: 1, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => exam(charset, i)))),
    )
    .map(([[ctx, p], pl, v, exams]) => ({ context: ctx, postExamInfo: { placerOrderNumber: pl, patient: p, visit: v, exams } })),
);
