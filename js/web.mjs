// Browser entry: the same names as the Node entry, plus init(), awaited once before first use. It
// fetches refundkit_bg.wasm next to the generated glue (or takes a URL, Response, bytes or a
// WebAssembly.Module). It reads the page's `crypto` and hands it to the module; on an insecure
// origin that has no `subtle`, and the rsa crate signs instead.
import initWasm, {
  RefundClient,
  generateKeyPair,
  keyFingerprint,
  errorCodes,
  gateways,
  __registerErrorClass,
  __useCrypto,
} from '../pkg/web/refundkit.js';
import { RefundKitError } from './error.mjs';

let ready;

export function init(moduleOrPath) {
  ready ??= initWasm(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath }).then(() => {
    __registerErrorClass(RefundKitError);
    __useCrypto(globalThis.crypto);
  });
  return ready;
}

export { RefundClient, RefundKitError, generateKeyPair, keyFingerprint, errorCodes, gateways };
