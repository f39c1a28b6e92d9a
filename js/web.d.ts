// The browser entry has the same names and types as the package root.
export * from './index.js';
