// Errors carry their facts as fields: `status` (the HTTP status of the answer), `delivery` (whether
// the request may have reached the gateway) and the standard `cause`. Each row of the delivery table
// (src/error.rs, `Delivery`) is played here through a config.fetch that fails in that one way.
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { test } from 'node:test';
import { RefundClient, RefundKitError } from 'refundkit';
import { NOW, gateways } from './gateway-doubles.mjs';
import { keys, rejectsWith } from './helpers.mjs';

const payermax = gateways.payermax;

/** A PayerMax client whose fetch is `fetch`, counting its calls in `calls.count`. */
function clientWith(fetch, extra = {}) {
  const calls = { count: 0 };
  const counted = fetch && ((...args) => {
    calls.count += 1;
    return fetch(...args);
  });
  const client = new RefundClient({
    gateway: 'payermax',
    baseUrl: 'https://gateway.test/payermax',
    privateKey: keys.merchantPrivate,
    gatewayPublicKey: keys.gatewayPublic,
    ...payermax.config,
    ...(counted ? { fetch: counted } : {}),
    ...extra,
  });
  return { client, calls };
}

/** A real `Response` with the answer's status, headers and body. */
const respond = ({ status, headers, body }) => new Response(body, { status, headers });

const refund = (client, input = payermax.input) => client.refund(input, { now: NOW });

/** A value thrown or rejected by a fetch, to be found again as the error's cause. */
const networkFailure = () => new TypeError('fetch failed');

test('RefundKitError takes cause as the standard Error cause and the other facts as fields', () => {
  const cause = networkFailure();
  const e = new RefundKitError('TRANSPORT', 'no answer', { cause, status: 502, delivery: 'unknown', field: 'x' });
  assert.equal(e.cause, cause);
  assert.equal(Object.getOwnPropertyDescriptor(e, 'cause').enumerable, false, 'cause is set as Error sets it');
  assert.deepEqual({ status: e.status, delivery: e.delivery, field: e.field }, { status: 502, delivery: 'unknown', field: 'x' });
  const plain = new RefundKitError('INPUT_INVALID', 'bad');
  assert.equal('cause' in plain, false);
  assert.equal(plain.delivery, undefined);
  assert.equal('cause' in new RefundKitError('TRANSPORT', 'm', { status: 500 }), false);
});

test('not-sent: an input refused before building never reaches fetch', async () => {
  const { client, calls } = clientWith(async () => respond(payermax.answer(false)));
  const e = await rejectsWith(assert, RefundKitError, () => refund(client, { ...payermax.input, amount: 9.9 }), 'AMOUNT_INVALID', 'amount');
  assert.equal(e.delivery, 'not-sent');
  assert.equal(e.status, undefined);
  const q = await rejectsWith(assert, RefundKitError, () => client.queryRefund({}, { now: NOW }), 'INPUT_INVALID');
  assert.equal(q.delivery, 'not-sent');
  assert.equal(calls.count, 0);
});

test('not-sent: a request that cannot be signed never reaches fetch', async () => {
  const der = createPrivateKey(keys.merchantPrivate).export({ type: 'pkcs8', format: 'der' });
  const wrongHash = await crypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }, false, ['sign']);
  const { client, calls } = clientWith(async () => respond(payermax.answer(false)), { privateKey: wrongHash });
  const e = await rejectsWith(assert, RefundKitError, () => refund(client), 'KEY_INVALID', 'privateKey');
  assert.equal(e.delivery, 'not-sent');
  assert.equal(calls.count, 0);
});

test('not-sent: without a global fetch or config.fetch nothing is sent', async () => {
  const { client } = clientWith(undefined);
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  delete globalThis.fetch;
  try {
    const e = await rejectsWith(assert, RefundKitError, () => refund(client), 'CONFIG_INVALID', 'fetch');
    assert.equal(e.delivery, 'not-sent');
  } finally {
    Object.defineProperty(globalThis, 'fetch', descriptor);
  }
});

test('unknown: a fetch that throws, or rejects, gives TRANSPORT with what it threw as the cause', async () => {
  for (const [what, fails] of [
    ['throws', (thrown) => () => { throw thrown; }],
    ['rejects', (thrown) => async () => { throw thrown; }],
  ]) {
    const thrown = networkFailure();
    const { client, calls } = clientWith(fails(thrown));
    const e = await rejectsWith(assert, RefundKitError, () => refund(client), 'TRANSPORT');
    assert.equal(e.delivery, 'unknown', what);
    assert.equal(e.cause, thrown, what);
    assert.equal(e.status, undefined, what);
    assert.equal(calls.count, 1, what);
  }
});

test('unknown: a timeout aborts fetch, and the abort is the cause', async () => {
  let reason;
  const { client } = clientWith((url, init) => new Promise((resolve, reject) => {
    init.signal.addEventListener('abort', () => {
      reason = init.signal.reason;
      reject(reason);
    });
  }), { timeoutMs: 20 });
  const e = await rejectsWith(assert, RefundKitError, () => refund(client), 'TRANSPORT');
  assert.match(e.message, /within 20 ms/);
  assert.equal(e.delivery, 'unknown');
  assert.ok(reason, 'the fetch was aborted');
  assert.equal(e.cause, reason);
});

test('unknown: what fetch resolves to cannot be read as a Response', async () => {
  const bodyFailure = networkFailure();
  const statusFailure = networkFailure();
  const cases = [
    ['not an object', async () => 42, undefined, undefined],
    ['a status getter that throws', async () => ({ get status() { throw statusFailure; } }), undefined, statusFailure],
    ['a body that cannot be read', async () => ({ status: 200, headers: new Headers(), arrayBuffer: async () => { throw bodyFailure; } }), 200, bodyFailure],
  ];
  for (const [what, fetch, status, cause] of cases) {
    const { client } = clientWith(fetch);
    const e = await rejectsWith(assert, RefundKitError, () => refund(client), 'TRANSPORT');
    assert.equal(e.delivery, 'unknown', what);
    assert.equal(e.status, status, what);
    assert.equal(e.cause, cause, what);
  }
});

test('unknown: an answer over maxBodyBytes keeps its status', async () => {
  const { client } = clientWith(async () => new Response('x'.repeat(2048), { status: 200, headers: { 'content-length': '2048' } }), { maxBodyBytes: 1024 });
  const e = await rejectsWith(assert, RefundKitError, () => refund(client), 'BODY_TOO_LARGE');
  assert.equal(e.delivery, 'unknown');
  assert.equal(e.status, 200);
});

test('unknown: an HTTP error page is TRANSPORT with its status, and the parse failure as its cause', async () => {
  const { client } = clientWith(async () => new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }));
  const e = await rejectsWith(assert, RefundKitError, () => refund(client), 'TRANSPORT');
  assert.equal(e.status, 502);
  assert.equal(e.delivery, 'unknown');
  assert.ok(e.cause instanceof RefundKitError);
  assert.equal(e.cause.code, 'RESPONSE_MALFORMED');
  assert.equal(e.cause.delivery, undefined);
});

test('unknown: an answer that cannot be parsed or verified keeps its status', async () => {
  const answer = payermax.answer(false);
  const cases = [
    ['RESPONSE_MALFORMED', { ...answer, body: 'not json' }],
    ['SIGNATURE_MISSING', { ...answer, headers: { 'content-type': 'application/json' } }],
    ['SIGNATURE_INVALID', { ...answer, body: answer.body.replace('R100', 'R101') }],
  ];
  for (const [code, changed] of cases) {
    const { client } = clientWith(async () => respond(changed));
    const e = await rejectsWith(assert, RefundKitError, () => refund(client), code);
    assert.equal(e.delivery, 'unknown', code);
    assert.equal(e.status, 200, code);
  }
});

test('refused: the gateway answered that it refused the request', async () => {
  const body = JSON.stringify({ code: 'ORDER_NOT_EXIST', msg: 'no such order' });
  for (const status of [200, 400]) {
    const { client } = clientWith(async () => new Response(body, { status, headers: { 'content-type': 'application/json' } }));
    const e = await rejectsWith(assert, RefundKitError, () => refund(client), 'GATEWAY_ERROR');
    assert.equal(e.delivery, 'refused');
    assert.equal(e.status, status);
    assert.equal(e.gatewayCode, 'ORDER_NOT_EXIST');
    const q = await rejectsWith(assert, RefundKitError, () => client.queryRefund(payermax.query, { now: NOW }), 'GATEWAY_ERROR');
    assert.equal(q.delivery, 'refused');
  }
});

test('build, parse and verify calls send nothing and leave status and delivery out', async () => {
  const { client } = clientWith(async () => respond(payermax.answer(false)));
  const body = JSON.stringify({ code: 'ORDER_NOT_EXIST', msg: 'no such order' });
  const errors = [
    await rejectsWith(assert, RefundKitError, () => client.parseRefundResponse({ status: 400, body }), 'GATEWAY_ERROR'),
    await rejectsWith(assert, RefundKitError, () => client.parseRefundResponse({ status: 200, body: 'x' }), 'RESPONSE_MALFORMED'),
    await rejectsWith(assert, RefundKitError, () => client.buildRefund({ ...payermax.input, amount: 1 }, { now: NOW }), 'AMOUNT_INVALID'),
    await rejectsWith(assert, RefundKitError, () => client.buildRefundAsync({ ...payermax.input, amount: 1 }, { now: NOW }), 'AMOUNT_INVALID'),
  ];
  for (const e of errors) {
    assert.equal('delivery' in e, false, e.message);
    assert.equal('status' in e, false, e.message);
    assert.equal('cause' in e, false, e.message);
  }
});

test('the same client resolves with the result when the answer is good', async () => {
  const { client, calls } = clientWith(async () => respond(payermax.answer(false)));
  const result = await refund(client);
  assert.equal(result.status, 'pending');
  assert.equal(calls.count, 1);
});
