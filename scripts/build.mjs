// Builds the npm package's WebAssembly: the core module, with glue for Node (pkg/node, CommonJS,
// loads synchronously) and for browsers and workers (pkg/web, ES module with init()), and the RSA
// fallback module browsers load only on request (pkg/fallback); beside them what the entry files need
// from the build: the CommonJS copies of js/error.mjs and js/signature.mjs (inside the Node glue), the
// markers that make pkg/web and pkg/fallback ES module scopes, and the inlined copies of both modules
// for bundlers that emit no .wasm asset.
//
// The package holds one copy of each .wasm: wasm-bindgen writes the same module for the Node and the
// web glue, so the Node glue is pointed at pkg/web/refundkit_bg.wasm and its own copy is not kept.
// The inlined copies (pkg/inline) are the exception: esbuild and Rollup cannot emit the file that
// `new URL('…wasm', import.meta.url)` names, so `refundkit/inline` carries the modules, gzipped, as base64.
//
// The core has no private-key RSA of its own (cargo feature `rsa` off): Node signs with node:crypto,
// browsers with WebCrypto, and the fallback module signs where neither can. It is built with the
// `web-core` profile (its own output file). Release builds go through wasm-opt
// from the npm package binaryen: Debian's binaryen 108 rewrites wasm-bindgen's externref table and
// the module then fails to load.
// Usage: node scripts/build.mjs [--force] [--no-opt]
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { cargoTargetDir, root, run, wasmOpt } from './lib.mjs';
import { setup } from './setup.mjs';

const stampFile = join(root, 'pkg', '.build-stamp');

// Size and speed flags, chosen by measurement (the README's Performance section has the numbers).
const BINDGEN_FLAGS = ['--remove-producers-section'];
const WASM_OPT_FLAGS = ['-O3', '--strip-debug'];
/** The core is optimized for size: it runs no RSA private-key arithmetic, and -Os is 1 KB smaller
 * gzipped than -O3 (bench/wasm-sizes.mjs measures it). Functions of up to 16 units of wasm-opt's
 * size measure are inlined wherever they are called (-Os alone inlines up to 2): small helpers the
 * core's generic code leaves out of line, such as an iterator's length inside AES's rounds. Measured
 * in docs/performance.md: about 2 µs less per async build around a real sign, for 2.5 KiB gzip. */
const CORE_WASM_OPT_FLAGS = ['-Os', '--always-inline-max-function-size', '16', '--strip-debug'];
/**
 * Functions of the core that wasm-opt must not inline, as Rust paths (the module's name section
 * names them). Node compiles each WebAssembly function whole the first time it runs, so a refusal's
 * formatting, or a road only some configs take, costs every fresh process whose first client merely
 * passes by it, unless it stays a function of its own; the Rust code marks these `#[inline(never)]`,
 * but wasm-opt inlines any function with one caller, whatever its size. Measured in
 * docs/performance.md (the fresh-process figure).
 */
const CORE_OUT_OF_LINE = [
  'refundkit::config::Config::unknown_key',
  'refundkit::config::missing',
  'refundkit::config::control_characters',
  'refundkit::config::not_a_string',
  'refundkit::config::no_preset',
  'refundkit::config::normalize_base_url',
  'refundkit::gateways::unknown_gateway',
  'refundkit::keys::read_pem',
  'refundkit::keys::labels_differ',
  'refundkit::keys::label_refusal',
  'refundkit::keys::der_label_mismatch',
  'refundkit::keys::text_too_long',
  'refundkit::keys::not_rsa',
  'refundkit::keys::modulus_size',
];

export function build({ force = false, optimize = true } = {}) {
  setup();
  const inputs = newestInput();
  if (!force && isFresh(inputs, optimize)) console.log('pkg/ is up to date');
  else buildWasm(inputs, optimize);
  writeEntrySupport();
}

function buildWasm(inputs, optimize) {
  const target = ['--target', 'wasm32-unknown-unknown'];
  const wasmDir = join(cargoTargetDir(), 'wasm32-unknown-unknown');
  const coreWasm = join(wasmDir, 'web-core', 'refundkit.wasm');
  const fallbackWasm = join(wasmDir, 'release', 'refundkit_rsa_fallback.wasm');
  run('cargo', ['build', '--profile', 'web-core', '--no-default-features', ...target, '-p', 'refundkit']);
  run('cargo', ['build', '--release', ...target, '-p', 'refundkit-rsa-fallback']);
  for (const [glue, dir] of [['nodejs', 'pkg/node'], ['web', 'pkg/web']]) {
    rmSync(join(root, dir), { recursive: true, force: true });
    run('wasm-bindgen', ['--target', glue, '--out-dir', dir, ...BINDGEN_FLAGS, coreWasm]);
  }
  // Only the glue differs between the two targets; the Node glue loads the web copy (writeEntrySupport).
  const nodeCopy = join(root, 'pkg', 'node', 'refundkit_bg.wasm');
  const webCopy = join(root, 'pkg', 'web', 'refundkit_bg.wasm');
  if (!readFileSync(nodeCopy).equals(readFileSync(webCopy))) {
    throw new Error('wasm-bindgen wrote different modules for the Node and web glue: the package cannot share one');
  }
  rmSync(join(root, 'pkg', 'fallback'), { recursive: true, force: true });
  run('wasm-bindgen', ['--target', 'web', '--out-dir', 'pkg/fallback', ...BINDGEN_FLAGS, fallbackWasm]);
  if (optimize) {
    run(wasmOpt, [...outOfLineFlags(readFileSync(webCopy)), ...CORE_WASM_OPT_FLAGS, webCopy, '-o', webCopy]);
    const fallback = join(root, 'pkg', 'fallback', 'refundkit_rsa_fallback_bg.wasm');
    run(wasmOpt, [...WASM_OPT_FLAGS, fallback, '-o', fallback]);
  }
  writeFileSync(stampFile, JSON.stringify({ inputs, optimize }));
}

/**
 * Files the entries load from pkg/, written on every build (they cost nothing):
 * - The CommonJS form of js/error.mjs and js/signature.mjs (GLUE_SOURCES), at the end of the Node
 *   glue (pkg/node/refundkit.js), which exports their names: node.cjs cannot import an ES module on
 *   every Node 20, and the browser entries cannot require CommonJS, so they are written once as ESM
 *   and translated here. Inside the glue rather than a file of its own, because each file a fresh process requires costs
 *   it about half a millisecond (docs/performance.md, the fresh-process figure).
 * - pkg/web/package.json, `"type": "module"`: the web glue is an ES module inside a CommonJS package;
 *   without the marker Node and Node-like hosts read it as CommonJS and cannot load it, and webpack
 *   parses it as CommonJS and refuses its `import` and `export`.
 * - The Node glue loads pkg/web/refundkit_bg.wasm, the one copy of the core module.
 * - pkg/inline/core.mjs and pkg/inline/fallback.mjs: each module gzipped, as base64, the default
 *   export, for js/inline.mjs (gzipped first, the inlined core is about half the .wasm's size rather than a third more).
 */
function writeEntrySupport() {
  const sources = GLUE_SOURCES.map((s) => ({ ...s, source: readFileSync(join(root, 'js', s.file), 'utf8') }));
  for (const dir of ['web', 'fallback']) {
    writeFileSync(join(root, 'pkg', dir, 'package.json'), `${JSON.stringify({ type: 'module' })}\n`);
  }
  const nodeGlue = join(root, 'pkg', 'node', 'refundkit.js');
  writeFileSync(nodeGlue, glueWithSources(sharedWasmGlue(readFileSync(nodeGlue, 'utf8')), sources));
  for (const leftover of ['refundkit_bg.wasm', 'refundkit_bg.wasm.d.ts', 'error.cjs']) rmSync(join(root, 'pkg', 'node', leftover), { force: true });
  mkdirSync(join(root, 'pkg', 'inline'), { recursive: true });
  for (const [name, wasm] of [['core', 'web/refundkit_bg.wasm'], ['fallback', 'fallback/refundkit_rsa_fallback_bg.wasm']]) {
    const base64 = gzipSync(readFileSync(join(root, 'pkg', wasm)), { level: constants.Z_BEST_COMPRESSION }).toString('base64');
    writeFileSync(join(root, 'pkg', 'inline', `${name}.mjs`), `// Generated by scripts/build.mjs: pkg/${wasm}, gzipped, as base64.\nexport default '${base64}';\n`);
  }
}

/**
 * wasm-opt's flags that keep CORE_OUT_OF_LINE out of line; they come before the optimization flags,
 * since wasm-opt runs its passes in order. A name the module does not have (a function renamed or
 * removed) stops the build rather than letting the flag match nothing.
 */
export function outOfLineFlags(wasm) {
  const missing = CORE_OUT_OF_LINE.filter((path) => !wasm.includes(Buffer.from(`${path}::h`)));
  if (missing.length) throw new Error(`the core module has no function ${missing.join(', ')}: update CORE_OUT_OF_LINE in scripts/build.mjs`);
  return CORE_OUT_OF_LINE.map((path) => `--no-inline=${path}::h*`);
}

/** The Node glue, reading the core module from pkg/web instead of a copy of its own. Idempotent. */
export function sharedWasmGlue(glue) {
  const own = 'const wasmPath = `${__dirname}/refundkit_bg.wasm`;';
  const shared = "const wasmPath = require('path').join(__dirname, '..', 'web', 'refundkit_bg.wasm');";
  if (glue.includes(shared)) return glue;
  if (glue.split(own).length !== 2) throw new Error('pkg/node/refundkit.js: the line that names the .wasm was not found once');
  return glue.replace(own, shared);
}

/**
 * The ES modules the Node glue carries as CommonJS, and the names each must export, exactly (classes
 * or functions): the error class, and how a signature is written into a request in node:crypto's
 * thread pool. Written once as ESM for the browser entries, which cannot require CommonJS.
 */
export const GLUE_SOURCES = [
  { file: 'error.mjs', names: ['RefundKitError'] },
  { file: 'signature.mjs', names: ['writeSignature', 'threadPoolSigner'] },
];

/** The first line of the copies in the Node glue; everything from it on is rewritten by each build. */
const GLUE_SOURCES_MARK = `// Written by scripts/build.mjs from ${GLUE_SOURCES.map((s) => `js/${s.file}`).join(' and ')}: edit those files.`;

/**
 * The Node glue ending with each of `sources` ({ file, names, source }) as CommonJS, its names
 * exported. A block scopes each file so no name of the glue can clash with it; classes keep their
 * own strict mode. Replaces the copies an earlier build wrote, so the result depends only on the
 * glue and the sources.
 */
export function glueWithSources(glue, sources) {
  const at = glue.indexOf(`\n${GLUE_SOURCES_MARK}\n`);
  const base = at === -1 ? glue.replace(/\n*$/, '\n') : glue.slice(0, at + 1);
  const blocks = sources.map(({ file, names, source }) => {
    const exported = names.map((name) => `exports.${name} = ${name};\n`).join('');
    return `{\n${commonJsSource(file, source, names)}${exported}}\n`;
  });
  return `${base}${GLUE_SOURCES_MARK}\n${blocks.join('')}`;
}

/**
 * js/`file` as CommonJS declarations. It must export exactly `names`, in that order, each as
 * `export class` or `export function`, and import nothing.
 */
export function commonJsSource(file, source, names) {
  const exported = (source.match(/^export\b.*$/gm) ?? []).map((line) => line.match(/^export (?:class|function) ([A-Za-z_$][\w$]*)/)?.[1]);
  if (exported.join() !== names.join() || /^import\b/m.test(source)) {
    throw new Error(`js/${file} must export ${names.join(' and ')} (each a class or a function) and nothing else, and import nothing`);
  }
  return source.replace(/^export (class|function) /gm, '$1 ').replace(/\n*$/, '\n');
}

/** The newest modification time among the files a build depends on. */
function newestInput() {
  let newest = 0;
  const visit = (path) => {
    const stat = statSync(path);
    if (stat.isDirectory()) readdirSync(path).forEach((name) => visit(join(path, name)));
    else newest = Math.max(newest, stat.mtimeMs);
  };
  // The sources, cargo's settings, and this script, whose flags shape the modules as much.
  ['src', 'fallback', 'Cargo.toml', 'Cargo.lock', '.cargo', 'scripts/build.mjs'].forEach((p) => visit(join(root, p)));
  return newest;
}

function isFresh(inputs, optimize) {
  if (!existsSync(stampFile) || !existsSync(join(root, 'pkg', 'web', 'refundkit_bg.wasm'))) return false;
  if (!existsSync(join(root, 'pkg', 'node', 'refundkit.js'))) return false;
  if (!existsSync(join(root, 'pkg', 'fallback', 'refundkit_rsa_fallback_bg.wasm'))) return false;
  const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  return stamp.inputs === inputs && stamp.optimize === optimize;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  build({ force: process.argv.includes('--force'), optimize: !process.argv.includes('--no-opt') });
}
