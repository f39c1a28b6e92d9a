// The boundary between JavaScript and the wasm instance: whatever a JavaScript object does when it is
// read (a throwing getter, a Proxy trap, a revoked Proxy, a toJSON, an iterator that throws mid-way, a
// typed array whose `length` lies, a fetch or Response that misbehaves), the call ends in a
// RefundKitError and the instance stays whole: after 10,000 such calls the same clients reproduce
// the published bytes, the key never sits in wasm memory, free() succeeds, and a new client works. Bodies over
// maxBodyBytes are refused before they are copied into wasm memory.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { test } from 'node:test';
import { importWatchingMemory, keys, publishedConfigs, rsaSign, vectors } from './helpers.mjs';

// The package's WebAssembly memory, watched while the package loads.
const {
  refundkit: { RefundClient, RefundKitError },
  memory: wasmMemory,
} = await importWatchingMemory();

const NOW = 1_705_474_883_737;
const { appId: APP_ID, merchantNo: MERCHANT_NO } = publishedConfigs.payermax;

/** PayerMax with the published merchant key, and the test gateway key for notifications. */
const payermaxConfig = (extra = {}) => ({ ...publishedConfigs.payermax, gatewayPublicKey: keys.gatewayPublic, ...extra });
const wisepayConfig = () => publishedConfigs.wisepay;

const refundInput = { refundId: 'R1642411016202', originalOrderId: 'P1642410680681', amount: '4.99', currency: 'USD' };
const queryInput = { refundId: 'R1642411016202' };

const NOTIFICATION_BODY = JSON.stringify({
  code: 'APPLY_SUCCESS',
  msg: 'Success.',
  keyVersion: '1',
  appId: APP_ID,
  merchantNo: MERCHANT_NO,
  notifyTime: '2024-01-17T07:00:00.000+00:00',
  notifyType: 'REFUND',
  data: {
    outRefundNo: 'R1642411016202',
    refundTradeNo: '20220117091657TI790000055087',
    outTradeNo: 'P1642410680681',
    refundAmount: 4.99,
    refundCurrency: 'USD',
    refundFinishTime: '2024-01-17T06:59:00.000Z',
    status: 'REFUND_SUCCESS',
  },
});
const NOTIFICATION_SIGN = rsaSign(keys.gatewayPrivate, NOTIFICATION_BODY);
const notification = (body = NOTIFICATION_BODY) => ({ headers: { sign: NOTIFICATION_SIGN }, body });

// ---- hostile values ----------------------------------------------------------------------------

const boom = () => {
  throw new Error('boom');
};
/** A Proxy around target whose one trap throws. */
const trapThrows = (target, trap) => new Proxy(target, { [trap]: boom });
const revokedProxy = (target = {}) => {
  const { proxy, revoke } = Proxy.revocable(target, {});
  revoke();
  return proxy;
};
/** A copy of base with an enumerable getter `name` that throws. */
const getterThrows = (name, base = {}) => Object.defineProperty({ ...base }, name, { get: boom, enumerable: true });
/** An object whose `entries()` gives `iterable`, as a Headers does. */
const headersLike = (iterable) => ({ entries: () => iterable });
const iteratorOf = (next) => ({ [Symbol.iterator]: () => ({ next }) });

/** A Uint8Array over the bytes of text whose `length` answers 16, then 8192 on every later read. */
function lyingLength(text) {
  const bytes = new TextEncoder().encode(text);
  let reads = 0;
  class LyingLength extends Uint8Array {
    get length() {
      reads += 1;
      return reads === 1 ? 16 : 8192;
    }
  }
  const lying = new LyingLength(bytes.length);
  lying.set(bytes);
  return lying;
}

const hostileHeaders = () => [
  ['Proxy whose ownKeys throws', trapThrows({ sign: 'x' }, 'ownKeys')],
  ['Proxy whose get throws', trapThrows({ sign: 'x' }, 'get')],
  ['Proxy whose getOwnPropertyDescriptor throws', trapThrows({ sign: 'x' }, 'getOwnPropertyDescriptor')],
  ['revoked Proxy', revokedProxy()],
  ['throwing getter', getterThrows('sign')],
  ['entries that throws', { entries: boom }],
  ['Headers whose entries throws', new (class extends Headers { entries() { boom(); } })({ sign: 'x' })],
  ['Symbol.iterator that throws', headersLike({ [Symbol.iterator]: boom })],
  [
    'iterator that throws mid-way',
    headersLike({
      *[Symbol.iterator]() {
        yield ['sign', 'x'];
        boom();
      },
    }),
  ],
  ['next that throws', headersLike(iteratorOf(boom))],
  ['iterator whose next getter throws', headersLike({ [Symbol.iterator]: () => getterThrows('next') })],
  ['iterator result whose done throws', headersLike(iteratorOf(() => getterThrows('done')))],
  ['iterator result whose value throws', headersLike(iteratorOf(() => getterThrows('value', { done: false })))],
  ['entry that is a throwing Proxy', headersLike([trapThrows(['sign', 'x'], 'get')])],
  ['value array Proxy whose get throws', { sign: trapThrows(['x'], 'get') }],
  ['value array that is a revoked Proxy', { sign: revokedProxy([]) }],
];

/** Received messages (responses and notifications) that no reading can survive. */
const hostileMessages = () => [
  ...hostileHeaders().map(([name, headers]) => [`headers: ${name}`, { status: 200, headers, body: '{}' }, 'headers']),
  // The first property read is `status`, which is where these fail.
  ['Proxy whose get throws', trapThrows({ status: 200, body: '{}' }, 'get'), 'status'],
  ['revoked Proxy', revokedProxy(), 'status'],
  ['throwing body getter', getterThrows('body', { status: 200 }), 'body'],
  ['throwing status getter', getterThrows('status', { body: '{}' }), 'status'],
  ['throwing headers getter', getterThrows('headers', { status: 200, body: '{}' }), 'headers'],
  ['body: Proxy around a Uint8Array', { status: 200, body: new Proxy(new Uint8Array(8), {}) }, 'body'],
  ['body: Proxy around an ArrayBuffer', { status: 200, body: new Proxy(new ArrayBuffer(8), {}) }, 'body'],
  ['body: Proxy whose getPrototypeOf throws', { status: 200, body: trapThrows(new Uint8Array(8), 'getPrototypeOf') }, 'body'],
  ['body: revoked Proxy', { status: 200, body: revokedProxy(new Uint8Array(8)) }, 'body'],
  ['body: object whose byteLength throws', { status: 200, body: getterThrows('byteLength') }, 'body'],
];

const hostileInputs = (base) => [
  ['Proxy whose ownKeys throws', trapThrows(base, 'ownKeys')],
  ['Proxy whose get throws', trapThrows(base, 'get')],
  ['Proxy whose getOwnPropertyDescriptor throws', trapThrows(base, 'getOwnPropertyDescriptor')],
  ['revoked Proxy', revokedProxy(base)],
  ['throwing toJSON', { ...base, toJSON: boom }],
  ['throwing getter', getterThrows('refundId', base)],
];

const hostileOpts = () => [
  ['Proxy whose get throws', trapThrows({ now: NOW }, 'get'), ['opts', 'now']],
  ['revoked Proxy', revokedProxy({ now: NOW }), ['opts', 'now']],
  ['throwing now getter', getterThrows('now'), ['opts', 'now']],
];

const hostileConfigs = () => [
  ['Proxy whose ownKeys throws', trapThrows(payermaxConfig(), 'ownKeys'), [undefined]],
  ['Proxy whose get throws', trapThrows(payermaxConfig(), 'get'), [undefined, 'gateway']],
  ['Proxy whose getOwnPropertyDescriptor throws', trapThrows(payermaxConfig(), 'getOwnPropertyDescriptor'), [undefined]],
  ['revoked Proxy', revokedProxy(payermaxConfig()), [undefined]],
  ['throwing privateKey getter', getterThrows('privateKey', payermaxConfig()), ['privateKey']],
  ['throwing fetch getter', getterThrows('fetch', payermaxConfig()), ['fetch']],
  ['privateKey whose getPrototypeOf throws', payermaxConfig({ privateKey: trapThrows({}, 'getPrototypeOf') }), ['privateKey']],
  ['baseUrl with a throwing toJSON', payermaxConfig({ baseUrl: { toJSON: boom } }), ['baseUrl']],
];

/** An object that passes for a CryptoKey (`instanceof` holds) until its usages are read. */
const fakeCryptoKey = () =>
  Object.create(globalThis.CryptoKey?.prototype ?? Object.prototype, {
    algorithm: { value: { name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } } },
    type: { value: 'private' },
    usages: { get: boom },
  });

/** What a custom fetch can do wrong; each case is a fetch function. */
const arrayBufferOf = (text) => async () => new TextEncoder().encode(text).buffer;
const response = (fields) => ({ status: 200, headers: new Headers(), arrayBuffer: arrayBufferOf('{}'), ...fields });
const hostileFetches = () => [
  ['throws synchronously', boom],
  ['returns a number', () => 42],
  ['returns undefined', () => undefined],
  ['rejects', async () => boom()],
  ['resolves to a Proxy whose get throws', async () => trapThrows(response({}), 'get')],
  ['resolves to a revoked Proxy', async () => revokedProxy(response({}))],
  ['resolves to a thenable whose then getter throws', async () => getterThrows('then')],
  ['returns a Promise whose own then throws', () => Object.assign(Promise.resolve(response({})), { then: boom })],
  ['returns a Promise whose constructor getter throws', () => Object.defineProperty(Promise.resolve(response({})), 'constructor', { get: boom })],
  ['Response whose status getter throws', async () => getterThrows('status', response({}))],
  ['Response whose status is not a number', async () => response({ status: { valueOf: boom } })],
  ['Response whose headers getter throws', async () => getterThrows('headers', response({}))],
  ['Response whose headers.entries throws', async () => response({ headers: { entries: boom } })],
  ['Response whose headers iterator throws mid-way', async () => response({ headers: headersLike({ *[Symbol.iterator]() { yield ['a', 'b']; boom(); } }) })],
  ['Response whose arrayBuffer throws', async () => response({ arrayBuffer: boom })],
  ['Response whose arrayBuffer rejects', async () => response({ arrayBuffer: async () => boom() })],
  ['Response whose arrayBuffer resolves to a throwing Proxy', async () => response({ arrayBuffer: async () => trapThrows(new ArrayBuffer(4), 'get') })],
  ['Response whose arrayBuffer resolves to an object with a lying length', async () => response({ arrayBuffer: async () => ({ length: 1e9, byteLength: 4 }) })],
  ['Response with only a throwing text()', async () => ({ status: 200, headers: new Headers(), text: boom })],
];

// ---- helpers -----------------------------------------------------------------------------------

/** Runs fn (sync or async) and returns what it threw, or undefined. */
async function thrown(fn) {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

function assertRefundKitError(error, codes, fields, what) {
  assert.ok(error !== undefined, `${what}: expected ${codes.join('|')}, nothing was thrown`);
  assert.ok(error instanceof RefundKitError, `${what}: expected a RefundKitError, got ${error?.constructor?.name}: ${error?.message}`);
  assert.ok(codes.includes(error.code), `${what}: code ${error.code} (${error.message}), expected ${codes.join('|')}`);
  if (fields !== undefined) assert.ok(fields.includes(error.field), `${what}: field ${error.field} (${error.message}), expected ${fields.join('|')}`);
}

/** The merchant key's PKCS#8 DER, and whether a 32-byte run of it sits anywhere in wasm memory. */
const merchantDer = createPrivateKey({ key: Buffer.from(vectors.payermax.privateKey, 'base64'), format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'der' });
const derWindows = [merchantDer.subarray(100, 132), merchantDer.subarray(600, 632), merchantDer.subarray(1000, 1032)];
const keyInMemory = () => {
  const memory = Buffer.from(wasmMemory.buffer);
  return derWindows.some((w) => memory.indexOf(w) >= 0);
};

// ---- the calls ---------------------------------------------------------------------------------

/**
 * Every hostile call, as { what, call(clients), codes, fields }. `clients.fetching` sends through
 * `currentFetch`, which the call sets first.
 */
let currentFetch = boom;
function hostileCalls() {
  const calls = [];
  const add = (what, call, codes, fields) => calls.push({ what, call, codes, fields });
  for (const [name, message, field] of hostileMessages()) {
    add(`parseRefundResponse ${name}`, (c) => c.parseRefundResponse(message), ['INPUT_INVALID'], [field]);
    add(`parseRefundQueryResponse ${name}`, (c) => c.parseRefundQueryResponse(message), ['INPUT_INVALID'], [field]);
  }
  for (const [name, message, field] of hostileMessages()) {
    add(`verifyNotification ${name}`, (c) => c.verifyNotification(message, { now: NOW }), ['INPUT_INVALID'], [field]);
  }
  for (const [name, input] of hostileInputs(refundInput)) {
    add(`buildRefund input ${name}`, (c) => c.buildRefund(input, { now: NOW }), ['INPUT_INVALID'], ['input']);
    add(`buildRefundAsync input ${name}`, (c) => c.buildRefundAsync(input, { now: NOW }), ['INPUT_INVALID'], ['input']);
  }
  for (const [name, query] of hostileInputs(queryInput)) {
    add(`buildRefundQuery query ${name}`, (c) => c.buildRefundQuery(query, { now: NOW }), ['INPUT_INVALID'], ['query']);
  }
  for (const [name, opts, fields] of hostileOpts()) {
    add(`buildRefund opts ${name}`, (c) => c.buildRefund(refundInput, opts), ['INPUT_INVALID'], fields);
    add(`buildRefundQuery opts ${name}`, (c) => c.buildRefundQuery(queryInput, opts), ['INPUT_INVALID'], fields);
    add(`verifyNotification opts ${name}`, (c) => c.verifyNotification(notification(), opts), ['INPUT_INVALID'], fields);
  }
  for (const [name, config, fields] of hostileConfigs()) {
    add(`new RefundClient ${name}`, () => new RefundClient(config), ['CONFIG_INVALID', 'KEY_INVALID'], fields);
  }
  add(
    'buildRefundAsync with a CryptoKey whose usages getter throws',
    () => new RefundClient(payermaxConfig({ privateKey: fakeCryptoKey() })).buildRefundAsync(refundInput, { now: NOW }),
    ['KEY_INVALID'],
    ['privateKey'],
  );
  for (const [name, fetch] of hostileFetches()) {
    add(`refund: fetch ${name}`, (c) => { currentFetch = fetch; return c.fetching.refund(refundInput, { now: NOW }); }, ['TRANSPORT']);
    add(`queryRefund: fetch ${name}`, (c) => { currentFetch = fetch; return c.fetching.queryRefund(queryInput, { now: NOW }); }, ['TRANSPORT']);
  }
  return calls;
}

/** Clients that take hostile calls; each has a `fetching` twin that sends through `currentFetch`. */
function makeClients() {
  return [payermaxConfig(), payermaxConfig(), wisepayConfig()].map((config) => {
    const client = new RefundClient(config);
    client.fetching = new RefundClient({ ...config, fetch: (...args) => currentFetch(...args) });
    return client;
  });
}

/** The published bytes and a verified notification, through the given PayerMax and WisePay clients. */
function assertKnownGood(payermax, wisepay) {
  const query = payermax.buildRefundQuery(queryInput, { now: NOW });
  assert.equal(query.body, vectors.payermax.body);
  assert.equal(query.headers.sign, vectors.payermax.sign);
  const w = vectors.wisepay;
  assert.equal(JSON.parse(wisepay.buildRefundQuery({ refundId: w.merchantOrderNo }, { now: w.timestamp }).body).sign, w.sign);
  const note = payermax.verifyNotification(notification(), { now: NOW });
  assert.equal(note.refund.verified, true);
  assert.equal(note.refund.refundId, 'R1642411016202');
  assert.equal(note.refund.amount, '4.99');
  assert.equal(note.refund.status, 'succeeded');
  assert.equal(note.ack.body, '{"code":"SUCCESS","msg":"Success"}');
}

test('every hostile case is a RefundKitError with a stable code and the field at fault', async () => {
  const clients = makeClients();
  for (const c of hostileCalls()) {
    assertRefundKitError(await thrown(() => c.call(clients[0])), c.codes, c.fields, c.what);
  }
  assertKnownGood(clients[0], clients[2]);
});

test('a typed array whose length lies gives its own bytes, no more and no fewer', () => {
  const client = new RefundClient(payermaxConfig());
  const note = client.verifyNotification({ headers: { sign: NOTIFICATION_SIGN }, body: lyingLength(NOTIFICATION_BODY) }, { now: NOW });
  assert.equal(note.refund.verified, true);
  assert.equal(note.refund.refundId, 'R1642411016202');
  // A Buffer (a Uint8Array over part of a larger pool) is read at its own offset and length.
  const pooled = Buffer.from(NOTIFICATION_BODY);
  assert.ok(pooled.byteOffset > 0 || pooled.buffer.byteLength > pooled.length, 'a pooled Buffer');
  assert.equal(client.verifyNotification({ headers: { sign: NOTIFICATION_SIGN }, body: pooled }, { now: NOW }).refund.verified, true);
  assertKnownGood(client, new RefundClient(wisepayConfig()));
});

test('each value is read once: a getter that changes its answer between reads changes nothing', () => {
  let reads = 0;
  const config = payermaxConfig();
  Object.defineProperty(config, 'gateway', {
    enumerable: true,
    get: () => (++reads === 1 ? 'payermax' : boom()),
  });
  const client = new RefundClient(config);
  assert.equal(reads, 1);
  let nowReads = 0;
  const opts = { get now() { return ++nowReads === 1 ? NOW : boom(); } };
  assert.equal(client.buildRefundQuery(queryInput, opts).body, vectors.payermax.body);
  assert.equal(nowReads, 1);
  let bodyReads = 0;
  const message = { headers: { sign: NOTIFICATION_SIGN }, get body() { return ++bodyReads === 1 ? NOTIFICATION_BODY : boom(); } };
  assert.equal(client.verifyNotification(message, { now: NOW }).refund.verified, true);
  assert.equal(bodyReads, 1);
});

test('after 10,000 hostile calls on several clients the instance is whole, the key never sits in wasm memory and a new client works', async () => {
  const clients = makeClients();
  const calls = hostileCalls();
  const lying = () => ({ headers: { sign: NOTIFICATION_SIGN }, body: lyingLength(NOTIFICATION_BODY) });
  let made = 0;
  for (let i = 0; made < 10_000; i += 1) {
    const client = clients[i % clients.length];
    const c = calls[i % calls.length];
    assertRefundKitError(await thrown(() => c.call(client)), c.codes, c.fields, c.what);
    // The typed array whose length lies, on the PayerMax clients: its bytes, verified.
    if (client !== clients[2]) assert.equal(client.verifyNotification(lying(), { now: NOW }).refund.verified, true);
    made += 2;
  }
  assertKnownGood(clients[0], clients[2]);
  assertKnownGood(clients[1], clients[2]);

  // In Node the key is a node:crypto KeyObject: the DER it was read from is wiped once imported.
  assert.ok(!keyInMemory(), 'the merchant key was left in wasm memory');
  for (const client of clients.slice(0, 2)) {
    client.free();
    client.fetching.free();
  }
  assert.ok(!keyInMemory(), 'free() left the merchant key in wasm memory');
  clients[2].free();
  clients[2].fetching.free();

  const fresh = new RefundClient(payermaxConfig());
  assertKnownGood(fresh, new RefundClient(wisepayConfig()));
  fresh.free();
});

// ---- body size -----------------------------------------------------------------------------------

const LIMIT = 4096;
/** A size that cannot fit in the wasm memory as it is now, so that copying it in must grow it. */
const beyondMemory = () => wasmMemory.buffer.byteLength + (8 << 20);

test('a body over maxBodyBytes is BODY_TOO_LARGE, refused before it is copied into wasm memory', async () => {
  const client = new RefundClient(payermaxConfig({ maxBodyBytes: LIMIT }));
  const huge = beyondMemory();
  const before = wasmMemory.buffer.byteLength;
  for (const [what, body] of [
    ['string', 'a'.repeat(huge)],
    ['Uint8Array', new Uint8Array(huge)],
    ['Buffer', Buffer.alloc(huge)],
    ['ArrayBuffer', new ArrayBuffer(huge)],
  ]) {
    for (const call of [
      () => client.parseRefundResponse({ status: 200, body }),
      () => client.parseRefundQueryResponse({ status: 200, body }),
      () => client.verifyNotification({ headers: {}, body }, { now: NOW }),
    ]) {
      assertRefundKitError(await thrown(call), ['BODY_TOO_LARGE'], undefined, what);
    }
  }
  assert.equal(wasmMemory.buffer.byteLength, before, 'a refused body was copied into wasm memory');
});

test('strings are measured in UTF-8 bytes: at the limit passes, one byte over is refused', async () => {
  const client = new RefundClient(payermaxConfig({ maxBodyBytes: LIMIT }));
  const parse = (body) => thrown(() => client.parseRefundResponse({ status: 200, body }));
  // 2048 characters of two UTF-8 bytes each: 4096 bytes, at the limit.
  assert.notEqual((await parse('é'.repeat(LIMIT / 2)))?.code, 'BODY_TOO_LARGE');
  assertRefundKitError(await parse(`${'é'.repeat(LIMIT / 2)}a`), ['BODY_TOO_LARGE'], undefined, 'one byte over');
  // 1366 characters of three bytes: under the limit in UTF-16 units, over it in UTF-8.
  assertRefundKitError(await parse('€'.repeat(1366)), ['BODY_TOO_LARGE'], undefined, 'three-byte characters');
  assertRefundKitError(await parse('😀'.repeat(LIMIT / 4 + 1)), ['BODY_TOO_LARGE'], undefined, 'surrogate pairs');
  assert.notEqual((await parse(new Uint8Array(LIMIT)))?.code, 'BODY_TOO_LARGE');
  assertRefundKitError(await parse(new Uint8Array(LIMIT + 1)), ['BODY_TOO_LARGE'], undefined, 'bytes');
});

test('refund() refuses an answer over maxBodyBytes: by Content-Length before reading it, by its size after', async () => {
  let read = false;
  let answer;
  const client = new RefundClient(payermaxConfig({ maxBodyBytes: LIMIT, fetch: async () => answer() }));
  const huge = beyondMemory();
  const before = wasmMemory.buffer.byteLength;
  answer = () => ({
    status: 200,
    headers: new Headers({ 'content-length': String(huge) }),
    arrayBuffer: async () => {
      read = true;
      return new ArrayBuffer(huge);
    },
  });
  assertRefundKitError(await thrown(() => client.refund(refundInput, { now: NOW })), ['BODY_TOO_LARGE'], undefined, 'Content-Length');
  assert.equal(read, false, 'the body was read although Content-Length was over the limit');
  answer = () => new Response(new Uint8Array(huge), { status: 200 });
  assertRefundKitError(await thrown(() => client.queryRefund(queryInput, { now: NOW })), ['BODY_TOO_LARGE'], undefined, 'a body without Content-Length');
  answer = () => ({ status: 200, headers: new Headers({ 'content-length': '10' }), arrayBuffer: async () => new ArrayBuffer(huge) });
  assertRefundKitError(await thrown(() => client.refund(refundInput, { now: NOW })), ['BODY_TOO_LARGE'], undefined, 'a Content-Length that lies');
  assert.equal(wasmMemory.buffer.byteLength, before, 'a refused answer was copied into wasm memory');
  // An answer within the limit still goes through.
  const body = JSON.stringify({ code: 'APPLY_SUCCESS', msg: '', data: { outRefundNo: 'R1642411016202', refundTradeNo: 'T9', status: 'REFUND_PENDING' } });
  answer = () => new Response(body, { status: 200, headers: { sign: rsaSign(keys.gatewayPrivate, body) } });
  assert.equal((await client.refund(refundInput, { now: NOW })).status, 'pending');
});
