// The browser's signing path, run in Node through the browser entry: buildRefundAsync,
// buildRefundQueryAsync and refund() sign through WebCrypto the same bytes as the synchronous path
// (the RSA fallback module) and produce the same signature (RSASSA-PKCS1-v1_5 is deterministic), for
// every gateway in the build, with the key imported by the client and with a caller's
// non-extractable CryptoKey.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RefundClient, RefundKitError, init } from '../../js/web.mjs';
import { keys, scenarios } from '../../bench/gateways.mjs';
import { initWithoutNodeCrypto } from './helpers.mjs';

const pkg = new URL('../../pkg/', import.meta.url);
// The browser entry as a browser runs it; run by Node 20.16 and later it would sign with node:crypto.
await initWithoutNodeCrypto(init, readFileSync(new URL('web/refundkit_bg.wasm', pkg)), {
  syncSigning: true,
  fallbackModuleOrPath: readFileSync(new URL('fallback/refundkit_rsa_fallback_bg.wasm', pkg)),
});

const rsa = (hash = 'SHA-256') => ({ name: 'RSASSA-PKCS1-v1_5', hash });
const merchantPublic = crypto.createPublicKey(keys.merchantPublicPem);
const merchantDer = Buffer.from(keys.merchantPrivate, 'base64');

/** The gateways this build has: a client for one that is not built yet throws CONFIG_INVALID. */
const built = scenarios().filter((s) => {
  try {
    new RefundClient(s.config).free();
    return true;
  } catch (error) {
    // Only "not in this build yet" may leave a gateway out.
    assert.equal(error.code, 'CONFIG_INVALID', error.message);
    assert.equal(error.field, 'gateway', error.message);
    return false;
  }
});

test('at least one gateway is in the build', () => {
  assert.ok(built.length > 0);
});

/** The refund and the query of a gateway: the sync build by `client`, and how to build it async. */
function cases(s, client) {
  const opts = { now: s.now };
  return [
    { label: 'refund', sync: client.buildRefund(s.input, opts), viaAsync: (c) => c.buildRefundAsync(s.input, opts) },
    { label: 'query', sync: client.buildRefundQuery(s.query, opts), viaAsync: (c) => c.buildRefundQueryAsync(s.query, opts) },
  ];
}

function assertSignedByMerchant(s, request, hash = 'sha256') {
  const ok = crypto.verify(hash, Buffer.from(s.signedBytes(request)), merchantPublic, Buffer.from(s.signatureOf(request), 'base64'));
  assert.ok(ok, `${s.id}: the signature does not verify with node:crypto`);
}

for (const s of built) {
  test(`${s.id}: the async builds give the sync builds' bytes and signature`, async () => {
    const client = new RefundClient(s.config);
    for (const { label, sync, viaAsync } of cases(s, client)) {
      assertSignedByMerchant(s, sync);
      // Twice: the first call imports the key into WebCrypto, the second uses the imported key
      // (and builds the request's object while WebCrypto signs): the same object, in the same order.
      for (let i = 0; i < 2; i++) {
        const got = await viaAsync(client);
        assert.deepEqual(got, sync, `${s.id} ${label}`);
        assert.equal(JSON.stringify(got), JSON.stringify(sync), `${s.id} ${label}: property order`);
      }
    }
  });

  test(`${s.id}: a caller's non-extractable CryptoKey signs the same bytes`, async () => {
    const key = await crypto.subtle.importKey('pkcs8', merchantDer, rsa(), false, ['sign']);
    assert.equal(key.extractable, false);
    const withKey = new RefundClient({ ...s.config, privateKey: key });
    for (const { label, sync, viaAsync } of cases(s, new RefundClient(s.config))) {
      assert.deepEqual(await viaAsync(withKey), sync, `${s.id} ${label}`);
    }
    // The synchronous road has no key to sign with and says which road to take.
    assert.throws(
      () => withKey.buildRefund(s.input, { now: s.now }),
      (error) =>
        error instanceof RefundKitError &&
        error.code === 'CONFIG_INVALID' &&
        error.field === 'privateKey' &&
        /async/.test(error.message),
    );
  });

  test(`${s.id}: a caller's CryptoKey is checked once per client, not on every signature`, async () => {
    const key = await crypto.subtle.importKey('pkcs8', merchantDer, rsa(), false, ['sign']);
    // Count the reads of the key's properties (WebCrypto's own included) as the key is used.
    let reads = 0;
    for (const name of ['algorithm', 'usages', 'type']) {
      const { get } = Object.getOwnPropertyDescriptor(globalThis.CryptoKey.prototype, name);
      Object.defineProperty(key, name, {
        get() {
          reads += 1;
          return get.call(this);
        },
      });
    }
    const readsOf = async (client) => {
      const before = reads;
      await client.buildRefundAsync(s.input, { now: s.now });
      return reads - before;
    };
    const client = new RefundClient({ ...s.config, privateKey: key });
    const first = await readsOf(client);
    const later = await readsOf(client);
    // A CryptoKey's algorithm, usages and type are fixed when it is made: once checked for this
    // client and hash, only WebCrypto itself reads them.
    assert.ok(later < first, `a later signature read ${later} properties, the first ${first}`);
    assert.equal(await readsOf(client), later);
    assert.equal(await readsOf(new RefundClient({ ...s.config, privateKey: key })), first);
  });

  test(`${s.id}: a CryptoKey for another hash, algorithm or use is refused, not used`, async () => {
    const wrong = [
      ['another hash', await crypto.subtle.importKey('pkcs8', merchantDer, rsa('SHA-384'), false, ['sign']), /SHA-256/],
      ['RSA-PSS', await crypto.subtle.importKey('pkcs8', merchantDer, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']), /RSASSA-PKCS1-v1_5/],
      ['a public key', await crypto.subtle.importKey('spki', crypto.createPublicKey(keys.merchantPublicPem).export({ type: 'spki', format: 'der' }), rsa(), false, ['verify']), /private key/],
    ];
    for (const [what, key, message] of wrong) {
      const client = new RefundClient({ ...s.config, privateKey: key });
      await assert.rejects(client.buildRefundAsync(s.input, { now: s.now }), (error) => {
        assert.ok(error instanceof RefundKitError, `${what}: ${error}`);
        assert.equal(error.code, 'KEY_INVALID', `${what}: ${error.message}`);
        assert.equal(error.field, 'privateKey');
        assert.match(error.message, message);
        return true;
      });
    }
  });

  test(`${s.id}: refund() and queryRefund() send exactly what the sync builds sign`, async () => {
    const sent = [];
    const fetch = async (url, init) => {
      sent.push({ url, method: init.method, headers: Object.fromEntries(new Headers(init.headers)), body: init.body });
      return new Response('{"code":"E_TEST","msg":"refused by the test"}', { status: 400, headers: { 'content-type': 'application/json' } });
    };
    const client = new RefundClient({ ...s.config, fetch });
    const opts = { now: s.now };
    const expected = [client.buildRefund(s.input, opts), client.buildRefundQuery(s.query, opts)];
    await assert.rejects(client.refund(s.input, opts), RefundKitError);
    await assert.rejects(client.queryRefund(s.query, opts), RefundKitError);
    assert.equal(sent.length, 2);
    for (const [i, sync] of expected.entries()) {
      assert.equal(sent[i].url, sync.url);
      assert.equal(sent[i].method, 'POST');
      assert.equal(sent[i].body, sync.body);
      const lower = Object.fromEntries(Object.entries(sync.headers).map(([k, v]) => [k.toLowerCase(), v]));
      assert.deepEqual(sent[i].headers, lower);
    }
  });
}

test('calls made together on a new client share one import of the key', async () => {
  const s = built[0];
  const subtle = globalThis.crypto.subtle;
  const realImport = subtle.importKey;
  const formats = [];
  subtle.importKey = function (format, ...rest) {
    formats.push(format);
    return realImport.call(this, format, ...rest);
  };
  try {
    const client = new RefundClient(s.config);
    const opts = { now: s.now };
    const together = await Promise.all([
      ...Array.from({ length: 4 }, () => client.buildRefundAsync(s.input, opts)),
      client.buildRefundQueryAsync(s.query, opts),
    ]);
    assert.deepEqual(formats, ['pkcs8']);
    for (const request of together.slice(0, 4)) assert.deepEqual(request, client.buildRefund(s.input, opts));
    assert.deepEqual(together[4], client.buildRefundQuery(s.query, opts));
    await client.buildRefundAsync(s.input, opts);
    assert.deepEqual(formats, ['pkcs8'], 'a later call imports again');
  } finally {
    subtle.importKey = realImport;
  }
});

const bieases = built.find((s) => s.id === 'bieases');
test('a SHA-1 profile imports its own SHA-1 key and needs a SHA-1 CryptoKey', { skip: !bieases && 'bieases is not in this build' }, async () => {
  const config = { ...bieases.config, hash: 'sha1' };
  const client = new RefundClient(config);
  const sync = client.buildRefund(bieases.input, { now: bieases.now });
  assertSignedByMerchant(bieases, sync, 'sha1');
  assert.deepEqual(await client.buildRefundAsync(bieases.input, { now: bieases.now }), sync);
  const sha1Key = await crypto.subtle.importKey('pkcs8', merchantDer, rsa('SHA-1'), false, ['sign']);
  assert.deepEqual(await new RefundClient({ ...config, privateKey: sha1Key }).buildRefundAsync(bieases.input, { now: bieases.now }), sync);
  const sha256Key = await crypto.subtle.importKey('pkcs8', merchantDer, rsa(), false, ['sign']);
  await assert.rejects(
    new RefundClient({ ...config, privateKey: sha256Key }).buildRefundAsync(bieases.input, { now: bieases.now }),
    (error) => error.code === 'KEY_INVALID' && error.field === 'privateKey' && /SHA-1/.test(error.message),
  );
});

test('a signature WebCrypto refuses or answers with something else rejects with KEY_INVALID, on a ready key too', async () => {
  const s = built[0];
  const subtle = globalThis.crypto.subtle;
  const realSign = subtle.sign;
  const client = new RefundClient(s.config);
  const keyClient = new RefundClient({ ...s.config, privateKey: await subtle.importKey('pkcs8', merchantDer, rsa(), false, ['sign']) });
  const opts = { now: s.now };
  // The first call imports the merchant key; the later ones sign with it straight away.
  const expected = await client.buildRefundAsync(s.input, opts);
  const refused = (error) =>
    error instanceof RefundKitError && error.code === 'KEY_INVALID' && error.field === 'privateKey' && /WebCrypto could not sign/.test(error.message);
  try {
    for (const answer of [
      () => Promise.reject(new DOMException('the operation failed', 'OperationError')),
      () => Promise.resolve(new Uint8Array(256)),
      () => Promise.resolve('a signature'),
      () => Promise.resolve(new ArrayBuffer(0)),
    ]) {
      subtle.sign = answer;
      // A new client's first call imports the key and signs through the other road.
      for (const c of [client, keyClient, new RefundClient(s.config)]) await assert.rejects(c.buildRefundAsync(s.input, opts), refused);
      await assert.rejects(client.buildRefundQueryAsync(s.query, opts), refused);
    }
  } finally {
    subtle.sign = realSign;
  }
  assert.deepEqual(await client.buildRefundAsync(s.input, opts), expected, 'the client still signs afterwards');
});
