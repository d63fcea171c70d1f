import { specSummary } from '../src/summary.js';

console.log(specSummary());
