import type { Message } from '../../hl7/index.js';
import { edBytes, readED, readNM } from '../../hl7/index.js';
import type { AdministeredProduct, ImagingDevice, PerformedExam, PostExamInfo } from '../model/post-exam-info.js';
import type { PostExamMessage } from '../model/tlr-message.js';
import { OBSERVATION } from '../vocabulary.js';
import { compact, nonEmpty, nonEmptyObject } from './compact.js';
import { readContext } from './header.js';
import type { OrderGroup } from './message-groups.js';
import { groupSegments } from './message-groups.js';
import { byOccurrence, codedValue, observationsOf, quantity, readAnatomicalRegions, readModality, textValue } from './observations.js';
import { fieldOf, readDateTime, readOidIdentifier } from './order-fields.js';
import { readPatient, readVisit } from './patient.js';

/** Maps a parsed flow-4 message to the domain, without validating it. The placer number is the first ORDER group's. */
export function postExamInfoFromMessage(message: Message): PostExamMessage {
  const groups = groupSegments(message);
  const postExamInfo: PostExamInfo = {
    placerOrderNumber: readOidIdentifier(fieldOf(groups.orders[0]?.orc, 2)),
    patient: readPatient(groups.pid),
    visit: readVisit(groups.pv1),
    exams: groups.orders.map((g) => readExam(message, g)),
  };
  return { kind: 'postExamInfo', context: readContext(message), postExamInfo };
}

function readExam(message: Message, group: OrderGroup): PerformedExam {
  const obs = group.observations;
  const url = observationsOf(obs, OBSERVATION.viewerUrl.code)[0];
  const urlBytes = url ? edBytes(readED(url.obx.field(5))) : undefined;
  const act = observationsOf(obs, OBSERVATION.performedProcedure.code)[0];
  const regions = readAnatomicalRegions(obs, OBSERVATION.anatomicalRegion.code);
  const products: AdministeredProduct[] = byOccurrence(observationsOf(obs, OBSERVATION.administeredProduct.code)).map((items) => {
    const type = items.get(1);
    const lot = items.get(2);
    const amount = items.get(3);
    return compact({
      atc: type ? codedValue(type) : { code: '' },
      // Lot numbers stay text even when sent as NM: leading zeros are significant (flux4 I-1).
      lotNumber: lot ? textValue(message, lot) : '',
      quantity: amount ? quantity(amount) : undefined,
    });
  });
  const deviceItems = byOccurrence(observationsOf(obs, OBSERVATION.imagingDevice.code))[0];
  const device: ImagingDevice | undefined = deviceItems
    ? nonEmptyObject({
        identifier: nonEmpty(deviceItems.get(1) ? textValue(message, deviceItems.get(1)!) : ''),
        model: nonEmpty(deviceItems.get(2) ? textValue(message, deviceItems.get(2)!) : ''),
      })
    : undefined;
  const modality = readModality(message, obs, OBSERVATION.modality.code);
  const ipc = group.ipc;
  return compact({
    accessionNumber: readOidIdentifier(fieldOf(ipc, 1)),
    studyInstanceUid: ipc?.get('3.1') ?? '',
    procedure: act ? codedValue(act) : { code: ipc?.get('2.1') ?? '' },
    performedAt: readDateTime(group.tq1, 7),
    imageRetentionDays: readNM(group.tq1?.get('6.1') ?? '') ?? Number.NaN,
    viewerUrl: urlBytes ? urlBytes.toString('utf8') : '',
    modality,
    anatomicalRegions: regions.length > 0 ? regions : undefined,
    administeredProducts: products.length > 0 ? products : undefined,
    device,
  });
}
