// The package's core face: loading through import and require, errors, keys and fingerprints.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { RefundClient, RefundKitError, errorCodes, generateKeyPair, keyFingerprint } from 'refundkit';
import { fixture, keys, rejectsWith, rsaSign, rsaVerify } from './helpers.mjs';

const require = createRequire(import.meta.url);

test('import and require give the same classes, and errors are real Errors', () => {
  const cjs = require('refundkit');
  assert.equal(cjs.RefundKitError, RefundKitError);
  assert.equal(cjs.RefundClient, RefundClient);
  let caught;
  try {
    new cjs.RefundClient({ gateway: 'nope' });
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof RefundKitError);
  assert.ok(caught instanceof Error);
  assert.equal(caught.name, 'RefundKitError');
  assert.equal(caught.code, 'CONFIG_INVALID');
  assert.equal(caught.field, 'gateway');
  assert.match(caught.message, /supported: wisepay, payermax, bluepay, bieases/);
  assert.ok(caught.stack.includes('RefundKitError'));
});

test('the error codes are the documented ones, and the TypeScript union lists exactly them', () => {
  assert.deepEqual(errorCodes(), [
    'CONFIG_INVALID', 'KEY_INVALID', 'INPUT_INVALID', 'AMOUNT_INVALID', 'SIGNATURE_MISSING',
    'SIGNATURE_INVALID', 'RESPONSE_MALFORMED', 'TIMESTAMP_OUT_OF_WINDOW', 'DECRYPT_FAILED',
    'GATEWAY_ERROR', 'TRANSPORT', 'MERCHANT_MISMATCH', 'BODY_TOO_LARGE',
  ]);
  const declarations = readFileSync(new URL('../../js/index.d.ts', import.meta.url), 'utf8');
  const union = declarations.match(/export type RefundKitErrorCode =([^;]*);/)[1];
  assert.deepEqual([...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]), errorCodes());
});

test('config that is not an object, or misses its gateway, is CONFIG_INVALID', async () => {
  for (const config of [undefined, null, 'payermax', 42, [], {}]) {
    await rejectsWith(assert, RefundKitError, () => new RefundClient(config), 'CONFIG_INVALID');
  }
});

test('keyFingerprint is the SHA-256 of the SPKI DER, whatever the input format', () => {
  const spkiDer = createPublicKey(keys.merchantPublic).export({ type: 'spki', format: 'der' });
  const expected = createHash('sha256').update(spkiDer).digest('hex');
  assert.equal(keyFingerprint(keys.merchantPublic), expected);
  assert.equal(keyFingerprint(fixture('merchant_test_key.pub.pkcs1.pem')), expected);
  assert.equal(keyFingerprint(spkiDer.toString('base64')), expected);
  assert.throws(() => keyFingerprint(keys.merchantPrivate), (e) => e.code === 'KEY_INVALID' && !e.message.includes('MII'));
  assert.throws(() => keyFingerprint(42), (e) => e instanceof RefundKitError && e.code === 'KEY_INVALID');
});

test('bad fingerprint inputs never echo the key text', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecPem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  const marker = 'SECRETMARKER';
  for (const text of [ecPem, keys.merchantPublic.replace("\n", `\n${marker}`), 'garbage ' + marker, '']) {
    try {
      keyFingerprint(text);
    } catch (e) {
      assert.equal(e.code, 'KEY_INVALID');
      assert.ok(!e.message.includes(marker) && !e.message.includes('MII'), e.message);
      continue;
    }
    assert.fail('expected KEY_INVALID');
  }
});

test('generateKeyPair gives a working pair in base64 DER and PEM, verified by node:crypto', async () => {
  const pair = await generateKeyPair();
  assert.match(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.match(pair.publicKeyPem, /^-----BEGIN PUBLIC KEY-----\n/);
  const publicKey = createPublicKey(pair.publicKeyPem);
  assert.equal(publicKey.asymmetricKeyDetails.modulusLength, 2048);
  const signature = rsaSign(pair.privateKey, 'hello');
  assert.ok(rsaVerify(pair.publicKey, 'hello', signature));
  assert.equal(keyFingerprint(pair.publicKey), keyFingerprint(pair.publicKeyPem));
  const big = await generateKeyPair(3072);
  assert.equal(createPublicKey(big.publicKeyPem).asymmetricKeyDetails.modulusLength, 3072);
  await rejectsWith(assert, RefundKitError, () => generateKeyPair(1024), 'INPUT_INVALID', 'bits');
});

test('generateKeyPair takes only the numbers 2048, 3072 and 4096, or nothing, and never converts', async () => {
  let converted = false;
  const refused = [
    '2048', 2048.5, NaN, -2048, 2 ** 32 + 2048, null, true, 2048n, [2048], new Number(2048),
    { valueOf() { converted = true; return 2048; } },
    { valueOf() { throw new Error('valueOf ran'); } },
  ];
  for (const bits of refused) {
    const e = await rejectsWith(assert, RefundKitError, () => generateKeyPair(bits), 'INPUT_INVALID', 'bits');
    assert.match(e.message, /bits must be the number 2048, 3072 or 4096/);
  }
  assert.equal(converted, false, 'valueOf was called');
  const pair = await generateKeyPair(undefined);
  assert.equal(createPublicKey(pair.publicKeyPem).asymmetricKeyDetails.modulusLength, 2048);
});
