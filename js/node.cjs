'use strict';
// Node entry (require and, through node.mjs, import). The wasm module loads synchronously on first
// require, so no init call is needed.

// Node 18 has WebCrypto only as require('node:crypto').webcrypto; the wasm module looks for
// globalThis.crypto (random numbers for blinding, and the fast signing path).
if (typeof globalThis.crypto === 'undefined') {
  globalThis.crypto = require('node:crypto').webcrypto;
}

const wasm = require('../pkg/node/refundkit.js');
const { RefundKitError } = require('./error.cjs');

wasm.__registerErrorClass(RefundKitError);

module.exports = {
  RefundClient: wasm.RefundClient,
  RefundKitError,
  generateKeyPair: wasm.generateKeyPair,
  keyFingerprint: wasm.keyFingerprint,
  errorCodes: wasm.errorCodes,
  gateways: wasm.gateways,
  /** Nothing to do in Node: the module is ready once required. Present so code can call init() everywhere. */
  init: async () => {},
};
