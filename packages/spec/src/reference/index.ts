export * from './provinces.js';
export * from './ministries.js';
export * from './agencies.js';
export * from './procedures.js';
