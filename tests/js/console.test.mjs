// The admin console (www/), driven in Debian's Chromium against the local sandbox gateways: refund,
// pending, refresh, succeeded; a broken key; a genuine and a tampered notification; key generation.
// Signatures and fingerprints shown by the page are checked here with node:crypto.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startSandbox } from '../../www/sandbox/index.mjs';
import { createStaticHandler } from '../../www/sandbox/static.mjs';
import { canonicalString } from '../../www/sandbox/gateways/wisepay.mjs';
import { until } from './helpers.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const SHOTS = join(repo, 'test-output', 'console');
const CHROMIUM = '/usr/bin/chromium';
const GATEWAYS = ['wisepay', 'payermax', 'bluepay', 'bieases'];
const STEP_TIMEOUT_MS = 15_000;
/** Polls the page or the servers for up to one step. */
const waitFor = (what, check) => until(what, check, { timeoutMs: STEP_TIMEOUT_MS, intervalMs: 50 });
const REFUND_DELAY_MS = 400;
/** Every test ends, passed or failed, within this. */
const LIMIT = { timeout: 120_000 };

/** Resolves with the promise's value, or rejects after ms: nothing in these tests waits forever. */
function within(ms, promise, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]);
}

/** A webhook that keeps every notification the sandbox posts, raw, and answers 500 (so retries stay short). */
async function startWebhook() {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(500, { 'content-type': 'text/plain' }).end('kept for the test');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** The same body with one signed detail changed: the refund number if it is in clear, else the ciphertext. */
function tamper(body, refundId) {
  if (body.includes(refundId)) {
    const last = refundId.at(-1) === '1' ? '2' : '1';
    return body.replaceAll(refundId, refundId.slice(0, -1) + last);
  }
  const fields = JSON.parse(body);
  const [, longest] = Object.entries(fields)
    .filter(([key, value]) => key !== 'sign' && typeof value === 'string')
    .sort((a, b) => b[1].length - a[1].length)[0];
  const middle = Math.floor(longest.length / 2);
  const flipped = longest.slice(0, middle) + (longest[middle] === 'A' ? 'B' : 'A') + longest.slice(middle + 1);
  return body.replace(longest, flipped);
}

function headerText(headers) {
  const skip = new Set(['host', 'connection', 'content-length', 'transfer-encoding']);
  return Object.entries(headers)
    .filter(([name]) => !skip.has(name))
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
}

const spkiFingerprint = (pem) =>
  crypto.createHash('sha256').update(crypto.createPublicKey(pem).export({ type: 'spki', format: 'der' })).digest('hex');

const built = existsSync(join(repo, 'pkg', 'web', 'refundkit.js'));
const haveChromium = existsSync(CHROMIUM);
const skipAll = !built ? 'pkg/web is not built: run npm run build' : !haveChromium ? `${CHROMIUM} is missing` : false;

describe('admin console in Chromium', { skip: skipAll, timeout: 600_000 }, () => {
  let chromium;
  let browser;
  let sandbox;
  let webhook;
  let keysDir;

  before(async () => {
    ({ chromium } = await import('playwright-core'));
    await mkdir(SHOTS, { recursive: true });
    keysDir = await mkdtemp(join(tmpdir(), 'refundkit-console-keys-'));
    let origins = [];
    sandbox = await startSandbox({
      port: 0,
      refundDelayMs: REFUND_DELAY_MS,
      notifyRetryScheduleMs: [0, 100, 200],
      keysDir,
      fallback: createStaticHandler({
        root: join(repo, 'www'),
        pkgDir: join(repo, 'pkg'),
        entryDir: join(repo, 'js'),
        connectOrigins: () => origins,
      }),
    });
    origins = [sandbox.url];
    webhook = await startWebhook();
    browser = await within(
      STEP_TIMEOUT_MS,
      chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
      'launching Chromium',
    );
  });

  after(async () => {
    await within(STEP_TIMEOUT_MS, browser?.close() ?? Promise.resolve(), 'closing Chromium').catch((err) => {
      // A browser that will not close is killed rather than left behind.
      browser?.process?.()?.kill('SIGKILL');
      throw err;
    });
    await within(STEP_TIMEOUT_MS, sandbox?.close() ?? Promise.resolve(), 'closing the sandbox');
    await within(STEP_TIMEOUT_MS, webhook?.close() ?? Promise.resolve(), 'closing the webhook');
    if (keysDir) await rm(keysDir, { recursive: true, force: true });
  });

  /** A fresh page on the console that records console errors, page errors and CSP violations. */
  async function openConsole() {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.addInitScript(() => {
      window.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => {
        window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI}`);
      });
    });
    const response = await page.goto(`${sandbox.url}/`);
    assert.match(response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
    await page.locator('body[data-ready="true"]').waitFor();
    const assertClean = async () => {
      const violations = await page.evaluate(() => window.__violations);
      assert.deepEqual(violations, [], 'no CSP violations');
      assert.deepEqual(problems, [], 'no console errors or page errors');
    };
    return { page, context, assertClean };
  }

  const shot = (page, name) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  async function outputErrorCode(page) {
    await page.locator('#output-error .error-code').waitFor();
    return {
      code: await page.locator('#output-error .error-code').textContent(),
      field: await page.locator('#output-error .error-field').textContent(),
    };
  }

  const loads = 'loads under the strict CSP, labels every control and moves between tabs with the keyboard';
  test(loads, LIMIT, async () => {
    const { page, context, assertClean } = await openConsole();
    try {
      for (const label of [/^Gateway$/, /^Environment$/, /^Merchant private key/, /^Gateway public key/, /^Amount/, /^Currency$/]) {
        assert.equal(await page.getByLabel(label).count(), 1, `one control labelled ${label}`);
      }
      assert.match(await page.locator('#memory-notice').textContent(), /memory only/);
      await page.getByRole('tab', { name: 'Refund' }).focus();
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.getByRole('tab', { name: 'Query' }).getAttribute('aria-selected'), 'true');
      assert.equal(await page.locator('#panel-query').isVisible(), true);
      assert.equal(await page.locator('#panel-refund').isVisible(), false);
      await page.keyboard.press('End');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-keys');
      // Focus is visible: the focused tab gets an outline.
      const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.equal(outline, 'solid');
      await shot(page, '01-loaded');
      await assertClean();
    } finally {
      await context.close();
    }
  });

  test('generates a key pair and shows fingerprints that node:crypto agrees with', LIMIT, async () => {
    const { page, context, assertClean } = await openConsole();
    try {
      await page.getByRole('tab', { name: 'Keys' }).click();
      await page.getByRole('button', { name: 'Generate a key pair' }).click();
      await page.locator('#generated-fingerprint').filter({ hasText: /^[0-9a-f]{64}$/ }).waitFor({ timeout: 60_000 });
      const publicPem = await page.locator('#generated-public').inputValue();
      const privatePem = await page.locator('#generated-private').inputValue();
      assert.equal(await page.locator('#generated-fingerprint').textContent(), spkiFingerprint(publicPem));
      // The two halves belong together.
      const signature = crypto.sign('sha256', Buffer.from('pair'), privatePem);
      assert.ok(crypto.verify('sha256', Buffer.from('pair'), publicPem, signature));
      assert.equal(crypto.createPublicKey(publicPem).asymmetricKeyDetails.modulusLength, 2048);

      const gatewayKey = sandbox.credentials.wisepay.gatewayPublicKey;
      await page.getByLabel('Public key to fingerprint').fill(gatewayKey);
      await page.getByRole('button', { name: 'Show fingerprint' }).click();
      const expected = crypto
        .createHash('sha256')
        .update(Buffer.from(gatewayKey, 'base64'))
        .digest('hex');
      await page.locator('#fingerprint-output').filter({ hasText: expected }).waitFor();
      await shot(page, '02-keys');

      // The generated PEM works as the merchant key, and a PEM gateway key is accepted too.
      const gateway = await page.locator('#gateway').inputValue();
      await page.getByRole('button', { name: 'Load sandbox credentials' }).click();
      await page.locator('#connection-state').filter({ hasText: /^Ready:/ }).waitFor();
      await page.getByRole('button', { name: 'Use as merchant private key' }).click();
      assert.equal(await page.getByLabel(/^Merchant private key/).inputValue(), privatePem);
      const gatewayPem = crypto
        .createPublicKey({ key: Buffer.from(sandbox.credentials[gateway].gatewayPublicKey, 'base64'), format: 'der', type: 'spki' })
        .export({ type: 'spki', format: 'pem' });
      await page.getByLabel(/^Gateway public key/).fill(gatewayPem);
      await page.getByRole('button', { name: 'Use these credentials' }).click();
      await page.locator('#output-summary').filter({ hasText: /^Checking the credentials: .* is ready\.$/ }).waitFor();
      assert.equal(await page.locator('#output-error').textContent(), '');

      await page.getByLabel('Public key to fingerprint').fill('not a key');
      await page.getByRole('button', { name: 'Show fingerprint' }).click();
      assert.equal((await outputErrorCode(page)).code, 'KEY_INVALID');
      await assertClean();
    } finally {
      await context.close();
    }
  });

  const blocked = 'a gateway origin the CSP does not allow is blocked by the browser, and the page says so';
  test(blocked, LIMIT, async (t) => {
    const { page, context } = await openConsole();
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(msg.text());
    });
    try {
      // Any gateway with named environments will do.
      let gateway;
      for (const id of ['wisepay', 'payermax', 'bieases']) {
        if (!(await page.locator(`#gateway option[value="${id}"]`).isDisabled())) {
          gateway = id;
          break;
        }
      }
      if (!gateway) {
        t.skip('no gateway with named environments is in this build of the package yet');
        return;
      }
      await page.getByLabel('Gateway', { exact: true }).selectOption(gateway);
      await page.getByRole('button', { name: 'Load sandbox credentials' }).click();
      await page.locator('#connection-state').filter({ hasText: /^Ready:/ }).waitFor();
      const environment = await page.locator('#environment option').nth(1).getAttribute('value');
      await page.getByLabel('Environment').selectOption(environment);
      assert.equal(await page.getByLabel('Base URL').isVisible(), false);
      const hint = await page.locator('#environment-hint').textContent();
      const origin = /(https:\/\/[^ ]+?)\.(?: |$)/.exec(hint)?.[1];
      assert.ok(origin, hint);
      await page.getByLabel(/^Amount/).fill('1.00');
      await page.getByLabel(/^Currency/).fill('USD');
      await page.getByLabel('Original order id', { exact: true }).fill('ORDER-1');
      await page.getByLabel('Original transaction id', { exact: true }).fill('T1');
      await page.getByLabel(/^Notify URL/).fill('https://merchant.example/notify');
      await page.getByRole('button', { name: 'Refund', exact: true }).click();
      const error = await outputErrorCode(page);
      assert.equal(error.code, 'TRANSPORT');
      assert.match(await page.locator('#output-error').textContent(), new RegExp(`blocked the connection to ${origin}`));
      const violations = await page.evaluate(() => window.__violations);
      assert.ok(violations.length > 0 && violations.every((v) => v.startsWith(`connect-src blocked ${origin}`)), violations.join('; '));
      assert.ok(problems.every((text) => text.includes(origin) || text.includes('Content Security Policy')), problems.join('; '));
      await shot(page, '03-csp-blocked');
    } finally {
      await context.close();
    }
  });

  for (const gateway of GATEWAYS) {
    const flow = `${gateway}: refund, pending, refresh, succeeded; GATEWAY_ERROR; genuine and tampered notifications; KEY_INVALID`;
    test(flow, LIMIT, async (t) => {
      const { page, context, assertClean } = await openConsole();
      try {
        const option = page.locator(`#gateway option[value="${gateway}"]`);
        if (await option.isDisabled()) {
          t.skip(`${gateway} is not in this build of the package yet (the console lists it as not available)`);
          return;
        }
        await page.getByLabel('Gateway', { exact: true }).selectOption(gateway);
        await page.getByRole('button', { name: 'Load sandbox credentials' }).click();
        await page.locator('#connection-state').filter({ hasText: /^Ready:/ }).waitFor();
        assert.equal(await page.getByLabel('Base URL').inputValue(), `${sandbox.url}/${gateway}`);
        const creds = sandbox.credentials[gateway];

        // Refund a seeded order that settles as succeeded.
        const orders = sandbox.orders[gateway];
        const index = orders.findIndex((o) => !o.refundsFail && ['USD', 'THB'].includes(o.currency));
        assert.ok(index >= 0, 'a seeded order in a two-decimal currency');
        await page.getByLabel('Sandbox order').selectOption(String(index));
        assert.equal(await page.getByLabel('Original transaction id', { exact: true }).inputValue(), orders[index].originalTransactionId);
        await page.getByLabel(/^Amount/).fill('1.25');
        await page.getByLabel(/^Notify URL/).fill(`${webhook.url}/notify/${gateway}`);
        await page.getByLabel(/^Reason/).fill('console test');
        const refundId = await page.getByLabel('Refund number (refundId)', { exact: true }).inputValue();
        await page.getByRole('button', { name: 'Refund', exact: true }).click();
        await page.locator('#output-summary').filter({ hasText: `Refund: ${refundId}, status pending` }).waitFor();
        assert.equal(await page.locator('#output-result .badge').first().textContent(), 'pending');
        const row = page.locator(`#history-body tr[data-refund-id="${refundId}"]`);
        assert.equal(await row.locator('.badge').textContent(), 'pending');

        // The signed request and the raw response are shown as they went over the wire.
        const url = await page.locator('#output-exchange .request-url').first().textContent();
        assert.ok(url.startsWith(`${sandbox.url}/${gateway}/`), url);
        const sentBody = await page.locator('#output-exchange .request-body').first().textContent();
        assert.ok(sentBody.includes('1.25') || sentBody.includes('125') || gateway === 'bieases', sentBody);
        const responseBody = await page.locator('#output-exchange .response-body').first().textContent();
        assert.ok(responseBody.length > 0);
        if (gateway === 'wisepay') {
          const fields = JSON.parse(sentBody);
          const canonical = await page.locator('#output-exchange .canonical').first().textContent();
          assert.equal(canonical, canonicalString(fields), 'the canonical string as the sandbox computes it');
          const merchantPublic = crypto.createPublicKey(
            crypto.createPrivateKey({ key: Buffer.from(creds.privateKey, 'base64'), format: 'der', type: 'pkcs8' }),
          );
          assert.ok(
            crypto.verify('sha256', Buffer.from(canonical), merchantPublic, Buffer.from(fields.sign, 'base64')),
            'the shown canonical string is what the signature covers',
          );
        } else {
          assert.equal(await page.locator('#output-exchange .canonical').count(), 0);
        }
        await shot(page, `${gateway}-1-pending`);

        // The sandbox settles the refund; the history's refresh queries it and shows succeeded.
        await waitFor(`${gateway} to settle ${refundId}`, () =>
          sandbox.refunds()[gateway].some((r) => r.refundId === refundId && r.status === 'succeeded'),
        );
        await row.getByRole('button', { name: `Refresh refund ${refundId}` }).click();
        await row.locator('.badge', { hasText: 'succeeded' }).waitFor();
        await page.locator('#output-summary').filter({ hasText: `Refresh: ${refundId}, status succeeded` }).waitFor();
        assert.equal(await page.locator('#output-result .badge').first().textContent(), 'succeeded');
        await shot(page, `${gateway}-2-succeeded`);

        // The query form finds it by the ids this gateway looks refunds up by; Refresh all agrees.
        const gatewayRefundId = (await row.locator('td.gateway-refund-id').textContent()).trim();
        await page.getByRole('tab', { name: 'Query' }).click();
        if (gateway === 'wisepay' || gateway === 'payermax') await page.getByLabel(/^By refund number/).fill(refundId);
        else await page.getByLabel(/^By gateway refund id/).fill(gatewayRefundId);
        await page.getByRole('button', { name: 'Query', exact: true }).click();
        await page.locator('#output-summary').filter({ hasText: /^Query: / }).waitFor();
        assert.equal(await page.locator('#output-error').textContent(), '');
        assert.ok(
          (await page.locator('#output-result .badge').allTextContents()).includes('succeeded'),
          'the queried refund is succeeded',
        );
        await page.getByRole('button', { name: 'Refresh all' }).click();
        await page.locator('#output-summary').filter({ hasText: 'Refresh all: 1 refund refreshed.' }).waitFor();

        // A refund of more than was paid: the gateway's refusal, with its own code.
        await page.getByRole('tab', { name: 'Refund' }).click();
        await page.getByLabel(/^Amount/).fill('99999.00');
        await page.getByRole('button', { name: 'Refund', exact: true }).click();
        const refusal = await outputErrorCode(page);
        assert.equal(refusal.code, 'GATEWAY_ERROR');
        assert.match(await page.locator('#output-error').textContent(), /Gateway code/);
        assert.equal(await page.locator('#output-exchange .response-body').count(), 1, 'the refusal as received');
        await shot(page, `${gateway}-3-gateway-error`);

        // The notification the sandbox posted, pasted as it arrived: authentic. Then tampered: refused.
        const delivery = await waitFor(`the ${gateway} notification`, () =>
          webhook.received.find((d) => d.path === `/notify/${gateway}`),
        );
        await page.getByRole('tab', { name: 'Notification' }).click();
        await page.getByLabel(/^Headers/).fill(headerText(delivery.headers));
        await page.getByLabel(/^Body/).fill(delivery.body);
        await page.getByRole('button', { name: 'Verify notification' }).click();
        await page.locator('#output-summary').filter({ hasText: /^Notification check: authentic; .*, status succeeded\.$/ }).waitFor();
        assert.equal(await page.locator('#output-result .badge').first().textContent(), 'succeeded');
        assert.equal(await page.locator('#output-result .verified').first().textContent(), 'signature verified');
        assert.equal(await page.locator('#output-error').textContent(), '');
        await shot(page, `${gateway}-4-notification`);

        const tampered = tamper(delivery.body, refundId);
        assert.notEqual(tampered, delivery.body);
        await page.getByLabel(/^Body/).fill(tampered);
        await page.getByRole('button', { name: 'Verify notification' }).click();
        const refused = await outputErrorCode(page);
        assert.equal(refused.code, 'SIGNATURE_INVALID');
        assert.equal(await page.locator('#output-result').textContent(), '', 'no result is shown for a forged notification');
        await shot(page, `${gateway}-5-tampered-notification`);

        // A private key that is not a key.
        await page.getByLabel(/^Merchant private key/).fill('-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----');
        await page.getByRole('button', { name: 'Use these credentials' }).click();
        const broken = await outputErrorCode(page);
        assert.deepEqual(broken, { code: 'KEY_INVALID', field: 'privateKey' });
        assert.equal(await page.locator('#connection-state').textContent(), 'Not usable: KEY_INVALID on privateKey.');
        assert.match(await page.locator('#output-error .error-message').textContent(), /\S/);
        await shot(page, `${gateway}-6-key-invalid`);

        await assertClean();
      } finally {
        await context.close();
      }
    });
  }
});
