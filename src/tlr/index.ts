/** Téléradiologie domain model, builders (domain → ER7) and readers (ER7 → domain) of the four flows and the ACK. */
export * from './write/index.js';
export * from './date-time.js';
export * from './errors.js';
export * from './model/index.js';
export { sniffProtocolMediaType } from './protocol-content.js';
export * from './read/index.js';
export * from './vocabulary.js';
