export * from './acknowledgement.js';
export * from './cancellation-message.js';
export * from './decision-message.js';
export { detectMessageKind } from './detect.js';
export * from './order-message.js';
export * from './post-exam-message.js';
export * from './tlr-message.js';
