import type { Message } from '../../hl7/index.js';
import { TlrBuildError, dateTimeFromDate } from '../../tlr/index.js';
import { createBusinessMessage } from '../../tlr/write/header.js';
import { DocumentTransportError } from './errors.js';
import type { DocumentMessageContext } from './types.js';
import { TRANS_CDA_PROFILE } from './vocabulary.js';

/**
 * A new message of the volet with its MSH, written by the Téléradiologie header writer with this
 * volet's version (2.6 for MDM and ZAM) and profile (`2.1^CISIS_CDA_HL7_V2`); `now` is MSH-7.
 */
export function createDocumentMessage(
  context: DocumentMessageContext,
  messageType: readonly [string, string, string],
  version: string,
  now: Date,
): Message {
  const { timestamp: _given, ...routing } = context;
  return createBusinessMessage({ ...routing, timestamp: dateTimeFromDate(now) }, messageType, {
    version,
    profile: [TRANS_CDA_PROFILE.entityIdentifier, TRANS_CDA_PROFILE.namespaceId],
  });
}

/**
 * Runs a builder that writes with the Téléradiologie segment writers: what they refuse (a missing
 * or malformed value) is raised as this volet's {@link DocumentTransportError}, with the same path.
 */
export function withTransportErrors<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (!(e instanceof TlrBuildError)) throw e;
    const code = e.code === 'TLR_ERR_BUILD_MISSING_VALUE' ? 'TLR_ERR_DOC_TRANSPORT_MISSING_VALUE' : 'TLR_ERR_DOC_TRANSPORT_INVALID_VALUE';
    throw new DocumentTransportError(code, e.path, e.message.slice(e.path.length + 2), { cause: e });
  }
}
