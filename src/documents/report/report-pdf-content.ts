import { documentTitle } from './header.js';
import type { ResolvedVersion } from './header.js';
import { INS_OIDS } from './input.js';
import type { ImagingReportInput, ReportHealthProfessional, ReportOrganisation } from './input.js';
import type { ReportPdfContent } from './pdf/render-report-pdf.js';

const dateTimeFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });

const INS_LABEL: Readonly<Record<string, string>> = {
  [INS_OIDS.NIR]: 'INS-NIR',
  [INS_OIDS.NIA]: 'INS-NIA',
  [INS_OIDS.NIR_TEST]: 'INS-NIR (test)',
  [INS_OIDS.NIA_TEST]: 'INS-NIA (test)',
};

const SEX_LABEL = { F: 'Féminin', M: 'Masculin', U: 'Inconnu' } as const;

function personName(p: ReportHealthProfessional): string {
  return [p.title === 'DR' ? 'Dr' : p.title === 'PR' ? 'Pr' : undefined, p.givenName, p.familyName].filter(Boolean).join(' ');
}

function organisationLine(o: ReportOrganisation): string {
  const a = o.address;
  const address = a ? [a.houseNumber, a.streetName, a.additionalLocator, a.postalCode, a.city].filter(Boolean).join(' ') : '';
  return address ? `${o.name}, ${address}` : o.name;
}

function birthDate(date: string): string {
  const d = date.replace(/-/g, '');
  return `${d.slice(6, 8)}/${d.slice(4, 6)}/${d.slice(0, 4)}`;
}

/**
 * What the level-1 PDF shows, from the same input as the CDA: the identity blocks a reader needs to
 * trust the report (patient with INS traits, exam and its identifiers, facility, radiologist, image
 * access), then the radiologist's sections.
 */
export function reportPdfContent(input: ImagingReportInput, version: ResolvedVersion, viewerUrl: string | undefined): ReportPdfContent {
  const { patient, exam, facility, radiologist, platform, content } = input;
  const patientRows: [string, string][] = [
    ['Nom de naissance', patient.birthFamilyName],
    ['Prénoms de naissance', patient.birthGivenNames],
  ];
  if (patient.usedFamilyName) patientRows.push(['Nom utilisé', patient.usedFamilyName]);
  if (patient.usedGivenName) patientRows.push(['Prénom utilisé', patient.usedGivenName]);
  patientRows.push(
    ['Sexe', SEX_LABEL[patient.sex]],
    ['Date de naissance', birthDate(patient.birthDate)],
    ['Lieu de naissance', patient.birthPlaceName ? `${patient.birthPlaceName} (${patient.birthPlaceCode})` : patient.birthPlaceCode],
    [INS_LABEL[patient.ins.oid] ?? 'INS', patient.ins.value],
  );
  for (const id of patient.localIds ?? []) patientRows.push(['Identifiant local', `${id.extension ?? ''} (${id.root})`]);

  const examRows: [string, string][] = [
    ['Acte', `${exam.actCode.displayName} (LOINC ${exam.actCode.code})`],
  ];
  if (exam.ccamCode) examRows.push(['Acte CCAM', `${exam.ccamCode.code} - ${exam.ccamCode.displayName}`]);
  examRows.push(['Modalité', `${exam.modality.displayName} (${exam.modality.code})`]);
  if (exam.regions?.length) examRows.push(['Région anatomique', exam.regions.map((r) => r.displayName).join(', ')]);
  examRows.push(
    ["Date de l'examen", dateTimeFormat.format(exam.startedAt)],
    ['N° de demande', input.order.placerOrderNumber.value],
    ["N° d'examen (accession)", exam.accessionNumber.value],
    ['Study Instance UID', exam.studyInstanceUid],
  );

  const blocks: ReportPdfContent['blocks'] = [
    { heading: 'Patient', rows: patientRows },
    { heading: 'Examen', rows: examRows },
    { heading: "Structure d'imagerie", rows: [['Établissement', organisationLine(facility)], ['Identifiant', facility.idNat]] },
    {
      heading: 'Radiologue',
      rows: [
        ['Radiologue', personName(radiologist)],
        ['Identifiant (RPPS)', radiologist.idNat],
        ...(radiologist.specialty ? ([['Spécialité', radiologist.specialty.displayName]] as [string, string][]) : []),
        ['Plateforme de téléradiologie', organisationLine(platform)],
        ['Compte rendu signé le', dateTimeFormat.format(input.document.signedAt ?? input.document.effectiveTime)],
      ],
    },
  ];
  if (viewerUrl) {
    const rows: [string, string][] = [['Visualiser les images', viewerUrl]];
    if (input.viewer?.imageRetentionDays !== undefined) rows.push(['Disponibilité des images', `${input.viewer.imageRetentionDays} jours à compter de l'examen`]);
    blocks.push({ heading: 'Accès aux images (DRIMbox)', rows });
  }

  const sections: ReportPdfContent['sections'] = [{ heading: 'Indication', text: content.clinicalContext }];
  if (content.medicalHistory || content.surgicalHistory) {
    sections.push({ heading: 'Antécédents', text: [content.medicalHistory, content.surgicalHistory].filter(Boolean).join('\n') });
  }
  if (content.contraIndications?.length) sections.push({ heading: 'Contre-indications', text: content.contraIndications.map((c) => c.displayName).join('\n') });
  sections.push({ heading: 'Technique', text: content.technique }, { heading: 'Résultats', text: content.findings });
  if (content.comparison) sections.push({ heading: 'Comparaison avec les examens antérieurs', text: content.comparison });
  sections.push({ heading: 'Conclusion', text: content.conclusion });

  return {
    title: documentTitle(input),
    author: personName(radiologist),
    subject: `Compte rendu d'imagerie - ${exam.actCode.displayName}`,
    createdAt: input.document.effectiveTime,
    blocks,
    sections,
    footer: `Document ${version.documentId.root}${version.documentId.extension ? ` / ${version.documentId.extension}` : ''} - version ${version.versionNumber}`,
  };
}
