// The refundkit command line as a user gets it: `npm pack`, installed offline into an empty project,
// run with npx. sandbox, keygen, fingerprint, verify on a notification the sandbox really sent, and
// console serving a page that loads without errors; exit codes 0, 1 and 2 as documented.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RefundClient } from 'refundkit';

const root = fileURLToPath(new URL('../..', import.meta.url));
const STARTUP_MS = 30_000;

let dir;
let app;
let packedFiles;

/** `npx refundkit <args>` in the fresh project, to the end. */
function npx(args, { input } = {}) {
  const run = spawnSync('npx', ['--offline', 'refundkit', ...args], { cwd: app, input, encoding: 'utf8', timeout: 120_000 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `npx refundkit <args>` left running: resolves once its output matches `ready`. */
async function npxServer(args, ready) {
  const child = spawn('npx', ['--offline', 'refundkit', ...args], { cwd: app, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  // 'close' comes once refundkit itself has ended too: npx's children hold the pipes open until then.
  const closed = new Promise((resolve) => child.on('close', resolve));
  const started = Date.now();
  while (!ready.test(stdout)) {
    assert.equal(child.exitCode, null, `refundkit ${args[0]} exited early:\n${stdout}\n${stderr}`);
    assert.ok(Date.now() - started < STARTUP_MS, `refundkit ${args[0]} not ready:\n${stdout}\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    output: () => stdout,
    /** Ctrl-C, as a terminal sends it, to npx and refundkit (npx does not hand it on when it has no
     * terminal); resolves with what refundkit said while stopping. */
    stop: async () => {
      process.kill(-child.pid, 'SIGINT');
      await closed;
      return stderr;
    },
  };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'refundkit-cli-'));
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }));
  packedFiles = packed[0].files.map((f) => f.path);
  app = join(dir, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{"name":"app","private":true}');
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(dir, tarball)], { cwd: app, stdio: 'pipe' });
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the package carries the CLI, the console, the sandbox and the relay, and no tests, sources or sandbox keys', () => {
  for (const expected of ['bin/refundkit.mjs', 'bin/console-server.mjs', 'js/relay.mjs', 'js/relay.d.ts', 'js/sandbox.mjs', 'js/sandbox.d.ts', 'www/index.html', 'www/console/app.mjs', 'www/console/relay.json', 'www/sandbox/index.mjs', 'www/sandbox/static.mjs']) {
    assert.ok(packedFiles.includes(expected), `${expected} missing from the package`);
  }
  for (const file of packedFiles) {
    assert.doesNotMatch(file, /^(src|tests|target|scripts|fuzz|bench|audit)\/|\/\.keys\//, `${file} does not belong in the package`);
  }
});

test('--help and exit codes: 0 for help, 2 for a wrong command line', () => {
  const overview = npx(['--help']);
  assert.equal(overview.code, 0);
  for (const name of ['console', 'sandbox', 'keygen', 'fingerprint', 'verify']) {
    assert.match(overview.stdout, new RegExp(`^  ${name} `, 'm'));
    const help = npx([name, '--help']);
    assert.equal(help.code, 0, name);
    assert.match(help.stdout, new RegExp(`^usage: refundkit ${name}`), name);
  }
  const unknown = npx(['refund']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no command "refund"; the commands are console, sandbox, keygen, fingerprint, verify/);
  const badOption = npx(['keygen', '--bits', '1024']);
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /--bits takes 2048, 3072, 4096/);
  assert.match(badOption.stderr, /Run refundkit keygen --help/);
  const badGateway = npx(['console', 'payermax=prod']);
  assert.equal(badGateway.code, 2);
  assert.match(badGateway.stderr, /not one of its environments \(sandbox, production\)/);
});

test('keygen makes a working pair whose fingerprint node:crypto and fingerprint agree on', () => {
  const made = npx(['keygen', '--json']);
  assert.equal(made.code, 0, made.stderr);
  const pair = JSON.parse(made.stdout);
  const signature = crypto.sign('sha256', Buffer.from('pair'), pair.privateKeyPem);
  assert.ok(crypto.verify('sha256', Buffer.from('pair'), pair.publicKeyPem, signature));
  const expected = crypto.createHash('sha256').update(Buffer.from(pair.publicKey, 'base64')).digest('hex');
  assert.equal(pair.fingerprint, expected);
  writeFileSync(join(app, 'made.pub.pem'), pair.publicKeyPem);
  assert.deepEqual(npx(['fingerprint', 'made.pub.pem']), { code: 0, stdout: `${expected}\n`, stderr: '' });
  assert.equal(npx(['fingerprint'], { input: pair.publicKey }).stdout.trim(), expected, 'from stdin');

  const notAKey = npx(['fingerprint'], { input: 'not a key' });
  assert.equal(notAKey.code, 1);
  assert.match(notAKey.stderr, /^KEY_INVALID/);
  assert.equal(npx(['fingerprint', 'missing.pem']).code, 2);

  const written = npx(['keygen', '--out', 'merchant']);
  assert.equal(written.code, 0, written.stderr);
  assert.doesNotMatch(written.stdout, /PRIVATE KEY/, 'the private key went to the file only');
  assert.equal(statSync(join(app, 'merchant.pem')).mode & 0o777, 0o600);
  assert.match(written.stdout, /-----BEGIN PUBLIC KEY-----/);
  const again = npx(['keygen', '--out', 'merchant']);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /merchant\.pem exists already/);
});

describe('sandbox and verify', () => {
  let sandbox;
  let info;

  before(async () => {
    sandbox = await npxServer(['sandbox', '--port', '0', '--json', '--keys', join(dir, 'keys')], /^}\s*$/m);
    info = JSON.parse(sandbox.output());
  });

  after(async () => {
    if (sandbox) assert.match(await sandbox.stop(), /Stopping the sandbox/, 'the sandbox stops on Ctrl-C');
  });

  test('sandbox --json prints a client config per gateway that refunds at the running sandbox', async () => {
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    for (const id of ['wisepay', 'payermax', 'bluepay', 'bieases']) assert.equal(info.credentials[id].gateway, id);
    const order = info.orders.payermax.filter((o) => !o.refundsFail)[0];
    const result = await new RefundClient(info.credentials.payermax).refund({
      refundId: `R${Date.now()}`,
      originalOrderId: order.originalOrderId,
      amount: order.refundable,
      currency: order.currency,
    });
    assert.equal(result.status, 'pending');
    assert.equal(result.verified, true);
  });

  test('verify believes a notification the sandbox sent and refuses it altered (exit 0, then 1 with the code)', async () => {
    const received = [];
    const hook = createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":"SUCCESS","msg":"Success"}');
      });
    });
    await new Promise((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      // Another order than the refund above, which is still in progress.
      const order = info.orders.payermax.filter((o) => !o.refundsFail)[1];
      const refundId = `R${Date.now()}`;
      await new RefundClient(info.credentials.payermax).refund({
        refundId,
        originalOrderId: order.originalOrderId,
        amount: order.refundable,
        currency: order.currency,
        notifyUrl: `http://127.0.0.1:${hook.address().port}/notify`,
      });
      const end = Date.now() + 20_000;
      while (received.length === 0) {
        assert.ok(Date.now() < end, 'no notification arrived');
        await new Promise((r) => setTimeout(r, 100));
      }
      const [notification] = received;
      writeFileSync(join(app, 'config.json'), JSON.stringify(info.credentials.payermax));
      writeFileSync(join(app, 'headers.txt'), Object.entries(notification.headers).map(([k, v]) => `${k}: ${v}`).join('\n'));
      writeFileSync(join(app, 'body.json'), notification.body);

      const verified = npx(['verify', '--config', 'config.json', '--headers', 'headers.txt', '--body', 'body.json']);
      assert.equal(verified.code, 0, verified.stderr);
      assert.match(verified.stdout, /^verified: payermax notification/);
      assert.match(verified.stdout, new RegExp(`refund ${refundId}.*: succeeded`));
      const asJson = JSON.parse(npx(['verify', '--config', 'config.json', '--headers', 'headers.txt', '--json'], { input: notification.body }).stdout);
      assert.equal(asJson.verified, true);
      assert.equal(asJson.refund.refundId, refundId);

      writeFileSync(join(app, 'altered.json'), notification.body.toString('utf8').replace(refundId, `${refundId}9`));
      const altered = npx(['verify', '--config', 'config.json', '--headers', 'headers.txt', '--body', 'altered.json']);
      assert.equal(altered.code, 1);
      assert.match(altered.stderr, /^refused: SIGNATURE_INVALID/);
      const refusedJson = JSON.parse(npx(['verify', '--config', 'config.json', '--headers', 'headers.txt', '--body', 'altered.json', '--json']).stdout);
      assert.deepEqual([refusedJson.verified, refusedJson.code], [false, 'SIGNATURE_INVALID']);

      assert.equal(npx(['verify', '--headers', 'headers.txt', '--body', 'body.json']).code, 2, 'no --config');
      assert.equal(npx(['verify', '--config', 'nowhere.json', '--body', 'body.json']).code, 2, 'a config that cannot be read');
    } finally {
      hook.closeAllConnections();
      hook.close();
    }
  });
});

const noBrowser = !existsSync('/usr/bin/chromium') ? '/usr/bin/chromium is missing' : false;

test('console serves a page that loads without errors and offers the relayed environment', { skip: noBrowser, timeout: 120_000 }, async () => {
  const server = await npxServer(['console', 'payermax=sandbox', 'bluepay=https://bluepay.example', '--port', '0'], /Press Ctrl-C/);
  const url = /refundkit console: (http:\/\/127\.0\.0\.1:\d+)\//.exec(server.output())[1];
  assert.match(server.output(), /relay: payermax -> https:\/\/pay-gate-uat\.payermax\.com \(sandbox\)/);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(20_000);
    const problems = [];
    page.on('console', (msg) => msg.type() === 'error' && problems.push(msg.text()));
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`${url}/`);
    await page.locator('body[data-ready="true"]').waitFor();
    await page.getByLabel('Gateway', { exact: true }).selectOption('payermax');
    assert.equal(await page.getByLabel('Environment').locator('option:checked').textContent(), 'sandbox through the relay (pay-gate-uat.payermax.com)');
    assert.equal(await page.getByLabel('Base URL').inputValue(), `${url}/relay/payermax`);
    await page.getByLabel('Gateway', { exact: true }).selectOption('bluepay');
    assert.equal(await page.getByLabel('Base URL').inputValue(), `${url}/relay/bluepay`);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    assert.match(await server.stop(), /Stopping the console/, 'the console stops on Ctrl-C');
  }
});
