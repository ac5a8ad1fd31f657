import type { Message } from '../hl7/index.js';
import type { Profile } from './types.js';

/** ORC-1 values of each flow (README.md §3). */
const ORDER_CONTROL: ReadonlyArray<{ type: string; controls: readonly string[]; profile: Profile }> = [
  { type: 'ORM^O01', controls: ['NW'], profile: 'flux1' },
  { type: 'ORM^O01', controls: ['CA'], profile: 'flux2' },
  { type: 'ORU^R01', controls: ['OK', 'OC'], profile: 'flux3' },
  { type: 'OMI^O23', controls: ['SR'], profile: 'flux4' },
];

/**
 * Identifies the profile of a message from MSH-9 and ORC-1 (TLR-GEN-003): an ACK by its message
 * code; a business flow when every ORC-1 has the value of that flow. Returns null when the
 * combination is not a flow of the volet (no ORC, mixed or unknown ORC-1, unknown MSH-9).
 */
export function detectProfile(message: Message): Profile | null {
  const msh = message.segments[0];
  if (msh?.name !== 'MSH') return null;
  const code = msh.get('9.1').trim();
  const event = msh.get('9.2').trim();
  if (code === 'ACK') return 'ack';
  const controls = message.all('ORC').map((orc) => orc.get('1.1').trim());
  if (controls.length === 0) return null;
  for (const flow of ORDER_CONTROL) {
    if (flow.type === `${code}^${event}` && controls.every((c) => flow.controls.includes(c))) return flow.profile;
  }
  return null;
}
