// The retry option of refund() and queryRefund(), against the sandbox's faults: each gateway's
// reconciliation road, a resend with the same number where the gateway holds none, no retry of a
// refusal, BIEASES's clear "unknown", and the option read strictly.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RefundClient, RefundKitError } from 'refundkit';
import { startSandbox } from '../../www/sandbox/index.mjs';
import { smallSandboxRefund, until } from './helpers.mjs';

const TIMEOUT_MS = 250;
const RETRY = { attempts: 3, backoffMs: 20 };
let sandbox;
let keysDir;

before(async () => {
  keysDir = await mkdtemp(join(tmpdir(), 'refundkit-retry-'));
  sandbox = await startSandbox({ keysDir, refundDelayMs: 30, notifyRetryScheduleMs: [0] });
});

after(async () => {
  await sandbox?.close();
  await rm(keysDir, { recursive: true, force: true });
});

/** A client whose fetch counts what it sends: `sent` lists 'refund' and 'query' in order. */
function counted(gateway, config = {}) {
  const sent = [];
  const client = new RefundClient({
    ...sandbox.credentials[gateway],
    timeoutMs: TIMEOUT_MS,
    ...config,
    fetch: (url, init) => {
      sent.push(/quer|payments/i.test(url) ? 'query' : 'refund');
      return fetch(url, init);
    },
  });
  return { client, sent };
}

const input = (gateway, changes = {}) =>
  smallSandboxRefund(sandbox, gateway, { prefix: 'RT', notifyUrl: 'http://127.0.0.1:9/none', ...changes });

const ledgerOf = (gateway, refundId) => sandbox.refunds()[gateway].filter((r) => r.refundId === refundId);

/** The gateways with one refund in progress per order: wait for it before the next. */
async function settled(gateway, refundId) {
  await until(`${refundId} settled`, () => ledgerOf(gateway, refundId).every((r) => r.status !== 'pending'));
}

const LOOKS_UP = { wisepay: 'refundId', payermax: 'refundId', bluepay: 'originalTransactionId' };

describe('a refund whose answer was lost is looked up, never sent under another number', () => {
  for (const gateway of Object.keys(LOOKS_UP)) {
    test(`${gateway}: committed, answer dropped -> found by ${LOOKS_UP[gateway]}, not resent`, async () => {
      const { client, sent } = counted(gateway);
      const refund = input(gateway);
      sandbox.faults.add([{ kind: 'drop', gateway, refundId: refund.refundId }]);
      const result = await client.refund(refund, { retry: RETRY });
      assert.equal(result.refundId, refund.refundId);
      assert.deepEqual([result.attempts, result.lookups, result.reconciled], [1, 1, true]);
      assert.deepEqual(sent, ['refund', 'query']);
      assert.equal(ledgerOf(gateway, refund.refundId).length, 1);
      await settled(gateway, refund.refundId);
    });

    test(`${gateway}: nothing committed (HTTP 500) -> the gateway knows none -> resent with the same number`, async () => {
      const { client, sent } = counted(gateway);
      const refund = input(gateway);
      sandbox.faults.add([{ kind: 'error-500', gateway, refundId: refund.refundId }]);
      const result = await client.refund(refund, { retry: RETRY });
      assert.equal(result.refundId, refund.refundId);
      assert.deepEqual([result.attempts, result.lookups, result.reconciled], [2, 1, false]);
      assert.deepEqual(sent, ['refund', 'query', 'refund']);
      assert.equal(ledgerOf(gateway, refund.refundId).length, 1);
      await settled(gateway, refund.refundId);
    });
  }

  test('a lookup whose own answer is lost is asked again', async () => {
    const { client, sent } = counted('payermax');
    const refund = input('payermax');
    sandbox.faults.add([
      { kind: 'truncate', gateway: 'payermax', refundId: refund.refundId },
      { kind: 'bad-gateway', gateway: 'payermax', on: 'query' },
    ]);
    const result = await client.refund(refund, { retry: RETRY });
    assert.deepEqual([result.attempts, result.lookups, result.reconciled], [1, 2, true]);
    assert.deepEqual(sent, ['refund', 'query', 'query']);
    await settled('payermax', refund.refundId);
  });

  test('bieases: never resent; the error says the outcome is unknown and where to learn it', async () => {
    const { client, sent } = counted('bieases');
    const refund = input('bieases');
    sandbox.faults.add([{ kind: 'slow', gateway: 'bieases', refundId: refund.refundId, delayMs: TIMEOUT_MS + 200 }]);
    const error = await client.refund(refund, { retry: { attempts: 5, backoffMs: 0 } }).then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.ok(error instanceof RefundKitError);
    assert.equal(error.code, 'TRANSPORT');
    assert.equal(error.delivery, 'unknown');
    assert.match(error.message, /outcome of refund RTbi\w+ is unknown/);
    assert.match(error.message, /notification or the BIEASES merchant portal/);
    assert.match(error.message, /never send it under a new refund number/);
    assert.deepEqual([error.attempts, error.lookups, error.reconciled], [1, 0, false]);
    assert.ok(error.cause instanceof RefundKitError, 'the lost answer is the cause');
    assert.deepEqual(sent, ['refund']);
    assert.equal(ledgerOf('bieases', refund.refundId).length, 1);
    await settled('bieases', refund.refundId);
  });
});

describe('what is never retried', () => {
  test('a refusal comes back as it is, after one request', async () => {
    const { client, sent } = counted('wisepay');
    const refund = input('wisepay', { amount: '999999.00' });
    const error = await client.refund(refund, { retry: RETRY }).then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.equal(error.code, 'GATEWAY_ERROR');
    assert.equal(error.delivery, 'refused');
    assert.deepEqual([error.attempts, error.lookups], [1, 0]);
    assert.deepEqual(sent, ['refund']);
  });

  test('a failure before sending is not retried either', async () => {
    const { client, sent } = counted('payermax');
    await assert.rejects(client.refund(input('payermax', { amount: '1.001' }), { retry: RETRY }), {
      code: 'AMOUNT_INVALID',
      delivery: 'not-sent',
    });
    assert.deepEqual(sent, []);
  });

  test('without a retry option a lost answer is handed back as before, with no retry fields', async () => {
    const { client, sent } = counted('wisepay');
    const refund = input('wisepay');
    sandbox.faults.add([{ kind: 'error-500', gateway: 'wisepay', refundId: refund.refundId }]);
    const error = await client.refund(refund).then(
      () => assert.fail('resolved'),
      (e) => e,
    );
    assert.equal(error.delivery, 'unknown');
    assert.equal('attempts' in error, false);
    const result = await client.refund(refund);
    assert.equal('attempts' in result || 'reconciled' in result, false);
    assert.deepEqual(sent, ['refund', 'refund']);
  });
});

describe('the retry option', () => {
  test('config.retry applies to every call, and opts.retry: false turns it off for one', async () => {
    const { client, sent } = counted('bluepay', { retry: RETRY });
    const first = input('bluepay');
    sandbox.faults.add([{ kind: 'bad-gateway', gateway: 'bluepay', refundId: first.refundId }]);
    assert.equal((await client.refund(first)).reconciled, true);
    await settled('bluepay', first.refundId);
    const second = input('bluepay');
    sandbox.faults.add([{ kind: 'bad-gateway', gateway: 'bluepay', refundId: second.refundId }]);
    await assert.rejects(client.refund(second, { retry: false }), { code: 'TRANSPORT', status: 502 });
    assert.deepEqual(sent, ['refund', 'query', 'refund']);
    await settled('bluepay', second.refundId);
  });

  test('queryRefund retries an unknown outcome plainly, and a refusal not at all', async () => {
    const { client, sent } = counted('payermax');
    sandbox.faults.add([{ kind: 'error-500', gateway: 'payermax', on: 'query', times: 2 }]);
    await assert.rejects(client.queryRefund({ refundId: 'RT-NONE' }, { retry: RETRY }), {
      code: 'GATEWAY_ERROR',
      gatewayCode: 'ORDER_NOT_EXIST',
    });
    assert.deepEqual(sent, ['query', 'query', 'query']);
    sandbox.faults.add([{ kind: 'drop', gateway: 'payermax', on: 'query', times: 5 }]);
    await assert.rejects(client.queryRefund({ refundId: 'RT-NONE' }, { retry: { attempts: 2, backoffMs: 0 } }), {
      code: 'TRANSPORT',
      delivery: 'unknown',
    });
    assert.equal(sent.length, 5);
    sandbox.faults.clear();
  });

  test('a bad retry option is refused before anything is sent', async () => {
    const { client, sent } = counted('wisepay');
    for (const [retry, field] of [
      [{ attempts: 0 }, 'retry.attempts'],
      [{ attempts: '3' }, 'retry.attempts'],
      [{ backoffMs: 1.5 }, 'retry.backoffMs'],
      [{ tries: 2 }, 'retry'],
      ['yes', 'retry'],
    ]) {
      await assert.rejects(client.refund(input('wisepay'), { retry }), { code: 'INPUT_INVALID', field, delivery: 'not-sent' });
      await assert.rejects(client.queryRefund({ refundId: 'X' }, { retry }), { code: 'INPUT_INVALID', field });
    }
    assert.deepEqual(sent, []);
    assert.throws(() => new RefundClient({ ...sandbox.credentials.wisepay, retry: { attempts: 11 } }), {
      code: 'CONFIG_INVALID',
      field: 'retry.attempts',
    });
  });
});
