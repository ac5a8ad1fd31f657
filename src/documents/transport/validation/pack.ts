import type { Message } from '../../../hl7/index.js';
import type { RulePack } from '../../../profiles/index.js';
import { registerRulePack } from '../../../profiles/index.js';
import { DOCUMENT_ACK_PACK } from './document-ack.js';
import type { DocumentProfile } from './profile.js';
import { DOCUMENT_PROFILES, profileOf } from './profile.js';
import { DOCUMENT_TRANSPORT_RULES } from './rules.js';
import { validateDocumentMessage } from './validate-document-message.js';

/**
 * The rule packs of the volet "Transmission de documents CDA en HL7 v2" (trans-cda-r2), the validator's
 * second pack after the Téléradiologie flows.
 *
 * Why the pack lives here and registers itself: the validator's engine, rule type, table interpreter,
 * structure matcher and registry are in `profiles`, which sits below `documents` in the layer order and
 * must not import it. This pack's rules read what only this layer knows (the CDA header, the document
 * ids, the MSSanté vocabulary), so they are declared here on the engine's types, and this module hands
 * the pack to the engine's registry when it loads (`registerRulePack`); `documents/transport/index.ts`
 * loads it. Imports point one way: documents → profiles.
 */

/**
 * The messages this pack is chosen for by `selectRulePack`: MDM^T02/T10/T04, and an ORU^R01 that is
 * not flow 3 (its ORC-1 are not all OK/OC) but carries a TXA or an encapsulated document (an OBX-2 ED),
 * read as the gateway has always routed them; and the ZAM^Z01/Z02/Z03 business receipts. The gateway reads
 * receipts on their own listener with `readBusinessReceipt` (which validates them with this pack); selecting
 * them here lets `validate` and library users check a receipt file with the right rules instead of the flows'.
 */
function selectDocumentMessage(message: Message): DocumentProfile | null {
  const h = message.header;
  if (h.messageCode === 'MDM' && ['T02', 'T10', 'T04'].includes(h.triggerEvent)) return profileOf(h.messageCode, h.triggerEvent);
  if (h.messageCode === 'ZAM' && ['Z01', 'Z02', 'Z03'].includes(h.triggerEvent)) return profileOf(h.messageCode, h.triggerEvent);
  if (h.messageCode !== 'ORU' || h.triggerEvent !== 'R01') return null;
  const orc1 = message.all('ORC').map((s) => s.get(1));
  if (orc1.length > 0 && orc1.every((c) => c === 'OK' || c === 'OC')) return null;
  return message.segment('TXA') || message.all('OBX').some((o) => o.get(2) === 'ED') ? 'oru-document' : null;
}

export const DOCUMENT_TRANSPORT_PACK: RulePack<DocumentProfile> = {
  id: 'document-transport',
  title: 'Transmission de documents CDA en HL7 v2 (trans-cda-r2): MDM^T02/T10/T04, ORU^R01 carrying a document, ZAM^Z01/Z02/Z03',
  profiles: DOCUMENT_PROFILES,
  rules: DOCUMENT_TRANSPORT_RULES,
  select: selectDocumentMessage,
  validate: validateDocumentMessage,
};

export { DOCUMENT_ACK_PACK };

registerRulePack(DOCUMENT_TRANSPORT_PACK);
registerRulePack(DOCUMENT_ACK_PACK);
