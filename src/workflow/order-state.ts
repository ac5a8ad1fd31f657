/**
 * States of an imaging order (demande d'examen d'imagerie), README §5.1 of the Téléradiologie digest.
 *
 * The same state names are used on both sides of the exchange: the RIS of the imaging facility
 * (structure d'imagerie) and the teleradiology platform (plateforme de téléradiologie). Each side keeps
 * its own copy of the order and moves it with the messages it sends and receives.
 */
export const ORDER_STATES = [
  'NONE',
  'REQUESTED',
  'CANCELLED',
  'ACCEPTED',
  'REJECTED',
  'EXAM_DONE',
  'COMPLEMENTED',
  'REPORTED',
  'PUBLISHED',
] as const;

/** One of {@link ORDER_STATES}. `NONE` means "no order with this placer number is known". */
export type OrderState = (typeof ORDER_STATES)[number];

/**
 * Side of the exchange an order copy belongs to.
 * - `ris`: imaging facility RIS — sends flows 1, 2, 4; receives flow 3 and the reports.
 * - `platform`: teleradiology platform — receives flows 1, 2, 4; sends flow 3 and the reports.
 */
export type WorkflowRole = 'ris' | 'platform';

/** Every workflow role, for iteration in tests and configuration checks. */
export const WORKFLOW_ROLES: readonly WorkflowRole[] = ['ris', 'platform'];

/** Type guard for values read back from storage or configuration. */
export function isOrderState(value: string): value is OrderState {
  return (ORDER_STATES as readonly string[]).includes(value);
}
