// refundkit/relay: requests signed by RefundClient go through the relay to a local stand-in for each
// gateway, which checks the bytes and their signature with node:crypto and answers signed; the client
// verifies that answer. Every refusal (host, path, method, size, origin, login) has its test, and the
// relay's table of presets and paths is held to the library's own description.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { RefundClient, gateways as describeGateways } from 'refundkit';
import { createNodeRelay, createRelay, relayGateways } from 'refundkit/relay';
import { NOW, gateways as doubles } from './gateway-doubles.mjs';
import { keys } from './helpers.mjs';

const PAGE = 'https://admin.example';
const IDS = Object.keys(doubles);

/** The path the relay forwards a gateway's operation to. */
const pathOf = (id, operation) => Object.entries(relayGateways()[id].paths).find(([, op]) => op === operation)[0];

/** A local gateway stand-in that records what reaches it; each test may set how it answers. */
async function startUpstream() {
  const state = { requests: [], answer: null };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const request = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) };
      state.requests.push(request);
      let answer;
      try {
        answer = state.answer?.(request) ?? answerAsGateway(request);
      } catch (err) {
        answer = { status: 500, headers: { 'content-type': 'text/plain' }, body: `test double failed: ${err.message}` };
      }
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}

/** What the gateway double answers, after checking the request's signature as the gateway would.
 * Each gateway is configured at /<id>-base on this server. */
function answerAsGateway(request) {
  const id = IDS.find((name) => request.url.startsWith(`/${name}-base/`));
  const double = doubles[id];
  if (!double.requestVerifies(request.body.toString('utf8'), request.headers)) {
    return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'bad signature' };
  }
  const isQuery = request.url.endsWith(pathOf(id, 'refundQuery'));
  return double.answer(isQuery);
}

/** The relay behind node:http, mounted under /relay as a back office would. */
async function startRelayServer(options) {
  const handle = createNodeRelay({ basePath: '/relay', origins: [PAGE], ...options });
  const server = createServer((req, res) => handle(req, res));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/relay`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(resolve))),
  };
}

function client(id, baseUrl, fetch) {
  return new RefundClient({
    gateway: id,
    baseUrl,
    privateKey: keys.merchantPrivate,
    gatewayPublicKey: keys.gatewayPublic,
    ...doubles[id].config,
    ...(fetch ? { fetch } : {}),
  });
}

/** A fetch that records the bytes the client sends, as a browser page would send them (with an Origin). */
function pageFetch(sent) {
  return (url, init) => {
    sent.push({ url, body: init.body });
    return fetch(url, { ...init, headers: { ...init.headers, origin: PAGE } });
  };
}

let upstream;
let relayServer;
const audited = [];
before(async () => {
  upstream = await startUpstream();
  const where = Object.fromEntries(IDS.map((id) => [id, `${upstream.origin}/${id}-base`]));
  relayServer = await startRelayServer({ gateways: where, audit: (event) => audited.push(event) });
});
after(async () => {
  await relayServer.close();
  await upstream.close();
});

describe('forwarding', () => {
  for (const id of IDS) {
    test(`${id}: refund and query arrive byte for byte, the gateway verifies them and the client verifies the answer`, async () => {
      const sent = [];
      const viaRelay = client(id, `${relayServer.url}/${id}`, pageFetch(sent));
      upstream.state.requests.length = 0;
      const refunded = await viaRelay.refund(doubles[id].input);
      const queried = await viaRelay.queryRefund(doubles[id].query);
      assert.equal(refunded.status, 'pending');
      assert.equal(queried[0].status, 'succeeded');
      assert.equal(upstream.state.requests.length, 2);
      for (const [index, path] of [pathOf(id, 'refund'), pathOf(id, 'refundQuery')].entries()) {
        const arrived = upstream.state.requests[index];
        assert.equal(arrived.url, `/${id}-base${path}`);
        assert.equal(arrived.body.toString('utf8'), sent[index].body, 'the body is unchanged');
        assert.ok(doubles[id].requestVerifies(arrived.body.toString('utf8'), arrived.headers), 'the gateway side verifies the signature');
      }
      // The doubles sign WisePay's and PayerMax's answers: the signature survives the trip.
      assert.equal(refunded.verified, id === 'wisepay' || id === 'payermax');
    });
  }

  test('the fetch handler alone forwards and hands back the status, body bytes and signature header unchanged', async () => {
    const answerBody = Buffer.from('{"code":"APPLY_SUCCESS","msg":"caf\u00e9 \u2713"}\n', 'utf8');
    upstream.state.answer = () => ({ status: 201, headers: { 'content-type': 'application/json', sign: 'SIG==', 'set-cookie': 'a=b', 'x-internal': '1' }, body: answerBody });
    try {
      const relay = createRelay({ gateways: { payermax: upstream.origin }, origins: [PAGE] });
      const body = new Uint8Array([0x7b, 0x22, 0xc3, 0xa9, 0x22, 0x7d]); // {"é"} as UTF-8 bytes
      const response = await relay(
        new Request('https://relay.example/payermax/aggregate-pay/api/gateway/refund', {
          method: 'POST',
          headers: { origin: PAGE, 'content-type': 'application/json', sign: 'REQ==', cookie: 'session=1', authorization: 'Bearer x', 'x-forwarded-for': '10.0.0.1' },
          body,
        }),
      );
      assert.equal(response.status, 201);
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), answerBody);
      assert.equal(response.headers.get('sign'), 'SIG==');
      assert.equal(response.headers.get('set-cookie'), null, 'no other gateway header comes back');
      assert.equal(response.headers.get('x-internal'), null);
      assert.equal(response.headers.get('access-control-allow-origin'), PAGE);
      assert.match(response.headers.get('access-control-expose-headers'), /\bsign\b/);
      const arrived = upstream.state.requests.at(-1);
      assert.deepEqual(arrived.body, Buffer.from(body));
      assert.equal(arrived.headers.sign, 'REQ==');
      for (const header of ['cookie', 'authorization', 'x-forwarded-for', 'origin']) {
        assert.equal(arrived.headers[header], undefined, `${header} is not forwarded`);
      }
    } finally {
      upstream.state.answer = null;
    }
  });

  test("WisePay's Http-Request-Psn goes along when the page sends one", async () => {
    const relay = createRelay({ gateways: { wisepay: upstream.origin } });
    upstream.state.answer = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{}' });
    try {
      await relay(new Request('http://r/wisepay/api/entry/refundquery', { method: 'POST', headers: { 'http-request-psn': '07311537390000000001' }, body: '{}' }));
      assert.equal(upstream.state.requests.at(-1).headers['http-request-psn'], '07311537390000000001');
    } finally {
      upstream.state.answer = null;
    }
  });

  test('a redirect from upstream is handed back, not followed, and carries no Location', async () => {
    const elsewhere = await startUpstream();
    upstream.state.answer = () => ({ status: 302, headers: { location: `${elsewhere.origin}/steal` }, body: '' });
    try {
      const relay = createRelay({ gateways: { bluepay: upstream.origin } });
      const response = await relay(new Request('http://r/bluepay/open-api/payment/refund', { method: 'POST', body: '{}' }));
      assert.equal(response.status, 302);
      assert.equal(response.headers.get('location'), null);
      assert.equal(elsewhere.state.requests.length, 0, 'nothing went to the redirect target');
    } finally {
      upstream.state.answer = null;
      await elsewhere.close();
    }
  });
});

describe("the relay's table is the library's", () => {
  test('presets equal what gateways() describes, and paths equal where buildRefund and buildRefundQuery send', () => {
    const mine = relayGateways();
    const described = describeGateways();
    assert.deepEqual(Object.keys(mine).sort(), described.map((g) => g.id).sort());
    for (const info of described) {
      assert.deepEqual(mine[info.id].presets, Object.fromEntries(info.presets.map((p) => [p.name, p.baseUrl])), info.id);
      assert.deepEqual(Object.keys(mine[info.id].paths).sort(), [...info.paths].sort(), info.id);
      const c = client(info.id, 'https://gateway.example/base');
      assert.equal(c.buildRefund(doubles[info.id].input, { now: NOW }).url, `https://gateway.example/base${pathOf(info.id, 'refund')}`);
      assert.equal(c.buildRefundQuery(doubles[info.id].query, { now: NOW }).url, `https://gateway.example/base${pathOf(info.id, 'refundQuery')}`);
    }
  });

  test("WisePay's SDK form goes to /api/entry, where the body's method must be a refund call", async () => {
    const events = [];
    const reached = [];
    const relay = createRelay({
      gateways: { wisepay: 'n-age' },
      audit: (e) => events.push(e),
      fetch: async (url, init) => (reached.push({ url, body: init.body }), new Response('{}')),
    });
    const form = new RefundClient({ gateway: 'wisepay', baseUrl: 'http://r/wisepay', privateKey: keys.merchantPrivate, gatewayPublicKey: keys.gatewayPublic, ...doubles.wisepay.config, wireFormat: 'form' });
    for (const signed of [form.buildRefund(doubles.wisepay.input, { now: NOW }), form.buildRefundQuery(doubles.wisepay.query, { now: NOW })]) {
      assert.equal(new URL(signed.url).pathname, '/wisepay/api/entry');
      const response = await relay(new Request(signed.url, { method: 'POST', headers: signed.headers, body: signed.body }));
      assert.equal(response.status, 200);
      assert.equal(new TextDecoder().decode(reached.at(-1).body), signed.body);
    }
    assert.deepEqual(events.map((e) => [e.operation, e.refundId]), [['refund', 'R100'], ['refundQuery', 'R100']]);
    assert.deepEqual(reached.map((r) => r.url), ['https://open.n-age.co.jp/api/entry', 'https://open.n-age.co.jp/api/entry']);
    const payment = await relay(new Request('http://r/wisepay/api/entry', { method: 'POST', body: 'method=order.pay.submit&sign=x' }));
    assert.equal(payment.status, 403);
    assert.equal((await payment.json()).error, 'OPERATION_NOT_ALLOWED');
    assert.equal(reached.length, 2, 'a payment call is not forwarded');
  });

  test('an environment name reaches that preset host, and the audit hook reads the refund number where it is readable', async () => {
    for (const info of describeGateways().filter((g) => g.presets.length > 0)) {
      const preset = info.presets.at(-1);
      const reached = [];
      const events = [];
      const relay = createRelay({
        gateways: { [info.id]: preset.name },
        audit: (e) => events.push(e),
        fetch: async (url) => (reached.push(url), new Response('{}', { status: 200 })),
      });
      const signed = client(info.id, `http://r/${info.id}`).buildRefund(doubles[info.id].input, { now: NOW });
      await relay(new Request(signed.url, { method: 'POST', headers: signed.headers, body: signed.body }));
      assert.deepEqual(reached, [`${preset.baseUrl}${pathOf(info.id, 'refund')}`]);
      assert.equal(events[0].refundId, info.id === 'bieases' ? undefined : doubles[info.id].input.refundId, info.id);
    }
    // BluePay has no presets; its refund number sits inside the signed param string.
    const events = [];
    const relay = createRelay({ gateways: { bluepay: 'https://bluepay.example' }, audit: (e) => events.push(e), fetch: async () => new Response('{}') });
    const signed = client('bluepay', 'http://r/bluepay').buildRefund(doubles.bluepay.input, { now: NOW });
    await relay(new Request(signed.url, { method: 'POST', headers: signed.headers, body: signed.body }));
    assert.equal(events[0].refundId, 'R100');
  });
});

describe('refusals', () => {
  const post = (path, init = {}) => fetch(`${relayServer.url}${path}`, { method: 'POST', body: '{}', ...init, headers: { origin: PAGE, ...init.headers } });

  test('another host cannot be reached: the target comes from configuration, never from the request', async () => {
    const reached = [];
    const relay = createRelay({ gateways: { payermax: 'sandbox' }, fetch: async (url) => (reached.push(url), new Response('{}')) });
    await relay(
      new Request('http://evil.example/payermax/aggregate-pay/api/gateway/refund', {
        method: 'POST',
        headers: { host: 'evil.example', 'x-forwarded-host': 'evil.example' },
        body: '{}',
      }),
    );
    assert.deepEqual(reached, ['https://pay-gate-uat.payermax.com/aggregate-pay/api/gateway/refund']);
    for (const path of ['/http://evil.example/x', '/payermax@evil.example/aggregate-pay/api/gateway/refund', '//evil.example/payermax/aggregate-pay/api/gateway/refund']) {
      const response = await post(path);
      assert.equal(response.status, 404, path);
    }
  });

  test('configuration refuses unknown gateways, unknown environments and plain http to other machines', () => {
    assert.throws(() => createRelay({ gateways: { stripe: 'production' } }), /gateways\.stripe: no such gateway; known gateways: wisepay, payermax, bluepay, bieases/);
    assert.throws(() => createRelay({ gateways: { payermax: 'prod' } }), /not one of its environments \(sandbox, production\) or an https URL/);
    assert.throws(() => createRelay({ gateways: { bluepay: 'http://bluepay.example' } }), /must use https/);
    assert.throws(() => createRelay({ gateways: { bluepay: 'https://u:p@bluepay.example' } }), /without credentials/);
    assert.throws(() => createRelay({ gateways: {} }), /at least one gateway/);
    assert.throws(() => createRelay({ gateways: { payermax: 'sandbox' }, origins: ['https://admin.example/'] }), /is not an origin/);
  });

  test('paths other than the refund and refund-query endpoints are 404, with the ones it forwards named', async () => {
    upstream.state.requests.length = 0;
    for (const path of [
      '/payermax/aggregate-pay/api/gateway/pay',
      '/payermax/aggregate-pay/api/gateway/refund/../orderQuery',
      '/payermax/aggregate-pay/api/gateway/refund?x=1',
      '/payermax',
      '/wisepay/api/entry/pay',
      '/nope/api/entry/refund',
      '/../payermax/aggregate-pay/api/gateway/refund',
    ]) {
      const response = await post(path);
      assert.equal(response.status, 404, path);
      assert.equal((await response.json()).error, 'NOT_FOUND');
    }
    const named = await (await post('/payermax/x')).json();
    assert.match(named.message, /\/relay\/payermax\/aggregate-pay\/api\/gateway\/refund, \/relay\/payermax\/aggregate-pay\/api\/gateway\/refundQuery/);
    const outside = await fetch(relayServer.url.replace('/relay', '/payermax/aggregate-pay/api/gateway/refund'), { method: 'POST', body: '{}' });
    assert.equal(outside.status, 404);
    assert.equal(upstream.state.requests.length, 0);
  });

  test('methods other than POST are 405 with Allow', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const response = await fetch(`${relayServer.url}/payermax/aggregate-pay/api/gateway/refund`, {
        method,
        headers: { origin: PAGE },
        body: method === 'GET' ? undefined : '{}',
      });
      assert.equal(response.status, 405, method);
      assert.equal(response.headers.get('allow'), 'POST, OPTIONS');
      assert.equal((await response.json()).error, 'METHOD_NOT_ALLOWED');
    }
  });

  test('a body over the limit is 413, whether it says its length or streams', async () => {
    const small = await startRelayServer({ gateways: { bluepay: upstream.origin }, maxBodyBytes: 100 });
    try {
      upstream.state.requests.length = 0;
      const declared = await fetch(`${small.url}/bluepay/open-api/payment/refund`, { method: 'POST', body: 'x'.repeat(101) });
      assert.equal(declared.status, 413);
      assert.equal((await declared.json()).error, 'BODY_TOO_LARGE');
      const exact = await fetch(`${small.url}/bluepay/open-api/payment/refund`, { method: 'POST', body: 'x'.repeat(100) });
      assert.notEqual(exact.status, 413, 'the limit itself is allowed');
      const relay = createRelay({ gateways: { bluepay: upstream.origin }, maxBodyBytes: 100 });
      const stream = new ReadableStream({
        pull(controller) {
          controller.enqueue(new Uint8Array(64));
        },
      });
      const streamed = await relay(new Request('http://r/bluepay/open-api/payment/refund', { method: 'POST', body: stream, duplex: 'half' }));
      assert.equal(streamed.status, 413);
      assert.equal(upstream.state.requests.length, 1, 'only the request within the limit was forwarded');
    } finally {
      await small.close();
    }
  });

  test('pages from other origins get 403, preflight included; allowed ones get a preflight answer', async () => {
    upstream.state.requests.length = 0;
    const foreign = await post('/payermax/aggregate-pay/api/gateway/refund', { headers: { origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
    assert.equal((await foreign.json()).error, 'ORIGIN_NOT_ALLOWED');
    const preflight = (origin) =>
      fetch(`${relayServer.url}/payermax/aggregate-pay/api/gateway/refund`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, sign' },
      });
    assert.equal((await preflight('https://evil.example')).status, 403);
    const allowed = await preflight(PAGE);
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get('access-control-allow-origin'), PAGE);
    assert.equal(allowed.headers.get('access-control-allow-methods'), 'POST');
    assert.equal(allowed.headers.get('access-control-allow-headers'), 'content-type, sign');
    assert.equal(upstream.state.requests.length, 0);
  });

  test('a gateway that cannot be reached, or does not answer in time, is 502 with a JSON body saying which', async () => {
    const gone = await startUpstream();
    await gone.close();
    const unreachable = createRelay({ gateways: { bieases: gone.origin } });
    const refused = await unreachable(new Request('http://r/bieases/cgi/payment/api/v1/payment-order/refund', { method: 'POST', body: '{}' }));
    assert.equal(refused.status, 502);
    const reason = await refused.json();
    assert.equal(reason.error, 'GATEWAY_UNREACHABLE');
    assert.match(reason.message, /could not reach BIEASES at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);

    upstream.state.answer = () => 'hang';
    try {
      const slow = createRelay({ gateways: { bieases: upstream.origin }, timeoutMs: 200 });
      const late = await slow(new Request('http://r/bieases/cgi/payment/api/v1/payment-order/refund', { method: 'POST', body: '{}' }));
      assert.equal(late.status, 502);
      const why = await late.json();
      assert.equal(why.error, 'GATEWAY_TIMEOUT');
      assert.match(why.message, /did not answer within 200 ms/);
    } finally {
      upstream.state.answer = null;
    }
  });

  test('mounted after a body parser, the node adapter says so rather than forwarding other bytes', async () => {
    const handle = createNodeRelay({ gateways: { bluepay: upstream.origin } });
    const server = createServer((req, res) => {
      req.on('data', () => {});
      req.on('end', () => handle(req, res));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${server.address().port}/bluepay/open-api/payment/refund`, { method: 'POST', body: '{}' });
      assert.equal(response.status, 500);
      assert.match((await response.json()).message, /mount the relay before any body parser/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('hooks', () => {
  test('authorize sees each request and its target; a refusal is 401 and nothing is forwarded', async () => {
    const seen = [];
    const relay = createRelay({
      gateways: { payermax: upstream.origin },
      origins: [PAGE],
      allowHeaders: ['authorization'],
      authorize: async (request, target) => {
        seen.push({ auth: request.headers.get('authorization'), ...target });
        if (request.headers.get('authorization') === 'Bearer teapot') return new Response('ask later', { status: 418 });
        return request.headers.get('authorization') === 'Bearer ok';
      },
    });
    const send = (authorization) =>
      relay(
        new Request('http://r/payermax/aggregate-pay/api/gateway/refundQuery', {
          method: 'POST',
          headers: { origin: PAGE, authorization, 'content-type': 'application/json' },
          body: '{}',
        }),
      );
    upstream.state.requests.length = 0;
    upstream.state.answer = () => ({ status: 200, headers: {}, body: '{}' });
    try {
      const denied = await send('Bearer wrong');
      assert.equal(denied.status, 401);
      assert.equal((await denied.json()).error, 'NOT_AUTHORIZED');
      assert.equal(denied.headers.get('access-control-allow-origin'), PAGE, 'the page can read why');
      const own = await send('Bearer teapot');
      assert.equal(own.status, 418);
      assert.equal(await own.text(), 'ask later');
      assert.equal(upstream.state.requests.length, 0);
      assert.equal((await send('Bearer ok')).status, 200);
      assert.equal(upstream.state.requests.length, 1);
      assert.equal(upstream.state.requests[0].headers.authorization, undefined, 'the login stays at the relay');
      assert.deepEqual(seen.map((s) => [s.auth, s.gateway, s.operation]), [
        ['Bearer wrong', 'payermax', 'refundQuery'],
        ['Bearer teapot', 'payermax', 'refundQuery'],
        ['Bearer ok', 'payermax', 'refundQuery'],
      ]);
      const preflight = await relay(new Request('http://r/payermax/aggregate-pay/api/gateway/refund', { method: 'OPTIONS', headers: { origin: PAGE } }));
      assert.match(preflight.headers.get('access-control-allow-headers'), /authorization/);
      assert.equal(seen.length, 3, 'a preflight carries no login and is not authorized');
    } finally {
      upstream.state.answer = null;
    }
  });

  test('the audit hook gets gateway, operation, refund number, status, outcome and latency, refusals included', async () => {
    audited.length = 0;
    const sent = [];
    await client('payermax', `${relayServer.url}/payermax`, pageFetch(sent)).refund(doubles.payermax.input);
    await fetch(`${relayServer.url}/payermax/aggregate-pay/api/gateway/refund`, { method: 'GET', headers: { origin: PAGE } });
    assert.equal(audited.length, 2);
    const [answered, refused] = audited;
    assert.deepEqual({ ...answered, latencyMs: typeof answered.latencyMs }, {
      gateway: 'payermax',
      operation: 'refund',
      refundId: 'R100',
      origin: PAGE,
      status: 200,
      outcome: 'answered',
      latencyMs: 'number',
    });
    assert.ok(answered.latencyMs >= 0);
    assert.deepEqual(refused, { gateway: 'payermax', operation: 'refund', refundId: undefined, origin: PAGE, status: 405, outcome: 'refused', latencyMs: null });
  });

  test('a failing audit hook does not change the answer the gateway gave', async (t) => {
    const logged = t.mock.method(console, 'error', () => {});
    const relay = createRelay({ gateways: { bluepay: upstream.origin }, audit: () => Promise.reject(new Error('disk full')) });
    upstream.state.answer = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"code":10000}' });
    try {
      const response = await relay(new Request('http://r/bluepay/open-api/payment/refund', { method: 'POST', body: '{}' }));
      assert.equal(response.status, 200);
      assert.equal(await response.text(), '{"code":10000}');
      assert.match(String(logged.mock.calls[0].arguments[0]), /audit hook failed for bluepay refund/);
    } finally {
      upstream.state.answer = null;
    }
  });
});

test('the relay loads and forwards without the wasm module: it imports nothing at all', () => {
  // Any module the relay itself resolves (the library's entries, pkg/) fails the import.
  const hooks = `export async function resolve(specifier, context, next) {
    if (context.parentURL?.endsWith('/js/relay.mjs')) throw new Error('the relay imported ' + specifier);
    return next(specifier, context);
  }`;
  const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));`;
  const script = `
    const { createRelay } = await import('refundkit/relay');
    const relay = createRelay({ gateways: { payermax: 'sandbox' }, fetch: async () => new Response('ok', { status: 200 }) });
    const r = await relay(new Request('http://r/payermax/aggregate-pay/api/gateway/refund', { method: 'POST', body: '{}' }));
    console.log(r.status, await r.text());`;
  const out = execFileSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script], {
    cwd: new URL('.', import.meta.url),
    encoding: 'utf8',
  });
  assert.equal(out.trim(), '200 ok');
});

describe('the console through the relay, in Chromium', { skip: chromiumMissing(), timeout: 300_000 }, () => {
  const STEP_MS = 15_000;
  let gateway;
  let consoleServer;
  let browser;
  let keysDir;

  before(async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { startSandbox } = await import('refundkit/sandbox');
    const { startConsoleServer } = await import('../../bin/console-server.mjs');
    keysDir = await mkdtemp(join(tmpdir(), 'refundkit-relay-keys-'));
    // A gateway as real ones are: no CORS, its own paths at the root of its host, on another port.
    gateway = await startSandbox({ port: 0, cors: false, refundDelayMs: 300, keysDir });
    consoleServer = await startConsoleServer({ port: 0, gateways: Object.fromEntries(IDS.map((id) => [id, gateway.url])) });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  });

  after(async () => {
    await browser?.close();
    await consoleServer?.close();
    await gateway?.close();
    if (keysDir) (await import('node:fs')).rmSync(keysDir, { recursive: true, force: true });
  });

  test('the stand-in gateway answers no CORS, so a page could not reach it without the relay', async () => {
    const preflight = await fetch(`${gateway.url}/aggregate-pay/api/gateway/refund`, {
      method: 'OPTIONS',
      headers: { origin: consoleServer.url, 'access-control-request-method': 'POST' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  for (const id of IDS) {
    test(`${id}: a refund made in the console goes through the relay, and its refresh finds it succeeded`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_MS);
      const problems = [];
      page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
      page.on('pageerror', (err) => problems.push(err.message));
      try {
        await page.goto(`${consoleServer.url}/`);
        await page.locator('body[data-ready="true"]').waitFor();
        await page.getByLabel('Gateway', { exact: true }).selectOption(id);
        const environment = page.getByLabel('Environment');
        assert.match(await environment.locator('option:checked').textContent(), new RegExp(`through the relay \\(127\\.0\\.0\\.1:${gateway.port}\\)`));
        assert.equal(await environment.locator('option[value="local"]').count(), 0, 'no sandbox is served with this console');
        assert.equal(await page.getByLabel('Base URL').inputValue(), `${consoleServer.url}/relay/${id}`);
        const { gateway: _, baseUrl: __, privateKey, gatewayPublicKey, ...settings } = gateway.credentials[id];
        for (const [name, value] of Object.entries(settings)) {
          const control = page.locator(`#cfg-${name}`);
          if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(value);
          else await control.fill(value);
        }
        await page.getByLabel(/^Merchant private key/).fill(privateKey);
        await page.getByLabel(/^Gateway public key/).fill(gatewayPublicKey);
        const order = gateway.orders[id].find((o) => !o.refundsFail);
        if (order.originalOrderId) await page.getByLabel('Original order id', { exact: true }).fill(order.originalOrderId);
        await page.getByLabel('Original transaction id', { exact: true }).fill(order.originalTransactionId);
        await page.getByLabel(/^Amount/).fill(order.refundable);
        await page.getByLabel(/^Currency/).fill(order.currency);
        await page.getByLabel(/^Notify URL/).fill('https://merchant.example/notify');
        const refundId = await page.getByLabel('Refund number (refundId)', { exact: true }).inputValue();
        await page.getByRole('button', { name: 'Refund', exact: true }).click();
        await page.locator('#output-summary').filter({ hasText: `Refund: ${refundId}, status pending` }).waitFor();
        assert.match(await page.locator('.request-url').first().textContent(), new RegExp(`^${consoleServer.url}/relay/${id}/`));
        assert.ok(gateway.refunds()[id].some((r) => r.refundId === refundId), 'the gateway holds the refund');
        await new Promise((resolve) => setTimeout(resolve, 400));
        await page.getByRole('button', { name: `Refresh refund ${refundId}` }).click();
        await page.locator('#output-summary').filter({ hasText: `Refresh: ${refundId}, status succeeded` }).waitFor();
        assert.deepEqual(problems, [], 'no console errors');
      } finally {
        await context.close();
      }
    });
  }
});

function chromiumMissing() {
  if (!existsSync('/usr/bin/chromium')) return '/usr/bin/chromium is missing';
  if (!existsSync(new URL('../../pkg/web/refundkit_bg.wasm', import.meta.url))) return 'pkg/web is not built: run npm run build';
  return false;
}
