// Every crypto provider gives the same bytes and the same verdicts. Node signs and verifies with
// node:crypto (the package root); browsers sign with WebCrypto and, for synchronous calls, with the
// RSA fallback module, and verify in Rust (the browser entry, run here in Node). RSASSA-PKCS1-v1_5
// is deterministic, so every road must give byte-identical requests; and every road must agree
// with the Wycheproof vectors on which signatures hold.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as node from 'refundkit';
import * as web from '../../js/web.mjs';
import { scenarios } from '../../bench/gateways.mjs';
import { fixture, initWithoutNodeCrypto } from './helpers.mjs';

const pkg = new URL('../../pkg/', import.meta.url);
// The browser entry as a browser runs it; run by Node 20.16 and later it would sign with node:crypto.
await initWithoutNodeCrypto(web.init, readFileSync(new URL('web/refundkit_bg.wasm', pkg)), {
  syncSigning: true,
  fallbackModuleOrPath: readFileSync(new URL('fallback/refundkit_rsa_fallback_bg.wasm', pkg)),
});

test('node:crypto, the RSA fallback and WebCrypto sign every gateway identically', async () => {
  for (const s of scenarios()) {
    const opts = { now: s.now };
    const viaNode = new node.RefundClient(s.config);
    const viaBrowser = new web.RefundClient(s.config);
    for (const [build, arg] of [['buildRefund', s.input], ['buildRefundQuery', s.query]]) {
      const expected = viaNode[build](arg, opts);
      assert.deepEqual(viaBrowser[build](arg, opts), expected, `${s.id} ${build}: fallback`);
      assert.deepEqual(await viaBrowser[`${build}Async`](arg, opts), expected, `${s.id} ${build}: WebCrypto`);
      assert.deepEqual(await viaNode[`${build}Async`](arg, opts), expected, `${s.id} ${build}: node async`);
    }
    viaNode.free();
    viaBrowser.free();
  }
});

test('the async calls place the signature exactly where the sync calls do, past text of any script', async () => {
  // Both entries write the signature into the body in JavaScript, whose strings count UTF-16 units
  // where the module counts bytes: letters of two, three and four UTF-8 bytes (a surrogate pair)
  // before the signature's place must not move it.
  let nonAscii = 0;
  for (const s of scenarios()) {
    const configs = s.id === 'wisepay' ? [s.config, { ...s.config, wireFormat: 'form' }] : [s.config];
    for (const config of configs) {
      const input = { ...s.input, reason: 'é 返金 🎉 "quoted"' };
      const expected = new node.RefundClient(config).buildRefund(input, { now: s.now });
      if (/[^\x00-\x7f]/.test(expected.body)) nonAscii += 1;
      for (const [road, rk] of [['node', node], ['browser', web]]) {
        const client = new rk.RefundClient(config);
        // The browser entry's first signature imports the key; the second is the one written in JavaScript.
        for (const round of [1, 2]) {
          assert.deepEqual(await client.buildRefundAsync(input, { now: s.now }), expected, `${s.id} ${config.wireFormat ?? ''} ${road} ${round}`);
        }
        client.free();
      }
    }
  }
  // WisePay's JSON, PayerMax's and BluePay's bodies carry the reason as written.
  assert.ok(nonAscii >= 3, `${nonAscii} bodies with text beyond ASCII`);
});

const hex = (text) => Buffer.from(text, 'hex');

/** A PayerMax notification whose `sign` header is `signature` over exactly `body`: verification
 * runs before anything is parsed, so the verdict shows in the error code alone. */
function verdict(client, body, signature) {
  try {
    client.verifyNotification({ headers: { sign: signature.toString('base64') }, body });
    return 'verified';
  } catch (error) {
    if (error.code === 'SIGNATURE_INVALID' || error.code === 'SIGNATURE_MISSING') return 'refused';
    // The signature held; the vector's message is simply not a PayerMax notification.
    return 'verified';
  }
}

test('node:crypto and the Rust verifier give every Wycheproof PKCS#1 v1.5 SHA-256 vector its verdict', () => {
  const payermax = scenarios().find((s) => s.id === 'payermax');
  let checked = 0;
  for (const bits of [2048, 3072, 4096]) {
    const file = JSON.parse(fixture(`wycheproof/rsa_signature_${bits}_sha256_test.json`));
    for (const group of file.testGroups) {
      const config = { ...payermax.config, gatewayPublicKey: group.publicKeyPem };
      const clients = { node: new node.RefundClient(config), rust: new web.RefundClient(config) };
      for (const vector of group.tests) {
        if (vector.result === 'acceptable') continue;
        const expected = vector.result === 'valid' ? 'verified' : 'refused';
        for (const [road, client] of Object.entries(clients)) {
          assert.equal(verdict(client, hex(vector.msg), hex(vector.sig)), expected, `${bits}-bit tcId ${vector.tcId} via ${road}`);
        }
        checked += 1;
      }
      clients.node.free();
      clients.rust.free();
    }
  }
  assert.ok(checked > 700, `${checked} vectors`);
});

test('generateKeyPair makes keys through the host that every road signs and verifies with', async () => {
  for (const [road, rk] of [['node', node], ['browser', web]]) {
    const pair = await rk.generateKeyPair(2048);
    assert.match(pair.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/, road);
    assert.equal(rk.keyFingerprint(pair.publicKey), node.keyFingerprint(pair.publicKeyPem), road);
    const s = scenarios().find((x) => x.id === 'payermax');
    const client = new node.RefundClient({ ...s.config, privateKey: pair.privateKey });
    const other = new web.RefundClient({ ...s.config, privateKey: pair.privateKeyPem });
    assert.deepEqual(client.buildRefund(s.input, { now: s.now }), other.buildRefund(s.input, { now: s.now }), road);
  }
});

test('a private key whose numbers do not fit together is refused when the client is made, on every road', async () => {
  const { createPrivateKey } = await import('node:crypto');
  const jwk = createPrivateKey(fixture('merchant_test_key.pem')).export({ format: 'jwk' });
  // One bit of the first prime changed: still a well-formed key, but p·q is no longer n.
  const p = Buffer.from(jwk.p, 'base64url');
  p[p.length - 1] ^= 0x02;
  const broken = createPrivateKey({ key: { ...jwk, p: p.toString('base64url') }, format: 'jwk' })
    .export({ type: 'pkcs8', format: 'pem' });
  const s = scenarios().find((x) => x.id === 'payermax');
  for (const [road, rk] of [['node', node], ['browser', web]]) {
    assert.throws(
      () => new rk.RefundClient({ ...s.config, privateKey: broken }),
      (e) => e instanceof rk.RefundKitError && e.code === 'KEY_INVALID' && e.field === 'privateKey' && /do not fit together/.test(e.message),
      road,
    );
  }
});

test("the Node entry's async calls sign in node:crypto's thread pool: the event loop runs meanwhile", async () => {
  const s = scenarios().find((x) => x.id === 'payermax');
  const client = new node.RefundClient(s.config);
  const opts = { now: s.now };
  const expected = client.buildRefund(s.input, opts);
  // Signed on the main thread, all sixteen would settle in microtasks before any macrotask ran.
  let settled = 0;
  const builds = Array.from({ length: 16 }, () => client.buildRefundAsync(s.input, opts).then((r) => (settled++, r)));
  const settledWhenLoopRan = await new Promise((resolve) => setImmediate(() => resolve(settled)));
  assert.ok(settledWhenLoopRan < 16, `all ${settledWhenLoopRan} builds settled before the event loop ran`);
  for (const request of await Promise.all(builds)) assert.deepEqual(request, expected);
  client.free();
});

test('a signature node:crypto refuses or answers with something else rejects with KEY_INVALID, on both async roads', async () => {
  const { default: nodeCrypto } = await import('node:crypto');
  const s = scenarios().find((x) => x.id === 'payermax');
  const client = new node.RefundClient(s.config);
  const opts = { now: s.now };
  const expected = await client.buildRefundAsync(s.input, opts);
  const answered = [];
  let fetched = false;
  const sender = new node.RefundClient({ ...s.config, fetch: async () => { fetched = true; throw new Error('not to be sent'); } });
  const realSign = nodeCrypto.sign;
  try {
    for (const answer of [
      (callback) => callback(new Error('the operation failed')),
      (callback) => callback(null, Buffer.alloc(255)),
      (callback) => callback(null, new ArrayBuffer(256)),
      (callback) => callback(null, 'a signature'),
      // 255 bytes that claim, each time a little more loudly, to be 256 and more.
      (callback) => {
        class Lying extends Uint8Array {
          get length() {
            return (this.told = (this.told ?? 255) + 1);
          }
        }
        callback(null, new Lying(255));
      },
    ]) {
      // The synchronous form (no callback) stays node:crypto's own.
      nodeCrypto.sign = (algorithm, data, key, callback) =>
        callback === undefined ? realSign(algorithm, data, key) : answer(callback);
      await assert.rejects(client.buildRefundAsync(s.input, opts), (error) => {
        answered.push(error.message);
        return error instanceof node.RefundKitError && error.code === 'KEY_INVALID' && error.field === 'privateKey' && /node:crypto could not sign/.test(error.message);
      });
      // refund() signs on its own road; the request never reaches fetch.
      await assert.rejects(sender.refund(s.input, opts), (error) => error.code === 'KEY_INVALID' && error.delivery === 'not-sent');
      assert.equal(fetched, false);
      assert.deepEqual(client.buildRefund(s.input, opts), expected);
    }
  } finally {
    nodeCrypto.sign = realSign;
  }
  assert.equal(answered.length, 5);
  assert.deepEqual(await client.buildRefundAsync(s.input, opts), expected);
  client.free();
  sender.free();
});

test('a request the Node entry handed back is not written again by a second answer from node:crypto', async () => {
  const { default: nodeCrypto } = await import('node:crypto');
  const realSign = nodeCrypto.sign;
  for (const s of scenarios()) {
    const client = new node.RefundClient(s.config);
    const opts = { now: s.now };
    const expected = client.buildRefund(s.input, opts);
    let again;
    nodeCrypto.sign = (algorithm, data, key, callback) => {
      if (callback === undefined) return realSign(algorithm, data, key);
      const signature = realSign(algorithm, data, key);
      callback(null, signature);
      again = new Promise((resolve) => setImmediate(() => resolve(callback(null, Buffer.alloc(signature.length, 0x41)))));
    };
    try {
      const request = await client.buildRefundAsync(s.input, opts);
      await again;
      assert.deepEqual(request, expected, s.id);
    } finally {
      nodeCrypto.sign = realSign;
    }
    client.free();
  }
});
