// What the core module must not contain, read from the function names of the module the package is
// built from (cargo's target/…/web-core/refundkit.wasm, run through wasm-bindgen as the build does, which
// demangles the names; the build's wasm-opt then drops them). Each of these was taken out on
// purpose; a dependency or a `{}` of a float could bring one back without any other test noticing.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyse } from '../../bench/wasm-sizes.mjs';
import { cargoTargetDir } from '../../scripts/lib.mjs';

const built = join(cargoTargetDir(), 'wasm32-unknown-unknown', 'web-core', 'refundkit.wasm');
const dir = mkdtempSync(join(tmpdir(), 'refundkit-names-'));
let names;
try {
  execFileSync('wasm-bindgen', ['--target', 'web', '--out-dir', dir, built]);
  names = analyse(readFileSync(join(dir, 'refundkit_bg.wasm'))).bodies.map((b) => b.name);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** The functions whose names match `pattern`, a few of them, to say what brought them in. */
const matching = (pattern) => names.filter((n) => pattern.test(n)).slice(0, 5);

test('the module still has its function names (or the checks below would prove nothing)', () => {
  assert.ok(names.some((n) => n.includes('refundkit::gateways::payermax')), 'no refundkit function names found');
});

test('no float formatting on any path: the money path has no floats, and formatting one is 14 KB', () => {
  assert.deepEqual(matching(/flt2dec|float_to_decimal|<f(32|64) as core.*fmt/), []);
});

test('no private-key RSA, general bignum, key-format crates or serde_json in the core module', () => {
  for (const crate of ['rsa', 'crypto_bigint', 'der', 'pkcs1', 'pkcs8', 'spki', 'serde_json', 'indexmap', 'hashbrown']) {
    assert.deepEqual(matching(new RegExp(`(^|[<&\\s])${crate}::`)), [], `${crate} is linked into the core module`);
  }
});
