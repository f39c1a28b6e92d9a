'use strict';
// Node entry (require and, through node.mjs, import). The wasm module loads synchronously on first
// require, so no init call is needed. Loading it changes nothing on globalThis: node:crypto, which
// every client signs and verifies with (keys as native KeyObjects; the async calls sign in its
// thread pool), and the WebCrypto object the async calls use with a caller's CryptoKey, are handed
// to the module here.

const { Buffer } = require('node:buffer');
const nodeCrypto = require('node:crypto');
// The glue also carries RefundKitError and the thread-pool signer: scripts/build.mjs writes
// js/error.mjs and js/signature.mjs, their one definition, into it, so a fresh process requires
// fewer files.
const wasm = require('../pkg/node/refundkit.js');
const { RefundKitError } = wasm;

wasm.__registerErrorClass(RefundKitError);
// node:crypto's WebCrypto is loaded by its first use (a caller's CryptoKey in the async calls), not
// with the package: a fresh process that only signs with node:crypto never pays for it.
wasm.__useCrypto({
  get subtle() {
    return nodeCrypto.webcrypto.subtle;
  },
});
// The async calls sign in node:crypto's thread pool, and the signature is written into the request
// in the callback that brings it (js/signature.mjs, which the build writes into the glue).
wasm.__useNodeCrypto(nodeCrypto, wasm.threadPoolSigner(nodeCrypto, Buffer, wasm.__threadPoolRefusal));

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
