import type { RequestClinicalData } from '../documents/request/index.js';
import type {
  AdministeredProduct,
  CodedValue,
  DocumentProtocol,
  HealthProfessional,
  ImagingOrder,
  MedicalHistoryEntry,
  Organisation,
  Patient,
  PatientClass,
  PerformedExam,
  ProcessingId,
  Reason,
  TextProtocol,
  Visit,
} from '../tlr/index.js';
import { INS_OID, dateTimeFromDate } from '../tlr/index.js';
import type { ExamType } from './exam-catalogue.js';
import { EXAM_TYPES, actOf, regionOf } from './exam-catalogue.js';
import { generateDicomUid, generateFiness, generateNir, generateRppsIdNat } from './identifiers.js';
import type { FacilityProfile, SimulatedSex } from './population.js';
import { BIRTHPLACES, FACILITIES, FAMILY_NAMES, GIVEN_NAMES, HOME_TOWNS, STREETS } from './population.js';
import { renderProtocolPdf } from './protocol-pdf.js';
import { SeededRandom } from './random.js';

/** The text sections of an imaging report, as the report API takes them. */
export interface ReportText {
  clinicalContext: string;
  technique: string;
  findings: string;
  conclusion: string;
  medicalHistory?: string;
}

/** Arc of the fictitious OIDs the simulators issue identifiers under (placer numbers, IPP, accession numbers). */
export const SIMULATOR_OID_ROOT = '1.2.250.1.999';

export interface ClinicalDataGeneratorOptions {
  /** Seed of the whole sequence; the same seed and calls give the same objects. Default: random. */
  seed?: number;
  /**
   * MSH-11 of the messages that will carry the data. In `T` (default) and `D` patients carry an INS
   * under the test OID (`1.2.250.1.213.1.4.10`); in `P` they carry no INS at all, since a simulator
   * must neither invent a production INS nor send a test one in production (TLR-PID-008).
   */
  processingId?: ProcessingId;
  /** Which simulated imaging facility the orders come from (index into {@link FACILITIES}); default drawn from the seed. */
  facility?: number;
  /** Clock of the generated dates (orders, exams); default the real time. */
  now?: () => Date;
}

/** The imaging facility the generator speaks for, with its identifier spaces. */
export interface SimulatedFacility {
  organisation: Organisation;
  profile: FacilityProfile;
  /** OID root of the facility's identifier spaces. */
  oidRoot: string;
  /** OID of its placer order numbers (EI.3 of ORC-2). */
  placerAuthorityOid: string;
  /** OID of its accession numbers (IPC-1). */
  accessionAuthorityOid: string;
  /** Physicians of the facility who sign requests. */
  professionals: readonly HealthProfessional[];
}

const HISTORY: ReadonlyArray<{ entry: MedicalHistoryEntry; forModalities?: readonly string[] }> = [
  { entry: { text: 'Insuffisance rénale chronique, DFG à 42 mL/min', relevance: 'MAJEUR' }, forModalities: ['CT', 'MR'] },
  { entry: { text: 'Allergie aux produits de contraste iodés (urticaire en 2019)', relevance: 'MAJEUR' }, forModalities: ['CT'] },
  { entry: { text: 'Stimulateur cardiaque compatible IRM 1,5 T', relevance: 'MAJEUR' }, forModalities: ['MR'] },
  { entry: { text: 'Claustrophobie', relevance: 'PERTINENT' }, forModalities: ['MR', 'PT'] },
  { entry: { text: 'Diabète de type 2 sous metformine', relevance: 'PERTINENT' } },
  { entry: { text: 'Fibrillation auriculaire sous apixaban', relevance: 'PERTINENT' } },
  { entry: { text: 'Appendicectomie dans l’enfance', relevance: 'SANS_IMPACT' } },
  { entry: { text: 'Hypertension artérielle traitée', relevance: 'SANS_IMPACT' } },
  { entry: { text: 'Cancer du sein gauche traité en 2018\n(chirurgie et radiothérapie)', relevance: 'PERTINENT' } },
];

const MODALITY_NOTES = [
  'Patient agité : prévoir une contention douce',
  'Voie veineuse en place au pli du coude droit',
  'Patient à jeun depuis 6 h',
  'Transport allongé, sous oxygène 2 L/min',
];

const REFUSALS: readonly Reason[] = [
  { code: 'EXAMEN_NON_PERTINENT', codingSystem: 'L', text: 'Examen non pertinent : préférer une échographie en première intention' },
  { code: 'CONTRE_INDICATION', codingSystem: 'L', text: 'Contre-indication à l’injection (DFG < 30 mL/min)' },
  { text: 'Indication relevant d’un avis spécialisé sur place' },
  { text: 'Hors des plages de permanence de la plateforme, à reprogrammer' },
];

const CANCELLATIONS: readonly Reason[] = [
  { text: 'Patient transféré dans un autre établissement' },
  { text: 'Examen réalisé sur place par le radiologue de garde' },
  { code: 'DOUBLON', codingSystem: 'L', text: 'Demande saisie en double' },
  { text: 'Patient sorti contre avis médical' },
];

const TA_ASIP = '1.2.250.1.213.1.1.4.322';
const ta = (code: string, display: string): CodedValue => ({ code, display, codeSystem: TA_ASIP, codeSystemName: 'TA_ASIP' });
const REQUEST_CONTRA_INDICATIONS: ReadonlyArray<{ value: CodedValue; forModalities: readonly string[] }> = [
  { value: ta('MED-1105', 'Hypersensibilité au PDC iodé'), forModalities: ['CT', 'MED-1127'] },
  { value: ta('MED-1109', 'Patient claustrophobe'), forModalities: ['MR', 'PT'] },
  { value: ta('MED-1117', 'Patient porteur de Pacemaker'), forModalities: ['MR'] },
  { value: ta('MED-1122', 'Hypersensibilité au produit de contraste gadoliné'), forModalities: ['MR'] },
  {
    value: {
      code: 'N18.9',
      display: 'Maladie rénale chronique, sans précision',
      codeSystem: '2.16.840.1.113883.6.3',
      codeSystemName: 'CIM-10',
    },
    forModalities: ['CT', 'MR'],
  },
];
const REQUEST_CARE_INFORMATION: readonly CodedValue[] = [
  ta('MED-1124', 'Patient nécessitant un accompagnement par un tiers'),
  ta('MED-1125', 'Patient potentiellement non-coopérant (déficience mentale, etc.)'),
  {
    code: 'Z74.0',
    display: "Besoin d'assistance du fait de mobilité restreinte",
    codeSystem: '2.16.840.1.113883.6.3',
    codeSystemName: 'CIM-10',
  },
];
const REQUEST_PET_FUNCTIONS: readonly CodedValue[] = [
  ta('MED-1133', 'FDG Oncologie /Infectieux/inflammatoire'),
  ta('MED-1134', 'FDG cérébrale'),
];
const REQUEST_PET_INJECTION: readonly CodedValue[] = [
  ta('MED-1153', 'avec injection de produit de contraste'),
  ta('MED-1154', 'sans injection de produit de contraste'),
];
const REQUEST_SCINTIGRAPHY_FUNCTIONS: readonly CodedValue[] = [
  ta('MED-1143', 'Osseuse'),
  ta('MED-1141', 'Cardiaque : Perfusion myocardique'),
];

/** The platform's radiologists: the same roster for every run, so logs and screens read naturally. */
const RADIOLOGISTS: ReadonlyArray<readonly [string, string]> = [
  ['Lefèvre', 'Hélène'],
  ['Ménard', 'Loïc'],
  ['N’Diaye', 'Awa'],
  ['Santoni', 'Ange-Marie'],
  ['Prévost', 'Bénédicte'],
];

/**
 * A seeded generator of realistic, varied and valid domain objects for the four flows: patients
 * with a valid INS-NIR consistent with their traits, the facility's physicians and the platform's
 * radiologists with RPPS-based PS_IdNat, FINESS numbers, requests drawn from {@link EXAM_TYPES},
 * text and PDF protocols, performed exams with DICOM UIDs, accession numbers, DRIMbox partial URLs
 * and administered radiopharmaceuticals. The messages built from them validate without findings.
 */
export class ClinicalDataGenerator {
  readonly random: SeededRandom;
  readonly processingId: ProcessingId;
  readonly facility: SimulatedFacility;
  /** Tag of this run in placer numbers, so two runs against the same partner do not collide. */
  readonly runTag: string;
  readonly #now: () => Date;
  readonly #radiologists: readonly HealthProfessional[];
  #sequence = 0;

  constructor(options: ClinicalDataGeneratorOptions = {}) {
    this.random = new SeededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
    this.processingId = options.processingId ?? 'T';
    this.#now = options.now ?? (() => new Date());
    const profile = FACILITIES[options.facility ?? this.random.int(0, FACILITIES.length - 1)] ?? FACILITIES[0]!;
    const finess = generateFiness(this.random, profile.department);
    const oidRoot = `${SIMULATOR_OID_ROOT}.${finess}`;
    this.facility = {
      organisation: { name: profile.name, identifierType: 'FINEG', identifier: finess },
      profile,
      oidRoot,
      placerAuthorityOid: `${oidRoot}.10`,
      accessionAuthorityOid: `${oidRoot}.20`,
      professionals: Array.from({ length: 4 }, () => this.#professional(this.random.pick(['F', 'M'] as const), 'DR')),
    };
    this.runTag = this.random.nextUint32().toString(36).toUpperCase().padStart(7, '0').slice(-6);
    const fixed = new SeededRandom(0x7e1e);
    this.#radiologists = RADIOLOGISTS.map(([family, given]) => ({
      idNat: generateRppsIdNat(fixed),
      familyName: family,
      givenName: given,
      prefix: 'DR',
      identifierType: 'IDNPS',
    }));
  }

  /** The platform's remote radiologists (ORC-12 of flow 3). */
  get radiologists(): readonly HealthProfessional[] {
    return this.#radiologists;
  }

  /** A remote radiologist of the platform, drawn from the roster. */
  remoteRadiologist(): HealthProfessional {
    return this.random.pick(this.#radiologists);
  }

  /** A teleradiology platform organisation with a FINESS (for a platform simulator without configuration). */
  platformOrganisation(): Organisation {
    return { name: 'Téléradiologie Sud-Ouest', identifierType: 'FINEG', identifier: generateFiness(this.random, '33') };
  }

  #professional(sex: SimulatedSex, prefix: string): HealthProfessional {
    return {
      idNat: generateRppsIdNat(this.random),
      familyName: this.random.pick(FAMILY_NAMES),
      givenName: this.random.pick(GIVEN_NAMES[sex]),
      prefix,
      identifierType: 'IDNPS',
    };
  }

  /**
   * A patient. Reference traits of the INS (birth name, given names) are written as the INS
   * referential returns them — upper case without diacritics — while the used name and given name
   * keep their accents, as a RIS shows them.
   */
  patient(): Patient {
    const r = this.random;
    const sex = r.pick(['F', 'M'] as const);
    const given = r.pick(GIVEN_NAMES[sex]);
    const second = r.pick(GIVEN_NAMES[sex].filter((g) => g !== given));
    const family = r.pick(FAMILY_NAMES);
    const married = sex === 'F' && r.chance(0.3) ? r.pick(FAMILY_NAMES.filter((f) => f !== family)) : undefined;
    const year = r.int(1932, 2023);
    const birthDate = `${year}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
    const birthplace = r.pick(BIRTHPLACES.filter((b) => (b.fromYear ?? 0) <= year));
    const town = r.pick(HOME_TOWNS);
    const ns = this.facility.profile.namespace;
    const patient: Patient = {
      identifiers: [
        {
          value: r.digits(8),
          assigningAuthority: { namespaceId: ns, universalId: `${this.facility.oidRoot}.1`, universalIdType: 'ISO' },
          type: 'PI',
        },
      ],
      birthName: insTrait(family),
      firstGivenName: insTrait(given),
      birthGivenNames: insTrait(`${given} ${second}`),
      usedName: married ?? family,
      usedGivenName: given,
      birthDate,
      sex,
      birthplaceCode: birthplace.code,
      address: { street: `${r.int(1, 120)} ${r.pick(STREETS)}`, city: town.city, postalCode: town.postalCode, country: 'FRA' },
      accountNumber: {
        value: r.digits(9),
        assigningAuthority: { namespaceId: ns, universalId: `${this.facility.oidRoot}.2`, universalIdType: 'ISO' },
        type: 'AN',
      },
      identityStatus: 'VALI',
    };
    if (this.processingId === 'P') return patient;
    const qualified = dateTimeFromDate(new Date(this.#now().getTime() - r.int(30, 2000) * 86_400_000)).slice(0, 10);
    return {
      ins: {
        value: generateNir(r, { sex, birthDate, birthplaceCode: birthplace.code }),
        authorityOid: INS_OID.nirTest,
        effectiveDate: qualified,
      },
      ...patient,
    };
  }

  #visit(patientClass: PatientClass): Visit {
    const admitted = new Date(this.#now().getTime() - this.random.int(20, 36 * 60) * 60_000);
    return {
      patientClass,
      visitNumber: {
        value: this.random.digits(9),
        assigningAuthority: {
          namespaceId: this.facility.profile.namespace,
          universalId: `${this.facility.oidRoot}.3`,
          universalIdType: 'ISO',
        },
        type: 'VN',
      },
      ...(patientClass === 'O' ? {} : { admittedAt: dateTimeFromDate(admitted) }),
    };
  }

  /** An imaging request (flow 1) of the facility, for a new patient, with a fresh placer number. */
  imagingOrder(): ImagingOrder {
    const r = this.random;
    const exam = r.weighted(EXAM_TYPES.map((e) => [e, e.weight] as const));
    const side = exam.sides ? r.pick(exam.sides) : undefined;
    const patient = this.patient();
    const age = this.#now().getFullYear() - Number(patient.birthDate!.slice(0, 4));
    const history = r.chance(0.7)
      ? pickSome(
          r,
          HISTORY.filter((h) => !h.forModalities || h.forModalities.includes(exam.modality.code)),
          r.int(1, 2),
        ).map((h) => ({ ...h.entry }))
      : [];
    const weighs = exam.radiopharmaceutical !== undefined || exam.modality.code === 'CT' || r.chance(0.3);
    const heightCm = age < 16 ? r.int(90, 175) : r.int(152, 195);
    this.#sequence += 1;
    return {
      placerOrderNumber: {
        value: `${this.runTag}-${String(this.#sequence).padStart(5, '0')}`,
        authorityOid: this.facility.placerAuthorityOid,
      },
      patient,
      visit: this.#visit(r.weighted(exam.patientClasses)),
      requestedAt: dateTimeFromDate(this.#now()),
      responsibleProfessional: r.pick(this.facility.professionals),
      callbackPhone: `+33${r.pick(['1', '2', '3', '4', '5'])}${r.digits(8)}`,
      imagingFacility: this.facility.organisation,
      justification: r.pick(exam.justifications),
      purposeNotes: [r.pick(exam.purposes)],
      requestedModality: { ...exam.modality, ...(r.chance(0.25) ? { notes: [r.pick(MODALITY_NOTES)] } : {}) },
      anatomicalRegions: [regionOf(exam, side)],
      ...(history.length ? { medicalHistory: history } : {}),
      ...(weighs
        ? {
            height: { value: heightCm, unit: 'cm' },
            weight: { value: Math.round(((heightCm - 100) * r.int(80, 125)) / 10) / 10, unit: 'kg' },
          }
        : {}),
      ...(patient.sex === 'F' && age >= 12 && age <= 52 ? { pregnant: false } : {}),
    };
  }

  /**
   * The clinical data of the request document (DA-IMG) that flow 1 has no slot for: contra-indications,
   * care information, urgency, the studied function of a PET or a scintigraphy, the wished date. Codes
   * are members of the DA-IMG value sets (JDV_Contre-indications, JDV_InfoPriseEnCharge, JDV_FonctionEtudiee…).
   */
  requestClinicalData(order: ImagingOrder): RequestClinicalData {
    const r = this.random;
    const m = order.requestedModality.code;
    const data: RequestClinicalData = { patientInformedOfRisks: r.chance(0.8) };
    const contra = REQUEST_CONTRA_INDICATIONS.filter((c) => c.forModalities.includes(m));
    if (contra.length > 0 && r.chance(0.4)) data.contraIndications = [r.pick(contra).value];
    if (r.chance(0.3)) data.allergies = [r.pick(['Pénicilline (éruption cutanée)', 'Latex', 'Iode (urticaire)'])];
    if (r.chance(0.25)) data.careInformation = [r.pick(REQUEST_CARE_INFORMATION)];
    if (r.chance(0.35))
      data.urgency = { justification: r.pick(['Suspicion d’AVC, délai de thrombolyse', 'Traumatisme crânien sous anticoagulant']) };
    if (r.chance(0.3)) data.wishedBefore = new Date(this.#now().getTime() + r.int(1, 72) * 3_600_000);
    if (m === 'CT' && r.chance(0.5)) data.creatinineClearance = { value: r.int(35, 120), unit: 'mL/min' };
    if (m === 'PT') {
      data.studiedFunction = r.pick(REQUEST_PET_FUNCTIONS);
      if (r.chance(0.5)) data.contrastInjection = r.pick(REQUEST_PET_INJECTION);
    }
    if (m === 'NM') data.studiedFunction = r.pick(REQUEST_SCINTIGRAPHY_FUNCTIONS);
    if (r.chance(0.3)) data.previousResults = 'Radiographie antérieure sans particularité';
    return data;
  }

  /** The catalogue entry and side an order was drawn from (by modality and region). */
  examTypeOf(order: ImagingOrder): { exam: ExamType; side: CodedValue | undefined } {
    const region = order.anatomicalRegions[0];
    const exam =
      EXAM_TYPES.find((e) => e.modality.code === order.requestedModality.code && e.region.code === region?.region.code) ??
      EXAM_TYPES.find((e) => e.modality.code === order.requestedModality.code) ??
      EXAM_TYPES[0]!;
    return { exam, side: region?.qualifier && exam.sides?.some((s) => s.code === region.qualifier!.code) ? region.qualifier : undefined };
  }

  /** The protocol text a radiologist writes for the request (line breaks between instructions). */
  textProtocol(order: ImagingOrder): TextProtocol {
    const { exam } = this.examTypeOf(order);
    const lines = [...exam.protocol];
    if (order.medicalHistory?.some((h) => /contraste iodés/.test(h.text)))
      lines.push('Allergie connue : prémédication selon le protocole local ou examen sans injection');
    if (order.medicalHistory?.some((h) => /DFG/.test(h.text))) lines.push('Fonction rénale altérée : hydratation avant et après injection');
    return { kind: 'text', text: lines.join('\n') };
  }

  /** The same protocol as a one-page PDF sheet (flow 3 `ED` protocol). */
  async pdfProtocol(order: ImagingOrder, radiologist: HealthProfessional, platform: Organisation): Promise<DocumentProtocol> {
    const { exam, side } = this.examTypeOf(order);
    const bytes = await renderProtocolPdf({
      exam: `${exam.modality.display ?? exam.modality.code} – ${actOf(exam, side).display ?? actOf(exam, side).code}`,
      placerOrderNumber: order.placerOrderNumber.value,
      radiologist: `Dr ${radiologist.givenName} ${radiologist.familyName}`,
      platform: platform.name,
      issuedAt: this.#now(),
      lines: this.textProtocol(order).text.split('\n'),
    });
    return { kind: 'document', mediaType: 'application/pdf', base64: Buffer.from(bytes).toString('base64') };
  }

  /**
   * What the radiologist writes in the report of an exam (the CR-IMG text sections): the request's
   * justification as clinical context, the protocol as technique, then a normal or an abnormal
   * reading of the catalogue. A `corrected` version (report replacement) amends the conclusion.
   */
  reportContent(order: ImagingOrder, options: { corrected?: boolean } = {}): ReportText {
    const { exam } = this.examTypeOf(order);
    const reading = this.random.chance(0.4) ? exam.readings.abnormal : exam.readings.normal;
    const history = order.medicalHistory?.map((h) => h.text.replace(/\n/g, ' ')).join(' ; ');
    return {
      clinicalContext: order.justification,
      technique: exam.protocol.join('. '),
      findings: options.corrected
        ? `${reading.findings} Relecture : mesures vérifiées sur les reconstructions multiplanaires.`
        : reading.findings,
      conclusion: options.corrected ? `Compte rendu rectifié. ${reading.conclusion}` : reading.conclusion,
      ...(history ? { medicalHistory: history } : {}),
    };
  }

  /** A reason the platform gives when refusing. */
  refusalReason(): Reason {
    return { ...this.random.pick(REFUSALS) };
  }

  /** A reason the facility gives when cancelling. */
  cancellationReason(): Reason {
    return { ...this.random.pick(CANCELLATIONS) };
  }

  /**
   * The exams performed for an accepted request (flow 4): usually one; a head trauma often gets the
   * cervical spine scanned in the same session, which gives a second ORDER group.
   */
  performedExams(order: ImagingOrder): PerformedExam[] {
    const { exam, side } = this.examTypeOf(order);
    const exams = [this.#performedExam(exam, side)];
    const spine = EXAM_TYPES.find((e) => e.id === 'ct-cervical-spine');
    if (exam.id === 'ct-head' && spine && this.random.chance(0.35)) exams.push(this.#performedExam(spine, undefined));
    return exams;
  }

  #performedExam(exam: ExamType, side: CodedValue | undefined): PerformedExam {
    const r = this.random;
    const now = this.#now();
    const accession = `A${String(now.getFullYear()).slice(2)}${r.digits(7)}`;
    const studyInstanceUid = generateDicomUid(r);
    const products: AdministeredProduct[] = exam.radiopharmaceutical
      ? [
          {
            atc: { ...exam.radiopharmaceutical.atc },
            lotNumber: r.digits(8),
            quantity: { value: r.int(exam.radiopharmaceutical.minMBq, exam.radiopharmaceutical.maxMBq), unit: 'MBq' },
          },
        ]
      : [];
    return {
      accessionNumber: { value: accession, authorityOid: this.facility.accessionAuthorityOid },
      studyInstanceUid,
      procedure: actOf(exam, side),
      performedAt: dateTimeFromDate(new Date(now.getTime() - r.int(5, 90) * 60_000)),
      imageRetentionDays: r.pick([365, 730, 3650, 7300]),
      viewerUrl: drimboxPartialUrl(this.facility.profile.drimboxHost, studyInstanceUid, this.facility.accessionAuthorityOid, accession),
      modality: { ...exam.modality },
      anatomicalRegions: [regionOf(exam, side)],
      ...(products.length ? { administeredProducts: products } : {}),
      device: { identifier: `(01)${gtin14(r)}(21)SN${r.digits(6)}`, model: r.pick(exam.devices) },
    };
  }
}

/**
 * The partial DRIMbox viewer URL of flow 4, as the RIS builds it (drimbox.md §2 and §4): the IHE
 * Invoke Image Display entry point of the facility's DRIMbox with the study UID and the accession
 * number as `root.extension`; the platform appends `&idCDA=<report id>`.
 */
export function drimboxPartialUrl(host: string, studyInstanceUid: string, accessionAuthorityOid: string, accession: string): string {
  return (
    `https://${host}/IHEInvokeImageDisplay?requestType=STUDY&studyUID=${studyInstanceUid}` +
    `&Accessionnumber=${accessionAuthorityOid}.${accession}`
  );
}

/** A name as the INS referential writes reference traits: upper case, no diacritics, ligatures spelt out. */
export function insTrait(name: string): string {
  return name
    .replace(/œ/g, 'oe')
    .replace(/Œ/g, 'OE')
    .replace(/æ/g, 'ae')
    .replace(/Æ/g, 'AE')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/’/g, "'")
    .toUpperCase();
}

/** A GTIN-14 (device identifier of a UDI carrier) with its GS1 check digit. */
function gtin14(r: SeededRandom): string {
  const body = `0${r.digits(12)}`;
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += Number(body[body.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return body + String((10 - (sum % 10)) % 10);
}

function pickSome<T>(r: SeededRandom, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(r.int(0, pool.length - 1), 1)[0]!);
  return out;
}
