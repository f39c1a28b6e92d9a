// Entry for bundlers that do not emit the .wasm a module names with `new URL('…wasm', import.meta.url)`
// (esbuild, Rollup): the same as the browser entry, with both modules inlined, gzipped and as base64,
// so the bundle needs no file beside it. The platform's DecompressionStream unpacks them (browsers,
// workers, Node, Deno and Bun all have it); the RSA fallback is unpacked only when it is loaded. A
// bundle run by Node, Deno or Bun signs with node:crypto, as the browser entry does there.
import { makeInit, serverRuntime } from './wasm-init.mjs';
import core from '../pkg/inline/core.mjs';
import { RefundClient, generateKeyPair, keyFingerprint, errorCodes, gateways } from '../pkg/web/refundkit.js';
import { RefundKitError } from './error.mjs';

/** The module inlined as gzipped base64, unpacked. */
async function bytes(base64) {
  const gzipped = typeof Uint8Array.fromBase64 === 'function'
    ? Uint8Array.fromBase64(base64)
    : Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const unpacked = new Blob([gzipped]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(unpacked).arrayBuffer());
}

export const init = makeInit({
  core: () => bytes(core),
  fallback: async () => bytes((await import('../pkg/inline/fallback.mjs')).default),
  server: serverRuntime,
});

export { RefundClient, RefundKitError, generateKeyPair, keyFingerprint, errorCodes, gateways };
