import { INS_LABEL, PDF_DATE_TIME, SEX_LABEL, personName } from '../cda/pdf/pdf-labels.js';
import type { Organisation } from '../../tlr/index.js';
import { structureIdNat } from '../cda/cda-elements.js';
import { documentTitle } from './header.js';
import type { ResolvedVersion } from './header.js';
import type { ImagingReportInput } from './input.js';
import type { ReportPdfContent } from '../cda/pdf/render-report-pdf.js';

const dateTimeFormat = PDF_DATE_TIME;

function organisationLine(o: Organisation): string {
  const a = o.address;
  const address = a ? [a.houseNumber, a.street, a.otherDesignation, a.postalCode, a.city].filter(Boolean).join(' ') : '';
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
  // The input checks have run: the patient has the INS and its traits, the sex is F, M or U.
  const ins = patient.ins!;
  const birthplaceCode = patient.birthplaceCode ?? '';
  const patientRows: [string, string][] = [
    ['Nom de naissance', patient.birthName],
    ['Prénoms de naissance', patient.birthGivenNames ?? ''],
  ];
  if (patient.usedName) patientRows.push(['Nom utilisé', patient.usedName]);
  if (patient.usedGivenName) patientRows.push(['Prénom utilisé', patient.usedGivenName]);
  patientRows.push(
    ['Sexe', SEX_LABEL[patient.sex === 'F' || patient.sex === 'M' ? patient.sex : 'U']],
    ['Date de naissance', birthDate(patient.birthDate ?? '')],
    ['Lieu de naissance', patient.birthplaceName ? `${patient.birthplaceName} (${birthplaceCode})` : birthplaceCode],
    [INS_LABEL[ins.authorityOid] ?? 'INS', ins.value],
  );
  for (const id of patient.identifiers ?? []) {
    patientRows.push(['Identifiant local', `${id.value} (${id.assigningAuthority?.universalId ?? ''})`]);
  }

  const examRows: [string, string][] = [['Acte', `${exam.actCode.display} (LOINC ${exam.actCode.code})`]];
  if (exam.ccamCode) examRows.push(['Acte CCAM', `${exam.ccamCode.code} - ${exam.ccamCode.display}`]);
  examRows.push(['Modalité', `${exam.modality.display} (${exam.modality.code})`]);
  if (exam.regions?.length) examRows.push(['Région anatomique', exam.regions.map((r) => r.display).join(', ')]);
  examRows.push(
    ["Date de l'examen", dateTimeFormat.format(exam.startedAt)],
    ['N° de demande', input.order.placerOrderNumber.value],
    ["N° d'examen (accession)", exam.accessionNumber.value],
    ['Study Instance UID', exam.studyInstanceUid],
  );

  const blocks: ReportPdfContent['blocks'] = [
    { heading: 'Patient', rows: patientRows },
    { heading: 'Examen', rows: examRows },
    {
      heading: "Structure d'imagerie",
      rows: [
        ['Établissement', organisationLine(facility)],
        ['Identifiant', structureIdNat(facility) ?? facility.identifier],
      ],
    },
    {
      heading: 'Radiologue',
      rows: [
        ['Radiologue', personName(radiologist)],
        ['Identifiant (RPPS)', radiologist.idNat],
        ...(radiologist.specialty ? ([['Spécialité', radiologist.specialty.display ?? '']] as [string, string][]) : []),
        ['Plateforme de téléradiologie', organisationLine(platform)],
        ['Compte rendu signé le', dateTimeFormat.format(input.document.signedAt ?? input.document.effectiveTime)],
      ],
    },
  ];
  if (viewerUrl) {
    const rows: [string, string][] = [['Visualiser les images', viewerUrl]];
    if (input.viewer?.imageRetentionDays !== undefined)
      rows.push(['Disponibilité des images', `${input.viewer.imageRetentionDays} jours à compter de l'examen`]);
    blocks.push({ heading: 'Accès aux images (DRIMbox)', rows });
  }

  const sections: ReportPdfContent['sections'] = [{ heading: 'Indication', text: content.clinicalContext }];
  if (content.medicalHistory || content.surgicalHistory) {
    sections.push({ heading: 'Antécédents', text: [content.medicalHistory, content.surgicalHistory].filter(Boolean).join('\n') });
  }
  if (content.contraIndications?.length)
    sections.push({ heading: 'Contre-indications', text: content.contraIndications.map((c) => c.display).join('\n') });
  sections.push({ heading: 'Technique', text: content.technique }, { heading: 'Résultats', text: content.findings });
  if (content.comparison) sections.push({ heading: 'Comparaison avec les examens antérieurs', text: content.comparison });
  sections.push({ heading: 'Conclusion', text: content.conclusion });

  const ext = version.documentId.extension ? ` / ${version.documentId.extension}` : '';
  return {
    title: documentTitle(input),
    author: personName(radiologist),
    subject: `Compte rendu d'imagerie - ${exam.actCode.display}`,
    createdAt: input.document.effectiveTime,
    blocks,
    sections,
    footer: `Document ${version.documentId.root}${ext} - version ${version.versionNumber}`,
  };
}
