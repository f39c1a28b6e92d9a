'use strict';
// Node entry (require and, through node.mjs, import). The wasm module loads synchronously on first
// require, so no init call is needed. Loading it changes nothing on globalThis: the WebCrypto object
// the library signs with is handed to the module here.

const { webcrypto } = require('node:crypto');
const wasm = require('../pkg/node/refundkit.js');
// Written by scripts/build.mjs from js/error.mjs, the one definition of the class.
const { RefundKitError } = require('../pkg/node/error.cjs');

wasm.__registerErrorClass(RefundKitError);
wasm.__useCrypto(webcrypto);

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
