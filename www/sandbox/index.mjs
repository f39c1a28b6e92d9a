// The local sandbox gateways: WisePay Cloud, PayerMax, BluePay and BIEASES refund and refund-query
// endpoints on 127.0.0.1, with state, signed responses and signed notifications. Each gateway is
// served under its own prefix (/wisepay/api/entry/refund) and at its real paths from the root
// (/api/entry/refund), because some vendor clients build root-absolute URLs whatever base URL they
// are given (PayerMax's PHP SDK). The four gateways' paths do not overlap. node:http and
// node:crypto only.
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { loadOrCreateKeys } from './crypto.mjs';
import { bieases } from './gateways/bieases.mjs';
import { bluepay } from './gateways/bluepay.mjs';
import { payermax } from './gateways/payermax.mjs';
import { wisepay } from './gateways/wisepay.mjs';
import { FaultAbort, Faults, serverError, writeAnswer } from './faults.mjs';
import { Ledger, seedOrders } from './ledger.mjs';
import { formatMinor, parseMajor } from './money.mjs';
import { Notifier, Timers } from './notifier.mjs';

/** The gateways the sandbox serves: one module each, in the library's order (a test holds the two to
 * the same list). */
const MODULES = { wisepay, payermax, bluepay, bieases };
export const GATEWAYS = Object.keys(MODULES);
const MAX_BODY_BYTES = 64 * 1024;
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;
const LOOPBACK_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

export const DEFAULT_KEYS_DIR = fileURLToPath(new URL('./.keys/', import.meta.url));
export const DEFAULT_REFUND_DELAY_MS = 2000;
/** Real retry intervals are divided by this: 30 s become 30 ms, 12 h become 43 s. */
export const DEFAULT_NOTIFY_TIME_SCALE = 1000;

/**
 * Starts the sandbox on 127.0.0.1.
 * @param {object} options
 * @param {number} [options.port=0] 0 picks a free port
 * @param {number} [options.refundDelayMs] how long a refund stays pending before it settles
 * @param {number[]} [options.notifyRetryScheduleMs] one delay list for every gateway's notifications
 *   (delay before each attempt); by default each gateway's own schedule, compressed by notifyTimeScale
 * @param {number} [options.notifyTimeScale]
 * @param {string} [options.keysDir] where the generated test keys live (created at first start)
 * @param {(req, res) => boolean|Promise<boolean>} [options.fallback] serves other paths (the console)
 * @param {(line: string) => void} [options.log]
 * @param {boolean} [options.cors=true] false leaves out every CORS header and answers no preflight,
 *   as a real gateway does
 * @param {object[]} [options.faults] faults to inject (faults.mjs); more can be added through
 *   `sandbox.faults` or POST /sandbox/faults
 * @param {Record<string, object[]>} [options.orders] further paid orders per gateway, after the
 *   seeded ones: { orderId?, transactionId, currency, amount, refundsFail?, note? }
 * @returns {Promise<{url, port, credentials, orders, refunds, faults, close}>}
 */
export async function startSandbox({
  port = 0,
  refundDelayMs = DEFAULT_REFUND_DELAY_MS,
  notifyRetryScheduleMs,
  notifyTimeScale = DEFAULT_NOTIFY_TIME_SCALE,
  keysDir = DEFAULT_KEYS_DIR,
  fallback,
  log = () => {},
  cors: corsEnabled = true,
  faults: initialFaults = [],
  orders: extraOrders = {},
} = {}) {
  const keys = await loadOrCreateKeys(keysDir, GATEWAYS);
  if (keys.generated.length > 0) log(`generated sandbox test keys for ${keys.generated.join(', ')} in ${keysDir}`);
  const timers = new Timers();
  const notifier = new Notifier(timers, log);
  const faults = new Faults(initialFaults);
  const wait = (ms) => new Promise((resolve) => timers.after(ms, resolve));

  const gateways = {};
  for (const name of GATEWAYS) {
    const gatewayModule = MODULES[name];
    const schedule = notifyRetryScheduleMs ?? gatewayModule.retryScheduleMs.map((ms) => Math.round(ms / notifyTimeScale));
    const seeded = [...gatewayModule.seeded, ...(extraOrders[name] ?? [])];
    const ctx = {
      name,
      identity: gatewayModule.identity,
      keys: keys.objects[name],
      ledger: new Ledger(seedOrders(seeded, gatewayModule.digitsOf, parseMajor), gatewayModule.newRefundId),
      now: () => Date.now(),
      major: (entry) => formatMinor(entry.amountMinor, entry.order.digits),
      /** The request being handled: the route reads the fault and the refund it struck. Handlers
       * run synchronously, so one request's state never mixes with another's. */
      exchange: null,
      accept: (order, details) => {
        const fault = faults.take({ gateway: name, refundId: details.refundId, on: 'refund' });
        if (fault?.kind === 'error-500') throw new FaultAbort(fault);
        const entry = ctx.ledger.add(order, { ...details, now: ctx.now() });
        entry.notifyFault = faults.take({ gateway: name, refundId: details.refundId, on: 'notification' });
        if (ctx.exchange) Object.assign(ctx.exchange, { fault, entry });
        timers.after(refundDelayMs, () => settle(entry));
        return entry;
      },
    };
    /** Settles a pending refund and sends its notification; resolves once its first delivery is
     * over. */
    const settle = (entry) => {
      if (entry.status !== 'pending') return Promise.resolve();
      entry.status = entry.order.refundsFail ? 'failed' : 'succeeded';
      entry.completedAt = ctx.now();
      log(`${name} refund ${entry.refundId} ${entry.status}`);
      if (!entry.notifyUrl) return Promise.resolve();
      const message = gatewayModule.notification(ctx, entry);
      return notifier.deliver(entry, message, gatewayModule.isAck, schedule, entry.notifyFault);
    };
    gateways[name] = { gatewayModule, ctx, settle };
  }
  const rootGateway = rootRouter();

  const server = createServer((req, res) => {
    route(req, res).catch((err) => {
      log(`internal error: ${err.stack ?? err}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('sandbox internal error');
    });
  });

  async function route(req, res) {
    if (!LOOPBACK_HOST.test(req.headers.host ?? '')) {
      // A page on some other site that resolves its name to 127.0.0.1 gets nothing.
      res.writeHead(421, { 'content-type': 'text/plain' }).end('only loopback host names are served');
      return;
    }
    const cors = corsEnabled ? corsHeaders(req.headers.origin) : {};
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    const prefixed = /^\/(wisepay|payermax|bluepay|bieases)(\/.*)$/.exec(path);
    const target = prefixed ? { name: prefixed[1], path: prefixed[2] } : rootGateway(path);
    if (req.method === 'OPTIONS' && (target || path.startsWith('/sandbox/'))) {
      if (corsEnabled) res.writeHead(204, { ...cors, 'access-control-max-age': '600' }).end();
      else res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    if (target) {
      const { gatewayModule, ctx } = gateways[target.name];
      const handler = gatewayModule.routes[target.path];
      if (!handler) {
        const answer = gatewayModule.notFound(ctx, target.path);
        res.writeHead(answer.status, { ...cors, ...answer.headers }).end(answer.body);
        return;
      }
      if (req.method !== 'POST') {
        res.writeHead(405, { ...cors, allow: corsEnabled ? 'POST, OPTIONS' : 'POST' }).end();
        return;
      }
      const body = await readBody(req);
      if (body === null) {
        res.writeHead(413, { ...cors, 'content-type': 'text/plain' }).end('request body too large');
        return;
      }
      await answerFaultily(target, handler, req, res, body, cors);
      return;
    }
    if (path === '/sandbox/faults') {
      controlFaults(req, res, cors);
      return;
    }
    if (path === '/sandbox/info' && req.method === 'GET') {
      res.writeHead(200, { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ credentials: credentials(), orders: orders(), refunds: refunds() }, null, 2));
      return;
    }
    if (fallback && (await fallback(req, res))) return;
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  /** Runs a gateway's handler and writes its answer, with whatever fault strikes the request. */
  async function answerFaultily(target, handler, req, res, body, cors) {
    const { gatewayModule, ctx, settle } = gateways[target.name];
    const on = gatewayModule.queryPaths.includes(target.path) ? 'query' : 'refund';
    const queryFault = on === 'query' ? faults.take({ gateway: target.name, on }) : null;
    if (queryFault?.kind === 'error-500') {
      serverError(res, cors);
      return;
    }
    const exchange = { fault: queryFault, entry: null };
    let answer;
    ctx.exchange = exchange;
    try {
      answer = handler(ctx, req, body);
    } catch (err) {
      if (!(err instanceof FaultAbort)) throw err;
      serverError(res, cors);
      return;
    } finally {
      ctx.exchange = null;
    }
    answer = await answer;
    if (exchange.entry?.notifyFault?.kind === 'notify-early') {
      // The answer was built while the refund was pending; it leaves only after the notification
      // of the settled refund was delivered.
      await settle(exchange.entry);
    }
    await writeAnswer(res, answer, cors, exchange.fault, wait);
  }

  /** GET lists the waiting faults and the count of those injected; POST { faults: [...] } adds
   * faults; DELETE drops the waiting ones. */
  async function controlFaults(req, res, cors) {
    const reply = (status, value) =>
      res
        .writeHead(status, { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(value));
    if (req.method === 'GET') return reply(200, faults.snapshot());
    if (req.method === 'DELETE') {
      faults.clear();
      return reply(200, faults.snapshot());
    }
    if (req.method !== 'POST') return reply(405, { error: 'GET, POST or DELETE' });
    const body = await readBody(req);
    let list;
    try {
      list = JSON.parse(body?.toString('utf8') ?? '').faults;
      faults.add(list);
    } catch (err) {
      return reply(400, { error: err instanceof TypeError ? err.message : 'the body must be JSON { faults: [...] }' });
    }
    return reply(200, faults.snapshot());
  }

  /** The gateway whose root prefix a path starts with (each module names its own, and they must
   * not overlap), so an unknown path below it still answers in that gateway's shape. */
  function rootRouter() {
    const owners = GATEWAYS.flatMap((name) => MODULES[name].rootPrefixes.map((prefix) => ({ name, prefix })));
    for (const a of owners) {
      for (const b of owners) {
        if (a !== b && (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix))) {
          throw new Error(`the sandbox paths of ${a.name} (${a.prefix}) and ${b.name} (${b.prefix}) overlap`);
        }
      }
      for (const route of Object.keys(MODULES[a.name].routes)) {
        if (!owners.some((o) => o.name === a.name && (route === o.prefix || route.startsWith(`${o.prefix}/`)))) {
          throw new Error(`the ${a.name} route ${route} lies outside its root prefixes`);
        }
      }
    }
    return (path) => {
      const owner = owners.find((o) => path === o.prefix || path.startsWith(`${o.prefix}/`));
      return owner ? { name: owner.name, path } : null;
    };
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const url = `http://127.0.0.1:${actualPort}`;

  function credentials() {
    const out = {};
    for (const name of GATEWAYS) {
      const raw = keys.raw[name];
      out[name] = {
        gateway: name,
        baseUrl: `${url}/${name}`,
        privateKey: raw.merchantPrivateKey,
        gatewayPublicKey: raw.gatewayPublicKey,
        ...gateways[name].gatewayModule.identity,
        ...(name === 'bieases' ? { aesKey: raw.aesKey, aesIv: raw.aesIv } : {}),
      };
    }
    return out;
  }

  function orders() {
    const out = {};
    for (const name of GATEWAYS) {
      out[name] = gateways[name].ctx.ledger.orders.map((o) => ({
        ...(o.orderId ? { originalOrderId: o.orderId } : {}),
        originalTransactionId: o.transactionId,
        currency: o.currency,
        amount: o.amount,
        refundable: formatMinor(gateways[name].ctx.ledger.refundableMinor(o), o.digits),
        refundsFail: o.refundsFail,
        note: o.note,
      }));
    }
    return out;
  }

  function refunds() {
    const out = {};
    for (const name of GATEWAYS) {
      const { ledger, major } = gateways[name].ctx;
      out[name] = ledger.refunds.map((r) => ({
        refundId: r.refundId,
        gatewayRefundId: r.gatewayRefundId,
        originalTransactionId: r.order.transactionId,
        amount: major(r),
        currency: r.order.currency,
        status: r.status,
        createdAt: new Date(r.createdAt).toISOString(),
        completedAt: r.completedAt === null ? null : new Date(r.completedAt).toISOString(),
        notifyUrl: r.notifyUrl,
        deliveries: r.deliveries.map((d) => ({ ...d, at: new Date(d.at).toISOString() })),
      }));
    }
    return out;
  }

  let closing = null;
  return {
    url,
    port: actualPort,
    credentials: credentials(),
    orders: orders(),
    refunds,
    /** Adds faults, drops the waiting ones, or shows them with the count of those injected. */
    faults: {
      add: (list) => faults.add(list),
      clear: () => faults.clear(),
      snapshot: () => faults.snapshot(),
    },
    close() {
      closing ??= new Promise((resolve) => {
        notifier.close();
        timers.clearAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Pages served from another local origin (a dev server, the console) may call the sandbox. */
function corsHeaders(origin) {
  if (typeof origin !== 'string' || !LOOPBACK_ORIGIN.test(origin)) return {};
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, GET, OPTIONS',
    // Http-Request-Psn: the request id WisePay's Java SDK sends with its form requests.
    'access-control-allow-headers': 'content-type, sign, http-request-psn',
    // PayerMax signs its responses in a header: the page must be able to read it to verify.
    'access-control-expose-headers': 'sign',
    vary: 'origin',
  };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
