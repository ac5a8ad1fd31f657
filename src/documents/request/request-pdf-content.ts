import { INS_LABEL, PDF_DATE_TIME, SEX_LABEL, personName } from '../cda/pdf/pdf-labels.js';
import { structureIdNat } from '../cda/cda-elements.js';
import type { ReportPdfContent } from '../cda/pdf/render-report-pdf.js';
import type { ResolvedVersion } from '../cda/versioning.js';
import { requestedAt, requestTitle } from './header.js';
import type { ImagingRequestInput } from './input.js';
import {
  contraIndicationsOf,
  historyLines,
  measurementLines,
  modalityConcept,
  pregnancyText,
  prescriberOf,
  requestedSites,
} from './request-concepts.js';

const dateTimeFormat = PDF_DATE_TIME;
const dateFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });

/**
 * What the level-1 PDF of the request shows, from the same data as the level-3 body: patient with INS
 * traits, the request and its acts, the prescriber and facility, then the clinical sections.
 */
export function requestPdfContent(input: ImagingRequestInput, version: ResolvedVersion): ReportPdfContent {
  const { order, facility, clinical } = input;
  const patient = order.patient;
  const ins = patient.ins!;
  const prescriber = prescriberOf(input);
  const d = (patient.birthDate ?? '').replace(/-/g, '');
  const modality = modalityConcept(input);
  const patientRows: [string, string][] = [
    ['Nom de naissance', patient.birthName],
    ['Prénoms de naissance', patient.birthGivenNames ?? ''],
    ['Sexe', SEX_LABEL[patient.sex === 'F' || patient.sex === 'M' ? patient.sex : 'U']],
    ['Date de naissance', `${d.slice(6, 8)}/${d.slice(4, 6)}/${d.slice(0, 4)}`],
    ['Lieu de naissance', patient.birthplaceCode ?? ''],
    [INS_LABEL[ins.authorityOid] ?? 'INS', ins.value],
  ];
  const requestRows: [string, string][] = [
    ['N° de demande', order.placerOrderNumber.value],
    ['Date de la demande', dateTimeFormat.format(requestedAt(input))],
    ['Modalité', `${modality.display} (${modality.code})`],
    ...requestedSites(input).map((s): [string, string] => [
      'Localisation',
      s.qualifier ? `${s.region.display} (${s.qualifier.display})` : `${s.region.display}`,
    ]),
    ['Urgence', clinical?.urgency ? `Oui : ${clinical.urgency.justification}` : 'Non'],
    ['Date limite souhaitée', clinical?.wishedBefore ? dateFormat.format(clinical.wishedBefore) : 'Non précisée'],
  ];
  if (order.callbackPhone) requestRows.push(['Retour par téléphone souhaité', order.callbackPhone]);
  if (clinical?.studiedFunction) requestRows.push(['Fonction étudiée', clinical.studiedFunction.display ?? clinical.studiedFunction.code]);
  if (clinical?.contrastInjection) requestRows.push(['Injection de produit de contraste', clinical.contrastInjection.display ?? '']);
  const blocks: ReportPdfContent['blocks'] = [
    { heading: 'Patient', rows: patientRows },
    { heading: 'Demande', rows: requestRows },
    {
      heading: 'Demandeur',
      rows: [
        ['Médecin demandeur', personName(prescriber)],
        ['Identifiant (RPPS)', prescriber.idNat],
        ["Structure d'imagerie", facility.name],
        ['Identifiant de la structure', structureIdNat(facility) ?? facility.identifier],
      ],
    },
  ];
  const history = historyLines(input);
  const contra = contraIndicationsOf(input);
  const sections: ReportPdfContent['sections'] = [
    { heading: "Justification de la demande d'examen", text: order.justification },
    { heading: "Finalité de l'examen", text: (order.purposeNotes ?? []).join('\n') },
    { heading: 'Antécédents médicaux', text: history.join('\n') },
    { heading: 'Antécédents chirurgicaux', text: clinical?.surgicalHistory ?? '' },
    { heading: 'Allergies', text: (clinical?.allergies ?? []).join('\n') || 'Aucune allergie signalée' },
    { heading: 'Grossesse', text: pregnancyText(input) },
    { heading: 'Contre-indications', text: contra.map((c) => c.display ?? c.code).join('\n') || 'Aucune contre-indication signalée' },
  ];
  if (clinical?.careInformation?.length)
    sections.push({
      heading: 'Informations pour la prise en charge',
      text: clinical.careInformation.map((c) => c.display ?? c.code).join('\n'),
    });
  const measures = measurementLines(input);
  if (measures.length > 0) sections.push({ heading: 'Mesures', text: measures.join('\n') });
  if (clinical?.previousResults) sections.push({ heading: "Résultats d'examens antérieurs", text: clinical.previousResults });
  const informed = clinical?.patientInformedOfRisks;
  sections.push({
    heading: 'Information du patient',
    text: `Informé des risques de l'examen : ${informed === true ? 'oui' : informed === false ? 'non' : 'non renseigné'}`,
  });
  const ext = version.documentId.extension ? ` / ${version.documentId.extension}` : '';
  return {
    title: requestTitle(input),
    author: personName(prescriber),
    subject: `Demande d'acte d'imagerie - ${modality.display}`,
    createdAt: input.document.effectiveTime,
    blocks,
    sections,
    footer: `Document ${version.documentId.root}${ext} - version ${version.versionNumber}`,
  };
}
