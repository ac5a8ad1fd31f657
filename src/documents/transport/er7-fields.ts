import type { ComponentInput } from '../../hl7/index.js';
import { MAIL_ADDRESS_TYPE, MAIL_ADDRESS_USE } from './vocabulary.js';

/**
 * ER7 components this volet adds to the Téléradiologie volet's data types: CX, XCN and XON are
 * written and read by `src/tlr` (`tlr/write/*-segments.ts`, `tlr/read/*.ts`), the same for both volets.
 */

/** XTN of an MSSanté address: `^NET^X.400^address` (PRT-15). */
export function mailAddressComponents(address: string): ComponentInput[] {
  return ['', MAIL_ADDRESS_USE, MAIL_ADDRESS_TYPE, address];
}

/** Copies the non-empty values only, so that read-back objects equal the builder's input. */
export function withoutEmpty<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== '')) as T;
}
