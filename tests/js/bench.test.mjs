// `npm run bench` keeps printing every target's row: a short run of the real script (five timed
// rounds, without the Chromium rows) and its JSON read back; and its Chromium part fails fast.
// Nothing here judges a figure; the bench's numbers are for people, not for a timed test.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromiumLauncher, timeInChromium } from '../../bench/chromium.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const GATEWAYS = ['wisepay', 'payermax', 'bluepay', 'bieases'];

test('the bench runs end to end and reports every target', () => {
  const dir = mkdtempSync(join(tmpdir(), 'refundkit-bench-'));
  try {
    const file = join(dir, 'results.json');
    const printed = execFileSync(process.execPath, ['scripts/bench.mjs', '--rounds', '5', '--no-chromium', '--json', file], { cwd: root, encoding: 'utf8' });
    const results = JSON.parse(readFileSync(file, 'utf8'));
    const rows = (text) => results.rows.filter((r) => r.operation.includes(text));
    for (const gateway of GATEWAYS) {
      const own = results.rows.filter((r) => r.gateway === gateway);
      for (const operation of [
        'buildRefund (Node entry: node:crypto)',
        'buildRefundAsync (Node entry: node:crypto thread pool)',
        'buildRefundAsync (browser entry: WebCrypto)',
        'buildRefund (browser entry: RSA fallback module)',
        'buildRefundQuery (Node entry: node:crypto)',
        'buildRefundQueryAsync (Node entry: node:crypto thread pool)',
        'buildRefundQueryAsync (browser entry: WebCrypto)',
        'verifyNotification (Node entry: node:crypto)',
      ]) {
        assert.ok(own.some((r) => r.operation === operation), `${gateway}: no row for ${operation}`);
      }
    }
    for (const [text, target] of [
      ['(Node entry: node:crypto)', results.targets.syncBuildVsNodeSign],
      ['Async (Node entry: node:crypto thread pool)', results.targets.asyncBuildVsWebCrypto],
      // The browser road's async builds, timed in Node for comparison, are judged in Chromium.
      ['Async (browser entry: WebCrypto)', undefined],
    ]) {
      for (const r of rows(text).filter((r) => r.operation.startsWith('build'))) {
        assert.ok(Number.isFinite(r.ratio) && r.ratio > 0, `${r.gateway} ${r.operation}: ratio ${r.ratio}`);
        assert.equal(r.target, target, `${r.gateway} ${r.operation}: judged against ${r.target}`);
      }
    }
    for (const r of [...rows('Async (browser entry: WebCrypto)'), ...rows('(browser entry: RSA fallback module)')]) {
      assert.equal(r.judgedIn, 'Chromium', `${r.gateway} ${r.operation}`);
      assert.equal(r.absoluteTargetMs, undefined, `${r.gateway} ${r.operation}`);
    }
    assert.match(printed, /\| judged in Chromium +\|/);
    for (const r of rows('(Node entry: node:crypto thread pool)')) {
      assert.ok(Number.isFinite(r.ratioToNodePool) && r.ratioToNodePool > 0, `${r.gateway} ${r.operation}: no ratio to node:crypto's own`);
    }
    assert.ok(results.fresh.ratio > 0 && results.fresh.target === results.targets.freshProcessVsNode);
    assert.equal(results.sizes[0].target, results.targets.browserModuleGzipBytes);
    assert.match(printed, /<= 1\.15x (met|NOT met)/);
    assert.match(printed, /note: Chromium rows left out \(--no-chromium\)/);
    assert.match(printed, /note: the browser road's targets are judged in Chromium: not judged in this run/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a Chromium page that fails to load ends the Chromium rows at once, with its error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'refundkit-bench-page-'));
  try {
    mkdirSync(join(dir, 'bench'));
    for (const file of ['chromium-page.mjs', 'race.mjs']) cpSync(join(root, 'bench', file), join(dir, 'bench', file));
    for (const folder of ['js', 'pkg']) cpSync(join(root, folder), join(dir, folder), { recursive: true });
    // An entry that asks its glue for a name the glue lacks: the page's module never runs.
    appendFileSync(join(dir, 'js', 'wasm-init.mjs'), "import { noSuchExport } from '../pkg/web/refundkit.js';\n");
    const started = Date.now();
    await assert.rejects(
      timeInChromium({ chromium: chromiumLauncher(), root: dir, merchantPrivate: '', scenarios: [], rounds: 1, warmup: 1 }),
      /the Chromium page failed: .*noSuchExport/,
    );
    // The page's own wait is ten minutes; the failure must not wait for it.
    assert.ok(Date.now() - started < 60_000, `${Date.now() - started} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
