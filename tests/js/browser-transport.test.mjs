// The web build in headless Chromium: refund() and queryRefund() from a page on one local origin to
// a gateway stand-in on another (CORS set by the stand-in), with the same checks as in Node: the
// bytes that arrive are the SignedRequest's and their signature verifies with node:crypto.
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { NOW, gateways } from './gateway-doubles.mjs';
import { keys } from './helpers.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const types = { '.html': 'text/html', '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };

const chromiumOptions = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

/** Serves the package's js/ and pkg/ folders and an empty page. */
function staticServer() {
  return createServer(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>refundkit</title>');
      return;
    }
    const file = normalize(join(root, path));
    if (!/^\/(js|pkg)\//.test(path) || !file.startsWith(root)) {
      res.writeHead(404).end();
      return;
    }
    try {
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
}

/** The gateway stand-in, answering CORS preflights and exposing the `sign` response header. */
function gatewayServer(requests) {
  const cors = {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'POST',
    'access-control-allow-headers': 'content-type, sign',
    'access-control-expose-headers': 'sign',
  };
  return createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
      return;
    }
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const id = req.url.split('/')[1];
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ id, url: req.url, headers: req.headers, body });
      const answer = gateways[id].answer(req.url.toLowerCase().includes('quer') || req.url.includes('payments'));
      res.writeHead(answer.status, { ...answer.headers, ...cors }).end(answer.body);
    });
  });
}

const listen = (server) => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));

let browser;
let page;
let pageOrigin;
let gatewayOrigin;
const servers = [];
const requests = [];

before(async () => {
  const statics = staticServer();
  const gateway = gatewayServer(requests);
  servers.push(statics, gateway);
  pageOrigin = await listen(statics);
  gatewayOrigin = await listen(gateway);
  browser = await chromium.launch(chromiumOptions);
  page = await browser.newPage();
  await page.goto(`${pageOrigin}/`);
});

after(async () => {
  await browser?.close();
  for (const s of servers) {
    s.closeAllConnections();
    s.close();
  }
});

for (const [id, gw] of Object.entries(gateways)) {
  test(`${id}: refund() and queryRefund() from the web build reach a cross-origin server with the signed bytes`, async (t) => {
    requests.length = 0;
    const config = { gateway: id, baseUrl: `${gatewayOrigin}/${id}`, privateKey: keys.merchantPrivate, gatewayPublicKey: keys.gatewayPublic, ...gw.config };
    const outcome = await page.evaluate(
      async ({ config, input, query, now }) => {
        const { init, RefundClient, RefundKitError } = await import('/js/web.mjs');
        await init(undefined, { syncSigning: true });
        let client;
        try {
          client = new RefundClient(config);
        } catch (e) {
          if (e instanceof RefundKitError && /not available/.test(e.message)) return { missing: true };
          throw e;
        }
        const expected = client.buildRefund(input, { now });
        const refund = await client.refund(input, { now });
        const queried = await client.queryRefund(query, { now });
        let error;
        try {
          new RefundClient({ ...config, privateKey: 'not a key' });
        } catch (e) {
          error = { isRefundKitError: e instanceof RefundKitError, isError: e instanceof Error, code: e.code, field: e.field };
        }
        return { expected, refund, queried, error };
      },
      { config, input: gw.input, query: gw.query, now: NOW },
    );
    if (outcome.missing) return t.skip(`${id} is not in this build`);
    assert.equal(requests.length, 2);
    assert.equal(requests[0].body, outcome.expected.body, 'the refund body on the wire is the SignedRequest body');
    for (const [name, value] of Object.entries(outcome.expected.headers)) {
      assert.equal(requests[0].headers[name.toLowerCase()], value, `header ${name}`);
    }
    assert.ok(gw.requestVerifies(requests[0].body, requests[0].headers), 'node:crypto verifies the refund signature');
    assert.ok(gw.requestVerifies(requests[1].body, requests[1].headers), 'node:crypto verifies the query signature');
    assert.equal(outcome.refund.status, 'pending');
    assert.equal(outcome.queried[0].status, 'succeeded');
    assert.deepEqual(outcome.error, { isRefundKitError: true, isError: true, code: 'KEY_INVALID', field: 'privateKey' });
  });
}

test('without crypto.subtle (an insecure origin) init loads the RSA fallback: every build signs, key generation says why it cannot', async () => {
  const fresh = await browser.newPage();
  try {
    // What a page on an insecure origin has: crypto without subtle, set before the module loads.
    await fresh.addInitScript(() => {
      Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined, configurable: true });
    });
    await fresh.goto(`${pageOrigin}/`);
    const { id, gw } = { id: 'payermax', gw: gateways.payermax };
    const config = { gateway: id, baseUrl: `${gatewayOrigin}/${id}`, privateKey: keys.merchantPrivate, gatewayPublicKey: keys.gatewayPublic, ...gw.config };
    const outcome = await fresh.evaluate(
      async ({ config, input, now }) => {
        const { init, RefundClient, generateKeyPair } = await import('/js/web.mjs');
        await init();
        const client = new RefundClient(config);
        const sync = client.buildRefund(input, { now });
        const viaAsync = await client.buildRefundAsync(input, { now });
        let keygen;
        try {
          await generateKeyPair(2048);
        } catch (e) {
          keygen = { code: e.code, message: e.message };
        }
        return { subtle: typeof crypto.subtle, sync, viaAsync, keygen };
      },
      { config, input: gw.input, now: NOW },
    );
    assert.equal(outcome.subtle, 'undefined');
    assert.deepEqual(outcome.viaAsync, outcome.sync, 'the async build falls back to the same signature');
    assert.ok(gw.requestVerifies(outcome.sync.body, Object.fromEntries(Object.entries(outcome.sync.headers).map(([k, v]) => [k.toLowerCase(), v]))), 'node:crypto verifies the fallback signature');
    assert.equal(outcome.keygen.code, 'CONFIG_INVALID');
    assert.match(outcome.keygen.message, /crypto\.subtle/);
  } finally {
    await fresh.close();
  }
});

test('generateKeyPair in Chromium makes keys through WebCrypto that sign requests node:crypto verifies', async () => {
  const { id, gw } = { id: 'payermax', gw: gateways.payermax };
  const outcome = await page.evaluate(
    async ({ config, input, now }) => {
      const { init, RefundClient, generateKeyPair, keyFingerprint } = await import('/js/web.mjs');
      await init();
      const pair = await generateKeyPair(2048);
      const client = new RefundClient({ ...config, privateKey: pair.privateKeyPem });
      return { pair, fingerprint: keyFingerprint(pair.publicKeyPem), request: await client.buildRefundAsync(input, { now }) };
    },
    { config: { gateway: id, baseUrl: `${gatewayOrigin}/${id}`, gatewayPublicKey: keys.gatewayPublic, ...gw.config }, input: gw.input, now: NOW },
  );
  const publicKey = createPublicKey(outcome.pair.publicKeyPem);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  assert.equal(outcome.fingerprint, createHash('sha256').update(spki).digest('hex'));
  assert.equal(outcome.pair.publicKey, spki.toString('base64'));
  assert.ok(
    verify('sha256', Buffer.from(outcome.request.body), publicKey, Buffer.from(outcome.request.headers.sign, 'base64')),
    'node:crypto verifies a request signed with the generated key',
  );
});
