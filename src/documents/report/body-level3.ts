import {
  DEFAULT_SOP_CLASS,
  ENTRY,
  HISTORY_CODE,
  MODALITY_QUALIFIER,
  OBJECT_CATALOG,
  OID,
  SECONDARY_CAPTURE_SOP_CLASS,
  SECTION,
  TOPOGRAPHIC_MODIFIER,
} from './cda-codes.js';
import { cd, cdaTime } from '../cda/cda-elements.js';
import { derivedOid, newUuid } from '../cda/identifiers.js';
import type { CodedValue } from '../../tlr/index.js';
import type { ImagingReportInput } from './input.js';
import { codedObservationEntry, freeTextValue, reference } from '../cda/coded-observation.js';
import { paragraphs, splitLines } from '../cda/narrative.js';
import { el } from '../cda/xml-tree.js';
import type { XmlChild, XmlElement } from '../cda/xml-tree.js';

/** The DICOM object catalogue's generic series and reference object of a study (ANS model: one of each). */
export interface CatalogObject {
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClass: CodedValue;
}

/**
 * The series and instance the catalogue refers to: the host's, or identifiers derived from the Study
 * Instance UID (stable across versions of the report) and the default storage SOP class of the modality.
 */
export function catalogObject(input: ImagingReportInput): CatalogObject {
  const { exam } = input;
  const sop = DEFAULT_SOP_CLASS[exam.modality.code] ?? SECONDARY_CAPTURE_SOP_CLASS;
  return {
    seriesInstanceUid: exam.catalog?.seriesInstanceUid ?? derivedOid(`${exam.studyInstanceUid}/series`),
    sopInstanceUid: exam.catalog?.sopInstanceUid ?? derivedOid(`${exam.studyInstanceUid}/instance`),
    sopClass: exam.catalog?.sopClass ?? { code: sop.uid, display: sop.name, codeSystem: OID.dicomUid, codeSystemName: 'DCMUID' },
  };
}

type SectionDef = { readonly templateIds: readonly string[]; readonly code: string; readonly displayName: string };

function loincSectionCode(def: SectionDef): XmlElement {
  return el('code', { code: def.code, displayName: def.displayName, codeSystem: OID.loinc, codeSystemName: 'LOINC' });
}

function section(def: SectionDef, title: string, text: XmlChild, attributes: Record<string, string> = {}, ...rest: XmlChild[]): XmlElement {
  return el(
    'component',
    {},
    el(
      'section',
      attributes,
      def.templateIds.map((root) => el('templateId', { root })),
      el('id', { root: newUuid() }),
      loincSectionCode(def),
      el('title', {}, title),
      el('text', {}, text),
      ...rest,
    ),
  );
}

/** FR-DICOM-informations-cliniques with its two mandatory sub-sections. */
function clinicalInformation(input: ImagingReportInput): XmlElement {
  const { content } = input;
  const contraIndications = content.contraIndications ?? [];
  const historyText = [
    el('paragraph', {}, 'Antécédents médicaux : ', el('content', { ID: 'antecedents-medicaux' }, textOrUnknown(content.medicalHistory))),
    el(
      'paragraph',
      {},
      'Antécédents chirurgicaux : ',
      el('content', { ID: 'antecedents-chirurgicaux' }, textOrUnknown(content.surgicalHistory)),
    ),
    contraIndications.length > 0
      ? el(
          'list',
          {},
          contraIndications.map((ci, i) =>
            el('item', {}, 'Contre-indication : ', el('content', { ID: `contre-indication-${i + 1}` }, ci.display)),
          ),
        )
      : el('paragraph', {}, el('content', { ID: 'contre-indication-aucune' }, 'Aucune contre-indication signalée')),
  ];
  // The CR-IMG schematron requires a 64100-1 observation even when there is none to report, and its
  // value set has no "none" code (spec digest §10 #9): "none reported" is then a text (ST) value, which
  // the value-set rule does not apply to. A coded contra-indication is a CD from JDV_Contre-indications.
  const contraIndicationEntries =
    contraIndications.length > 0
      ? contraIndications.map((ci, i) =>
          codedObservationEntry(
            HISTORY_CODE.contraIndications,
            `contre-indication-${i + 1}`,
            cd('value', ci, { 'xsi:type': 'CD' }, el('originalText', {}, reference(`contre-indication-${i + 1}`))),
          ),
        )
      : [
          codedObservationEntry(
            HISTORY_CODE.contraIndications,
            'contre-indication-aucune',
            el('value', { 'xsi:type': 'ST' }, 'Aucune contre-indication signalée'),
          ),
        ];
  return section(
    SECTION.clinicalInformation,
    'Informations cliniques',
    undefined,
    {},
    section(SECTION.request, 'Indication', paragraphs(content.clinicalContext), { classCode: 'DOCSECT', moodCode: 'EVN' }),
    section(
      SECTION.medicalHistory,
      'Antécédents et contre-indications',
      historyText,
      {},
      codedObservationEntry(HISTORY_CODE.medical, 'antecedents-medicaux', freeTextValue('antecedents-medicaux')),
      codedObservationEntry(HISTORY_CODE.surgical, 'antecedents-chirurgicaux', freeTextValue('antecedents-chirurgicaux')),
      contraIndicationEntries,
    ),
  );
}

function textOrUnknown(text: string | undefined): string {
  const lines = splitLines(text ?? '');
  return lines.length > 0 ? lines.join(' ') : 'Non renseigné';
}

/** FR-DICOM-Acte-imagerie: the technique (entry FR-DICOM-Technique-imagerie) and the DICOM object catalogue. */
function imagingProcedure(input: ImagingReportInput, viewerUrl: string | undefined): XmlElement {
  const { exam, content } = input;
  const location = exam.anatomicalLocation as CodedValue; // checked by the input checks for level 3
  const catalog = catalogObject(input);
  const text = [
    el(
      'table',
      { border: '0' },
      el(
        'thead',
        {},
        el('tr', {}, el('th', {}, "Acte d'imagerie"), el('th', {}, "Modalité d'imagerie"), el('th', {}, 'Localisation anatomique')),
      ),
      el(
        'tbody',
        {},
        el(
          'tr',
          {},
          el(
            'td',
            {},
            el('content', { ID: 'acte-1' }, `[LOINC : ${exam.actCode.code}] ${exam.actCode.display}`),
            exam.ccamCode && [el('br'), `[CCAM : ${exam.ccamCode.code}] ${exam.ccamCode.display}`],
          ),
          el('td', {}, el('content', { ID: 'acte-1-modalite' }, exam.modality.display)),
          el(
            'td',
            {},
            el('content', { ID: 'acte-1-localisation' }, location.display + (exam.laterality ? ` (${exam.laterality.display})` : '')),
          ),
        ),
      ),
    ),
    paragraphs(content.technique, 'acte-1-technique'),
  ];
  const technique = el(
    'entry',
    {},
    el(
      'procedure',
      { classCode: 'PROC', moodCode: 'EVN' },
      ENTRY.procedureTechnique.map((root) => el('templateId', { root })),
      el('id', { root: newUuid() }),
      cd('code', exam.actCode, {}, el('originalText', {}, reference('acte-1')), exam.ccamCode && cd('translation', exam.ccamCode)),
      el('text', {}, reference('acte-1-technique')),
      el('effectiveTime', { value: cdaTime(exam.startedAt) }),
      cd('methodCode', exam.modality, {}, el('originalText', {}, reference('acte-1-modalite'))),
      cd(
        'targetSiteCode',
        location,
        {},
        el('originalText', {}, reference('acte-1-localisation')),
        exam.laterality && el('qualifier', {}, cd('name', TOPOGRAPHIC_MODIFIER), cd('value', exam.laterality)),
      ),
    ),
  );
  const retention = input.viewer?.imageRetentionDays;
  const catalogText = [
    el(
      'table',
      { border: '0' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', {}, 'Examen (Study Instance UID)'),
          el('th', {}, "Modalité d'acquisition"),
          el('th', {}, 'Lien vers les images'),
        ),
      ),
      el(
        'tbody',
        {},
        el(
          'tr',
          {},
          el('td', {}, exam.studyInstanceUid),
          el('td', {}, el('content', { ID: 'catalogue-1-modalite' }, exam.modality.display)),
          el(
            'td',
            {},
            el(
              'content',
              { ID: 'catalogue-1-instance' },
              viewerUrl ? el('linkHtml', { href: viewerUrl }, 'Visualiser les images (DRIMbox)') : 'Lien vers les images non disponible',
            ),
          ),
        ),
      ),
    ),
    retention !== undefined && el('paragraph', {}, `Images consultables pendant ${retention} jours à compter de l'examen.`),
  ];
  const catalogSection = el(
    'component',
    {},
    el(
      'section',
      { classCode: 'DOCSECT', moodCode: 'EVN' },
      OBJECT_CATALOG.templateIds.map((root) => el('templateId', { root })),
      el('id', { root: newUuid() }),
      el('code', { code: OBJECT_CATALOG.code, displayName: OBJECT_CATALOG.displayName, codeSystem: OID.dicomDcm, codeSystemName: 'DCM' }),
      el('title', {}, OBJECT_CATALOG.displayName),
      el('text', {}, catalogText),
      el(
        'entry',
        {},
        el(
          'act',
          { classCode: 'ACT', moodCode: 'EVN' },
          ENTRY.studyAct.map((root) => el('templateId', { root })),
          el('id', { root: exam.studyInstanceUid }),
          el('code', { code: '113014', displayName: 'Examen', codeSystem: OID.dicomDcm, codeSystemName: 'DCM' }),
          el('effectiveTime', { value: cdaTime(exam.startedAt) }),
          el(
            'entryRelationship',
            { typeCode: 'COMP' },
            el(
              'act',
              { classCode: 'ACT', moodCode: 'EVN' },
              ENTRY.seriesAct.map((root) => el('templateId', { root })),
              el('id', { root: catalog.seriesInstanceUid }),
              el(
                'code',
                { code: '113015', displayName: 'Série', codeSystem: OID.dicomDcm, codeSystemName: 'DCM' },
                el(
                  'qualifier',
                  {},
                  cd('name', MODALITY_QUALIFIER),
                  cd('value', exam.modality, {}, el('originalText', {}, reference('catalogue-1-modalite'))),
                ),
              ),
              el(
                'entryRelationship',
                { typeCode: 'COMP' },
                el(
                  'observation',
                  { classCode: 'DGIMG', moodCode: 'EVN' },
                  ENTRY.sopInstance.map((root) => el('templateId', { root })),
                  el('id', { root: catalog.sopInstanceUid }),
                  cd('code', catalog.sopClass, {}, el('originalText', {}, reference('catalogue-1-instance'))),
                  // The completed DRIMbox viewer URL (drimbox.md §5): the machine-readable link to the images.
                  viewerUrl && el('text', { mediaType: 'application/dicom' }, el('reference', { value: viewerUrl })),
                ),
              ),
            ),
          ),
        ),
      ),
    ),
  );
  return section(SECTION.imagingProcedure, 'Technique', text, {}, technique, catalogSection);
}

/**
 * The structured body of a level-3 IMG-CR-IMG 2024.01 report: informations cliniques (indication,
 * history), acte d'imagerie (technique + DICOM object catalogue with the viewer URL), résultats,
 * optional examen comparatif, conclusion.
 */
export function buildStructuredBody(input: ImagingReportInput, viewerUrl: string | undefined): XmlElement {
  const { content } = input;
  return el(
    'component',
    {},
    el(
      'structuredBody',
      {},
      clinicalInformation(input),
      imagingProcedure(input, viewerUrl),
      section(SECTION.results, 'Résultats', paragraphs(content.findings)),
      content.comparison !== undefined &&
        splitLines(content.comparison).length > 0 &&
        section(SECTION.comparison, 'Comparaison avec les examens antérieurs', paragraphs(content.comparison)),
      section(SECTION.conclusion, 'Conclusion', paragraphs(content.conclusion)),
    ),
  );
}
