import { HISTORY_CODE, SECTION } from '../report/cda-codes.js';
import { OID } from '../cda/cda-oids.js';
import { cd, cdaTime } from '../cda/cda-elements.js';
import { newUuid } from '../cda/identifiers.js';
import { codedObservationEntry, freeTextValue, reference } from '../cda/coded-observation.js';
import { paragraphs, splitLines } from '../cda/narrative.js';
import { el } from '../cda/xml-tree.js';
import type { XmlChild, XmlElement } from '../cda/xml-tree.js';
import type { CodedValue } from '../../tlr/index.js';
import type { ImagingRequestInput } from './input.js';
import { contraIndicationsOf, historyLines, measurementLines, modalityConcept, pregnancyText, requestedSites } from './request-concepts.js';
import { REQUEST_CODE, REQUEST_ENTRY, REQUEST_SECTION } from './request-codes.js';

type SectionCode = { readonly code: string; readonly displayName: string };

function section(
  templateIds: readonly string[],
  code: SectionCode,
  title: string,
  text: XmlChild,
  attributes: Record<string, string> = {},
  ...rest: XmlChild[]
): XmlElement {
  return el(
    'component',
    {},
    el(
      'section',
      attributes,
      templateIds.map((root) => el('templateId', { root })),
      el('id', { root: newUuid() }),
      el('code', { code: code.code, displayName: code.displayName, codeSystem: OID.loinc, codeSystemName: 'LOINC' }),
      el('title', {}, title),
      el('text', {}, text),
      ...rest,
    ),
  );
}

const ref = reference;

function table(headings: string[], rows: XmlChild[][]): XmlElement {
  return el(
    'table',
    { border: '0' },
    headings.length > 0 &&
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          headings.map((h) => el('th', {}, h)),
        ),
      ),
    el(
      'tbody',
      {},
      rows.map((r) =>
        el(
          'tr',
          {},
          r.map((c) => el('td', {}, c)),
        ),
      ),
    ),
  );
}

function oneLine(text: string | undefined): string {
  const lines = splitLines(text ?? '');
  return lines.length > 0 ? lines.join(' ') : 'Non renseigné';
}

/** FR-DICOM-informations-cliniques: the request's justification and purpose, and the history. */
function clinicalInformation(input: ImagingRequestInput): XmlElement {
  const { order, clinical } = input;
  const purpose = (order.purposeNotes ?? []).filter((n) => n.trim().length > 0);
  const requestText = [
    table(['Justification de la demande d’examen'], [[el('content', { ID: 'justification' }, oneLine(order.justification))]]),
    el('br'),
    table(["Finalité de l'examen"], purpose.length > 0 ? purpose.map((p) => [p]) : [['Non renseigné']]),
  ];
  const contraIndications = contraIndicationsOf(input);
  const care = clinical?.careInformation ?? [];
  const allergies = (clinical?.allergies ?? []).filter((a) => a.trim().length > 0);
  const medical = historyLines(input);
  const historyText = [
    table(
      ['Antécédents médicaux'],
      [[el('content', { ID: 'antecedents-medicaux' }, medical.length > 0 ? medical.join(' ; ') : 'Non renseigné')]],
    ),
    el('br'),
    table(['Antécédents chirurgicaux'], [[el('content', { ID: 'antecedents-chirurgicaux' }, oneLine(clinical?.surgicalHistory))]]),
    el('br'),
    table(['Allergies'], [[allergies.length > 0 ? allergies.join(' ; ') : 'Aucune allergie signalée']]),
    el('br'),
    table(['Grossesse'], [[pregnancyText(input)]]),
    el('br'),
    table(
      ['Contre-indication'],
      contraIndications.length > 0
        ? contraIndications.map((c, i) => [el('content', { ID: `contre-indication-${i + 1}` }, c.display ?? c.code)])
        : [['Aucune contre-indication signalée']],
    ),
    care.length > 0 && [
      el('br'),
      table(
        ['Informations pour la prise en charge'],
        care.map((c, i) => [el('content', { ID: `info-pec-${i + 1}` }, c.display ?? c.code)]),
      ),
    ],
  ];
  const freeText = freeTextValue;
  return section(
    SECTION.clinicalInformation.templateIds,
    SECTION.clinicalInformation,
    'Informations cliniques',
    undefined,
    {},
    section(SECTION.request.templateIds, SECTION.request, "Justification de la demande d'examen / Finalité de l'examen", requestText, {
      classCode: 'DOCSECT',
      moodCode: 'EVN',
    }),
    section(
      SECTION.medicalHistory.templateIds,
      SECTION.medicalHistory,
      'Antécédents, allergies, contre-indications et informations pour la prise en charge',
      historyText,
      {},
      codedObservationEntry(HISTORY_CODE.medical, 'antecedents-medicaux', freeText('antecedents-medicaux')),
      codedObservationEntry(HISTORY_CODE.surgical, 'antecedents-chirurgicaux', freeText('antecedents-chirurgicaux')),
      contraIndications.map((c, i) =>
        codedObservationEntry(
          HISTORY_CODE.contraIndications,
          `contre-indication-${i + 1}`,
          cd('value', c, { 'xsi:type': 'CD' }, el('originalText', {}, ref(`contre-indication-${i + 1}`))),
        ),
      ),
      care.map((c, i) =>
        codedObservationEntry(
          REQUEST_CODE.careInformation,
          `info-pec-${i + 1}`,
          cd('value', c, { 'xsi:type': 'CD' }, el('originalText', {}, ref(`info-pec-${i + 1}`))),
        ),
      ),
    ),
  );
}

function simpleObservation(templateIds: readonly string[], code: CodedValue, textId: string, value: XmlChild): XmlElement {
  return el(
    'observation',
    { classCode: 'OBS', moodCode: 'EVN' },
    templateIds.map((root) => el('templateId', { root })),
    el('id', { root: newUuid() }),
    cd('code', code),
    el('text', {}, ref(textId)),
    el('statusCode', { code: 'completed' }),
    el('effectiveTime', { nullFlavor: 'NA' }),
    value,
  );
}

/** FR-Education-du-patient: whether the patient was informed of the risks (`MED-1130`). */
function patientEducation(input: ImagingRequestInput): XmlElement {
  const informed = input.clinical?.patientInformedOfRisks;
  const answer = informed === true ? 'Oui' : informed === false ? 'Non' : 'Non renseigné';
  return section(
    REQUEST_SECTION.educationTemplateIds,
    REQUEST_SECTION.education,
    'Information du patient',
    table([], [[el('content', { ID: 'risque-examen' }, REQUEST_CODE.patientInformed.display), answer]]),
    {},
    el(
      'entry',
      {},
      simpleObservation(
        REQUEST_ENTRY.simpleObservation,
        REQUEST_CODE.patientInformed,
        'risque-examen',
        informed === undefined
          ? el('value', { 'xsi:type': 'BL', nullFlavor: 'UNK' })
          : el('value', { 'xsi:type': 'BL', value: String(informed) }),
      ),
    ),
  );
}

/** FR-Plan-de-soins-IMG-DA: one FR-Demande-d-examen-ou-de-suivi-IMG-DA per requested site. */
function carePlan(input: ImagingRequestInput): XmlElement {
  const { order, clinical } = input;
  const modality = modalityConcept(input);
  const sites = requestedSites(input);
  const notes = (order.requestedModality.notes ?? []).filter((n) => n.trim().length > 0);
  const urgent = clinical?.urgency;
  const isPet = modality.code === 'PT';
  const needsFunction = modality.code === 'PT' || modality.code === 'NM';
  const rows = sites.map((s, i) => [
    el('content', { ID: `modalite-examen-${i + 1}` }, modality.display),
    el('content', { ID: `commentaire-modalite-${i + 1}` }, notes.length > 0 ? notes.join(' ; ') : 'Aucun'),
    el('content', { ID: `localisation-anatomique-${i + 1}` }, s.region.display),
    s.qualifier?.display ?? '',
  ]);
  const text = [
    table(["Modalité de l'examen", 'Commentaire', 'Localisation anatomique', 'Précision topographique'], rows),
    el(
      'paragraph',
      {},
      'Date limite souhaitée : ',
      clinical?.wishedBefore
        ? cdaTime(clinical.wishedBefore)
            .slice(0, 8)
            .replace(/^(\d{4})(\d{2})(\d{2})$/, '$3/$2/$1')
        : 'non précisée',
    ),
    urgent
      ? el('paragraph', {}, 'Urgence : ', el('content', { ID: 'justification-urgence' }, oneLine(urgent.justification)))
      : el('paragraph', {}, 'Urgence : non'),
    order.callbackPhone &&
      el('paragraph', {}, el('content', { ID: 'retour-tel-souhaite' }, `Retour par téléphone souhaité : ${order.callbackPhone}`)),
    needsFunction &&
      clinical?.studiedFunction &&
      el('paragraph', {}, 'Fonction étudiée : ', el('content', { ID: 'fonction-etudiee' }, clinical.studiedFunction.display ?? '')),
    isPet &&
      clinical?.contrastInjection &&
      el(
        'paragraph',
        {},
        'Injection de produit de contraste : ',
        el('content', { ID: 'injection-pdc' }, clinical.contrastInjection.display ?? ''),
      ),
  ];
  const entries = sites.map((s, i) =>
    el(
      'entry',
      {},
      el(
        'observation',
        { classCode: 'OBS', moodCode: 'INT' },
        REQUEST_ENTRY.requestedAct.map((root) => el('templateId', { root })),
        el('id', { root: newUuid() }),
        cd(
          'code',
          modality,
          {},
          el('originalText', { mediaType: 'text/xml' }, ref(`modalite-examen-${i + 1}`)),
          isPet &&
            clinical?.contrastInjection &&
            el('qualifier', {}, cd('value', clinical.contrastInjection, {}, el('originalText', {}, ref('injection-pdc')))),
        ),
        el('text', {}, ref(`modalite-examen-${i + 1}`)),
        el('statusCode', { code: 'active' }),
        clinical?.wishedBefore
          ? el('effectiveTime', { value: cdaTime(clinical.wishedBefore).slice(0, 8) })
          : el('effectiveTime', { nullFlavor: 'UNK' }),
        urgent && cd('priorityCode', REQUEST_CODE.urgent, {}, el('originalText', {}, ref('justification-urgence'))),
        cd(
          'targetSiteCode',
          s.region,
          { 'xsi:type': 'CD' },
          el('originalText', { mediaType: 'text/xml' }, ref(`localisation-anatomique-${i + 1}`)),
          s.qualifier &&
            el(
              'qualifier',
              {},
              el('name', {
                code: '106233006',
                displayName: 'modificateur topographique',
                codeSystem: OID.snomedCt,
                codeSystemName: 'SNOMED CT',
              }),
              cd('value', s.qualifier),
            ),
        ),
        notes.length > 0 &&
          el(
            'entryRelationship',
            { typeCode: 'SUBJ', inversionInd: 'true' },
            el(
              'act',
              { classCode: 'ACT', moodCode: 'EVN' },
              REQUEST_ENTRY.comment.map((root) => el('templateId', { root })),
              cd('code', REQUEST_CODE.comment),
              el('text', {}, ref(`commentaire-modalite-${i + 1}`)),
              el('statusCode', { code: 'completed' }),
            ),
          ),
        order.callbackPhone &&
          el(
            'entryRelationship',
            { typeCode: 'COMP', inversionInd: 'false' },
            simpleObservation(
              REQUEST_ENTRY.simpleObservation,
              REQUEST_CODE.callBack,
              'retour-tel-souhaite',
              el('value', { 'xsi:type': 'BL', value: 'true' }),
            ),
          ),
        needsFunction &&
          clinical?.studiedFunction &&
          el(
            'entryRelationship',
            { typeCode: 'COMP', inversionInd: 'false' },
            simpleObservation(
              REQUEST_ENTRY.studiedFunction,
              REQUEST_CODE.studiedFunction,
              'fonction-etudiee',
              cd('value', clinical.studiedFunction, { 'xsi:type': 'CD' }, el('originalText', {}, ref('fonction-etudiee'))),
            ),
          ),
      ),
    ),
  );
  return section(REQUEST_SECTION.carePlanTemplateIds, REQUEST_SECTION.carePlan, "Acte(s) d'imagerie demandé(s)", text, {}, entries);
}

/** FR-Resultats-examens-non-code: measurements of the order and results of previous exams, when there are any. */
function results(input: ImagingRequestInput): XmlElement | undefined {
  const lines = measurementLines(input);
  const previous = splitLines(input.clinical?.previousResults ?? '');
  if (lines.length === 0 && previous.length === 0) return undefined;
  return section(REQUEST_SECTION.resultsTemplateIds, REQUEST_SECTION.results, "Résultats d'examens", [
    lines.length > 0 &&
      el(
        'list',
        {},
        lines.map((l) => el('item', {}, l)),
      ),
    previous.length > 0 && paragraphs(previous.join('\n')),
  ]);
}

/**
 * The structured body of a level-3 IMG-DA-IMG 2024.01 request: informations cliniques (justification and
 * purpose, history with contra-indications), information of the patient, the requested acts (care plan),
 * and the measurements and previous results when there are any.
 */
export function buildRequestBody(input: ImagingRequestInput): XmlElement {
  return el(
    'component',
    {},
    el('structuredBody', {}, clinicalInformation(input), patientEducation(input), carePlan(input), results(input)),
  );
}
