export * from './acknowledgement.js';
export * from './cancellation-message.js';
export * from './decision-message.js';
export * from './order-message.js';
export * from './post-exam-message.js';
export { isLatin9 } from './latin9.js';
