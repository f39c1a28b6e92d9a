// What the web, inline and workerd entries share: one init() that instantiates the core module, hands
// it the platform's `crypto` and the error class, and loads the RSA fallback module where it is asked
// for (`syncSigning`) or needed (no `crypto.subtle`, as on an insecure origin). The core module has no
// RSA private-key code of its own: signing goes through WebCrypto, or the fallback module, which signs
// in WebAssembly with the rsa crate. Where a server-side runtime (Node, Deno, Bun) runs a browser
// entry, its own RSA comes first, as in the Node entry: node:crypto signs and verifies, synchronously
// and in its thread pool, and no fallback is needed. Each entry says where its two .wasm come from by
// default, and whether it looks for node:crypto.
import initCore, {
  initSync as initCoreSync,
  __registerErrorClass,
  __threadPoolRefusal,
  __useCrypto,
  __useNodeCrypto,
  __useRsaFallback,
  __useSignatureWriter,
  __webCryptoRefusal,
} from '../pkg/web/refundkit.js';
import { RefundKitError } from './error.mjs';
import { threadPoolSigner, writeSignature } from './signature.mjs';

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

/**
 * The built-in module `name` where a server-side runtime runs this file (Node 20.16+ and 22.3+,
 * Deno, Bun: they have `process.getBuiltinModule`); undefined in browsers and workers, and where a
 * page's own `process` shim knows no such module or throws. Asked at run time, so no bundler sees
 * an import of a Node module.
 */
export function builtinModule(name) {
  try {
    return globalThis.process?.getBuiltinModule?.(name);
  } catch {
    return undefined;
  }
}

/** node:crypto and node:buffer's Buffer where a server-side runtime runs this file; else undefined. */
export function serverRuntime() {
  const crypto = builtinModule('node:crypto');
  const Buffer = builtinModule('node:buffer')?.Buffer;
  if (typeof crypto?.sign !== 'function' || typeof Buffer?.from !== 'function') return undefined;
  return { crypto, Buffer };
}

/** Hands the core module what it uses from the platform; `server` is serverRuntime()'s answer. */
function connect(server) {
  __registerErrorClass(RefundKitError);
  __useCrypto(globalThis.crypto);
  __useSignatureWriter(signatureWriter);
  if (server !== undefined) {
    __useNodeCrypto(server.crypto, threadPoolSigner(server.crypto, server.Buffer, __threadPoolRefusal));
  }
}

/** Instantiates the core from a compiled WebAssembly.Module, synchronously (worker platforms that
 * import the .wasm as a module). */
export function initCoreNow(module) {
  initCoreSync({ module });
  connect(undefined);
}

/**
 * The init(moduleOrPath, options) of an entry. `defaults.core()` and `defaults.fallback()` give each
 * module's .wasm when init is not told where it is (a URL, a Response, the bytes, a
 * WebAssembly.Module, a promise of one of those, or undefined: the URL next to the module's glue).
 * `defaults.server` is serverRuntime, asked on the first call, or left out where the entry never
 * runs on a server.
 */
export function makeInit(defaults) {
  let server;
  let ready;
  let fallbackReady;
  return function init(moduleOrPath, options = {}) {
    if (ready === undefined) {
      server = defaults.server?.();
      ready = Promise.resolve(moduleOrPath ?? defaults.core())
        .then((source) => initCore(source === undefined ? undefined : { module_or_path: source }))
        .then(() => connect(server));
    }
    // node:crypto signs synchronously itself: the fallback would never run.
    const wantsFallback = server === undefined && (options.syncSigning === true || globalThis.crypto?.subtle === undefined);
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
