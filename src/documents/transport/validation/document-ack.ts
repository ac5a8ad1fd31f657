import type { Message } from '../../../hl7/index.js';
import type { RulePack, ValidationInput, ValidationReport } from '../../../profiles/index.js';
import { TELERADIOLOGIE_PACK, validateMessage } from '../../../profiles/index.js';

/** MSH-9 events of the document messages of the volet, which their acknowledgements name. */
const DOCUMENT_EVENTS = new Set(['T02', 'T10', 'T04', 'Z01', 'Z02', 'Z03']);

/**
 * Validates ACK^T02/T10/T04^ACK and ACK^Z01/Z02/Z03^ACK, the acknowledgements of the document messages: the acknowledgement rules of
 * the Téléradiologie pack, without the three that only hold for the flows' acknowledgements (MSH-9 among
 * ACK^O01/R01/O23, MSH-12 = 2.5.1): a document acknowledgement names the MDM event and keeps the MDM's version (2.6).
 */
export function validateDocumentAck(input: ValidationInput): ValidationReport<'document-ack'> {
  const report = validateMessage(input, { profile: 'ack' });
  const version = report.message?.segments[0]?.get('12.1').trim();
  const issues = report.issues.filter((issue) => {
    if (issue.rule === 'TLR-GEN-002' || issue.rule === 'TLR-ACK-005') return issue.location !== 'MSH-9';
    if (issue.rule === 'TLR-ACK-011') return version !== '2.6';
    return true;
  });
  return { profile: 'document-ack', valid: !issues.some((issue) => issue.severity === 'error'), issues, message: report.message };
}

/**
 * The acknowledgements of the document-transport volet (ACK^T02/T10/T04^ACK, ACK^Z01/Z02/Z03^ACK), checked with the
 * Téléradiologie pack's acknowledgement rules (listed under both packs).
 */
export const DOCUMENT_ACK_PACK: RulePack<'document-ack'> = {
  id: 'document-ack',
  title: 'Transmission de documents CDA en HL7 v2: ACK^T02/T10/T04^ACK, with the acknowledgement rules of the Téléradiologie pack',
  profiles: ['document-ack'],
  rules: TELERADIOLOGIE_PACK.rules.filter((r) => r.profiles.includes('ack')),
  select: (message: Message) => {
    const msh = message.segments[0];
    if (msh?.name !== 'MSH') return null;
    return msh.get('9.1').trim() === 'ACK' && DOCUMENT_EVENTS.has(msh.get('9.2').trim()) ? 'document-ack' : null;
  },
  validate: (input) => validateDocumentAck(input),
};
