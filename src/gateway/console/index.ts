export * from './assets-dir.js';
export * from './routes.js';
