import { requirements } from '../generated/requirements.js';

export { requirements };
