// WisePay Cloud / N-age through the built package: what crosses the JavaScript boundary. Requests
// are checked with node:crypto over the plain-JS canonical string; responses and notifications are
// signed with node:crypto by the test gateway key. The canonical string, the published vector,
// amounts and status words are held to the gateway's rules in tests/wisepay.rs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RefundClient, RefundKitError } from 'refundkit';
import { bareKey, canonical, keys, rsaSign, rsaVerify, throwsWith, vectors } from './helpers.mjs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../../www/sandbox/index.mjs';

const vector = vectors.wisepay;
const NOW = vector.timestamp;

function makeClient(overrides = {}) {
  return new RefundClient({
    gateway: 'wisepay',
    environment: 'sg-sandbox',
    appId: vector.appId,
    merchantNo: vector.merchantNo,
    privateKey: bareKey('merchant_test_key.pem'),
    gatewayPublicKey: bareKey('gateway_test_key.pub.pem'),
    ...overrides,
  });
}

function assertSignedByMerchant(request) {
  const body = JSON.parse(request.body);
  for (const value of Object.values(body)) assert.equal(typeof value, 'string');
  assert.equal(body.sign.length, 344);
  assert.ok(rsaVerify(keys.merchantPublic, canonical(body), body.sign), `signature does not verify over ${canonical(body)}`);
  return body;
}

function gatewaySign(fields, key = keys.gatewayPrivate) {
  return rsaSign(key, canonical(fields));
}

/** A JSON body of `fields` (in their order) with sign appended. */
function signedBody(fields, key) {
  return JSON.stringify({ ...fields, sign: gatewaySign(fields, key) });
}

const jsonResponse = (body) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body,
});

// -------------------------------------------------------------------------------------------------
// Requests

test('refund requests verify with node:crypto, with &, =, spaces and Japanese text', () => {
  const client = makeClient();
  const reasons = [
    '返品のため 全額返金',
    'a&b',
    'x=y',
    'a & b = c',
    'A & B=C &D E=F',
    '  spaced  out  ',
    '商品&サービス=返金 テスト',
    'emoji 🎌 and "quotes" \\ backslash',
  ];
  for (const reason of reasons) {
    const request = client.buildRefund(
      {
        refundId: 'RF_2024-08|07*A@1',
        originalOrderId: 'ORDER_1',
        originalTransactionId: '2024080600009',
        amount: '1000',
        currency: 'JPY',
        reason,
        notifyUrl: 'https://shop.example/wisepay/notify',
        extra: { ext_params: `{"note":"${reason.replace(/["\\]/g, '')}"}`, attach: 'k=v& k2=v 2' },
      },
      { now: NOW },
    );
    assert.equal(request.url, 'https://wiseasy-open.sg.wisepaycloud.com/api/entry/refund');
    const body = assertSignedByMerchant(request);
    assert.equal(body.description, reason);
    assert.equal(body.method, 'order.refund.submit');
    assert.equal(body.merchant_order_no, 'RF_2024-08|07*A@1');
    assert.equal(body.orig_merchant_order_no, 'ORDER_1');
    assert.equal(body.orig_trans_no, '2024080600009');
    assert.equal(body.order_amount, '1000');
    assert.equal(body.price_currency, 'JPY');
    assert.equal(body.notify_url, 'https://shop.example/wisepay/notify');
    assert.equal(body.attach, 'k=v& k2=v 2');
    assert.equal(body.timestamp, String(NOW));
  }
});

test('the async build signs the same bytes', async () => {
  const client = makeClient();
  const input = { refundId: 'R1', originalOrderId: 'O1', amount: '9.90', currency: 'SGD', reason: '返金 & more' };
  const sync = client.buildRefund(input, { now: NOW });
  const viaAsync = await client.buildRefundAsync(input, { now: NOW });
  assert.deepEqual(viaAsync, sync);
  assert.equal(sync.headers['Content-Type'], 'application/json; charset=UTF-8');
  assert.equal(JSON.parse(sync.body).timestamp, String(NOW));
  assertSignedByMerchant(viaAsync);
});

test('invalid input is refused with the field named', () => {
  const client = makeClient();
  const base = { refundId: 'R1', originalOrderId: 'O1', amount: '1', currency: 'JPY' };
  const cases = [
    [{ refundId: 'x'.repeat(33) }, 'INPUT_INVALID', 'refundId'],
    [{ refundId: 'R 1' }, 'INPUT_INVALID', 'refundId'],
    [{ refundId: 'R&1' }, 'INPUT_INVALID', 'refundId'],
    [{ refundId: 'R\n1' }, 'INPUT_INVALID', 'refundId'],
    [{ reason: 'a\u0000b' }, 'INPUT_INVALID', 'reason'],
    [{ originalOrderId: undefined }, 'INPUT_INVALID', 'originalOrderId'],
    [{ notifyUrl: 'https://shop.example/n?x=1' }, 'INPUT_INVALID', 'notifyUrl'],
    [{ extra: { merchant_no: '1' } }, 'INPUT_INVALID', 'extra.merchant_no'],
    [{ extra: { sign: 'x' } }, 'INPUT_INVALID', 'extra.sign'],
    [{ extra: { app_id: 'x' } }, 'INPUT_INVALID', 'extra.app_id'],
    [{ extra: { order_amount: '1' } }, 'INPUT_INVALID', 'extra.order_amount'],
    [{ extra: { note: 5 } }, 'INPUT_INVALID', 'extra.note'],
    [{ extra: { 'a=b': 'x' } }, 'INPUT_INVALID', 'extra'],
    [{ extra: { Order_amount: '1' } }, 'INPUT_INVALID', 'extra.Order_amount'],
    [{ reason: 'x&trans_status=2' }, 'INPUT_INVALID', 'reason'],
    [{ extra: { attach: 'k=v&k2=v' } }, 'INPUT_INVALID', 'extra.attach'],
    [{ notifyUrl: 'https://shop.example/n&trans_status=2' }, 'INPUT_INVALID', 'notifyUrl'],
    [{ amount: '1.5' }, 'AMOUNT_INVALID', 'amount'],
  ];
  for (const [change, code, field] of cases) {
    throwsWith(assert, RefundKitError, () => client.buildRefund({ ...base, ...change }, { now: NOW }), code, field);
  }
  throwsWith(assert, RefundKitError, 
    () => client.buildRefundQuery({ originalTransactionId: '1' }, { now: NOW }),
    'INPUT_INVALID',
    'refundId',
  );
  throwsWith(assert, RefundKitError, () => makeClient({ merchantNo: undefined }), 'CONFIG_INVALID', 'merchantNo');
  throwsWith(assert, RefundKitError, () => makeClient({ environment: 'sandbox' }), 'CONFIG_INVALID', 'environment');
});

// -------------------------------------------------------------------------------------------------
// Responses

const queryData = {
  trans_no: '2024080700001',
  orig_trans_no: '2024080600009',
  merchant_order_no: 'R-2024_0001',
  trans_status: '2',
  price_currency: 'USD',
  order_amount: '12.3',
  trans_end_time: '2024-08-07 06:36:36',
};
const queryEnvelope = () => ({
  code: '0',
  msg: 'success',
  psn: '08071436360012345678',
  data: JSON.stringify(queryData),
});

test('a signed query response parses, from a string or from bytes', () => {
  const client = makeClient();
  const body = signedBody(queryEnvelope());
  for (const response of [
    jsonResponse(body),
    { status: 200, headers: new Headers({ 'Content-Type': 'application/json' }), body: new TextEncoder().encode(body) },
  ]) {
    const [result] = client.parseRefundQueryResponse(response);
    assert.equal(result.gateway, 'wisepay');
    assert.equal(result.status, 'succeeded');
    assert.equal(result.gatewayStatus, '2');
    assert.equal(result.refundId, 'R-2024_0001');
    assert.equal(result.gatewayRefundId, '2024080700001');
    assert.equal(result.originalTransactionId, '2024080600009');
    assert.equal(result.amount, '12.30');
    assert.equal(result.currency, 'USD');
    assert.equal(result.completedAt, '2024-08-07T06:36:36Z');
    assert.equal(result.verified, true);
    assert.equal(result.raw.psn, '08071436360012345678');
  }
});

test('changing, adding or removing anything, or another key, is refused; key order is free', () => {
  const client = makeClient();
  const envelope = queryEnvelope();
  const signature = gatewaySign(envelope);
  const parse = (fields) => client.parseRefundQueryResponse(jsonResponse(JSON.stringify(fields)));

  for (const key of ['msg', 'psn', 'data']) {
    const changed = { ...envelope, sign: signature };
    changed[key] = key === 'data' ? envelope.data.replace('12.3', '99.3') : `${envelope[key]}x`;
    throwsWith(assert, RefundKitError, () => parse(changed), 'SIGNATURE_INVALID');
  }
  throwsWith(assert, RefundKitError, () => parse({ ...envelope, extra_field: '1', sign: signature }), 'SIGNATURE_INVALID');
  const { psn, ...withoutPsn } = envelope;
  assert.ok(psn);
  throwsWith(assert, RefundKitError, () => parse({ ...withoutPsn, sign: signature }), 'SIGNATURE_INVALID');
  throwsWith(assert, RefundKitError, () => parse(envelope), 'SIGNATURE_MISSING');
  throwsWith(assert, RefundKitError, () => parse({ ...envelope, sign: '' }), 'SIGNATURE_MISSING');
  throwsWith(assert, RefundKitError, () => parse({ ...envelope, sign: gatewaySign(envelope, keys.merchantPrivate) }), 'SIGNATURE_INVALID');

  const reversed = Object.fromEntries([...Object.entries(envelope), ['sign', signature]].reverse());
  assert.equal(parse(reversed)[0].status, 'succeeded');
});

test('data sent as an object verifies over its received text only', () => {
  const client = makeClient();
  const dataText = '{"trans_status":"1", "merchant_order_no":"R1","trans_error_code":"E9","trans_error_msg":"残高不足"}';
  const signature = rsaSign(keys.gatewayPrivate, `code=0&data=${dataText}&msg=ok`);
  const body = `{"code":"0","msg":"ok","data":${dataText},"sign":"${signature}"}`;
  const result = client.parseRefundResponse(jsonResponse(body));
  assert.equal(result.status, 'failed');
  assert.equal(result.failureReason, 'E9: 残高不足');
  const reserialized = `{"code":"0","msg":"ok","data":${JSON.stringify(JSON.parse(dataText))},"sign":"${signature}"}`;
  throwsWith(assert, RefundKitError, () => client.parseRefundResponse(jsonResponse(reserialized)), 'SIGNATURE_INVALID');
});

test('a non-zero code is GATEWAY_ERROR with the gateway code and message', () => {
  const client = makeClient();
  const envelope = { code: 'E04111', msg: '[E04111]Merchant order number is invalid', psn: '1' };
  for (const body of [JSON.stringify(envelope), signedBody(envelope)]) {
    assert.throws(
      () => client.parseRefundResponse(jsonResponse(body)),
      (error) =>
        error instanceof RefundKitError &&
        error.code === 'GATEWAY_ERROR' &&
        error.gatewayCode === 'E04111' &&
        error.gatewayMessage === '[E04111]Merchant order number is invalid',
    );
  }
  throwsWith(assert, RefundKitError, () => client.parseRefundResponse(jsonResponse('<html>')), 'RESPONSE_MALFORMED');
});

// -------------------------------------------------------------------------------------------------
// Notifications

const notificationFields = {
  merchant_no: '302100085224',
  merchant_order_no: 'R-2024_0001',
  trans_no: '2024080700001',
  orig_trans_no: '2024080600009',
  trans_status: '2',
  price_currency: 'JPY',
  order_amount: '1000',
  description: '返金 テスト & more = yes',
  trans_end_time: '2024-08-07 06:36:36',
};

test('a JSON notification verifies and acks with plain-text success', () => {
  const client = makeClient();
  const body = signedBody(notificationFields);
  const notification = client.verifyNotification(
    { headers: { 'content-type': 'application/json' }, body: Buffer.from(body, 'utf8') },
    { now: NOW },
  );
  assert.equal(notification.gateway, 'wisepay');
  assert.equal(notification.refund.status, 'succeeded');
  assert.equal(notification.refund.refundId, 'R-2024_0001');
  assert.equal(notification.refund.amount, '1000');
  assert.equal(notification.refund.currency, 'JPY');
  assert.equal(notification.refund.verified, true);
  assert.equal(notification.ack.status, 200);
  assert.equal(notification.ack.body, 'success');
  assert.match(notification.ack.headers['content-type'], /^text\/plain/);
});

test('a form-encoded notification verifies over the decoded values', () => {
  const client = makeClient();
  const signature = gatewaySign(notificationFields);
  const form = new URLSearchParams({ ...notificationFields, sign: signature }).toString();
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const notification = client.verifyNotification({ headers, body: form }, { now: NOW });
  assert.equal(notification.refund.status, 'succeeded');
  assert.equal(notification.refund.raw.description, notificationFields.description);

  const tampered = new URLSearchParams({ ...notificationFields, order_amount: '100000', sign: signature }).toString();
  throwsWith(assert, RefundKitError, () => client.verifyNotification({ headers, body: tampered }, { now: NOW }), 'SIGNATURE_INVALID');
  const unsigned = new URLSearchParams(notificationFields).toString();
  throwsWith(assert, RefundKitError, () => client.verifyNotification({ headers, body: unsigned }, { now: NOW }), 'SIGNATURE_MISSING');
  const added = `${form}&refund_fee=1`;
  throwsWith(assert, RefundKitError, () => client.verifyNotification({ headers, body: added }, { now: NOW }), 'SIGNATURE_INVALID');
});

test('a notification signed by another key, or re-cut around &name=, is refused', () => {
  const client = makeClient();
  const headers = { 'content-type': 'application/json' };
  const foreign = signedBody(notificationFields, keys.merchantPrivate);
  throwsWith(assert, RefundKitError, () => client.verifyNotification({ headers, body: foreign }, { now: NOW }), 'SIGNATURE_INVALID');
  // Genuinely signed, but `description` swallows what would otherwise be separate fields.
  const merged = signedBody({ description: 'x&trans_status=2', trans_status: '0' });
  throwsWith(assert, RefundKitError, () => client.verifyNotification({ headers, body: merged }, { now: NOW }), 'SIGNATURE_INVALID');
});

test('a response or notification for another merchantNo or appId is MERCHANT_MISMATCH', () => {
  const client = makeClient();
  const theirs = signedBody({ code: '0', msg: 'success', data: JSON.stringify({ ...queryData, merchant_no: '302100099999' }) });
  throwsWith(assert, RefundKitError, () => client.parseRefundQueryResponse(jsonResponse(theirs)), 'MERCHANT_MISMATCH', 'merchantNo');
  const headers = { 'content-type': 'application/json' };
  const otherApp = signedBody({ ...notificationFields, app_id: 'wz0000000000000001' });
  throwsWith(assert, RefundKitError, () => client.verifyNotification({ headers, body: otherApp }, { now: NOW }), 'MERCHANT_MISMATCH', 'appId');
  const ours = signedBody({ ...notificationFields, app_id: 'wz715fc0d10ee9d156', sign_type: 'RSA2' });
  assert.equal(client.verifyNotification({ headers, body: ours }, { now: NOW }).refund.status, 'succeeded');
});

test('top-level fields re-cut from a signed value beside data are refused', () => {
  const client = makeClient();
  const headers = { 'content-type': 'application/json' };
  const data = JSON.stringify({ merchant_order_no: 'R1', trans_status: '1' });
  // Signed as one description; sent as three fields that sort into the same signed string.
  const signature = gatewaySign({ data, description: 'note&merchant_order_no=R1&trans_status=2' });
  const forged = JSON.stringify({ data, description: 'note', merchant_order_no: 'R1', trans_status: '2', sign: signature });
  throwsWith(assert, RefundKitError, () => client.verifyNotification({ headers, body: forged }, { now: NOW }), 'RESPONSE_MALFORMED');
});

// ---------------------------------------------------------------------------------------------
// Both wire formats end to end against the local sandbox

async function withSandbox(run) {
  const keysDir = await mkdtemp(join(tmpdir(), 'wisepay-sandbox-'));
  const sandbox = await startSandbox({ keysDir, refundDelayMs: 30 });
  try {
    await run(sandbox);
  } finally {
    await sandbox.close();
    await rm(keysDir, { recursive: true, force: true });
  }
}

async function refundAndQuery(sandbox, wireFormat) {
  const { gateway, baseUrl, privateKey, gatewayPublicKey, appId, merchantNo } = sandbox.credentials.wisepay;
  const client = new RefundClient({ gateway, baseUrl, privateKey, gatewayPublicKey, appId, merchantNo, wireFormat });
  const order = sandbox.orders.wisepay[1];
  const refundId = `${wireFormat.toUpperCase()}${Date.now()}`;
  const input = { refundId, originalOrderId: order.originalOrderId, amount: '2.50', currency: order.currency, reason: '返金 a/b +1' };
  const request = client.buildRefund(input);
  const result = await client.refund(input);
  assert.equal(result.status, 'pending');
  assert.equal(result.verified, true);
  assert.equal(result.refundId, refundId);
  await new Promise((r) => setTimeout(r, 80));
  const [queried] = await client.queryRefund({ refundId });
  assert.equal(queried.status, 'succeeded');
  assert.equal(queried.amount, '2.50');
  return request;
}

test('the json wire format refunds and queries through the sandbox at the per-operation paths', async () => {
  await withSandbox(async (sandbox) => {
    const request = await refundAndQuery(sandbox, 'json');
    assert.equal(request.url, `${sandbox.credentials.wisepay.baseUrl}/api/entry/refund`);
    assert.equal(request.headers['Content-Type'], 'application/json; charset=UTF-8');
  });
});

/** The Java SDK's form, built here from the rule (research/wisepay.md §3.5, §10.3): the fields in
 * their order, `sign` last, written by URLSearchParams as application/x-www-form-urlencoded. */
function sdkForm(fields, signature) {
  return new URLSearchParams([...Object.entries(fields), ['sign', signature]]).toString();
}

test('wireFormat form sends the Java SDK request byte for byte', () => {
  const client = makeClient({ wireFormat: 'form', privateKey: vector.privateKey });
  const request = client.buildRefundQuery({ refundId: vector.merchantOrderNo }, { now: NOW });
  assert.equal(request.url, 'https://wiseasy-open.sg.wisepaycloud.com/api/entry');
  assert.equal(request.headers['Content-Type'], 'application/x-www-form-urlencoded; charset=UTF-8');
  assert.match(request.headers['Http-Request-Psn'], /^0807063636[0-9]{10}$/);
  const fields = {
    app_id: vector.appId,
    method: 'order.refund.query',
    format: 'JSON',
    charset: 'UTF-8',
    sign_type: 'RSA2',
    version: '1.0',
    timestamp: String(NOW),
    merchant_no: vector.merchantNo,
    merchant_order_no: vector.merchantOrderNo,
  };
  assert.equal(canonical(fields), vector.canonical);
  assert.equal(request.body, sdkForm(fields, vector.sign));
});

test('wireFormat form refunds and queries through the sandbox at /api/entry', async () => {
  await withSandbox(async (sandbox) => {
    const request = await refundAndQuery(sandbox, 'form');
    assert.equal(request.url, `${sandbox.credentials.wisepay.baseUrl}/api/entry`);
  });
});
