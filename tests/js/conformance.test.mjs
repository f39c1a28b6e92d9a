// The sandbox answers requests shaped the way each vendor's own client builds them: WisePay's Java
// SDK (a form to /api/entry at the root of the host, with Http-Request-Psn) and PayerMax's PHP, Go
// and Java SDKs (root-absolute /aggregate-pay paths, each SDK's key order, version, time format and
// JSON escapes). The requests are written here from the wire formats in research/wisepay.md §3.5
// and §10.3 and research/payermax.md §1 and §2.2, signed with node:crypto; no vendor code is used.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSandbox } from '../../www/sandbox/index.mjs';
import { canonical, rsaSign, rsaVerify } from './helpers.mjs';

const REFUND_DELAY_MS = 40;

let keysDir;
let sandbox;
before(async () => {
  keysDir = await mkdtemp(join(tmpdir(), 'conformance-keys-'));
  sandbox = await startSandbox({ keysDir, refundDelayMs: REFUND_DELAY_MS, notifyRetryScheduleMs: [0] });
});
after(async () => {
  await sandbox.close();
  await rm(keysDir, { recursive: true, force: true });
});

async function post(path, headers, body) {
  const res = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function until(what, check) {
  for (let i = 0; i < 100; i += 1) {
    const value = await check();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// ---------------------------------------------------------------------------------------------
// WisePay: the Java SDK

/** The SDK's request id: MMddHHmmss and a random number, zero-padded on the right to 20. */
function requestPsn(now) {
  const d = new Date(now);
  const two = (n) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
  return `${time}${Math.floor(Math.random() * 2 ** 31)}`.padEnd(20, '0');
}

/** What the SDK posts: the common and business fields, signed over their canonical string, then
 * form-encoded (URLSearchParams writes application/x-www-form-urlencoded as the SDK's Apache
 * client does: `*-._` kept, space as `+`, other bytes %XX). */
function wisepaySdkRequest(cfg, method, business, now = Date.now()) {
  const fields = {
    ...business,
    app_id: cfg.appId,
    method,
    format: 'JSON',
    charset: 'UTF-8',
    sign_type: 'RSA2',
    version: '1.0',
    timestamp: String(now),
  };
  fields.sign = rsaSign(cfg.privateKey, canonical(fields));
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', 'http-request-psn': requestPsn(now) },
    body: new URLSearchParams(Object.entries(fields)).toString(),
  };
}

/** A WisePay answer verified as the SDK verifies it: the canonical string of every top-level field
 * but sign, under the gateway key; then data read. */
function wisepayAnswer(cfg, res) {
  assert.match(res.headers.get('content-type'), /^application\/json/);
  const envelope = JSON.parse(res.text);
  assert.ok(rsaVerify(cfg.gatewayPublicKey, canonical(envelope), envelope.sign), `unverified: ${res.text}`);
  return { ...envelope, data: envelope.data ? JSON.parse(envelope.data) : undefined };
}

describe('WisePay requests as the Java SDK sends them', () => {
  test('a form to /api/entry at the root completes a refund and its query, and the answers verify', async () => {
    const cfg = sandbox.credentials.wisepay;
    const order = sandbox.orders.wisepay[1];
    const refundNo = `SDK${Date.now()}`;
    const reason = '返金 partial / 50% off+tax=yes';
    const refund = wisepaySdkRequest(cfg, 'order.refund.submit', {
      merchant_no: cfg.merchantNo,
      merchant_order_no: refundNo,
      orig_merchant_order_no: order.originalOrderId,
      price_currency: order.currency,
      order_amount: '1.25',
      description: reason,
    });
    assert.match(refund.body, /description=%E8%BF%94%E9%87%91\+partial\+%2F\+50%25\+off%2Btax%3Dyes/);
    const submitted = wisepayAnswer(cfg, await post('/api/entry', refund.headers, refund.body));
    assert.equal(submitted.code, '0', submitted.msg);
    assert.equal(submitted.data.merchant_order_no, refundNo);
    assert.equal(submitted.data.order_amount, '1.25');
    assert.equal(sandbox.refunds().wisepay.find((r) => r.refundId === refundNo).amount, '1.25');

    const settled = await until('the refund to settle', async () => {
      const query = wisepaySdkRequest(cfg, 'order.refund.query', { merchant_no: cfg.merchantNo, merchant_order_no: refundNo });
      const answer = wisepayAnswer(cfg, await post('/api/entry', query.headers, query.body));
      assert.equal(answer.code, '0', answer.msg);
      return answer.data.trans_status === '2' && answer;
    });
    assert.equal(settled.data.trans_no, submitted.data.trans_no);
  });

  test('the form goes to the per-operation paths too, at the root and under /wisepay', async () => {
    const cfg = sandbox.credentials.wisepay;
    const order = sandbox.orders.wisepay[0];
    const refundNo = `SDKP${Date.now()}`;
    const refund = wisepaySdkRequest(cfg, 'order.refund.submit', {
      merchant_no: cfg.merchantNo,
      merchant_order_no: refundNo,
      orig_trans_no: order.originalTransactionId,
      price_currency: order.currency,
      order_amount: '1',
    });
    assert.equal(wisepayAnswer(cfg, await post('/api/entry/refund', refund.headers, refund.body)).code, '0');
    const query = wisepaySdkRequest(cfg, 'order.refund.query', { merchant_no: cfg.merchantNo, merchant_order_no: refundNo });
    const answer = wisepayAnswer(cfg, await post('/wisepay/api/entry/refundquery', query.headers, query.body));
    assert.equal(answer.code, '0', answer.msg);
    assert.equal(answer.data.merchant_order_no, refundNo);
    // The per-operation path still holds the method to its operation.
    const wrong = wisepayAnswer(cfg, await post('/api/entry/refundquery', refund.headers, refund.body));
    assert.equal(wrong.code, 'SYS004');
  });

  test('a form is checked as strictly as JSON', async () => {
    const cfg = sandbox.credentials.wisepay;
    const query = wisepaySdkRequest(cfg, 'order.refund.query', { merchant_no: cfg.merchantNo, merchant_order_no: 'NONE_SUCH' });
    const code = async (body, headers = query.headers) => wisepayAnswer(cfg, await post('/api/entry', headers, body)).code;
    assert.equal(await code(query.body), 'E04111');
    // A value changed after signing.
    assert.equal(await code(query.body.replace('NONE_SUCH', 'NONE_SUCI')), 'SYS002');
    // The signature with its + left unescaped reads as a space.
    assert.equal(await code(query.body.replace(/sign=([^&]*)/, (_, s) => `sign=${decodeURIComponent(s)}`)), query.body.includes('%2B') ? 'SYS002' : 'E04111');
    // A field twice, a broken escape, bytes that are not UTF-8, a raw space.
    assert.equal(await code(`${query.body}&merchant_order_no=OTHER`), 'SYS012');
    assert.equal(await code(`${query.body}&x=%G1`), 'SYS012');
    assert.equal(await code(`${query.body}&x=%FF`), 'SYS012');
    assert.equal(await code(`${query.body}&x=a b`), 'SYS012');
    // The same signed fields as JSON are accepted at the same path.
    const json = JSON.stringify(Object.fromEntries(new URLSearchParams(query.body)));
    assert.equal(await code(json, { 'content-type': 'application/json; charset=UTF-8' }), 'E04111');
    // Without a content type, the body says which it is.
    assert.equal(await code(query.body, {}), 'E04111');
    assert.equal(await code(json, {}), 'E04111');
  });

  test('an unknown path below /api/entry answers in WisePay\'s signed shape', async () => {
    const cfg = sandbox.credentials.wisepay;
    const res = await post('/api/entry/nothing', {}, '');
    assert.equal(res.status, 404);
    const answer = wisepayAnswer(cfg, res);
    assert.equal(answer.code, 'SYS005');
  });
});

// ---------------------------------------------------------------------------------------------
// PayerMax: the PHP, Go and Java SDKs

const two = (n) => String(n).padStart(2, '0');
const millis = (d) => String(d.getUTCMilliseconds()).padStart(3, '0');
const dateTime = (d) =>
  `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}T${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;

/** PHP json_encode: `/` as `\/`, every non-ASCII UTF-16 unit as \uXXXX. */
function phpJson(value) {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go json.Marshal of maps: keys sorted at every level, `<`, `>` and `&` as \u003c, \u003e, \u0026. */
function goJson(value) {
  const sorted = (v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])])) : v;
  return JSON.stringify(sorted(value)).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Each SDK's envelope: key order, version, time format, serializer and Content-Type
 * (research/payermax.md §1.3, §1.4, §2.2). */
const PAYERMAX_SDKS = {
  php: {
    version: '1.2',
    contentType: 'application/json',
    // Y-m-d\TH:i:s.vP
    time: (d) => `${dateTime(d)}.${millis(d)}+00:00`,
    envelope: (cfg, time, data) => ({ requestTime: time, version: '1.2', appId: cfg.appId, merchantNo: cfg.merchantNo, spMerchantNo: null, keyVersion: '1', data }),
    serialize: phpJson,
  },
  go: {
    version: '1.1',
    contentType: 'application/json;charset=utf-8',
    // Go's .999 layout drops trailing zeros, and the fraction with them when the milliseconds are 0.
    time: (d) => `${dateTime(d)}${`.${millis(d)}`.replace(/\.?0+$/, '')}Z`,
    envelope: (cfg, time, data) => ({ version: '1.1', keyVersion: '1', requestTime: time, appId: cfg.appId, merchantNo: cfg.merchantNo, data }),
    serialize: goJson,
  },
  java: {
    version: '1.4',
    contentType: 'application/json; charset=utf-8',
    time: (d) => `${dateTime(d)}.${millis(d)}Z`,
    envelope: (cfg, time, data) => ({ appId: cfg.appId, data, keyVersion: '1', merchantNo: cfg.merchantNo, requestTime: time, version: '1.4' }),
    serialize: JSON.stringify,
  },
  refundkit: {
    version: '1.5',
    contentType: 'application/json',
    time: (d) => `${dateTime(d)}.${millis(d)}+00:00`,
    envelope: (cfg, time, data) => ({ version: '1.5', keyVersion: '1', requestTime: time, appId: cfg.appId, merchantNo: cfg.merchantNo, data }),
    serialize: JSON.stringify,
  },
};

function payermaxRequest(sdk, cfg, data, now = Date.now()) {
  const s = PAYERMAX_SDKS[sdk];
  const body = s.serialize(s.envelope(cfg, s.time(new Date(now)), data));
  return { headers: { 'content-type': s.contentType, sign: rsaSign(cfg.privateKey, body) }, body };
}

/** A PayerMax answer verified as its SDKs verify one: the sign header over the raw body. */
function payermaxAnswer(cfg, res) {
  assert.ok(rsaVerify(cfg.gatewayPublicKey, res.text, res.headers.get('sign')), `unverified: ${res.text}`);
  return JSON.parse(res.text);
}

describe('PayerMax requests as its SDKs send them, at the root paths', () => {
  for (const sdk of Object.keys(PAYERMAX_SDKS)) {
    test(`${sdk} (version ${PAYERMAX_SDKS[sdk].version}): a refund and its query complete, and the answers verify`, async () => {
      const cfg = sandbox.credentials.payermax;
      const order = sandbox.orders.payermax[0];
      const outRefundNo = `${sdk.toUpperCase()}${Date.now()}`;
      const refund = payermaxRequest(sdk, cfg, {
        outRefundNo,
        refundAmount: 1.5,
        refundCurrency: order.currency,
        outTradeNo: order.originalOrderId,
        comments: 'see https://shop.example/r?a=1&b=<2> — 返金',
      });
      if (sdk === 'php') assert.match(refund.body, /"spMerchantNo":null.*https:\\\/\\\/shop\.example\\\/r.*\\u8fd4\\u91d1/);
      if (sdk === 'go') assert.match(refund.body, /^\{"appId":.*\\u0026b=\\u003c2\\u003e/);
      const accepted = payermaxAnswer(cfg, await post('/aggregate-pay/api/gateway/refund', refund.headers, refund.body));
      assert.equal(accepted.code, 'APPLY_SUCCESS', accepted.msg);
      assert.equal(accepted.data.outRefundNo, outRefundNo);
      assert.equal(accepted.data.status, 'REFUND_PENDING');
      // One refund per order at a time: wait for this one to settle before the next SDK's.
      const settled = await until('the refund to settle', async () => {
        const query = payermaxRequest(sdk, cfg, { outRefundNo });
        const answer = payermaxAnswer(cfg, await post('/aggregate-pay/api/gateway/refundQuery', query.headers, query.body));
        assert.equal(answer.code, 'APPLY_SUCCESS', answer.msg);
        return answer.data.status === 'REFUND_SUCCESS' && answer;
      });
      assert.equal(settled.data.refundTradeNo, accepted.data.refundTradeNo);
      assert.equal(settled.data.refundAmount, 1.5);
    });
  }

  test('Go\'s time without a fraction is read, and a body changed after signing is refused', async () => {
    const cfg = sandbox.credentials.payermax;
    const now = Math.floor(Date.now() / 1000) * 1000;
    const query = payermaxRequest('go', cfg, { outRefundNo: 'NONE_SUCH' }, now);
    assert.match(query.body, /"requestTime":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/);
    assert.equal(payermaxAnswer(cfg, await post('/aggregate-pay/api/gateway/refundQuery', query.headers, query.body)).code, 'ORDER_NOT_EXIST');
    const tampered = query.body.replace('NONE_SUCH', 'NONE_SUCI');
    assert.equal(payermaxAnswer(cfg, await post('/aggregate-pay/api/gateway/refundQuery', query.headers, tampered)).code, 'SIGN_VERIFY_FAILED');
  });

  test('an unknown path below /aggregate-pay answers in PayerMax\'s signed shape', async () => {
    const cfg = sandbox.credentials.payermax;
    const res = await post('/aggregate-pay/api/gateway/nothing', {}, '{}');
    assert.equal(res.status, 404);
    const answer = payermaxAnswer(cfg, res);
    assert.equal(answer.code, 'API_NOT_FOUND');
  });
});
