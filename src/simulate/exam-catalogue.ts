import type { AnatomicalRegion, CodedValue, Modality, PatientClass } from '../tlr/index.js';
import { valueSet } from '../profiles/terminology/value-sets.js';

/**
 * The kinds of teleradiology requests the simulators produce: a coherent modality, anatomical
 * region (with its side), LOINC performed act, clinical justification, purpose and protocol, as a
 * radiologist would see them. Every code is a member of the pinned value sets the validator checks
 * (JDV_modalitedemandeActeImagerie, JDV_RegionAnatomique, JDV_ModificateurTopographique,
 * JDV_CodeDocumentImagerie): {@link EXAM_TYPES} keeps only the entries whose codes all belong, and
 * the simulator tests assert that none was dropped.
 */
export interface ExamType {
  /** Short stable id, used in simulator logs (never patient data). */
  id: string;
  modality: Omit<Modality, 'notes'>;
  region: CodedValue;
  /** Sides the exam may be requested for (one is drawn); absent for midline regions. */
  sides?: readonly CodedValue[];
  /** LOINC performed act per side code (or `*` when the act does not depend on the side). */
  acts: Readonly<Record<string, CodedValue>>;
  justifications: readonly string[];
  purposes: readonly string[];
  /** Lines of the protocol the remote radiologist writes when accepting. */
  protocol: readonly string[];
  /** Relative weights of the patient classes this exam is requested for (emergencies dominate teleradiology). */
  patientClasses: ReadonlyArray<readonly [PatientClass, number]>;
  /** Radiopharmaceutical administered (ATC level 2, `V09` diagnostic), with its usual activity range in MBq. */
  radiopharmaceutical?: { atc: CodedValue; minMBq: number; maxMBq: number };
  /** What the report says: a normal and an abnormal reading (findings, conclusion). */
  readings: { normal: ReportReading; abnormal: ReportReading };
  /** Typical devices (model names) for this modality. */
  devices: readonly string[];
  /** Relative frequency among teleradiology requests. */
  weight: number;
}

/** Findings and conclusion of a report (*résultats*, *conclusion*). */
export interface ReportReading {
  findings: string;
  conclusion: string;
}

const RIGHT: CodedValue = { code: '24028007', display: 'côté droit' };
const LEFT: CodedValue = { code: '7771000', display: 'côté gauche' };
const BILATERAL: CodedValue = { code: '51440002', display: 'bilatéral(e)' };

const CT: Omit<Modality, 'notes'> = { code: 'CT', codingSystem: 'DCM', display: 'Scanner/TDM' };
const MR: Omit<Modality, 'notes'> = { code: 'MR', codingSystem: 'DCM', display: 'IRM' };
const V09: CodedValue = { code: 'V09', display: 'Produits radiopharmaceutiques à usage diagnostique' };

const CT_DEVICES = ['SOMATOM go.Top', 'Revolution EVO', 'Aquilion Prime SP', 'Incisive CT'];
const MR_DEVICES = ['MAGNETOM Vida 3T', 'SIGNA Artist 1.5T', 'Ingenia Ambition 1.5T', 'Vantage Orian 1.5T'];
const EMERGENCY: ReadonlyArray<readonly [PatientClass, number]> = [
  ['E', 8],
  ['I', 2],
];
const SCHEDULED: ReadonlyArray<readonly [PatientClass, number]> = [
  ['O', 7],
  ['I', 2],
  ['E', 1],
];

const CATALOGUE: readonly ExamType[] = [
  {
    id: 'ct-head',
    modality: CT,
    region: { code: '774007', display: 'tête et/ou cou' },
    acts: { '*': { code: '24725-4', display: 'CT tête' } },
    justifications: [
      'Traumatisme crânien avec perte de connaissance initiale chez un patient sous anticoagulant (AVK)',
      'Chute de sa hauteur, plaie du cuir chevelu, score de Glasgow à 14',
      'Céphalée brutale « en coup de tonnerre » depuis 2 h, nausées',
      'Confusion d’apparition récente chez une patiente âgée, fièvre à 38,5 °C',
    ],
    purposes: ['Recherche d’hémorragie intracrânienne', 'Éliminer un hématome sous-dural', 'Recherche de lésion traumatique'],
    protocol: [
      'Scanner cérébral sans injection',
      'Acquisition hélicoïdale, coupes de 0,625 mm',
      'Reconstructions en fenêtres parenchymateuse et osseuse',
      'Injection si anomalie vasculaire suspectée',
    ],
    readings: {
      normal: {
        findings:
          'Pas d’hémorragie intra- ou extra-axiale. Pas d’effet de masse. Structures médianes en place. Pas de fracture de la voûte.',
        conclusion: 'Pas de lésion traumatique intracrânienne.',
      },
      abnormal: {
        findings: 'Hématome sous-dural aigu frontopariétal droit de 6 mm d’épaisseur, sans déviation de la ligne médiane.',
        conclusion: 'Hématome sous-dural aigu droit de faible épaisseur : avis neurochirurgical.',
      },
    },
    patientClasses: EMERGENCY,
    devices: CT_DEVICES,
    weight: 6,
  },
  {
    id: 'mr-brain',
    modality: MR,
    region: { code: '774007', display: 'tête et/ou cou' },
    acts: { '*': { code: '24587-8', display: 'RM cerveau sans et avec contraste IV' } },
    justifications: [
      'Déficit brachio-facial gauche régressif, suspicion d’AIT',
      'Céphalées inhabituelles d’aggravation progressive depuis 3 semaines',
      'Crise convulsive inaugurale chez un adulte jeune',
    ],
    purposes: ['Recherche de lésion ischémique récente', 'Recherche de processus expansif intracrânien'],
    protocol: [
      'IRM encéphalique',
      'Séquences diffusion, FLAIR, T2*, 3D T1',
      'Injection de gadolinium 0,1 mmol/kg si la clairance de la créatinine le permet',
      'Angio-IRM TOF du polygone de Willis',
    ],
    readings: {
      normal: {
        findings: 'Pas d’hypersignal diffusion. Pas de prise de contraste anormale. Polygone de Willis perméable.',
        conclusion: 'IRM encéphalique normale.',
      },
      abnormal: {
        findings: 'Hypersignal diffusion cortico-sous-cortical frontal gauche avec ADC abaissé, sans transformation hémorragique.',
        conclusion: 'AVC ischémique aigu sylvien gauche superficiel.',
      },
    },
    patientClasses: SCHEDULED,
    devices: MR_DEVICES,
    weight: 3,
  },
  {
    id: 'ct-chest-pe',
    modality: CT,
    region: { code: '67734004', display: 'segment thoracique du tronc' },
    acts: { '*': { code: '24628-0', display: 'CT thorax avec contraste IV' } },
    justifications: [
      'Dyspnée aiguë et douleur thoracique, D-dimères positifs',
      'Tachycardie inexpliquée en post-opératoire d’une prothèse de hanche',
      'Hémoptysie de faible abondance, antécédent de thrombose veineuse profonde',
    ],
    purposes: ['Recherche d’embolie pulmonaire', 'Évaluer le retentissement cardiaque droit'],
    protocol: [
      'Angioscanner thoracique',
      'Injection de 60 mL de produit de contraste iodé à 4 mL/s',
      'Déclenchement sur le tronc de l’artère pulmonaire',
      'Coupes de 1 mm, reconstructions MIP',
    ],
    readings: {
      normal: {
        findings: 'Bonne opacification des artères pulmonaires jusqu’en sous-segmentaire, sans défect endoluminal.',
        conclusion: 'Pas d’embolie pulmonaire.',
      },
      abnormal: {
        findings: 'Défects endoluminaux des artères lobaires inférieures droite et gauche. Rapport VD/VG à 0,9.',
        conclusion: 'Embolie pulmonaire bilatérale proximale sans signe de retentissement cardiaque droit.',
      },
    },
    patientClasses: EMERGENCY,
    devices: CT_DEVICES,
    weight: 5,
  },
  {
    id: 'ct-abdomen-pelvis',
    modality: CT,
    region: { code: '63337009', display: 'segment abdominopelvien du tronc' },
    acts: { '*': { code: '36813-4', display: 'CT abdomen et pelvis avec contraste IV' } },
    justifications: [
      'Douleur de la fosse iliaque droite, fièvre à 38,2 °C, hyperleucocytose',
      'Syndrome occlusif, arrêt des matières et des gaz depuis 24 h',
      'Douleur épigastrique transfixiante, lipasémie à 5 fois la normale',
    ],
    purposes: ['Recherche d’appendicite', 'Recherche d’un obstacle digestif', 'Bilan de pancréatite aiguë'],
    protocol: [
      'Scanner abdomino-pelvien',
      'Injection de produit de contraste iodé, temps portal à 70 s',
      'Opacification digestive non nécessaire',
      'Reconstructions coronales et sagittales',
    ],
    readings: {
      normal: {
        findings: 'Appendice fin, sans infiltration de la graisse péri-appendiculaire. Pas d’épanchement.',
        conclusion: 'Pas d’argument pour une appendicite.',
      },
      abnormal: {
        findings: 'Appendice de 11 mm à paroi épaissie, stercolithe, infiltration de la graisse adjacente, sans abcès.',
        conclusion: 'Appendicite aiguë non compliquée.',
      },
    },
    patientClasses: EMERGENCY,
    devices: CT_DEVICES,
    weight: 5,
  },
  {
    id: 'ct-renal-colic',
    modality: CT,
    region: { code: '63337009', display: 'segment abdominopelvien du tronc' },
    acts: { '*': { code: '36952-0', display: 'CT abdomen et pelvis sans contraste' } },
    justifications: ['Colique néphrétique droite hyperalgique résistant aux AINS', 'Douleur lombaire gauche avec hématurie macroscopique'],
    purposes: ['Recherche de lithiase urinaire', 'Éliminer une colique néphrétique compliquée'],
    protocol: ['Scanner abdomino-pelvien sans injection, faible dose', 'Coupes de 1,25 mm du pôle supérieur des reins au pubis'],
    readings: {
      normal: {
        findings: 'Pas de lithiase sur le trajet urinaire. Pas de dilatation des cavités pyélocalicielles.',
        conclusion: 'Pas de lithiase urinaire.',
      },
      abnormal: {
        findings: 'Lithiase de 5 mm de l’uretère lombaire droit avec dilatation pyélocalicielle d’amont à 14 mm.',
        conclusion: 'Colique néphrétique droite sur lithiase urétérale de 5 mm.',
      },
    },
    patientClasses: EMERGENCY,
    devices: CT_DEVICES,
    weight: 3,
  },
  {
    id: 'ct-cervical-spine',
    modality: CT,
    region: { code: '737561001', display: 'colonne vertébrale et/ou moelle épinière' },
    acts: { '*': { code: '24932-6', display: 'CT rachis cervical' } },
    justifications: [
      'Accident de la voie publique, cervicalgies, patient sous minerve',
      'Chute dans les escaliers, douleur à la palpation des épineuses cervicales',
    ],
    purposes: ['Recherche de fracture du rachis cervical'],
    protocol: ['Scanner du rachis cervical sans injection', 'Reconstructions sagittales et coronales en filtre osseux'],
    readings: {
      normal: {
        findings: 'Alignement conservé. Pas de trait de fracture. Pas d’anomalie de la charnière cervico-occipitale.',
        conclusion: 'Pas de lésion osseuse traumatique du rachis cervical.',
      },
      abnormal: {
        findings: 'Fracture non déplacée de l’arc postérieur de C1 à gauche.',
        conclusion: 'Fracture stable de l’arc postérieur de l’atlas.',
      },
    },
    patientClasses: EMERGENCY,
    devices: CT_DEVICES,
    weight: 2,
  },
  {
    id: 'mr-lumbar-spine',
    modality: MR,
    region: { code: '737561001', display: 'colonne vertébrale et/ou moelle épinière' },
    acts: { '*': { code: '24968-0', display: 'RM rachis lombaire' } },
    justifications: [
      'Lombosciatique L5 droite hyperalgique résistant au traitement médical',
      'Syndrome de la queue de cheval débutant : troubles sphinctériens',
    ],
    purposes: ['Recherche de hernie discale conflictuelle', 'Éliminer une compression radiculaire'],
    protocol: ['IRM du rachis lombaire', 'Séquences sagittales T1, T2, STIR', 'Coupes axiales T2 de L3 à S1'],
    readings: {
      normal: {
        findings: 'Disques de hauteur et de signal normaux. Pas de conflit discoradiculaire.',
        conclusion: 'IRM lombaire sans anomalie expliquant la symptomatologie.',
      },
      abnormal: {
        findings: 'Hernie discale L4-L5 postérolatérale droite au contact de la racine L5 droite.',
        conclusion: 'Hernie discale L4-L5 droite conflictuelle avec la racine L5.',
      },
    },
    patientClasses: SCHEDULED,
    devices: MR_DEVICES,
    weight: 2,
  },
  {
    id: 'mr-knee',
    modality: MR,
    region: { code: '61685007', display: 'membre inférieur' },
    sides: [RIGHT, LEFT],
    acts: { '*': { code: '24802-1', display: 'RM genou' } },
    justifications: ['Entorse du genou au ski, tiroir antérieur', 'Blocage méniscal récidivant depuis 2 mois'],
    purposes: ['Recherche de lésion du ligament croisé antérieur', 'Bilan méniscal'],
    protocol: ['IRM du genou', 'Séquences DP Fat Sat dans les trois plans', 'Séquence T1 sagittale'],
    readings: {
      normal: { findings: 'Ligaments croisés et collatéraux continus. Ménisques de signal normal.', conclusion: 'IRM du genou normale.' },
      abnormal: {
        findings: 'Rupture complète du ligament croisé antérieur, contusion osseuse du condyle fémoral latéral.',
        conclusion: 'Rupture du LCA.',
      },
    },
    patientClasses: [['O', 1]],
    devices: MR_DEVICES,
    weight: 1,
  },
  {
    id: 'mr-shoulder',
    modality: MR,
    region: { code: '53120007', display: 'membre supérieur' },
    sides: [RIGHT, LEFT],
    acts: { '*': { code: '24905-2', display: 'RM épaule' } },
    justifications: ['Douleur de l’épaule à l’élévation, impotence fonctionnelle depuis une chute'],
    purposes: ['Recherche de rupture de la coiffe des rotateurs'],
    protocol: [
      'IRM de l’épaule',
      'Séquences DP Fat Sat coronales obliques, sagittales et axiales',
      'T1 sagittal pour la trophicité musculaire',
    ],
    readings: {
      normal: {
        findings: 'Tendons de la coiffe continus, sans épanchement de la bourse sous-acromiale.',
        conclusion: 'Pas de rupture de la coiffe des rotateurs.',
      },
      abnormal: {
        findings: 'Rupture transfixiante du tendon supra-épineux de 12 mm, rétraction grade 1.',
        conclusion: 'Rupture transfixiante du supra-épineux.',
      },
    },
    patientClasses: [['O', 1]],
    devices: MR_DEVICES,
    weight: 1,
  },
  {
    id: 'mammography',
    modality: { code: 'MG', codingSystem: 'DCM', display: 'Mammographie' },
    region: { code: '76752008', display: 'sein' },
    sides: [BILATERAL],
    acts: { '*': { code: '39154-0', display: 'mammographie numérique sein bilatéral ; incidences pour diagnostic' } },
    justifications: ['Nodule palpable du quadrant supéro-externe du sein gauche', 'Écoulement mamelonnaire unilatéral sanglant'],
    purposes: ['Caractérisation d’une anomalie clinique', 'Classification ACR'],
    protocol: [
      'Mammographie bilatérale, incidences face et oblique externe',
      'Agrandissement centré sur la zone palpée',
      'Échographie complémentaire si seins denses',
    ],
    readings: {
      normal: {
        findings: 'Seins de densité B. Pas de masse, pas de foyer de microcalcifications suspectes.',
        conclusion: 'ACR 1 bilatéral.',
      },
      abnormal: {
        findings: 'Masse spiculée de 14 mm du quadrant supéro-externe gauche, non retrouvée sur les clichés antérieurs.',
        conclusion: 'Masse spiculée du sein gauche classée ACR 5 : biopsie recommandée.',
      },
    },
    patientClasses: [['O', 1]],
    devices: ['Senographe Pristina', 'MAMMOMAT Revelation'],
    weight: 1,
  },
  {
    id: 'chest-x-ray',
    modality: { code: 'MED-1126', codingSystem: 'terminologie-cisis-fr', display: 'Radiographie sans contraste' },
    region: { code: '67734004', display: 'segment thoracique du tronc' },
    acts: { '*': { code: '36643-5', display: 'RX thorax ; 2 incidences' } },
    justifications: ['Toux fébrile depuis 5 jours, crépitants à la base droite', 'Contrôle de position d’une sonde d’intubation'],
    purposes: ['Recherche de foyer de pneumopathie', 'Contrôle de matériel'],
    protocol: ['Radiographie thoracique de face et de profil', 'Debout en inspiration si l’état du patient le permet'],
    readings: {
      normal: {
        findings: 'Pas de foyer parenchymateux. Culs-de-sac libres. Silhouette cardiaque normale.',
        conclusion: 'Radiographie thoracique normale.',
      },
      abnormal: {
        findings: 'Opacité alvéolaire systématisée du lobe inférieur droit avec bronchogramme aérien.',
        conclusion: 'Pneumopathie franche lobaire inférieure droite.',
      },
    },
    patientClasses: [
      ['E', 3],
      ['I', 2],
    ],
    devices: ['Ysio Max', 'DigitalDiagnost C90'],
    weight: 2,
  },
  {
    id: 'abdominal-ultrasound',
    modality: { code: 'MED-1128', codingSystem: 'terminologie-cisis-fr', display: 'Échographie sans contraste' },
    region: { code: '63337009', display: 'segment abdominopelvien du tronc' },
    acts: { '*': { code: '24558-9', display: 'échographie abdomen' } },
    justifications: [
      'Douleur de l’hypochondre droit post-prandiale, signe de Murphy positif',
      'Ictère cutanéo-muqueux d’installation progressive',
    ],
    purposes: ['Recherche de lithiase vésiculaire', 'Recherche de dilatation des voies biliaires'],
    protocol: ['Échographie abdominale à jeun', 'Sonde convexe 3,5 MHz, étude Doppler du tronc porte'],
    readings: {
      normal: {
        findings: 'Vésicule alithiasique à paroi fine. Voies biliaires non dilatées.',
        conclusion: 'Échographie abdominale normale.',
      },
      abnormal: {
        findings: 'Vésicule lithiasique à paroi épaissie à 5 mm, Murphy échographique positif.',
        conclusion: 'Cholécystite aiguë lithiasique.',
      },
    },
    patientClasses: EMERGENCY,
    devices: ['LOGIQ E10', 'Aplio i800'],
    weight: 1,
  },
  {
    id: 'leg-venous-doppler',
    modality: { code: 'MED-1128', codingSystem: 'terminologie-cisis-fr', display: 'Échographie sans contraste' },
    region: { code: '61685007', display: 'membre inférieur' },
    sides: [RIGHT, LEFT],
    acts: {
      [RIGHT.code]: { code: '39443-7', display: 'échographie Doppler veine du membre inférieur - droit' },
      [LEFT.code]: { code: '39432-0', display: 'échographie Doppler veine du membre inférieur - gauche' },
    },
    justifications: ['Grosse jambe douloureuse après un voyage en avion de 11 h', 'Œdème unilatéral du mollet, signe de Homans'],
    purposes: ['Recherche de thrombose veineuse profonde'],
    protocol: ['Écho-Doppler veineux du membre inférieur', 'Compression étagée de la veine fémorale commune aux veines surales'],
    readings: {
      normal: {
        findings: 'Veines profondes compressibles, flux phasique à la respiration.',
        conclusion: 'Pas de thrombose veineuse profonde.',
      },
      abnormal: {
        findings: 'Thrombus non compressible de la veine poplitée s’étendant aux veines surales.',
        conclusion: 'Thrombose veineuse profonde poplitée.',
      },
    },
    patientClasses: EMERGENCY,
    devices: ['LOGIQ E10', 'Affiniti 70'],
    weight: 1,
  },
  {
    id: 'bone-scintigraphy',
    modality: { code: 'NM', codingSystem: 'DCM', display: 'Scintigraphie' },
    region: { code: '38266002', display: 'corps entier' },
    acts: { '*': { code: '39818-0', display: 'MN os du corps entier ; incidences avec radionucléide IV' } },
    justifications: [
      'Adénocarcinome prostatique, PSA en ascension à 22 ng/mL',
      'Douleurs osseuses diffuses chez une patiente traitée pour un cancer du sein',
    ],
    purposes: ['Bilan d’extension osseux'],
    protocol: [
      'Scintigraphie osseuse corps entier',
      'Injection de 99mTc-HMDP, acquisition tardive à 3 h',
      'Tomographie couplée au scanner sur les zones suspectes',
    ],
    readings: {
      normal: { findings: 'Répartition homogène du traceur sur l’ensemble du squelette.', conclusion: 'Pas de lésion osseuse secondaire.' },
      abnormal: {
        findings: 'Foyers d’hyperfixation intense de L3, de l’aile iliaque droite et de la 7e côte gauche.',
        conclusion: 'Localisations osseuses secondaires multiples.',
      },
    },
    patientClasses: [['O', 1]],
    radiopharmaceutical: { atc: V09, minMBq: 500, maxMBq: 740 },
    devices: ['Symbia Intevo', 'Discovery NM/CT 870'],
    weight: 1,
  },
  {
    id: 'pet-whole-body',
    modality: { code: 'PT', codingSystem: 'DCM', display: 'TEP : Tomographie par émission de positons' },
    region: { code: '38266002', display: 'corps entier' },
    acts: { '*': { code: '44139-4', display: 'TEP corps entier avec radionucléide IV' } },
    justifications: [
      'Nodule pulmonaire spiculé de 18 mm du lobe supérieur droit',
      'Lymphome diffus à grandes cellules B, évaluation après 2 cures',
    ],
    purposes: ['Bilan d’extension', 'Évaluation de la réponse thérapeutique'],
    protocol: [
      'TEP-TDM au 18F-FDG du vertex à mi-cuisses',
      'Injection de 3 MBq/kg, acquisition à 60 min',
      'Glycémie capillaire avant injection',
    ],
    readings: {
      normal: {
        findings: 'Fixation physiologique du traceur, sans foyer hypermétabolique suspect.',
        conclusion: 'Pas de lésion hypermétabolique suspecte.',
      },
      abnormal: {
        findings: 'Nodule hypermétabolique du lobe supérieur droit (SUVmax 8,2) et adénopathie médiastinale 4R hypermétabolique.',
        conclusion: 'Lésion pulmonaire maligne probable avec atteinte ganglionnaire médiastinale homolatérale.',
      },
    },
    patientClasses: [['O', 1]],
    radiopharmaceutical: { atc: V09, minMBq: 150, maxMBq: 350 },
    devices: ['Biograph Vision 600', 'Discovery MI'],
    weight: 1,
  },
  {
    id: 'mr-heart',
    modality: MR,
    region: { code: '80891009', display: 'cœur' },
    acts: { '*': { code: '24748-6', display: 'RM coeur' } },
    justifications: [
      'Douleur thoracique avec troponine élevée et coronaires saines',
      'Bilan d’une cardiomyopathie dilatée découverte à l’échographie',
    ],
    purposes: ['Recherche de myocardite', 'Caractérisation tissulaire myocardique'],
    protocol: [
      'IRM cardiaque',
      'Ciné SSFP petit axe et 4 cavités',
      'Rehaussement tardif après gadolinium à 10 min',
      'Cartographies T1 et T2',
    ],
    readings: {
      normal: {
        findings: 'Fonction ventriculaire gauche conservée (FEVG 62 %). Pas de rehaussement tardif.',
        conclusion: 'IRM cardiaque normale.',
      },
      abnormal: { findings: 'Rehaussement tardif sous-épicardique latéral avec œdème en T2.', conclusion: 'Aspect de myocardite aiguë.' },
    },
    patientClasses: [
      ['I', 2],
      ['O', 1],
    ],
    devices: MR_DEVICES,
    weight: 1,
  },
];

function codesBelong(e: ExamType): boolean {
  const vs = {
    modality: valueSet('modaliteDemandeActeImagerie'),
    region: valueSet('regionAnatomique'),
    side: valueSet('modificateurTopographique'),
    act: valueSet('codeDocumentImagerie'),
  };
  return (
    vs.modality.systemOf(e.modality.code) === e.modality.codingSystem &&
    vs.region.has(e.region.code) &&
    (e.sides ?? []).every((s) => vs.side.has(s.code)) &&
    Object.values(e.acts).every((a) => vs.act.has(a.code))
  );
}

/** The catalogue entries whose codes all belong to the pinned value sets. */
export const EXAM_TYPES: readonly ExamType[] = CATALOGUE.filter(codesBelong);

/** How many catalogue entries were left out because a code is not in the pinned value sets (0 expected). */
export const EXAM_TYPES_OUTSIDE_VALUE_SETS: readonly string[] = CATALOGUE.filter((e) => !codesBelong(e)).map((e) => e.id);

/** The anatomical region of an exam type, with the side drawn for this request. */
export function regionOf(exam: ExamType, side: CodedValue | undefined): AnatomicalRegion {
  return side ? { region: exam.region, qualifier: side } : { region: exam.region };
}

/** The LOINC act of an exam type for a side. */
export function actOf(exam: ExamType, side: CodedValue | undefined): CodedValue {
  const act = (side ? exam.acts[side.code] : undefined) ?? exam.acts['*'];
  if (!act) throw new Error(`exam type ${exam.id} has no act for side ${side?.code ?? '(none)'}`);
  return act;
}
