// BluePay through the built package, cross-checked with node:crypto. The seed's examples byte for
// byte and the signed bytes are held to the gateway's documents in tests/bluepay.rs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RefundClient, RefundKitError } from 'refundkit';
import { bareKey, fixture, rsaSign, rsaVerify, throwsWith, vectors } from './helpers.mjs';

const seed = vectors.bluepay;
/** The `param` of the seed's 5.1 Refund example, its clock and the input that gives it. */
const SEED_PARAM = seed.param;
const SEED_NOW = seed.nowMs;
const BASE_URL = 'https://openapi.bluepay.test';

const SEED_INPUT = seed.refundInput;

const makeClient = (changes = {}) =>
  new RefundClient({
    gateway: 'bluepay',
    baseUrl: BASE_URL,
    appId: seed.appId,
    privateKey: bareKey('merchant_test_key.pem'),
    gatewayPublicKey: bareKey('gateway_test_key.pub.pem'),
    ...changes,
  });

const nodeVerifies = (publicPem, message, signB64) => rsaVerify(publicPem, message, signB64);

test('milliseconds timestamps when configured', () => {
  const client = makeClient({ timestampUnit: 'milliseconds' });
  const { param } = JSON.parse(client.buildRefund(SEED_INPUT, { now: SEED_NOW + 5 }).body);
  assert.ok(param.endsWith('"timestamp":1722415059005}'), param);
});

test('refund inputs BluePay cannot take are refused by field', () => {
  const client = makeClient();
  const cases = [
    [{ originalTransactionId: undefined, originalOrderId: 'O1' }, 'originalTransactionId'],
    [{ notifyUrl: undefined }, 'notifyUrl'],
    [{ refundId: 'refund-488' }, 'refundId'],
    [{ refundId: 'R'.repeat(33) }, 'refundId'],
    [{ reason: 'x'.repeat(201) }, 'reason'],
    [{ notifyUrl: `https://x.test/${'a'.repeat(242)}` }, 'notifyUrl'],
    [{ currency: 'USD' }, 'currency'],
  ];
  for (const [changes, field] of cases) {
    throwsWith(assert, RefundKitError, () => client.buildRefund({ ...SEED_INPUT, ...changes }, { now: SEED_NOW }),
      'INPUT_INVALID', field);
  }
  throwsWith(assert, RefundKitError, () => makeClient({ baseUrl: undefined }), 'CONFIG_INVALID', 'baseUrl');
  throwsWith(assert, RefundKitError, () => makeClient({ currency: 'ZZZ' }), 'CONFIG_INVALID', 'currency');
});

test('refund payments query by BluePay ids; refundId alone is refused', () => {
  const client = makeClient();
  const request = client.buildRefundQuery(
    { originalTransactionId: 'CU518563189147832320' }, { now: 1722416882000 });
  assert.equal(request.url, `${BASE_URL}/open-api/refund/payments`);
  const body = JSON.parse(request.body);
  assert.equal(body.param, '{"originalTransactionId":"CU518563189147832320","timestamp":1722416882}');
  assert.ok(nodeVerifies(fixture('merchant_test_key.pub.pem'), body.param, body.sign));
  const byRefund = JSON.parse(client.buildRefundQuery({ gatewayRefundId: '1818566685947728' }).body);
  assert.match(byRefund.param, /^\{"refundTransactionId":"1818566685947728","timestamp":\d+\}$/);
  assert.throws(() => client.buildRefundQuery({ refundId: 'refund488455057142' }), (err) => {
    assert.ok(err instanceof RefundKitError);
    assert.equal(err.code, 'INPUT_INVALID');
    assert.equal(err.field, 'refundId');
    assert.match(err.message, /cannot look up.*refund number/);
    return true;
  });
});

test('responses map to unverified results; other codes are GATEWAY_ERROR', () => {
  const client = makeClient();
  const single = client.parseRefundResponse({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"code":10000,"message":"Success","data":{"mchRefundOrderId":"refund488455057142",' +
      '"refundTransactionId":"1818566685947728","refundCreateTime":"2024-07-31 16:37:40",' +
      '"refundAmount":10000,"refundStatus":"PENDING"}}',
  });
  assert.equal(single.gateway, 'bluepay');
  assert.equal(single.status, 'pending');
  assert.equal(single.amount, '100.00');
  assert.equal(single.currency, 'THB');
  assert.equal(single.verified, false);

  const list = client.parseRefundQueryResponse({
    body: new TextEncoder().encode('{"code":10000,"message":"Success","data":[' +
      '{"mchRefundOrderId":"R1","refundTransactionId":1818491499290169344,"refundAmount":5050,' +
      '"refundStatus":"COMPLETE"},' +
      '{"mchRefundOrderId":"R2","refundAmount":1,"refundStatus":"FAILED","failedCode":-10009,' +
      '"failedMessage":"Channel Refund Failed"}]}'),
  });
  assert.equal(list.length, 2);
  assert.deepEqual(list.map((r) => r.status), ['succeeded', 'failed']);
  // Beyond 2^53, yet exact: ids are strings.
  assert.equal(list[0].gatewayRefundId, '1818491499290169344');
  assert.equal(list[0].amount, '50.50');
  assert.equal(list[1].failureReason, '-10009 Channel Refund Failed');

  assert.throws(
    () => client.parseRefundResponse({ body: '{"code":21409,"message":"refund pending"}' }),
    (err) => {
      assert.ok(err instanceof RefundKitError);
      assert.equal(err.code, 'GATEWAY_ERROR');
      assert.equal(err.gatewayCode, '21409');
      assert.equal(err.gatewayMessage, 'refund pending');
      return true;
    });
});

const NOTIFICATION_PARAM = seed.notificationParam;

const nodeSign = (privatePem, param) => rsaSign(privatePem, param);

const notificationRequest = (param, sign) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(sign === undefined ? { param } : { param, sign }),
});

test('a notification signed by node:crypto verifies and carries the ack', () => {
  const sign = nodeSign(fixture('gateway_test_key.pem'), NOTIFICATION_PARAM);
  const note = makeClient().verifyNotification(notificationRequest(NOTIFICATION_PARAM, sign));
  assert.equal(note.gateway, 'bluepay');
  assert.equal(note.event, 'payment.refund.success');
  assert.equal(note.refund.status, 'succeeded');
  assert.equal(note.refund.verified, true);
  assert.equal(note.refund.refundId, 'refund488455057142');
  assert.equal(note.refund.amount, '100.00');
  assert.deepEqual(
    { status: note.ack.status, body: note.ack.body },
    { status: 200, body: '{"code":10000,"message":"Success"}' });

  // The same bytes as a Buffer, as a Node server reads them.
  const asBytes = { body: Buffer.from(notificationRequest(NOTIFICATION_PARAM, sign).body) };
  assert.equal(makeClient().verifyNotification(asBytes).refund.status, 'succeeded');
});

test('a notification with a tampered param is refused', () => {
  const sign = nodeSign(fixture('gateway_test_key.pem'), NOTIFICATION_PARAM);
  const tampered = NOTIFICATION_PARAM.replace('"refundAmount":10000', '"refundAmount":90000');
  throwsWith(assert, RefundKitError, () => makeClient().verifyNotification(notificationRequest(tampered, sign)),
    'SIGNATURE_INVALID');
});

test('a notification signed with another key is refused', () => {
  const sign = nodeSign(fixture('merchant_test_key.pem'), NOTIFICATION_PARAM);
  throwsWith(assert, RefundKitError, () => makeClient().verifyNotification(notificationRequest(NOTIFICATION_PARAM, sign)),
    'SIGNATURE_INVALID');
});

test('a signed notification naming another appId is MERCHANT_MISMATCH; one naming none is accepted', () => {
  const sign = (param) => nodeSign(fixture('gateway_test_key.pem'), param);
  const otherApp = NOTIFICATION_PARAM.replace('{', '{"appId":"833b887a4a784708bb369524db5b6ded",');
  throwsWith(assert, RefundKitError, () => makeClient().verifyNotification(notificationRequest(otherApp, sign(otherApp))),
    'MERCHANT_MISMATCH', 'appId');
  // An appId beside the signed param is not signed: it can refuse, never accept.
  const besideParam = {
    body: JSON.stringify({ appId: '833b887a4a784708bb369524db5b6ded', param: NOTIFICATION_PARAM, sign: sign(NOTIFICATION_PARAM) }),
  };
  throwsWith(assert, RefundKitError, () => makeClient().verifyNotification(besideParam), 'MERCHANT_MISMATCH', 'appId');
  const note = makeClient().verifyNotification(notificationRequest(NOTIFICATION_PARAM, sign(NOTIFICATION_PARAM)));
  assert.equal(note.refund.verified, true);
});

test('a notification without sign is refused', () => {
  throwsWith(assert, RefundKitError, () => makeClient().verifyNotification(notificationRequest(NOTIFICATION_PARAM)),
    'SIGNATURE_MISSING');
});

test('refund() and queryRefund() send the signed bytes and read the answers', async () => {
  const sent = [];
  const fetch = async (url, init) => {
    sent.push({ url: String(url), init });
    const { param, sign } = JSON.parse(init.body);
    assert.ok(nodeVerifies(fixture('merchant_test_key.pub.pem'), param, sign));
    const data = url.endsWith('/open-api/payment/refund')
      ? { mchRefundOrderId: 'refund488455057142', refundTransactionId: '1818566685947728',
          refundAmount: 10000, refundStatus: 'PENDING' }
      : [{ mchRefundOrderId: 'refund488455057142', refundTransactionId: '1818566685947728',
           refundAmount: 10000, refundStatus: 'COMPLETE' }];
    return new Response(JSON.stringify({ code: 10000, message: 'Success', data }), {
      status: 200, headers: { 'content-type': 'application/json' },
    });
  };
  const client = makeClient({ fetch });
  const result = await client.refund(SEED_INPUT, { now: SEED_NOW });
  assert.equal(result.status, 'pending');
  assert.equal(JSON.parse(sent[0].init.body).param, SEED_PARAM);
  const results = await client.queryRefund({ gatewayRefundId: result.gatewayRefundId });
  assert.equal(sent[1].url, `${BASE_URL}/open-api/refund/payments`);
  assert.deepEqual(results.map((r) => [r.refundId, r.status]), [['refund488455057142', 'succeeded']]);
});
