// Browser entry, also for Web Workers, Vite, webpack and Parcel: the same names as the Node entry,
// plus init(), awaited once before first use. It fetches refundkit_bg.wasm next to the generated glue
// (bundlers that understand `new URL('…wasm', import.meta.url)` emit it as an asset), or takes a URL,
// Response, bytes or a WebAssembly.Module. Where the synchronous builds are wanted (syncSigning) or
// the page has no `crypto.subtle`, it also loads the RSA fallback module, pkg/fallback.
//
// Loaded from files by Node, Bun or Deno (`refundkit/web`), a file: URL cannot be fetched everywhere,
// so the bytes are read with the host's own fs, reached through process.getBuiltinModule: no import
// statement that a browser bundler would try to follow. There, node:crypto signs and verifies, as
// in the Node entry, and no fallback module is loaded.
import { builtinModule, makeInit, serverRuntime } from './wasm-init.mjs';
import { RefundClient, generateKeyPair, keyFingerprint, errorCodes, gateways } from '../pkg/web/refundkit.js';
import { RefundKitError } from './error.mjs';

/** The bytes of `path` (relative to this file) where this file was loaded from disk by a server-side
 * runtime; otherwise undefined, and the glue fetches its own URL. */
function localFile(path) {
  if (!String(import.meta.url).startsWith('file:')) return undefined;
  return builtinModule('node:fs')?.readFileSync?.(new URL(path, import.meta.url));
}

export const init = makeInit({
  core: () => localFile('../pkg/web/refundkit_bg.wasm'),
  fallback: () => localFile('../pkg/fallback/refundkit_rsa_fallback_bg.wasm'),
  server: serverRuntime,
});

export { RefundClient, RefundKitError, generateKeyPair, keyFingerprint, errorCodes, gateways };
