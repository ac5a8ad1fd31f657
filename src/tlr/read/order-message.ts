import type { Message } from '../../hl7/index.js';
import type { HistoryRelevance, ImagingOrder, MedicalHistoryEntry, ModalityCodingSystem } from '../model/imaging-order.js';
import type { OrderMessage } from '../model/tlr-message.js';
import { OBSERVATION } from '../vocabulary.js';
import { compact, nonEmpty } from './compact.js';
import { readContext } from './header.js';
import { groupSegments } from './message-groups.js';
import { observationsOf, quantity, readAnatomicalRegions, readModality, textValue, noteTexts } from './observations.js';
import { fieldOf, readDateTime, readFacilityParties, readOidIdentifier } from './order-fields.js';
import { readPatient, readVisit } from './patient.js';
import { fieldText } from './text.js';

/** Maps a parsed flow-1 message to the domain, without validating it (first ORDER group). */
export function orderFromMessage(message: Message): OrderMessage {
  const groups = groupSegments(message);
  const group = groups.orders[0];
  const orc = group?.orc;
  const obr = group?.obr;
  const obs = group?.observations ?? [];
  const history: MedicalHistoryEntry[] = observationsOf(obs, OBSERVATION.medicalHistory.code).map((g) =>
    compact({
      text: textValue(message, g),
      relevance: nonEmpty(g.obx.get(8)) as HistoryRelevance | undefined,
    }),
  );
  const height = observationsOf(obs, OBSERVATION.bodyHeight.code)[0];
  const weight = observationsOf(obs, OBSERVATION.bodyWeight.code)[0];
  const pregnancy = observationsOf(obs, OBSERVATION.pregnancyStatus.code)[0]?.obx.get('5.1');
  const purposeNotes = group ? noteTexts(message, group.orderNotes) : [];
  const order: ImagingOrder = compact({
    placerOrderNumber: readOidIdentifier(fieldOf(orc, 2)),
    patient: readPatient(groups.pid),
    visit: readVisit(groups.pv1),
    requestedAt: readDateTime(orc, 9),
    ...readFacilityParties(orc),
    justification: obr ? fieldText(message, obr, 13) : '',
    purposeNotes: purposeNotes.length > 0 ? purposeNotes : undefined,
    requestedModality: readModality(message, obs, OBSERVATION.modality.code) ?? { code: '', codingSystem: '' as ModalityCodingSystem },
    anatomicalRegions: readAnatomicalRegions(obs, OBSERVATION.anatomicalRegion.code),
    medicalHistory: history.length > 0 ? history : undefined,
    height: height ? quantity(height) : undefined,
    weight: weight ? quantity(weight) : undefined,
    pregnant: pregnancy === 'Y' ? true : pregnancy === 'N' ? false : undefined,
  });
  return { kind: 'order', context: readContext(message), order };
}
