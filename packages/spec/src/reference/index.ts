export * from './provinces.js';
