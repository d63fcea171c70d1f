export { createMswHandlers } from './msw-handlers.js';
