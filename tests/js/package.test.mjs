// The npm package as a user gets it: `npm pack`, installed into an empty folder, loaded with
// require and with import.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('npm pack installs into an empty folder and works with require and import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'refundkit-pack-'));
  try {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }));
    const files = packed[0].files.map((f) => f.path);
    for (const expected of ['js/node.cjs', 'js/node.mjs', 'js/web.mjs', 'js/inline.mjs', 'js/workerd.mjs', 'js/wasm-init.mjs', 'js/error.mjs', 'js/signature.mjs', 'js/index.d.ts', 'pkg/node/refundkit.js', 'pkg/web/refundkit_bg.wasm', 'pkg/web/package.json', 'pkg/inline/core.mjs', 'pkg/inline/fallback.mjs', 'README.md']) {
      assert.ok(files.includes(expected), `${expected} missing from the package`);
    }
    // One copy of each module as a .wasm file: the Node glue loads the web one.
    assert.deepEqual(files.filter((f) => f.endsWith('.wasm')).sort(), ['pkg/fallback/refundkit_rsa_fallback_bg.wasm', 'pkg/web/refundkit_bg.wasm']);
    assert.ok(!files.some((f) => f.startsWith('src/') || f.startsWith('tests/') || f.startsWith('target/')), 'sources leaked into the package');
    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true}');
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(dir, tarball)], { cwd: app, stdio: 'pipe' });
    const probe = `
      const check = (rk) => {
        try { new rk.RefundClient({ gateway: 'nope' }); } catch (e) {
          if (!(e instanceof rk.RefundKitError) || e.code !== 'CONFIG_INVALID') throw e;
          return rk.keyFingerprint.length >= 0 && typeof rk.generateKeyPair === 'function' ? 'ok' : 'missing';
        }
        return 'no error';
      };`;
    const viaRequire = execFileSync(process.execPath, ['-e', `${probe} console.log(check(require('refundkit')))`], { cwd: app, encoding: 'utf8' });
    assert.equal(viaRequire.trim(), 'ok');
    const viaImport = execFileSync(process.execPath, ['--input-type=module', '-e', `${probe} import('refundkit').then((rk) => console.log(check(rk)))`], { cwd: app, encoding: 'utf8' });
    assert.equal(viaImport.trim(), 'ok');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
