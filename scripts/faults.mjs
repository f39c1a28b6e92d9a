// The fault suite: hundreds of refunds at the four sandbox gateways under randomly drawn faults,
// through the package's RefundClient.refund(..., { retry }), with a webhook that stores statuses
// idempotently. Once everything has settled it checks the sandbox's ledger: no refund number
// refunded twice, no order refunded beyond what was paid, every refund's final status known to
// the caller, no notification applied twice, and no final status lost to an earlier answer.
//
//   npm run test:faults -- [--seed N] [--refunds N] [--concurrency N]
//
// The plan (orders, amounts, faults) follows from the seed alone; only timings differ between runs.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RefundClient } from 'refundkit';
import { startSandbox } from '../www/sandbox/index.mjs';

const GATEWAYS = ['wisepay', 'payermax', 'bluepay', 'bieases'];
const FINAL = new Set(['succeeded', 'failed', 'cancelled']);
/** Drawn per refund; `none` twice as often as each fault. */
const DRAWS = ['none', 'none', 'drop', 'bad-gateway', 'slow', 'truncate', 'error-500', 'notify-twice', 'notify-late', 'notify-early', 'webhook-fails'];
/** A refund at BIEASES that was never committed cannot be told from one whose answer was lost: the
 * gateway looks refunds up only by its own id. No fault that commits nothing is drawn there. */
const NEVER_AT = { bieases: new Set(['error-500']) };
const CURRENCY = { wisepay: 'USD', payermax: 'USD', bluepay: 'THB', bieases: 'USD' };
const TIMEOUT_MS = 400;
const SLOW_MS = 700;
const RETRY = { attempts: 4, backoffMs: 25 };

/** mulberry32: a small seeded generator, so a seed gives the same plan everywhere. */
export function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Orders and refunds for every gateway, from the seed alone. Each order gets one to three
 * refunds in cents; some ask for more than is left, and some orders' refunds end failed. */
export function drawPlan(seed, refunds) {
  const random = generator(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const orders = Object.fromEntries(GATEWAYS.map((g) => [g, []]));
  const plan = [];
  let n = 0;
  while (n < refunds) {
    const gateway = GATEWAYS[plan.length % GATEWAYS.length];
    const index = orders[gateway].length + 1;
    const paidCents = 1000 + Math.floor(random() * 9000);
    const id = `${gateway}-${index}`;
    const order = {
      orderId: `FO${seed}${gateway.slice(0, 2)}${index}`,
      transactionId: `FT${seed}${gateway.slice(0, 2)}${String(index).padStart(6, '0')}`,
      currency: CURRENCY[gateway],
      amount: cents(paidCents),
      refundsFail: random() < 0.1,
      note: `fault suite order ${id}`,
    };
    orders[gateway].push(order);
    const count = Math.min(1 + Math.floor(random() * 3), refunds - n);
    const steps = [];
    let left = paidCents;
    for (let k = 0; k < count; k += 1) {
      const overAsk = random() < 0.08;
      const want = overAsk ? left + 1 + Math.floor(random() * 500) : Math.max(1, Math.floor((left * (0.2 + random() * 0.5))));
      if (!overAsk) left -= want;
      let fault = pick(DRAWS);
      while (NEVER_AT[gateway]?.has(fault)) fault = pick(DRAWS);
      steps.push({ gateway, order, refundId: `RF${seed}${gateway.slice(0, 2)}${index}N${k}`, amount: cents(want), fault });
      n += 1;
    }
    plan.push(steps);
  }
  return { orders, plan };
}

function cents(n) {
  return `${Math.floor(n / 100)}.${String(n % 100).padStart(2, '0')}`;
}

/** What the merchant knows of each refund, kept as a real webhook handler would: a final status
 * is never replaced by `pending`, and a notification seen before is not applied again. */
export class StatusStore {
  constructor() {
    this.refunds = new Map();
  }

  entry(gateway, refundId) {
    const key = `${gateway}/${refundId}`;
    if (!this.refunds.has(key)) this.refunds.set(key, { status: null, applied: [], notifications: 0 });
    return this.refunds.get(key);
  }

  /** Records a status from `source` (answer, lookup, notification); true when it changed. */
  apply(gateway, refundId, status, source) {
    const entry = this.entry(gateway, refundId);
    if (source === 'notification') entry.notifications += 1;
    if (entry.status === status || (FINAL.has(entry.status) && !FINAL.has(status))) return false;
    entry.status = status;
    entry.applied.push({ status, source });
    return true;
  }

  status(gateway, refundId) {
    return this.refunds.get(`${gateway}/${refundId}`)?.status ?? null;
  }
}

/** A webhook for every gateway at /<gateway>: verified by the package, stored, acknowledged. */
export async function startWebhook(clients, store) {
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const gateway = req.url.slice(1);
    try {
      const { refund, ack } = clients[gateway].verifyNotification({ headers: req.headers, body: Buffer.concat(chunks) });
      store.apply(gateway, refund.refundId, refund.status, 'notification');
      res.writeHead(ack.status, ack.headers).end(ack.body);
    } catch {
      res.writeHead(400).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check, timeoutMs) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await sleep(10);
  }
  return check();
}

/** Runs the suite; resolves to { seed, table, failures }. */
export async function runFaultSuite({ seed, refunds = 400, concurrency = 8, log = () => {} }) {
  const { orders, plan } = drawPlan(seed, refunds);
  const faults = plan.flat().filter((s) => s.fault !== 'none').map((s) => ({ kind: s.fault, gateway: s.gateway, refundId: s.refundId, ...(s.fault === 'slow' ? { delayMs: SLOW_MS } : {}), ...(s.fault === 'webhook-fails' ? { times: 2 } : {}) }));
  const keysDir = await mkdtemp(join(tmpdir(), 'refundkit-faults-'));
  const sandbox = await startSandbox({ keysDir, refundDelayMs: 40, notifyRetryScheduleMs: [0, 30, 60, 120, 240, 480], orders, faults });
  const store = new StatusStore();
  const clients = Object.fromEntries(GATEWAYS.map((g) => [g, new RefundClient({ ...sandbox.credentials[g], timeoutMs: TIMEOUT_MS, retry: RETRY })]));
  const webhook = await startWebhook(clients, store);
  const outcomes = new Map();
  const count = { retries: 0, lookups: 0, reconciliations: 0, resends: 0, refused: 0, toldUnknown: 0 };

  async function refundOne(step) {
    const { gateway, order, refundId, amount } = step;
    const input = { refundId, originalOrderId: order.orderId, originalTransactionId: order.transactionId, amount, currency: order.currency, notifyUrl: `${webhook.url}/${gateway}` };
    try {
      const result = await clients[gateway].refund(input);
      store.apply(gateway, refundId, result.status, result.reconciled ? 'lookup' : 'answer');
      outcomes.set(refundId, { step, result });
      count.retries += result.attempts - 1 + result.lookups;
      count.lookups += result.lookups;
      count.resends += result.attempts - 1;
      if (result.reconciled) count.reconciliations += 1;
    } catch (error) {
      outcomes.set(refundId, { step, error });
      count.retries += (error.attempts ?? 1) - 1 + (error.lookups ?? 0);
      if (error.delivery === 'unknown') count.toldUnknown += 1;
      else count.refused += 1;
    }
    // The next refund of an order waits for this one to settle, as the gateways allow one at a time.
    await waitFor(() => FINAL.has(store.status(gateway, refundId)) || outcomes.get(refundId).error?.delivery === 'refused', 10_000);
  }

  const queue = [...plan];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let steps = queue.shift(); steps; steps = queue.shift()) {
        for (const step of steps) await refundOne(step);
      }
    }),
  );
  log(`refunds sent in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for every notification`);
  const ledgerOf = () => sandbox.refunds();
  await waitFor(() => Object.values(ledgerOf()).flat().every((r) => r.status !== 'pending' && r.deliveries.some((d) => d.outcome === 'acknowledged')), 20_000);
  await sleep(200); // the second delivery of notify-twice follows its acknowledgement

  // The caller's last resort for a refund it holds no final status for: a query where it can.
  for (const { step, result } of outcomes.values()) {
    if (FINAL.has(store.status(step.gateway, step.refundId))) continue;
    const query = step.gateway === 'bieases' ? (result?.gatewayRefundId ? { gatewayRefundId: result.gatewayRefundId } : null) : step.gateway === 'bluepay' ? { originalTransactionId: step.order.transactionId } : { refundId: step.refundId };
    if (!query) continue;
    try {
      const found = (await clients[step.gateway].queryRefund(query, { retry: RETRY })).find((r) => r.refundId === step.refundId);
      if (found) store.apply(step.gateway, step.refundId, found.status, 'lookup');
    } catch {
      // Not found: the refusal below decides.
    }
  }

  const ledger = ledgerOf();
  const injected = sandbox.faults.snapshot().injected;
  await webhook.close();
  await sandbox.close();
  await rm(keysDir, { recursive: true, force: true });
  return { seed, ...check({ plan, orders, ledger, store, outcomes, count, injected }) };
}

/** The assertions, over the ledger and what the caller knows; every breach is one line. */
function check({ plan, orders, ledger, store, outcomes, count, injected }) {
  const failures = [];
  const issued = new Set(plan.flat().map((s) => `${s.gateway}/${s.refundId}`));
  let duplicates = 0;
  let unknown = 0;
  let overRefunds = 0;
  let appliedTwice = 0;
  let lostToEarlier = 0;
  let notifications = 0;
  for (const gateway of GATEWAYS) {
    const seen = new Set();
    for (const r of ledger[gateway]) {
      const key = `${gateway}/${r.refundId}`;
      if (seen.has(key) || !issued.has(key)) {
        duplicates += 1;
        failures.push(`${key}: refunded twice or under a number never issued`);
      }
      seen.add(key);
    }
    for (const order of orders[gateway]) {
      const paid = toCents(order.amount);
      const refunded = ledger[gateway].filter((r) => r.originalTransactionId === order.transactionId && r.status !== 'failed').reduce((sum, r) => sum + toCents(r.amount), 0);
      if (refunded > paid) {
        overRefunds += 1;
        failures.push(`${gateway} order ${order.transactionId}: ${refunded} refunded of ${paid} paid`);
      }
    }
  }
  for (const { step, error } of outcomes.values()) {
    const key = `${step.gateway}/${step.refundId}`;
    const held = ledger[step.gateway].find((r) => r.refundId === step.refundId);
    const known = store.status(step.gateway, step.refundId);
    const entry = store.refunds.get(key);
    notifications += entry?.notifications ?? 0;
    if (held) {
      if (known !== held.status) {
        unknown += 1;
        failures.push(`${key}: the gateway holds ${held.status}, the caller knows ${known ?? 'nothing'}`);
      }
    } else if (!(error && error.delivery === 'refused')) {
      unknown += 1;
      failures.push(`${key}: not at the gateway, yet the caller was not told so (${error?.message ?? 'a result'})`);
    }
    const statuses = (entry?.applied ?? []).map((a) => a.status);
    if (new Set(statuses).size !== statuses.length) {
      appliedTwice += 1;
      failures.push(`${key}: a status was applied twice`);
    }
    if (step.fault === 'notify-early' && held && held.status !== known) {
      lostToEarlier += 1;
      failures.push(`${key}: the notification's ${held.status} was lost to the earlier answer`);
    }
  }
  const table = [
    ['refunds', outcomes.size],
    ...Object.keys(injected).sort().map((kind) => [`  fault ${kind}`, injected[kind]]),
    ['retries (resends + lookups)', count.retries],
    ['  resends, same refund number', count.resends],
    ['  lookups', count.lookups],
    ['reconciliations', count.reconciliations],
    ['refused by the gateway (nothing refunded)', count.refused],
    ["told 'outcome unknown' (BIEASES), learned from the notification", count.toldUnknown],
    ['notifications received', notifications],
    ['duplicates', duplicates],
    ['unknown', unknown],
    ['over-refunds', overRefunds],
    ['notifications applied twice', appliedTwice],
    ['final statuses lost to an earlier answer', lostToEarlier],
  ];
  return { table, failures };
}

function toCents(text) {
  const [whole, fraction = ''] = text.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

export function formatTable(rows) {
  const width = Math.max(...rows.map(([name]) => name.length));
  return ['| what | count |', '|---|---:|', ...rows.map(([name, n]) => `| ${name.padEnd(width)} | ${n} |`)].join('\n');
}

function option(args, name, fallback) {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} takes a whole number`);
  return value;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const seed = option(args, 'seed', Math.floor(Math.random() * 1e9));
  const refunds = option(args, 'refunds', 400);
  const concurrency = option(args, 'concurrency', 8);
  console.log(`fault suite: seed ${seed}, ${refunds} refunds (repeat with --seed ${seed} --refunds ${refunds})`);
  const started = Date.now();
  const { table, failures } = await runFaultSuite({ seed, refunds, concurrency, log: (line) => console.log(line) });
  console.log(formatTable(table));
  console.log(`\nseed ${seed}, ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (failures.length > 0) {
    console.error(`\nFAILED (${failures.length}):\n${failures.slice(0, 50).join('\n')}`);
    process.exit(1);
  }
}
