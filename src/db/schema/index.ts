export * from './evaluation.js';
export * from './platform.js';
