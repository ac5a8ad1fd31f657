import type { Segment } from '../../../hl7/index.js';
import { formatLocation } from '../../../hl7/index.js';
import type { Finding } from '../../../profiles/index.js';
import type { DocumentMessageView } from './message-view.js';
import type { DocumentProfile } from './profile.js';

/** A rule whose logic does not fit a table row, registered under its stable id. */
export interface DocumentRule {
  id: string;
  profiles: readonly DocumentProfile[];
  /** One line saying what the rule checks, for the documentation. */
  summary: string;
  check(view: DocumentMessageView): Finding[];
}

/** `OBX[3]-5.4`-style location of a segment or one of its elements. */
export function at(view: DocumentMessageView, segment: Segment, field?: number, component?: number): string {
  return formatLocation(view.message.locate(segment, field, component));
}
