// Each gateway describes itself once, in the library: the console and the sandbox read that
// description (gateways()) instead of keeping lists of their own, and what the console shows in the
// browser is exactly what the library says.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RefundClient, gateways } from 'refundkit';
import { consoleGateways } from '../../www/console/gateways.mjs';
import { GATEWAYS as SANDBOX_GATEWAYS, startSandbox } from '../../www/sandbox/index.mjs';
import { createStaticHandler } from '../../www/sandbox/static.mjs';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';

test('gateways() describes every gateway the library builds, and only those ids make a client', () => {
  const infos = gateways();
  assert.deepEqual(infos.map((g) => g.id), ['wisepay', 'payermax', 'bluepay', 'bieases']);
  for (const info of infos) {
    assert.equal(typeof info.name, 'string');
    assert.ok(info.queryBy.length > 0, info.id);
    assert.ok(info.settings.every((s) => typeof s.name === 'string' && typeof s.required === 'boolean'), info.id);
    for (const preset of info.presets) assert.match(preset.baseUrl, /^https:\/\//);
  }
  assert.throws(() => new RefundClient({ gateway: 'nope' }), /supported: wisepay, payermax, bluepay, bieases/);
});

test('the console builds its gateway list, environments, fields and lookups from gateways()', () => {
  const infos = gateways();
  const shown = consoleGateways(infos);
  assert.deepEqual(Object.keys(shown), infos.map((g) => g.id));
  for (const info of infos) {
    const view = shown[info.id];
    assert.equal(view.label, info.name);
    assert.deepEqual(view.environments, Object.fromEntries(info.presets.map((p) => [p.name, p.baseUrl])));
    assert.deepEqual(view.fields.map((f) => f.name), info.settings.map((s) => s.name));
    assert.deepEqual(view.fields.map((f) => Boolean(f.secret)), info.settings.map((s) => s.secret));
    // A refund the console made is looked up by the first id the gateway takes that it has.
    const entry = { refundId: 'R1', gatewayRefundId: 'G1', originalTransactionId: 'T1' };
    const first = info.queryBy[0];
    assert.deepEqual(view.lookup(entry), { [first]: entry[first] });
  }
  assert.deepEqual(shown.bluepay.lookup({ refundId: 'R1', originalTransactionId: 'T1' }), { originalTransactionId: 'T1' });
});

test('the sandbox serves exactly the gateways the library describes', () => {
  assert.deepEqual(SANDBOX_GATEWAYS, gateways().map((g) => g.id));
});

const canRun = existsSync(join(repo, 'pkg', 'web', 'refundkit.js')) && existsSync(CHROMIUM);
test('the console in Chromium offers each gateway by the name gateways() gives, with its environments', { skip: !canRun && 'needs pkg/web and Chromium', timeout: 120_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const keysDir = await mkdtemp(join(tmpdir(), 'refundkit-descriptions-'));
  const sandbox = await startSandbox({
    keysDir,
    fallback: createStaticHandler({ root: join(repo, 'www'), pkgDir: join(repo, 'pkg'), entryDir: join(repo, 'js'), connectOrigins: () => [] }),
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${sandbox.url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    const options = await page.locator('#gateway option').evaluateAll((els) => els.map((o) => [o.value, o.textContent]));
    assert.deepEqual(options, gateways().map((g) => [g.id, g.name]));
    for (const info of gateways()) {
      await page.selectOption('#gateway', info.id);
      const environments = await page.locator('#environment option').evaluateAll((els) => els.map((o) => o.value));
      assert.deepEqual(environments, ['local', ...info.presets.map((p) => p.name), 'custom'], info.id);
      const fields = await page.locator('#gateway-fields [name]').evaluateAll((els) => els.map((e) => e.name));
      assert.deepEqual(fields, info.settings.map((s) => s.name), info.id);
    }
  } finally {
    await browser.close();
    await sandbox.close();
    await rm(keysDir, { recursive: true, force: true });
  }
});
