// Runs every test of the project, in order, and stops at the first failure:
// formatting and lints, native Rust tests, the wasm tests in Node and in headless Chromium,
// the package build, the TypeScript check, the JavaScript tests against the built package, and the
// packed package in every runtime and bundler it supports.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root, run } from './lib.mjs';
import { build } from './build.mjs';
import { setup } from './setup.mjs';

const started = Date.now();
const steps = [];

function step(name, fn) {
  const t0 = Date.now();
  console.log(`\n=== ${name}`);
  fn();
  steps.push(`${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/** Runs a wasm-pack test command and fails it when it ran no test at all (a browser run silently
 * skips tests that are not marked for the browser). */
function wasmPackTest(args, env = {}) {
  console.log(`\n$ wasm-pack ${args.join(' ')}`);
  // ChromeDriver's sessions end without removing Chromium's profile (about 25 MB each, under
  // TMPDIR), so each run gets a temporary directory of its own, removed when it ends.
  const scratch = mkdtempSync(join(tmpdir(), 'refundkit-wasm-pack-'));
  let result;
  try {
    result = spawnSync('wasm-pack', args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ...env, TMPDIR: scratch },
      maxBuffer: 64 * 1024 * 1024,
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true, maxRetries: 3 });
  }
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  if (result.status !== 0) throw new Error(`wasm-pack ${args.join(' ')} failed`);
  const passed = [...(result.stdout ?? '').matchAll(/test result: ok\. (\d+) passed/g)]
    .reduce((sum, m) => sum + Number(m[1]), 0);
  if (passed === 0) throw new Error(`wasm-pack ${args.join(' ')} ran no test`);
  if (/skipping|only configured to run in/i.test(`${result.stdout}${result.stderr}`)) {
    throw new Error(`wasm-pack ${args.join(' ')} skipped tests`);
  }
}

try {
  step('tools', () => setup({ browser: true, wasmPack: true }));
  step('format', () => run('cargo', ['fmt', '--check']));
  // `hazmat` opens the raw primitives some tests check (the verifier, WisePay's canonical string).
  step('clippy (native)', () => run('cargo', ['clippy', '--all-targets', '--all-features', '--', '-D', 'warnings']));
  step('clippy (native, default features)', () => run('cargo', ['clippy', '--', '-D', 'warnings']));
  step('clippy (wasm32)', () =>
    run('cargo', ['clippy', '--all-targets', '--all-features', '--target', 'wasm32-unknown-unknown', '--', '-D', 'warnings']));
  // The shipped builds: the core without the rsa crate, and the browser's RSA fallback module.
  step('clippy (wasm32, shipped core)', () =>
    run('cargo', ['clippy', '--no-default-features', '--target', 'wasm32-unknown-unknown', '--', '-D', 'warnings']));
  step('clippy (wasm32, RSA fallback)', () =>
    run('cargo', ['clippy', '-p', 'refundkit-rsa-fallback', '--target', 'wasm32-unknown-unknown', '--', '-D', 'warnings']));
  step('cargo test (native)', () => run('cargo', ['test', '--features', 'hazmat']));
  step('wasm tests in Node', () => wasmPackTest(['test', '--node', '--', '--features', 'hazmat']));
  step('wasm tests in headless Chromium', () =>
    wasmPackTest(['test', '--headless', '--chrome', '--', '--features', 'hazmat'], { WASM_BINDGEN_USE_BROWSER: '1' }));
  // The Rust examples: the native one runs against its loopback gateway; the wasm32 admin crate is
  // linted and tested in Node and Chromium against an injected fetch.
  step('Rust examples', () => {
    run('cargo', ['run', '--example', 'native_refund']);
    run('cargo', ['clippy', '-p', 'refundkit-wasm-admin', '--all-targets', '--target', 'wasm32-unknown-unknown', '--', '-D', 'warnings']);
    wasmPackTest(['test', '--node', 'examples/wasm-admin']);
    wasmPackTest(['test', '--headless', '--chrome', 'examples/wasm-admin'], { WASM_BINDGEN_USE_BROWSER: '1' });
  });
  step('package build', () => build());
  step('TypeScript declarations', () => run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tests/types']));
  step('JavaScript tests', () =>
    run(process.execPath, ['--test', '--test-concurrency=1', 'tests/js/']));
  // The packed tarball in every runtime and bundler the README names (scripts/runtimes.mjs): about
  // 20 s, plus about a minute the first time to install the pinned runtimes into .runtimes/.
  step('runtimes and bundlers', () => run(process.execPath, [join(root, 'scripts', 'runtimes.mjs')]));
  // A thousand refunds under drawn faults, about half a minute; the seed is printed to repeat a run.
  step('fault suite', () => run(process.execPath, [join(root, 'scripts', 'faults.mjs'), '--refunds', '1000']));
} catch (error) {
  console.error(`\nFAILED: ${error.message}`);
  process.exit(1);
}

console.log(`\nAll test steps passed in ${((Date.now() - started) / 60000).toFixed(1)} min:`);
for (const line of steps) console.log(`  ${line}`);
