export * from './answers.js';
export * from './catalogue.js';
export * from './completeness.js';
export * from './phases.js';
export * from './scope.js';
export * from './state-machine.js';
export * from './time.js';
