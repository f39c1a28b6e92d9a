// Builds the npm package's two wasm builds: pkg/node (CommonJS, loads synchronously) and pkg/web
// (ES module with init()). Release builds go through wasm-opt from the npm package binaryen: Debian's
// binaryen 108 rewrites wasm-bindgen's externref table and the module then fails to load.
// Usage: node scripts/build.mjs [--force] [--no-opt]
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, run, wasmOpt } from './lib.mjs';
import { setup } from './setup.mjs';

const wasmFile = join(root, 'target', 'wasm32-unknown-unknown', 'release', 'refundkit.wasm');
const stampFile = join(root, 'pkg', '.build-stamp');

// Size and speed flags, chosen by measurement (the README's Performance section has the numbers).
const BINDGEN_FLAGS = ['--remove-producers-section'];
const WASM_OPT_FLAGS = ['-O3', '--strip-debug'];

export function build({ force = false, optimize = true } = {}) {
  setup();
  const inputs = newestInput();
  if (!force && isFresh(inputs, optimize)) {
    console.log('pkg/ is up to date');
    return;
  }
  run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown']);
  const outputs = [];
  for (const [target, dir] of [['nodejs', 'pkg/node'], ['web', 'pkg/web']]) {
    rmSync(join(root, dir), { recursive: true, force: true });
    run('wasm-bindgen', ['--target', target, '--out-dir', dir, ...BINDGEN_FLAGS, wasmFile]);
    outputs.push(join(root, dir, 'refundkit_bg.wasm'));
  }
  if (optimize) {
    // wasm-bindgen writes the same .wasm for both targets (only the glue differs): optimize it once
    // (the npm wasm-opt is slow) and copy it, unless the two ever differ.
    const [first, second] = outputs;
    const same = readFileSync(first).equals(readFileSync(second));
    for (const bg of same ? [first] : outputs) run(wasmOpt, [...WASM_OPT_FLAGS, bg, '-o', bg]);
    if (same) copyFileSync(first, second);
  }
  writeFileSync(stampFile, JSON.stringify({ inputs, optimize }));
}

/** The newest modification time among the files a build depends on. */
function newestInput() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) readdirSync(path).forEach((name) => visit(join(path, name)));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  ['src', 'Cargo.toml', 'Cargo.lock'].forEach((p) => visit(join(root, p)));
  return newest;
}

function isFresh(inputs, optimize) {
  if (!existsSync(stampFile) || !existsSync(join(root, 'pkg', 'web', 'refundkit_bg.wasm'))) return false;
  const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  return stamp.inputs === inputs && stamp.optimize === optimize;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  build({ force: process.argv.includes('--force'), optimize: !process.argv.includes('--no-opt') });
}
