export * from './types.js';
export * from './documents.js';
export * from './state-machine.js';
export * from './reference/index.js';
export * from './requirements/index.js';
export { requirements } from './requirements/data.js';
export { specSummary } from './summary.js';
export * from './problem-types.js';
