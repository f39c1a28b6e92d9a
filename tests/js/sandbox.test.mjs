// The local sandbox gateways, tested with a client written here on node:crypto alone (so these
// tests do not depend on the package), then end to end through the package where it is built.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startSandbox } from '../../www/sandbox/index.mjs';
import { createStaticHandler } from '../../www/sandbox/static.mjs';
import { canonical, until } from './helpers.mjs';

const REFUND_DELAY_MS = 60;
const RETRY_SCHEDULE_MS = [0, 40, 80, 120];
const MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------
// A minimal independent client: key handling, signing and the four wire formats.

const privateKeyOf = (b64) => crypto.createPrivateKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'pkcs8' });
const publicKeyOf = (b64) => crypto.createPublicKey({ key: Buffer.from(b64, 'base64'), format: 'der', type: 'spki' });
const signText = (keyB64, text) => crypto.sign('sha256', Buffer.from(text), privateKeyOf(keyB64)).toString('base64');
const verifyText = (pubB64, text, sig) =>
  typeof sig === 'string' && crypto.verify('sha256', Buffer.from(text), publicKeyOf(pubB64), Buffer.from(sig, 'base64'));
const q = (value) => JSON.stringify(value);

function aes(mode, text, cfg) {
  const key = Buffer.from(cfg.aesKey, 'utf8');
  const iv = Buffer.from(cfg.aesIv, 'utf8');
  const name = `aes-${key.length * 8}-cbc`;
  if (mode === 'encrypt') {
    const c = crypto.createCipheriv(name, key, iv);
    return Buffer.concat([c.update(text, 'utf8'), c.final()]).toString('base64');
  }
  const d = crypto.createDecipheriv(name, key, iv);
  return Buffer.concat([d.update(Buffer.from(text, 'base64')), d.final()]).toString('utf8');
}

/** "12.34" -> 1234 for two-decimal currencies (test amounts only). */
function satang(text) {
  const [whole, fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}


const PROTOCOLS = {
  wisepay: {
    statuses: { pending: '0', succeeded: '2', failed: '1' },
    codes: { sign: 'SYS002', stale: 'SYS003', exceeds: 'E04132', duplicate: 'E04131', pending: null },
    staleBy: 16 * MINUTE,
    partials: ['2000', '2000', '1000'],
    oneMore: '1',
    flowOrder: 1, // the USD order; partials use the JPY one
    ackBody: 'success',
    signsResponses: true,
    refund(cfg, { order, refundId, amount, notifyUrl }, { now, key }) {
      const fields = {
        app_id: cfg.appId,
        method: 'order.refund.submit',
        format: 'JSON',
        charset: 'UTF-8',
        sign_type: 'RSA2',
        version: '1.0',
        timestamp: String(now),
        merchant_no: cfg.merchantNo,
        merchant_order_no: refundId,
        orig_merchant_order_no: order.originalOrderId,
        price_currency: order.currency,
        order_amount: amount,
        description: 'sandbox test',
        notify_url: notifyUrl,
      };
      fields.sign = signText(key, canonical(fields));
      return { path: '/api/entry/refund', headers: { 'content-type': 'application/json; charset=UTF-8' }, body: q(fields) };
    },
    query(cfg, { refundId }, { now, key }) {
      const fields = {
        app_id: cfg.appId,
        method: 'order.refund.query',
        format: 'JSON',
        charset: 'UTF-8',
        sign_type: 'RSA2',
        version: '1.0',
        timestamp: String(now),
        merchant_no: cfg.merchantNo,
        merchant_order_no: refundId,
      };
      fields.sign = signText(key, canonical(fields));
      return { path: '/api/entry/refundquery', headers: { 'content-type': 'application/json' }, body: q(fields) };
    },
    read(cfg, res) {
      const j = JSON.parse(res.text);
      const verified = verifyText(cfg.gatewayPublicKey, canonical(j), j.sign);
      const d = typeof j.data === 'string' ? JSON.parse(j.data) : null;
      return {
        ok: j.code === '0',
        code: j.code,
        verified,
        refund: d && { refundId: d.merchant_order_no, gatewayRefundId: d.trans_no, status: d.trans_status, amount: d.order_amount },
      };
    },
    notification(cfg, { body }) {
      const j = JSON.parse(body);
      return { verified: verifyText(cfg.gatewayPublicKey, canonical(j), j.sign), refundId: j.merchant_order_no, status: j.trans_status };
    },
  },

  payermax: {
    statuses: { pending: 'REFUND_PENDING', succeeded: 'REFUND_SUCCESS', failed: 'REFUND_FAILED' },
    codes: {
      sign: 'SIGN_VERIFY_FAILED',
      stale: 'REQ_TIME_OVER_TIME',
      exceeds: 'AMOUNT_INVALID',
      duplicate: 'REFUND_NO_INVALID',
      pending: 'REFUND_FAILED',
    },
    staleBy: 3 * MINUTE,
    partials: ['50.00', '49.90'],
    oneMore: '0.01',
    flowOrder: 1, // the IDR order
    ackBody: '{"code":"SUCCESS","msg":"Success"}',
    signsResponses: true,
    envelope(cfg, dataJson, now) {
      const time = new Date(now).toISOString().replace('Z', '+00:00');
      return `{"version":"1.5","keyVersion":"1","requestTime":"${time}","appId":${q(cfg.appId)},"merchantNo":${q(cfg.merchantNo)},"data":${dataJson}}`;
    },
    refund(cfg, { order, refundId, amount, notifyUrl }, { now, key }) {
      const data = `{"outRefundNo":${q(refundId)},"refundAmount":${amount},"refundCurrency":${q(order.currency)},"outTradeNo":${q(order.originalOrderId)},"comments":"sandbox test","refundNotifyUrl":${q(notifyUrl)}}`;
      const body = this.envelope(cfg, data, now);
      return { path: '/aggregate-pay/api/gateway/refund', headers: { 'content-type': 'application/json', sign: signText(key, body) }, body };
    },
    query(cfg, { refundId }, { now, key }) {
      const body = this.envelope(cfg, `{"outRefundNo":${q(refundId)}}`, now);
      return { path: '/aggregate-pay/api/gateway/refundQuery', headers: { 'content-type': 'application/json', sign: signText(key, body) }, body };
    },
    read(cfg, res) {
      const j = JSON.parse(res.text);
      return {
        ok: j.code === 'APPLY_SUCCESS',
        code: j.code,
        verified: verifyText(cfg.gatewayPublicKey, res.text, res.headers.get('sign')),
        refund: j.data && { refundId: j.data.outRefundNo, gatewayRefundId: j.data.refundTradeNo, status: j.data.status },
      };
    },
    notification(cfg, { headers, body }) {
      const j = JSON.parse(body);
      return { verified: verifyText(cfg.gatewayPublicKey, body, headers.sign), refundId: j.data.outRefundNo, status: j.data.status };
    },
  },

  bluepay: {
    statuses: { pending: 'PENDING', succeeded: 'COMPLETE', failed: 'FAILED' },
    codes: { sign: 21001, stale: 21009, exceeds: 21406, duplicate: 21407, pending: 21409 },
    staleBy: 6 * MINUTE,
    partials: ['300.00', '150.00', '50.00'],
    oneMore: '0.01',
    flowOrder: 1,
    ackBody: '{"code":10000,"message":"Success"}',
    signsResponses: false,
    refund(cfg, { order, refundId, amount, notifyUrl }, { now, key }) {
      const param = q({
        originalTransactionId: order.originalTransactionId,
        mchRefundOrderId: refundId,
        refundAmount: satang(amount),
        refundReason: 'sandbox test',
        refundCallbackUrl: notifyUrl,
        timestamp: Math.floor(now / 1000),
      });
      return { path: '/open-api/payment/refund', headers: { 'content-type': 'application/json' }, body: q({ appId: cfg.appId, param, sign: signText(key, param) }) };
    },
    query(cfg, { gatewayRefundId }, { now, key }) {
      const param = q({ refundTransactionId: gatewayRefundId, timestamp: Math.floor(now / 1000) });
      return { path: '/open-api/refund/payments', headers: { 'content-type': 'application/json' }, body: q({ appId: cfg.appId, param, sign: signText(key, param) }) };
    },
    read(cfg, res) {
      const j = JSON.parse(res.text);
      const d = Array.isArray(j.data) ? j.data[0] : j.data;
      return {
        ok: j.code === 10000,
        code: j.code,
        verified: null,
        refund: d && { refundId: d.mchRefundOrderId, gatewayRefundId: d.refundTransactionId, status: d.refundStatus },
      };
    },
    notification(cfg, { body }) {
      const j = JSON.parse(body);
      const p = JSON.parse(j.param);
      return { verified: verifyText(cfg.gatewayPublicKey, j.param, j.sign), refundId: p.mchRefundOrderId, status: p.refundStatus };
    },
  },

  bieases: {
    statuses: { pending: 'PROCESSING', succeeded: 'SUCCESS', failed: 'FAILED' },
    codes: { sign: 44001, stale: 40000, exceeds: 44008, duplicate: 44009, pending: 40000 },
    staleBy: 6 * MINUTE,
    partials: ['20.00', '5.37'],
    oneMore: '0.01',
    flowOrder: 1,
    ackBody: '{"code":20000,"msg":""}',
    signsResponses: false,
    envelope(cfg, method, plain, { now, key }) {
      const body = aes('encrypt', plain, cfg);
      return q({
        merchantId: cfg.merchantId,
        method,
        format: 'json',
        charset: 'utf-8',
        encryptType: 'AES',
        signType: 'RSA',
        sign: signText(key, body),
        timestamp: now,
        body,
      });
    },
    refund(cfg, { order, refundId, amount, notifyUrl }, opts) {
      const plain = `{"paymentId":${q(order.originalTransactionId)},"referRefundNo":${q(refundId)},"refundAmount":${amount},"currency":${q(order.currency)},"refundInfos":[{"goodsDesc":"sandbox test","refundGoodAmount":${q(amount)}}],"reason":"sandbox test","callbackUrl":${q(notifyUrl)}}`;
      return { path: '/cgi/payment/api/v1/payment-order/refund', headers: { 'content-type': 'application/json' }, body: this.envelope(cfg, 'bieases.trade.refund', plain, opts) };
    },
    query(cfg, { gatewayRefundId }, opts) {
      return {
        path: '/cgi/payment/api/v1/payment-order/refund/query',
        headers: { 'content-type': 'application/json' },
        body: this.envelope(cfg, 'bieases.trade.query', q({ refundId: gatewayRefundId }), opts),
      };
    },
    read(cfg, res) {
      const j = JSON.parse(res.text);
      return {
        ok: j.code === 20000,
        code: j.code,
        verified: null,
        refund: j.data && { refundId: j.data.referRefundNo, gatewayRefundId: j.data.refundId, status: j.data.status, amount: j.data.refundAmount },
      };
    },
    notification(cfg, { body }) {
      const j = JSON.parse(body);
      const verified = verifyText(cfg.gatewayPublicKey, j.body, j.sign);
      const p = JSON.parse(aes('decrypt', j.body, cfg));
      return { verified, refundId: p.referRefundNo, status: p.status, event: p.event, method: j.method };
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Test plumbing: a sandbox per suite, a local webhook, bounded polling.

/** Receives notifications on 127.0.0.1; answers `ackBody`, or HTTP 500 while `failures` > 0. */
async function startWebhook(ackBody) {
  const hook = { received: [], failures: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      hook.received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (hook.failures > 0) {
        hook.failures -= 1;
        res.writeHead(500).end('busy');
      } else {
        res.writeHead(200, { 'content-type': ackBody.startsWith('{') ? 'application/json' : 'text/plain' }).end(ackBody);
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  hook.url = (path) => `http://127.0.0.1:${server.address().port}/hook/${path}`;
  hook.for = (path) => hook.received.filter((n) => n.path === `/hook/${path}`);
  hook.close = () => new Promise((r) => server.close(r));
  return hook;
}

let keysDir;
before(async () => {
  keysDir = await mkdtemp(join(tmpdir(), 'sandbox-keys-'));
});
after(async () => {
  await rm(keysDir, { recursive: true, force: true });
});

function newSandbox(options = {}) {
  return startSandbox({ keysDir, refundDelayMs: REFUND_DELAY_MS, notifyRetryScheduleMs: RETRY_SCHEDULE_MS, ...options });
}

async function send(sandbox, gateway, request) {
  const res = await fetch(`${sandbox.credentials[gateway].baseUrl}${request.path}`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

let seq = 0;
const newRefundId = (prefix) => `${prefix}${Date.now().toString(36)}${(seq += 1)}`.toUpperCase();

// ---------------------------------------------------------------------------------------------

for (const [gateway, p] of Object.entries(PROTOCOLS)) {
  describe(`${gateway} sandbox, own client`, () => {
    let sandbox;
    let hook;
    let cfg;
    const call = async (op, args, opts = {}) => {
      const req = p[op](cfg, args, { now: Date.now(), key: cfg.privateKey, ...opts });
      const res = await send(sandbox, gateway, req);
      assert.equal(res.status, 200, res.text);
      return p.read(cfg, res);
    };
    const refund = (order, amount, extra = {}) => {
      const refundId = newRefundId(gateway.slice(0, 2));
      return call('refund', { order, refundId, amount, notifyUrl: hook.url(`${gateway}/${refundId}`) }, extra).then((r) => ({ ...r, refundId }));
    };
    const settled = (reply) =>
      until(`${gateway} refund ${reply.refundId} to settle`, async () => {
        const q2 = await call('query', reply.refund);
        return q2.refund.status !== p.statuses.pending && q2;
      });

    before(async () => {
      sandbox = await newSandbox();
      hook = await startWebhook(p.ackBody);
      cfg = sandbox.credentials[gateway];
    });
    after(async () => {
      await sandbox.close();
      await hook.close();
    });

    test('a refund is pending, the signed notification is delivered and acked, the query then reports success', async () => {
      const order = sandbox.orders[gateway][p.flowOrder];
      const reply = await refund(order, '10');
      assert.equal(reply.ok, true, `code ${reply.code}`);
      assert.equal(reply.refund.status, p.statuses.pending);
      assert.equal(reply.refund.refundId, reply.refundId);
      if (p.signsResponses) assert.equal(reply.verified, true, 'the response signature verifies with the gateway key');

      const [note] = await until('the notification', () => hook.for(`${gateway}/${reply.refundId}`).length > 0 && hook.for(`${gateway}/${reply.refundId}`));
      const parsed = p.notification(cfg, note);
      assert.equal(parsed.verified, true, 'the notification signature verifies with the gateway key');
      assert.equal(parsed.refundId, reply.refundId);
      assert.equal(parsed.status, p.statuses.succeeded);
      const entry = await until('the ack to be recorded', () =>
        sandbox.refunds()[gateway].find((r) => r.refundId === reply.refundId && r.deliveries.length > 0),
      );
      assert.deepEqual(entry.deliveries.map((d) => d.outcome), ['acknowledged']);

      const query = await call('query', reply.refund);
      assert.equal(query.ok, true);
      assert.equal(query.refund.status, p.statuses.succeeded);
      assert.equal(query.refund.gatewayRefundId, reply.refund.gatewayRefundId);
      if (p.signsResponses) assert.equal(query.verified, true);
    });

    test('partial refunds up to the paid amount pass; one more is refused with the gateway code', async () => {
      const order = sandbox.orders[gateway][0];
      for (const amount of p.partials) {
        const reply = await refund(order, amount);
        assert.equal(reply.ok, true, `partial ${amount}: code ${reply.code}`);
        await settled(reply); // the one-pending-refund gateways need the previous one settled
      }
      const over = await refund(order, p.oneMore);
      assert.equal(over.ok, false);
      assert.equal(over.code, p.codes.exceeds);
      const fresh = await fetch(`${sandbox.url}/sandbox/info`).then((r) => r.json());
      assert.match(fresh.orders[gateway][0].refundable, /^0(\.0+)?$/);
    });

    test('a request signed with another key is refused and changes nothing', async () => {
      const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
      const wrongKey = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
      const order = sandbox.orders[gateway][1];
      const before = sandbox.refunds()[gateway].length;
      const reply = await refund(order, '1', { key: wrongKey });
      assert.equal(reply.ok, false);
      assert.equal(reply.code, p.codes.sign);
      assert.equal(sandbox.refunds()[gateway].length, before);
    });

    test('a replayed stale request is refused, and so is one from the future', async () => {
      const order = sandbox.orders[gateway][1];
      for (const shift of [-p.staleBy, p.staleBy]) {
        const reply = await refund(order, '1', { now: Date.now() + shift });
        assert.equal(reply.ok, false);
        assert.equal(reply.code, p.codes.stale);
      }
      // The same bytes that were accepted once are refused when replayed: duplicate refund number.
      const refundId = newRefundId('RP');
      const req = p.refund(cfg, { order: sandbox.orders[gateway][2], refundId, amount: '1', notifyUrl: hook.url('replay') }, { now: Date.now(), key: cfg.privateKey });
      assert.equal(p.read(cfg, await send(sandbox, gateway, req)).ok, true);
      const replay = p.read(cfg, await send(sandbox, gateway, req));
      assert.equal(replay.ok, false);
      assert.equal(replay.code, p.codes.duplicate);
    });

    test('a refund of a designated test order ends failed, with a failed notification', async () => {
      const order = sandbox.orders[gateway][2];
      assert.equal(order.refundsFail, true);
      const reply = await until('the failing order to accept a refund', async () => {
        const r = await refund(order, '2');
        return r.ok && r;
      });
      const [note] = await until('the notification', () => hook.for(`${gateway}/${reply.refundId}`).length > 0 && hook.for(`${gateway}/${reply.refundId}`));
      const parsed = p.notification(cfg, note);
      assert.equal(parsed.verified, true);
      assert.equal(parsed.status, p.statuses.failed);
      const query = await call('query', reply.refund);
      assert.equal(query.refund.status, p.statuses.failed);
    });

    test('notifications are retried until the expected ack arrives', async () => {
      hook.failures = 2;
      const order = sandbox.orders[gateway][1];
      const reply = await until('a refund to be accepted', async () => {
        const r = await refund(order, '1');
        return r.ok && r;
      });
      const entry = await until('three attempts', () =>
        sandbox.refunds()[gateway].find((r) => r.refundId === reply.refundId && r.deliveries.length === 3),
      );
      assert.deepEqual(entry.deliveries.map((d) => d.outcome), ['not acknowledged (HTTP 500)', 'not acknowledged (HTTP 500)', 'acknowledged']);
      assert.equal(hook.for(`${gateway}/${reply.refundId}`).length, 3);
      // The same signed message each time.
      const bodies = new Set(hook.for(`${gateway}/${reply.refundId}`).map((n) => n.body));
      assert.equal(bodies.size, 1);
    });

    if (p.codes.pending !== null) {
      test('a second refund of an order while one is pending is refused', async () => {
        await until('nothing pending', () => sandbox.refunds()[gateway].every((r) => r.status !== 'pending'));
        const order = sandbox.orders[gateway][1];
        const first = await refund(order, '1');
        assert.equal(first.ok, true);
        const second = await refund(order, '1');
        assert.equal(second.ok, false);
        assert.equal(second.code, p.codes.pending);
        await settled(first);
        const third = await refund(order, '1');
        assert.equal(third.ok, true, 'accepted again once the first one settled');
      });
    } else {
      test('partial refunds of one order may overlap', async () => {
        const order = sandbox.orders[gateway][1];
        const first = await refund(order, '1');
        const second = await refund(order, '1');
        assert.equal(first.ok && second.ok, true);
      });
    }
  });
}

describe('sandbox gateway details', () => {
  let sandbox;
  before(async () => {
    sandbox = await newSandbox();
  });
  after(() => sandbox.close());

  test('keys are generated once into the keys folder, owner-only, and reused', async () => {
    const again = await newSandbox();
    try {
      for (const gateway of Object.keys(PROTOCOLS)) {
        assert.equal(again.credentials[gateway].privateKey, sandbox.credentials[gateway].privateKey);
        assert.equal(again.credentials[gateway].gatewayPublicKey, sandbox.credentials[gateway].gatewayPublicKey);
      }
      const info = await stat(join(keysDir, 'sandbox-test-keys.json'));
      assert.equal(info.mode & 0o077, 0, 'no access for group or others');
    } finally {
      await again.close();
    }
  });

  test('each gateway has its own keys, and the printed configs carry the credentials the package expects', () => {
    const c = sandbox.credentials;
    const privateKeys = new Set(Object.values(c).map((x) => x.privateKey));
    assert.equal(privateKeys.size, 4);
    assert.deepEqual(Object.keys(c.wisepay).sort(), ['appId', 'baseUrl', 'gateway', 'gatewayPublicKey', 'merchantNo', 'privateKey']);
    assert.deepEqual(Object.keys(c.payermax).sort(), ['appId', 'baseUrl', 'gateway', 'gatewayPublicKey', 'merchantNo', 'privateKey']);
    assert.deepEqual(Object.keys(c.bluepay).sort(), ['appId', 'baseUrl', 'currency', 'gateway', 'gatewayPublicKey', 'privateKey']);
    assert.deepEqual(Object.keys(c.bieases).sort(), ['aesIv', 'aesKey', 'baseUrl', 'gateway', 'gatewayPublicKey', 'merchantId', 'privateKey']);
    assert.equal(Buffer.byteLength(c.bieases.aesKey), 32);
    assert.equal(Buffer.byteLength(c.bieases.aesIv), 16);
    for (const [name, config] of Object.entries(c)) {
      assert.equal(config.baseUrl, `${sandbox.url}/${name}`);
      // The private key matches a key pair whose public half the sandbox verifies with.
      const pub = crypto.createPublicKey(privateKeyOf(config.privateKey)).export({ type: 'spki', format: 'der' }).toString('base64');
      assert.notEqual(pub, config.gatewayPublicKey);
    }
    assert.deepEqual(
      sandbox.orders.wisepay.map((o) => o.currency),
      ['JPY', 'USD', 'USD'],
    );
    assert.deepEqual(sandbox.orders.payermax.map((o) => o.currency), ['USD', 'IDR', 'USD']);
  });

  test('WisePay: /api/entry serves the call its method names', async () => {
    const cfg = sandbox.credentials.wisepay;
    const p = PROTOCOLS.wisepay;
    const refundId = newRefundId('WE');
    const refund = p.refund(cfg, { order: sandbox.orders.wisepay[0], refundId, amount: '1', notifyUrl: '' }, { now: Date.now(), key: cfg.privateKey });
    assert.equal(p.read(cfg, await send(sandbox, 'wisepay', { ...refund, path: '/api/entry' })).ok, true);
    const query = p.query(cfg, { refundId }, { now: Date.now(), key: cfg.privateKey });
    const found = p.read(cfg, await send(sandbox, 'wisepay', { ...query, path: '/api/entry' }));
    assert.equal(found.refund.refundId, refundId);
    // The suffixed paths insist on their own method.
    const wrongPath = p.read(cfg, await send(sandbox, 'wisepay', { ...query, path: '/api/entry/refund' }));
    assert.equal(wrongPath.ok, false);
  });

  test('BluePay: the refund payments query by original transaction lists every refund of it', async () => {
    const cfg = sandbox.credentials.bluepay;
    const p = PROTOCOLS.bluepay;
    const order = sandbox.orders.bluepay[1];
    const made = [];
    for (const amount of ['1.00', '2.50']) {
      const refundId = newRefundId('BL');
      const reply = p.read(cfg, await send(sandbox, 'bluepay', p.refund(cfg, { order, refundId, amount, notifyUrl: 'http://127.0.0.1:9/none' }, { now: Date.now(), key: cfg.privateKey })));
      assert.equal(reply.ok, true, `code ${reply.code}`);
      made.push(refundId);
      await until('the refund to settle', () => sandbox.refunds().bluepay.find((r) => r.refundId === refundId && r.status !== 'pending'));
    }
    const param = q({ originalTransactionId: order.originalTransactionId, timestamp: Date.now() }); // milliseconds are accepted too
    const res = await send(sandbox, 'bluepay', { path: '/open-api/refund/payments', headers: { 'content-type': 'application/json' }, body: q({ appId: cfg.appId, param, sign: signText(cfg.privateKey, param) }) });
    const body = JSON.parse(res.text);
    assert.equal(body.code, 10000);
    assert.deepEqual(body.data.map((r) => r.mchRefundOrderId), made);
    assert.deepEqual(body.data.map((r) => r.refundAmount), [100, 250]);
    assert.deepEqual(body.data.map((r) => r.refundStatus), ['COMPLETE', 'COMPLETE']);
  });

  test('a corrupt key file is reported, not silently replaced', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sandbox-badkeys-'));
    try {
      await writeFile(join(dir, 'sandbox-test-keys.json'), '{ not json');
      await assert.rejects(startSandbox({ keysDir: dir }), /delete it/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('BIEASES: a correctly signed body that does not decrypt is refused with 44003', async () => {
    const cfg = sandbox.credentials.bieases;
    const garbage = Buffer.alloc(32, 7).toString('base64');
    const body = q({ merchantId: cfg.merchantId, method: 'bieases.trade.query', format: 'json', charset: 'utf-8', encryptType: 'AES', signType: 'RSA', sign: signText(cfg.privateKey, garbage), timestamp: Date.now(), body: garbage });
    const res = await send(sandbox, 'bieases', { path: '/cgi/payment/api/v1/payment-order/refund/query', headers: { 'content-type': 'application/json' }, body });
    assert.equal(JSON.parse(res.text).code, 44003);
  });

  test('BIEASES notifications use the callback envelope and the event names', async () => {
    const hook = await startWebhook('{"code":20000,"msg":""}');
    try {
      const cfg = sandbox.credentials.bieases;
      const order = sandbox.orders.bieases[1];
      const refundId = newRefundId('BE');
      const res = await send(sandbox, 'bieases', PROTOCOLS.bieases.refund(cfg, { order, refundId, amount: '1.50', notifyUrl: hook.url('b') }, { now: Date.now(), key: cfg.privateKey }));
      assert.equal(PROTOCOLS.bieases.read(cfg, res).refund.amount, '1.50');
      const [note] = await until('the notification', () => hook.received.length > 0 && hook.received);
      const parsed = PROTOCOLS.bieases.notification(cfg, note);
      assert.equal(parsed.method, 'bieases.trade.callback');
      assert.equal(parsed.event, 'payment.refund.success');
    } finally {
      await hook.close();
    }
  });

  test('PayerMax amounts are exact JSON numbers with the currency digits', async () => {
    const cfg = sandbox.credentials.payermax;
    const order = sandbox.orders.payermax[0];
    const refundId = newRefundId('PX');
    const p = PROTOCOLS.payermax;
    const res = await send(sandbox, 'payermax', p.refund(cfg, { order, refundId, amount: '0.10', notifyUrl: 'http://127.0.0.1:9/none' }, { now: Date.now(), key: cfg.privateKey }));
    assert.equal(p.read(cfg, res).ok, true, res.text);
    const query = await send(sandbox, 'payermax', p.query(cfg, { refundId }, { now: Date.now(), key: cfg.privateKey }));
    assert.match(query.text, /"refundAmount":0\.10,/);
    // A refund in more decimals than the currency has is refused.
    const bad = await send(sandbox, 'payermax', p.refund(cfg, { order: sandbox.orders.payermax[1], refundId: newRefundId('PX'), amount: '10.5', notifyUrl: '' }, { now: Date.now(), key: cfg.privateKey }));
    assert.equal(p.read(cfg, bad).code, 'AMOUNT_INVALID');
  });

  test('notifications go to loopback addresses only', async () => {
    const cfg = sandbox.credentials.wisepay;
    const refundId = newRefundId('EX');
    const p = PROTOCOLS.wisepay;
    await send(sandbox, 'wisepay', p.refund(cfg, { order: sandbox.orders.wisepay[1], refundId, amount: '0.01', notifyUrl: 'https://example.com/hook' }, { now: Date.now(), key: cfg.privateKey }));
    const entry = await until('the refund to settle', () => sandbox.refunds().wisepay.find((r) => r.refundId === refundId && r.deliveries.length > 0));
    assert.match(entry.deliveries[0].outcome, /^skipped/);
  });

  test('a notification that is never acked stops after the schedule', async () => {
    const hook = await startWebhook('not the ack');
    try {
      const cfg = sandbox.credentials.payermax;
      const refundId = newRefundId('NA');
      await send(sandbox, 'payermax', PROTOCOLS.payermax.refund(cfg, { order: sandbox.orders.payermax[1], refundId, amount: '1000', notifyUrl: hook.url('x') }, { now: Date.now(), key: cfg.privateKey }));
      await until('every attempt', () => hook.received.length === RETRY_SCHEDULE_MS.length);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(hook.received.length, RETRY_SCHEDULE_MS.length);
    } finally {
      await hook.close();
    }
  });

  test('CORS: loopback origins may call it and read the sign header; other origins and host names get nothing', async () => {
    const pre = await fetch(`${sandbox.url}/payermax/aggregate-pay/api/gateway/refund`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,sign' },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.match(pre.headers.get('access-control-allow-headers'), /sign/);
    // The request id header WisePay's Java SDK sends.
    assert.match(pre.headers.get('access-control-allow-headers'), /http-request-psn/);
    const post = await fetch(`${sandbox.url}/payermax/aggregate-pay/api/gateway/refund`, { method: 'POST', headers: { origin: 'http://127.0.0.1:3000' }, body: '{}' });
    assert.equal(post.headers.get('access-control-expose-headers'), 'sign');
    const foreign = await fetch(`${sandbox.url}/sandbox/info`, { headers: { origin: 'https://evil.example' } });
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    const rebound = await new Promise((resolve, reject) => {
      import('node:http').then(({ request }) => {
        const req = request(`${sandbox.url}/sandbox/info`, { headers: { host: 'evil.example' } }, (res) => {
          res.resume();
          resolve(res.statusCode);
        });
        req.on('error', reject);
        req.end();
      });
    });
    assert.equal(rebound, 421);
  });

  test('every gateway answers at its own paths from the root too, and unknown paths in its own shape', async () => {
    for (const [gateway, path, code] of [
      ['wisepay', '/api/entry/refund', 'SYS012'],
      ['payermax', '/aggregate-pay/api/gateway/refund', 'SIGN_VERIFY_FAILED'],
      ['bluepay', '/open-api/payment/refund', 21002],
      ['bieases', '/cgi/payment/api/v1/payment-order/refund', 40000],
    ]) {
      for (const url of [`${sandbox.url}${path}`, `${sandbox.credentials[gateway].baseUrl}${path}`]) {
        const res = await fetch(url, { method: 'POST', body: 'not json' });
        assert.equal(res.status, 200, url);
        assert.equal(JSON.parse(await res.text()).code, code, url);
      }
      const unknown = await fetch(`${sandbox.url}${path}/nothing`, { method: 'POST', body: '{}' });
      assert.equal(unknown.status, 404, gateway);
      assert.match(unknown.headers.get('content-type'), /^application\/json/, gateway);
      assert.ok('code' in JSON.parse(await unknown.text()), gateway);
    }
    // Other root paths are not a gateway's.
    assert.equal((await fetch(`${sandbox.url}/api/other`, { method: 'POST', body: '{}' })).status, 404);
  });

  test('cors: false leaves out every CORS header and answers no preflight', async () => {
    const plain = await newSandbox({ cors: false });
    try {
      const origin = { origin: 'http://localhost:5173' };
      const pre = await fetch(`${plain.url}/aggregate-pay/api/gateway/refund`, {
        method: 'OPTIONS',
        headers: { ...origin, 'access-control-request-method': 'POST' },
      });
      assert.equal(pre.status, 405);
      const post = await fetch(`${plain.url}/payermax/aggregate-pay/api/gateway/refund`, { method: 'POST', headers: origin, body: '{}' });
      const info = await fetch(`${plain.url}/sandbox/info`, { headers: origin });
      for (const res of [pre, post, info]) {
        assert.deepEqual([...res.headers.keys()].filter((h) => h.startsWith('access-control-') || h === 'vary'), []);
      }
    } finally {
      await plain.close();
    }
  });

  test('oversized bodies and unknown endpoints are refused', async () => {
    const big = await fetch(`${sandbox.url}/bluepay/open-api/payment/refund`, { method: 'POST', body: 'x'.repeat(70 * 1024) });
    assert.equal(big.status, 413);
    const unknown = await fetch(`${sandbox.url}/bluepay/open-api/nothing`, { method: 'POST', body: '{}' });
    assert.equal(unknown.status, 404);
    const get = await fetch(`${sandbox.url}/bluepay/open-api/payment/refund`);
    assert.equal(get.status, 405);
  });

  test('close() cancels pending settlements and notifications', async () => {
    const hook = await startWebhook('success');
    const slow = await newSandbox({ refundDelayMs: 200 });
    const cfg = slow.credentials.wisepay;
    const res = await send(slow, 'wisepay', PROTOCOLS.wisepay.refund(cfg, { order: slow.orders.wisepay[0], refundId: newRefundId('CL'), amount: '1', notifyUrl: hook.url('late') }, { now: Date.now(), key: cfg.privateKey }));
    assert.equal(PROTOCOLS.wisepay.read(cfg, res).ok, true);
    await slow.close();
    await new Promise((r) => setTimeout(r, 350));
    assert.equal(hook.received.length, 0);
    await hook.close();
  });
});

describe('console files', () => {
  let root;
  let sandbox;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sandbox-www-'));
    await mkdir(join(root, 'www', 'sandbox'), { recursive: true });
    await mkdir(join(root, 'pkg', 'web'), { recursive: true });
    await writeFile(join(root, 'www', 'index.html'), '<!doctype html><script type="module" src="app.js"></script>');
    await writeFile(join(root, 'www', 'app.js'), 'export {};');
    await writeFile(join(root, 'www', 'sandbox', 'index.mjs'), 'secret');
    await writeFile(join(root, 'www', '.hidden'), 'secret');
    await writeFile(join(root, 'outside.txt'), 'secret');
    await writeFile(join(root, 'pkg', 'web', 'refundkit_bg.wasm'), Buffer.from([0, 97, 115, 109]));
    await mkdir(join(root, 'js'));
    await writeFile(join(root, 'js', 'web.mjs'), "import '../pkg/web/refundkit.js';");
    sandbox = await newSandbox({
      fallback: createStaticHandler({ root: join(root, 'www'), pkgDir: join(root, 'pkg'), entryDir: join(root, 'js'), connectOrigins: () => ['http://127.0.0.1:1'] }),
    });
  });
  after(async () => {
    await sandbox.close();
    await rm(root, { recursive: true, force: true });
  });

  test('pages come with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${sandbox.url}/`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/);
    assert.match(csp, /connect-src 'self' http:\/\/127\.0\.0\.1:1(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(await res.text(), /app\.js/);
    const js = await fetch(`${sandbox.url}/app.js`);
    assert.match(js.headers.get('content-type'), /^text\/javascript/);
  });

  test('the package build is served from /pkg/ with the wasm type, its browser entry from /refundkit/', async () => {
    const res = await fetch(`${sandbox.url}/pkg/web/refundkit_bg.wasm`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/wasm');
    const entry = await fetch(`${sandbox.url}/refundkit/web.mjs`);
    assert.equal(entry.status, 200);
    assert.match(entry.headers.get('content-type'), /^text\/javascript/);
    // Its relative import lands on the served build.
    assert.equal(new URL('../pkg/web/refundkit.js', `${sandbox.url}/refundkit/web.mjs`).pathname, '/pkg/web/refundkit.js');
  });

  test('the sandbox folder, hidden files and paths outside www are not served', async () => {
    for (const path of ['/sandbox/index.mjs', '/.hidden', '/%2e%2e/outside.txt', '/..%2foutside.txt', '/pkg/..%2f..%2foutside.txt', '/pkg/../www/.hidden']) {
      const res = await fetch(`${sandbox.url}${path}`);
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(await res.text(), /secret/);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// End to end through the package: the library builds and signs, the sandbox checks, the library
// verifies. The same flow runs in Node and, with the web build, in headless Chromium. It runs once
// `npm run build` has produced the package; gateways whose module has not landed yet (the client
// refuses their config) are skipped, not failed.

const refundkit = await import('refundkit').catch(() => null);
const repoRoot = new URL('../../', import.meta.url);
const CHROMIUM = '/usr/bin/chromium';

/** The RefundInput and RefundQuery for an order of each gateway. */
const PACKAGE_INPUTS = {
  wisepay: {
    input: (order, refundId, amount, notifyUrl) => ({ refundId, originalOrderId: order.originalOrderId, amount, currency: order.currency, reason: 'sandbox test', notifyUrl }),
    query: (result) => ({ refundId: result.refundId }),
  },
  payermax: {
    input: (order, refundId, amount, notifyUrl) => ({ refundId, originalOrderId: order.originalOrderId, amount, currency: order.currency, reason: 'sandbox test', notifyUrl }),
    query: (result) => ({ refundId: result.refundId }),
  },
  bluepay: {
    input: (order, refundId, amount, notifyUrl) => ({ refundId, originalTransactionId: order.originalTransactionId, amount, currency: order.currency, reason: 'sandbox test', notifyUrl }),
    query: (result) => ({ gatewayRefundId: result.gatewayRefundId }),
  },
  bieases: {
    input: (order, refundId, amount, notifyUrl) => ({ refundId, originalTransactionId: order.originalTransactionId, amount, currency: order.currency, reason: 'sandbox test', notifyUrl }),
    query: (result) => ({ gatewayRefundId: result.gatewayRefundId }),
  },
};

/**
 * Runs one client call where the package lives and returns plain data:
 * { ok: true, value } or { ok: false, error: { code, field, gatewayCode, message, isRefundKitError } }.
 * `op` is a RefundClient method; 'construct' only builds the client.
 */
async function nodeCall(op, config, arg, opts) {
  try {
    const client = new refundkit.RefundClient(config);
    const value = op === 'construct' ? null : await client[op](arg, opts);
    return { ok: true, value };
  } catch (err) {
    return {
      ok: false,
      error: { code: err.code, field: err.field, gatewayCode: err.gatewayCode, message: err.message, isRefundKitError: err instanceof refundkit.RefundKitError },
    };
  }
}

/** The same call inside a page served by the sandbox, with the package's web build. */
function browserCall(page) {
  return (op, config, arg, opts) =>
    page.evaluate(
      async ({ op, config, arg, opts }) => {
        const m = await import('/refundkit/web.mjs');
        await m.init();
        try {
          const client = new m.RefundClient(config);
          const value = op === 'construct' ? null : await client[op](arg, opts);
          return { ok: true, value: JSON.parse(JSON.stringify(value)) };
        } catch (err) {
          return {
            ok: false,
            error: { code: err.code, field: err.field, gatewayCode: err.gatewayCode, message: err.message, isRefundKitError: err instanceof m.RefundKitError },
          };
        }
      },
      { op, config, arg, opts },
    );
}

/** A webhook that hands each notification to the library and replies with the ack it returns. */
async function startLibraryWebhook(call, config) {
  const hook = { verified: [], rejected: [] };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const outcome = await call('verifyNotification', config, { headers, body: Buffer.concat(chunks).toString('utf8') });
      if (outcome.ok) {
        hook.verified.push(outcome.value);
        res.writeHead(outcome.value.ack.status, outcome.value.ack.headers).end(outcome.value.ack.body);
      } else {
        hook.rejected.push(outcome.error);
        res.writeHead(400).end('rejected');
      }
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  hook.url = (path) => `http://127.0.0.1:${server.address().port}/hook/${path}`;
  hook.close = () => new Promise((r) => server.close(r));
  return hook;
}

function assertGatewayError(outcome, gatewayCode) {
  assert.equal(outcome.ok, false, 'refused');
  assert.equal(outcome.error.isRefundKitError, true, outcome.error.message);
  assert.equal(outcome.error.code, 'GATEWAY_ERROR', outcome.error.message);
  assert.equal(String(outcome.error.gatewayCode), String(gatewayCode));
}

/**
 * For one gateway: refund -> pending -> the notification arrives, verifies with the library and
 * is acked -> the query reports succeeded; partial refunds up to the paid amount pass and one more
 * is refused; a request signed with the wrong key, and a stale one, are refused by the sandbox.
 */
async function packageFlow(t, sandbox, gateway, call) {
  const p = PROTOCOLS[gateway];
  const inputs = PACKAGE_INPUTS[gateway];
  const config = sandbox.credentials[gateway];
  const probe = await call('construct', config);
  if (!probe.ok && probe.error.code === 'CONFIG_INVALID' && probe.error.field === 'gateway') {
    t.skip(`not in this build yet: ${probe.error.message}`);
    return;
  }
  assert.equal(probe.ok, true, probe.error?.message);
  const hook = await startLibraryWebhook(call, config);
  try {
    const order = sandbox.orders[gateway][1];
    const refundId = newRefundId('E2E');
    const refunded = await call('refund', config, inputs.input(order, refundId, '10', hook.url(refundId)));
    assert.equal(refunded.ok, true, refunded.error?.message);
    const result = refunded.value;
    assert.equal(result.gateway, gateway);
    assert.equal(result.status, 'pending');
    assert.equal(result.refundId, refundId);
    assert.equal(result.verified, p.signsResponses);

    const note = await until('the verified notification', () => hook.verified.find((n) => n.refund.refundId === refundId));
    assert.deepEqual(hook.rejected, []);
    assert.equal(note.gateway, gateway);
    assert.equal(note.refund.status, 'succeeded');
    assert.equal(note.refund.verified, true);
    const entry = await until('the ack', () => sandbox.refunds()[gateway].find((r) => r.refundId === refundId && r.deliveries.length > 0));
    assert.deepEqual(entry.deliveries.map((d) => d.outcome), ['acknowledged'], 'the ack the library returns is the one the gateway expects');

    const queried = await call('queryRefund', config, inputs.query(result));
    assert.equal(queried.ok, true, queried.error?.message);
    const mine = queried.value.find((r) => r.refundId === refundId);
    assert.equal(mine.status, 'succeeded');
    assert.equal(mine.gatewayStatus, p.statuses.succeeded);

    const full = sandbox.orders[gateway][0];
    for (const amount of p.partials) {
      const partial = await call('refund', config, inputs.input(full, newRefundId('E2P'), amount, hook.url('partial')));
      assert.equal(partial.ok, true, partial.error?.message);
      assert.equal(partial.value.status, 'pending');
      await until('the partial refund to settle', async () => {
        const q2 = await call('queryRefund', config, inputs.query(partial.value));
        return q2.ok && q2.value.some((r) => r.refundId === partial.value.refundId && r.status === 'succeeded');
      });
    }
    assertGatewayError(await call('refund', config, inputs.input(full, newRefundId('E2O'), p.oneMore, hook.url('over'))), p.codes.exceeds);

    const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    assertGatewayError(
      await call('refund', { ...config, privateKey: stranger }, inputs.input(order, newRefundId('E2W'), '1', hook.url('wrong'))),
      p.codes.sign,
    );

    // A stale request, as a replay of an old one would be.
    assertGatewayError(
      await call('refund', config, inputs.input(order, newRefundId('E2S'), '1', hook.url('stale')), { now: Date.now() - p.staleBy }),
      p.codes.stale,
    );
  } finally {
    await hook.close();
  }
}

describe('end to end through the package, in Node', { skip: refundkit ? false : 'the package is not built: npm run build' }, () => {
  let sandbox;
  before(async () => {
    sandbox = await newSandbox();
  });
  after(() => sandbox?.close());
  for (const gateway of Object.keys(PROTOCOLS)) {
    test(gateway, (t) => packageFlow(t, sandbox, gateway, nodeCall));
  }
});

async function browserPrerequisites() {
  const { existsSync } = await import('node:fs');
  if (!existsSync(new URL('pkg/web/refundkit.js', repoRoot))) return { skip: 'the web build is missing: npm run build' };
  if (!existsSync(new URL('js/web.mjs', repoRoot))) return { skip: 'the browser entry js/web.mjs is missing' };
  if (!existsSync(CHROMIUM)) return { skip: `no Chromium at ${CHROMIUM}` };
  const playwright = await import('playwright-core').catch(() => null);
  if (!playwright) return { skip: 'playwright-core is not installed: npm install' };
  return { playwright };
}

const browser = await browserPrerequisites();

describe('end to end through the web build, in headless Chromium', { skip: browser.skip ?? false }, () => {
  let sandbox;
  let chromium;
  let page;
  let pageRoot;
  before(async () => {
    // A blank page served under the console's Content-Security-Policy from http://localhost:PORT,
    // another origin than the http://127.0.0.1:PORT of the configs: every call is cross-origin and
    // needs the sandbox's CORS answers (PayerMax's also the exposed sign header).
    pageRoot = await mkdtemp(join(tmpdir(), 'sandbox-page-'));
    await writeFile(join(pageRoot, 'index.html'), '<!doctype html><title>sandbox browser test</title>');
    let origins = [];
    sandbox = await newSandbox({
      fallback: createStaticHandler({
        root: pageRoot,
        pkgDir: new URL('pkg', repoRoot).pathname,
        entryDir: new URL('js', repoRoot).pathname,
        connectOrigins: () => origins,
      }),
    });
    origins = [sandbox.url];
    chromium = await browser.playwright.chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await chromium.newPage();
    const violations = [];
    page.on('console', (m) => m.type() === 'error' && violations.push(m.text()));
    await page.goto(`http://localhost:${sandbox.port}/`);
    const loaded = await browserCall(page)('construct', sandbox.credentials.wisepay);
    // init() compiled the wasm under the policy (it throws otherwise); the client answered.
    assert.ok(loaded.ok || loaded.error.code === 'CONFIG_INVALID', loaded.error?.message);
    assert.deepEqual(violations.filter((v) => /Content Security Policy/i.test(v)), []);
  });
  after(async () => {
    await chromium?.close();
    await sandbox?.close();
    if (pageRoot) await rm(pageRoot, { recursive: true, force: true });
  });
  for (const gateway of Object.keys(PROTOCOLS)) {
    test(gateway, (t) => packageFlow(t, sandbox, gateway, browserCall(page)));
  }
});
