// What the web, inline and workerd entries share: one init() that instantiates the core module, hands
// it the platform's `crypto` and the error class, and loads the RSA fallback module where it is asked
// for (`syncSigning`) or needed (no `crypto.subtle`, as on an insecure origin). The core module has no
// RSA private-key code of its own: signing goes through WebCrypto, or the fallback module, which signs
// in WebAssembly with the rsa crate. Each entry says only where its two .wasm come from by default.
import initCore, {
  initSync as initCoreSync,
  __registerErrorClass,
  __useCrypto,
  __useRsaFallback,
  __useSignatureWriter,
  __webCryptoRefusal,
} from '../pkg/web/refundkit.js';
import { RefundKitError } from './error.mjs';
import { writeSignature } from './signature.mjs';

/** Standard base64: the platform's own where it has it. */
const toBase64 = typeof Uint8Array.prototype.toBase64 === 'function'
  ? (bytes) => bytes.toBase64()
  : (bytes) => btoa(String.fromCharCode.apply(null, bytes));

// The async calls' requests are written while WebCrypto signs; its signature is put in where it
// arrives, on WebCrypto's own promise (js/signature.mjs).
const signatureWriter = {
  writeInto: (signing, length, request, header, body, at, form) =>
    signing.then(
      (signature) => {
        // A view by the buffer's own length: nothing the caller could override is asked.
        const bytes = signature instanceof ArrayBuffer ? new Uint8Array(signature) : null;
        if (bytes === null || bytes.length !== length) throw __webCryptoRefusal();
        return writeSignature(request, toBase64(bytes), header, body, at, form);
      },
      () => {
        throw __webCryptoRefusal();
      },
    ),
};

function connect() {
  __registerErrorClass(RefundKitError);
  __useCrypto(globalThis.crypto);
  __useSignatureWriter(signatureWriter);
}

/** Instantiates the core from a compiled WebAssembly.Module, synchronously (worker platforms that
 * import the .wasm as a module). */
export function initCoreNow(module) {
  initCoreSync({ module });
  connect();
}

/**
 * The init(moduleOrPath, options) of an entry. `defaults.core()` and `defaults.fallback()` give each
 * module's .wasm when init is not told where it is (a URL, a Response, the bytes, a
 * WebAssembly.Module, a promise of one of those, or undefined: the URL next to the module's glue).
 */
export function makeInit(defaults) {
  let ready;
  let fallbackReady;
  return function init(moduleOrPath, options = {}) {
    ready ??= Promise.resolve(moduleOrPath ?? defaults.core())
      .then((source) => initCore(source === undefined ? undefined : { module_or_path: source }))
      .then(connect);
    const wantsFallback = options.syncSigning === true || globalThis.crypto?.subtle === undefined;
    if (!wantsFallback) return ready;
    fallbackReady ??= ready.then(() => loadFallback(options.fallbackModuleOrPath ?? defaults.fallback()));
    return fallbackReady;
  };
}

async function loadFallback(moduleOrPath) {
  const [fallback, source] = await Promise.all([import('../pkg/fallback/refundkit_rsa_fallback.js'), moduleOrPath]);
  await fallback.default(source === undefined ? undefined : { module_or_path: source });
  __useRsaFallback(fallback.FallbackKey);
}
