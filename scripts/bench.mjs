// The benchmark: what the library costs next to the platform's own RSA doing the same work on the
// same bytes, on both of its roads: the Node entry (node:crypto for every RSA operation, the async
// calls in its thread pool; the browser entry takes the same road where Node runs it) and the
// browser entry as browsers run it (WebCrypto for async signing, the RSA fallback module for
// synchronous signing, Rust for verification), measured in Node and in Chromium
// (bench/chromium.mjs), its targets judged in Chromium, where it runs. One Node process for
// everything but the fresh-process and cold-load measurements (which need fresh processes) and the
// Chromium rows (one tab). Each comparison runs its candidates interleaved, one call of each per
// round, so a burst of load on a shared machine hits all of them alike; figures are medians.
//
// Usage: node scripts/bench.mjs [--json [file]] [--rounds N] [--quick] [--no-chromium]
//   --json         also write the results as JSON (default file: bench/results.json)
//   --rounds N     timed rounds per comparison (default 200; RSA signing in wasm is the slow one)
//   --quick        40 rounds, for a smoke run
//   --no-chromium  leave out the Chromium rows (which need Debian's chromium and the pinned
//                  playwright-core that scripts/runtimes.mjs installs)
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { root } from './lib.mjs';
import { keys, scenarios } from '../bench/gateways.mjs';
import { hostileRows } from '../bench/hostile.mjs';
import { chromiumLauncher, timeInChromium } from '../bench/chromium.mjs';
import { median, race as raceWith } from '../bench/race.mjs';
import { initWithoutNodeCrypto } from '../tests/js/helpers.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : true;
};
const ROUNDS = args.includes('--quick') ? 40 : Number(option('--rounds') ?? 200);
const WARMUP = Math.max(10, Math.round(ROUNDS / 5));
const jsonOption = option('--json');
const jsonFile = jsonOption === undefined ? null : jsonOption === true ? join(root, 'bench', 'results.json') : jsonOption;

if (!existsSync(join(root, 'pkg', 'web', 'refundkit_bg.wasm'))) {
  console.error('pkg/ is missing: run `npm run build` first');
  process.exit(1);
}
const { RefundClient } = await import('refundkit');
// The browser entry's browser roads, measured in Node: run by Node 20.16 and later it signs and
// verifies with node:crypto, as the Node entry does, so it is started here as a browser (or an
// older Node) starts it, with no node:crypto to find.
const web = await import('../js/web.mjs');
await initWithoutNodeCrypto(web.init, readFileSync(join(root, 'pkg', 'web', 'refundkit_bg.wasm')), {
  syncSigning: true,
  fallbackModuleOrPath: readFileSync(join(root, 'pkg', 'fallback', 'refundkit_rsa_fallback_bg.wasm')),
});
const subtle = globalThis.crypto.subtle;
const TARGETS = {
  syncBuildVsNodeSign: 1.2,
  asyncBuildVsWebCrypto: 1.15,
  verifyParseVsNodeVerify: 3,
  freshProcessVsNode: 10,
  browserModuleGzipBytes: 160 * 1024,
  /** Synchronous signing in the browser "no slower than before": the rsa crate in the one wasm
   * module of the previous builds signed in 5.0-6.3 ms here (6.2-6.3 ms in the same conditions as
   * the current rows; docs/performance.md has the runs). */
  fallbackSignMs: 6.3,
  instantiateMs: 10,
};

// ------------------------------------------------------------------------------------------------
// Timing

const now = () => Number(process.hrtime.bigint()) / 1e6;

/** `race` of bench/race.mjs on Node's high-resolution clock, one call per sample. */
const race = (candidates) => raceWith(candidates, { rounds: ROUNDS, warmup: WARMUP, now });

// ------------------------------------------------------------------------------------------------
// The platform's RSA on the same bytes

const rsa = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
const nodeMerchantKey = crypto.createPrivateKey(keys.merchantPrivatePem);
const nodeGatewayKey = crypto.createPublicKey(keys.gatewayPublicPem);
const merchantDer = Buffer.from(keys.merchantPrivate, 'base64');
const gatewayDer = Buffer.from(keys.gatewayPublic, 'base64');
const webMerchantKey = await subtle.importKey('pkcs8', merchantDer, rsa, false, ['sign']);
const webGatewayKey = await subtle.importKey('spki', gatewayDer, rsa, false, ['verify']);

const nodeSign = (bytes) => crypto.sign('sha256', Buffer.from(bytes), nodeMerchantKey).toString('base64');
/** node:crypto's sign in its callback form, which runs in the thread pool, as a promise. */
const nodeSignInPool = (bytes) =>
  new Promise((resolve, reject) => {
    crypto.sign('sha256', Buffer.from(bytes), nodeMerchantKey, (error, signature) =>
      error ? reject(error) : resolve(signature.toString('base64')),
    );
  });
const nodeVerify = (bytes, sig) => crypto.verify('sha256', Buffer.from(bytes), nodeGatewayKey, Buffer.from(sig, 'base64'));
const webSign = async (bytes) =>
  Buffer.from(await subtle.sign(rsa, webMerchantKey, Buffer.from(bytes))).toString('base64');
const webVerify = (bytes, sig) => subtle.verify(rsa, webGatewayKey, Buffer.from(sig, 'base64'), Buffer.from(bytes));

// ------------------------------------------------------------------------------------------------
// The rows

const rows = [];
const notes = [];
const row = (group, gateway, operation, refundkit, baselines, extra = {}) =>
  rows.push({ group, gateway, operation, refundkitMs: refundkit, ...baselines, ...extra });

const available = [];
for (const s of scenarios()) {
  try {
    s.client = new RefundClient(s.config);
    available.push(s);
  } catch (error) {
    // Only a gateway that is not in this build is skipped; any other config error is a bench bug.
    if (error.code !== 'CONFIG_INVALID' || error.field !== 'gateway') throw error;
    notes.push(`${s.id}: skipped, not in this build (${error.message})`);
  }
}
if (available.length === 0) {
  console.error('no gateway is available in this build');
  process.exit(1);
}
log(`gateways: ${available.map((s) => s.id).join(', ')}; ${ROUNDS} rounds after ${WARMUP} warm-up rounds`);

// Key import: a client parses the merchant private key and the gateway public key once.
{
  const s = available[0];
  const r = await race({
    refundkit: () => new RefundClient(s.config).free(),
    node: () => {
      crypto.createPrivateKey({ key: merchantDer, format: 'der', type: 'pkcs8' });
      crypto.createPublicKey({ key: gatewayDer, format: 'der', type: 'spki' });
    },
    webcrypto: () =>
      Promise.all([
        subtle.importKey('pkcs8', merchantDer, rsa, false, ['sign']),
        subtle.importKey('spki', gatewayDer, rsa, false, ['verify']),
      ]),
  });
  row('keys', s.id, 'new RefundClient (private + public key import)', r.refundkit, { nodeMs: r.node, webcryptoMs: r.webcrypto });
}

/** The builds timed: the synchronous one, its async twin and the scenario's field it takes. */
const BUILDS = [
  ['buildRefund', 'buildRefundAsync', 'input'],
  ['buildRefundQuery', 'buildRefundQueryAsync', 'query'],
];

for (const s of available) {
  const opts = { now: s.now };
  const browser = new web.RefundClient(s.config);
  for (const [build, buildAsync, field] of BUILDS) {
    const arg = s[field];
    const request = s.client[build](arg, opts);
    const bytes = s.signedBytes(request);
    // Same bytes, same signature: the comparison is fair only if both sides sign the same message.
    if (nodeSign(bytes) !== s.signatureOf(request)) throw new Error(`${s.id} ${build}: signed bytes not reproduced`);
    if (JSON.stringify(browser[build](arg, opts)) !== JSON.stringify(request)) throw new Error(`${s.id} ${build}: the roads differ`);
    // A race per road: whatever runs right after a synchronous RSA sign in wasm is measured slower
    // on this machine, and work after an event-loop wait slows with the amount of other code run
    // in between, so each road is timed beside its own baselines only, as a program uses one entry.
    const nodeAsync = await race({
      async: () => s.client[buildAsync](arg, opts),
      webcrypto: () => webSign(bytes),
      nodePool: () => nodeSignInPool(bytes),
    });
    const r = {
      ...(await race({ sync: () => s.client[build](arg, opts), node: () => nodeSign(bytes) })),
      ...(await race({ async: () => browser[buildAsync](arg, opts), webcrypto: () => webSign(bytes) })),
      ...(await race({ fallback: () => browser[build](arg, opts) })),
    };
    row('build', s.id, `${build} (Node entry: node:crypto)`, r.sync, { nodeMs: r.node, webcryptoMs: r.webcrypto }, {
      ratio: r.sync / r.node,
      against: 'node',
      target: TARGETS.syncBuildVsNodeSign,
    });
    row('build', s.id, `${buildAsync} (Node entry: node:crypto thread pool)`, nodeAsync.async, { nodeMs: nodeAsync.nodePool, webcryptoMs: nodeAsync.webcrypto }, {
      ratio: nodeAsync.async / nodeAsync.webcrypto,
      against: 'webcrypto',
      target: TARGETS.asyncBuildVsWebCrypto,
      // The same work's own baseline: node:crypto's sign in the thread pool, bare.
      ratioToNodePool: nodeAsync.async / nodeAsync.nodePool,
    });
    // The browser road timed in Node, for comparison: its targets are judged where it runs, in
    // Chromium (below). No server runtime takes it but a Node before 20.16 (22.3 on the 22 line)
    // given a browser entry; a Node program takes the package root, the roads above.
    row('build', s.id, `${buildAsync} (browser entry: WebCrypto)`, r.async, { nodeMs: r.node, webcryptoMs: r.webcrypto }, {
      ratio: r.async / r.webcrypto,
      against: 'webcrypto',
      judgedIn: 'Chromium',
    });
    row('build', s.id, `${build} (browser entry: RSA fallback module)`, r.fallback, {}, { judgedIn: 'Chromium' });
  }

  {
    const hasRsa = s.responseBytes !== null;
    const r = await race({
      refundkit: () => s.client.parseRefundResponse(s.response),
      browser: () => browser.parseRefundResponse(s.response),
      ...(hasRsa && {
        node: () => nodeVerify(s.responseBytes, s.responseSignature),
        webcrypto: () => webVerify(s.responseBytes, s.responseSignature),
      }),
    });
    if (hasRsa) {
      row('verify', s.id, 'parseRefundResponse (Node entry: node:crypto)', r.refundkit, { nodeMs: r.node, webcryptoMs: r.webcrypto }, {
        ratio: r.refundkit / r.node,
        against: 'node',
        target: TARGETS.verifyParseVsNodeVerify,
      });
      row('verify', s.id, 'parseRefundResponse (browser entry: Rust)', r.browser, { nodeMs: r.node, webcryptoMs: r.webcrypto }, {
        ratio: r.browser / r.node,
        against: 'node',
      });
    } else {
      row('verify', s.id, 'parseRefundResponse (unsigned by the gateway: parse only)', r.refundkit, {});
    }
  }

  {
    const r = await race({
      refundkit: () => s.client.verifyNotification(s.notification, { now: s.now }),
      browser: () => browser.verifyNotification(s.notification, { now: s.now }),
      node: () => nodeVerify(s.notificationBytes, s.notificationSignature),
      webcrypto: () => webVerify(s.notificationBytes, s.notificationSignature),
    });
    row('verify', s.id, 'verifyNotification (Node entry: node:crypto)', r.refundkit, { nodeMs: r.node, webcryptoMs: r.webcrypto }, {
      ratio: r.refundkit / r.node,
      against: 'node',
      target: TARGETS.verifyParseVsNodeVerify,
    });
    row('verify', s.id, 'verifyNotification (browser entry: Rust)', r.browser, { nodeMs: r.node, webcryptoMs: r.webcrypto }, {
      ratio: r.browser / r.node,
      against: 'node',
    });
  }
  browser.free();
}

// ------------------------------------------------------------------------------------------------
// The browser entry in Chromium: WebCrypto there signs in its own time, and the fallback runs in the
// engine users run it in.

/** The Chromium launcher, or null (with a note) where the rows are not wanted or cannot run here. */
function chromiumOrNote() {
  if (args.includes('--no-chromium')) {
    notes.push('Chromium rows left out (--no-chromium)');
    return null;
  }
  try {
    return chromiumLauncher();
  } catch (error) {
    notes.push(`Chromium rows left out: ${error.message}`);
    return null;
  }
}

let chromiumUserAgent = null;
const launcher = chromiumOrNote();
if (!launcher) {
  notes.push("the browser road's targets are judged in Chromium: not judged in this run");
} else {
  const chromium = await timeInChromium({
    chromium: launcher,
    root,
    merchantPrivate: keys.merchantPrivate,
    rounds: ROUNDS,
    warmup: WARMUP,
    scenarios: available.map((s) => ({
      id: s.id,
      config: s.config,
      now: s.now,
      operations: BUILDS.map(([build, buildAsync, field]) => {
        const request = s.client[build](s[field], { now: s.now });
        return { build, buildAsync, arg: s[field], request, bytes: Buffer.from(s.signedBytes(request)).toString('base64') };
      }),
    })),
  });
  chromiumUserAgent = chromium.userAgent;
  for (const r of chromium.results) {
    row('chromium', r.gateway, `${r.buildAsync} (browser entry in Chromium: WebCrypto)`, r.async, { webcryptoMs: r.webcrypto }, {
      ratio: r.async / r.webcrypto,
      against: 'webcrypto',
      target: TARGETS.asyncBuildVsWebCrypto,
    });
    row('chromium', r.gateway, `${r.build} (browser entry in Chromium: RSA fallback module)`, r.fallback, {}, {
      absoluteTargetMs: TARGETS.fallbackSignMs,
    });
  }
}

// ------------------------------------------------------------------------------------------------
// Hostile bodies at the default limit (1 MiB): the worst an unsigned message can cost

/** Median of a few sequential runs: each call here takes milliseconds, and there is nothing to interleave. */
const timeMedian = (fn, runs = 5) => {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    fn();
    times.push(now() - t0);
  }
  return median(times);
};
const DEFAULT_MAX_BODY_BYTES = 1 << 20;
const hostile = hostileRows(
  available.map((s) => ({ id: s.id, client: s.client })),
  DEFAULT_MAX_BODY_BYTES,
  timeMedian,
);

// ------------------------------------------------------------------------------------------------
// Sizes and loading

const sizes = [
  { file: 'pkg/web/refundkit_bg.wasm', what: 'the core module: browsers (default), and Node through its glue', target: TARGETS.browserModuleGzipBytes },
  { file: 'pkg/fallback/refundkit_rsa_fallback_bg.wasm', what: 'RSA fallback, loaded on request' },
].map((size) => {
  const bytes = readFileSync(join(root, size.file));
  return { ...size, rawBytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
});

/**
 * A fresh process that loads the package, makes a client and signs one refund, against one that
 * loads node:crypto's key and signs the same bytes: the cost a short-lived script or a cold
 * serverless function pays. Interleaved, median of `runs` each.
 *
 * Both processes start their clock with node:crypto already loaded. `node -e` loads it before the
 * first line of any script whose text names `crypto` (Node's eval entry,
 * lib/internal/main/eval_string.js, wraps such a script in `(crypto => {...})(require('node:crypto'))`),
 * so the baseline's 3–4 ms load of node:crypto falls outside its clock. The package's script
 * requires node:crypto before its clock too, so both time the same work: the package against
 * the key import and sign alone.
 */
function freshProcess(runs = 15) {
  const s = available.find((x) => x.id === 'payermax');
  const request = s.client.buildRefund(s.input, { now: s.now });
  const scripts = {
    refundkit: `require('node:crypto');
      const t0 = performance.now();
      const { RefundClient } = require(${JSON.stringify(root)});
      new RefundClient(${JSON.stringify(s.config)}).buildRefund(${JSON.stringify(s.input)}, { now: ${s.now} });
      console.log(performance.now() - t0);`,
    node: `const t0 = performance.now();
      const crypto = require('node:crypto');
      const key = crypto.createPrivateKey({ key: Buffer.from(${JSON.stringify(keys.merchantPrivate)}, 'base64'), format: 'der', type: 'pkcs8' });
      crypto.sign('sha256', Buffer.from(${JSON.stringify(request.body)}), key).toString('base64');
      console.log(performance.now() - t0);`,
  };
  const times = { refundkit: [], node: [] };
  for (let i = 0; i < runs; i++) {
    for (const kind of i % 2 ? ['node', 'refundkit'] : ['refundkit', 'node']) {
      const out = spawnSync(process.execPath, ['-e', scripts[kind]], { encoding: 'utf8', cwd: root });
      if (out.status !== 0) throw new Error(`fresh process (${kind}) failed: ${out.stderr}`);
      times[kind].push(Number(out.stdout.trim()));
    }
  }
  const refundkit = median(times.refundkit);
  const node = median(times.node);
  return { refundkitMs: refundkit, nodeMs: node, ratio: refundkit / node, target: TARGETS.freshProcessVsNode };
}
const fresh = freshProcess();

/** Fresh processes, so nothing is cached: read the .wasm, compile, instantiate, run the glue. */
function coldLoad(kind, runs = 15) {
  const scripts = {
    node: `const t0 = performance.now(); require(${JSON.stringify(join(root, 'pkg', 'node', 'refundkit.js'))}); console.log(performance.now() - t0);`,
    // The web glue is an ES module meant for browsers; compile and instantiate its .wasm directly,
    // with stand-in imports (nothing runs at instantiation).
    web: `const bytes = require('node:fs').readFileSync(${JSON.stringify(join(root, 'pkg', 'web', 'refundkit_bg.wasm'))});
      const t0 = performance.now();
      WebAssembly.compile(bytes).then(async (module) => {
        const imports = {};
        for (const i of WebAssembly.Module.imports(module)) {
          if (i.kind !== 'function') throw new Error('unexpected import kind ' + i.kind);
          (imports[i.module] ??= {})[i.name] = () => { throw new Error('not available'); };
        }
        await WebAssembly.instantiate(module, imports);
        console.log(performance.now() - t0);
      });`,
  };
  const times = [];
  for (let i = 0; i < runs; i++) {
    const out = spawnSync(process.execPath, ['-e', scripts[kind]], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`cold load (${kind}) failed: ${out.stderr}`);
    times.push(Number(out.stdout.trim()));
  }
  return median(times);
}
const instantiation = [
  { build: 'pkg/node (require: read + compile + instantiate)', ms: coldLoad('node'), target: TARGETS.instantiateMs },
  { build: 'pkg/web (WebAssembly.compile + instantiate from bytes)', ms: coldLoad('web'), target: TARGETS.instantiateMs },
];

// ------------------------------------------------------------------------------------------------
// Report

const machine = {
  node: process.version,
  v8: process.versions.v8,
  openssl: process.versions.openssl,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  chromium: chromiumUserAgent,
  loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
  date: new Date().toISOString(),
  rounds: ROUNDS,
  warmup: WARMUP,
};

const ms = (x) => (x === undefined ? '-' : x < 0.1 ? x.toFixed(4) : x.toFixed(3));
const verdict = (value, target) => (value <= target ? 'met' : 'NOT met');

log('');
log(table(
  ['gateway', 'operation', 'refundkit ms', 'node:crypto ms', 'WebCrypto ms', 'ratio', 'target'],
  rows.map((r) => [
    r.gateway,
    r.operation,
    ms(r.refundkitMs),
    ms(r.nodeMs),
    ms(r.webcryptoMs),
    r.ratio === undefined
      ? '-'
      : `${r.ratio.toFixed(2)}x ${r.against === 'node' ? 'node' : 'WebCrypto'}` +
        (r.ratioToNodePool === undefined ? '' : ` (${r.ratioToNodePool.toFixed(2)}x node pool)`),
    r.target !== undefined
      ? `<= ${r.target}x ${verdict(r.ratio, r.target)}`
      : r.absoluteTargetMs !== undefined
        ? `<= ${r.absoluteTargetMs} ms ${verdict(r.refundkitMs, r.absoluteTargetMs)}`
        : r.judgedIn !== undefined
          ? `judged in ${r.judgedIn}`
          : '-',
  ]),
));
log('');
log(table(
  ['gateway', 'hostile unsigned body of 1 MiB', 'worst shape', 'ms to refuse'],
  hostile.map((h) => [h.gateway, h.operation, h.worstShape, h.ms.toFixed(2)]),
));
log('');
log(table(
  ['file', 'what', 'raw bytes', 'gzip -9 bytes', 'target'],
  sizes.map((s) => [
    s.file,
    s.what,
    String(s.rawBytes),
    `${s.gzipBytes} (${(s.gzipBytes / 1024).toFixed(1)} KiB)`,
    s.target === undefined ? '-' : `<= ${s.target / 1024} KiB ${verdict(s.gzipBytes, s.target)}`,
  ]),
));
log('');
log(table(
  ['fresh process: load + client + first sign (median of 15)', 'refundkit ms', 'node:crypto ms', 'ratio', 'target'],
  [['payermax buildRefund', fresh.refundkitMs.toFixed(2), fresh.nodeMs.toFixed(2), `${fresh.ratio.toFixed(2)}x`, `<= ${fresh.target}x ${verdict(fresh.ratio, fresh.target)}`]],
));
log('');
log(table(
  ['cold load (median of 15 fresh processes)', 'ms', 'target'],
  instantiation.map((i) => [i.build, i.ms.toFixed(2), `<= ${i.target} ms ${verdict(i.ms, i.target)}`]),
));
for (const note of notes) log(`note: ${note}`);
log(`\n${machine.node}, ${machine.cpu}, ${machine.cores} cores, load average ${machine.loadAverage.join(' ')}`);
if (chromiumUserAgent) log(chromiumUserAgent);

if (jsonFile) {
  writeFileSync(jsonFile, `${JSON.stringify({ machine, targets: TARGETS, rows, hostile, sizes, fresh, instantiation, notes }, null, 2)}\n`);
  log(`results written to ${jsonFile} (${statSync(jsonFile).size} bytes)`);
}

function table(header, body) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

function log(text) {
  console.log(text);
}
