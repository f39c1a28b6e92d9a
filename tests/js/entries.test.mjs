// The package's entry files: loading one changes nothing on globalThis, each passes its own
// WebCrypto object to the module, every export js/index.d.ts declares exists in every entry (require,
// import, and the browser entry) with the declared kind, and RefundKitError is defined once.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NOW, gateways } from './gateway-doubles.mjs';
import { keys } from './helpers.mjs';
import { GLUE_SOURCES, commonJsSource, glueWithSources } from '../../scripts/build.mjs';
import { cargoTargetDir } from '../../scripts/lib.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const payermaxConfig = {
  gateway: 'payermax',
  environment: 'sandbox',
  privateKey: keys.merchantPrivate,
  gatewayPublicKey: keys.gatewayPublic,
  ...gateways.payermax.config,
};

/** Runs `script` (an ES module) in a fresh Node from the package root; returns what it printed as JSON. */
function inChild(script) {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout);
}

/** A script that snapshots globalThis, runs `body`, and prints every own property that changed.
 * Node defines some globals (TextDecoder, CryptoKey) as getters that turn into plain values when
 * first read; each is read once before the snapshot so that this does not count as a change. */
const globalsAround = (before, body) => `
  ${before}
  for (const key of Reflect.ownKeys(globalThis)) void globalThis[key];
  const snapshot = () => new Map(Reflect.ownKeys(globalThis).map((k) => [k, Object.getOwnPropertyDescriptor(globalThis, k)]));
  const same = (a, b) => ['value', 'get', 'set', 'writable', 'enumerable', 'configurable'].every((f) => Object.is(a[f], b[f]));
  const was = snapshot();
  ${body}
  const now = snapshot();
  const changed = [...new Set([...was.keys(), ...now.keys()])]
    .filter((k) => !was.has(k) || !now.has(k) || !same(was.get(k), now.get(k)))
    .map(String);
  console.log(JSON.stringify(changed));`;

const useThePackage = `
  const client = new rk.RefundClient(${JSON.stringify(payermaxConfig)});
  await client.buildRefundAsync(${JSON.stringify(gateways.payermax.input)}, { now: ${NOW} });
  client.buildRefund(${JSON.stringify(gateways.payermax.input)}, { now: ${NOW} });`;

test('requiring or importing the package, and signing with it, changes no property of globalThis', () => {
  const load = {
    require: `const rk = (await import('node:module')).createRequire(${JSON.stringify(root)})('refundkit');`,
    import: `const rk = await import('refundkit');`,
  };
  for (const [how, loading] of Object.entries(load)) {
    assert.deepEqual(inChild(globalsAround('', `${loading} ${useThePackage}`)), [], how);
  }
});

test('on a runtime without a global crypto, loading the package does not add one', () => {
  const withoutCrypto = `delete globalThis.crypto;`;
  for (const loading of [`(await import('node:module')).createRequire(${JSON.stringify(root)})('refundkit');`, `await import('refundkit');`]) {
    assert.deepEqual(inChild(globalsAround(withoutCrypto, loading)), [], loading);
  }
});

test('signing and verifying go through node:crypto, whatever globalThis.crypto is', () => {
  const out = inChild(`
    const nodeCrypto = await import('node:crypto');
    const calls = { sign: 0, verify: 0 };
    for (const name of ['sign', 'verify']) {
      const real = nodeCrypto.default[name];
      nodeCrypto.default[name] = function (...args) { calls[name] += 1; return real.apply(this, args); };
    }
    // The global loses subtle: nothing here may depend on it.
    Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: (a) => nodeCrypto.webcrypto.getRandomValues(a) }, configurable: true });
    const rk = await import('refundkit');
    const client = new rk.RefundClient(${JSON.stringify(payermaxConfig)});
    const made = { ...calls };
    const input = ${JSON.stringify(gateways.payermax.input)};
    const viaAsync = await client.buildRefundAsync(input, { now: ${NOW} });
    const same = JSON.stringify(viaAsync) === JSON.stringify(client.buildRefund(input, { now: ${NOW} }));
    console.log(JSON.stringify({ made, signed: calls.sign - made.sign, same }));`);
  // One signature per build, through node:crypto.
  assert.deepEqual(out, { made: { sign: 0, verify: 0 }, signed: 2, same: true });
});

test("a client that signs with node:crypto never loads node:crypto's WebCrypto; one given a CryptoKey still signs with it", () => {
  const out = inChild(`
    const webcryptoLoaded = () => process.moduleLoadList.some((m) => m.includes('internal/crypto/webcrypto'));
    const rk = await import('refundkit');
    const input = ${JSON.stringify(gateways.payermax.input)};
    const client = new rk.RefundClient(${JSON.stringify(payermaxConfig)});
    const signed = client.buildRefund(input, { now: ${NOW} });
    const loadedBySigning = webcryptoLoaded();
    const nodeCrypto = await import('node:crypto');
    const der = nodeCrypto.createPrivateKey(${JSON.stringify(keys.merchantPrivate)}).export({ type: 'pkcs8', format: 'der' });
    const privateKey = await nodeCrypto.webcrypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
    const withKey = await new rk.RefundClient({ ...${JSON.stringify(payermaxConfig)}, privateKey }).buildRefundAsync(input, { now: ${NOW} });
    console.log(JSON.stringify({ loadedBySigning, same: JSON.stringify(withKey) === JSON.stringify(signed) }));`);
  assert.deepEqual(out, { loadedBySigning: false, same: true });
});

test('given a crypto without subtle, node:crypto still signs the same bytes and a CryptoKey is refused', async () => {
  const rk = require('refundkit');
  const glue = require('../../pkg/node/refundkit.js');
  const input = gateways.payermax.input;
  const der = require('node:crypto').createPrivateKey(keys.merchantPrivate).export({ type: 'pkcs8', format: 'der' });
  const cryptoKey = await webcrypto.subtle.importKey('pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  const realSign = webcrypto.subtle.sign;
  let signed = 0;
  webcrypto.subtle.sign = function (...args) {
    signed += 1;
    return realSign.apply(this, args);
  };
  // What a browser page on an insecure origin has.
  glue.__useCrypto({ getRandomValues: (a) => webcrypto.getRandomValues(a) });
  try {
    const client = new rk.RefundClient(payermaxConfig);
    assert.deepEqual(await client.buildRefundAsync(input, { now: NOW }), client.buildRefund(input, { now: NOW }));
    assert.equal(signed, 0, 'WebCrypto was not used');
    await assert.rejects(new rk.RefundClient({ ...payermaxConfig, privateKey: cryptoKey }).buildRefundAsync(input, { now: NOW }), (e) =>
      e instanceof rk.RefundKitError && e.code === 'CONFIG_INVALID' && e.field === 'privateKey' && /crypto\.subtle/.test(e.message));
  } finally {
    glue.__useCrypto(webcrypto);
    delete webcrypto.subtle.sign;
  }
  assert.equal(webcrypto.subtle.sign, realSign);
});

/**
 * A script that loads the browser entry (`entry`, a file of js/) from disk, counts the package's
 * WebAssembly modules instantiated and WebCrypto's and node:crypto's signatures, runs `init(undefined,
 * initOptions)` and builds PayerMax's refund sync and async; it prints what each gave and the counts.
 */
const browserEntryInNode = (entry, initOptions, before = '') => `
  ${before}
  const nodeCrypto = (await import('node:crypto')).default;
  const calls = { instantiated: 0, webCryptoSign: 0, nodeSign: 0 };
  const realInstantiate = WebAssembly.instantiate;
  // The package's own (Node's fetch instantiates one of its own, lazily).
  WebAssembly.instantiate = function (...args) {
    if (new Error().stack.includes('/pkg/')) calls.instantiated += 1;
    return realInstantiate.apply(this, args);
  };
  const realSubtleSign = globalThis.crypto.subtle.sign;
  globalThis.crypto.subtle.sign = function (...args) { calls.webCryptoSign += 1; return realSubtleSign.apply(this, args); };
  const realNodeSign = nodeCrypto.sign;
  nodeCrypto.sign = function (...args) { calls.nodeSign += 1; return realNodeSign.apply(this, args); };
  const rk = await import(${JSON.stringify(pathToFileURL(root).href)} + 'js/${entry}');
  await rk.init(undefined, ${JSON.stringify(initOptions)});
  const client = new rk.RefundClient(${JSON.stringify(payermaxConfig)});
  const input = ${JSON.stringify(gateways.payermax.input)};
  const outcome = (build) => { try { return build(); } catch (e) { return { code: e.code, field: e.field }; } };
  const sync = outcome(() => client.buildRefund(input, { now: ${NOW} }));
  const async = await client.buildRefundAsync(input, { now: ${NOW} });
  console.log(JSON.stringify({ sync, async, calls }));`;

test('the browser entries run by Node sign with node:crypto, as the Node entry does: no fallback module, no WebCrypto', () => {
  const expected = require('refundkit').RefundClient;
  const signed = new expected(payermaxConfig).buildRefund(gateways.payermax.input, { now: NOW });
  for (const entry of ['web.mjs', 'inline.mjs']) {
    for (const initOptions of [{}, { syncSigning: true }]) {
      const out = inChild(browserEntryInNode(entry, initOptions));
      assert.deepEqual(out.sync, signed, `${entry} ${JSON.stringify(initOptions)}: the synchronous build needs no fallback`);
      assert.deepEqual(out.async, signed, `${entry} ${JSON.stringify(initOptions)}`);
      // One module (the core), and both signatures by node:crypto.
      assert.deepEqual(out.calls, { instantiated: 1, webCryptoSign: 0, nodeSign: 2 }, `${entry} ${JSON.stringify(initOptions)}`);
    }
  }
});

test('a browser entry on a host without node:crypto (Node before 20.16, a page with a process shim) signs with WebCrypto and loads the fallback on request', () => {
  const expected = require('refundkit').RefundClient;
  const signed = new expected(payermaxConfig).buildRefund(gateways.payermax.input, { now: NOW });
  const hidden = 'delete process.getBuiltinModule;';
  for (const host of [hidden, 'process.getBuiltinModule = () => { throw new Error("no such module"); };', 'process.getBuiltinModule = () => ({});']) {
    const plain = inChild(browserEntryInNode('inline.mjs', {}, host));
    assert.deepEqual(plain.sync, { code: 'CONFIG_INVALID', field: 'privateKey' }, `${host} synchronous signing asks for the fallback`);
    assert.deepEqual(plain.async, signed, host);
    assert.deepEqual(plain.calls, { instantiated: 1, webCryptoSign: 1, nodeSign: 0 }, host);
  }
  const withFallback = inChild(browserEntryInNode('inline.mjs', { syncSigning: true }, hidden));
  assert.deepEqual(withFallback.sync, signed);
  assert.deepEqual(withFallback.async, signed);
  assert.deepEqual(withFallback.calls, { instantiated: 2, webCryptoSign: 1, nodeSign: 0 });
});

/** Every exported function, class and const in js/index.d.ts, with its kind. */
function declaredExports() {
  const text = readFileSync(new URL('../../js/index.d.ts', import.meta.url), 'utf8');
  assert.doesNotMatch(text, /^export\s*(\{|\*|default)/m, 'an export form this test does not read');
  const declared = [...text.matchAll(/^export\s+(?:declare\s+)?(function|class|const|let)\s+([A-Za-z_$][\w$]*)/gm)].map(([, kind, name]) => ({ kind, name }));
  assert.ok(declared.length >= 7, `only ${declared.length} exports found`);
  return declared;
}

/** The kind an exported value has: a class, a function, or a value. */
function kindOf(value) {
  if (typeof value !== 'function') return value === undefined ? 'missing' : 'const';
  return /^class\b/.test(Function.prototype.toString.call(value)) ? 'class' : 'function';
}

/** The web entry, loaded in Node with the wasm bytes handed to init(). */
async function webEntry() {
  const web = await import(pathToFileURL(`${root}js/web.mjs`).href);
  await web.init(readFileSync(`${root}pkg/web/refundkit_bg.wasm`));
  return web;
}

/** The entry with the modules inlined, loaded in Node with no argument to init(). */
async function inlineEntry() {
  const inline = await import(pathToFileURL(`${root}js/inline.mjs`).href);
  await inline.init();
  return inline;
}

test('every export js/index.d.ts declares exists with its kind in the require, import, browser and inline entries, and no other', async () => {
  const declared = declaredExports();
  const entries = { require: require('refundkit'), import: await import('refundkit'), web: await webEntry(), inline: await inlineEntry() };
  for (const [entry, module] of Object.entries(entries)) {
    for (const { kind, name } of declared) {
      const declaredKind = kind === 'let' ? 'const' : kind;
      assert.equal(kindOf(module[name]), declaredKind, `${entry}: ${name}`);
    }
    const exported = Object.keys(module).filter((name) => name !== 'default');
    assert.deepEqual(exported.sort(), declared.map((d) => d.name).sort(), `${entry} exports exactly the declared names`);
  }
});

test('the browser entry works: it signs and throws its RefundKitError', async () => {
  const web = await webEntry();
  const client = new web.RefundClient(payermaxConfig);
  const signed = await client.buildRefundAsync(gateways.payermax.input, { now: NOW });
  const viaNode = new (require('refundkit').RefundClient)(payermaxConfig);
  assert.deepEqual(signed, viaNode.buildRefund(gateways.payermax.input, { now: NOW }));
  assert.throws(() => new web.RefundClient({ gateway: 'nope' }), (e) => e instanceof web.RefundKitError && e.code === 'CONFIG_INVALID');
  await assert.rejects(web.generateKeyPair('2048'), (e) => e instanceof web.RefundKitError && e.field === 'bits');
});

test('RefundKitError is defined once, in js/error.mjs, and every entry uses that definition', async () => {
  const definitions = readdirSync(`${root}js`)
    .filter((f) => !f.endsWith('.d.ts'))
    .filter((f) => /class\s+RefundKitError\b/.test(readFileSync(`${root}js/${f}`, 'utf8')));
  assert.deepEqual(definitions, ['error.mjs']);
  const source = await import(pathToFileURL(`${root}js/error.mjs`).href);
  const cjs = require('refundkit');
  const esm = await import('refundkit');
  assert.equal(esm.RefundKitError, cjs.RefundKitError, 'import and require share one class');
  assert.equal((await webEntry()).RefundKitError, source.RefundKitError, 'the browser entry imports js/error.mjs');
  assert.equal(String(cjs.RefundKitError), String(source.RefundKitError), "the Node entries' class is js/error.mjs's text");
  const glue = readFileSync(`${root}pkg/node/refundkit.js`, 'utf8');
  assert.ok(glue.includes(commonJsSource('error.mjs', readFileSync(`${root}js/error.mjs`, 'utf8'), ['RefundKitError'])), 'the Node glue carries js/error.mjs');
  let thrown;
  try {
    new cjs.RefundClient({ gateway: 'nope' });
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof esm.RefundKitError, 'errors from wasm are instances of the class');
});

test('how a signature is written into a request is defined once, in js/signature.mjs, and the Node glue carries it', () => {
  const writers = readdirSync(`${root}js`)
    .filter((f) => !f.endsWith('.d.ts'))
    .filter((f) => /body\.slice\(0, at\)|\.sign\(algorithm, data, key,/.test(readFileSync(`${root}js/${f}`, 'utf8')));
  assert.deepEqual(writers, ['signature.mjs']);
  const glue = readFileSync(`${root}pkg/node/refundkit.js`, 'utf8');
  const { names } = GLUE_SOURCES.find((s) => s.file === 'signature.mjs');
  assert.ok(glue.includes(commonJsSource('signature.mjs', readFileSync(`${root}js/signature.mjs`, 'utf8'), names)), 'the Node glue carries js/signature.mjs');
  assert.equal(typeof require('../../pkg/node/refundkit.js').threadPoolSigner, 'function');
});

test('the build writes its sources into the Node glue once, replacing the copies of an earlier build', () => {
  const glue = "exports.x = 1;\nconst wasm = 'glue';\n";
  const sources = (base) => [
    { file: 'error.mjs', names: ['RefundKitError'], source: `export class RefundKitError extends ${base} {}\n` },
    { file: 'two.mjs', names: ['one', 'two'], source: 'export function one() {\n  return 1;\n}\nexport function two() {\n  return one() + 1;\n}\n' },
  ];
  const first = glueWithSources(glue, sources('Error'));
  assert.ok(first.startsWith(glue));
  const exported = { exports: {} };
  new Function('exports', first)(exported.exports);
  assert.equal(exported.exports.x, 1);
  assert.ok(new exported.exports.RefundKitError() instanceof Error);
  assert.equal(exported.exports.two(), 2);
  assert.equal(glueWithSources(first, sources('Error')), first, 'rebuilding changes nothing');
  const changed = glueWithSources(first, sources('TypeError'));
  assert.equal(changed, glueWithSources(glue, sources('TypeError')), 'a changed class replaces the old copy');
  assert.equal(changed.match(/class RefundKitError/g).length, 1);
  assert.equal(changed.match(/function two/g).length, 1);
});

test('the build refuses a source it cannot translate to exactly the CommonJS names it must export', () => {
  const good = 'export class RefundKitError extends Error {}\n';
  assert.equal(commonJsSource('error.mjs', good, ['RefundKitError']), 'class RefundKitError extends Error {}\n');
  for (const bad of [
    `${good}export const other = 1;\n`,
    `${good}export function other() {}\n`,
    `import './x.mjs';\n${good}`,
    'export class Other extends Error {}\n',
    'export default class RefundKitError extends Error {}\n',
    '',
  ]) {
    assert.throws(() => commonJsSource('error.mjs', bad, ['RefundKitError']), /js\/error\.mjs must export RefundKitError \(each a class or a function\)/);
  }
});

test("the build reads cargo's output where cargo writes it: CARGO_TARGET_DIR, absolute or relative to the project", () => {
  // A CI cache or a shared build directory often sets CARGO_TARGET_DIR; the build used to look in
  // target/ whatever it said, and failed on a module cargo had written elsewhere.
  const elsewhere = join(tmpdir(), 'refundkit-cargo-target');
  assert.equal(cargoTargetDir({ ...process.env, CARGO_TARGET_DIR: elsewhere }), elsewhere);
  assert.equal(cargoTargetDir({ ...process.env, CARGO_TARGET_DIR: 'build/cargo' }), join(root, 'build', 'cargo'));
});
