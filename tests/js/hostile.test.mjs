// Hostile input, table-driven over every gateway in the build and every call: each bad value must
// give a RefundKitError with the right code and field, never any other error, never a crash of the
// wasm instance. After more than 10,000 such calls the same clients still reproduce the published
// vectors, and memory has stopped growing.
//
// Also: a key carrying a marker never shows up in anything thrown (message, JSON, stack).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bareKey as bare, importWatchingMemory, publishedConfigs, vectors } from './helpers.mjs';

// The package's WebAssembly memory, watched while the package loads.
const {
  refundkit: { RefundClient, RefundKitError },
  memory: wasmMemory,
} = await importWatchingMemory();


const MERCHANT_KEY = bare('merchant_test_key.pem');
const GATEWAY_PUBLIC_KEY = bare('gateway_test_key.pub.pem');
const NOW = 1_705_474_883_737;
const MB = 'A'.repeat(1 << 20);

// The WisePay and PayerMax clients use the published sample keys, so that the very clients that
// took the hostile calls can reproduce the published signatures at the end.
const gateways = {
  wisepay: {
    config: publishedConfigs.wisepay,
    refund: { refundId: 'R-2024_0001', originalOrderId: 'ORDER_0001', amount: '12.3', currency: 'USD' },
    query: { refundId: 'R-2024_0001' },
  },
  payermax: {
    config: publishedConfigs.payermax,
    refund: { refundId: 'R1642411016202', originalOrderId: 'P1642410680681', amount: '4.99', currency: 'USD' },
    query: { refundId: 'R1642411016202' },
  },
  bluepay: {
    config: {
      gateway: 'bluepay',
      appId: '733b887a4a784708bb369524db5b6ded',
      baseUrl: 'https://openapi.bluepay.test/',
      privateKey: MERCHANT_KEY,
      gatewayPublicKey: GATEWAY_PUBLIC_KEY,
    },
    refund: {
      refundId: 'refund488455057142',
      originalTransactionId: 'CU518563189147832780',
      amount: '100',
      currency: 'THB',
      reason: 'testRefund',
      notifyUrl: 'http://www.test.com',
    },
    query: { originalTransactionId: 'CU518563189147832780' },
  },
  bieases: {
    config: {
      gateway: 'bieases',
      environment: 'sandbox',
      merchantId: 'B131567545069',
      privateKey: MERCHANT_KEY,
      gatewayPublicKey: GATEWAY_PUBLIC_KEY,
      aesKey: '0123456789abcdef',
      aesIv: 'abcdef9876543210',
    },
    refund: {
      refundId: 'R-1001',
      originalTransactionId: '01J143NWJFNGBV2YB9ZRB9T7PS',
      amount: '10.50',
      currency: 'USD',
    },
    query: { gatewayRefundId: '2013112111001004500000675973' },
  },
};

/** The gateways this build has: a gateway left out of the build is refused by name. */
function gatewaysInBuild() {
  const found = [];
  for (const [id, g] of Object.entries(gateways)) {
    try {
      g.client = new RefundClient(g.config);
      found.push(id);
    } catch (e) {
      assert.ok(e instanceof RefundKitError, `${id}: ${e}`);
      assert.equal(e.field, 'gateway');
    }
  }
  return found;
}
const ids = gatewaysInBuild();

let calls = 0;

/** Runs fn (sync or async) and returns what it threw, or undefined. Counts the call. */
async function thrown(fn) {
  calls += 1;
  try {
    await fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/**
 * Asserts a RefundKitError with one of the codes and, when given, the field. `fields` may be a
 * string or a list of acceptable fields; `null` means the error names no field.
 */
function check(error, { codes, fields }, what) {
  assert.ok(error !== undefined, `${what}: expected ${codes.join('|')}, nothing was thrown`);
  assert.ok(
    error instanceof RefundKitError,
    `${what}: expected a RefundKitError, got ${error?.constructor?.name}: ${error?.message}`,
  );
  assert.ok(codes.includes(error.code), `${what}: code ${error.code} (${error.message}), expected ${codes.join('|')}`);
  if (fields !== undefined) {
    const allowed = Array.isArray(fields) ? fields : [fields];
    assert.ok(allowed.includes(error.field ?? null), `${what}: field ${error.field} (${error.message}), expected ${allowed.join('|')}`);
  }
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0 && error.message.length < 4096, `${what}: message of ${error.message.length} chars`);
}

// ---- value tables --------------------------------------------------------------------------------

const notStrings = [42, 0, -1, true, {}, [], ['R1'], { toString: () => 'R1' }, 1e21];
const controlTexts = ['R\r\n1', 'R\n1', 'R\u00001', 'R\t1', 'R\u007f1', 'R\u20281x'.slice(0, 2) + '\r'];
const badUrls = [
  'https://shop.example/notify\r\nSet-Cookie: a=b',
  'https://shop.example/\u0000',
  'javascript:alert(1)',
  'not a url',
  'ftp://shop.example/notify',
  '',
];
const badAmounts = [
  NaN, Infinity, -Infinity, 1.5, 1e21, -1, 0,
  '', '0', '0.00', '-1', '-0.01', '+1', '1e3', '1E-2', '1,00', ' 1', '1 ', '1.', '.5', '0x10', 'NaN', 'Infinity',
  '1.001', '1.0000000001', '99999999999999999999999999999999999999999', '1'.repeat(5000), '١٢', '１２',
  MB,
];
const badCurrencies = ['usd', 'US', 'USDD', 'XYZ', '', ' USD', 'US\nD', 42, null, {}, MB];

/** Every string field of a refund input, with what the library must call it. */
const refundStringFields = ['refundId', 'originalOrderId', 'originalTransactionId', 'reason'];

function refundCases(base) {
  const cases = [];
  const add = (name, input, codes, fields) => cases.push({ name, input, expect: { codes, fields } });
  for (const value of [undefined, null, 'R1', 42, [], [base], true]) {
    add(`input ${JSON.stringify(value)}`, value, ['INPUT_INVALID'], 'input');
  }
  for (const field of ['refundId', 'amount', 'currency']) {
    const { [field]: _, ...rest } = base;
    add(`missing ${field}`, rest, ['INPUT_INVALID', 'AMOUNT_INVALID'], field);
  }
  for (const field of [...refundStringFields, 'notifyUrl', 'currency']) {
    for (const value of notStrings) {
      add(`${field} = ${JSON.stringify(value)}`, { ...base, [field]: value }, ['INPUT_INVALID', 'AMOUNT_INVALID'], field);
    }
    add(`${field} of 1 MB`, { ...base, [field]: MB }, ['INPUT_INVALID', 'AMOUNT_INVALID'], field);
  }
  for (const field of refundStringFields) {
    for (const value of controlTexts) {
      add(`${field} with control characters ${JSON.stringify(value)}`, { ...base, [field]: value }, ['INPUT_INVALID'], field);
    }
  }
  add('empty refundId', { ...base, refundId: '' }, ['INPUT_INVALID'], 'refundId');
  for (const url of badUrls.filter(Boolean)) {
    add(`notifyUrl ${JSON.stringify(url)}`, { ...base, notifyUrl: url }, ['INPUT_INVALID'], 'notifyUrl');
  }
  for (const amount of badAmounts) {
    add(`amount ${String(amount).slice(0, 40)}`, { ...base, amount }, ['AMOUNT_INVALID', 'INPUT_INVALID'], 'amount');
  }
  for (const currency of badCurrencies) {
    add(`currency ${JSON.stringify(currency)?.slice(0, 20)}`, { ...base, currency }, ['AMOUNT_INVALID', 'INPUT_INVALID'], 'currency');
  }
  add('unknown key', { ...base, colour: 'red' }, ['INPUT_INVALID'], 'colour');
  add('empty key', { ...base, '': 'x' }, ['INPUT_INVALID'], '(empty key)');
  add('long key', { ...base, ['k'.repeat(100)]: 'x' }, ['INPUT_INVALID'], '(unprintable key)');
  const json = JSON.stringify(base).slice(0, -1);
  add('__proto__ key', JSON.parse(`${json},"__proto__":{"amount":"1"}}`), ['INPUT_INVALID'], '__proto__');
  add('constructor key', JSON.parse(`${json},"constructor":{"prototype":{}}}`), ['INPUT_INVALID'], 'constructor');
  add('prototype key', JSON.parse(`${json},"prototype":"x"}`), ['INPUT_INVALID'], 'prototype');
  for (const extra of ['x', 42, [], [1]]) {
    add(`extra ${JSON.stringify(extra)}`, { ...base, extra }, ['INPUT_INVALID'], ['extra']);
  }
  const cyclic = { ...base };
  cyclic.extra = { self: cyclic };
  add('cyclic input', cyclic, ['INPUT_INVALID'], undefined);
  add('BigInt amount', { ...base, amount: 10n }, ['INPUT_INVALID', 'AMOUNT_INVALID'], undefined);
  return cases;
}

function queryCases(base) {
  const cases = [];
  const add = (name, input, codes, fields) => cases.push({ name, input, expect: { codes, fields } });
  for (const value of [undefined, null, 'R1', 42, [], true]) {
    add(`query ${JSON.stringify(value)}`, value, ['INPUT_INVALID'], 'query');
  }
  add('empty query', {}, ['INPUT_INVALID'], undefined);
  for (const field of ['refundId', 'gatewayRefundId', 'originalTransactionId']) {
    for (const value of notStrings) {
      add(`${field} = ${JSON.stringify(value)}`, { ...base, [field]: value }, ['INPUT_INVALID'], field);
    }
    add(`${field} of 1 MB`, { ...base, [field]: MB }, ['INPUT_INVALID'], field);
    for (const value of controlTexts) {
      add(`${field} ${JSON.stringify(value)}`, { ...base, [field]: value }, ['INPUT_INVALID'], field);
    }
  }
  add('unknown key', { ...base, colour: 'red' }, ['INPUT_INVALID'], 'colour');
  add('empty key', { ...base, '': 'x' }, ['INPUT_INVALID'], '(empty key)');
  const json = JSON.stringify(base).slice(0, -1);
  add('__proto__ key', JSON.parse(`${json},"__proto__":{"refundId":"R9"}}`), ['INPUT_INVALID'], '__proto__');
  add('constructor key', JSON.parse(`${json},"constructor":"x"}`), ['INPUT_INVALID'], 'constructor');
  return cases;
}

const badOpts = [
  { opts: 'now', field: 'opts' },
  { opts: 42, field: 'opts' },
  { opts: { now: NaN }, field: 'now' },
  { opts: { now: Infinity }, field: 'now' },
  { opts: { now: -1 }, field: 'now' },
  { opts: { now: 1.5 }, field: 'now' },
  { opts: { now: '1705474883737' }, field: 'now' },
  { opts: { now: 1e300 }, field: 'now' },
];

/** Received messages (responses and notifications): the envelope's own errors name a field. */
function envelopeCases(what) {
  const cases = [];
  const add = (name, message, codes, fields) => cases.push({ name, message, expect: { codes, fields } });
  for (const value of [undefined, null, 'x', 42, true]) {
    add(`${what} ${JSON.stringify(value)}`, value, ['INPUT_INVALID'], ['response', 'request', what]);
  }
  for (const body of [undefined, null, 42, {}, { code: '0' }, [], true]) {
    add(`body ${JSON.stringify(body)}`, { status: 200, body }, ['INPUT_INVALID'], 'body');
  }
  for (const status of ['200', 99, 600, 200.5, NaN, -1, {}]) {
    add(`status ${String(status)}`, { status, body: '{}' }, ['INPUT_INVALID'], 'status');
  }
  for (const headers of ['sign: x', 42, { sign: 42 }, { sign: {} }, { sign: [1] }]) {
    add(`headers ${JSON.stringify(headers)}`, { status: 200, headers, body: '{}' }, ['INPUT_INVALID'], 'headers');
  }
  return cases;
}

/** Received bodies that are wrong in content: refused with a received-data code, no input field. */
const receivedCodes = [
  'RESPONSE_MALFORMED',
  'SIGNATURE_MISSING',
  'SIGNATURE_INVALID',
  'DECRYPT_FAILED',
  'GATEWAY_ERROR',
  'TIMESTAMP_OUT_OF_WINDOW',
];
/** The default maxBodyBytes: longer bodies are refused before anything reads them. */
const DEFAULT_MAX_BODY_BYTES = 1 << 20;
const byteLength = (body) => (typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
const hostileBodies = [
  ['empty string', ''],
  ['1 MB string', MB],
  ['1 MB JSON string', JSON.stringify({ code: '0', data: MB })],
  ['invalid UTF-8 bytes', new Uint8Array([0xff, 0xfe, 0x80, 0x7b, 0x22, 0xc3, 0x28])],
  ['invalid UTF-8 inside JSON', new Uint8Array([...Buffer.from('{"code":"'), 0xc3, 0x28, ...Buffer.from('"}')])],
  ['empty bytes', new Uint8Array(0)],
  ['ArrayBuffer of garbage', new Uint8Array([1, 2, 3, 4]).buffer],
  ['JSON array', '[1,2,3]'],
  ['JSON string', '"hello"'],
  ['deep nesting', '['.repeat(100000)],
  ['deep object nesting', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)],
  ['__proto__ body', '{"__proto__":{"code":"0","sign":"x"},"constructor":{"prototype":{}}}'],
  ['duplicate keys', '{"code":"0","code":"APPLY_SUCCESS","code":10000,"code":20000}'],
  ['forged sign field', '{"code":"0","data":"{}","sign":"AAAA","param":"{}","body":"AAAA"}'],
  ['huge number', '{"code":1' + '0'.repeat(10000) + '}'],
  ['NaN literal', '{"code":NaN}'],
  ['form data', 'trans_status=2&sign=AAAA&%zz=1'],
  ['control characters', '{"code":"0\u0000\r\n"}'],
  ['lone surrogate', '{"code":"\\ud800"}'],
];
const hostileHeaders = [
  {},
  { sign: 'AAAA' },
  { Sign: '' },
  { sign: ['a', 'b'] },
  { 'content-type': 'application/x-www-form-urlencoded' },
  { 'content-type': 'application/json', sign: MB },
];

/** Config cases for the constructor. */
function configCases(config) {
  const cases = [];
  const add = (name, value, codes, fields) => cases.push({ name, config: value, expect: { codes, fields } });
  add('unknown key', { ...config, colour: 'red' }, ['CONFIG_INVALID'], 'colour');
  add('empty key', { ...config, '': 'x' }, ['CONFIG_INVALID'], '(empty key)');
  add('control characters in a key', { ...config, 'a\r\nb': 'x' }, ['CONFIG_INVALID'], '(unprintable key)');
  const json = JSON.stringify(config).slice(0, -1);
  add('__proto__ key', JSON.parse(`${json},"__proto__":{"baseUrl":"https://evil.example"}}`), ['CONFIG_INVALID'], '__proto__');
  add('constructor key', JSON.parse(`${json},"constructor":{"prototype":{"x":1}}}`), ['CONFIG_INVALID'], 'constructor');
  for (const key of Object.keys(config).filter((k) => k !== 'gateway')) {
    const { [key]: _, ...rest } = config;
    // Without `environment` the base URL is what is missing.
    const fields = key === 'environment' ? ['environment', 'baseUrl'] : [key];
    if (!(key === 'baseUrl' && 'environment' in config)) {
      add(`missing ${key}`, rest, ['CONFIG_INVALID', 'KEY_INVALID'], fields);
    }
    for (const value of [42, true, {}, [], [config[key]]]) {
      add(`${key} = ${JSON.stringify(value)}`, { ...config, [key]: value }, ['CONFIG_INVALID', 'KEY_INVALID'], key);
    }
    add(`${key} of 1 MB`, { ...config, [key]: MB }, ['CONFIG_INVALID', 'KEY_INVALID'], key);
    add(`${key} with CR/LF`, { ...config, [key]: `${config[key]}\r\nX: y` }, ['CONFIG_INVALID', 'KEY_INVALID'], key);
  }
  for (const url of badUrls.filter(Boolean)) {
    add(`baseUrl ${JSON.stringify(url)}`, { ...config, baseUrl: url }, ['CONFIG_INVALID'], 'baseUrl');
  }
  for (const gateway of ['WisePay', 'nope', '', 42, null, ['wisepay'], '__proto__']) {
    add(`gateway ${JSON.stringify(gateway)}`, { ...config, gateway }, ['CONFIG_INVALID'], 'gateway');
  }
  for (const value of [undefined, null, 'wisepay', 42, [], [config]]) {
    add(`config ${JSON.stringify(value)}`, value, ['CONFIG_INVALID'], undefined);
  }
  return cases;
}

// ---- the runs --------------------------------------------------------------------------------

/** One pass of every hostile call over every gateway; returns how many calls it made. */
async function hostilePass() {
  const before = calls;
  for (const id of ids) {
    const g = gateways[id];
    const client = g.client;
    for (const c of configCases(g.config)) {
      check(await thrown(() => new RefundClient(c.config)), c.expect, `${id} new RefundClient: ${c.name}`);
    }
    for (const c of refundCases(g.refund)) {
      check(await thrown(() => client.buildRefund(c.input, { now: NOW })), c.expect, `${id} buildRefund: ${c.name}`);
      check(await thrown(() => client.buildRefundAsync(c.input, { now: NOW })), c.expect, `${id} buildRefundAsync: ${c.name}`);
    }
    for (const c of queryCases(g.query)) {
      check(await thrown(() => client.buildRefundQuery(c.input, { now: NOW })), c.expect, `${id} buildRefundQuery: ${c.name}`);
    }
    for (const { opts, field } of badOpts) {
      const expect = { codes: ['INPUT_INVALID'], fields: field };
      check(await thrown(() => client.buildRefund(g.refund, opts)), expect, `${id} buildRefund opts ${JSON.stringify(opts)}`);
      check(await thrown(() => client.buildRefundAsync(g.refund, opts)), expect, `${id} buildRefundAsync opts`);
      check(await thrown(() => client.buildRefundQuery(g.query, opts)), expect, `${id} buildRefundQuery opts`);
      const notification = { headers: {}, body: '{}' };
      check(await thrown(() => client.verifyNotification(notification, opts)), expect, `${id} verifyNotification opts`);
    }
    const receivers = [
      ['parseRefundResponse', (m) => client.parseRefundResponse(m)],
      ['parseRefundQueryResponse', (m) => client.parseRefundQueryResponse(m)],
      ['verifyNotification', (m) => client.verifyNotification(m, { now: NOW })],
    ];
    for (const [name, call] of receivers) {
      for (const c of envelopeCases(name === 'verifyNotification' ? 'request' : 'response')) {
        check(await thrown(() => call(c.message)), c.expect, `${id} ${name}: ${c.name}`);
      }
      for (const [bodyName, body] of hostileBodies) {
        for (const headers of hostileHeaders) {
          for (const status of [200, 500, undefined]) {
            const what = `${id} ${name}: ${bodyName} ${JSON.stringify(headers).slice(0, 60)} status ${status}`;
            let result;
            const error = await thrown(() => {
              result = call({ status, headers, body });
            });
            if (error === undefined && name !== 'verifyNotification') {
              // A gateway whose answers are unsigned (BluePay, BIEASES plain data) may map such a
              // body, but never as verified; nothing here is signed.
              for (const r of [result].flat()) assert.equal(r.verified, false, `${what}: an unsigned body verified`);
              continue;
            }
            const codes = byteLength(body) > DEFAULT_MAX_BODY_BYTES ? ['BODY_TOO_LARGE'] : receivedCodes;
            check(error, { codes, fields: [null] }, what);
          }
        }
      }
    }
  }
  return calls - before;
}

/** The published vectors, through the very clients that took the hostile calls. */
function assertVectorsReproduce() {
  if (ids.includes('wisepay')) {
    const v = vectors.wisepay;
    const request = gateways.wisepay.client.buildRefundQuery({ refundId: v.merchantOrderNo }, { now: v.timestamp });
    assert.equal(JSON.parse(request.body).sign, v.sign);
  }
  if (ids.includes('payermax')) {
    const v = vectors.payermax;
    const request = gateways.payermax.client.buildRefundQuery({ refundId: v.refundId }, { now: v.nowMs });
    assert.equal(request.body, v.body);
    assert.equal(request.headers.sign, v.sign);
  }
  // Every client still builds a valid request.
  for (const id of ids) {
    const request = gateways[id].client.buildRefund(gateways[id].refund, { now: NOW });
    assert.equal(request.method, 'POST');
  }
}

test('the gateways in this build all take part', () => {
  assert.ok(ids.length >= 1, 'no gateway in the build');
  assertVectorsReproduce();
});

test('hostile input gives RefundKitError with the right code and field; after 10,000 calls the vectors still reproduce and memory is flat', async () => {
  const samples = [];
  const sample = () => {
    globalThis.gc?.();
    samples.push({ rss: process.memoryUsage().rss, wasm: wasmMemory.buffer.byteLength });
  };
  let total = 0;
  const batches = [];
  while (total < 10_000 || batches.length < 3) {
    const made = await hostilePass();
    total += made;
    batches.push(made);
    sample();
  }
  assert.ok(total >= 10_000, `only ${total} calls`);
  assertVectorsReproduce();

  // Memory: the wasm linear memory grows to its high-water mark in the first pass (1 MB strings
  // are copied in) and never shrinks; a leak shows as growth after that. Compare the second and the
  // last batch: the linear memory must not have grown at all, and rss (V8's own heap breathes a
  // little) by no more than a margin.
  const second = samples[1];
  const last = samples[samples.length - 1];
  const mib = (n) => (n / 2 ** 20).toFixed(1);
  const note = `after ${total} calls in ${batches.length} batches: wasm memory ${mib(second.wasm)} -> ${mib(last.wasm)} MiB, rss ${mib(second.rss)} -> ${mib(last.rss)} MiB`;
  console.log(note);
  assert.equal(last.wasm, second.wasm, `wasm memory grew: ${note}`);
  assert.ok(last.rss - second.rss <= 64 * 2 ** 20, `rss grew: ${note}`);
});

test('a key with a marker never appears in anything thrown', async () => {
  const marker = 'SECRETMARKERx9Q';
  const pemBody = MERCHANT_KEY;
  const half = pemBody.length >> 1;
  const marked = [
    pemBody.slice(0, half) + marker + pemBody.slice(half),
    `-----BEGIN PRIVATE KEY-----${pemBody.slice(0, half)}${marker}${pemBody.slice(half)}-----END PRIVATE KEY-----`,
    `-----BEGIN ${marker} PRIVATE KEY-----${pemBody}-----END PRIVATE KEY-----`,
    `Comment: ${marker} ${pemBody}`,
    marker,
    `${marker}${pemBody}`,
    `-----BEGIN PRIVATE KEY-----\n${pemBody}\n-----END PRIVATE KEY-----\n${marker}`,
  ];
  const shown = (e) => [e.message, String(e), e.stack, JSON.stringify(e), JSON.stringify(Object.entries(e)), e.field ?? ''].join('\n');
  let refused = 0;
  for (const id of ids) {
    for (const field of ['privateKey', 'gatewayPublicKey']) {
      for (const text of marked) {
        const error = await thrown(() => new RefundClient({ ...gateways[id].config, [field]: text }));
        // Every marked text is refused: a label must name what the DER is, and nothing may stand
        // around the one PEM block.
        assert.ok(error !== undefined, `${id} ${field}: a marked key was accepted`);
        refused += 1;
        assert.ok(error instanceof RefundKitError, `${id}: ${error}`);
        assert.equal(error.field, field);
        const all = shown(error);
        assert.ok(!all.includes(marker), `${id} ${field}: the marker leaked: ${all}`);
        for (let i = 0; i + 16 <= pemBody.length; i += 16) {
          assert.ok(!all.includes(pemBody.slice(i, i + 16)), `${id} ${field}: key text leaked`);
        }
      }
    }
  }
  assert.equal(refused, ids.length * 2 * marked.length);
});
