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

/** Standard base64: the platform's own where it has it. */
const toBase64 = typeof Uint8Array.prototype.toBase64 === 'function'
  ? (bytes) => bytes.toBase64()
  : (bytes) => btoa(String.fromCharCode.apply(null, bytes));

// The async calls' requests are written while WebCrypto signs; its signature is put in here, where
// it arrives: after the wait, finishing in JavaScript is cheaper than calling back into the module.
// The signature goes in the header named `header`, or else into `body` at the UTF-16 offset `at`,
// percent-encoded where the body is a form (`+` `/` `=` as `%2B` `%2F` `%3D`, as
// encodeURIComponent writes them), as the Node entry's thread-pool signer does.
const signatureWriter = {
  writeInto: (signing, length, request, header, body, at, form) =>
    signing.then(
      (signature) => {
        // A view by the buffer's own length: nothing the caller could override is asked.
        const bytes = signature instanceof ArrayBuffer ? new Uint8Array(signature) : null;
        if (bytes === null || bytes.length !== length) throw __webCryptoRefusal();
        const base64 = toBase64(bytes);
        if (header !== undefined) request.headers[header] = base64;
        else request.body = body.slice(0, at) + (form ? encodeURIComponent(base64) : base64) + body.slice(at);
        return request;
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
