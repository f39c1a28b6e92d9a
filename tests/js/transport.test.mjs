// refund() and queryRefund() over real HTTP: a node:http server on 127.0.0.1 plays each gateway,
// checks that the bytes that arrive are exactly the SignedRequest's and that their signature
// verifies with node:crypto, and answers as the gateway would. Also timeouts, refused connections,
// HTML error pages and config.fetch.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { RefundClient, RefundKitError } from 'refundkit';
import { NOW, gateways } from './gateway-doubles.mjs';
import { keys, rejectsWith } from './helpers.mjs';

const expectedStatus = { refund: 'pending', query: 'succeeded' };

/** A local server whose behaviour each test sets; it records every request it gets. */
function startServer() {
  const state = { handler: null, requests: [] };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      state.requests.push(request);
      const answer = state.handler(request);
      if (answer === 'hang') return; // never answer
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, state, origin: `http://127.0.0.1:${server.address().port}` })),
  );
}

let http;
before(async () => {
  http = await startServer();
});
after(() => {
  http.server.closeAllConnections();
  http.server.close();
});

/** A client for the gateway, or null when this build does not include it yet. */
function clientFor(id, extra = {}) {
  try {
    return new RefundClient({ gateway: id, baseUrl: `${http.origin}/${id}`, privateKey: keys.merchantPrivate, gatewayPublicKey: keys.gatewayPublic, ...gateways[id].config, ...extra });
  } catch (e) {
    if (e.code === 'CONFIG_INVALID' && /not available/.test(e.message)) return null;
    throw e;
  }
}

for (const [id, gw] of Object.entries(gateways)) {
  describe(`${id} over HTTP`, () => {
    for (const kind of ['refund', 'query']) {
      test(`${kind}: sends exactly the signed bytes and returns the verified result`, async (t) => {
        const client = clientFor(id);
        if (!client) return t.skip(`${id} is not in this build`);
        for (const viaConfigFetch of [false, true]) {
          const seen = [];
          const c = viaConfigFetch
            ? clientFor(id, { fetch: (url, init) => { seen.push(url); return fetch(url, init); } })
            : client;
          http.state.requests = [];
          http.state.handler = () => gw.answer(kind === 'query');
          const expected = kind === 'refund' ? c.buildRefund(gw.input, { now: NOW }) : c.buildRefundQuery(gw.query, { now: NOW });
          const result = kind === 'refund' ? await c.refund(gw.input, { now: NOW }) : (await c.queryRefund(gw.query, { now: NOW }))[0];

          assert.equal(http.state.requests.length, 1, 'exactly one request, no retry');
          const [request] = http.state.requests;
          assert.equal(request.method, 'POST');
          assert.equal(`${http.origin}${request.url}`, expected.url);
          assert.equal(request.body, expected.body, 'the body on the wire is the SignedRequest body');
          for (const [name, value] of Object.entries(expected.headers)) {
            assert.equal(request.headers[name.toLowerCase()], value, `header ${name}`);
          }
          assert.ok(gw.requestVerifies(request.body, request.headers), 'node:crypto verifies the signature that arrived');
          assert.equal(result.gateway, id);
          assert.equal(result.status, expectedStatus[kind]);
          assert.equal(result.refundId ?? result.gatewayRefundId ? true : false, true);
          if (viaConfigFetch) assert.deepEqual(seen, [expected.url]);
        }
      });
    }

    test('a gateway error body is GATEWAY_ERROR, an HTML 502 page is TRANSPORT with the status', async (t) => {
      const client = clientFor(id);
      if (!client) return t.skip(`${id} is not in this build`);
      http.state.handler = () => ({ status: 502, headers: { 'content-type': 'text/html' }, body: '<html><body>Bad Gateway</body></html>' });
      const e = await rejectsWith(assert, RefundKitError, () => client.refund(gw.input, { now: NOW }), 'TRANSPORT');
      assert.match(e.message, /502/);
      assert.equal(e.status, 502);
      assert.equal(e.delivery, 'unknown');
      http.state.handler = () => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' });
      await rejectsWith(assert, RefundKitError, () => client.queryRefund(gw.query, { now: NOW }), 'RESPONSE_MALFORMED');
    });
  });
}

describe('transport failures', () => {
  const anyGateway = () => Object.keys(gateways).map((id) => [id, clientFor(id, { timeoutMs: 300 })]).find(([, c]) => c);

  test('a server that never answers gives TRANSPORT after timeoutMs', async (t) => {
    const found = anyGateway();
    if (!found) return t.skip('no gateway in this build');
    const [id, client] = found;
    http.state.handler = () => 'hang';
    const started = Date.now();
    const e = await rejectsWith(assert, RefundKitError, () => client.refund(gateways[id].input, { now: NOW }), 'TRANSPORT');
    const waited = Date.now() - started;
    assert.ok(waited >= 250, `gave up after ${waited} ms, before the timeout`);
    assert.match(e.message, /300 ms/);
    assert.equal(e.delivery, 'unknown', 'the request reached the server before the timeout');
    assert.equal(e.cause?.name, 'AbortError');
  });

  test('a refused connection gives TRANSPORT', async (t) => {
    const closed = await startServer();
    const port = new URL(closed.origin).port;
    await new Promise((r) => closed.server.close(r));
    const found = Object.keys(gateways)
      .map((id) => {
        try {
          return [id, new RefundClient({ gateway: id, baseUrl: `http://127.0.0.1:${port}/x`, privateKey: keys.merchantPrivate, gatewayPublicKey: keys.gatewayPublic, ...gateways[id].config })];
        } catch {
          return null;
        }
      })
      .find(Boolean);
    if (!found) return t.skip('no gateway in this build');
    const e = await rejectsWith(assert, RefundKitError, () => found[1].refund(gateways[found[0]].input, { now: NOW }), 'TRANSPORT');
    assert.match(e.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
    // fetch cannot tell a refused connection from one cut after sending: both are unknown.
    assert.equal(e.delivery, 'unknown');
    assert.ok(e.cause instanceof TypeError, 'the cause is what fetch rejected with');
  });

  test('a config.fetch that throws gives TRANSPORT, and fetch must be a function', async (t) => {
    const found = anyGateway();
    if (!found) return t.skip('no gateway in this build');
    const [id] = found;
    const client = clientFor(id, { fetch: () => { throw new TypeError('offline'); } });
    const e = await rejectsWith(assert, RefundKitError, () => client.refund(gateways[id].input, { now: NOW }), 'TRANSPORT');
    assert.match(e.message, /offline/);
    assert.throws(() => clientFor(id, { fetch: 'https://proxy' }), (err) => err.code === 'CONFIG_INVALID' && err.field === 'fetch');
    assert.throws(() => clientFor(id, { timeoutMs: -1 }), (err) => err.code === 'CONFIG_INVALID' && err.field === 'timeoutMs');
  });
});
