'use strict';
// Node entry (require and, through node.mjs, import). The wasm module loads synchronously on first
// require, so no init call is needed. Loading it changes nothing on globalThis: node:crypto, which
// every client signs and verifies with (keys as native KeyObjects; the async calls sign in its
// thread pool), and the WebCrypto object the async calls use with a caller's CryptoKey, are handed
// to the module here.

const { Buffer } = require('node:buffer');
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
// OpenSSL signs. `sign` carries the signature back. `signInto` is handed the request the module
// wrote while OpenSSL signed and writes the signature into it here, in the callback that brings
// it: after the wait, finishing in JavaScript is cheaper than calling back into the module.
const threadPool = {
  sign: (algorithm, data, key) =>
    new Promise((resolve, reject) => {
      nodeCrypto.sign(algorithm, data, key, (error, signature) => (error ? reject(error) : resolve(signature)));
    }),
  // The signature, in standard base64, goes in the header named `header`, or else into `body` at
  // the UTF-16 offset `at`, percent-encoded where the body is a form (`+` `/` `=` as `%2B` `%2F`
  // `%3D`, as encodeURIComponent writes them).
  signInto: (algorithm, data, key, length, request, header, body, at, form) =>
    new Promise((resolve, reject) => {
      let answered = false;
      nodeCrypto.sign(algorithm, data, key, (error, signature) => {
        // Once only: a request handed back is never written again.
        if (answered) return;
        answered = true;
        // A copy by the array's own length: a `length` getter of a subclass is not asked.
        const bytes = !error && signature instanceof Uint8Array ? new Uint8Array(signature) : null;
        if (bytes === null || bytes.length !== length) return reject(wasm.__threadPoolRefusal());
        const base64 = Buffer.from(bytes.buffer, 0, length).toString('base64');
        if (header !== undefined) request.headers[header] = base64;
        else request.body = body.slice(0, at) + (form ? encodeURIComponent(base64) : base64) + body.slice(at);
        resolve(request);
      });
    }),
};
wasm.__useNodeCrypto(nodeCrypto, threadPool);

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
