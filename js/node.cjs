'use strict';
// Node entry (require and, through node.mjs, import). The wasm module loads synchronously on first
// require, so no init call is needed. Loading it changes nothing on globalThis: node:crypto, which
// every client signs and verifies with (keys as native KeyObjects; the async calls sign in its
// thread pool), and the WebCrypto object the async calls use with a caller's CryptoKey, are handed
// to the module here.

const nodeCrypto = require('node:crypto');
// The glue also carries RefundKitError: scripts/build.mjs writes js/error.mjs, the one definition
// of the class, into it, so a fresh process requires one file fewer.
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
// node:crypto's sign in its callback form runs in the thread pool: the event loop goes on while
// OpenSSL signs, and the promise carries the signature back.
const signInThreadPool = (algorithm, data, key) =>
  new Promise((resolve, reject) => {
    nodeCrypto.sign(algorithm, data, key, (error, signature) => (error ? reject(error) : resolve(signature)));
  });
wasm.__useNodeCrypto(nodeCrypto, signInThreadPool);

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
