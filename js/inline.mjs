// Entry for bundlers that do not emit the .wasm a module names with `new URL('…wasm', import.meta.url)`
// (esbuild, Rollup): the same as the browser entry, with both modules inlined as base64, so the
// bundle needs no file beside it. It costs a third more bytes than the .wasm files; the RSA fallback
// is decoded only when it is loaded.
import { makeInit } from './wasm-init.mjs';
import core from '../pkg/inline/core.mjs';
import { RefundClient, generateKeyPair, keyFingerprint, errorCodes, gateways } from '../pkg/web/refundkit.js';
import { RefundKitError } from './error.mjs';

/** Base64 to bytes: the platform's decoder where it has one, else atob. */
function bytes(base64) {
  if (typeof Uint8Array.fromBase64 === 'function') return Uint8Array.fromBase64(base64);
  const binary = atob(base64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) out[i] = binary.charCodeAt(i);
  return out;
}

export const init = makeInit({
  core: () => bytes(core),
  fallback: async () => bytes((await import('../pkg/inline/fallback.mjs')).default),
});

export { RefundClient, RefundKitError, generateKeyPair, keyFingerprint, errorCodes, gateways };
