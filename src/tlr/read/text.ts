import type { Message, Segment } from '../../hl7/index.js';

/**
 * The decoded text of a free-text field (FT/TX/ST), first repetition, all components: a sender
 * that forgot to escape `^` in a comment loses nothing.
 */
export function fieldText(message: Message, segment: Segment, field: number): string {
  return message.codec.decode(segment.field(field).raw);
}
