// Entry for Cloudflare Workers (the `workerd` export condition): workerd may not compile WebAssembly
// from bytes at run time and has no URL for this file, so both modules are imported as compiled
// WebAssembly.Module values, which wrangler's default rules produce for a `.wasm` import. The core is
// ready at import; init() is still there (the same names everywhere) and loads the RSA fallback for
// the synchronous builds when asked with `{ syncSigning: true }`. Signing goes through WebCrypto.
import core from '../pkg/web/refundkit_bg.wasm';
import fallback from '../pkg/fallback/refundkit_rsa_fallback_bg.wasm';
import { initCoreNow, makeInit } from './wasm-init.mjs';
import { RefundClient, generateKeyPair, keyFingerprint, errorCodes, gateways } from '../pkg/web/refundkit.js';
import { RefundKitError } from './error.mjs';

initCoreNow(core);

export const init = makeInit({ core: () => core, fallback: () => fallback });

export { RefundClient, RefundKitError, generateKeyPair, keyFingerprint, errorCodes, gateways };
