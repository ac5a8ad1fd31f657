export * from './mapping.js';
export * from './readers.js';
export type { ReadOptions, ReadResult } from './read-result.js';
