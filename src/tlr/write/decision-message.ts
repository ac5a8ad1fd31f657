import type { Message } from '../../hl7/index.js';
import type { Decision, Protocol } from '../model/decision.js';
import type { MessageContextInput } from '../model/message-context.js';
import { TlrBuildError } from '../errors.js';
import { MESSAGE_TYPES, OBR_PROCEDURE, OBSERVATION, ORDER_CONTROL, ORGANISATION_TYPE } from '../vocabulary.js';
import { finishMessage } from './finish.js';
import { createBusinessMessage } from './header.js';
import { requireNonEmpty, requireText } from './input-checks.js';
import { ObservationWriter, repeatedSubId } from './observations.js';
import {
  addObr,
  addOrc,
  organisationComponents,
  professionalComponents,
  reasonComponents,
  setEnteringOrganisationType,
} from './order-segments.js';
import { writePatient, writeVisit } from './patient-segments.js';
import { sniffBase64MediaType } from '../protocol-content.js';

/**
 * Builds flow 3, the response to an imaging request (ORU^R01^ORU_R01), per `flux3-reponse.md`:
 * `MSH, PID, [PV1], ORC, OBR`, then for an acceptance (ORC-1 `OK`) one `PROTOCOLE_IMAGERIE` OBX
 * per protocol (FT text or ED `^TEXT^^Base64^…`, OBX-11 `F`); for a refusal (ORC-1 `OC`) no OBX
 * and the optional reason in ORC-16.
 */
export function buildDecisionMessage(decision: Decision, context: MessageContextInput): Message {
  const d = decision;
  const message = createBusinessMessage(context, MESSAGE_TYPES.decision);
  writePatient(message, d.patient, 'decision.patient');
  if (d.visit) writeVisit(message, d.visit, 'decision.visit');

  const accepted = d.outcome.accepted;
  const orc = addOrc(message, accepted ? ORDER_CONTROL.accepted : ORDER_CONTROL.refused, d.placerOrderNumber, 'decision.placerOrderNumber');
  const radiologist = professionalComponents(d.remoteRadiologist, 'decision.remoteRadiologist');
  orc.setComponents(12, radiologist);
  if (!d.outcome.accepted && d.outcome.reason) orc.setComponents(16, reasonComponents(d.outcome.reason, 'decision.outcome.reason'));
  setEnteringOrganisationType(orc, ORGANISATION_TYPE.platform);
  orc.setComponents(21, organisationComponents(d.platform, 'decision.platform'));

  const obr = addObr(message, d.placerOrderNumber, 'decision.placerOrderNumber', OBR_PROCEDURE.decision);
  obr.setComponents(16, radiologist);

  if (d.outcome.accepted) {
    const protocols = requireNonEmpty(d.outcome.protocols, 'decision.outcome.protocols');
    const obx = new ObservationWriter(message, 'F');
    protocols.forEach((p, i) => {
      const subId = repeatedSubId(i, protocols.length);
      obx.add({
        ...protocolValue(p, `decision.outcome.protocols[${i}]`),
        identifier: OBSERVATION.protocol,
        codingSystem: OBSERVATION.localCodingSystem,
        ...(subId ? { subId } : {}),
      });
    });
  }
  return finishMessage(message);
}

function protocolValue(p: Protocol, path: string): { valueType: 'FT' | 'ED'; value: string[] } {
  if (p.kind === 'text') return { valueType: 'FT', value: [requireText(p.text, `${path}.text`)] };
  if (p.kind !== 'document') {
    throw new TlrBuildError('TLR_ERR_BUILD_INVALID_VALUE', `${path}.kind`, 'must be "text" or "document"');
  }
  const base64 = requireText(p.base64, `${path}.base64`);
  const found = sniffBase64MediaType(base64);
  if (found === undefined)
    throw new TlrBuildError('TLR_ERR_BUILD_INVALID_VALUE', `${path}.base64`, 'is not canonical base64 (RFC 4648, padded, no line breaks)');
  if (found !== p.mediaType) {
    throw new TlrBuildError(
      'TLR_ERR_BUILD_INVALID_VALUE',
      `${path}.mediaType`,
      `declared ${p.mediaType} but the content is ${found}; the receiver can only tell the type from the content`,
    );
  }
  return { valueType: 'ED', value: ['', 'TEXT', '', 'Base64', base64] };
}
