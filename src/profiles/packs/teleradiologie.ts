import { detectProfile } from '../detect.js';
import { RULES } from '../rules/teleradiologie.js';
import type { Profile } from '../types.js';
import { PROFILES } from '../types.js';
import { validateMessage } from '../validate.js';
import type { RulePack } from './pack.js';

/**
 * The Téléradiologie pack (HL7 v2.5.1, conformance-checklist.md): flows 1 to 4 and their
 * acknowledgement. The registry's default: a message no pack selects is validated by it, which says
 * why (TLR-GEN-002 message type, TLR-GEN-003 flow).
 */
export const TELERADIOLOGIE_PACK: RulePack<Profile> = {
  id: 'teleradiologie',
  title: 'CI-SIS Téléradiologie, HL7 v2.5.1: ORM^O01 (flows 1, 2), ORU^R01 (flow 3), OMI^O23 (flow 4), ACK',
  profiles: PROFILES,
  rules: RULES,
  select: detectProfile,
  validate: validateMessage,
};
