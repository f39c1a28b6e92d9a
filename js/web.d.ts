// The browser, inline and workerd entries have the same names and types as the package root.
export * from './index.js';
