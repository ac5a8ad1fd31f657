import { readDocumentMessage } from '../../documents/transport/index.js';
import { tryParseMessage } from '../../hl7/index.js';
import type { Store } from '../../store/index.js';
import { GatewayError } from '../errors.js';

/**
 * The CDA a journaled document message (MDM^T02/T10/T04, ORU with a CDA) carries, read back from the journal:
 * the gateway keeps no second copy of a document. 404 when retention removed the message's content.
 */
export async function documentOfMessage(store: Store, messageId: number): Promise<Buffer> {
  const m = await store.getMessage(messageId);
  if (!m?.raw) throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', 'The document content was removed by retention', 404);
  const parsed = tryParseMessage(m.raw).message;
  const bytes = parsed ? readDocumentMessage(parsed).value?.document?.bytes : undefined;
  if (!bytes) throw new GatewayError('TLR_ERR_GATEWAY_NOT_FOUND', 'No document found in the message', 404);
  return bytes;
}
