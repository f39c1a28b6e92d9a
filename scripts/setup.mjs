// Installs what building and testing need, idempotently: each step checks first and is skipped in
// well under a second when its tool is already there. Usage: node scripts/setup.mjs [--browser] [--wasm-pack]
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { exists, lockedVersion, output, root, run } from './lib.mjs';

export function setup({ browser = false, wasmPack = false } = {}) {
  ensureWasmTarget();
  ensureWasmBindgen();
  if (wasmPack) ensureWasmPack();
  ensureNodeModules();
  if (browser) ensureChromium();
}

function ensureWasmTarget() {
  const installed = output('rustup', ['target', 'list', '--installed']) ?? '';
  if (!installed.split('\n').includes('wasm32-unknown-unknown')) {
    run('rustup', ['target', 'add', 'wasm32-unknown-unknown']);
  }
}

// wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock.
// Installed without --locked: one of its locked dependencies is not served by every registry mirror.
function ensureWasmBindgen() {
  const wanted = lockedVersion('wasm-bindgen');
  const have = (output('wasm-bindgen', ['--version']) ?? '').trim().split(' ').pop();
  if (have !== wanted) {
    console.log(`wasm-bindgen ${wanted} is needed (found ${have || 'none'}); installing, about 3.5 minutes on 2 cores`);
    run('cargo', ['install', 'wasm-bindgen-cli', '--version', wanted, '--force']);
  }
}

function ensureWasmPack() {
  if (output('wasm-pack', ['--version']) === null) {
    console.log('wasm-pack is needed for the wasm test runs; installing, about 3 minutes on 2 cores');
    run('cargo', ['install', 'wasm-pack', '--locked']);
  }
}

function ensureNodeModules() {
  const stamp = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(lock).mtimeMs) return;
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// Debian's chromium and its matching chromedriver; playwright-core drives the first,
// wasm-pack's browser run uses the second.
function ensureChromium() {
  if (existsSync('/usr/bin/chromium') && existsSync('/usr/bin/chromedriver')) return;
  if (process.getuid?.() !== 0) {
    throw new Error('browser tests need chromium and chromium-driver: run `sudo apt-get install chromium chromium-driver`');
  }
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium', 'chromium-driver'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  setup({ browser: process.argv.includes('--browser'), wasmPack: process.argv.includes('--wasm-pack') });
  console.log(`tools ready${exists('node_modules') ? '' : ' (no node_modules?)'}`);
}
