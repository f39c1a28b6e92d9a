// What the JavaScript tests share: fixtures and the published vectors, and the independent oracles
// playing the gateway's side: node:crypto signing and verifying, and WisePay's canonical string
// written in plain JavaScript from the gateway's rule.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A fixture file's text, e.g. fixture('merchant_test_key.pem'). */
export const fixture = (name) => readFileSync(fixtures + name, 'utf8');

/** The published sample keys, documented signatures and examples (tests/fixtures/vectors.json). */
export const vectors = JSON.parse(fixture('vectors.json'));

/** A PEM text as one line of base64 DER, the form gateway portals hand keys out in. */
export const oneLine = (pem) =>
  pem
    .split(/\r?\n/)
    .filter((line) => line && !line.startsWith('-----'))
    .join('');

/** A PEM fixture as one line of base64 DER. */
export const bareKey = (name) => oneLine(fixture(name));

/** WisePay's canonical string, by the gateway's rule: every field but sign, empty ones dropped,
 * sorted by the bytes of the key, `key=value` joined with `&`, raw values (other JSON values as
 * their JSON text). */
export function canonical(fields) {
  return Object.entries(fields)
    .filter(([key, value]) => key !== 'sign' && value !== null && value !== undefined && value !== '')
    .sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('&');
}

export const keys = {
  merchantPrivate: fixture('merchant_test_key.pem'),
  merchantPublic: fixture('merchant_test_key.pub.pem'),
  gatewayPrivate: fixture('gateway_test_key.pem'),
  gatewayPublic: fixture('gateway_test_key.pub.pem'),
  merchant4096Private: fixture('merchant_4096_test_key.pem'),
  merchant4096Public: fixture('merchant_4096_test_key.pub.pem'),
};

/** Clients of the two gateways that publish signed samples, with the published keys (vectors.json):
 * such a client reproduces the published signatures byte for byte. */
export const publishedConfigs = {
  wisepay: {
    gateway: 'wisepay',
    environment: 'sg-sandbox',
    appId: vectors.wisepay.appId,
    merchantNo: vectors.wisepay.merchantNo,
    privateKey: vectors.wisepay.privateKey,
    gatewayPublicKey: vectors.wisepay.gatewayPublicKey,
  },
  payermax: {
    gateway: 'payermax',
    environment: 'sandbox',
    appId: vectors.payermax.appId,
    merchantNo: vectors.payermax.merchantNo,
    privateKey: vectors.payermax.privateKey,
    gatewayPublicKey: vectors.payermax.publicKey,
  },
};

/** Accepts PEM or bare base64 DER, as the library does. */
function keyObject(text, kind) {
  if (text.includes('-----BEGIN')) return kind === 'private' ? createPrivateKey(text) : createPublicKey(text);
  const der = Buffer.from(text, 'base64');
  return kind === 'private'
    ? createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
    : createPublicKey({ key: der, format: 'der', type: 'spki' });
}

/** RSASSA-PKCS1-v1_5 signature by node:crypto, standard base64. */
export function rsaSign(privateKey, data, hash = 'sha256') {
  return sign(hash, Buffer.from(data), keyObject(privateKey, 'private')).toString('base64');
}

/** Verifies a base64 RSASSA-PKCS1-v1_5 signature with node:crypto. */
export function rsaVerify(publicKey, data, signatureB64, hash = 'sha256') {
  return verify(hash, Buffer.from(data), keyObject(publicKey, 'public'), Buffer.from(signatureB64, 'base64'));
}

/**
 * Asserts that `error` is a RefundKitError (and an Error) with the given code, and the given field
 * or, given an object, those properties. The class is passed in: this module does not load the
 * package, so tests that watch it load can import these helpers first.
 */
function assertRefundKitError(assert, RefundKitError, error, code, expected) {
  assert.ok(error, `expected ${code}, nothing was thrown`);
  assert.ok(error instanceof RefundKitError, `expected a RefundKitError, got ${error?.constructor?.name}: ${error?.message}`);
  assert.ok(error instanceof Error);
  assert.equal(error.code, code, error.message);
  const properties = typeof expected === 'string' ? { field: expected } : (expected ?? {});
  for (const [name, value] of Object.entries(properties)) assert.equal(error[name], value, `${name}: ${error.message}`);
  return error;
}

/** Asserts that fn throws such a RefundKitError; returns it. */
export function throwsWith(assert, RefundKitError, fn, code, expected) {
  let error;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  return assertRefundKitError(assert, RefundKitError, error, code, expected);
}

/** Asserts that fn throws or rejects with such a RefundKitError; returns it. */
export async function rejectsWith(assert, RefundKitError, fn, code, expected) {
  let error;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  return assertRefundKitError(assert, RefundKitError, error, code, expected);
}

/** Polls `check` until it gives a truthy value, which it returns; fails after `timeoutMs`. */
export async function until(what, check, { timeoutMs = 4000, intervalMs = 10 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Imports the package while watching the one WebAssembly.Instance it creates, and returns the
 * package with that instance's memory. The package does not expose its memory; this puts the
 * constructor back right after the import, and node --test runs each file in its own process, so
 * nothing else sees it.
 */
export async function importWatchingMemory() {
  const instances = [];
  const OriginalInstance = WebAssembly.Instance;
  WebAssembly.Instance = new Proxy(OriginalInstance, {
    construct(target, args, newTarget) {
      const instance = Reflect.construct(target, args, newTarget);
      instances.push(instance);
      return instance;
    },
  });
  try {
    const refundkit = await import('refundkit');
    const memory = instances.map((i) => i.exports.memory).find((m) => m instanceof WebAssembly.Memory);
    return { refundkit, memory };
  } finally {
    WebAssembly.Instance = OriginalInstance;
  }
}

/**
 * A browser entry's `init(...args)` as a host without node:crypto runs it (browsers, workers, Node
 * before 20.16 or 22.3): the entry then signs with WebCrypto and the RSA fallback module, as in a
 * page. It asks for node:crypto through `process.getBuiltinModule` on its first init, which this
 * hides for that call; node --test runs each file in its own process, so nothing else sees it.
 */
export async function initWithoutNodeCrypto(init, ...args) {
  const { getBuiltinModule } = process;
  process.getBuiltinModule = undefined;
  try {
    return await init(...args);
  } finally {
    process.getBuiltinModule = getBuiltinModule;
  }
}

let refundSerial = 0;

/**
 * A fresh refund of the smallest amount (one cent, or one unit of a currency without decimals) of a
 * sandbox gateway's second seeded order, under a refund number no other call gives.
 */
export function smallSandboxRefund(sandbox, gateway, { prefix, ...changes }) {
  const order = sandbox.orders[gateway][1];
  refundSerial += 1;
  return {
    refundId: `${prefix}${gateway.slice(0, 2)}${Date.now() % 1e8}${refundSerial}`,
    originalOrderId: order.originalOrderId,
    originalTransactionId: order.originalTransactionId,
    amount: ['IDR', 'JPY'].includes(order.currency) ? '1' : '0.01',
    currency: order.currency,
    ...changes,
  };
}
