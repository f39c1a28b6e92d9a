// Small helpers shared by the project scripts: run a command visibly, find tools, read versions.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// cargo-installed tools live in ~/.cargo/bin, which a non-login shell may not have on PATH.
const cargoBin = join(process.env.CARGO_HOME ?? join(homedir(), '.cargo'), 'bin');
if (!(process.env.PATH ?? '').split(':').includes(cargoBin)) {
  process.env.PATH = `${cargoBin}:${process.env.PATH ?? ''}`;
}

/** Runs a command with inherited output; throws with the command line if it fails. */
export function run(cmd, args, options = {}) {
  const started = Date.now();
  console.log(`\n$ ${[cmd, ...args].join(' ')}`);
  const result = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) throw new Error(`${cmd} could not start: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${result.status}`);
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Runs a command and returns its stdout (stderr shown), or null if it cannot run or fails. */
export function output(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', ...options });
  if (result.error || result.status !== 0) return null;
  return result.stdout;
}

/** The version of a crate locked in Cargo.lock. */
export function lockedVersion(crate) {
  const lock = readFileSync(join(root, 'Cargo.lock'), 'utf8');
  const match = lock.match(new RegExp(`\\[\\[package\\]\\]\\nname = "${crate}"\\nversion = "([^"]+)"`));
  if (!match) throw new Error(`${crate} is not in Cargo.lock`);
  return match[1];
}

export const wasmOpt = join(root, 'node_modules', '.bin', 'wasm-opt');
export const exists = (path) => existsSync(join(root, path));

/**
 * The directory cargo builds into, as cargo itself resolves it: target/ unless CARGO_TARGET_DIR or a
 * cargo config (`build.target-dir`) moves it, as CI caches and shared build directories often do. A
 * relative CARGO_TARGET_DIR is relative to the project root, where these scripts run cargo.
 */
export function cargoTargetDir(env = process.env) {
  const metadata = output('cargo', ['metadata', '--format-version', '1', '--no-deps'], { env });
  if (metadata === null) throw new Error('`cargo metadata` failed: cargo cannot read the workspace (is the Rust toolchain installed?)');
  return JSON.parse(metadata).target_directory;
}
