// Browser entry: the same names as the Node entry, plus init(), awaited once before first use. It
// fetches refundkit_bg.wasm next to the generated glue (or takes a URL, Response, bytes or a
// WebAssembly.Module) and hands the page's `crypto` to the module: signing goes through WebCrypto.
// The core module has no RSA private-key code of its own; where a page needs synchronous signing
// (buildRefund) or has no `crypto.subtle` (an insecure origin), init also loads the RSA fallback
// module, pkg/fallback, which signs in WebAssembly with the rsa crate.
import initWasm, {
  RefundClient,
  generateKeyPair,
  keyFingerprint,
  errorCodes,
  gateways,
  __registerErrorClass,
  __useCrypto,
  __useRsaFallback,
} from '../pkg/web/refundkit.js';
import { RefundKitError } from './error.mjs';

let ready;
let fallbackReady;

/**
 * Loads the module. `options.syncSigning` also loads the RSA fallback (so `buildRefund` and
 * `buildRefundQuery` work); it is loaded anyway where the page has no `crypto.subtle`.
 * `options.fallbackModuleOrPath` says where its .wasm is, like `moduleOrPath` for the core.
 */
export function init(moduleOrPath, options = {}) {
  ready ??= initWasm(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath }).then(() => {
    __registerErrorClass(RefundKitError);
    __useCrypto(globalThis.crypto);
  });
  const wantsFallback = options.syncSigning === true || globalThis.crypto?.subtle === undefined;
  if (!wantsFallback) return ready;
  fallbackReady ??= ready.then(() => loadFallback(options.fallbackModuleOrPath));
  return fallbackReady;
}

async function loadFallback(moduleOrPath) {
  const fallback = await import('../pkg/fallback/refundkit_rsa_fallback.js');
  await fallback.default(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath });
  __useRsaFallback(fallback.FallbackKey);
}

export { RefundClient, RefundKitError, generateKeyPair, keyFingerprint, errorCodes, gateways };
