import type { Message } from '../../hl7/index.js';
import { readED } from '../../hl7/index.js';
import { sniffBase64MediaType } from '../protocol-content.js';
import type { Decision, DecisionOutcome, Protocol } from '../model/decision.js';
import type { DecisionMessage } from '../model/tlr-message.js';
import { OBSERVATION, ORDER_CONTROL } from '../vocabulary.js';
import { compact } from './compact.js';
import { readContext } from './header.js';
import type { ObservationGroup } from './message-groups.js';
import { groupSegments } from './message-groups.js';
import { observationsOf, textValue } from './observations.js';
import { fieldOf, readOidIdentifier, readOrganisation, readProfessional, readReason } from './order-fields.js';
import { readPatient, readVisit } from './patient.js';

/** Maps a parsed flow-3 message to the domain, without validating it (first ORDER_OBSERVATION group). */
export function decisionFromMessage(message: Message): DecisionMessage {
  const groups = groupSegments(message);
  const group = groups.orders[0];
  const orc = group?.orc;
  const outcome: DecisionOutcome =
    orc?.get(1) === ORDER_CONTROL.refused
      ? compact({ accepted: false as const, reason: readReason(fieldOf(orc, 16)) })
      : {
          accepted: true,
          protocols: observationsOf(group?.observations ?? [], OBSERVATION.protocol.code).map((g) => readProtocol(message, g)),
        };
  const decision: Decision = compact({
    placerOrderNumber: readOidIdentifier(fieldOf(orc, 2)),
    patient: readPatient(groups.pid),
    visit: groups.pv1 ? readVisit(groups.pv1) : undefined,
    remoteRadiologist: readProfessional(fieldOf(orc, 12)),
    platform: readOrganisation(fieldOf(orc, 21)),
    outcome,
  });
  return { kind: 'decision', context: readContext(message), decision };
}

/** A protocol OBX: FT text, or an ED document whose type is recognised from its content (flux3 I-4). */
function readProtocol(message: Message, g: ObservationGroup): Protocol {
  if (g.obx.get(2) === 'ED') {
    const ed = readED(g.obx.field(5));
    return { kind: 'document', mediaType: sniffBase64MediaType(ed.data) ?? 'application/octet-stream', base64: ed.data };
  }
  return { kind: 'text', text: textValue(message, g) };
}
