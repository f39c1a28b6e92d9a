// The sandbox's faults, one kind at a time: what each does to the answer, to the ledger and to the
// notifications, as a client without retries sees it; and the control endpoint that sets them.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RefundClient } from 'refundkit';
import { startSandbox } from '../../www/sandbox/index.mjs';
import { StatusStore, startWebhook } from '../../scripts/faults.mjs';
import { smallSandboxRefund, until } from './helpers.mjs';

const TIMEOUT_MS = 250;
let sandbox;
let keysDir;
let webhook;
let store;
let clients;

before(async () => {
  keysDir = await mkdtemp(join(tmpdir(), 'refundkit-fault-kinds-'));
  sandbox = await startSandbox({ keysDir, refundDelayMs: 30, notifyRetryScheduleMs: [0, 30, 60, 120, 240] });
  store = new StatusStore();
  clients = Object.fromEntries(
    Object.keys(sandbox.credentials).map((g) => [g, new RefundClient({ ...sandbox.credentials[g], timeoutMs: TIMEOUT_MS })]),
  );
  webhook = await startWebhook(clients, store);
});

after(async () => {
  await webhook?.close();
  await sandbox?.close();
  await rm(keysDir, { recursive: true, force: true });
});

/** A fresh refund of one cent (or one yen) of the gateway's second seeded order. */
const input = (gateway) => smallSandboxRefund(sandbox, gateway, { prefix: 'FK', notifyUrl: `${webhook.url}/${gateway}` });

const held = (gateway, refundId) => sandbox.refunds()[gateway].find((r) => r.refundId === refundId);

async function refundUnder(kind, gateway, extra = {}) {
  const refund = input(gateway);
  sandbox.faults.add([{ kind, gateway, refundId: refund.refundId, ...extra }]);
  const outcome = await clients[gateway].refund(refund).then(
    (result) => ({ result }),
    (error) => ({ error }),
  );
  return { refund, ...outcome };
}

/** The refund is at the gateway, and its notification is acknowledged, so the gateway is ready
 * for the next refund of the same order. */
async function settled(gateway, refundId) {
  await until(`${refundId} settled and acknowledged`, () =>
    held(gateway, refundId)?.deliveries.some((d) => d.outcome === 'acknowledged'),
  );
}

describe('answer faults strike a refund after it was committed, except error-500', () => {
  for (const [kind, extra, status] of [
    ['drop', {}, undefined],
    ['bad-gateway', {}, 502],
    ['slow', { delayMs: TIMEOUT_MS + 300 }, undefined],
    ['truncate', {}, 200],
  ]) {
    test(`${kind}: the refund is committed and the caller learns only that the outcome is unknown`, async () => {
      const { refund, error } = await refundUnder(kind, 'payermax', extra);
      assert.equal(error?.code, 'TRANSPORT', String(error));
      assert.equal(error.delivery, 'unknown');
      assert.equal(error.status, status);
      assert.ok(held('payermax', refund.refundId), 'committed at the gateway');
      await settled('payermax', refund.refundId);
    });
  }

  test('error-500: an HTTP 500 and nothing committed', async () => {
    const { refund, error } = await refundUnder('error-500', 'wisepay');
    assert.equal(error?.code, 'TRANSPORT');
    assert.equal(error.status, 500);
    assert.equal(error.delivery, 'unknown');
    assert.equal(held('wisepay', refund.refundId), undefined);
  });

  test('a fault keyed to one refund leaves the others alone, and strikes once', async () => {
    const first = input('bluepay');
    sandbox.faults.add([{ kind: 'error-500', gateway: 'bluepay', refundId: 'NOT-THIS-ONE' }]);
    const result = await clients.bluepay.refund(first);
    assert.equal(result.status, 'pending');
    await settled('bluepay', first.refundId);
    assert.equal(sandbox.faults.snapshot().waiting.length, 1);
    sandbox.faults.clear();
  });
});

describe('notification faults', () => {
  test('notify-twice: the acknowledged notification comes once more, and is stored once', async () => {
    const { refund, result } = await refundUnder('notify-twice', 'bluepay');
    assert.equal(result.status, 'pending');
    await until('the second delivery', () => held('bluepay', refund.refundId)?.deliveries.some((d) => d.outcome.includes('again')));
    const entry = store.entry('bluepay', refund.refundId);
    assert.equal(entry.notifications, 2);
    assert.deepEqual(entry.applied.map((a) => a.status), ['succeeded']);
  });

  test('notify-late: the first delivery comes delayMs after the refund settled', async () => {
    const { refund } = await refundUnder('notify-late', 'wisepay', { delayMs: 300 });
    await settled('wisepay', refund.refundId);
    const entry = held('wisepay', refund.refundId);
    const late = Date.parse(entry.deliveries[0].at) - Date.parse(entry.completedAt);
    assert.ok(late >= 290, `${late} ms`);
  });

  test('notify-early: the final status arrives before the pending answer, and survives it', async () => {
    const { refund, result } = await refundUnder('notify-early', 'payermax');
    assert.equal(result.status, 'pending', 'the answer was built while pending');
    const entry = store.entry('payermax', refund.refundId);
    assert.equal(entry.notifications, 1, 'the notification came first');
    store.apply('payermax', refund.refundId, result.status, 'answer');
    assert.equal(store.status('payermax', refund.refundId), 'succeeded');
    await settled('payermax', refund.refundId);
  });

  test('webhook-fails: the first deliveries count as failed though the webhook saw them', async () => {
    const { refund } = await refundUnder('webhook-fails', 'bieases', { times: 2 });
    await settled('bieases', refund.refundId);
    const outcomes = held('bieases', refund.refundId).deliveries.map((d) => d.outcome);
    assert.equal(outcomes.length, 3);
    assert.match(outcomes[0], /webhook-fails/);
    assert.equal(store.entry('bieases', refund.refundId).notifications, 3);
    assert.equal(store.entry('bieases', refund.refundId).applied.length, 1);
  });
});

describe('query faults and the control endpoint', () => {
  test('a query fault strikes the next query of that gateway', async () => {
    const refund = input('wisepay');
    await clients.wisepay.refund(refund);
    sandbox.faults.add([{ kind: 'bad-gateway', gateway: 'wisepay', on: 'query' }]);
    await assert.rejects(clients.wisepay.queryRefund({ refundId: refund.refundId }), { code: 'TRANSPORT', status: 502 });
    const [found] = await clients.wisepay.queryRefund({ refundId: refund.refundId });
    assert.equal(found.refundId, refund.refundId);
    await settled('wisepay', refund.refundId);
  });

  test('POST /sandbox/faults adds faults, GET counts what struck, DELETE clears', async () => {
    const post = (body) => fetch(`${sandbox.url}/sandbox/faults`, { method: 'POST', body: JSON.stringify(body) });
    const bad = await post({ faults: [{ kind: 'meteor' }] });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /unknown fault kind meteor/);
    assert.equal((await post({ faults: [{ kind: 'drop', on: 'notification' }] })).status, 400);
    const refund = input('bieases');
    const added = await post({ faults: [{ kind: 'error-500', gateway: 'bieases', refundId: refund.refundId }] });
    assert.equal(added.status, 200);
    const before = (await (await fetch(`${sandbox.url}/sandbox/faults`)).json()).injected['error-500'] ?? 0;
    await assert.rejects(clients.bieases.refund(refund), { status: 500 });
    const counted = await (await fetch(`${sandbox.url}/sandbox/faults`)).json();
    assert.equal(counted.injected['error-500'], before + 1);
    await post({ faults: [{ kind: 'drop', gateway: 'bieases', times: 3 }] });
    const cleared = await (await fetch(`${sandbox.url}/sandbox/faults`, { method: 'DELETE' })).json();
    assert.deepEqual(cleared.waiting, []);
  });

  test('faults given at start strike from the first request', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'refundkit-fault-start-'));
    const own = await startSandbox({ keysDir: dir, refundDelayMs: 30, faults: [{ kind: 'error-500', gateway: 'bluepay' }] });
    try {
      const client = new RefundClient({ ...own.credentials.bluepay, timeoutMs: TIMEOUT_MS });
      const order = own.orders.bluepay[0];
      const refund = { refundId: 'FKSTART1', originalTransactionId: order.originalTransactionId, amount: '1.00', currency: 'THB', notifyUrl: 'http://127.0.0.1:9/none' };
      await assert.rejects(client.refund(refund), { status: 500 });
      assert.equal((await client.refund(refund)).status, 'pending');
    } finally {
      await own.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
