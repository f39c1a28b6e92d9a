// BIEASES through the built package, cross-checked with node:crypto: every request decrypts with
// createDecipheriv and its sign verifies over the profile's target; every message "from BIEASES" is
// encrypted and signed by node:crypto.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { RefundClient, RefundKitError } from 'refundkit';
import { bareKey as bare, fixture as pem, throwsWith } from './helpers.mjs';

const NOW = 1_763_776_800_000; // 2025-11-22T02:00:00Z
const MERCHANT_ID = 'B131567545069';
const PAYMENT_ID = '01J143NWJFNGBV2YB9ZRB9T7PS';
const BIEASES_REFUND_ID = '2013112111001004500000675973';


const merchantPublic = crypto.createPublicKey(pem('merchant_test_key.pub.pem'));
const gatewayPrivate = crypto.createPrivateKey(pem('gateway_test_key.pem'));
const merchantPrivate = crypto.createPrivateKey(pem('merchant_test_key.pem'));

function encode(bytes, encoding) {
  return encoding === 'utf8' ? bytes.toString('utf8') : bytes.toString(encoding);
}

/** Every signTarget × hash × keyEncoding, cycling through AES-128, -192 and -256. */
function allProfiles() {
  const profiles = [];
  for (const signTarget of ['ciphertext', 'plaintext']) {
    for (const hash of ['sha256', 'sha1']) {
      for (const keyEncoding of ['utf8', 'base64', 'hex']) {
        const keyLength = [16, 24, 32][profiles.length % 3];
        const utf8 = keyEncoding === 'utf8';
        const key = utf8
          ? Buffer.from('0123456789abcdefghijklmnopqrstuv'.slice(0, keyLength))
          : Buffer.from(Array.from({ length: keyLength }, (_, i) => (i * 37 + 200) & 0xff));
        const iv = utf8
          ? Buffer.from('abcdef9876543210')
          : Buffer.from(Array.from({ length: 16 }, (_, i) => 0xf0 ^ i));
        profiles.push({ signTarget, hash, keyEncoding, key, iv });
      }
    }
  }
  return profiles;
}

const defaultProfile = {
  signTarget: 'ciphertext',
  hash: 'sha256',
  keyEncoding: 'utf8',
  key: Buffer.from('0123456789abcdef'),
  iv: Buffer.from('abcdef9876543210'),
};

function config(profile, changes = {}) {
  return {
    gateway: 'bieases',
    environment: 'sandbox',
    merchantId: MERCHANT_ID,
    privateKey: bare('merchant_test_key.pem'),
    gatewayPublicKey: bare('gateway_test_key.pub.pem'),
    aesKey: encode(profile.key, profile.keyEncoding),
    aesIv: encode(profile.iv, profile.keyEncoding),
    signTarget: profile.signTarget,
    hash: profile.hash,
    keyEncoding: profile.keyEncoding,
    ...changes,
  };
}

const algorithm = (key) => `aes-${key.length * 8}-cbc`;

function decrypt(profile, bodyBase64) {
  const decipher = crypto.createDecipheriv(algorithm(profile.key), profile.key, profile.iv);
  return Buffer.concat([decipher.update(bodyBase64, 'base64'), decipher.final()]);
}

function encrypt(profile, plaintext) {
  const cipher = crypto.createCipheriv(algorithm(profile.key), profile.key, profile.iv);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

/** An envelope as BIEASES would send it, signed by `signer` under `profile`. */
function gatewayEnvelope(profile, body, { timestamp = NOW, signer = gatewayPrivate } = {}) {
  const plaintext = JSON.stringify(body);
  const ciphertext = encrypt(profile, plaintext);
  const target = profile.signTarget === 'plaintext' ? plaintext : ciphertext;
  return {
    merchantId: MERCHANT_ID,
    method: 'bieases.trade.callback',
    format: 'json',
    charset: 'utf-8',
    encryptType: 'AES',
    signType: 'RSA',
    sign: crypto.sign(profile.hash, Buffer.from(target), signer).toString('base64'),
    timestamp,
    body: ciphertext,
  };
}

const refundNotification = () => ({
  merchantId: MERCHANT_ID,
  event: 'payment.refund.success',
  refundId: BIEASES_REFUND_ID,
  paymentId: PAYMENT_ID,
  referRefundNo: 'R-1001',
  refundAmount: '10.5',
  currency: 'USD',
  status: 'SUCCESS',
  refundTime: 1706585572074,
  completeTime: '1706585579000',
  msg: '',
});

const refundInput = {
  refundId: 'R-1001',
  originalTransactionId: PAYMENT_ID,
  amount: '10.5',
  currency: 'USD',
  reason: 'damaged',
  notifyUrl: 'https://shop.example/bieases/notify',
};

const REFUND_PLAINTEXT =
  `{"paymentId":"${PAYMENT_ID}","referRefundNo":"R-1001","refundAmount":10.50,"currency":"USD",` +
  '"refundInfos":[{"goodsDesc":"damaged","refundGoodAmount":"10.50"}],"reason":"damaged",' +
  '"callbackUrl":"https://shop.example/bieases/notify"}';

const ENVELOPE_KEYS = ['merchantId', 'method', 'format', 'charset', 'encryptType', 'signType', 'sign', 'timestamp', 'body'];

function verifies(profile, target, sign, hash = profile.hash) {
  return crypto.verify(hash, Buffer.from(target), merchantPublic, Buffer.from(sign, 'base64'));
}

test('every profile: requests decrypt with node:crypto and their sign verifies over the target', () => {
  for (const profile of allProfiles()) {
    const label = `${profile.signTarget}/${profile.hash}/${profile.keyEncoding}/${profile.key.length * 8}`;
    const client = new RefundClient(config(profile));

    const request = client.buildRefund(refundInput, { now: NOW });
    assert.equal(request.url, 'https://app-sandbox.bieases.com/cgi/payment/api/v1/payment-order/refund');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['Content-Type'] ?? request.headers['content-type'], 'application/json');
    const envelope = JSON.parse(request.body);
    assert.deepEqual(Object.keys(envelope), ENVELOPE_KEYS, label);
    assert.equal(envelope.merchantId, MERCHANT_ID);
    assert.equal(envelope.method, 'bieases.trade.refund');
    assert.equal(envelope.format, 'json');
    assert.equal(envelope.charset, 'utf-8');
    assert.equal(envelope.encryptType, 'AES');
    assert.equal(envelope.signType, 'RSA');
    assert.ok(request.body.includes(`"timestamp":${NOW},`), 'timestamp is a JSON number');

    const plaintext = decrypt(profile, envelope.body).toString('utf8');
    assert.equal(plaintext, REFUND_PLAINTEXT, label);
    const [target, other] =
      profile.signTarget === 'ciphertext' ? [envelope.body, plaintext] : [plaintext, envelope.body];
    assert.ok(verifies(profile, target, envelope.sign), `${label}: sign over the target`);
    assert.ok(!verifies(profile, other, envelope.sign), `${label}: not over the other target`);
    const otherHash = profile.hash === 'sha1' ? 'sha256' : 'sha1';
    assert.ok(!verifies(profile, target, envelope.sign, otherHash), `${label}: not with ${otherHash}`);

    const query = client.buildRefundQuery({ gatewayRefundId: BIEASES_REFUND_ID }, { now: NOW });
    assert.equal(query.url, 'https://app-sandbox.bieases.com/cgi/payment/api/v1/payment-order/refund/query');
    const queryEnvelope = JSON.parse(query.body);
    assert.deepEqual(Object.keys(queryEnvelope), ENVELOPE_KEYS);
    assert.equal(queryEnvelope.method, 'bieases.trade.query');
    const queryPlaintext = decrypt(profile, queryEnvelope.body).toString('utf8');
    assert.equal(queryPlaintext, `{"refundId":"${BIEASES_REFUND_ID}"}`);
    const queryTarget = profile.signTarget === 'ciphertext' ? queryEnvelope.body : queryPlaintext;
    assert.ok(verifies(profile, queryTarget, queryEnvelope.sign), `${label}: query sign`);
  }
});

test('every profile: a notification from node:crypto round-trips', () => {
  for (const profile of allProfiles()) {
    const client = new RefundClient(config(profile));
    const body = JSON.stringify(gatewayEnvelope(profile, refundNotification(), { timestamp: NOW - 2000 }));
    for (const raw of [body, new TextEncoder().encode(body)]) {
      const n = client.verifyNotification({ headers: { 'content-type': 'application/json' }, body: raw }, { now: NOW });
      assert.equal(n.gateway, 'bieases');
      assert.equal(n.event, 'payment.refund.success');
      assert.equal(n.refund.verified, true);
      assert.equal(n.refund.status, 'succeeded');
      assert.equal(n.refund.gatewayStatus, 'SUCCESS');
      assert.equal(n.refund.refundId, 'R-1001');
      assert.equal(n.refund.gatewayRefundId, BIEASES_REFUND_ID);
      assert.equal(n.refund.originalTransactionId, PAYMENT_ID);
      assert.equal(n.refund.amount, '10.50');
      assert.equal(n.refund.createdAt, '2024-01-30T03:32:52.074Z');
      assert.equal(n.ack.status, 200);
      assert.equal(n.ack.body, '{"code":20000,"msg":""}');
      assert.equal(JSON.parse(n.ack.body).code, 20000);
    }
  }
});

test('plain query answers are unverified; other codes are GATEWAY_ERROR', () => {
  const client = new RefundClient(config(defaultProfile));
  for (const code of [20000, '20000']) {
    const [r, ...rest] = client.parseRefundQueryResponse({
      status: 200,
      body: JSON.stringify({
        code,
        msg: 'SUCCESS',
        data: { refundId: BIEASES_REFUND_ID, paymentId: PAYMENT_ID, referRefundNo: 'R-1001', refundAmount: '21.55', status: 'FAILED', msg: 'account closed' },
      }),
    });
    assert.equal(rest.length, 0);
    assert.equal(r.verified, false);
    assert.equal(r.status, 'failed');
    assert.equal(r.failureReason, 'account closed');
    assert.equal(r.amount, '21.55');
  }
  const e = throwsWith(assert, RefundKitError, 
    () => client.parseRefundQueryResponse({ status: 429, body: '{"code":"42901","msg":"Rate limit exceeded","data":null}' }),
    'GATEWAY_ERROR',
  );
  assert.equal(e.gatewayCode, '42901');
});

test('notifications: tampered ciphertext, wrong AES key, stale timestamp, wrong RSA key', () => {
  const client = new RefundClient(config(defaultProfile));
  const verify = (envelope, now = NOW) =>
    client.verifyNotification({ headers: {}, body: JSON.stringify(envelope) }, { now });

  const good = gatewayEnvelope(defaultProfile, refundNotification());
  assert.equal(verify(good).refund.status, 'succeeded');

  const bytes = Buffer.from(good.body, 'base64');
  bytes[3] ^= 1;
  throwsWith(assert, RefundKitError, () => verify({ ...good, body: bytes.toString('base64') }), 'SIGNATURE_INVALID');

  const otherKey = gatewayEnvelope({ ...defaultProfile, key: Buffer.from('fedcba9876543210') }, refundNotification());
  throwsWith(assert, RefundKitError, () => verify(otherKey), 'DECRYPT_FAILED');

  const stale = gatewayEnvelope(defaultProfile, refundNotification(), { timestamp: NOW - 5 * 60 * 1000 - 1 });
  const e = throwsWith(assert, RefundKitError, () => verify(stale), 'TIMESTAMP_OUT_OF_WINDOW');
  assert.match(e.message, new RegExp(String(NOW)));
  assert.equal(verify(stale, NOW - 1).refund.status, 'succeeded');

  const forged = gatewayEnvelope(defaultProfile, refundNotification(), { signer: merchantPrivate });
  throwsWith(assert, RefundKitError, () => verify(forged), 'SIGNATURE_INVALID');

  const { sign, ...unsigned } = good;
  assert.ok(sign);
  throwsWith(assert, RefundKitError, () => verify(unsigned), 'SIGNATURE_MISSING');
});

test('configuration and input errors name the field and never echo the key', () => {
  const e = throwsWith(assert, RefundKitError, 
    () => new RefundClient(config(defaultProfile, { aesKey: 'SECRET-15-bytes' })),
    'CONFIG_INVALID',
    'aesKey',
  );
  assert.ok(!e.message.includes('SECRET'));
  throwsWith(assert, RefundKitError, 
    () => new RefundClient(config(defaultProfile, { aesIv: 'SECRET-iv-17bytes' })),
    'CONFIG_INVALID',
    'aesIv',
  );
  throwsWith(assert, RefundKitError, () => new RefundClient(config(defaultProfile, { signTarget: 'envelope' })), 'CONFIG_INVALID', 'signTarget');

  const client = new RefundClient(config(defaultProfile));
  const q = throwsWith(assert, RefundKitError, () => client.buildRefundQuery({ refundId: 'R-1001' }, { now: NOW }), 'INPUT_INVALID', 'gatewayRefundId');
  assert.match(q.message, /only by its own refundId/);
  const { originalTransactionId, ...withoutPayment } = refundInput;
  assert.ok(originalTransactionId);
  throwsWith(assert, RefundKitError, 
    () => client.buildRefund({ ...withoutPayment, originalOrderId: 'O-1' }, { now: NOW }),
    'INPUT_INVALID',
    'originalTransactionId',
  );
});

test('only signed bytes decide: an envelope event is reported apart, never read as the status', () => {
  const client = new RefundClient(config(defaultProfile));
  const verify = (envelope) => client.verifyNotification({ headers: {}, body: JSON.stringify(envelope) }, { now: NOW });
  const { event, status, ...silent } = refundNotification();
  assert.ok(event && status);
  const n = verify({ ...gatewayEnvelope(defaultProfile, silent), event: 'payment.refund.success' });
  assert.equal(n.refund.verified, true);
  assert.equal(n.refund.status, 'unknown');
  assert.equal(n.event, undefined);
  assert.equal(n.refund.raw.unverifiedEnvelope.event, 'payment.refund.success');
  assert.equal(n.refund.raw.unverifiedEnvelope.merchantId, MERCHANT_ID);
  assert.ok(!('sign' in n.refund.raw.unverifiedEnvelope) && !('body' in n.refund.raw.unverifiedEnvelope));
  const { unverifiedEnvelope, ...signed } = n.refund.raw;
  assert.ok(unverifiedEnvelope);
  assert.deepEqual(signed, silent);
});

test('a message for another merchant is MERCHANT_MISMATCH on merchantId, signed or not', () => {
  const client = new RefundClient(config(defaultProfile));
  const verify = (envelope) => client.verifyNotification({ headers: {}, body: JSON.stringify(envelope) }, { now: NOW });
  const theirs = gatewayEnvelope(defaultProfile, { ...refundNotification(), merchantId: 'B999999999999' });
  const e = throwsWith(assert, RefundKitError, () => verify(theirs), 'MERCHANT_MISMATCH', 'merchantId');
  assert.match(e.message, /B999999999999/);
  const { merchantId, ...anonymous } = refundNotification();
  assert.equal(merchantId, MERCHANT_ID);
  assert.equal(verify(gatewayEnvelope(defaultProfile, anonymous)).refund.status, 'succeeded');
  throwsWith(assert, RefundKitError, 
    () => verify({ ...gatewayEnvelope(defaultProfile, anonymous), merchantId: 'B999999999999' }),
    'MERCHANT_MISMATCH',
    'merchantId',
  );
  const signedAnswer = { code: 20000, msg: '', data: theirs };
  throwsWith(assert, RefundKitError, 
    () => client.parseRefundResponse({ status: 200, body: JSON.stringify(signedAnswer) }),
    'MERCHANT_MISMATCH',
    'merchantId',
  );
});

test("signTarget 'plaintext': bad padding and a bad signature are one and the same error", () => {
  const profile = { ...defaultProfile, signTarget: 'plaintext' };
  const client = new RefundClient(config(profile));
  const good = gatewayEnvelope(profile, refundNotification());
  const bytes = Buffer.from(good.body, 'base64');
  const badPadding = Buffer.from(bytes);
  badPadding[badPadding.length - 17] ^= 0x80;
  const badSignature = Buffer.from(bytes);
  badSignature[3] ^= 1;
  // node:crypto agrees on which of the two still has good padding.
  assert.throws(() => decrypt(profile, badPadding.toString('base64')));
  decrypt(profile, badSignature.toString('base64'));
  const [a, b] = [badPadding, badSignature].map((body) =>
    throwsWith(assert, RefundKitError, 
      () => client.verifyNotification({ body: JSON.stringify({ ...good, body: body.toString('base64') }) }, { now: NOW }),
      'SIGNATURE_INVALID',
    ),
  );
  assert.equal(a.message, b.message);
  assert.equal(a.field, b.field);
});

// AES-CBC against node:crypto with keys and IVs drawn at random for every key length: what either
// side encrypts, the other decrypts to the same bytes, at every padding length from 1 to 16.
const randomProfile = (keyLength, changes = {}) => ({
  ...defaultProfile,
  keyEncoding: 'base64',
  key: crypto.randomBytes(keyLength),
  iv: crypto.randomBytes(16),
  ...changes,
});

/** The decrypted body's members, as the library reports them (`raw`, less the unsigned envelope). */
const decryptedMembers = (notification) => {
  const { unverifiedEnvelope, ...members } = notification.refund.raw;
  assert.ok(unverifiedEnvelope);
  return members;
};

test('AES-CBC: random 128-, 192- and 256-bit keys agree with node:crypto at every padding length', () => {
  for (const keyLength of [16, 24, 32]) {
    for (let draw = 0; draw < 3; draw++) {
      const profile = randomProfile(keyLength);
      const client = new RefundClient(config(profile));
      const label = `AES-${keyLength * 8}, draw ${draw}`;
      for (let msgLength = 0; msgLength < 16; msgLength++) {
        const body = { ...refundNotification(), msg: crypto.randomBytes(8).toString('hex').slice(0, msgLength) };
        const envelope = gatewayEnvelope(profile, body);
        const notification = client.verifyNotification({ body: JSON.stringify(envelope) }, { now: NOW });
        assert.deepEqual(decryptedMembers(notification), body, `${label}, msg of ${msgLength}`);
      }
      const request = JSON.parse(client.buildRefund(refundInput, { now: NOW }).body);
      assert.equal(decrypt(profile, request.body).toString('utf8'), REFUND_PLAINTEXT, label);
    }
  }
});

/** `json`, then spaces up to where `tail` ends a block, then `tail`: whole blocks, no padding added. */
function blocksEndingIn(json, tail) {
  const fill = (16 - ((json.length + tail.length) % 16)) % 16;
  return Buffer.concat([Buffer.from(json), Buffer.alloc(fill, 0x20), Buffer.from(tail)]);
}

function encryptBlocks(profile, blocks) {
  const cipher = crypto.createCipheriv(algorithm(profile.key), profile.key, profile.iv).setAutoPadding(false);
  return Buffer.concat([cipher.update(blocks), cipher.final()]).toString('base64');
}

/** Last bytes that are not PKCS#7 padding (each follows a space, never a padding byte). */
const BAD_PADDINGS = [[0x00], [0x11], [0xff], [0x03, 0x03], Array(15).fill(0x10)];

test('AES-CBC: bad padding under random keys is refused where node:crypto refuses it, under both profiles', () => {
  const json = JSON.stringify(refundNotification());
  for (const keyLength of [16, 24, 32]) {
    for (const signTarget of ['ciphertext', 'plaintext']) {
      const profile = randomProfile(keyLength, { signTarget });
      const client = new RefundClient(config(profile));
      const verify = (envelope) => client.verifyNotification({ body: JSON.stringify(envelope) }, { now: NOW });
      const forged = gatewayEnvelope(profile, refundNotification(), { signer: merchantPrivate });
      const badSignature = throwsWith(assert, RefundKitError, () => verify(forged), 'SIGNATURE_INVALID');
      for (const tail of BAD_PADDINGS) {
        const label = `AES-${keyLength * 8} ${signTarget}, ends in ${tail}`;
        const blocks = blocksEndingIn(json, tail);
        const body = encryptBlocks(profile, blocks);
        assert.throws(() => decrypt(profile, body), /bad decrypt/, `node:crypto refuses it too: ${label}`);
        // Signed by the gateway key over what the library checks a signature over when the padding
        // is bad (all but the last byte), so that the padding alone is wrong.
        const target = signTarget === 'plaintext' ? blocks.subarray(0, -1) : Buffer.from(body);
        const sign = crypto.sign(profile.hash, target, gatewayPrivate).toString('base64');
        const envelope = { ...gatewayEnvelope(profile, refundNotification()), body, sign };
        if (signTarget === 'ciphertext') {
          throwsWith(assert, RefundKitError, () => verify(envelope), 'DECRYPT_FAILED');
        } else {
          const e = throwsWith(assert, RefundKitError, () => verify(envelope), 'SIGNATURE_INVALID');
          assert.equal(e.message, badSignature.message, label);
        }
      }
    }
  }
});
