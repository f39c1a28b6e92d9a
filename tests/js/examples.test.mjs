// The examples under examples/ run against the local sandbox here, each as a user runs it (a child
// process of `node`, or the exported handler served as the example says), so a broken example fails
// npm test. The docs copy their runnable code from these files: every code block that names its
// example must still match it, and every relative link in README.md, CHANGELOG.md and docs/ must
// point at a file (and heading) that exists.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RefundClient } from 'refundkit';
import { startSandbox } from '../../www/sandbox/index.mjs';
import { refundWebhook } from '../../examples/webhook-fetch.mjs';
import { until } from './helpers.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const EXPRESS_VERSION = '4.21.2';
const WAIT_MS = 20_000;

let sandbox;
let keysDir;

before(async () => {
  keysDir = await mkdtemp(join(tmpdir(), 'examples-keys-'));
  sandbox = await startSandbox({ keysDir, refundDelayMs: 100, notifyRetryScheduleMs: [0, 100, 200, 400, 800, 1600] });
});

after(async () => {
  await sandbox?.close();
  await rm(keysDir, { recursive: true, force: true });
});

/** Starts `node <file> ...args` in the repository with the sandbox's address; `output()` is what it
 * printed so far, `waitFor(re)` resolves with the first match in its stdout (or, asked, its stderr),
 * `exited` with its exit. */
function startExample(file, { args = [], env = {}, cwd = root } = {}) {
  const child = spawn(process.execPath, [file, ...args], {
    cwd,
    env: { ...process.env, SANDBOX_URL: sandbox.url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;
  return {
    child,
    exited,
    output,
    async waitFor(re, stream = 'stdout') {
      let done = false;
      exited.then(() => (done = true));
      const match = await until(`${file} to print ${re}`, () => re.exec(stream === 'stdout' ? stdout : stderr) ?? (done && 'exited'), {
        timeoutMs: WAIT_MS,
        intervalMs: 20,
      }).catch((error) => {
        throw new Error(`${error.message}\n${output()}`);
      });
      if (match === 'exited') assert.fail(`${file} exited before printing ${re}\n${output()}`);
      return match;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill();
      await exited;
    },
  };
}

/** Runs an example to its end and returns its stdout; it must exit with 0. */
async function runExample(file, options) {
  const run = startExample(file, options);
  const timer = setTimeout(() => run.child.kill(), WAIT_MS);
  const { code } = await run.exited;
  clearTimeout(timer);
  assert.equal(code, 0, `${file} failed\n${run.output()}`);
  return run.output();
}

/** A free port on 127.0.0.1, for the examples that listen on a port they are told. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The sandbox's record of a refund once its notification was acknowledged with the right reply. */
function acknowledged(gateway, refundId) {
  return until(`the ${gateway} notification of ${refundId} to be acknowledged`, () =>
    sandbox.refunds()[gateway].find((r) => r.refundId === refundId && r.deliveries.some((d) => d.outcome === 'acknowledged')),
    { timeoutMs: WAIT_MS },
  );
}

const order = (gateway, currency) => sandbox.orders[gateway].find((o) => o.currency === currency && !o.refundsFail);

describe('the Node examples run against the sandbox', () => {
  test('refund.mjs refunds a seeded PayerMax order and queries it', async () => {
    const out = await runExample('examples/refund.mjs');
    assert.match(out, /^refund R-\d+ pending$/m);
    assert.match(out, /^query R-\d+ (pending|succeeded) 9\.90 USD$/m);
  });

  test('sandbox-refund.mjs refunds, is notified and queries at every gateway', async () => {
    const out = await runExample('examples/sandbox-refund.mjs');
    for (const gateway of ['wisepay', 'payermax', 'bluepay', 'bieases']) assert.match(out, new RegExp(`^${gateway}$`, 'm'));
    assert.equal(out.match(/notification: succeeded, verified true/g)?.length, 4, out);
    assert.equal(out.match(/^ {2}query: /gm)?.length, 4, out);
  });

  test('webhook-node.mjs verifies, stores and acknowledges a notification, and refuses a forged one', async () => {
    const hook = startExample('examples/webhook-node.mjs', { env: { PORT: '0', GATEWAY: 'payermax' } });
    try {
      const [, url] = await hook.waitFor(/notifications on (http:\/\/\S+)/);
      const client = new RefundClient(sandbox.credentials.payermax);
      const refundId = `EXN${Date.now()}`;
      const pm = order('payermax', 'USD');
      await client.refund({ refundId, originalOrderId: pm.originalOrderId, amount: '1.00', currency: 'USD', notifyUrl: url });
      await acknowledged('payermax', refundId);
      await hook.waitFor(new RegExp(`^stored ${refundId} succeeded 1\\.00 USD$`, 'm'));
      const forged = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', sign: 'AAAA' }, body: '{}' });
      assert.equal(forged.status, 400);
      await hook.waitFor(/^refused a notification: SIGNATURE_INVALID$/m, 'stderr');
    } finally {
      await hook.stop();
    }
  });

  test('webhook-fetch.mjs, served from node:http, verifies, stores and acknowledges a WisePay notification', async () => {
    const client = new RefundClient(sandbox.credentials.wisepay);
    const stored = [];
    const handle = refundWebhook(client, async (refund) => {
      stored.push(refund);
    });
    // The example's handler takes a Request and gives a Response; node:http hands it one.
    const server = createServer(async (req, res) => {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) headers.set(name, String(value));
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
      });
      const response = await handle(request);
      res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${server.address().port}/refunds/notify`;
      const refundId = `EXF${Date.now()}`;
      const wp = order('wisepay', 'JPY');
      await client.refund({ refundId, originalOrderId: wp.originalOrderId, amount: '10', currency: 'JPY', notifyUrl: url });
      await acknowledged('wisepay', refundId);
      assert.equal(stored.at(-1).refundId, refundId);
      assert.equal(stored.at(-1).status, 'succeeded');
      assert.equal(stored.at(-1).verified, true);
      assert.equal((await fetch(url, { method: 'POST', body: 'code=0&sign=AAAA' })).status, 400);
      assert.equal((await fetch(url)).status, 405);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test(`webhook-express.mjs, with express@${EXPRESS_VERSION} from the npm registry, acknowledges a BluePay notification`, async (t) => {
    // Express is not a dependency of the package: it is installed into a temporary folder, next to
    // a copy of the example and a link to this package, as a user's project would have them.
    const dir = await mkdtemp(join(tmpdir(), 'examples-express-'));
    try {
      const installed = await new Promise((resolve) =>
        execFile(
          'npm',
          ['install', '--prefix', dir, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', `express@${EXPRESS_VERSION}`],
          { timeout: 180_000 },
          (error, _stdout, stderr) => resolve(error ? `${error.message}\n${stderr}` : true),
        ),
      );
      if (installed !== true) {
        t.skip(`express@${EXPRESS_VERSION} could not be installed from the npm registry: ${installed.split('\n')[0]}`);
        return;
      }
      await symlink(root, join(dir, 'node_modules', 'refundkit'), 'dir');
      await copyFile(join(root, 'examples', 'webhook-express.mjs'), join(dir, 'webhook-express.mjs'));
      const hook = startExample('webhook-express.mjs', { cwd: dir, env: { PORT: '0', GATEWAY: 'bluepay' } });
      try {
        const [, url] = await hook.waitFor(/notifications on (http:\/\/\S+)/);
        const client = new RefundClient(sandbox.credentials.bluepay);
        const refundId = `EXE${Date.now()}`;
        const bp = order('bluepay', 'THB');
        await client.refund({ refundId, originalTransactionId: bp.originalTransactionId, amount: '1.00', currency: 'THB', notifyUrl: url });
        await acknowledged('bluepay', refundId);
        await hook.waitFor(new RegExp(`^stored ${refundId} succeeded 1\\.00 THB$`, 'm'));
        const forged = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"param":"{}","sign":"AAAA"}' });
        assert.equal(forged.status, 400);
      } finally {
        await hook.stop();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the gateway examples run against the sandbox', () => {
  test('wisepay-refund.mjs refunds, queries and receives the notification', async () => {
    const c = sandbox.credentials.wisepay;
    const port = await freePort();
    const run = startExample('examples/wisepay-refund.mjs', {
      env: {
        WISEPAY_BASE_URL: c.baseUrl,
        WISEPAY_APP_ID: c.appId,
        WISEPAY_MERCHANT_NO: c.merchantNo,
        WISEPAY_PRIVATE_KEY: c.privateKey,
        WISEPAY_GATEWAY_PUBLIC_KEY: c.gatewayPublicKey,
        WISEPAY_PAID_ORDER_NO: order('wisepay', 'JPY').originalOrderId,
        WISEPAY_NOTIFY_URL: `http://127.0.0.1:${port}/`,
        PORT: String(port),
      },
    });
    try {
      await run.waitFor(/^refund pending \S+$/m);
      await run.waitFor(/^query (pending|succeeded) \S+ 1 /m);
      await run.waitFor(/^notified RF_\d+ succeeded 1 JPY$/m);
    } finally {
      await run.stop();
    }
  });

  test('payermax-refund.mjs builds, sends and verifies a refund and a query by hand', async () => {
    const c = sandbox.credentials.payermax;
    const out = await runExample('examples/payermax-refund.mjs', {
      args: [order('payermax', 'IDR').originalOrderId, '10000', 'IDR'],
      env: {
        PAYERMAX_BASE_URL: c.baseUrl,
        PAYERMAX_APP_ID: c.appId,
        PAYERMAX_MERCHANT_NO: c.merchantNo,
        PAYERMAX_PRIVATE_KEY: c.privateKey,
        PAYERMAX_PUBLIC_KEY: c.gatewayPublicKey,
      },
    });
    assert.match(out, /^refund pending \S+$/m);
    assert.match(out, /^query (pending|succeeded) 10000 IDR/m);
  });

  test('bluepay-refund.mjs refunds, lists the refund and receives the notification', async () => {
    const c = sandbox.credentials.bluepay;
    const port = await freePort();
    const run = startExample('examples/bluepay-refund.mjs', {
      args: [order('bluepay', 'THB').originalTransactionId, '100.00'],
      env: {
        BLUEPAY_BASE_URL: c.baseUrl,
        BLUEPAY_APP_ID: c.appId,
        BLUEPAY_PRIVATE_KEY: c.privateKey,
        BLUEPAY_PUBLIC_KEY: c.gatewayPublicKey,
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        PORT: String(port),
      },
    });
    try {
      await run.waitFor(/^refund pending \S+ 100\.00 THB$/m);
      await run.waitFor(/^query R\d+ (pending|succeeded) $/m);
      await run.waitFor(/^notification payment\.refund\.success R\d+ succeeded$/m);
    } finally {
      await run.stop();
    }
  });

  test('bieases-roundtrip.mjs plays both sides of a refund and a notification', async () => {
    const out = await runExample('examples/bieases-roundtrip.mjs');
    assert.match(out, /signature ok: true/);
    assert.match(out, /^payment\.refund\.success succeeded 10\.50$/m);
    assert.match(out, /^reply: 200 \{"code":20000,"msg":""\}$/m);
  });
});

// --- The docs ---------------------------------------------------------------------------------

async function markdownFiles() {
  const files = ['README.md', 'CHANGELOG.md'].filter((f) => existsSync(join(root, f)));
  const walk = async (dir) => {
    for (const entry of await readdir(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.md')) files.push(path);
    }
  };
  await walk('docs');
  return files;
}

/** GitHub's anchors for a page's headings: lower case, punctuation dropped, spaces as `-`, `-1`,
 * `-2`, ... after repeats. Headings inside code blocks do not count. */
function anchors(text) {
  const seen = new Map();
  const out = new Set();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** The page's text without fenced code blocks and inline code, where links are not links. */
const prose = (text) => text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

test('every relative link in README.md, CHANGELOG.md and docs/ points at a file that exists', async () => {
  const broken = [];
  for (const file of await markdownFiles()) {
    const text = await readFile(join(root, file), 'utf8');
    for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [path, anchor] = target.split('#');
      const resolved = path ? resolve(dirname(join(root, file)), decodeURIComponent(path)) : join(root, file);
      if (!existsSync(resolved)) {
        broken.push(`${file}: ${target} (no file ${relative(root, resolved)})`);
        continue;
      }
      // Anchors are checked on the pages under docs/ and on links into them; the README's own
      // anchors move with its sections.
      const checkAnchor = anchor && resolved.endsWith('.md') && (file.startsWith('docs/') || relative(root, resolved).startsWith('docs'));
      if (checkAnchor && !anchors(await readFile(resolved, 'utf8')).has(anchor)) {
        broken.push(`${file}: ${target} (no heading #${anchor} in ${relative(root, resolved)})`);
      }
    }
  }
  assert.deepEqual(broken, []);
});

test('every code block that names an example under examples/ is copied from it', async () => {
  // A block whose first line is `// examples/NAME` (the whole file, or its start) or
  // `// from examples/NAME` (an excerpt) must hold the example's lines in the example's order;
  // `// ...` marks what an excerpt leaves out.
  const stale = [];
  let blocks = 0;
  for (const file of await markdownFiles()) {
    const text = await readFile(join(root, file), 'utf8');
    for (const [, body] of text.matchAll(/^```[a-z]*\n([\s\S]*?)^```/gm)) {
      const lines = body.split('\n');
      const named = /^\/\/ (?:from )?(examples\/[\w./-]+)/.exec(lines[0]);
      if (!named) continue;
      blocks += 1;
      const examplePath = join(root, named[1]);
      if (!existsSync(examplePath)) {
        stale.push(`${file}: ${named[1]} does not exist`);
        continue;
      }
      const example = (await readFile(examplePath, 'utf8')).split('\n').map((l) => l.trim());
      let at = 0;
      for (const line of lines.slice(1).map((l) => l.trim())) {
        if (line === '' || line === '// ...' || line === '// …') continue;
        const found = example.indexOf(line, at);
        if (found === -1) {
          stale.push(`${file}: a block from ${named[1]} has a line the example lacks (or holds earlier): ${line}`);
          break;
        }
        at = found + 1;
      }
    }
  }
  assert.ok(blocks >= 5, `expected the docs to copy their runnable code from examples/, found ${blocks} blocks`);
  assert.deepEqual(stale, []);
});
