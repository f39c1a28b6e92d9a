// refundkit/relay: carries a refund request signed in a browser to the gateway, byte for byte, and
// the gateway's answer back. Real gateways answer no CORS and accept calls only from the merchant's
// whitelisted servers, so a browser admin tool that signs with a key it never lets go of still needs
// a server to carry the bytes. This is that server, and nothing more: it holds no key, signs and
// verifies nothing, never loads the wasm module, and forwards only to the hosts it was configured
// with, only to each gateway's refund and refund-query paths.
//
//   browser RefundClient { baseUrl: '<relay>/<gateway>' }
//     POST <relay>/<gateway><gateway's path>  ->  POST <configured upstream><gateway's path>

/**
 * What the relay knows of each gateway. The presets and paths are the library's own (`gateways()`
 * and what `RefundClient.buildRefund`/`buildRefundQuery` send to); a test holds this table to them,
 * because the relay must work without loading the wasm module that describes them.
 * `paths`: each path the relay forwards -> its operation, or, where one path serves every call of
 * the gateway, a function of the body's fields that names the operation (undefined: not a refund call).
 * `headers`: the gateway's own headers carried each way besides content-type.
 * `refundId`: where the merchant's refund number sits in a request's fields, for the audit hook.
 */
const GATEWAYS = {
  wisepay: {
    name: 'WisePay Cloud / N-age',
    presets: {
      'sg-sandbox': 'https://wiseasy-open.sg.wisepaycloud.com',
      'sg-production': 'https://wiseasy-open.sg.paycloud.world',
      'n-age': 'https://open.n-age.co.jp',
    },
    paths: {
      '/api/entry/refund': 'refund',
      '/api/entry/refundquery': 'refundQuery',
      // The vendor SDK's form posts every call here and lets `method` choose: only refund calls pass.
      '/api/entry': (fields) => ({ 'order.refund.submit': 'refund', 'order.refund.query': 'refundQuery' })[stringAt(fields, ['method'])],
    },
    // A request id the gateway may log; not signed.
    headers: ['http-request-psn'],
    refundId: (fields) => stringAt(fields, ['merchant_order_no']),
  },
  payermax: {
    name: 'PayerMax',
    presets: {
      sandbox: 'https://pay-gate-uat.payermax.com',
      production: 'https://pay-gate.payermax.com',
    },
    paths: { '/aggregate-pay/api/gateway/refund': 'refund', '/aggregate-pay/api/gateway/refundQuery': 'refundQuery' },
    // PayerMax signs requests and answers in this header, over the exact body.
    headers: ['sign'],
    refundId: (fields) => stringAt(fields, ['data', 'outRefundNo']),
  },
  bluepay: {
    name: 'BluePay',
    presets: {},
    paths: { '/open-api/payment/refund': 'refund', '/open-api/refund/payments': 'refundQuery' },
    headers: [],
    refundId: (fields) => stringAt(parseJson(stringAt(fields, ['param'])), ['mchRefundOrderId']),
  },
  bieases: {
    name: 'BIEASES',
    presets: {
      sandbox: 'https://app-sandbox.bieases.com',
      production: 'https://app.bieases.com',
    },
    paths: {
      '/cgi/payment/api/v1/payment-order/refund': 'refund',
      '/cgi/payment/api/v1/payment-order/refund/query': 'refundQuery',
    },
    headers: [],
    // The business fields travel AES-encrypted: the relay cannot read the refund number, by design.
    refundId: () => undefined,
  },
};

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
/** An answer larger than this is not a refund answer; it is cut off and reported as a failure. */
const MAX_ANSWER_BYTES = 1024 * 1024;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Statuses whose responses carry no body by definition (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

// ---------------------------------------------------------------------------------------------
// Configuration, checked once when the relay is made.

class RelayConfigError extends TypeError {
  constructor(message) {
    super(`refundkit relay: ${message}`);
    this.name = 'RelayConfigError';
  }
}

/** `{ payermax: 'production', bluepay: 'https://…' }` into gateway id -> upstream base URL. */
function resolveUpstreams(gateways) {
  if (!isPlainObject(gateways) || Object.keys(gateways).length === 0) {
    throw new RelayConfigError(
      `gateways must name at least one gateway and where to reach it, e.g. { payermax: 'production' }; known gateways: ${Object.keys(GATEWAYS).join(', ')}`,
    );
  }
  const upstreams = {};
  for (const [id, where] of Object.entries(gateways)) {
    if (!Object.hasOwn(GATEWAYS, id)) {
      throw new RelayConfigError(`gateways.${id}: no such gateway; known gateways: ${Object.keys(GATEWAYS).join(', ')}`);
    }
    upstreams[id] = upstreamBase(id, where);
  }
  return upstreams;
}

function upstreamBase(id, where) {
  const { presets } = GATEWAYS[id];
  const presetNames = Object.keys(presets);
  const expected =
    presetNames.length > 0
      ? `one of its environments (${presetNames.join(', ')}) or an https URL`
      : 'the https URL the gateway issued you (it has no named environments)';
  if (typeof where !== 'string' || where === '') throw new RelayConfigError(`gateways.${id} must be ${expected}`);
  if (Object.hasOwn(presets, where)) return presets[where];
  let url;
  try {
    url = new URL(where);
  } catch {
    throw new RelayConfigError(`gateways.${id} is ${JSON.stringify(where)}, which is not ${expected}`);
  }
  // Plain http only to this machine: a local gateway double in tests, never a remote host in clear.
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure) throw new RelayConfigError(`gateways.${id}: ${url.origin} must use https (plain http is allowed only to 127.0.0.1 or localhost)`);
  if (url.username || url.password || url.search || url.hash) {
    throw new RelayConfigError(`gateways.${id} must be a base URL without credentials, query or fragment`);
  }
  return url.href.replace(/\/+$/, '');
}

function allowedOrigins(origins) {
  if (!Array.isArray(origins)) throw new RelayConfigError("origins must be an array of browser origins, e.g. ['https://admin.example.com']");
  return new Set(
    origins.map((origin) => {
      let url = null;
      try {
        url = new URL(origin);
      } catch {
        // reported below
      }
      if (!url || url.origin !== origin) {
        throw new RelayConfigError(`origins: ${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path or trailing slash)`);
      }
      return origin;
    }),
  );
}

function checkedBasePath(basePath) {
  if (basePath === '') return basePath;
  if (typeof basePath !== 'string' || !basePath.startsWith('/') || basePath.endsWith('/')) {
    throw new RelayConfigError(`basePath must be '' or a path such as '/relay' (leading slash, no trailing one), not ${JSON.stringify(basePath)}`);
  }
  return basePath;
}

function checkedFunction(name, value, optional = true) {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'function') throw new RelayConfigError(`${name} must be a function`);
  return value;
}

function positiveInteger(name, value) {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RelayConfigError(`${name} must be a positive integer, not ${JSON.stringify(value)}`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// The handler.

/**
 * Makes the relay as a fetch-API handler: `(request: Request) => Promise<Response>`.
 * See js/relay.d.ts for the options.
 */
export function createRelay(options = {}) {
  const config = {
    upstreams: resolveUpstreams(options.gateways),
    origins: allowedOrigins(options.origins ?? []),
    basePath: checkedBasePath(options.basePath ?? ''),
    authorize: checkedFunction('authorize', options.authorize),
    audit: checkedFunction('audit', options.audit),
    fetch: checkedFunction('fetch', options.fetch ?? globalThis.fetch, false),
    maxBodyBytes: positiveInteger('maxBodyBytes', options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    allowHeaders: (options.allowHeaders ?? []).map((name) => String(name).toLowerCase()),
    credentials: options.credentials === true,
  };
  return (request) => relay(config, request);
}

async function relay(config, request) {
  let route = routeOf(config, new URL(request.url));
  if (route.refusal) return refusal(route.refusal);
  const origin = request.headers.get('origin');
  const cors = corsHeaders(config, route.gateway, origin);
  if (origin !== null && !config.origins.has(origin)) {
    return refused(config, route, request, {
      status: 403,
      error: 'ORIGIN_NOT_ALLOWED',
      message: `pages from ${origin} may not use this relay; add the origin to the relay's origins`,
    });
  }
  if (request.method === 'OPTIONS') return preflight(config, route.gateway, cors);
  if (request.method !== 'POST') {
    return refused(config, route, request, {
      status: 405,
      error: 'METHOD_NOT_ALLOWED',
      message: `the relay forwards POST only, not ${request.method}`,
      headers: { ...cors, allow: 'POST, OPTIONS' },
    });
  }
  const denial = await authorization(config, request, route);
  if (denial) return refused(config, route, request, { ...denial, headers: { ...cors, ...denial.headers } });
  const body = await readLimited(request, config.maxBodyBytes);
  if (body === null) {
    return refused(config, route, request, {
      status: 413,
      error: 'BODY_TOO_LARGE',
      message: `a refund request is at most ${config.maxBodyBytes} bytes here`,
      headers: cors,
    });
  }
  const fields = fieldsOf(body);
  const chooser = GATEWAYS[route.gateway].paths[route.path];
  if (typeof chooser === 'function') {
    const operation = chooser(fields);
    if (!operation) {
      return refused(config, route, request, {
        status: 403,
        error: 'OPERATION_NOT_ALLOWED',
        message: `the relay forwards refund and refund-query calls only; this ${GATEWAYS[route.gateway].name} call is neither`,
        headers: cors,
      });
    }
    route = { ...route, operation };
  }
  return forward(config, route, request, body, fields, cors);
}

/** The gateway and operation a path names, or why there is none. */
function routeOf(config, url) {
  const notFound = (message) => ({ refusal: { status: 404, error: 'NOT_FOUND', message } });
  if (config.basePath && !url.pathname.startsWith(`${config.basePath}/`)) {
    return notFound(`the relay serves paths under ${config.basePath}/ only`);
  }
  const rest = url.pathname.slice(config.basePath.length);
  const slash = rest.indexOf('/', 1);
  const gateway = slash > 0 ? rest.slice(1, slash) : rest.slice(1);
  if (!Object.hasOwn(config.upstreams, gateway)) {
    return notFound(`no gateway ${JSON.stringify(gateway)} here; this relay serves ${Object.keys(config.upstreams).join(', ')}`);
  }
  const path = slash > 0 ? rest.slice(slash) : '';
  const { paths } = GATEWAYS[gateway];
  if (!Object.hasOwn(paths, path) || url.search !== '') {
    const known = Object.keys(paths).map((p) => `${config.basePath}/${gateway}${p}`);
    return notFound(`the relay forwards only ${known.join(', ')}, without a query string`);
  }
  // Where the body names the operation, it is known once the body is read.
  const operation = typeof paths[path] === 'string' ? paths[path] : undefined;
  return { gateway, path, operation, upstreamUrl: config.upstreams[gateway] + path };
}

/** The request's fields, as JSON or as a form, for reading the operation and the refund number. */
function fieldsOf(body) {
  const text = new TextDecoder().decode(body);
  const json = parseJson(text);
  if (json !== undefined) return json;
  return Object.fromEntries(new URLSearchParams(text));
}

function corsHeaders(config, gateway, origin) {
  if (origin === null || !config.origins.has(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    // The page verifies the gateway's signature: it must be able to read the header it is in.
    ...(GATEWAYS[gateway].headers.length > 0 ? { 'access-control-expose-headers': GATEWAYS[gateway].headers.join(', ') } : {}),
    ...(config.credentials ? { 'access-control-allow-credentials': 'true' } : {}),
    vary: 'origin',
  };
}

function preflight(config, gateway, cors) {
  const allowHeaders = ['content-type', ...GATEWAYS[gateway].headers, ...config.allowHeaders];
  return new Response(null, {
    status: 204,
    headers: {
      ...cors,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': allowHeaders.join(', '),
      'access-control-max-age': '600',
    },
  });
}

/** Null when the back office's own check lets the request through, else the refusal. */
async function authorization(config, request, route) {
  if (!config.authorize) return null;
  const verdict = await config.authorize(request, { gateway: route.gateway, operation: route.operation });
  if (request.bodyUsed) {
    throw new Error('refundkit relay: authorize() read the request body; it must leave the body to the relay, which forwards it unchanged');
  }
  if (verdict instanceof Response) return { response: verdict, status: verdict.status };
  if (verdict === true) return null;
  return { status: 401, error: 'NOT_AUTHORIZED', message: 'the back office did not authorize this request' };
}

/** The body's bytes, or null when it is larger than the limit (read no further than that). */
async function readLimited(request, limit) {
  const declared = Number(request.headers.get('content-length'));
  if (declared > limit) return null;
  if (request.body === null) return new Uint8Array(0);
  const chunks = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return concat(chunks, size);
}

/** Sends the bytes on and hands the gateway's answer back, or says why there is none. */
async function forward(config, route, request, body, fields, cors) {
  const started = performance.now();
  const event = (status, outcome) => ({
    gateway: route.gateway,
    operation: route.operation,
    refundId: GATEWAYS[route.gateway].refundId(fields),
    origin: request.headers.get('origin') ?? undefined,
    status,
    outcome,
    latencyMs: Math.round(performance.now() - started),
  });
  let answer;
  try {
    const upstream = await config.fetch(route.upstreamUrl, {
      method: 'POST',
      headers: pickHeaders(request.headers, ['content-type', ...GATEWAYS[route.gateway].headers]),
      body,
      // A redirect would send the signed bytes somewhere the configuration never named.
      redirect: 'manual',
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    answer = { status: upstream.status, headers: upstream.headers, body: await readAnswer(upstream) };
  } catch (err) {
    const failure = upstreamFailure(config, route, err);
    await report(config, event(502, failure.error === 'GATEWAY_TIMEOUT' ? 'timeout' : 'unreachable'));
    return jsonResponse(502, { ...failure, gateway: route.gateway }, cors);
  }
  await report(config, event(answer.status, 'answered'));
  const headers = {
    ...pickHeaders(answer.headers, ['content-type', ...GATEWAYS[route.gateway].headers]),
    'cache-control': 'no-store',
    ...cors,
  };
  return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.body, { status: answer.status, headers });
}

async function readAnswer(upstream) {
  const declared = Number(upstream.headers.get('content-length'));
  if (declared > MAX_ANSWER_BYTES) throw Object.assign(new Error('answer too large'), { tooLarge: true });
  if (upstream.body === null) return new Uint8Array(0);
  const chunks = [];
  let size = 0;
  for await (const chunk of upstream.body) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) throw Object.assign(new Error('answer too large'), { tooLarge: true });
    chunks.push(chunk);
  }
  return concat(chunks, size);
}

function upstreamFailure(config, route, err) {
  const where = `${GATEWAYS[route.gateway].name} at ${new URL(route.upstreamUrl).origin}`;
  if (err?.name === 'TimeoutError') {
    return { error: 'GATEWAY_TIMEOUT', message: `${where} did not answer within ${config.timeoutMs} ms; the refund may or may not have been received: query it before retrying` };
  }
  if (err?.tooLarge) {
    return { error: 'GATEWAY_ANSWER_TOO_LARGE', message: `${where} answered with more than ${MAX_ANSWER_BYTES} bytes, which is no refund answer` };
  }
  const cause = err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(err);
  return { error: 'GATEWAY_UNREACHABLE', message: `the relay could not reach ${where} (${String(cause).slice(0, 120)})` };
}

/** Refusals of requests that named a gateway operation are audited too: they are what probing looks like. */
async function refused(config, route, request, { status, error, message, headers, response }) {
  const answer = response ? withHeaders(response, headers) : jsonResponse(status, { error, message }, headers);
  await report(config, {
    gateway: route.gateway,
    operation: route.operation,
    refundId: undefined,
    origin: request.headers.get('origin') ?? undefined,
    status: answer.status,
    outcome: 'refused',
    latencyMs: null,
  });
  return answer;
}

function refusal({ status, error, message }) {
  return jsonResponse(status, { error, message });
}

/** The audit hook's failure never changes the answer: the gateway has already acted on the request. */
async function report(config, event) {
  if (!config.audit) return;
  try {
    await config.audit(event);
  } catch (err) {
    console.error(`refundkit relay: the audit hook failed for ${event.gateway} ${event.operation} (status ${event.status}):`, err);
  }
}

// ---------------------------------------------------------------------------------------------
// node:http and Express.

/**
 * The relay as a node:http / Express handler `(req, res) => Promise<void>`. Mount it before any body
 * parser: the relay needs the body's bytes exactly as they arrived.
 */
export function createNodeRelay(options = {}) {
  const handler = createRelay(options);
  return async function relayNodeRequest(req, res) {
    let response;
    if (req.readableDidRead || req.readableEnded) {
      response = jsonResponse(500, {
        error: 'BODY_ALREADY_READ',
        message: 'the request body was read before the relay got it (a body parser?): mount the relay before any body parser',
      });
    } else {
      response = await handler(requestFromNode(req));
    }
    const headers = Object.fromEntries(response.headers);
    // The rest of an oversized body is never read: the connection cannot carry another request.
    if (response.status === 413) headers.connection = 'close';
    res.writeHead(response.status, headers);
    res.end(Buffer.from(await response.arrayBuffer()));
  };
}

function requestFromNode(req) {
  const protocol = req.socket?.encrypted ? 'https' : 'http';
  let url;
  try {
    url = new URL(req.url, `${protocol}://${req.headers.host ?? 'localhost'}`);
  } catch {
    url = new URL(req.url, `${protocol}://localhost`);
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(url, {
    method: req.method,
    headers,
    body: hasBody ? nodeStream(req) : undefined,
    duplex: 'half',
  });
}

/** The request's bytes as a web stream, without a node:stream import, so this file loads on any runtime. */
function nodeStream(req) {
  return new ReadableStream({
    start(controller) {
      req.on('data', (chunk) => {
        controller.enqueue(new Uint8Array(chunk));
        if (controller.desiredSize <= 0) req.pause();
      });
      req.on('end', () => controller.close());
      req.on('error', (err) => controller.error(err));
    },
    pull() {
      req.resume();
    },
    cancel() {
      // Stop reading what is left; the answer (413) is still written on the same connection.
      req.pause();
      req.removeAllListeners('data');
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Small pieces.

function pickHeaders(headers, names) {
  const out = {};
  for (const name of names) {
    const value = headers.get(name);
    if (value !== null) out[name] = value;
  }
  return out;
}

/** The back office's own refusal, readable by the page (CORS). */
function withHeaders(response, headers) {
  const merged = new Headers(response.headers);
  for (const [name, value] of Object.entries(headers ?? {})) merged.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
}

function jsonResponse(status, value, headers = {}) {
  return new Response(JSON.stringify(value), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

function concat(chunks, size) {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

function parseJson(text) {
  if (typeof text !== 'string') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function stringAt(value, keys) {
  let at = value;
  for (const key of keys) at = isPlainObject(at) ? at[key] : undefined;
  return typeof at === 'string' ? at : undefined;
}

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Gateway id -> its environments and the paths the relay forwards (path -> operation, or
 * 'chosen by the body' where one path serves every call), as the relay knows them. */
export function relayGateways() {
  return Object.fromEntries(
    Object.entries(GATEWAYS).map(([id, g]) => [
      id,
      {
        name: g.name,
        presets: { ...g.presets },
        paths: Object.fromEntries(Object.entries(g.paths).map(([path, op]) => [path, typeof op === 'string' ? op : 'chosen by the body'])),
      },
    ]),
  );
}
